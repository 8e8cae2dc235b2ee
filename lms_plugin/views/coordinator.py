"""Pages for safeguarding coordinators, always scoped to their own organisation."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from courses.audience import ROLES
from lms_plugin import db
from lms_plugin.auth import coordinator_required, current_person
from lms_plugin.config import current_settings
from lms_plugin.content import banks_for, catalogue_for, contacts_for
from lms_plugin.models import EvidenceRecord, Person
from lms_plugin.services import grades, policies, policy_drafts
from lms_plugin.services.acknowledgements import (
    ACKNOWLEDGEMENT,
    AcknowledgementError,
    LaunchContext,
    acknowledge,
    acknowledgements_of,
    withdraw,
)
from lms_plugin.services.people import people_in_organisation, update_profile
from lms_plugin.services.training import my_modules
from lms_plugin.timefmt import today_in_london

bp = Blueprint("coordinator", __name__, url_prefix="/coordinator")


def _person_in_my_organisation(person_id: int) -> Person:
    person = db.session().get(Person, person_id)
    if person is None or person.organisation_id != current_person().organisation_id:
        abort(404)
    return person


@bp.get("/")
@coordinator_required
def home() -> Any:
    me = current_person()
    session = db.session()
    people = people_in_organisation(session, me.organisation_id)
    return render_template(
        "coordinator/home.html", person=me, organisation=me.organisation, people=people,
        reminders=policies.review_reminders(session, me.organisation_id),
        has_dsl=any(c.role_key == "dsl" for c in contacts_for(me.organisation_id)),
        drafts=policy_drafts.open_drafts(session, me.organisation_id),
    )


def _render_person(person: Person, error: str | None = None, status: int = 200) -> Any:
    session = db.session()
    catalogue = catalogue_for(person.organisation_id)
    return render_template(
        "coordinator/person.html",
        person=person,
        roles=ROLES,
        statuses=my_modules(session, person, catalogue.values(),
                            banks_for(person.organisation_id)),
        acknowledgements=acknowledgements_of(session, person),
        modules=catalogue.values(),
        error=error,
        today=today_in_london().isoformat(),
    ), status


@bp.get("/grades")
@coordinator_required
def grade_passback() -> Any:
    """Scores not yet accepted by the LMS gradebook, with the last error."""
    me = current_person()
    jobs = grades.unsent(db.session(), me.organisation_id)
    people = {p.id: p for p in people_in_organisation(db.session(), me.organisation_id)}
    return render_template("coordinator/grades.html", jobs=jobs, people=people)


@bp.get("/people/<int:person_id>")
@coordinator_required
def person(person_id: int) -> Any:
    return _render_person(_person_in_my_organisation(person_id))


@bp.post("/people/<int:person_id>/profile")
@coordinator_required
def profile(person_id: int) -> Any:
    person = _person_in_my_organisation(person_id)
    roles = [r for r in request.form.getlist("roles") if r in ROLES]
    update_profile(db.session(), current_settings().evidence_key, person,
                   current_person(), request.form.get("works_with_children") == "yes", roles)
    flash(f"Saved {person.display_name}'s details.")
    return redirect(url_for("coordinator.person", person_id=person.id))


@bp.post("/people/<int:person_id>/acknowledgements")
@coordinator_required
def record_on_behalf(person_id: int) -> Any:
    person = _person_in_my_organisation(person_id)
    module = catalogue_for(person.organisation_id).get(request.form.get("module", ""))
    if module is None:
        return _render_person(person, "Choose the module they signed.", 400)
    try:
        signed_on = date.fromisoformat(request.form.get("signed_on", ""))
    except ValueError:
        return _render_person(person, "Enter the date they signed, as on the paper form.", 400)
    try:
        acknowledge(
            db.session(), current_settings().evidence_key, person, module,
            request.form.get("typed_name", ""), LaunchContext(),
            recorded_by=current_person(), note=request.form.get("note", ""),
            signed_on=signed_on,
        )
    except AcknowledgementError as exc:
        return _render_person(person, str(exc), 400)
    flash(f"Recorded {person.display_name}'s paper acknowledgement of {module.title}.")
    return redirect(url_for("coordinator.person", person_id=person.id))


@bp.post("/acknowledgements/<int:ack_id>/withdraw")
@coordinator_required
def withdraw_acknowledgement(ack_id: int) -> Any:
    me = current_person()
    ack = db.session().get(EvidenceRecord, ack_id)
    if ack is None or ack.kind != ACKNOWLEDGEMENT or ack.organisation_id != me.organisation_id:
        abort(404)
    person = _person_in_my_organisation(ack.person_id or 0)
    try:
        withdraw(db.session(), current_settings().evidence_key, ack, me,
                 request.form.get("reason", ""))
    except AcknowledgementError as exc:
        return _render_person(person, str(exc), 400)
    flash("Acknowledgement withdrawn. The original stays in the record, marked withdrawn.")
    return redirect(url_for("coordinator.person", person_id=person.id))
