"""Launch state shared by every worker: single-use nonces in the database and in Redis."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from lms_plugin.lti.launch_store import DatabaseLaunchStore, RedisLaunchStore


@pytest.fixture(params=["database", "redis"])
def store(request, app, redis_url):
    if request.param == "database":
        return DatabaseLaunchStore(app.extensions["db_sessionmaker"])
    if redis_url is None:
        pytest.skip("no Redis server reachable")
    return RedisLaunchStore(redis.Redis.from_url(redis_url), namespace=f"t{uuid.uuid4().hex}:")


def test_values_round_trip(store):
    store.set_value("state-1", {"login": {"iss": "x"}}, 60)
    assert store.get_value("state-1") == {"login": {"iss": "x"}}
    assert store.get_value("absent") is None


def test_nonce_can_be_used_once(store):
    store.set_value("lti1p3-nonce-abc", True, 60)
    assert store.check_value("lti1p3-nonce-abc") is True
    assert store.check_value("lti1p3-nonce-abc") is False


def test_expired_database_values_are_ignored_and_purged(app):
    from lms_plugin import db
    from lms_plugin.lti.launch_store import purge_expired

    store = DatabaseLaunchStore(app.extensions["db_sessionmaker"])
    store.set_value("lti1p3-nonce-old", True, -1)
    assert store.get_value("lti1p3-nonce-old") is None
    assert store.check_value("lti1p3-nonce-old") is False
    store.set_value("lti1p3-nonce-old", True, -1)
    with app.app_context():
        assert purge_expired(db.session()) == 1


def test_racing_workers_spend_a_nonce_once(store):
    store.set_value("lti1p3-nonce-race", True, 60)
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(lambda _: store.check_value("lti1p3-nonce-race"), range(16)))
    assert results.count(True) == 1


def test_launch_with_redis_refuses_replay(make_app, redis_url):
    if redis_url is None:
        pytest.skip("no Redis server reachable")
    from tests.lti_platform import TestPlatform

    app = make_app(REDIS_URL=redis_url)
    assert "redis" in app.extensions
    platform = TestPlatform()
    platform.register(app)
    client = app.test_client()
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    data = {"id_token": token, "state": login.state}
    assert client.post(login.redirect_uri, data=data).status_code == 302
    assert client.post(login.redirect_uri, data=data).status_code == 400
