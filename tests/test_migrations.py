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
