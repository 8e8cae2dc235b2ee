"""The evidence chain: append-only, and `evidence verify` names every altered, deleted or
reordered row when rows are tampered with directly in the database."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from lms_plugin import db
from lms_plugin.models import Organisation, Person
from lms_plugin.services import evidence
from tests.evidence_db import raw_connection

KEY = b"test-evidence-key"


@pytest.fixture
def org_people(app):
    """Two organisations with one person each; returns their ids."""
    with app.app_context():
        s = db.session()
        from lms_plugin.models import Platform

        platform = Platform(issuer="https://lms.example", client_id="c", auth_login_url="x",
                            auth_token_url="y")
        orgs = [Organisation(name="North", slug="north"), Organisation(name="South",
                                                                          slug="south")]
        s.add_all([platform, *orgs])
        s.flush()
        people = [Person(organisation_id=o.id, platform_id=platform.id, subject=f"p{o.id}",
                         name=f"Person {o.name}") for o in orgs]
        s.add_all(people)
        s.commit()
        return [(o.id, p.id) for o, p in zip(orgs, people, strict=True)]


def add_rows(app, org_id: int, person_id: int, count: int) -> list[int]:
    with app.app_context():
        return [
            evidence.append(
                db.session(), KEY, org_id,
                evidence.NewEvidence(kind="acknowledgement", person_id=person_id,
                                     subject="kcsie-2025-part-one", subject_version="a" * 64,
                                     data={"n": i}, texts={"typed_name": f"Name {i}"}),
            ).id
            for i in range(count)
        ]


def verify(app, org_id: int) -> evidence.ChainReport:
    with app.app_context():
        return evidence.verify_organisation(db.session(), KEY, org_id)


def run_cli(app, *args: str):
    app.config["SETTINGS"] = app.config["SETTINGS"].__class__(
        **{**app.config["SETTINGS"].__dict__, "evidence_key": KEY}
    )
    return app.test_cli_runner().invoke(args=["evidence", "verify", *args])


def test_intact_chains_verify(app, org_people):
    (north, p1), (south, p2) = org_people
    add_rows(app, north, p1, 5)
    add_rows(app, south, p2, 3)
    assert verify(app, north).ok and verify(app, north).rows == 5
    assert verify(app, south).ok and verify(app, south).rows == 3
    result = run_cli(app)
    assert result.exit_code == 0, result.output
    assert "5 rows, chain intact" in result.output


def test_each_organisation_has_its_own_chain(app, org_people):
    (north, p1), (south, p2) = org_people
    add_rows(app, north, p1, 2)
    add_rows(app, south, p2, 2)
    with app.app_context():
        seqs = db.session().execute(text(
            "SELECT organisation_id, seq FROM evidence ORDER BY id")).all()
    assert [s for _, s in seqs] == [1, 2, 1, 2]


def test_updates_and_deletes_are_refused_by_the_database(app, org_people, database_url):
    (north, p1), _ = org_people
    [row] = add_rows(app, north, p1, 1)
    with app.app_context():
        s = db.session()
        with pytest.raises(DBAPIError, match="append-only"):
            s.execute(text("UPDATE evidence SET kind = 'x' WHERE id = :id"), {"id": row})
        s.rollback()
        with pytest.raises(DBAPIError, match="append-only"):
            s.execute(text("DELETE FROM evidence WHERE id = :id"), {"id": row})
        s.rollback()


def test_altered_row_is_named(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 5)
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE evidence SET subject = 'something-else' WHERE id = :id"),
                     {"id": rows[2]})
    report = verify(app, north)
    assert not report.ok
    assert [p.evidence_id for p in report.problems] == [rows[2]]
    assert "altered" in report.problems[0].problem
    result = run_cli(app, "--org", "north")
    assert result.exit_code == 1
    assert f"row {rows[2]} (seq 3): content altered" in result.output


def test_rewritten_row_with_recomputed_hash_fails_the_signature(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 3)
    with app.app_context():
        from lms_plugin.models import EvidenceRecord

        record = db.session().get(EvidenceRecord, rows[1])
        record.data = {"n": 99}
        forged_hash = evidence._row_hash_of(record)
        db.session().rollback()
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE evidence SET data = :d, row_hash = :h WHERE id = :id"),
                     {"d": '{"n": 99}', "h": forged_hash, "id": rows[1]})
    problems = verify(app, north).problems
    assert any(p.evidence_id == rows[1] and "signature invalid" in p.problem for p in problems)
    assert any(p.evidence_id == rows[2] and "does not follow" in p.problem for p in problems)


def test_deleted_row_is_detected(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 5)
    with raw_connection(database_url) as conn:
        conn.execute(text("DELETE FROM evidence_text WHERE evidence_id = :id"), {"id": rows[1]})
        conn.execute(text("DELETE FROM evidence WHERE id = :id"), {"id": rows[1]})
    problems = verify(app, north).problems
    assert [p.evidence_id for p in problems] == [rows[2], rows[2]]
    assert "rows 2..2 before it are missing" in problems[0].problem


def test_deleted_last_row_is_detected(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 4)
    with raw_connection(database_url) as conn:
        conn.execute(text("DELETE FROM evidence_text WHERE evidence_id = :id"), {"id": rows[3]})
        conn.execute(text("DELETE FROM evidence WHERE id = :id"), {"id": rows[3]})
    [problem] = verify(app, north).problems
    assert "should end at row 4, but ends at 3" in problem.problem


def test_reordered_rows_are_detected(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 5)
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE evidence SET seq = -1 WHERE id = :id"), {"id": rows[1]})
        conn.execute(text("UPDATE evidence SET seq = 2 WHERE id = :id"), {"id": rows[2]})
        conn.execute(text("UPDATE evidence SET seq = 3 WHERE id = :id"), {"id": rows[1]})
    named = {p.evidence_id for p in verify(app, north).problems}
    assert {rows[1], rows[2]} <= named


def test_altered_typed_name_is_detected(app, org_people, database_url):
    (north, p1), _ = org_people
    rows = add_rows(app, north, p1, 3)
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE evidence_text SET value = 'Someone Else' "
                          "WHERE evidence_id = :id"), {"id": rows[0]})
    [problem] = verify(app, north).problems
    assert problem.evidence_id == rows[0]
    assert "typed name altered" in problem.problem


def test_erasing_personal_text_keeps_the_chain_valid(app, org_people):
    (north, p1), _ = org_people
    add_rows(app, north, p1, 3)
    with app.app_context():
        db.session().execute(text("DELETE FROM evidence_text"))
        db.session().commit()
    assert verify(app, north).ok


def test_other_organisations_are_unaffected_by_tampering(app, org_people, database_url):
    (north, p1), (south, p2) = org_people
    rows = add_rows(app, north, p1, 2)
    add_rows(app, south, p2, 2)
    with raw_connection(database_url) as conn:
        conn.execute(text("UPDATE evidence SET item = 7 WHERE id = :id"), {"id": rows[0]})
    assert not verify(app, north).ok
    assert verify(app, south).ok
    result = run_cli(app)
    assert result.exit_code == 1
    assert f"organisation {south}: 2 rows, chain intact" in result.output


def test_concurrent_appends_keep_one_unbroken_chain(app, org_people):
    from concurrent.futures import ThreadPoolExecutor

    (north, p1), _ = org_people

    def one(i: int) -> None:
        with app.app_context():
            evidence.append(db.session(), KEY, north,
                            evidence.NewEvidence(kind="section_read", person_id=p1, item=i))

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(one, range(300)))
    report = verify(app, north)
    assert report.ok and report.rows == 300


def test_a_double_submit_racing_itself_records_once(app, org_people):
    """Eight tabs submit the same signature at once: the `existing` check inside the chain
    lock lets exactly one through, on SQLite as on PostgreSQL."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from sqlalchemy import func, select

    from lms_plugin.models import EvidenceRecord

    (north, p1), _ = org_people
    start = threading.Barrier(8)

    def same(session):
        return session.scalars(select(EvidenceRecord).where(
            EvidenceRecord.organisation_id == north, EvidenceRecord.subject == "m")).first()

    def one(_: int) -> int:
        with app.app_context():
            start.wait()
            return evidence.append(db.session(), KEY, north, evidence.NewEvidence(
                kind="acknowledgement", person_id=p1, subject="m"), existing=same).id

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = set(pool.map(one, range(8)))
    assert len(ids) == 1
    with app.app_context():
        assert db.session().scalar(select(func.count(EvidenceRecord.id))) == 1
    assert verify(app, north).ok
