"""Quiz scores reach the LMS gradebook through the outbox, exactly once, even across an outage."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select

from lms_plugin import db
from lms_plugin.lti.runtime import TimeoutSession
from lms_plugin.models import GradeJob, utcnow
from lms_plugin.services import grades
from lms_plugin.services.platforms import PlatformDetails, register_platform
from tests.fake_lms import FakeGradebook
from tests.http_server import free_port
from tests.lti_platform import TOOL_URL, TestPlatform, csrf_token
from tests.test_quiz_flow import answers_for, start
from tests.test_reading_and_signing import read_all

KEY = "kcsie-2025-part-one"
AGS = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


@pytest.fixture
def lms(app, client):
    port = free_port()
    gradebook = FakeGradebook(lambda: client.get(TOOL_URL + "/.well-known/jwks.json").json)
    gradebook.base = f"http://127.0.0.1:{port}"
    platform = TestPlatform()
    with app.app_context():
        register_platform(
            db.session(),
            PlatformDetails(issuer=platform.issuer, client_id=platform.client_id,
                            auth_login_url=platform.issuer + "/auth",
                            auth_token_url=gradebook.base + "/token",
                            key_set=platform.key_set()),
            deployment_ids=[platform.deployment_id], organisation_name="Test School")
        db.session().commit()
    return gradebook, port, platform


def take_quiz(app, platform, base: str, sub: str, right: bool = True, lineitem: str | None = None):
    client = app.test_client()
    claim = {"scope": SCOPES, "lineitems": base + "/lineitems"}
    if lineitem:
        claim["lineitem"] = lineitem
    platform.launch_and_follow(client, sub=sub, name=f"Person {sub}", **{AGS: claim})
    read_all(client, KEY)
    location = start(client).headers["Location"]
    paper = client.get(TOOL_URL + location)
    resp = client.post(TOOL_URL + location, data={"csrf_token": csrf_token(paper.text),
                                                  **answers_for(paper.text, right)})
    assert resp.status_code == 302
    return client


def jobs(app) -> list[GradeJob]:
    with app.app_context():
        rows = db.session().scalars(select(GradeJob).order_by(GradeJob.id)).all()
        db.session().expunge_all()
        return rows


def test_passing_sends_the_score_at_once(app, lms):
    gradebook, port, platform = lms
    with gradebook.running(port) as base:
        take_quiz(app, platform, base, "user-1")
    [score] = gradebook.scores
    assert score["userId"] == "user-1"
    assert score["scoreGiven"] == 100 and score["scoreMaximum"] == 100
    assert score["activityProgress"] == "Completed"
    assert score["gradingProgress"] == "FullyGraded"
    assert score["timestamp"]
    [lineitem] = gradebook.lineitems
    assert lineitem["tag"] == KEY and lineitem["resourceId"] == KEY
    [job] = jobs(app)
    assert job.status == "sent" and job.score_sent == 100


def test_line_item_from_the_claim_keeps_its_query_string(app, lms):
    gradebook, port, platform = lms
    with gradebook.running(port) as base:
        gradebook.lineitems.append({"id": base + "/lineitems/1/lineitem?type_id=1"})
        take_quiz(app, platform, base, "user-1",
                  lineitem=base + "/lineitems/1/lineitem?type_id=1")
    assert gradebook.score_urls == ["/lineitems/1/lineitem/scores?type_id=1"]


def test_scores_survive_an_outage_and_arrive_exactly_once(app, lms):
    gradebook, port, platform = lms
    base = gradebook.base
    # The LMS is down while three people finish their quizzes.
    for n in (1, 2, 3):
        take_quiz(app, platform, base, f"user-{n}", right=(n != 2))
    pending = jobs(app)
    assert [j.status for j in pending] == ["pending"] * 3
    assert all(j.last_error and j.tries == 1 for j in pending)

    coordinator = platform.coordinator(app, sub="coord")
    page = coordinator.get(TOOL_URL + "/coordinator/grades")
    assert page.text.count("Person user-") == 3
    assert "ConnectionError" in page.text

    # Still down: cron tries again later and fails again, nothing lost.
    with app.app_context():
        report = grades.sync(db.session(), TimeoutSession(2), now=utcnow() + timedelta(hours=1))
    assert report.failed == 3 and report.sent == 0

    # The LMS comes back; two cron runs at once deliver each score exactly once.
    with gradebook.running(port):
        later = utcnow() + timedelta(hours=7)

        def run() -> grades.SyncReport:
            with app.app_context():
                return grades.sync(db.session(), TimeoutSession(5), now=later)

        with ThreadPoolExecutor(max_workers=2) as pool:
            reports = list(pool.map(lambda _: run(), range(2)))
        # A job that met the other run creating the gradebook column goes on the next run.
        reports.append(run())
        assert sum(r.sent for r in reports) == 3
        assert run().sent == 0
    assert sorted(s["userId"] for s in gradebook.scores) == ["user-1", "user-2", "user-3"]
    by_user = {s["userId"]: s["scoreGiven"] for s in gradebook.scores}
    assert by_user["user-1"] == 100 and by_user["user-2"] == 0
    assert len(gradebook.lineitems) == 1
    assert "Every score has reached the LMS" in coordinator.get(
        TOOL_URL + "/coordinator/grades").text


def test_the_best_score_counts(app, lms):
    gradebook, port, platform = lms
    with gradebook.running(port) as base:
        client = take_quiz(app, platform, base, "user-1", right=True)
        location = start(client).headers["Location"]
        paper = client.get(TOOL_URL + location)
        client.post(TOOL_URL + location, data={"csrf_token": csrf_token(paper.text),
                                               **answers_for(paper.text, right=False)})
    assert [s["scoreGiven"] for s in gradebook.scores] == [100, 100]


def test_sync_grades_command(app, lms):
    gradebook, port, platform = lms
    take_quiz(app, platform, gradebook.base, "user-1")
    with app.app_context():
        db.session().execute(
            GradeJob.__table__.update().values(next_attempt_at=utcnow() - timedelta(minutes=1)))
        db.session().commit()
    with gradebook.running(port):
        result = app.test_cli_runner().invoke(args=["lti", "sync-grades"])
    assert result.exit_code == 0, result.output
    assert "sent 1" in result.output
    assert len(gradebook.scores) == 1


def test_no_ags_claim_means_no_job(app, client, platform):
    platform.launch_and_follow(client)
    read_all(client, KEY)
    location = start(client).headers["Location"]
    paper = client.get(TOOL_URL + location)
    client.post(TOOL_URL + location, data={"csrf_token": csrf_token(paper.text),
                                           **answers_for(paper.text, True)})
    assert jobs(app) == []


@pytest.mark.parametrize("trouble", ["token refused", "too slow"])
def test_refused_token_or_timeout_stays_queued_then_arrives(app, lms, trouble):
    gradebook, port, platform = lms
    app.config["PASSBACK_TIMEOUT"] = 0.5
    with gradebook.running(port) as base:
        if trouble == "token refused":
            gradebook.reject_tokens = True
        else:
            gradebook.delay = 1.0
        take_quiz(app, platform, base, "user-1")
        with app.app_context():
            report = grades.sync(db.session(), TimeoutSession(0.5),
                                 now=utcnow() + timedelta(hours=1))
        assert report.sent == 0
        [job] = jobs(app)
        assert job.status == "pending" and job.last_error
        gradebook.reject_tokens, gradebook.delay = False, 0.0
        with app.app_context():
            report = grades.sync(db.session(), TimeoutSession(5),
                                 now=utcnow() + timedelta(hours=8))
        assert report.sent == 1
    assert jobs(app)[0].status == "sent"
    if trouble == "token refused":
        assert len(gradebook.scores) == 1
    else:
        # A timed-out post may still land late. Every copy carries the same score and
        # timestamp, so the gradebook shows one result (AGS keeps the latest by timestamp).
        assert len({(s["scoreGiven"], s["timestamp"]) for s in gradebook.scores}) == 1
