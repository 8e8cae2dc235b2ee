"""The quiz engine, pure: draw and shuffle from a stored seed, and mark on the server.

An attempt keeps only its seed and the bank version; `draw` rebuilds exactly the paper the
person saw, so any attempt can be re-rendered later.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from quizzes.model import MULTIPLE, TRUE_FALSE, Bank, Question


@dataclass(frozen=True)
class PaperItem:
    question: Question
    option_order: tuple[int, ...]  # original option indices, in the order shown


@dataclass(frozen=True)
class MarkedItem:
    item: PaperItem
    chosen: frozenset[int]
    credit: float  # 0 to 1

    @property
    def correct(self) -> bool:
        return self.credit == 1.0


@dataclass(frozen=True)
class Result:
    items: tuple[MarkedItem, ...]
    score: float  # percent, 0 to 100
    passed: bool


def draw(bank: Bank, seed: int) -> tuple[PaperItem, ...]:
    """The questions and option orders an attempt with this seed shows."""
    rng = random.Random(seed)
    chosen = rng.sample(bank.questions, bank.draw)
    paper = []
    for question in chosen:
        order = list(range(len(question.options)))
        if question.type != TRUE_FALSE:  # "True, False" stays in its natural order
            rng.shuffle(order)
        paper.append(PaperItem(question, tuple(order)))
    return tuple(paper)


def _credit(question: Question, chosen: frozenset[int], partial: bool) -> float:
    if chosen == question.correct:
        return 1.0
    if question.type == MULTIPLE and partial:
        right = len(chosen & question.correct)
        wrong = len(chosen - question.correct)
        return max(0.0, (right - wrong) / len(question.correct))
    return 0.0


def mark(bank: Bank, paper: Sequence[PaperItem], answers: Mapping[str, Sequence[int]]
         ) -> Result:
    """Mark answers (question id -> chosen original option indices) against the paper."""
    items = []
    for item in paper:
        given = answers.get(item.question.id, ())
        valid = frozenset(i for i in given if 0 <= i < len(item.question.options))
        items.append(MarkedItem(item, valid, _credit(item.question, valid, bank.partial_credit)))
    score = 100 * sum(i.credit for i in items) / len(items) if items else 0.0
    score = round(score, 2)
    return Result(tuple(items), score, score >= bank.pass_mark)
