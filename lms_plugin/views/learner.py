"""Pages for staff: their home with the modules they must read."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from lms_plugin.auth import current_person

bp = Blueprint("learner", __name__)


@bp.get("/")
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(url_for("learner.home"))
    return render_template("learner/welcome.html")


@bp.get("/home")
@login_required
def home() -> Any:
    person = current_person()
    if person.is_coordinator:
        return redirect(url_for("coordinator.home"))
    return render_template("learner/home.html", person=person, modules=[])
