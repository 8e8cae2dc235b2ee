"""The module catalogue the app serves: shipped modules, or CONTENT_DIR when set (tests)."""

from __future__ import annotations

from pathlib import Path

from flask import current_app

from courses.loader import MODULES_DIR, catalogue
from courses.model import Module


def modules() -> dict[str, Module]:
    """Every module by key, loaded once per process and folder."""
    return catalogue(Path(current_app.config.get("CONTENT_DIR") or MODULES_DIR))
