"""Load and validate question banks against the modules they belong to."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from courses.loader import fingerprint, read_yaml
from courses.model import ContentProblem
from courses.safety import lint_text
from quizzes.model import MULTIPLE, SINGLE, TRUE_FALSE, TRUE_FALSE_OPTIONS, Bank, Question

BANKS_DIR = Path(__file__).resolve().parent / "banks"
BANK_KEYS = {"module", "version", "draw", "pass_mark", "questions"}
OPTIONAL_BANK_KEYS = {"partial_credit", "max_attempts"}
QUESTION_KEYS = {"id", "type", "text", "correct", "explanation", "reference", "tags"}
QUESTION_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# A question must not hinge on a paragraph number: they change with every edition.
PARAGRAPH_NUMBER = re.compile(r"\bparagraphs? \d", re.IGNORECASE)


def _lines(node: yaml.Node) -> dict[int, int]:
    """Line of each question entry (by position), from the YAML node tree."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    for key, value in node.value:
        if key.value == "questions" and isinstance(value, yaml.SequenceNode):
            return {i: item.start_mark.line + 1 for i, item in enumerate(value.value)}
    return {}


def _question(raw: Any, where: str, line: int, problems: list[ContentProblem]
              ) -> Question | None:
    def bad(message: str) -> None:
        problems.append(ContentProblem(where, line, message))

    if not isinstance(raw, dict):
        bad("each question must be a mapping")
        return None
    before = len(problems)
    qid = raw.get("id", "?")
    kind = raw.get("type")
    allowed = QUESTION_KEYS | ({"options"} if kind in (SINGLE, MULTIPLE) else set())
    for missing in sorted(QUESTION_KEYS - set(raw)):
        bad(f"question {qid}: missing {missing!r}")
    for extra in sorted(set(raw) - allowed):
        bad(f"question {qid}: unexpected key {extra!r}")
    if not isinstance(qid, str) or not QUESTION_ID.match(qid):
        bad(f"question id {qid!r}: use lowercase letters, digits and hyphens")
    if kind not in (SINGLE, MULTIPLE, TRUE_FALSE):
        bad(f"question {qid}: type must be single, multiple or true_false")
        return None
    for key in ("text", "explanation", "reference"):
        if key in raw and (not isinstance(raw[key], str) or not raw[key].strip()):
            bad(f"question {qid}: {key} must be non-empty text")
    correct = raw.get("correct")
    if kind == TRUE_FALSE:
        options = TRUE_FALSE_OPTIONS
        if not isinstance(correct, bool):
            bad(f"question {qid}: correct must be true or false")
            return None
        answer = frozenset({0 if correct else 1})
    else:
        options_raw = raw.get("options")
        if (not isinstance(options_raw, list) or not 3 <= len(options_raw) <= 5
                or not all(isinstance(o, str) and o.strip() for o in options_raw)):
            bad(f"question {qid}: options must be a list of 3 to 5 texts")
            return None
        options = tuple(o.strip() for o in options_raw)
        if len(set(options)) != len(options):
            bad(f"question {qid}: two options are the same")
        if (not isinstance(correct, list) or not correct
                or not all(isinstance(i, int) and 0 <= i < len(options) for i in correct)
                or len(set(correct)) != len(correct)):
            bad(f"question {qid}: correct must list option numbers from 0 to {len(options) - 1}")
            return None
        if kind == SINGLE and len(correct) != 1:
            bad(f"question {qid}: a single-answer question has exactly one correct option")
        if kind == MULTIPLE and len(correct) < 2:
            bad(f"question {qid}: a multiple-answer question has two or more correct options")
        answer = frozenset(correct)
    shown = " ".join([str(raw.get("text", "")), *options, str(raw.get("explanation", ""))])
    if PARAGRAPH_NUMBER.search(str(raw.get("text", "")) + " " + " ".join(options)):
        bad(f"question {qid}: must not rest on a paragraph number")
    for _offset, message in lint_text(shown):
        bad(f"question {qid}: {message}")
    tags = raw.get("tags")
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        bad(f"question {qid}: tags must be a list of words")
        tags = []
    if len(problems) > before:
        return None
    return Question(
        id=qid, type=kind, text=raw["text"].strip(), options=options, correct=answer,
        explanation=raw["explanation"].strip(), reference=raw["reference"].strip(),
        tags=tuple(tags),
    )


def load_bank(path: Path, module_keys: Iterable[str], problems: list[ContentProblem]
              ) -> Bank | None:
    """Load one bank file; append problems (with file and line) and return None on any."""
    where = str(path)
    before = len(problems)
    text = path.read_text(encoding="utf-8")
    raw = read_yaml(path, text, problems)
    if len(problems) > before:
        return None
    lines = _lines(yaml.compose(text))
    if not isinstance(raw, dict):
        problems.append(ContentProblem(where, 1, "a bank must be a mapping"))
        return None
    for missing in sorted(BANK_KEYS - set(raw)):
        problems.append(ContentProblem(where, 1, f"missing key {missing!r}"))
    for extra in sorted(set(raw) - BANK_KEYS - OPTIONAL_BANK_KEYS):
        problems.append(ContentProblem(where, 1, f"unknown key {extra!r}"))
    module = raw.get("module")
    if module not in set(module_keys):
        problems.append(ContentProblem(where, 1, f"module {module!r} is not a known module"))
    if path.stem != module:
        problems.append(ContentProblem(where, 1, "name the file after its module key"))
    pass_mark = raw.get("pass_mark", 80)
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        problems.append(ContentProblem(where, 1, "pass_mark must be a percentage from 1 to 100"))
    max_attempts = raw.get("max_attempts")
    if max_attempts is not None and (not isinstance(max_attempts, int) or max_attempts < 1):
        problems.append(ContentProblem(where, 1, "max_attempts must be a positive number"))
    questions: list[Question] = []
    raw_questions = raw.get("questions")
    if not isinstance(raw_questions, list) or not raw_questions:
        problems.append(ContentProblem(where, 1, "questions must be a non-empty list"))
        raw_questions = []
    for index, item in enumerate(raw_questions):
        question = _question(item, where, lines.get(index, 1), problems)
        if question:
            questions.append(question)
    ids = [q.id for q in questions]
    for dup in sorted({i for i in ids if ids.count(i) > 1}):
        problems.append(ContentProblem(where, 1, f"question id {dup!r} is used twice"))
    draw = raw.get("draw")
    if not isinstance(draw, int) or not 1 <= draw <= len(raw_questions):
        problems.append(ContentProblem(
            where, 1, f"draw must be between 1 and the number of questions ({len(raw_questions)})"
        ))
    if len(problems) > before:
        return None
    sha256 = fingerprint(json.dumps(raw, sort_keys=True, ensure_ascii=False))
    return Bank(
        module=module, version=str(raw["version"]), draw=draw, pass_mark=pass_mark,
        partial_credit=bool(raw.get("partial_credit", False)), max_attempts=max_attempts,
        questions=tuple(questions), sha256=sha256,
    )


def check_banks(module_keys: Iterable[str], root: Path = BANKS_DIR
                ) -> tuple[list[Bank], list[ContentProblem]]:
    """Load every bank under `root`, validated against the given module keys."""
    keys = list(module_keys)
    problems: list[ContentProblem] = []
    banks = [b for p in sorted(root.glob("*.yaml")) if (b := load_bank(p, keys, problems))]
    return banks, problems
