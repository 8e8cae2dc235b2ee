"""School-specific questions made from the contacts a coordinator confirmed.

"Who is our DSL?" and "Who do you tell about a concern about the headteacher?" have answers
that differ in every school; the wrong options are other people the school named.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from courses.loader import fingerprint
from courses.policy_import.names import person, same_person
from quizzes.model import MULTIPLE, SINGLE, Bank, Question

MAX_DISTRACTORS = 3
OUTSIDE_SCHOOL = {"lado", "social_care", "police", "nspcc_whistleblowing", "dpo"}
# Knowing who to tell is the point of these questions: every one must be right.
PASS_MARK = 100


@dataclass(frozen=True)
class ContactFacts:
    role_key: str | None
    names: tuple[str, ...]


def same(a: str, b: str) -> bool:
    """'Mrs L Cutts', 'Laura Cutts' and 'Mrs Cutts' are one person (the importer's rules)."""
    pa, pb = person(a), person(b)
    if pa and pb:
        return same_person(pa, pb)
    return " ".join(a.lower().split()) == " ".join(b.lower().split())


def _unique(names: Sequence[str], taken: Sequence[str] = ()) -> list[str]:
    kept: list[str] = []
    for name in names:
        if not any(same(name, other) for other in [*taken, *kept]):
            kept.append(name)
    return kept


def _names(contacts: Sequence[ContactFacts], *keys: str | None) -> list[str]:
    return _unique([n for c in contacts if c.role_key in keys for n in c.names])


def _question(qid: str, text_one: str, text_many: str, right: list[str], pool: list[str],
              explanation: str | tuple[str, str]) -> Question | None:
    """`explanation` is one text, or (when one person is right, when several are)."""
    wrong = _unique(pool, taken=right)
    wrong = wrong[:MAX_DISTRACTORS]
    if not right or not wrong:
        return None  # no question without a real choice to make
    options = tuple(right + wrong)
    return Question(
        id=qid,
        type=SINGLE if len(right) == 1 else MULTIPLE,
        text=text_one if len(right) == 1 else text_many,
        options=options,
        correct=frozenset(range(len(right))),
        explanation=explanation if isinstance(explanation, str)
        else explanation[0 if len(right) == 1 else 1],
        reference="Our safeguarding policy: key contacts",
        tags=("school",),
    )


def contact_bank(module_key: str, contacts: Sequence[ContactFacts]) -> Bank | None:
    """A bank of questions about who to tell, or None when the contacts allow none."""
    # Wrong answers are people in the school, never the LADO or social care, who are
    # right to contact in some cases.
    everyone = _names(contacts, *{c.role_key for c in contacts} - OUTSIDE_SCHOOL)
    dsl = _names(contacts, "dsl")
    deputies = _unique(_names(contacts, "deputy_dsl"), taken=dsl)
    head = _names(contacts, "headteacher")
    chair = _names(contacts, "chair_of_governors")
    candidates = [
        _question(
            "school-dsl", "Who is our designated safeguarding lead (DSL)?",
            "Who are our designated safeguarding leads (DSLs)?",
            dsl, [n for n in everyone if n not in deputies] + deputies,
            ("Our policy names them as the DSL. Tell the DSL (or a deputy) about any concern "
             "about a child, straight away.",
             "Our policy names them as our DSLs. Tell a DSL (or a deputy) about any concern "
             "about a child, straight away."),
        ),
        _question(
            "school-deputy-dsl", "Who is our deputy designated safeguarding lead?",
            "Who are our deputy designated safeguarding leads?",
            deputies, [n for n in everyone if n not in dsl],
            ("Our policy names them as the deputy DSL: speak to them when the DSL is not "
             "available, and do not let that delay action.",
             "Our policy names them as deputy DSLs: speak to one of them when the DSL is not "
             "available, and do not let that delay action."),
        ),
        _question(
            "school-head-concern",
            "Who do you tell about a concern about the headteacher?",
            "Who do you tell about a concern about the headteacher?",
            chair, head + dsl + deputies + everyone,
            "A concern or allegation about the headteacher goes to the chair of governors "
            "(or the chair of the management committee, or the proprietor), not to the "
            "headteacher.",
        ),
    ]
    questions = tuple(q for q in candidates if q is not None)
    if not questions:
        return None
    sha256 = fingerprint(json.dumps(
        [[q.id, q.text, list(q.options), sorted(q.correct)] for q in questions]))
    return Bank(module=module_key, version="contacts-" + sha256[:8], draw=len(questions),
                pass_mark=PASS_MARK, partial_credit=False, max_attempts=None,
                questions=questions, sha256=sha256)
