"""What the policy importer proposes: sections, contacts and flags, each located by line."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

# Flag kinds, in the words a coordinator sees them.
PLACEHOLDER = "placeholder"  # template text left in: "Name of School", "[school](#)", "(insert)"
INSTRUCTION = "instruction"  # template guidance: "Explain how ...", "Amend as appropriate"
EMPTY_BULLET = "empty_bullet"
EMPTY_SECTION = "empty_section"
MISSING_APPENDIX = "missing_appendix"
DUPLICATE = "duplicate"  # a paragraph repeated
CONTRADICTION = "contradiction"  # e.g. two different people named for one role
NUMBERING = "numbering"  # a heading number out of sequence or repeated
UNSAFE_ADVICE = "unsafe_advice"  # contradicts national guidance, e.g. 101 for immediate danger
UNTITLED = "untitled"  # a numbered heading with no title text; a title is proposed from its body
OUTDATED_GUIDANCE = "outdated_guidance"  # cites a superseded edition, e.g. "KCSIE 2023"
FLAG_KINDS = (PLACEHOLDER, INSTRUCTION, EMPTY_BULLET, EMPTY_SECTION, MISSING_APPENDIX,
              DUPLICATE, CONTRADICTION, NUMBERING, UNSAFE_ADVICE, UNTITLED, OUTDATED_GUIDANCE)


class ImportRefused(ValueError):
    """The upload cannot be imported; the message says why in words a coordinator understands."""


@dataclass
class ImportedSection:
    number: str  # "1", "2.3", "Appendix 1"; "" for an unnumbered section
    title: str
    body: str  # Markdown, safe to render: no raw HTML survives
    line: int  # 1-based line of the heading in the extracted text
    level: int = 1  # 1 for "3.", 2 for "3.1", ...

    @property
    def words(self) -> int:
        return len(self.body.split())


@dataclass
class ProposedContact:
    role: str
    names: list[str] = field(default_factory=list)
    phone: str | None = None  # normalised, e.g. "0116 305 6314"
    email: str | None = None
    line: int = 0


@dataclass
class Flag:
    kind: str
    text: str
    line: int


@dataclass
class ImportedPolicy:
    """A proposal for a coordinator to review; nothing in it is shown to staff as it is."""

    title: str
    sections: list[ImportedSection]
    contacts: list[ProposedContact]
    flags: list[Flag]
    review_date: date | None
    source_sha256: str  # of the uploaded bytes
    source_format: str  # "docx", "pdf", "txt", "md"

    def summary(self) -> dict[str, Any]:
        """The CLI's --json shape: sections (number, title, words), contacts, flags."""
        return {
            "sections": [{"number": s.number, "title": s.title, "words": s.words}
                         for s in self.sections],
            "contacts": [{"role": c.role, "names": list(c.names), "phone": c.phone,
                          "email": c.email} for c in self.contacts],
            "flags": [asdict(f) for f in self.flags],
        }
