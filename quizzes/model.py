"""Typed question banks."""

from __future__ import annotations

from dataclasses import dataclass

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"
TRUE_FALSE_OPTIONS = ("True", "False")


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    text: str
    options: tuple[str, ...]  # true/false questions get ("True", "False")
    correct: frozenset[int]  # indices into `options`
    explanation: str
    reference: str
    tags: tuple[str, ...]


@dataclass(frozen=True)
class Bank:
    """The questions for one module and how an attempt is drawn and marked."""

    module: str
    version: str
    draw: int
    pass_mark: int  # percent
    partial_credit: bool  # multiple-answer questions; all-or-nothing unless the bank says so
    max_attempts: int | None
    questions: tuple[Question, ...]
    sha256: str

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)
