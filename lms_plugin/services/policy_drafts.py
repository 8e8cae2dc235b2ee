"""Imported drafts under review: storing an import, and the coordinator's edits to it.

A draft's content is a working copy in JSON: sections, flags (open, resolved, dismissed) and
proposed contacts (proposed, confirmed, rejected). Nothing in it reaches staff until published.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from courses.policy_import import ImportedPolicy, model
from lms_plugin.models import Person, PolicyDraft, utcnow
from lms_plugin.services import policies
from lms_plugin.services.policies import PolicyError

OPEN, RESOLVED, DISMISSED = "open", "resolved", "dismissed"
PROPOSED, CONFIRMED, REJECTED = "proposed", "confirmed", "rejected"
MAX_TITLE = 300
MAX_BODY = 200_000


def create_draft(db: Session, organisation_id: int, kind: str, imported: ImportedPolicy,
                 filename: str, by: Person | None = None) -> PolicyDraft:
    """Store an import as a new draft of the organisation's document of this kind."""
    doc = policies.document(db, organisation_id, kind, imported.title)
    draft = PolicyDraft(
        organisation_id=organisation_id,
        document_id=doc.id,
        title=imported.title[:MAX_TITLE],
        source_filename=filename[:255],
        source_format=imported.source_format,
        source_sha256=imported.source_sha256,
        review_date=imported.review_date,
        content={
            "sections": [{"number": s.number, "title": s.title, "body": s.body,
                          "line": s.line, "level": s.level} for s in imported.sections],
            "flags": [{"kind": f.kind, "text": f.text, "line": f.line, "state": OPEN}
                      for f in imported.flags],
            "contacts": [{"role": c.role, "names": list(c.names), "phone": c.phone,
                          "email": c.email, "line": c.line, "state": PROPOSED}
                         for c in imported.contacts],
        },
        created_by_id=by.id if by else None,
    )
    db.add(draft)
    db.commit()
    return draft


def draft_in(db: Session, organisation_id: int, draft_id: int) -> PolicyDraft | None:
    """A draft, only if it belongs to this organisation."""
    return db.scalars(select(PolicyDraft).where(
        PolicyDraft.id == draft_id, PolicyDraft.organisation_id == organisation_id)).first()


def open_drafts(db: Session, organisation_id: int) -> list[PolicyDraft]:
    return list(db.scalars(select(PolicyDraft).options(selectinload(PolicyDraft.document))
                           .where(PolicyDraft.organisation_id == organisation_id,
                                  PolicyDraft.status == "draft")
                           .order_by(PolicyDraft.created_at.desc())).all())


def _edit(db: Session, draft: PolicyDraft, change: Callable[[dict[str, Any]], None]) -> None:
    """Apply a change to a copy of the content and store it whole (JSON is not tracked)."""
    if draft.status != "draft":
        raise PolicyError("This draft is closed: upload the document again to make changes.")
    content = copy.deepcopy(draft.content)
    change(content)
    draft.content = content
    draft.updated_at = utcnow()
    db.commit()


def _item(items: list[dict[str, Any]], index: int, what: str) -> dict[str, Any]:
    if not 0 <= index < len(items):
        raise PolicyError(f"There is no {what} {index + 1}.")
    return items[index]


def _clean_title(title: str) -> str:
    title = " ".join(title.split())
    if len(title) > MAX_TITLE:
        raise PolicyError(f"Titles are {MAX_TITLE} characters at most.")
    return title


def edit_section(db: Session, draft: PolicyDraft, index: int, *, number: str, title: str,
                 level: int, body: str) -> None:
    """Rename, renumber, re-level or re-word one section."""
    number, title = " ".join(number.split())[:40], _clean_title(title)
    if not (number or title):
        raise PolicyError("A section needs a number or a title.")
    if len(body) > MAX_BODY:
        raise PolicyError("That section is too long to store.")
    if level not in (1, 2, 3):
        raise PolicyError("The level is 1 (a page of its own), 2 or 3 (part of a page).")

    def change(content: dict[str, Any]) -> None:
        section = _item(content["sections"], index, "section")
        section.update(number=number, title=title, level=level,
                       body=body.replace("\r\n", "\n").strip())

    _edit(db, draft, change)


def merge_with_previous(db: Session, draft: PolicyDraft, index: int) -> None:
    """Join a section onto the one before it, keeping its heading as a bold line."""
    if index == 0:
        raise PolicyError("The first section has nothing before it to merge into.")

    def change(content: dict[str, Any]) -> None:
        sections = content["sections"]
        section = _item(sections, index, "section")
        before = sections[index - 1]
        label = policies.heading(section["number"], section["title"])
        before["body"] = "\n\n".join(p for p in (before["body"], f"**{label}**" if label else "",
                                                 section["body"]) if p)
        del sections[index]

    _edit(db, draft, change)


def paragraphs(body: str) -> list[str]:
    """A section body's paragraphs (blank-line separated), where a split may happen."""
    return [p for p in body.split("\n\n") if p.strip()]


def split_section(db: Session, draft: PolicyDraft, index: int, at: int, *, number: str,
                  title: str) -> None:
    """Split a section before paragraph `at` (0-based); the rest becomes a new section."""
    title = _clean_title(title)
    if not (title or number.strip()):
        raise PolicyError("Give the new section a title.")

    def change(content: dict[str, Any]) -> None:
        section = _item(content["sections"], index, "section")
        parts = paragraphs(section["body"])
        if not 0 < at < len(parts):
            raise PolicyError("Choose a paragraph after the first one to split at.")
        section["body"] = "\n\n".join(parts[:at])
        content["sections"].insert(index + 1, {
            "number": " ".join(number.split())[:40], "title": title,
            "body": "\n\n".join(parts[at:]), "line": section.get("line", 0),
            "level": section.get("level", 1),
        })

    _edit(db, draft, change)


