"""Registering platforms: LTI Dynamic Registration, Canvas JSON, and the operator CLI."""

from __future__ import annotations

from flask import Flask, jsonify, request
from sqlalchemy import select

from lms_plugin import db
from lms_plugin.lti.keys import public_jwk
from lms_plugin.models import Deployment, Organisation, Platform
from tests.http_server import serve
from tests.lti_platform import TOOL_URL, TestPlatform, rsa_key


def fake_moodle(received: list[dict], *, refuse: bool = False) -> Flask:
    """A platform's registration side: OpenID configuration and registration endpoint."""
    app = Flask("fake-moodle")

    @app.get("/.well-known/openid-configuration")
    def openid_configuration():
        base = request.host_url.rstrip("/")
        return jsonify(
            {
                "issuer": base,
                "authorization_endpoint": base + "/mod/lti/auth.php",
                "token_endpoint": base + "/mod/lti/token.php",
                "jwks_uri": base + "/mod/lti/certs.php",
                "registration_endpoint": base + "/mod/lti/openid-registration.php",
                "scopes_supported": [
                    "openid",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
                    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
                ],
                "https://purl.imsglobal.org/spec/lti-platform-configuration": {
                    "product_family_code": "moodle",
                    "version": "4.5",
                },
            }
        )

    @app.post("/mod/lti/openid-registration.php")
    def register():
        if refuse:
            return jsonify({"error": "invalid token"}), 401
        received.append(
            {"auth": request.headers.get("Authorization"), "body": request.get_json()}
        )
        return jsonify(
            {
                "client_id": "dyn-client-1",
                "https://purl.imsglobal.org/spec/lti-tool-configuration": {
                    "deployment_id": "7"
                },
            }
        )

    @app.get("/mod/lti/certs.php")
    def certs():
        return jsonify({"keys": [public_jwk(rsa_key(9))]})

    return app


def test_dynamic_registration_stores_platform_and_then_launches(app, client):
    received: list[dict] = []
    with serve(fake_moodle(received)) as moodle:
        config_url = moodle + "/.well-known/openid-configuration"
        form = client.get(
            TOOL_URL + "/lti/register",
            query_string={"openid_configuration": config_url, "registration_token": "tok-123"},
        )
        assert form.status_code == 200
        assert moodle in form.text
        done = client.post(
            TOOL_URL + "/lti/register",
            data={
                "openid_configuration": config_url,
                "registration_token": "tok-123",
                "organisation": "St Example's Primary",
            },
        )
        assert done.status_code == 200, done.text
        assert "org.imsglobal.lti.close" in done.text
        [sent] = received
        assert sent["auth"] == "Bearer tok-123"
        body = sent["body"]
        assert body["initiate_login_uri"] == TOOL_URL + "/lti/login"
        assert body["redirect_uris"] == [TOOL_URL + "/lti/launch"]
        assert body["jwks_uri"] == TOOL_URL + "/.well-known/jwks.json"
        tool_config = body["https://purl.imsglobal.org/spec/lti-tool-configuration"]
        assert {"name", "email"} <= set(tool_config["claims"])
        assert {m["type"] for m in tool_config["messages"]} == {
            "LtiResourceLinkRequest",
            "LtiDeepLinkingRequest",
        }
        # Only scopes the platform said it supports are asked for.
        assert "contextmembership" not in body["scope"]

        with app.app_context():
            platform = db.session().scalars(select(Platform)).one()
            assert (platform.issuer, platform.client_id) == (moodle, "dyn-client-1")
            assert platform.key_set_url == moodle + "/mod/lti/certs.php"
            dep = db.session().scalars(select(Deployment)).one()
            assert dep.deployment_id == "7"
            assert dep.organisation.name == "St Example's Primary"

        # And a launch from the newly registered platform works, keys fetched from its URL.
        lms = TestPlatform(issuer=moodle, client_id="dyn-client-1", deployment_id="7",
                           key_number=9)
        page = lms.launch_and_follow(app.test_client())
        assert "Hello, Alex Example" in page.text
        assert "St Example&#39;s Primary" in page.text


