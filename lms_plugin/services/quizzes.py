"""Quiz attempts: start one, submit it once, and keep every answer as evidence."""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.models import EvidenceRecord, Person, QuizAttempt, utcnow
from lms_plugin.services import evidence, grades
from quizzes.engine import PaperItem, draw, mark
from quizzes.model import Bank

QUIZ_ATTEMPT = "quiz_attempt"


class QuizError(ValueError):
    """The quiz cannot be started or submitted as asked; the message says why."""


def attempts_of(db: Session, person: Person, module_key: str) -> Sequence[QuizAttempt]:
    """The person's attempts at a module's quiz, newest first."""
    return db.scalars(
        select(QuizAttempt).where(
            QuizAttempt.organisation_id == person.organisation_id,
            QuizAttempt.person_id == person.id,
            QuizAttempt.module_key == module_key,
        ).order_by(QuizAttempt.id.desc())
    ).all()


@dataclass(frozen=True)
class QuizStatus:
    bank: Bank
    attempts: tuple[QuizAttempt, ...]

    @property
    def finished(self) -> list[QuizAttempt]:
        return [a for a in self.attempts if a.finished_at is not None]

    @property
    def best(self) -> QuizAttempt | None:
        return max(self.finished, key=lambda a: a.score or 0, default=None)

    @property
    def passed(self) -> bool:
        return any(a.passed for a in self.finished)

    @property
    def open_attempt(self) -> QuizAttempt | None:
        """The unfinished attempt on the current questions; one drawn from an earlier version
        of the bank (its school contacts changed, say) is left behind and a new one starts."""
        return next((a for a in self.attempts
                     if a.finished_at is None and a.bank_sha256 == self.bank.sha256), None)

    @property
    def attempts_left(self) -> int | None:
        if self.bank.max_attempts is None:
            return None
        return max(0, self.bank.max_attempts - len(self.finished))


def quiz_status(db: Session, person: Person, bank: Bank) -> QuizStatus:
    return QuizStatus(bank, tuple(attempts_of(db, person, bank.module)))


def start_attempt(db: Session, person: Person, bank: Bank, launch: Mapping[str, Any]
                  ) -> QuizAttempt:
    """Start an attempt (or return the one already open) with a fresh stored seed."""
    status = quiz_status(db, person, bank)
    if status.open_attempt is not None:
        return status.open_attempt
    if status.attempts_left == 0:
        raise QuizError("You have used all your attempts at this quiz.")
    attempt = QuizAttempt(
        organisation_id=person.organisation_id,
        person_id=person.id,
        module_key=bank.module,
        bank_sha256=bank.sha256,
        seed=secrets.randbelow(2**31),
        launch=dict(launch),
    )
    db.add(attempt)
    db.commit()
    return attempt


def paper_for(attempt: QuizAttempt, bank: Bank) -> tuple[PaperItem, ...]:
    """The exact paper this attempt shows (its bank version must be the current one)."""
    if attempt.bank_sha256 != bank.sha256:
        raise QuizError("This quiz has been updated since you started it: start it again.")
    return draw(bank, attempt.seed)


def submit(db: Session, key: bytes, person: Person, attempt: QuizAttempt, bank: Bank,
           answers: Mapping[str, Sequence[int]], module_title: str = "") -> EvidenceRecord:
    """Mark and record an attempt once; a repeat submission returns the first record.

    When the launch allows grade passback, the score is queued for the LMS in the same
    transaction, so it cannot be lost.
    """
    if attempt.person_id != person.id or attempt.organisation_id != person.organisation_id:
        raise QuizError("This is not your attempt.")
    paper = paper_for(attempt, bank)
    result = mark(bank, paper, answers)
    finished_at = utcnow()
    data = {
        "bank_version": bank.version,
        "bank_sha256": bank.sha256,
        "seed": attempt.seed,
        "started_at": attempt.started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "score": result.score,
        "pass_mark": bank.pass_mark,
        "passed": result.passed,
        "answers": [
            {
                "question": m.item.question.id,
                # The words shown, so the record reads the same after the bank changes.
                "text": m.item.question.text,
                "options": list(m.item.question.options),
                "order": list(m.item.option_order),
                "chosen": sorted(m.chosen),
                "correct": sorted(m.item.question.correct),
                "credit": m.credit,
            }
            for m in result.items
        ],
    }

    def already(s: Session) -> EvidenceRecord | None:
        return s.scalars(select(EvidenceRecord).where(
            EvidenceRecord.organisation_id == person.organisation_id,
            EvidenceRecord.kind == QUIZ_ATTEMPT,
            EvidenceRecord.item == attempt.id,
        )).first()

    def finish(s: Session, record: EvidenceRecord) -> None:
        row = s.get(QuizAttempt, attempt.id)
        assert row is not None
        row.finished_at, row.score, row.passed = finished_at, result.score, result.passed
        row.evidence_id = record.id
        s.flush()
        grades.enqueue(s, row, person.subject, module_title or bank.module)

    return evidence.append(
        db, key, person.organisation_id,
        evidence.NewEvidence(kind=QUIZ_ATTEMPT, person_id=person.id, subject=bank.module,
                             subject_version=bank.sha256, item=attempt.id, data=data),
        existing=already,
        on_row=finish,
    )
