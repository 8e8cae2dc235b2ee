"""Migrations: a fresh database migrates to head and back down, and matches the models."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from lms_plugin.models import Base
from tests.databases import (
    create_postgres_database,
    downgrade,
    drop_postgres_database,
    migrate,
    postgres_server_url,
)


@pytest.fixture
def fresh_database_url(tmp_path):
    server = postgres_server_url()
    if server is None:
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    url = create_postgres_database(server)
    yield url.render_as_string(hide_password=False)
    drop_postgres_database(url)


def table_names(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_fresh_database_migrates_to_head_and_back_down(fresh_database_url):
    migrate(fresh_database_url)
    assert table_names(fresh_database_url) == set(Base.metadata.tables)
    downgrade(fresh_database_url, "base")
    assert table_names(fresh_database_url) == set()
    migrate(fresh_database_url)
    assert table_names(fresh_database_url) == set(Base.metadata.tables)


def test_postgresql_is_used_when_available(database_url):
    # CI sets TEST_DATABASE_URL to PostgreSQL; this proves the suite really ran on it there.
    import os

    wanted = os.environ.get("TEST_DATABASE_URL", "")
    if wanted.startswith("postgresql"):
        assert database_url.startswith("postgresql")


def test_models_match_migrations(database_url):
    engine = create_engine(database_url)
    with engine.connect() as conn:
        diff = compare_metadata(
            MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata
        )
    engine.dispose()
    assert diff == []


def test_rebuilding_a_referenced_table_keeps_its_rows_and_references(fresh_database_url):
    """0006 rebuilds `people` on SQLite while drafts point at a person; nothing is lost."""
    from sqlalchemy import text

    migrate(fresh_database_url, "0005")
    engine = create_engine(fresh_database_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO organisations (id, name, slug, created_at) "
                              "VALUES (1, 'School', 'school', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO platforms (id, issuer, client_id, auth_login_url, auth_token_url, "
                "key_set_url, key_set, name, created_at) VALUES (1, 'https://lms', 'c', "
                "'https://lms/a', 'https://lms/t', NULL, NULL, 'LMS', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO people (id, organisation_id, platform_id, subject, name, lti_roles,"
                " tool_role, works_with_children, safeguarding_roles, created_at, "
                "last_launch_at) VALUES (7, 1, 1, 's', 'Sam', '[]', 'staff', true, '[]', "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO policy_documents (id, organisation_id, kind, title, created_at) "
                "VALUES (1, 1, 'safeguarding', 'Policy', CURRENT_TIMESTAMP)"))
            conn.execute(text(
                "INSERT INTO policy_drafts (id, organisation_id, document_id, title, "
                "source_filename, source_format, source_sha256, content, status, "
                "created_by_id, created_at, updated_at) VALUES (1, 1, 1, 'Policy', 'p.txt', "
                "'txt', 'x', '{}', 'draft', 7, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        migrate(fresh_database_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM people WHERE id = 7")).scalar() == "Sam"
            assert conn.execute(text("SELECT created_by_id FROM policy_drafts")).scalar() == 7
            conn.execute(text("UPDATE people SET last_launch_at = NULL WHERE id = 7"))
    finally:
        engine.dispose()
