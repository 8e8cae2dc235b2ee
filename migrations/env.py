"""Alembic environment: migrates whichever database DATABASE_URL names."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from lms_plugin.config import Settings, default_instance_path
from lms_plugin.db import make_engine
from lms_plugin.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        _run_sqlite(connection)
        return
    _configure(connection)
    with context.begin_transaction():
        context.run_migrations()


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def _run_sqlite(connection: Connection) -> None:
    """Migrate SQLite in one transaction, foreign keys off for table rebuilds, checked after.

    SQLite alters a column by rebuilding its table, and dropping a table that other rows point
    at fails while foreign keys are on: its documented procedure turns them off (outside any
    transaction) and checks every reference afterwards. The explicit BEGIN makes the DDL part
    of the transaction, so a failed migration leaves nothing half-built.
    """
    if connection.in_transaction():
        # Turning foreign keys off needs no transaction open, and committing one we did not
        # begin would commit the caller's work: refuse rather than do either silently.
        raise RuntimeError("Pass a SQLite connection with no transaction open to migrate.")
    connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    connection.commit()
    try:
        connection.exec_driver_sql("BEGIN")
        _configure(connection)
        context.run_migrations()
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"The migration left broken references: {broken[:5]}")
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")
        connection.commit()


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url") or Settings.from_env(
        default_instance_path()
    ).database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run_migrations_online()
