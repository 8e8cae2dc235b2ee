"""Load and validate module folders into typed `Module` objects, reporting every problem."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from courses.model import AUDIENCES, ContentError, ContentProblem, Module, Section
from courses.safety import lint_text

MODULES_DIR = Path(__file__).resolve().parent / "modules"
MODULE_KEYS = {
    "key", "title", "edition", "version", "audience", "summary", "source", "licence",
    "estimated_minutes",
}
OPTIONAL_KEYS = {"order"}  # reading order on a person's list (lower first); default 100
SECTION_FILE = re.compile(r"^(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARAGRAPH_REF = re.compile(r"^(\d+(-\d+)?|(Part (one|two|three|four|five)|Annex [A-H]): .+)$")
RAW_HTML = re.compile(r"<[a-zA-Z/!][^>]*>")


def fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def section_fingerprint(title: str, body: str) -> str:
    """A section's SHA-256 as shown: its title and body. Re-signing compares these."""
    return fingerprint(title.strip() + "\n\n" + body)


def _key_line(text: str, key: str) -> int:
    """The 1-based line where a top-level YAML key appears (1 if it does not)."""
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(f"{key}:"):
            return number
    return 1


def read_yaml(path: Path, text: str, problems: list[ContentProblem]) -> Any:
    """Parse YAML; on error record it with its line and return None."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problems.append(ContentProblem(str(path), mark.line + 1 if mark else 1,
                                       f"not valid YAML: {exc}"))
        return None


def _split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter, body, line where the body starts)."""
    if not text.startswith("---\n"):
        return None, text, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        return None, text, 1
    front = text[4:end]
    return front, text[end + 5:], front.count("\n") + 4


def _load_section(path: Path, number: int, slug: str,
                  problems: list[ContentProblem]) -> Section | None:
    text = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    where = str(path)
    front_text, body, body_line = _split_front_matter(text)
    if front_text is None:
        problems.append(
            ContentProblem(where, 1, "missing front matter (--- title/kcsie_paragraphs ---)")
        )
        return None
    front = read_yaml(path, front_text, problems)
    if not isinstance(front, dict):
        problems.append(ContentProblem(where, 2, "front matter must be a mapping"))
        return None
    before = len(problems)
    unknown = set(front) - {"title", "kcsie_paragraphs"}
    if unknown:
        problems.append(ContentProblem(where, 2, f"unknown front matter keys: {sorted(unknown)}"))
    title = front.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(ContentProblem(where, 2, "title must be a non-empty string"))
    refs = front.get("kcsie_paragraphs")
    if not isinstance(refs, list) or not refs or not all(isinstance(r, str) for r in refs):
        problems.append(
            ContentProblem(where, 2, "kcsie_paragraphs must be a non-empty list of strings")
        )
        refs = []
    for ref in refs:
        if not PARAGRAPH_REF.match(ref):
            problems.append(ContentProblem(
                where, 2,
                f"kcsie_paragraphs entry {ref!r} is neither a paragraph number or range "
                "('24', '24-33') nor a heading reference ('Part one: ...', 'Annex B: ...')",
            ))
    if not body.strip():
        problems.append(ContentProblem(where, body_line, "the section has no text"))
    for offset, line in enumerate(body.split("\n")):
        lineno = body_line + offset
        if line.startswith("# "):
            problems.append(ContentProblem(
                where, lineno, "no '# ' heading: the title comes from front matter"
            ))
        if RAW_HTML.search(line):
            problems.append(ContentProblem(where, lineno, "raw HTML is not allowed"))
    problems.extend(
        ContentProblem(where, body_line + offset, msg) for offset, msg in lint_text(body)
    )
    if len(problems) > before:
        return None
    body = body.strip() + "\n"
    return Section(
        number=number,
        slug=slug,
        title=title.strip(),
        kcsie_paragraphs=tuple(refs),
        body=body,
        sha256=section_fingerprint(title, body),
    )


