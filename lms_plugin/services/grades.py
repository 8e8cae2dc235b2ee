"""Grade passback (LTI AGS) through a durable outbox, retried with backoff until delivered."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import requests
from pylti1p3.assignments_grades import AssignmentsGradesService
from pylti1p3.exception import LtiException, LtiServiceException
from pylti1p3.grade import Grade
from pylti1p3.lineitem import LineItem
from pylti1p3.service_connector import ServiceConnector
from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms_plugin.lti.tool_conf import DatabaseToolConf
from lms_plugin.models import GradeJob, GradeLineItem, Platform, QuizAttempt, utcnow

SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score"
PENDING, SENT = "pending", "sent"
LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=6)


def backoff(tries: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at six hours."""
    return min(timedelta(seconds=30 * 2 ** max(tries - 1, 0)), MAX_BACKOFF)


def can_pass_back(ags: dict[str, Any] | None) -> bool:
    return bool(ags) and SCORE_SCOPE in (ags.get("scope") or []) and bool(
        ags.get("lineitem") or ags.get("lineitems")
    )


def enqueue(db: Session, attempt: QuizAttempt, user_id: str, module_title: str
            ) -> GradeJob | None:
    """Queue the attempt's score for the LMS (no commit: call inside the attempt's transaction)."""
    ags = attempt.launch.get("ags")
    platform_id = attempt.launch.get("platform_id")
    if not can_pass_back(ags) or platform_id is None:
        return None
    job = GradeJob(
        organisation_id=attempt.organisation_id, person_id=attempt.person_id,
        platform_id=platform_id, attempt_id=attempt.id, module_key=attempt.module_key,
        module_title=module_title, user_id=user_id, ags=ags,
    )
    db.add(job)
    return job


def best_score(db: Session, job: GradeJob) -> float:
    return db.scalar(
        select(func.max(QuizAttempt.score)).where(
            QuizAttempt.person_id == job.person_id,
            QuizAttempt.module_key == job.module_key,
            QuizAttempt.finished_at.is_not(None),
        )
    ) or 0.0


def _claim(db: Session, job_id: int, now: datetime) -> bool:
    """Take a lease on a due job; only one worker (or cron run) can hold it."""
    result = db.execute(
        update(GradeJob)
        .where(
            GradeJob.id == job_id,
            GradeJob.status == PENDING,
            GradeJob.next_attempt_at <= now,
            or_(GradeJob.locked_until.is_(None), GradeJob.locked_until < now),
        )
        .values(locked_until=now + LEASE, tries=GradeJob.tries + 1)
    )
    db.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


class _Connectors:
    """One service connector per platform per run, so access tokens are reused."""

    def __init__(self, db: Session, http: requests.Session) -> None:
        self._db, self._http = db, http
        self._cache: dict[int, ServiceConnector] = {}

    def get(self, platform_id: int) -> ServiceConnector:
        if platform_id not in self._cache:
            platform = self._db.get(Platform, platform_id)
            if platform is None:
                raise LtiException("the platform is no longer registered")
            registration = DatabaseToolConf(self._db).registration_for(platform)
            self._cache[platform_id] = ServiceConnector(registration, self._http)
        return self._cache[platform_id]


class LineItemBusy(Exception):
    """Another worker is creating this module's line item right now: try again shortly."""


def _module_lineitem(db: Session, job: GradeJob, ags: AssignmentsGradesService) -> LineItem:
    """The module's line item in this gradebook: remembered, or found or created once."""
    url = job.ags["lineitems"]
    key = (GradeLineItem.platform_id == job.platform_id, GradeLineItem.lineitems_url == url,
           GradeLineItem.module_key == job.module_key)
    row = db.scalars(select(GradeLineItem).where(*key)).first()
    if row is not None and row.lineitem_url:
        return LineItem({"id": row.lineitem_url})  # type: ignore[typeddict-item]
    if row is None:
        try:
            row = GradeLineItem(platform_id=job.platform_id, lineitems_url=url,
                                module_key=job.module_key)
            db.add(row)
            db.commit()
        except IntegrityError as exc:
            db.rollback()
            raise LineItemBusy("the module's gradebook column is being created") from exc
    else:
        # A claim left by a failed or crashed try: take it over, atomically, or wait.
        taken = db.execute(
            update(GradeLineItem)
            .where(GradeLineItem.id == row.id, GradeLineItem.lineitem_url.is_(None),
                   GradeLineItem.claimed_at < utcnow() - LEASE)
            .values(claimed_at=utcnow())
        )
        db.commit()
        if taken.rowcount != 1:  # type: ignore[attr-defined]
            raise LineItemBusy("the module's gradebook column is being created")
        db.refresh(row)
    # We hold the claim: find or create the line item, then remember it.
    try:
        lineitem = ags.find_or_create_lineitem(
            LineItem()
            .set_tag(job.module_key)
            .set_resource_id(job.module_key)
            .set_label(job.module_title)
            .set_score_maximum(100)
        )
    except Exception:
        row.claimed_at = utcnow() - 2 * LEASE  # let the next try take it over at once
        db.commit()
        raise
    row.lineitem_url = lineitem.get_id()
    db.commit()
    return lineitem


