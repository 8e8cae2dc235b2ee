"""Coordinator pages for the school's own documents: upload, review, publish; key contacts."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from courses.policy_import import ImportRefused, import_policy
from lms_plugin import db
from lms_plugin.auth import coordinator_required, current_person
from lms_plugin.config import current_settings
from lms_plugin.models import Person, PolicyDraft
from lms_plugin.services import policies, policy_drafts, school_contacts
from lms_plugin.services.policies import KINDS, PolicyError
from lms_plugin.timefmt import today_in_london

bp = Blueprint("policies", __name__, url_prefix="/coordinator")


def _org() -> int:
    return current_person().organisation_id


def _index(error: str | None = None, status: int = 200) -> Any:
    session = db.session()
    return render_template(
        "policies/index.html", kinds=KINDS, documents=policies.documents(session, _org()),
        current={v.document_id: v for v in policies.current_versions(session, _org())},
        drafts=policy_drafts.open_drafts(session, _org()),
        max_mb=current_app.config["POLICY_MAX_BYTES"] / 1024 / 1024, error=error,
    ), status


@bp.get("/policies")
@coordinator_required
def index() -> Any:
    return _index()


@bp.post("/policies/upload")
@coordinator_required
def upload() -> Any:
    """Import an uploaded document into a new draft; a refused file stores nothing."""
    kind = request.form.get("kind", "")
    if kind not in KINDS:
        return _index("Choose which document this is.", 400)
    upload = request.files.get("document")
    if upload is None or not upload.filename:
        return _index("Choose a file to upload.", 400)
    try:
        imported = import_policy(upload.filename, upload.read(),
                                 title=request.form.get("title", "").strip() or None,
                                 max_bytes=current_app.config["POLICY_MAX_BYTES"])
    except ImportRefused as exc:
        return _index(str(exc), 400)
    draft = policy_drafts.create_draft(db.session(), _org(), kind, imported, upload.filename,
                                       current_person())
    return redirect(url_for("policies.draft", draft_id=draft.id))


def _draft(draft_id: int) -> PolicyDraft:
    return policy_drafts.draft_in(db.session(), _org(), draft_id) or abort(404)


def _draft_page(draft: PolicyDraft, error: str | None = None, status: int = 200) -> Any:
    content = draft.content
    flags = content.get("flags", [])
    groups = policy_drafts.flag_groups(flags)
    return render_template(
        "policies/draft.html", draft=draft, sections=content.get("sections", []),
        flags=flags, flag_groups=groups, contacts=content.get("contacts", []),
        open_flags=sum(g.open for g in groups),
        bulk_open=sum(g.open for g in groups if g.bulk_dismissable),
        pages=policies.compose_pages(content.get("sections", [])),
        paragraphs=policy_drafts.paragraphs, heading=policies.heading,
        kind_label=KINDS.get(draft.document.kind, draft.document.kind),
        today=today_in_london().isoformat(), label_example=today_in_london().strftime("%B %Y"),
        error=error,
    ), status


@bp.get("/policies/drafts/<int:draft_id>")
@coordinator_required
def draft(draft_id: int) -> Any:
    return _draft_page(_draft(draft_id))


def _int(name: str) -> int:
    value = request.form.get(name, "")
    if not re.fullmatch(r"[0-9]{1,9}", value):
        abort(400, f"The form is missing its {name}.")
    return int(value)


def _optional_id(name: str) -> int | None:
    value = request.form.get(name, "")
    return int(value) if re.fullmatch(r"[0-9]{1,9}", value) else None


def _change(draft_id: int, anchor: str, change: Any) -> Any:
    """Apply one edit; a refused edit re-shows the page with the reason (400)."""
    found = _draft(draft_id)
    try:
        message = change(found)
    except PolicyError as exc:
        return _draft_page(found, str(exc), 400)
    if message:
        flash(message)
    return redirect(url_for("policies.draft", draft_id=draft_id) + anchor)


@bp.post("/policies/drafts/<int:draft_id>/sections/<int:index>")
@coordinator_required
def section(draft_id: int, index: int) -> Any:
    action, session, form = request.form.get("action"), db.session(), request.form

    def change(d: PolicyDraft) -> str:
        if action == "save":
            policy_drafts.edit_section(session, d, index, number=form.get("number", ""),
                                       title=form.get("title", ""), level=_int("level"),
                                       body=form.get("body", ""))
            return "Section saved."
        if action == "merge":
            policy_drafts.merge_with_previous(session, d, index)
            return "Section merged into the one before it."
        if action == "split":
            policy_drafts.split_section(session, d, index, _int("at"),
                                        number=form.get("number", ""),
                                        title=form.get("title", ""))
            return "Section split in two."
        if action == "drop":
            policy_drafts.drop_section(session, d, index)
            return "Section removed from the draft."
        abort(400, "Unknown action.")

    return _change(draft_id, "#sections", change)


@bp.post("/policies/drafts/<int:draft_id>/flags/<int:index>")
@coordinator_required
def flag(draft_id: int, index: int) -> Any:
    return _change(draft_id, "#flags", lambda d: policy_drafts.set_flag(
        db.session(), d, index, request.form.get("state", "")))


@bp.post("/policies/drafts/<int:draft_id>/flags/dismiss-open")
@coordinator_required
def dismiss_open(draft_id: int) -> Any:
    kind = request.form.get("kind") or None

    def change(d: PolicyDraft) -> str:
        count = policy_drafts.dismiss_open_flags(db.session(), d, kind)
        return f"Dismissed {count} flag{'s' if count != 1 else ''}."

    return _change(draft_id, "#flags", change)


@bp.post("/policies/drafts/<int:draft_id>/contacts/<int:index>")
@coordinator_required
def contact(draft_id: int, index: int) -> Any:
    """Confirm a proposed contact (as corrected) so staff see it, or reject it."""
    form = request.form

    def change(d: PolicyDraft) -> str:
        proposed = policy_drafts.contact_at(d, index)  # refuses a closed draft or bad index
        if form.get("action") == "reject":
            if proposed["state"] == policy_drafts.CONFIRMED:
                raise PolicyError("This contact is already confirmed and shown to staff: "
                                  "change or remove it on the Key contacts page.")
            policy_drafts.set_contact_state(db.session(), d, index, policy_drafts.REJECTED)
            return "Contact rejected: staff will not see it."
        confirmed = school_contacts.confirm_contact(
            db.session(), d.organisation_id, current_person(), role=form.get("role", ""),
            names=school_contacts.names_from_form(form.get("names", "")),
            phone=form.get("phone"), email=form.get("email"))
        policy_drafts.set_contact_state(db.session(), d, index, policy_drafts.CONFIRMED)
        return f"Confirmed: {confirmed.role}. Staff now see this contact."

    return _change(draft_id, "#contacts", change)


def _date(name: str, required: bool = False) -> date | None:
    value = request.form.get(name, "").strip()
    if not value and not required:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise PolicyError("Enter the date as day, month and year.") from None


@bp.post("/policies/drafts/<int:draft_id>/details")
@coordinator_required
def details(draft_id: int) -> Any:
    def change(d: PolicyDraft) -> str:
        review_date = _date("review_date")
        policy_drafts.set_title(db.session(), d, request.form.get("title", ""))
        policy_drafts.set_review_date(db.session(), d, review_date)
        return "Details saved."

    return _change(draft_id, "#details", change)


@bp.post("/policies/drafts/<int:draft_id>/publish")
@coordinator_required
def publish(draft_id: int) -> Any:
    found = _draft(draft_id)
    try:
        effective = _date("effective_date", required=True)
        assert effective is not None
        version = policies.publish(db.session(), current_settings().evidence_key, found,
                                   label=request.form.get("label", ""),
                                   effective_date=effective, by=current_person())
    except PolicyError as exc:
        return _draft_page(found, str(exc), 400)
    if version.effective_date > today_in_london():
        then = f"It takes effect on {version.effective_date:%-d %B %Y}."
    elif policies.same_text_as_previous(db.session(), version):
        then = ("Its text is the same as the version before, so people who signed that one "
                "are not asked again.")
    else:
        then = "Every member of staff is now asked to read and sign it."
    flash(f"Published {version.title}, {version.label}. {then}")
    return redirect(url_for("policies.document", kind=found.document.kind))


@bp.post("/policies/drafts/<int:draft_id>/discard")
@coordinator_required
def discard(draft_id: int) -> Any:
    policy_drafts.discard(db.session(), _draft(draft_id))
    flash("Draft discarded.")
    return redirect(url_for("policies.index"))


@bp.get("/policies/<kind>")
@coordinator_required
def document(kind: str) -> Any:
    """A document's published versions, who has signed each, and its declaration."""
    if kind not in KINDS:
        abort(404)
    session = db.session()
    doc = policies.find_document(session, _org(), kind)
    versions = policies.versions(session, doc) if doc else []
    signed = policies.signatures_by_version(session, _org(), kind)
    staff = session.scalar(select(func.count(Person.id)).where(
        Person.organisation_id == _org()))
    return render_template("policies/document.html", kind=kind, versions=versions,
                           signed=signed, staff=staff, kind_label=KINDS[kind],
                           custom=doc.declaration if doc else None,
                           declaration=(doc and doc.declaration) or policies.default_declaration(
                               versions[0].title if versions else KINDS[kind]))


