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


def http_session() -> requests.Session:
    """A requests session for calls to platforms (keys, registration, grades)."""
    factory = current_app.extensions.get("http_session_factory")
    session = factory() if factory else requests.Session()
    session.headers.setdefault("User-Agent", USER_AGENT)
    return session

