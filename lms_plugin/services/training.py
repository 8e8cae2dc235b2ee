"""A person's training: which modules apply to them and where they are with each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.audience import required_modules
from courses.model import Module, Section
from lms_plugin.models import EvidenceRecord, Person
from lms_plugin.services.acknowledgements import acknowledgements_of
from lms_plugin.services.quizzes import QuizStatus, quiz_status
from lms_plugin.services.reading import SECTION_READ
from quizzes.model import Bank

NOT_STARTED, IN_PROGRESS, SIGNED, RESIGN = "not_started", "in_progress", "signed", "resign"


@dataclass(frozen=True)
class ModuleStatus:
    module: Module
    read: frozenset[int]
    acknowledgement: EvidenceRecord | None  # of the current version
    previous: EvidenceRecord | None  # latest of an earlier version
    changed: tuple[Section, ...]  # since `previous`, when the current version is unsigned
    quiz: QuizStatus | None = None  # None when the module has no question bank

    @property
    def complete(self) -> bool:
        """Current version acknowledged, and the quiz passed where there is one."""
        return self.acknowledgement is not None and (self.quiz is None or self.quiz.passed)

    @property
    def state(self) -> str:
        if self.acknowledgement:
            return SIGNED
        if self.previous:
            return RESIGN
        return IN_PROGRESS if self.read else NOT_STARTED

    @property
    def all_read(self) -> bool:
        return len(self.read) == len(self.module.sections)

    @property
    def percent(self) -> int:
        return round(100 * len(self.read) / len(self.module.sections))

    @property
    def next_section(self) -> Section | None:
        return next((s for s in self.module.sections if s.number not in self.read), None)


def status_of(db: Session, person: Person, module: Module, bank: Bank | None = None
              ) -> ModuleStatus:
    acks = acknowledgements_of(db, person, module.key)
    current = next((a for a in acks if a.subject_version == module.sha256), None)
    previous = next((a for a in acks if a.subject_version != module.sha256), None)
    read = set(
        db.scalars(
            select(EvidenceRecord.item).where(
                EvidenceRecord.organisation_id == person.organisation_id,
                EvidenceRecord.person_id == person.id,
                EvidenceRecord.kind == SECTION_READ,
                EvidenceRecord.subject == module.key,
                EvidenceRecord.subject_version == module.sha256,
            )
        )
    )
    changed: tuple[Section, ...] = ()
    if previous is not None:
        # Sections unchanged since an earlier signature count as read already.
        signed = {h for a in acks for h in a.data.get("section_hashes", [])}
        read |= {s.number for s in module.sections if s.sha256 in signed}
        if current is None:
            earlier = set(previous.data.get("section_hashes", []))
            changed = tuple(s for s in module.sections if s.sha256 not in earlier)
    quiz = quiz_status(db, person, bank) if bank else None
    return ModuleStatus(module, frozenset(n for n in read if n), current, previous, changed,
                        quiz)


def modules_for(person: Person, modules: Iterable[Module]) -> list[Module]:
    """The modules this person must read."""
    return required_modules(modules, person.works_with_children, person.safeguarding_roles)


def my_modules(db: Session, person: Person, modules: Iterable[Module],
               banks: Mapping[str, Bank]) -> list[ModuleStatus]:
    """Status of every module the person must read."""
    return [status_of(db, person, m, banks.get(m.key)) for m in modules_for(person, modules)]
