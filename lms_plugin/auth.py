"""Signing people in after a launch (flask-login) and guarding pages by tool role."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import Flask, abort, render_template
from flask_login import LoginManager, current_user, login_required

from lms_plugin import db
from lms_plugin.models import Person

F = TypeVar("F", bound=Callable[..., Any])
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    login_manager.init_app(app)


@login_manager.user_loader
def _load_person(person_id: str) -> Person | None:
    return db.session().get(Person, int(person_id)) if person_id.isdigit() else None


@login_manager.unauthorized_handler
def _unauthorised() -> tuple[str, int]:
    return render_template("errors/signed_out.html"), 401


def current_person() -> Person:
    """The signed-in person (views behind `login_required` only)."""
    return current_user._get_current_object()  # type: ignore[no-any-return]


def coordinator_required(view: F) -> F:
    """Only safeguarding coordinators of the person's own organisation get through."""

    @wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_person().is_coordinator:
            abort(403)
        return view(*args, **kwargs)

    return wrapped  # type: ignore[return-value]
