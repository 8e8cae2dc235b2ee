"""Per-app LTI plumbing: which launch store to use, the HTTP client for platform calls."""

from __future__ import annotations

from typing import Any

import requests
from flask import current_app
from pylti1p3.launch_data_storage.base import LaunchDataStorage

from lms_plugin.lti.launch_store import DatabaseLaunchStore, RedisLaunchStore

USER_AGENT = "safeguarding-lti/0.1"


def launch_store() -> LaunchDataStorage[Any]:
    """Redis when REDIS_URL is set, else the database: both shared by every worker."""
    client = current_app.extensions.get("redis")
    if client is not None:
        return RedisLaunchStore(client)
    return DatabaseLaunchStore(current_app.extensions["db_sessionmaker"])


class TimeoutSession(requests.Session):
    """pylti1.3 makes service calls without a timeout; a slow LMS must not hang a worker."""

    def __init__(self, timeout: float = 10.0) -> None:
        super().__init__()
        self.timeout = timeout
        self.headers["User-Agent"] = USER_AGENT

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        kwargs.setdefault("timeout", self.timeout)
        return super().request(*args, **kwargs)


def http_session() -> requests.Session:
    """A requests session for calls to platforms (keys, registration, grades)."""
    return TimeoutSession()