def load_module(folder: Path, problems: list[ContentProblem]) -> Module | None:
    """Load one module folder; append what is wrong to `problems` and return None if anything is."""
    before = len(problems)
    meta_path = folder / "module.yaml"
    if not meta_path.exists():
        problems.append(ContentProblem(str(meta_path), 1, "module.yaml is missing"))
        return None
    meta_text = meta_path.read_text(encoding="utf-8")
    meta = read_yaml(meta_path, meta_text, problems)
    if not isinstance(meta, dict):
        if len(problems) == before:
            problems.append(ContentProblem(str(meta_path), 1, "module.yaml must be a mapping"))
        return None
    where = str(meta_path)

    def bad(key: str, message: str) -> None:
        problems.append(ContentProblem(where, _key_line(meta_text, key), f"{key}: {message}"))

    for missing in sorted(MODULE_KEYS - set(meta)):
        problems.append(ContentProblem(where, 1, f"missing key {missing!r}"))
    for extra in sorted(set(meta) - MODULE_KEYS - OPTIONAL_KEYS):
        bad(extra, "unknown key")
    for key in ("key", "title", "edition", "version", "summary", "licence"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            bad(key, "must be a non-empty string (quote numbers, e.g. version: \"1\")")
    if isinstance(meta.get("key"), str):
        if not KEY.match(meta["key"]):
            bad("key", "use lowercase letters, digits and hyphens")
        elif meta["key"] != folder.name:
            bad("key", f"must match the folder name {folder.name!r}")
    audience = meta.get("audience")
    if "audience" in meta and (
        not isinstance(audience, list) or not audience
        or any(a not in AUDIENCES for a in audience)
    ):
        bad("audience", f"must be a non-empty list drawn from {list(AUDIENCES)}")
    source = meta.get("source")
    if "source" in meta and (
        not isinstance(source, dict) or set(source) != {"title", "url"}
        or not str(source.get("url", "")).startswith("https://")
    ):
        bad("source", "must have exactly title and an https url")
    if isinstance(meta.get("licence"), str) and "Open Government Licence" not in meta["licence"]:
        bad("licence", "must carry the Open Government Licence v3.0 attribution")
    order = meta.get("order", 100)
    if not isinstance(order, int) or isinstance(order, bool):
        bad("order", "must be a whole number")
    minutes = meta.get("estimated_minutes")
    if "estimated_minutes" in meta and (not isinstance(minutes, int) or minutes <= 0):
        bad("estimated_minutes", "must be a positive whole number")

    sections: list[Section] = []
    files = sorted(p for p in folder.iterdir() if p.suffix == ".md")
    if not files:
        problems.append(ContentProblem(str(folder), 1, "the module has no section files"))
    for expected, path in enumerate(files, 1):
        match = SECTION_FILE.match(path.name)
        if not match:
            problems.append(ContentProblem(
                str(path), 1, "name sections NN-slug.md, e.g. 01-introduction.md"
            ))
            continue
        if int(match[1]) != expected:
            problems.append(ContentProblem(str(path), 1, f"expected section number {expected:02d}"))
            continue
        section = _load_section(path, expected, match[2], problems)
        if section:
            sections.append(section)
    if len(problems) > before:
        return None
    shown = meta["title"].strip() + "\n\n" + "\n".join(s.sha256 for s in sections)
    return Module(
        key=meta["key"],
        title=meta["title"].strip(),
        edition=meta["edition"].strip(),
        version=meta["version"].strip(),
        audience=tuple(audience),
        summary=meta["summary"].strip(),
        source_title=source["title"],
        source_url=source["url"],
        licence=meta["licence"].strip(),
        estimated_minutes=minutes,
        order=order,
        sections=tuple(sections),
        sha256=fingerprint(shown),
    )


def check(root: Path = MODULES_DIR) -> tuple[list[Module], list[ContentProblem]]:
    """Load every module under `root`; returns the good modules and every problem found."""
    problems: list[ContentProblem] = []
    modules = []
    if not root.is_dir():
        return [], [ContentProblem(str(root), 1, "the modules folder is missing")]
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        module = load_module(folder, problems)
        if module:
            modules.append(module)
    return modules, problems


@cache
def catalogue(root: Path = MODULES_DIR) -> dict[str, Module]:
    """All shipped modules by key, loaded once per process; raises ContentError if any is bad."""
    modules, problems = check(root)
    if problems:
        raise ContentError(problems)
    return {m.key: m for m in sorted(modules, key=lambda m: (m.order, m.key))}