@bp.post("/policies/<kind>/declaration")
@coordinator_required
def declaration(kind: str) -> Any:
    if kind not in KINDS:
        abort(404)
    text = " ".join(request.form.get("declaration", "").split())
    if len(text) > 1000:
        abort(400, "The declaration is too long (1,000 characters at most).")
    session = db.session()
    doc = policies.document(session, _org(), kind)
    doc.declaration = text or None
    session.commit()
    flash("Declaration saved. It applies to signatures from now on."
          if text else "Declaration reset to the default wording.")
    return redirect(url_for("policies.document", kind=kind))


@bp.get("/contacts")
@coordinator_required
def contacts(error: str | None = None, status: int = 200) -> Any:
    return render_template("policies/contacts.html",
                           contacts=school_contacts.contacts_of(db.session(), _org()),
                           error=error), status


@bp.post("/contacts")
@coordinator_required
def save_contact() -> Any:
    form = request.form
    contact_id = _optional_id("contact_id")
    try:
        if form.get("action") == "remove" and contact_id is not None:
            school_contacts.remove_contact(db.session(), _org(), contact_id)
            flash("Contact removed.")
        else:
            school_contacts.confirm_contact(
                db.session(), _org(), current_person(), role=form.get("role", ""),
                names=school_contacts.names_from_form(form.get("names", "")),
                phone=form.get("phone"), email=form.get("email"),
                contact_id=contact_id, replace=contact_id is not None)
            flash("Contact saved. Staff see it under “Who to tell”.")
    except PolicyError as exc:
        return contacts(str(exc), 400)
    return redirect(url_for("policies.contacts"))