def drop_section(db: Session, draft: PolicyDraft, index: int) -> None:
    def change(content: dict[str, Any]) -> None:
        _item(content["sections"], index, "section")
        del content["sections"][index]

    _edit(db, draft, change)


def set_flag(db: Session, draft: PolicyDraft, index: int, state: str) -> None:
    """Mark a flag resolved (fixed), dismissed (not a problem) or open again."""
    if state not in (OPEN, RESOLVED, DISMISSED):
        raise PolicyError("A flag is open, resolved or dismissed.")

    def change(content: dict[str, Any]) -> None:
        _item(content["flags"], index, "flag")["state"] = state

    _edit(db, draft, change)


# How each flag kind is shown, most serious first. Unsafe advice and contradictions are never
# dismissed in bulk: each could put wrong guidance in front of staff.
FLAG_GROUPS: tuple[tuple[str, str, str, bool], ...] = (
    (model.UNSAFE_ADVICE, "Unsafe advice",
     "Advice that contradicts national guidance. Correct each one: staff will act on it.",
     False),
    (model.CONTRADICTION, "Contradictions",
     "Different people or details given for the same thing. Decide each one.", False),
    (model.MISSING_APPENDIX, "Missing appendices",
     "The text refers to an appendix the document does not contain.", True),
    (model.OUTDATED_GUIDANCE, "Out-of-date guidance",
     "References to editions of national guidance that have since been replaced.", True),
    (model.NUMBERING, "Numbering problems", "Heading numbers out of sequence or repeated.", True),
    (model.UNTITLED, "Untitled headings",
     "Numbered headings with no title; a title was proposed from the text.", True),
    (model.EMPTY_SECTION, "Empty sections", "Headings with nothing under them.", True),
    (model.DUPLICATE, "Repeated paragraphs", "The same paragraph appears more than once.", True),
    (model.INSTRUCTION, "Template instructions",
     "Guidance for whoever fills in the template, left in the text.", True),
    (model.PLACEHOLDER, "Placeholders",
     "Template text or links waiting for the school's own details.", True),
    (model.EMPTY_BULLET, "Empty bullet points", "List items with no text.", True),
)
_BULK = {kind for kind, _label, _about, bulk in FLAG_GROUPS if bulk}


@dataclass(frozen=True)
class FlagGroup:
    """The flags of one kind, each with its index in the draft."""

    kind: str
    label: str
    about: str
    bulk_dismissable: bool
    flags: list[tuple[int, dict[str, Any]]]

    @property
    def open(self) -> int:
        return sum(1 for _, f in self.flags if f["state"] == OPEN)


def flag_groups(flags: list[dict[str, Any]]) -> list[FlagGroup]:
    """A draft's flags grouped by kind, most serious first; kinds with no flags are left out."""
    known = {kind for kind, *_ in FLAG_GROUPS}
    groups = [FlagGroup(kind, label, about, bulk,
                        [(i, f) for i, f in enumerate(flags) if f["kind"] == kind])
              for kind, label, about, bulk in FLAG_GROUPS]
    # A kind an older import produced but no longer listed still has to be seen and decided.
    others = [(i, f) for i, f in enumerate(flags) if f["kind"] not in known]
    if others:
        groups.append(FlagGroup("other", "Other", "Other things to check.", False, others))
    return [g for g in groups if g.flags]


def dismiss_open_flags(db: Session, draft: PolicyDraft, kind: str | None = None) -> int:
    """Dismiss the open flags of one kind, or of every kind that may be dismissed in bulk."""
    if kind is not None and kind not in _BULK:
        raise PolicyError("Flags about unsafe advice or contradictions are decided one by one.")
    kinds = {kind} if kind else _BULK
    count = sum(1 for f in draft.content.get("flags", [])
                if f["state"] == OPEN and f["kind"] in kinds)

    def change(content: dict[str, Any]) -> None:
        for flag in content["flags"]:
            if flag["state"] == OPEN and flag["kind"] in kinds:
                flag["state"] = DISMISSED

    _edit(db, draft, change)
    return count


def contact_at(draft: PolicyDraft, index: int) -> dict[str, Any]:
    """A proposed contact of an open draft, before anything acts on it."""
    if draft.status != "draft":
        raise PolicyError("This draft is closed: manage contacts on the Key contacts page.")
    return _item(draft.content.get("contacts", []), index, "contact")


def set_contact_state(db: Session, draft: PolicyDraft, index: int, state: str) -> None:
    """Record what the coordinator decided about a proposed contact."""
    if state not in (PROPOSED, CONFIRMED, REJECTED):
        raise PolicyError("A proposed contact is confirmed, rejected or left proposed.")

    def change(content: dict[str, Any]) -> None:
        _item(content["contacts"], index, "contact")["state"] = state

    _edit(db, draft, change)


def set_review_date(db: Session, draft: PolicyDraft, review_date: date | None) -> None:
    if draft.status != "draft":
        raise PolicyError("This draft is closed.")
    draft.review_date = review_date
    draft.updated_at = utcnow()
    db.commit()


def set_title(db: Session, draft: PolicyDraft, title: str) -> None:
    title = _clean_title(title)
    if not title:
        raise PolicyError("The document needs a title.")
    if draft.status != "draft":
        raise PolicyError("This draft is closed.")
    draft.title = title
    db.commit()


def discard(db: Session, draft: PolicyDraft) -> None:
    if draft.status == "draft":
        draft.status = "discarded"
        db.commit()
