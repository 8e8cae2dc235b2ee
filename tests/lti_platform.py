"""A test LTI 1.3 platform: real RSA keys, real signed id_tokens, and ways to spoil them."""

from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jwt
from cryptography.hazmat.primitives import serialization
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from lms_plugin import db
from lms_plugin.lti.keys import generate_rsa_pem, public_jwk
from lms_plugin.services.platforms import PlatformDetails, register_platform

TOOL_URL = "https://tool.example"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"
LEARNER = LIS + "membership#Learner"
INSTRUCTOR = LIS + "membership#Instructor"
ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"


@cache
def _public_jwk(pem: str) -> dict[str, Any]:
    return public_jwk(pem)


@cache
def _loaded(pem: str) -> Any:
    return serialization.load_pem_private_key(pem.encode(), password=None)


@cache
def rsa_key(n: int) -> str:
    """RSA keys are slow to make: tests share a few, by number."""
    return generate_rsa_pem()


@dataclass
class Login:
    response: TestResponse
    state: str
    nonce: str
    redirect_uri: str


class TestPlatform:
    """Plays an LMS: starts logins at the tool and posts signed launches back."""

    __test__ = False

    def __init__(
        self,
        issuer: str = "https://lms.school.example",
        client_id: str = "client-123",
        deployment_id: str = "deployment-1",
        organisation: str = "Test School",
        key_number: int = 0,
    ) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self.deployment_id = deployment_id
        self.organisation = organisation
        self.private_key = rsa_key(key_number)
        self.kid = _public_jwk(self.private_key)["kid"]

    def key_set(self) -> dict[str, Any]:
        return {"keys": [_public_jwk(self.private_key)]}

    def register(self, app: Flask, key_set_url: str | None = None) -> None:
        with app.app_context():
            register_platform(
                db.session(),
                PlatformDetails(
                    issuer=self.issuer,
                    client_id=self.client_id,
                    auth_login_url=self.issuer + "/mod/lti/auth.php",
                    auth_token_url=self.issuer + "/mod/lti/token.php",
                    key_set_url=key_set_url,
                    key_set=None if key_set_url else self.key_set(),
                ),
                deployment_ids=[self.deployment_id],
                organisation_name=self.organisation,
            )
            db.session().commit()

    def login(self, client: FlaskClient, **params: str) -> Login:
        data = {
            "iss": self.issuer,
            "login_hint": "user-1",
            "target_link_uri": TOOL_URL + "/lti/launch",
            "lti_message_hint": "resource-1",
            "client_id": self.client_id,
            "lti_deployment_id": self.deployment_id,
            **params,
        }
        resp = client.post(TOOL_URL + "/lti/login", data=data)
        assert resp.status_code == 302, resp.text
        query = {k: v[0] for k, v in parse_qs(urlsplit(resp.headers["Location"]).query).items()}
        return Login(resp, query["state"], query["nonce"], query["redirect_uri"])

    def claims(self, login_nonce: str, **overrides: Any) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "sub": "user-1",
            "iat": now,
            "exp": now + 60,
            "nonce": login_nonce,
            "name": "Alex Example",
            "given_name": "Alex",
            "family_name": "Example",
            "email": "alex@school.example",
            "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
            "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
            "https://purl.imsglobal.org/spec/lti/claim/deployment_id": self.deployment_id,
            "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": TOOL_URL + "/lti/launch",
            ROLES_CLAIM: [LEARNER],
            "https://purl.imsglobal.org/spec/lti/claim/resource_link": {"id": "resource-1"},
            "https://purl.imsglobal.org/spec/lti/claim/context": {
                "id": "course-1",
                "title": "Staff safeguarding",
            },
            "jti": uuid.uuid4().hex,
        }
        claims.update(overrides)
        return {k: v for k, v in claims.items() if v is not None}

    def sign(
        self,
        claims: dict[str, Any],
        private_key: str | None = None,
        headers: dict[str, Any] | None = None,
    ) -> str:
        key = private_key or self.private_key
        return jwt.encode(
            claims, _loaded(key), algorithm="RS256",
            headers=headers or {"kid": _public_jwk(key)["kid"]},
        )

    def launch(
        self,
        client: FlaskClient,
        token: str | None = None,
        **claim_overrides: Any,
    ) -> TestResponse:
        """A full login and launch; `token` replaces the id_token the platform would sign."""
        login = self.login(client)
        id_token = token or self.sign(self.claims(login.nonce, **claim_overrides))
        return client.post(login.redirect_uri, data={"id_token": id_token, "state": login.state})

    def launch_and_follow(self, client: FlaskClient, **claim_overrides: Any) -> TestResponse:
        """Launch and follow redirects to the page the person lands on."""
        resp = self.launch(client, **claim_overrides)
        assert resp.status_code == 302, resp.text
        return client.get(TOOL_URL + resp.headers["Location"], follow_redirects=True)

    def coordinator(self, app: Flask, sub: str = "coord-1") -> FlaskClient:
        """A browser session of an LMS instructor, who is the school's coordinator."""
        client = app.test_client()
        self.launch_and_follow(client, sub=sub, name="Cora Ordinator",
                               **{ROLES_CLAIM: [INSTRUCTOR]})
        return client


DEEP_LINKING_SETTINGS = {
    "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiDeepLinkingRequest",
    ROLES_CLAIM: [INSTRUCTOR],
    "https://purl.imsglobal.org/spec/lti/claim/resource_link": None,
    "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": {
        "deep_link_return_url": "https://lms.school.example/deeplink/return",
        "accept_types": ["ltiResourceLink"],
        "accept_presentation_document_targets": ["iframe", "window"],
    },
}


def csrf_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


def pick_modules(client: FlaskClient, picker: TestResponse, keys: list[str]) -> TestResponse:
    """Tick modules in the deep-linking picker and submit it."""
    assert picker.status_code == 200, picker.text
    return client.post(
        TOOL_URL + "/lti/deep-link",
        data={"csrf_token": csrf_token(picker.text), "module": keys},
    )


def deep_link_jwt(html: str) -> str:
    """The JWT in the auto-submitting form the tool returns to the platform."""
    return re.search(r'name="JWT" value="([^"]+)"', html)[1]
