"""Every refused launch: a clear page with a 4xx, the token kept out of the logs, nothing made."""

from __future__ import annotations

import logging
import time

import jwt
import pytest
from sqlalchemy import func, select

from lms_plugin import db
from lms_plugin.models import Person
from tests.lti_platform import TOOL_URL, TestPlatform, rsa_key

MESSAGE_TYPE = "https://purl.imsglobal.org/spec/lti/claim/message_type"


def people_count(app) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Person))


def assert_refused(app, resp, status: int, code: str, caplog, token: str | None = None) -> None:
    assert resp.status_code == status, resp.text
    assert f"<code>{code}</code>" in resp.text
    assert "Traceback" not in resp.text
    assert people_count(app) == 0
    if token:
        assert token not in caplog.text
        assert token.split(".")[1] not in caplog.text
    assert f"LTI launch refused at /lti/launch: {code}" in caplog.text or code in (
        "unknown_platform",
        "missing_login_params",
    )


@pytest.fixture(autouse=True)
def _capture_logs(caplog):
    caplog.set_level(logging.INFO)


def signed_launch(platform, client, *, private_key=None, headers=None, **claims):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce, **claims), private_key, headers)
    return token, client.post(login.redirect_uri, data={"id_token": token, "state": login.state})


def test_bad_signature(app, client, platform, caplog):
    login = platform.login(client)
    header, body, signature = platform.sign(platform.claims(login.nonce)).split(".")
    forged_body = jwt.utils.base64url_encode(
        jwt.utils.base64url_decode(body).replace(b"Alex Example", b"Eve Example")
    ).decode()
    token = f"{header}.{forged_body}.{signature}"
    resp = client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert_refused(app, resp, 403, "bad_signature", caplog, token)


def test_token_signed_by_another_key_with_the_platforms_kid(app, client, platform, caplog):
    token, resp = signed_launch(
        platform, client, private_key=rsa_key(5), headers={"kid": platform.kid}
    )
    assert_refused(app, resp, 403, "bad_signature", caplog, token)


def test_unknown_kid(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, private_key=rsa_key(6))
    assert_refused(app, resp, 403, "unknown_key", caplog, token)


def test_wrong_audience(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, aud="some-other-tool")
    assert_refused(app, resp, 403, "wrong_audience", caplog, token)


def test_several_audiences_without_azp(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, aud=[platform.client_id, "another"])
    assert_refused(app, resp, 403, "wrong_audience", caplog, token)


def test_expired_token(app, client, platform, caplog):
    past = int(time.time()) - 600
    token, resp = signed_launch(platform, client, iat=past - 60, exp=past)
    assert_refused(app, resp, 400, "expired_token", caplog, token)


def test_token_without_expiry(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, exp=None)
    assert_refused(app, resp, 400, "invalid_message", caplog, token)


def test_missing_nonce(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, nonce=None)
    assert_refused(app, resp, 400, "missing_nonce", caplog, token)


def test_nonce_the_tool_never_issued(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, nonce="made-up-nonce")
    assert_refused(app, resp, 400, "nonce_reused", caplog, token)


def test_replayed_launch_is_refused(app, client, platform, caplog):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    first = client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert first.status_code == 302
    before = people_count(app)
    replay = client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert replay.status_code == 400
    assert "<code>nonce_reused</code>" in replay.text
    assert people_count(app) == before


def test_replay_from_another_browser_is_refused(app, client, platform, caplog):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    assert client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    attacker = app.test_client()
    resp = attacker.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert resp.status_code == 400
    assert "<code>nonce_reused</code>" in resp.text


def test_state_mismatch(app, client, platform, caplog):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    resp = client.post(login.redirect_uri, data={"id_token": token, "state": "state-forged"})
    assert_refused(app, resp, 400, "state_mismatch", caplog, token)


def test_missing_state(app, client, platform, caplog):
    login = platform.login(client)
    token = platform.sign(platform.claims(login.nonce))
    resp = client.post(login.redirect_uri, data={"id_token": token})
    assert_refused(app, resp, 400, "state_mismatch", caplog, token)