def _post(db: Session, job: GradeJob, connector: ServiceConnector) -> float:
    ags = AssignmentsGradesService(connector, job.ags)  # type: ignore[arg-type]
    score = best_score(db, job)
    grade = (
        Grade()
        .set_score_given(score)
        .set_score_maximum(100)
        .set_activity_progress("Completed")
        .set_grading_progress("FullyGraded")
        .set_timestamp(job.created_at.isoformat(timespec="milliseconds"))
        .set_user_id(job.user_id)
    )
    # No line item in the launch: one per module, found or created by its tag.
    lineitem = None if job.ags.get("lineitem") else _module_lineitem(db, job, ags)
    ags.put_grade(grade, lineitem)
    return score


def _describe(exc: Exception) -> str:
    if isinstance(exc, LtiServiceException):
        return str(exc)[:500]
    return f"{type(exc).__name__}: {exc}"[:500]


def deliver(db: Session, job_id: int, http: requests.Session,
            connectors: _Connectors | None = None, now: datetime | None = None) -> bool | None:
    """Try one job: True sent, False failed (rescheduled), None not due or held elsewhere."""
    now = now or utcnow()
    if not _claim(db, job_id, now):
        return None
    job = db.get(GradeJob, job_id)
    assert job is not None
    try:
        score = _post(db, job, (connectors or _Connectors(db, http)).get(job.platform_id))
    except LineItemBusy as exc:
        job.last_error = str(exc)
        job.next_attempt_at = utcnow() + timedelta(seconds=5)
        job.tries -= 1  # not the LMS's fault: does not count towards the backoff
        job.locked_until = None
        db.commit()
        return False
    except (LtiException, requests.RequestException, ValueError) as exc:
        job.last_error = _describe(exc)
        job.next_attempt_at = utcnow() + backoff(job.tries)
        job.locked_until = None
        db.commit()
        return False
    job.status, job.sent_at, job.score_sent = SENT, utcnow(), score
    job.last_error, job.locked_until = None, None
    db.commit()
    return True


@dataclass
class SyncReport:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def due_job_ids(db: Session, now: datetime, limit: int) -> list[int]:
    return list(db.scalars(
        select(GradeJob.id)
        .where(GradeJob.status == PENDING, GradeJob.next_attempt_at <= now)
        .order_by(GradeJob.next_attempt_at, GradeJob.id)
        .limit(limit)
    ))


def sync(db: Session, http: requests.Session, limit: int = 10_000,
         now: datetime | None = None) -> SyncReport:
    """Deliver every due job once. Safe to run from cron, and twice at once."""
    now = now or utcnow()
    report = SyncReport()
    connectors = _Connectors(db, http)
    for job_id in due_job_ids(db, now, limit):
        outcome = deliver(db, job_id, http, connectors, now)
        if outcome is True:
            report.sent += 1
        elif outcome is False:
            report.failed += 1
            job = db.get(GradeJob, job_id)
            if job is not None and job.last_error:
                report.errors.append(f"job {job_id}: {job.last_error}")
        else:
            report.skipped += 1
    return report


def unsent(db: Session, organisation_id: int) -> Iterable[GradeJob]:
    """The organisation's scores not yet accepted by the LMS, oldest first."""
    return db.scalars(
        select(GradeJob)
        .where(GradeJob.organisation_id == organisation_id, GradeJob.status == PENDING)
        .order_by(GradeJob.created_at)
    ).all()
