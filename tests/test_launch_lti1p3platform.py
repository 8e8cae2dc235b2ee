"""Launches from an independent LTI 1.3 platform implementation (PyPI `lti1p3platform`).

The platform publishes its keys over real HTTP; the tool fetches them as it would from Moodle.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask, jsonify
from lti1p3platform.ltiplatform import LTI1P3PlatformConfAbstract
from lti1p3platform.message_launch import LTIAdvantageMessageLaunchAbstract
from lti1p3platform.oidc_login import OIDCLoginAbstract
from lti1p3platform.registration import Registration

from lms_plugin.lti.keys import public_jwk, public_pem
from tests.http_server import serve
from tests.lti_platform import TOOL_URL, TestPlatform, deep_link_jwt, pick_modules, rsa_key

ISSUER = "https://moodle.independent.example"
CLIENT_ID = "independent-client"
DEPLOYMENT_ID = "independent-deployment"


class PlatformConf(LTI1P3PlatformConfAbstract):
    def init_platform_config(self, **kwargs: Any) -> None:
        self.private_key = kwargs["private_key"]

    def get_registration_by_params(self, **kwargs: Any) -> Registration:
        return (
            Registration()
            .set_iss(ISSUER)
            .set_client_id(CLIENT_ID)
            .set_deployment_id(DEPLOYMENT_ID)
            .set_oidc_login_url(TOOL_URL + "/lti/login")
            .set_launch_url(TOOL_URL + "/lti/launch")
            .set_deeplink_launch_url(TOOL_URL + "/lti/launch")
            .set_platform_private_key(self.private_key)
            .set_platform_public_key(public_pem(public_jwk(self.private_key)))
            .set_tool_key_set_url(TOOL_URL + "/.well-known/jwks.json")
        )


class Login(OIDCLoginAbstract):
    def set_lti_message_hint(self, **kwargs: Any) -> None:
        self._lti_message_hint = kwargs["hint"]

    def get_redirect(self, url: str) -> str:
        return url


class Launch(LTIAdvantageMessageLaunchAbstract):
    def __init__(self, preflight: dict[str, str], conf: PlatformConf) -> None:
        super().__init__(None, conf)  # type: ignore[arg-type]
        self._preflight = preflight

    def get_preflight_response(self) -> dict[str, Any]:
        return self._preflight

    def render_launch_form(self, launch_data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return launch_data


@pytest.fixture
def independent_platform(app):
    """The independent platform, its JWKS served over HTTP and registered with the tool."""
    conf = PlatformConf(private_key=rsa_key(3))
    jwks_app = Flask("platform-jwks")
    jwks_app.add_url_rule("/jwks", "jwks", lambda: jsonify(conf.get_jwks()))
    conf.get_registration()
    with serve(jwks_app) as base:
        TestPlatform(
            issuer=ISSUER,
            client_id=CLIENT_ID,
            deployment_id=DEPLOYMENT_ID,
            organisation="Independent Academy",
            key_number=3,
        ).register(app, key_set_url=base + "/jwks")
        yield conf


def run_launch(client, conf: PlatformConf, launch_setup) -> Any:
    """Login initiation from the platform, the tool's auth redirect, then the signed launch."""
    login = Login(None, conf)
    login.set_lti_message_hint(hint="resource-42")
    preflight_url = login.initiate_login("teacher-7")
    tool_login = client.get(preflight_url)
    assert tool_login.status_code == 302, tool_login.text
    auth_params = {
        k: v[0] for k, v in parse_qs(urlsplit(tool_login.headers["Location"]).query).items()
    }
    launch = Launch(auth_params, conf)
    launch_setup(launch)
    form = launch.lti_launch()
    return client.post(form["launch_url"], data={"id_token": form["id_token"],
                                                 "state": form["state"]})


def test_independent_platform_launch_reaches_staff_page(app, client, independent_platform):
    def setup(launch: Launch) -> None:
        launch.set_user_data(
            "teacher-7",
            ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
            full_name="Priya Independent",
            email_address="priya@independent.example",
        )
        launch.set_resource_link_claim("resource-42", title="Safeguarding training")
        launch.set_launch_context_claim("course-9", context_title="Staff CPD")

    resp = run_launch(client, independent_platform, setup)
    assert resp.status_code == 302, resp.text
    page = client.get(TOOL_URL + resp.headers["Location"], follow_redirects=True)
    assert page.status_code == 200
    assert "Hello, Priya Independent" in page.text
    assert "Independent Academy" in page.text


def test_independent_platform_deep_linking_response_verifies(app, client, independent_platform):
    def setup(launch: Launch) -> None:
        launch.set_user_data(
            "teacher-7",
            ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
            full_name="Priya Independent",
        )
        launch.set_dl("https://moodle.independent.example/deeplink", title="Pick")

    picker = run_launch(client, independent_platform, setup)
    resp = pick_modules(client, picker, ["kcsie-2025-annex-a"])
    assert resp.status_code == 200, resp.text
    jwt_value = deep_link_jwt(resp.text)
    # The platform checks the tool's signature against the tool's published JWKS.
    independent_platform.get_registration().set_tool_key_set(
        client.get(TOOL_URL + "/.well-known/jwks.json").json
    )
    items = independent_platform.validate_deeplinking_resp({"JWT": jwt_value})
    assert items[0]["type"] == "ltiResourceLink"
    assert items[0]["url"] == TOOL_URL + "/lti/launch"
    assert items[0]["custom"] == {"module": "kcsie-2025-annex-a"}
