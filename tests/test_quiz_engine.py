"""Question banks validate against their modules; the engine draws reproducibly and marks."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from courses.loader import catalogue
from quizzes.engine import PaperItem, draw, mark
from quizzes.loader import BANKS_DIR, check_banks

MINIMUMS = {"kcsie-2025-part-one": 20, "kcsie-2025-annex-a": 12, "kcsie-2025-annex-b": 20,
            "kcsie-2025-annex-c": 15}


@pytest.fixture(scope="module")
def banks():
    found, problems = check_banks(catalogue())
    assert problems == []
    return {b.module: b for b in found}


def test_shipped_banks_are_valid_and_big_enough(banks):
    for module, minimum in MINIMUMS.items():
        bank = banks[module]
        assert len(bank.questions) >= minimum
        assert bank.pass_mark == 80
        assert all(q.explanation for q in bank.questions)


def test_the_same_seed_draws_the_same_paper(banks):
    bank = banks["kcsie-2025-part-one"]
    assert draw(bank, 1234) == draw(bank, 1234)
    assert draw(bank, 1234) != draw(bank, 4321)
    paper = draw(bank, 1234)
    assert len(paper) == bank.draw
    assert len({p.question.id for p in paper}) == bank.draw
    for item in paper:
        assert sorted(item.option_order) == list(range(len(item.question.options)))


def test_marking_all_right_all_wrong_and_the_pass_mark(banks):
    bank = banks["kcsie-2025-annex-a"]
    paper = draw(bank, 7)
    right = {p.question.id: sorted(p.question.correct) for p in paper}
    result = mark(bank, paper, right)
    assert result.score == 100 and result.passed
    wrong = {p.question.id: [next(i for i in range(len(p.question.options))
                                  if i not in p.question.correct)] for p in paper}
    assert mark(bank, paper, wrong).score == 0
    # One wrong of eight is 87.5%: a pass at 80%; two wrong is 75%: a fail.
    ids = [p.question.id for p in paper]
    one_wrong = {**right, ids[0]: wrong[ids[0]]}
    two_wrong = {**one_wrong, ids[1]: wrong[ids[1]]}
    assert mark(bank, paper, one_wrong).passed
    assert not mark(bank, paper, two_wrong).passed


def test_multiple_answer_is_all_or_nothing_by_default(banks):
    bank = banks["kcsie-2025-part-one"]
    multiple = next(q for q in bank.questions if q.type == "multiple")
    paper = [PaperItem(multiple, tuple(range(len(multiple.options))))]
    half = sorted(multiple.correct)[:1]
    assert mark(bank, paper, {multiple.id: half}).score == 0
    assert mark(bank, paper, {multiple.id: sorted(multiple.correct)}).score == 100


def test_bank_problems_are_reported_with_file_and_line(tmp_path: Path):
    root = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, root)
    bank = root / "kcsie-2025-annex-a.yaml"
    text = bank.read_text().replace("correct: [1]", "correct: [1, 2]", 1)
    text = text.replace("Who is responsible for safeguarding children",
                        "Under paragraph 12, who is responsible for safeguarding children", 1)
    bank.write_text(text)
    _, problems = check_banks(catalogue(), root)
    found = [str(p) for p in problems]
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "a-everyones-responsibility" in t)
    assert any(f"{bank}:{line}:" in f and "exactly one correct option" in f for f in found)
    assert any("must not rest on a paragraph number" in f for f in found)


def test_content_check_validates_banks_too(make_app, tmp_path: Path):
    root = tmp_path / "banks"
    shutil.copytree(BANKS_DIR, root)
    (root / "kcsie-2025-annex-a.yaml").write_text("module: kcsie-2025-annex-a\n")
    app = make_app(BANKS_DIR=str(root))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "missing key 'questions'" in result.output
