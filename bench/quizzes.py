"""Quiz attempts scored and stored per second, and outbox jobs drained per second against a
local fake AGS gradebook (real HTTP on loopback)."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ATTEMPTS = 10_000
ORGANISATIONS = 50
SCOPES = ["https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
          "https://purl.imsglobal.org/spec/lti-ags/scope/score"]


def main() -> None:
    import logging

    from sqlalchemy import func, select

    from bench.evidence import _setup
    from courses.loader import catalogue
    from lms_plugin import db
    from lms_plugin.lti.keys import published_keys
    from lms_plugin.lti.runtime import TimeoutSession
    from lms_plugin.models import GradeJob, Organisation, Person
    from lms_plugin.services import grades
    from lms_plugin.services.platforms import PlatformDetails, register_platform
    from lms_plugin.services.quizzes import start_attempt, submit
    from quizzes.loader import check_banks
    from tests.fake_lms import FakeGradebook
    from tests.http_server import free_port

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    banks = {b.module: b for b in check_banks(catalogue())[0]}
    bank = banks["kcsie-2025-part-one"]
    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        app = _setup(url, tmp)
        key = app.config["SETTINGS"].evidence_key
        port = free_port()
        with app.app_context():
            session = db.session()
            gradebook = FakeGradebook(lambda: {"keys": published_keys(session)})
            gradebook.base = f"http://127.0.0.1:{port}"
            platform = register_platform(
                session,
                PlatformDetails(issuer="https://lms.bench", client_id="bench",
                                auth_login_url="https://lms.bench/auth",
                                auth_token_url=gradebook.base + "/token", key_set={"keys": []}),
                deployment_ids=[f"d{n}" for n in range(ORGANISATIONS)],
                organisation_name="Bench School",
            )
            session.commit()
            org_id = session.scalar(select(Organisation.id))
            people = []
            for n in range(ATTEMPTS // 10):
                person = Person(organisation_id=org_id, platform_id=platform.id,
                                subject=f"u{n}", name=f"Person {n}")
                session.add(person)
                people.append(person)
            session.commit()
            launch = {"platform_id": platform.id,
                      "ags": {"scope": SCOPES, "lineitems": gradebook.base + "/lineitems"}}
            start = time.perf_counter()
            for i in range(ATTEMPTS):
                person = people[i % len(people)]
                attempt = start_attempt(session, person, bank, launch)
                paper_answers = {q.id: sorted(q.correct) for q in bank.questions[: i % 3]}
                submit(session, key, person, attempt, bank, paper_answers, "Part one")
            elapsed = time.perf_counter() - start
            print(f"quiz attempts: {ATTEMPTS} scored and stored in {elapsed:.1f} s = "
                  f"{ATTEMPTS / elapsed:.0f} per second")
            jobs = session.scalar(select(func.count()).select_from(GradeJob))
            with gradebook.running(port):
                start = time.perf_counter()
                report = grades.sync(session, TimeoutSession(10))
                elapsed = time.perf_counter() - start
            print(f"outbox: {report.sent} of {jobs} jobs delivered in {elapsed:.1f} s = "
                  f"{report.sent / elapsed:.0f} per second "
                  f"({len(gradebook.scores)} scores received, {report.failed} failed)")


if __name__ == "__main__":
    main()
