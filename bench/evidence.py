"""Acknowledgements per second, and evidence-chain verification time (must be linear in rows
and verify 100,000 rows in under 10 seconds).

Runs on a fresh SQLite file, or on BENCH_DATABASE_URL (e.g. a scratch PostgreSQL database).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

ORGANISATIONS = 50
ACKNOWLEDGEMENTS = 10_000
VERIFY_TARGET_ROWS = 100_000
VERIFY_LIMIT_SECONDS = 10.0


def _setup(url: str, tmp: str):
    from lms_plugin import create_app

    subprocess.run([sys.executable, "-m", "alembic", "upgrade", "head"], cwd=REPO,
                   env={**os.environ, "DATABASE_URL": url}, check=True)
    return create_app({"DATABASE_URL": url, "INSTANCE_PATH": tmp, "SECRET_KEY": "bench",
                       "EVIDENCE_KEY": "bench-evidence-key", "BASE_URL": "https://b.example"})


def _people(session, count_per_org: int):
    from lms_plugin.models import Organisation, Person, Platform

    platform = Platform(issuer="https://lms.bench", client_id="bench", auth_login_url="x",
                        auth_token_url="y")
    session.add(platform)
    session.flush()
    people = []
    for n in range(ORGANISATIONS):
        org = Organisation(name=f"School {n}", slug=f"school-{n}")
        session.add(org)
        session.flush()
        for p in range(count_per_org):
            person = Person(organisation_id=org.id, platform_id=platform.id,
                            subject=f"{n}-{p}", name=f"Person {n}-{p}")
            session.add(person)
            people.append(person)
    session.commit()
    return people


def _bulk_rows(session, key: bytes, organisation_id: int, person_id: int, start_seq: int,
               prev: str, count: int) -> tuple[int, str]:
    """Extend a chain quickly with the same hashing `append` uses (bench fixture only)."""
    from lms_plugin.models import EvidenceHead, EvidenceRecord, utcnow
    from lms_plugin.services import evidence

    now = utcnow()
    rows = []
    for i in range(count):
        record = EvidenceRecord(
            organisation_id=organisation_id, seq=start_seq + i, kind="section_read",
            person_id=person_id, recorded_by_id=None, subject="kcsie-2025-part-one",
            subject_version="b" * 64, item=i % 9 + 1, data={"section_sha256": "c" * 64},
            text_digests={}, created_at=now + timedelta(microseconds=i), prev_hash=prev,
        )
        evidence.seal(key, record)
        prev = record.row_hash
        rows.append({c.name: getattr(record, c.key) for c in EvidenceRecord.__table__.columns
                     if c.name != "id"})
    session.execute(EvidenceRecord.__table__.insert(), rows)
    head = session.get(EvidenceHead, organisation_id)
    last = start_seq + count - 1
    evidence.seal_head(key, head, last, prev)
    session.commit()
    return last + 1, prev


def _verify_all(session, key: bytes) -> tuple[int, float]:
    from lms_plugin.services.evidence import organisations_with_evidence, verify_organisation

    start = time.perf_counter()
    rows = 0
    for org_id in organisations_with_evidence(session):
        report = verify_organisation(session, key, org_id)
        assert report.ok, report.problems[:3]
        rows += report.rows
    return rows, time.perf_counter() - start


def main() -> None:
    from sqlalchemy import select

    from courses.loader import catalogue
    from lms_plugin import db
    from lms_plugin.models import EvidenceHead
    from lms_plugin.services.acknowledgements import LaunchContext, acknowledge

    with tempfile.TemporaryDirectory() as tmp:
        url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.db"
        app = _setup(url, tmp)
        key = app.config["SETTINGS"].evidence_key
        modules = list(catalogue().values())
        with app.app_context():
            session = db.session()
            people = _people(session, ACKNOWLEDGEMENTS // ORGANISATIONS // len(modules) + 1)
            start = time.perf_counter()
            signed = 0
            for person in people:
                for module in modules:
                    if signed == ACKNOWLEDGEMENTS:
                        break
                    acknowledge(session, key, person, module, person.name,
                                LaunchContext(deployment_id="bench"))
                    signed += 1
            elapsed = time.perf_counter() - start
            print(f"acknowledgements: {signed} across {ORGANISATIONS} organisations in "
                  f"{elapsed:.1f} s = {signed / elapsed:.0f} per second")
            rows, seconds = _verify_all(session, key)
            print(f"verify: {rows} rows in {seconds:.2f} s")

            # Grow the chains to 25k, 50k and 100k rows and time verification at each size.
            heads = {h.organisation_id: (h.seq + 1, h.row_hash)
                     for h in session.scalars(select(EvidenceHead))}
            person_by_org = {p.organisation_id: p.id for p in people}
            timings = []
            for target in (25_000, 50_000, VERIFY_TARGET_ROWS):
                per_org = -(-(target - rows) // len(heads))  # round up: at least `target`
                for org_id, (seq, prev) in list(heads.items()):
                    heads[org_id] = _bulk_rows(session, key, org_id, person_by_org[org_id],
                                               seq, prev, per_org)
                rows, seconds = _verify_all(session, key)
                timings.append((rows, seconds))
                print(f"verify: {rows} rows in {seconds:.2f} s "
                      f"({seconds / rows * 1e6:.1f} µs per row)")
        per_row = [s / r for r, s in timings]
        linear = max(per_row) / min(per_row) < 1.5
        final_rows, final_seconds = timings[-1]
        print(f"linear in rows: {'yes' if linear else 'NO'} "
              f"(µs per row from {min(per_row) * 1e6:.1f} to {max(per_row) * 1e6:.1f})")
        verdict = "PASS" if final_seconds < VERIFY_LIMIT_SECONDS and linear else "FAIL"
        print(f"goal: verify {final_rows} rows in under {VERIFY_LIMIT_SECONDS:.0f} s: "
              f"{verdict} ({final_seconds:.2f} s)")


if __name__ == "__main__":
    main()
