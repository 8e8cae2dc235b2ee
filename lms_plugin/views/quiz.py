"""Quiz pages: start, answer, and see the marked result. Marking happens only on the server."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import login_required
from sqlalchemy import select

from courses.model import Module
from lms_plugin import db
from lms_plugin.auth import current_person
from lms_plugin.config import current_settings
from lms_plugin.content import banks_for
from lms_plugin.lti.runtime import TimeoutSession
from lms_plugin.models import EvidenceRecord, GradeJob, QuizAttempt
from lms_plugin.services import grades
from lms_plugin.services.quizzes import QuizError, paper_for, quiz_status, start_attempt, submit
from lms_plugin.services.training import status_of
from lms_plugin.views.learner import launch_context, module_or_404
from quizzes.model import Bank

bp = Blueprint("quiz", __name__)


def _try_passback_now(attempt_id: int) -> None:
    """Send the score at once if the LMS answers; otherwise `lti sync-grades` retries it."""
    session = db.session()
    job_id = session.scalar(select(GradeJob.id).where(GradeJob.attempt_id == attempt_id,
                                                      GradeJob.status == grades.PENDING))
    if job_id is not None:
        # A short timeout: the learner should not wait on a slow LMS; cron catches up.
        grades.deliver(session, job_id,
                       TimeoutSession(current_app.config.get("PASSBACK_TIMEOUT", 3.0)))


def _bank_and_module(key: str) -> tuple[Module, Bank]:
    module = module_or_404(key)
    bank = banks_for(current_person().organisation_id).get(key)
    if bank is None:
        abort(404)
    return module, bank


def _own_attempt(attempt_id: int) -> QuizAttempt:
    person = current_person()
    attempt = db.session().get(QuizAttempt, attempt_id)
    if (attempt is None or attempt.person_id != person.id
            or attempt.organisation_id != person.organisation_id):
        abort(404)
    return attempt


@bp.get("/modules/<key>/quiz")
@login_required
def overview(key: str) -> Any:
    module, bank = _bank_and_module(key)
    person = current_person()
    return render_template(
        "quiz/overview.html", module=module, bank=bank,
        quiz=quiz_status(db.session(), person, bank),
        status=status_of(db.session(), person, module),
    )


@bp.post("/modules/<key>/quiz/start")
@login_required
def start(key: str) -> Any:
    module, bank = _bank_and_module(key)
    person = current_person()
    if not status_of(db.session(), person, module).all_read:
        abort(400, "Read every section of the module before taking its quiz.")
    try:
        launch = {**launch_context().as_data(), "ags": (session.get("launch") or {}).get("ags")}
        attempt = start_attempt(db.session(), person, bank, launch)
    except QuizError as exc:
        abort(400, str(exc))
    return redirect(url_for("quiz.attempt", attempt_id=attempt.id))


@bp.route("/quiz/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int) -> Any:
    attempt = _own_attempt(attempt_id)
    module, bank = _bank_and_module(attempt.module_key)
    if attempt.finished_at is not None:
        record = db.session().get(EvidenceRecord, attempt.evidence_id)
        return render_template("quiz/result.html", module=module, bank=bank, attempt=attempt,
                               record=record)
    try:
        paper = paper_for(attempt, bank)
    except QuizError as exc:
        abort(409, str(exc))
    if request.method == "POST":
        answers = {
            item.question.id: [int(v) for v in request.form.getlist(f"q-{item.question.id}")
                               if v.isdigit()]
            for item in paper
        }
        submit(db.session(), current_settings().evidence_key, current_person(),
               attempt, bank, answers, module.title)
        _try_passback_now(attempt.id)
        return redirect(url_for("quiz.attempt", attempt_id=attempt.id))
    return render_template("quiz/attempt.html", module=module, bank=bank, attempt=attempt,
                           paper=paper)
