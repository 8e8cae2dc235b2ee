"""Typed, validated training modules: what the loader produces and everything else reads."""

from __future__ import annotations

from dataclasses import dataclass

AUDIENCES = ("all", "direct", "indirect", "dsl")


@dataclass(frozen=True)
class Section:
    """One page of a module, read in order."""

    number: int
    slug: str
    title: str
    kcsie_paragraphs: tuple[str, ...]
    body: str  # Markdown
    sha256: str  # of the title and body exactly as shown


@dataclass(frozen=True)
class Module:
    """A versioned reading module; `sha256` fingerprints the exact text a reader is shown."""

    key: str
    title: str
    edition: str
    version: str
    audience: tuple[str, ...]
    summary: str
    source_title: str
    source_url: str
    licence: str
    estimated_minutes: int
    order: int
    sections: tuple[Section, ...]
    sha256: str
    declaration: str | None = None  # a school's own wording; the default names the module

    def section(self, number: int) -> Section | None:
        return self.sections[number - 1] if 1 <= number <= len(self.sections) else None

    @property
    def section_hashes(self) -> tuple[str, ...]:
        return tuple(s.sha256 for s in self.sections)


@dataclass(frozen=True)
class ContentProblem:
    """Something wrong with a content file, located for the person fixing it."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when content does not load; carries every problem found."""

    def __init__(self, problems: list[ContentProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems
