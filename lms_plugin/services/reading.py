"""Reading progress: which sections of the current version a person has read."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.model import Module, Section
from lms_plugin.models import EvidenceRecord, Person
from lms_plugin.services import evidence

SECTION_READ = "section_read"


def record_section_read(db: Session, key: bytes, person: Person, module: Module,
                        section: Section) -> None:
    """Note that the person read a section of this version (once; repeats are ignored)."""

    def already(s: Session) -> EvidenceRecord | None:
        return s.scalars(
            select(EvidenceRecord).where(
                EvidenceRecord.person_id == person.id,
                EvidenceRecord.kind == SECTION_READ,
                EvidenceRecord.subject == module.key,
                EvidenceRecord.subject_version == module.sha256,
                EvidenceRecord.item == section.number,
            )
        ).first()

    evidence.append(
        db, key, person.organisation_id,
        evidence.NewEvidence(
            kind=SECTION_READ,
            person_id=person.id,
            subject=module.key,
            subject_version=module.sha256,
            item=section.number,
            data={"section_sha256": section.sha256},
        ),
        existing=already,
    )
