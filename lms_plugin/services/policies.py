"""A school's own documents: which ones there are, their published versions as reading modules,
publishing a reviewed draft, and review-date reminders."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from courses.loader import fingerprint, section_fingerprint
from courses.model import Module, Section
from lms_plugin.models import (
    EvidenceRecord,
    Organisation,
    Person,
    PolicyDocument,
    PolicyDraft,
    PolicyVersion,
)
from lms_plugin.services import evidence
from lms_plugin.services.acknowledgements import standing_acknowledgements
from lms_plugin.timefmt import today_in_london

# The documents a school asks staff to read and sign, in the order staff see them.
KINDS: dict[str, str] = {
    "safeguarding": "Child protection and safeguarding policy",
    "code_of_conduct": "Staff code of conduct",
    "online_safety": "Online safety and acceptable use policy",
    "whistleblowing": "Whistleblowing procedure",
}
MODULE_PREFIX = "school-"
POLICY_PUBLISHED = "policy_published"
REVIEW_WARNING = timedelta(days=30)
WORDS_PER_MINUTE = 200


class PolicyError(ValueError):
    """The change cannot be made as asked; the message says why."""


def module_key(kind: str) -> str:
    return MODULE_PREFIX + kind


def default_declaration(title: str) -> str:
    return f"I have read and understood “{title}” and I will follow it in my work."


def find_document(db: Session, organisation_id: int, kind: str) -> PolicyDocument | None:
    return db.scalars(select(PolicyDocument).where(
        PolicyDocument.organisation_id == organisation_id, PolicyDocument.kind == kind)).first()


def document(db: Session, organisation_id: int, kind: str, title: str | None = None
             ) -> PolicyDocument:
    """The organisation's document of this kind, created on first use."""
    if kind not in KINDS:
        raise PolicyError(f"Unknown kind of document {kind!r}: choose one of "
                          + ", ".join(KINDS) + ".")
    found = find_document(db, organisation_id, kind)
    if found is None:
        found = PolicyDocument(organisation_id=organisation_id, kind=kind,
                               title=title or KINDS[kind])
        db.add(found)
        db.flush()
    return found


def documents(db: Session, organisation_id: int) -> list[PolicyDocument]:
    rows = db.scalars(select(PolicyDocument).where(
        PolicyDocument.organisation_id == organisation_id)).all()
    order = list(KINDS)
    return sorted(rows, key=lambda d: order.index(d.kind) if d.kind in order else len(order))


def versions(db: Session, doc: PolicyDocument) -> Sequence[PolicyVersion]:
    """Every published version, newest first."""
    return db.scalars(select(PolicyVersion).where(
        PolicyVersion.organisation_id == doc.organisation_id,
        PolicyVersion.document_id == doc.id,
    ).order_by(PolicyVersion.number.desc())).all()


def current_versions(db: Session, organisation_id: int, today: date | None = None
                     ) -> list[PolicyVersion]:
    """Per document, the newest version already in effect."""
    today = today or today_in_london()
    newest = (select(PolicyVersion.document_id, func.max(PolicyVersion.number).label("number"))
              .where(PolicyVersion.organisation_id == organisation_id,
                     PolicyVersion.effective_date <= today)
              .group_by(PolicyVersion.document_id).subquery())
    # Only the version in effect per document is loaded: older versions' pages stay unread.
    return list(db.scalars(select(PolicyVersion).join(newest, (
        PolicyVersion.document_id == newest.c.document_id)
        & (PolicyVersion.number == newest.c.number))).all())


# ---- the reading module built from a version ---------------------------------------------

def heading(number: str, title: str) -> str:
    """'2.1' + 'Governance' -> '2.1 Governance'; 'Appendix 1' + 'Forms' -> 'Appendix 1: Forms'."""
    number, title = number.strip(), title.strip()
    if not number:
        return title
    if not title:
        return number
    return f"{number} {title}" if number[0].isdigit() else f"{number}: {title}"


