"""Helpers for tests that tamper with evidence directly in the database, as an attacker would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, create_engine, text


@contextmanager
def raw_connection(url: str) -> Iterator[Connection]:
    """A connection with the append-only guard lifted (an admin with direct database access)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE evidence DISABLE TRIGGER USER"))
            try:
                yield conn
            finally:
                conn.execute(text("ALTER TABLE evidence ENABLE TRIGGER USER"))
        else:
            triggers = conn.execute(text(
                "SELECT name, sql FROM sqlite_master WHERE type='trigger' AND tbl_name='evidence'"
            )).all()
            for name, _sql in triggers:
                conn.execute(text(f"DROP TRIGGER {name}"))
            try:
                yield conn
            finally:
                for _name, sql in triggers:
                    conn.execute(text(sql))
    engine.dispose()
