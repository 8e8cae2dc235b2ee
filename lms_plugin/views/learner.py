"""Pages for staff: their modules, reading section by section, signing, and their record."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from courses.model import Module
from lms_plugin import db
from lms_plugin.auth import current_person
from lms_plugin.config import current_settings
from lms_plugin.content import banks_for, catalogue_for
from lms_plugin.models import EvidenceRecord
from lms_plugin.rendering import render_markdown
from lms_plugin.services.acknowledgements import (
    ACKNOWLEDGEMENT,
    AcknowledgementError,
    LaunchContext,
    acknowledge,
    acknowledgements_of,
    declaration_for,
)
from lms_plugin.services.reading import record_section_read
from lms_plugin.services.training import modules_for, my_modules, status_of

bp = Blueprint("learner", __name__)


def module_or_404(key: str) -> Module:
    """One of the current person's organisation's modules, by key."""
    module = catalogue_for(current_person().organisation_id).get(key)
    if module is None:
        abort(404)
    return module


def launch_context() -> LaunchContext:
    """Where the person launched from (platform, deployment, course), for the record."""
    launch = session.get("launch") or {}
    return LaunchContext(
        platform_id=launch.get("platform_id"),
        deployment_id=launch.get("deployment_id"),
        context_id=launch.get("context_id"),
        context_title=launch.get("context_title"),
        resource_link_id=launch.get("resource_link_id"),
    )


def landing_url() -> str:
    """Where a person lands after a launch: coordinators on their home, staff on their modules."""
    return url_for("coordinator.home" if current_person().is_coordinator else "learner.home")


@bp.get("/")
def index() -> Any:
    if current_user.is_authenticated:
        return redirect(landing_url())
    return render_template("learner/welcome.html")


@bp.get("/home")
@login_required
def home() -> Any:
    person = current_person()
    catalogue = catalogue_for(person.organisation_id)
    return render_template("learner/home.html", person=person,
                           statuses=my_modules(db.session(), person, catalogue.values(),
                                               banks_for(person.organisation_id)))


@bp.get("/modules/<key>")
@login_required
def module(key: str) -> Any:
    person = current_person()
    catalogue = catalogue_for(person.organisation_id)
    mod = catalogue.get(key) or abort(404)
    status = status_of(db.session(), person, mod,
                       banks_for(person.organisation_id).get(key))
    required = mod in modules_for(person, catalogue.values())
    return render_template("learner/module.html", status=status, module=mod, required=required)


@bp.get("/modules/<key>/sections/<int:number>")
@login_required
def section(key: str, number: int) -> Any:
    mod = module_or_404(key)
    sec = mod.section(number) or abort(404)
    status = status_of(db.session(), current_person(), mod)
    return render_template(
        "learner/section.html", module=mod, section=sec, status=status,
        body=render_markdown(sec.body),
        changed={s.number for s in status.changed},
    )


@bp.post("/modules/<key>/sections/<int:number>/read")
@login_required
def mark_read(key: str, number: int) -> Any:
    mod = module_or_404(key)
    sec = mod.section(number) or abort(404)
    person = current_person()
    record_section_read(db.session(), current_settings().evidence_key, person, mod, sec)
    following = mod.section(number + 1)
    if following:
        return redirect(url_for("learner.section", key=key, number=following.number))
    return redirect(url_for("learner.sign", key=key))


@bp.route("/modules/<key>/sign", methods=["GET", "POST"])
@login_required
def sign(key: str) -> Any:
    mod = module_or_404(key)
    person = current_person()
    status = status_of(db.session(), person, mod)
    error = None
    if request.method == "POST" and status.acknowledgement is None:
        if not status.all_read:
            abort(400, "Read every section before signing.")
        if request.form.get("confirm") != "yes":
            error = "Tick the box to confirm you have read and understood it."
        else:
            try:
                ack = acknowledge(db.session(), current_settings().evidence_key, person, mod,
                                  request.form.get("typed_name", ""), launch_context())
            except AcknowledgementError as exc:
                error = str(exc)
            else:
                return redirect(url_for("learner.signed", key=key, ack=ack.id))
    elif status.acknowledgement is not None:
        return redirect(url_for("learner.signed", key=key, ack=status.acknowledgement.id))
    return render_template("learner/sign.html", module=mod, status=status,
                           declaration=declaration_for(mod), error=error,
                           typed_name=request.form.get("typed_name", "")), 400 if error else 200


@bp.get("/modules/<key>/signed/<int:ack>")
@login_required
def signed(key: str, ack: int) -> Any:
    record = _own_acknowledgement(ack)
    return render_template("learner/signed.html", module=module_or_404(key), ack=record,
                           has_quiz=key in banks_for(current_person().organisation_id))


def _own_acknowledgement(evidence_id: int) -> EvidenceRecord:
    person = current_person()
    record = db.session().get(EvidenceRecord, evidence_id)
    if (record is None or record.kind != ACKNOWLEDGEMENT or record.person_id != person.id
            or record.organisation_id != person.organisation_id):
        abort(404)
    return record


@bp.get("/my-training")
@login_required
def my_training() -> Any:
    person = current_person()
    return render_template(
        "learner/my_training.html",
        acknowledgements=acknowledgements_of(db.session(), person),
    )


@bp.get("/my-training/<int:ack>/certificate")
@login_required
def certificate(ack: int) -> Any:
    record = _own_acknowledgement(ack)
    return render_template("learner/certificate.html", person=current_person(), ack=record)