def test_unknown_issuer_at_login(app, client, platform, caplog):
    resp = client.post(
        TOOL_URL + "/lti/login",
        data={"iss": "https://evil.example", "login_hint": "x", "client_id": "client-123",
              "target_link_uri": TOOL_URL + "/lti/launch"},
    )
    assert_refused(app, resp, 403, "unknown_platform", caplog)


def test_unknown_client_id_at_login(app, client, platform, caplog):
    resp = client.post(
        TOOL_URL + "/lti/login",
        data={"iss": platform.issuer, "login_hint": "x", "client_id": "not-ours",
              "target_link_uri": TOOL_URL + "/lti/launch"},
    )
    assert_refused(app, resp, 403, "unknown_platform", caplog)


def test_login_without_issuer(app, client, platform, caplog):
    resp = client.get(TOOL_URL + "/lti/login")
    assert_refused(app, resp, 400, "missing_login_params", caplog)


def test_unknown_issuer_at_launch(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, iss="https://evil.example")
    assert_refused(app, resp, 403, "unknown_platform", caplog, token)


def test_unknown_deployment(app, client, platform, caplog):
    token, resp = signed_launch(
        platform, client,
        **{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "not-registered"},
    )
    assert_refused(app, resp, 403, "unknown_deployment", caplog, token)


def test_deployment_of_another_platform_is_unknown_here(app, client, platform, caplog):
    other = TestPlatform(issuer="https://other.example", deployment_id="other-dep",
                         organisation="Other School")
    other.register(app)
    token, resp = signed_launch(
        platform, client,
        **{"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "other-dep"},
    )
    assert_refused(app, resp, 403, "unknown_deployment", caplog, token)


@pytest.mark.parametrize(
    "claim",
    [
        "sub",
        "https://purl.imsglobal.org/spec/lti/claim/roles",
        "https://purl.imsglobal.org/spec/lti/claim/resource_link",
        "https://purl.imsglobal.org/spec/lti/claim/version",
    ],
)
def test_missing_required_claim(app, client, platform, caplog, claim):
    token, resp = signed_launch(platform, client, **{claim: None})
    assert_refused(app, resp, 400, "invalid_message", caplog, token)


def test_wrong_message_type(app, client, platform, caplog):
    token, resp = signed_launch(platform, client, **{MESSAGE_TYPE: "LtiSomethingElse"})
    assert_refused(app, resp, 400, "invalid_message", caplog, token)


def test_alg_none(app, client, platform, caplog):
    login = platform.login(client)
    token = jwt.encode(
        platform.claims(login.nonce), None, algorithm="none", headers={"kid": platform.kid}
    )
    resp = client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert_refused(app, resp, 400, "unsupported_algorithm", caplog, token)


def test_hs256_signed_with_public_key_is_refused(app, client, platform, caplog):
    # The classic key-confusion attack: HMAC "signed" with the platform's public key.
    login = platform.login(client)
    public = str(platform.key_set()["keys"][0])
    token = jwt.encode(platform.claims(login.nonce), public, algorithm="HS256",
                       headers={"kid": platform.kid})
    resp = client.post(login.redirect_uri, data={"id_token": token, "state": login.state})
    assert_refused(app, resp, 400, "unsupported_algorithm", caplog, token)


def test_missing_id_token(app, client, platform, caplog):
    login = platform.login(client)
    resp = client.post(login.redirect_uri, data={"state": login.state})
    assert_refused(app, resp, 400, "missing_id_token", caplog)


def test_garbage_id_token(app, client, platform, caplog):
    login = platform.login(client)
    resp = client.post(login.redirect_uri, data={"id_token": "not-a-jwt", "state": login.state})
    assert_refused(app, resp, 400, "invalid_token", caplog)


def test_forged_token_does_not_spend_the_nonce(app, client, platform, caplog):
    login = platform.login(client)
    forged = platform.sign(platform.claims(login.nonce), rsa_key(6))
    refused = client.post(login.redirect_uri, data={"id_token": forged, "state": login.state})
    assert refused.status_code == 403
    genuine = platform.sign(platform.claims(login.nonce))
    ok = client.post(login.redirect_uri, data={"id_token": genuine, "state": login.state})
    assert ok.status_code == 302
