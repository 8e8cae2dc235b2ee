"""Shared fixtures: a migrated database per run, an app per test, a signing test platform."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from lms_plugin import create_app
from lms_plugin.models import Base
from tests.databases import (
    create_postgres_database,
    drop_postgres_database,
    migrate,
    postgres_server_url,
)
from tests.evidence_db import raw_connection
from tests.lti_platform import TOOL_URL, TestPlatform


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database migrated to head with the real migrations, private to this test run."""
    server = postgres_server_url()
    if server is None:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        migrate(url)
        yield url
        return
    pg = create_postgres_database(server)
    url = pg.render_as_string(hide_password=False)
    migrate(url)
    yield url
    drop_postgres_database(pg)


@pytest.fixture(scope="session")
def dialect(database_url: str) -> str:
    return "postgresql" if database_url.startswith("postgresql") else "sqlite"


def _empty_tables(url: str) -> None:
    tables = list(reversed(Base.metadata.sorted_tables))
    with raw_connection(url) as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(t.name for t in tables)
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(table.delete())


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator:
    """Build an app on the test database; extra settings override the defaults."""
    apps: list[Flask] = []

    def _make(**settings: object) -> Flask:
        config: dict[str, object] = {
            "TESTING": True,
            "ALLOW_HTTP_PLATFORMS": True,  # the fake platforms listen on plain loopback http
            "DATABASE_URL": database_url,
            "BASE_URL": TOOL_URL,
            "SECRET_KEY": "test-secret-key",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "TOOL_MODE": "production",
            "REDIS_URL": "",
        }
        config.update(settings)
        app = create_app(config)
        apps.append(app)
        return app

    yield _make
    for app in apps:
        app.extensions["db_engine"].dispose()
    _empty_tables(database_url)


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def platform(app: Flask) -> TestPlatform:
    """A registered LTI platform (inline keys) for 'Test School'."""
    p = TestPlatform()
    p.register(app)
    return p


@pytest.fixture(scope="session")
def redis_url() -> str | None:
    """A reachable Redis (TEST_REDIS_URL or the local default), else None."""
    import redis

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception:
        return None
    return url