def compose_pages(sections: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """One page per top-level section, its sub-sections inside it under their own headings."""
    pages: list[dict[str, str]] = []
    for section in sections:
        label = heading(section.get("number", ""), section.get("title", ""))
        body = section.get("body", "").strip()
        if int(section.get("level", 1)) <= 1 or not pages:
            pages.append({"title": label, "body": body})
        else:
            page = pages[-1]
            page["body"] = "\n\n".join(p for p in (page["body"], f"### {label}", body) if p)
    return pages


def published_text(title: str, pages: Sequence[dict[str, str]]) -> str:
    """The exact text a version publishes; its SHA-256 identifies the version."""
    return title.strip() + "\n\n" + "\n\n".join(
        f"## {p['title']}\n\n{p['body']}" for p in pages)


def version_module(doc: PolicyDocument, version: PolicyVersion, school: str) -> Module:
    """A published version as a reading module, read and signed like any other."""
    sections = tuple(
        Section(number=i, slug=f"page-{i}", title=page["title"], kcsie_paragraphs=(),
                body=page["body"], sha256=section_fingerprint(page["title"], page["body"]))
        for i, page in enumerate(version.pages, start=1)
    )
    words = sum(len(p["body"].split()) for p in version.pages)
    return Module(
        key=module_key(doc.kind),
        title=version.title,
        edition=version.label,
        version=str(version.number),
        audience=("all",),
        summary=f"{school}'s own {KINDS.get(doc.kind, doc.title).lower()}, "
                f"in effect from {version.effective_date:%-d %B %Y}.",
        source_title=school,
        source_url="",
        licence="",
        estimated_minutes=max(1, round(words / WORDS_PER_MINUTE)),
        order=list(KINDS).index(doc.kind) - len(KINDS) if doc.kind in KINDS else 0,
        sections=sections,
        sha256=version.sha256,
        declaration=doc.declaration or default_declaration(version.title),
    )


def school_modules(db: Session, organisation_id: int) -> list[Module]:
    """The organisation's documents in effect today, as modules every member of staff reads."""
    org = db.get(Organisation, organisation_id)
    school = org.name if org else ""
    docs = {d.id: d for d in documents(db, organisation_id)}
    found = [version_module(docs[v.document_id], v, school)
             for v in current_versions(db, organisation_id) if v.document_id in docs]
    return sorted(found, key=lambda m: m.order)


# ---- publishing ------------------------------------------------------------------------------

def publish(db: Session, key: bytes, draft: PolicyDraft, *, label: str,
            effective_date: date, by: Person | None) -> PolicyVersion:
    """Publish a reviewed draft as the document's next version and record it in the chain.

    Every flag must be resolved or dismissed first; the draft is then closed.
    """
    if draft.status != "draft":
        raise PolicyError("This draft has already been published or discarded.")
    open_flags = [f for f in draft.content.get("flags", []) if f.get("state") == "open"]
    if open_flags:
        raise PolicyError(f"Resolve or dismiss the {len(open_flags)} open flag"
                          f"{'s' if len(open_flags) != 1 else ''} before publishing.")
    sections = [s for s in draft.content.get("sections", []) if s.get("body") or s.get("title")]
    if not sections:
        raise PolicyError("There is nothing to publish: the draft has no sections.")
    label = " ".join(label.split())
    if not label:
        raise PolicyError("Give the version a label, such as “September 2026”.")
    if len(label) > 100:
        raise PolicyError("The version label is too long (100 characters at most).")
    doc = draft.document
    pages = compose_pages(sections)
    title = draft.title.strip() or doc.title
    sha = fingerprint(published_text(title, pages))
    made: list[PolicyVersion] = []
    new = evidence.NewEvidence(
        kind=POLICY_PUBLISHED,
        person_id=None,
        recorded_by_id=by.id if by else None,
        subject=module_key(doc.kind),
        subject_version=sha,
        data={
            "title": title,
            "label": label,
            "effective_date": effective_date.isoformat(),
            "review_date": draft.review_date.isoformat() if draft.review_date else None,
            "page_hashes": [section_fingerprint(p["title"], p["body"]) for p in pages],
            "source_sha256": draft.source_sha256,
            "source_filename": draft.source_filename,
        },
    )

    def already(s: Session) -> EvidenceRecord | None:
        # Runs with the organisation's chain locked: a second publish of this draft stops
        # here, and the version number cannot be taken by a concurrent publish.
        row = s.get(PolicyDraft, draft.id)
        if row is not None:
            s.refresh(row)
        if row is None or row.status != "draft":
            return s.scalars(select(EvidenceRecord).where(
                EvidenceRecord.organisation_id == draft.organisation_id,
                EvidenceRecord.kind == POLICY_PUBLISHED)).first()
        new.item = (s.scalar(select(func.max(PolicyVersion.number)).where(
            PolicyVersion.document_id == doc.id)) or 0) + 1
        return None

    def store(s: Session, record: EvidenceRecord) -> None:
        version = PolicyVersion(
            organisation_id=draft.organisation_id, document_id=doc.id, number=record.item,
            label=label, title=title, effective_date=effective_date,
            review_date=draft.review_date, pages=pages, sha256=sha, draft_id=draft.id,
            published_by_id=by.id if by else None,
        )
        s.add(version)
        row = s.get(PolicyDraft, draft.id)
        assert row is not None
        row.status = "published"
        s.flush()
        made.append(version)

    evidence.append(db, key, draft.organisation_id, new, existing=already, on_row=store)
    if not made:
        raise PolicyError("This draft has already been published.")
    return made[0]


def check_versions(db: Session, organisation_id: int) -> list[str]:
    """Published versions whose stored pages no longer match their fingerprint, or whose
    fingerprint is not the one the evidence chain recorded when they were published."""
    recorded = {(r.subject, r.item): r.subject_version for r in db.execute(
        select(EvidenceRecord.subject, EvidenceRecord.item, EvidenceRecord.subject_version)
        .where(EvidenceRecord.organisation_id == organisation_id,
               EvidenceRecord.kind == POLICY_PUBLISHED)).all()}
    problems = []
    for version, kind in db.execute(
            select(PolicyVersion, PolicyDocument.kind)
            .join(PolicyDocument, PolicyDocument.id == PolicyVersion.document_id)
            .where(PolicyVersion.organisation_id == organisation_id)).all():
        name = f"policy version {version.id} ({version.title}, {version.label})"
        if fingerprint(published_text(version.title, version.pages)) != version.sha256:
            problems.append(f"{name}: its text was altered after publishing")
        key = (module_key(kind), version.number)
        if recorded.get(key) != version.sha256:
            problems.append(f"{name}: its fingerprint is not the one the evidence chain "
                            "recorded at publishing")
    return problems


def same_text_as_previous(db: Session, version: PolicyVersion) -> bool:
    """Whether the version before this one had exactly the same text (nobody re-signs)."""
    before = db.scalars(select(PolicyVersion.sha256).where(
        PolicyVersion.document_id == version.document_id,
        PolicyVersion.number < version.number).order_by(PolicyVersion.number.desc())).first()
    return before == version.sha256


def signatures_by_version(db: Session, organisation_id: int, kind: str) -> dict[str, int]:
    """How many people hold a signature (not withdrawn) of each version's fingerprint."""
    people: dict[str, set[int | None]] = {}
    for ack in standing_acknowledgements(db, organisation_id, module_key=module_key(kind)):
        people.setdefault(ack.subject_version, set()).add(ack.person_id)
    return {sha: len(who) for sha, who in people.items()}


# ---- review reminders ------------------------------------------------------------------------

@dataclass(frozen=True)
class ReviewReminder:
    title: str
    review_date: date
    overdue: bool


def review_reminders(db: Session, organisation_id: int, today: date | None = None
                     ) -> list[ReviewReminder]:
    """Documents whose review date is past or within 30 days."""
    today = today or today_in_london()
    reminders = []
    for version in current_versions(db, organisation_id, today):
        due = version.review_date
        if due is not None and due <= today + REVIEW_WARNING:
            reminders.append(ReviewReminder(version.title, due, due < today))
    return sorted(reminders, key=lambda r: r.review_date)
