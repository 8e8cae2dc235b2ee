"""Pages for safeguarding coordinators, always scoped to their own organisation."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template

from lms_plugin import db
from lms_plugin.auth import coordinator_required, current_person
from lms_plugin.services.people import people_in_organisation

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


@bp.get("/")
@coordinator_required
def home() -> Any:
    person = current_person()
    people = people_in_organisation(db.session(), person.organisation_id)
    return render_template(
        "coordinator/home.html", person=person, organisation=person.organisation, people=people
    )
