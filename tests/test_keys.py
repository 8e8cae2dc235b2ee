"""The tool's keys (JWKS, rotation, retirement) and the platform's keys (cache, refetch)."""

from __future__ import annotations

from flask import Flask, jsonify

from lms_plugin.lti.keys import public_jwk
from tests.http_server import serve
from tests.lti_platform import (
    DEEP_LINKING_SETTINGS,
    TOOL_URL,
    TestPlatform,
    deep_link_jwt,
    pick_modules,
    rsa_key,
)


def test_jwks_publishes_a_generated_key_with_kid(client):
    keys = client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"]
    assert len(keys) == 1
    assert keys[0]["kid"] and keys[0]["kty"] == "RSA" and keys[0]["alg"] == "RS256"
    assert "d" not in keys[0]  # never the private part
    again = client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"]
    assert again == keys


def test_rotate_keeps_old_key_published_until_retired(app, client):
    runner = app.test_cli_runner()
    first = client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"][0]["kid"]
    result = runner.invoke(args=["lti", "rotate-key"])
    assert result.exit_code == 0, result.output
    kids = [k["kid"] for k in client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"]]
    assert len(kids) == 2 and first in kids
    new = kids[0]
    assert new != first
    result = runner.invoke(args=["lti", "retire-keys"])
    assert first in result.output
    kids = [k["kid"] for k in client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"]]
    assert kids == [new]


def test_deep_link_response_is_signed_with_the_current_key(app, client, platform):
    import jwt

    app.test_cli_runner().invoke(args=["lti", "rotate-key"])
    current = client.get(TOOL_URL + "/.well-known/jwks.json").json["keys"][0]
    picker = platform.launch(client, **DEEP_LINKING_SETTINGS)
    resp = pick_modules(client, picker, ["kcsie-2025-part-one"])
    assert jwt.get_unverified_header(deep_link_jwt(resp.text))["kid"] == current["kid"]


def test_platform_keys_are_fetched_cached_and_refetched_for_a_new_kid(app, client):
    served = {"keys": [public_jwk(rsa_key(7))]}
    fetches = []
    jwks_app = Flask("jwks")

    @jwks_app.get("/certs")
    def certs():
        fetches.append(1)
        return jsonify(served)

    with serve(jwks_app) as base:
        platform = TestPlatform(key_number=7)
        platform.register(app, key_set_url=base + "/certs")
        assert platform.launch(app.test_client()).status_code == 302
        assert platform.launch(app.test_client()).status_code == 302
        assert len(fetches) == 1  # cached
        # The platform rotates its key: the new kid is unknown, so the tool refetches.
        served["keys"] = [public_jwk(rsa_key(8)), public_jwk(rsa_key(7))]
        rotated = TestPlatform(key_number=8)
        assert rotated.launch(app.test_client()).status_code == 302
        assert len(fetches) == 2


def test_unreachable_platform_keys_give_a_clear_error(app, client):
    platform = TestPlatform()
    platform.register(app, key_set_url="http://127.0.0.1:9/certs")
    resp = platform.launch(client)
    assert resp.status_code == 502
    assert "<code>platform_keys_unavailable</code>" in resp.text
