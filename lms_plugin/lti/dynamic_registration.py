"""LTI Dynamic Registration (the flow Moodle 4.x and Canvas use) and Canvas's JSON config."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from sqlalchemy.orm import Session

from lms_plugin.config import Settings
from lms_plugin.services.platforms import PlatformDetails, register_platform

TOOL_NAME = "Safeguarding training"
TOOL_DESCRIPTION = (
    "KCSIE reading, signed acknowledgements, quizzes and compliance records for school staff."
)
TOOL_CONFIG_CLAIM = "https://purl.imsglobal.org/spec/lti-tool-configuration"
PLATFORM_CONFIG_CLAIM = "https://purl.imsglobal.org/spec/lti-platform-configuration"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
    "https://purl.imsglobal.org/spec/lti-ags/scope/result.readonly",
    "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly",
]
REQUIRED_PLATFORM_FIELDS = (
    "issuer",
    "authorization_endpoint",
    "token_endpoint",
    "jwks_uri",
    "registration_endpoint",
)


class RegistrationError(Exception):
    """Dynamic registration could not go ahead; the message says why, in plain words."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class RegistrationResult:
    issuer: str
    client_id: str
    deployment_id: str | None
    organisation: str
    platform_name: str


def _check_url(url: str, what: str, allow_http: bool) -> None:
    parts = urlsplit(url)
    schemes = ("https", "http") if allow_http else ("https",)
    if parts.scheme not in schemes or not parts.netloc:
        raise RegistrationError(f"The platform's {what} must be an https URL, not {url!r}.")


def fetch_platform_configuration(
    url: str, http: requests.Session, allow_http: bool = False
) -> dict[str, Any]:
    """GET the platform's OpenID configuration and check it has what registration needs."""
    if not url:
        raise RegistrationError(
            "This address is for LTI Dynamic Registration and must be opened from the LMS "
            "(it needs the openid_configuration parameter)."
        )
    _check_url(url, "openid_configuration", allow_http)
    try:
        resp = http.get(url, timeout=10)
        resp.raise_for_status()
        config = resp.json()
    except (requests.RequestException, ValueError) as exc:
        raise RegistrationError(
            f"Could not read the platform's configuration from {url}: {exc}", 502
        ) from exc
    if not isinstance(config, dict):
        raise RegistrationError("The platform's configuration is not a JSON object.", 502)
    missing = [f for f in REQUIRED_PLATFORM_FIELDS if not config.get(f)]
    if missing:
        raise RegistrationError(
            "The platform's configuration lacks " + ", ".join(missing) + ".", 502
        )
    for field in REQUIRED_PLATFORM_FIELDS:
        _check_url(str(config[field]), field, allow_http)
    return config


def tool_registration_request(settings: Settings, platform: dict[str, Any]) -> dict[str, Any]:
    """The client registration the tool posts to the platform (IMS LTI DR 1.0, section 3.3)."""
    supported = platform.get("scopes_supported")
    scopes = [s for s in SCOPES if not supported or s in supported]
    launch_url = settings.url("/lti/launch")
    return {
        "application_type": "web",
        "response_types": ["id_token"],
        "grant_types": ["implicit", "client_credentials"],
        "initiate_login_uri": settings.url("/lti/login"),
        "redirect_uris": [launch_url],
        "client_name": TOOL_NAME,
        "jwks_uri": settings.url("/.well-known/jwks.json"),
        "token_endpoint_auth_method": "private_key_jwt",
        "scope": " ".join(scopes),
        TOOL_CONFIG_CLAIM: {
            "domain": urlsplit(settings.base_url).netloc,
            "description": TOOL_DESCRIPTION,
            "target_link_uri": launch_url,
            "claims": ["iss", "sub", "name", "given_name", "family_name", "email"],
            "messages": [
                {"type": "LtiResourceLinkRequest", "target_link_uri": launch_url},
                {
                    "type": "LtiDeepLinkingRequest",
                    "target_link_uri": launch_url,
                    "label": TOOL_NAME,
                },
            ],
        },
    }


def register(
    db: Session,
    settings: Settings,
    platform: dict[str, Any],
    registration_token: str,
    organisation_name: str,
    http: requests.Session,
) -> RegistrationResult:
    """Post the tool's registration to the platform, then store platform and deployment."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if registration_token:
        headers["Authorization"] = f"Bearer {registration_token}"
    try:
        resp = http.post(
            platform["registration_endpoint"],
            json=tool_registration_request(settings, platform),
            headers=headers,
            timeout=15,
        )
    except requests.RequestException as exc:
        raise RegistrationError(f"Could not reach the platform to register: {exc}", 502) from exc
    if not resp.ok:
        raise RegistrationError(
            f"The platform refused the registration (HTTP {resp.status_code}). "
            "Start the registration again from the LMS: its registration token may have expired.",
            502,
        )
    try:
        answer = resp.json()
        client_id = str(answer["client_id"])
    except (ValueError, KeyError, TypeError) as exc:
        raise RegistrationError("The platform's answer had no client_id.", 502) from exc
    tool_config = answer.get(TOOL_CONFIG_CLAIM) or {}
    deployment_id = tool_config.get("deployment_id")
    platform_name = (platform.get(PLATFORM_CONFIG_CLAIM) or {}).get("product_family_code", "")
    register_platform(
        db,
        PlatformDetails(
            issuer=platform["issuer"],
            client_id=client_id,
            auth_login_url=platform["authorization_endpoint"],
            auth_token_url=platform["token_endpoint"],
            key_set_url=platform["jwks_uri"],
            auth_audience=platform.get("authorization_server"),
            name=platform_name,
        ),
        deployment_ids=[str(deployment_id)] if deployment_id else [],
        organisation_name=organisation_name,
        new_organisation=True,
    )
    db.commit()
    return RegistrationResult(
        issuer=platform["issuer"],
        client_id=client_id,
        deployment_id=str(deployment_id) if deployment_id else None,
        organisation=organisation_name,
        platform_name=platform_name,
    )


def canvas_configuration(settings: Settings) -> dict[str, Any]:
    """Canvas developer-key JSON: placements for a course link and the module picker."""
    launch_url = settings.url("/lti/launch")
    placements = [
        {
            "placement": "link_selection",
            "message_type": "LtiDeepLinkingRequest",
            "target_link_uri": launch_url,
            "text": TOOL_NAME,
        },
        {
            "placement": "assignment_selection",
            "message_type": "LtiDeepLinkingRequest",
            "target_link_uri": launch_url,
            "text": TOOL_NAME,
        },
        {
            "placement": "course_navigation",
            "message_type": "LtiResourceLinkRequest",
            "target_link_uri": launch_url,
            "text": TOOL_NAME,
            "default": "disabled",
        },
    ]
    return {
        "title": TOOL_NAME,
        "description": TOOL_DESCRIPTION,
        "oidc_initiation_url": settings.url("/lti/login"),
        "target_link_uri": launch_url,
        "public_jwk_url": settings.url("/.well-known/jwks.json"),
        "scopes": SCOPES,
        "extensions": [
            {
                "domain": urlsplit(settings.base_url).hostname,
                "tool_id": "safeguarding-training",
                "platform": "canvas.instructure.com",
                "privacy_level": "public",
                "settings": {"text": TOOL_NAME, "placements": placements},
            }
        ],
        "custom_fields": {},
    }
