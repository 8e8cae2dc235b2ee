"""LTI launch state shared by every worker (database or Redis), with single-use nonces.

pylti1.3 keeps state in the Flask session or a per-process cache by default; neither is safe
with several workers, and neither refuses a replayed nonce. These stores fix both.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import redis
from pylti1p3.launch_data_storage.base import LaunchDataStorage
from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from lms_plugin.models import LtiStateEntry, utcnow

# Values live this long unless pylti1.3 asks otherwise: long enough for a deep-linking picker.
DEFAULT_LIFETIME = 3 * 3600


class _SharedStore(LaunchDataStorage[Any]):
    """Keys are global, not per-browser-session: the state cookie already binds the browser."""

    def get_session_cookie_name(self) -> str | None:
        return None

    def can_set_keys_expiration(self) -> bool:
        return True


class DatabaseLaunchStore(_SharedStore):
    """Launch state in the `lti_state` table; works the same on SQLite and PostgreSQL.

    Each operation runs in its own short transaction, committed at once, so the next request
    (perhaps in another worker) sees it and the request's own unit of work is left alone.
    """

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        super().__init__()
        self._sessions = sessions

    def get_value(self, key: str) -> Any:
        key = self._prepare_key(key)
        with self._sessions() as db:
            row = db.scalars(
                select(LtiStateEntry).where(
                    LtiStateEntry.key == key, LtiStateEntry.expires_at > utcnow()
                )
            ).first()
        return json.loads(row.value) if row else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        key = self._prepare_key(key)
        expires_at = utcnow() + timedelta(seconds=exp or DEFAULT_LIFETIME)
        with self._sessions.begin() as db:
            db.execute(delete(LtiStateEntry).where(LtiStateEntry.key == key))
            db.add(LtiStateEntry(key=key, value=json.dumps(value), expires_at=expires_at))

    def check_value(self, key: str) -> bool:
        # Only nonces are checked this way: consuming the row makes each nonce single-use,
        # and the DELETE's row count is atomic even when two workers race.
        key = self._prepare_key(key)
        with self._sessions.begin() as db:
            result = db.execute(
                delete(LtiStateEntry).where(
                    LtiStateEntry.key == key, LtiStateEntry.expires_at > utcnow()
                )
            )
        return result.rowcount == 1  # type: ignore[attr-defined]


class RedisLaunchStore(_SharedStore):
    """Launch state in Redis, for deployments that run one."""

    def __init__(self, client: redis.Redis, namespace: str = "sgt:") -> None:
        super().__init__()
        self._redis = client
        self._ns = namespace

    def get_value(self, key: str) -> Any:
        raw = self._redis.get(self._ns + self._prepare_key(key))
        return json.loads(raw) if raw is not None else None

    def set_value(self, key: str, value: Any, exp: int | None = None) -> None:
        self._redis.set(
            self._ns + self._prepare_key(key), json.dumps(value), ex=exp or DEFAULT_LIFETIME
        )

    def check_value(self, key: str) -> bool:
        return self._redis.delete(self._ns + self._prepare_key(key)) == 1


def purge_expired(db: Session) -> int:
    """Delete expired launch state rows; returns how many went."""
    result = db.execute(delete(LtiStateEntry).where(LtiStateEntry.expires_at <= utcnow()))
    db.commit()
    return result.rowcount  # type: ignore[attr-defined]
