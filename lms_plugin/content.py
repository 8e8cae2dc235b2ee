"""The catalogue the app serves: shipped modules and question banks, or CONTENT_DIR/BANKS_DIR
when set (tests)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app

from courses.loader import MODULES_DIR, catalogue
from courses.model import ContentError, Module
from quizzes.loader import BANKS_DIR, check_banks
from quizzes.model import Bank


def modules() -> dict[str, Module]:
    """Every module by key, loaded once per process and folder."""
    return catalogue(Path(current_app.config.get("CONTENT_DIR") or MODULES_DIR))


def banks() -> dict[str, Bank]:
    """Every question bank by module key, loaded once per process and folder."""
    root = Path(current_app.config.get("BANKS_DIR") or BANKS_DIR)
    return _banks(root, tuple(modules()))


@cache
def _banks(root: Path, module_keys: tuple[str, ...]) -> dict[str, Bank]:
    found, problems = check_banks(module_keys, root)
    if problems:
        raise ContentError(problems)
    return {b.module: b for b in found}