def test_dynamic_registration_needs_an_organisation_name(app, client):
    with serve(fake_moodle([])) as moodle:
        resp = client.post(
            TOOL_URL + "/lti/register",
            data={"openid_configuration": moodle + "/.well-known/openid-configuration",
                  "registration_token": "t", "organisation": "   "},
        )
    assert resp.status_code == 400
    assert "Enter the name of the school" in resp.text
    with app.app_context():
        assert db.session().scalars(select(Platform)).first() is None


def test_dynamic_registration_refused_by_platform_stores_nothing(app, client):
    with serve(fake_moodle([], refuse=True)) as moodle:
        resp = client.post(
            TOOL_URL + "/lti/register",
            data={"openid_configuration": moodle + "/.well-known/openid-configuration",
                  "registration_token": "expired", "organisation": "A School"},
        )
    assert resp.status_code == 502
    assert "refused the registration" in resp.text
    with app.app_context():
        assert db.session().scalars(select(Platform)).first() is None
        assert db.session().scalars(select(Organisation)).first() is None


def test_register_without_openid_configuration_explains(client):
    resp = client.get(TOOL_URL + "/lti/register")
    assert resp.status_code == 400
    assert "must be opened from the LMS" in resp.text


def test_dynamic_registration_requires_https_in_production(make_app):
    prod = make_app(ALLOW_HTTP_PLATFORMS=False)
    resp = prod.test_client().get(
        TOOL_URL + "/lti/register",
        query_string={"openid_configuration": "http://lms.example/.well-known/openid"},
    )
    assert resp.status_code == 400
    assert "must be an https URL" in resp.text


def test_canvas_json_configuration(client):
    config = client.get(TOOL_URL + "/lti/canvas.json").json
    assert config["oidc_initiation_url"] == TOOL_URL + "/lti/login"
    assert config["target_link_uri"] == TOOL_URL + "/lti/launch"
    assert config["public_jwk_url"] == TOOL_URL + "/.well-known/jwks.json"
    [ext] = config["extensions"]
    assert ext["platform"] == "canvas.instructure.com"
    assert ext["privacy_level"] == "public"
    assert ext["domain"] == "tool.example"
    placements = {p["placement"]: p for p in ext["settings"]["placements"]}
    assert placements["link_selection"]["message_type"] == "LtiDeepLinkingRequest"
    assert placements["assignment_selection"]["message_type"] == "LtiDeepLinkingRequest"


CLI_ARGS = [
    "lti", "register-platform",
    "--issuer", "https://moodle.school.example",
    "--client-id", "abc123",
    "--auth-login-url", "https://moodle.school.example/mod/lti/auth.php",
    "--auth-token-url", "https://moodle.school.example/mod/lti/token.php",
    "--key-set-url", "https://moodle.school.example/mod/lti/certs.php",
]


def test_cli_registers_platform_and_adds_deployments(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=[*CLI_ARGS, "--deployment-id", "1", "--org", "Hill School"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=[*CLI_ARGS, "--deployment-id", "2", "--org", "Hill School"])
    assert second.exit_code == 0, second.output
    with app.app_context():
        platforms = db.session().scalars(select(Platform)).all()
        assert len(platforms) == 1
        deps = db.session().scalars(select(Deployment).order_by(Deployment.deployment_id)).all()
        assert [d.deployment_id for d in deps] == ["1", "2"]
        assert {d.organisation.name for d in deps} == {"Hill School"}


def test_cli_refuses_to_move_a_deployment_to_another_organisation(app):
    runner = app.test_cli_runner()
    runner.invoke(args=[*CLI_ARGS, "--deployment-id", "1", "--org", "Hill School"])
    moved = runner.invoke(args=[*CLI_ARGS, "--deployment-id", "1", "--org", "Other School"])
    assert moved.exit_code != 0
    assert "already belongs to another organisation" in moved.output
    with app.app_context():
        assert db.session().scalars(select(Organisation.name)).all() == ["Hill School"]


def test_cli_rejects_a_non_url(app):
    bad = [a if a != "https://moodle.school.example/mod/lti/certs.php" else "certs.php"
           for a in CLI_ARGS]
    result = app.test_cli_runner().invoke(args=[*bad, "--deployment-id", "1", "--org", "X"])
    assert result.exit_code == 2
    assert "--key-set-url" in result.output
    with app.app_context():
        assert db.session().scalars(select(Platform)).first() is None
