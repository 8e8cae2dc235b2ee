"""A small LTI 1.3 platform for trying the tool without an LMS (demo mode only).

It plays Moodle's part: starts the OIDC login at /lti/login, answers the tool's auth request
with an id_token signed by its own key, and posts it to /lti/launch. The tool validates it
with exactly the code that validates Moodle and Canvas launches.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jwt
from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.policy_import import import_policy
from lms_plugin.config import Settings
from lms_plugin.lti.keys import generate_rsa_pem, public_jwk
from lms_plugin.models import Organisation, Person, PolicyDraft
from lms_plugin.services.platforms import PlatformDetails, register_platform
from lms_plugin.services.policy_drafts import create_draft

CLIENT_ID = "demo-tool"
DEPLOYMENT_ID = "demo-deployment"
ORGANISATION = "Demo Primary School"
LIS = "http://purl.imsglobal.org/vocab/lis/v2/"


@dataclass(frozen=True)
class Persona:
    key: str
    name: str
    given_name: str
    family_name: str
    email: str
    roles: tuple[str, ...]
    description: str
    works_with_children: bool = True
    safeguarding_roles: tuple[str, ...] = ()


PERSONAS: dict[str, Persona] = {
    p.key: p
    for p in (
        Persona("staff", "Sam Teacher", "Sam", "Teacher", "sam.teacher@demo.example",
                (LIS + "membership#Learner",),
                "A class teacher: works directly with children."),
        Persona("dsl", "Dana Lead", "Dana", "Lead", "dana.lead@demo.example",
                (LIS + "membership#Learner",),
                "The designated safeguarding lead (DSL).", safeguarding_roles=("dsl",)),
        Persona("caretaker", "Kim Caretaker", "Kim", "Caretaker", "kim.caretaker@demo.example",
                (LIS + "membership#Learner",),
                "The site manager: does not work directly with children.",
                works_with_children=False),
        Persona("coordinator", "Chris Coordinator", "Chris", "Coordinator",
                "chris.coordinator@demo.example",
                (LIS + "membership#Instructor", LIS + "institution/person#Administrator"),
                "The safeguarding coordinator who keeps the training record."),
    )
}


def issuer(settings: Settings) -> str:
    return settings.url("/dev-platform")


def private_key(settings: Settings) -> str:
    """The demo platform's signing key, generated once under instance/."""
    path = Path(settings.instance_path) / "dev_platform_key.pem"
    if not path.exists():
        path.write_text(generate_rsa_pem())
        path.chmod(0o600)
    return path.read_text()


def register(db: Session, settings: Settings) -> None:
    """Register the demo platform, its deployment, the demo school and its people (idempotent).

    LMS launches do not say who is the DSL or who works with children; a coordinator sets that.
    The demo sets it up front so each persona sees the modules that person would.
    """
    platform = register_platform(
        db,
        PlatformDetails(
            issuer=issuer(settings),
            client_id=CLIENT_ID,
            auth_login_url=settings.url("/dev-platform/auth"),
            auth_token_url=settings.url("/dev-platform/token"),
            # Inline keys: a single-process server must not have to fetch its own JWKS.
            key_set={"keys": [public_jwk(private_key(settings))]},
            name="Demo platform",
        ),
        deployment_ids=[DEPLOYMENT_ID],
        organisation_name=ORGANISATION,
    )
    organisation_id = platform.deployments[0].organisation_id
    for persona in PERSONAS.values():
        subject = f"demo-{persona.key}"
        person = db.scalars(
            select(Person).where(Person.organisation_id == organisation_id,
                                 Person.platform_id == platform.id, Person.subject == subject)
        ).first()
        if person is None:
            person = Person(organisation_id=organisation_id, platform_id=platform.id,
                            subject=subject, name=persona.name, email=persona.email)
            db.add(person)
        person.works_with_children = persona.works_with_children
        person.safeguarding_roles = list(persona.safeguarding_roles)
    db.flush()


def login_initiation_params(settings: Settings, persona: Persona) -> dict[str, str]:
    """What a platform sends to the tool's /lti/login."""
    return {
        "iss": issuer(settings),
        "login_hint": persona.key,
        "target_link_uri": settings.url("/lti/launch"),
        "lti_message_hint": "demo-course",
        "client_id": CLIENT_ID,
        "lti_deployment_id": DEPLOYMENT_ID,
    }


class AuthRequestError(ValueError):
    """The tool's authentication request is not one this platform accepts."""


def id_token(settings: Settings, auth: dict[str, str]) -> str:
    """Answer the tool's OIDC auth request with a signed LtiResourceLinkRequest id_token."""
    if auth.get("client_id") != CLIENT_ID:
        raise AuthRequestError("unknown client_id")
    if auth.get("redirect_uri") != settings.url("/lti/launch"):
        raise AuthRequestError("redirect_uri is not the tool's registered launch URL")
    if auth.get("response_type") != "id_token" or auth.get("scope") != "openid":
        raise AuthRequestError("response_type must be id_token and scope openid")
    if not auth.get("nonce") or not auth.get("state"):
        raise AuthRequestError("nonce and state are required")
    persona = PERSONAS.get(auth.get("login_hint", ""))
    if persona is None:
        raise AuthRequestError("unknown login_hint")
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer(settings),
        "aud": CLIENT_ID,
        "azp": CLIENT_ID,
        "sub": f"demo-{persona.key}",
        "iat": now,
        "exp": now + 60,
        "nonce": auth["nonce"],
        "name": persona.name,
        "given_name": persona.given_name,
        "family_name": persona.family_name,
        "email": persona.email,
        "https://purl.imsglobal.org/spec/lti/claim/message_type": "LtiResourceLinkRequest",
        "https://purl.imsglobal.org/spec/lti/claim/version": "1.3.0",
        "https://purl.imsglobal.org/spec/lti/claim/deployment_id": DEPLOYMENT_ID,
        "https://purl.imsglobal.org/spec/lti/claim/target_link_uri": auth["redirect_uri"],
        "https://purl.imsglobal.org/spec/lti/claim/roles": list(persona.roles),
        "https://purl.imsglobal.org/spec/lti/claim/resource_link": {
            "id": "demo-resource-link",
            "title": "Safeguarding training",
        },
        "https://purl.imsglobal.org/spec/lti/claim/context": {
            "id": "demo-course",
            "label": "STAFF-SG",
            "title": "Staff safeguarding",
            "type": ["http://purl.imsglobal.org/vocab/lis/v2/course#CourseOffering"],
        },
        "https://purl.imsglobal.org/spec/lti/claim/tool_platform": {
            "guid": "demo-platform",
            "name": "Demo platform",
            "product_family_code": "demo",
        },
        "jti": uuid.uuid4().hex,
    }
    key = private_key(settings)
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": public_jwk(key)["kid"]})


DEMO_POLICY = Path(__file__).resolve().parent.parent / "tests" / "seeds" / (
    "st-stephens-junior-child-protection-policy.txt")


def add_demo_policy_draft(db: Session) -> bool:
    """Give the demo school a real policy to review, once; False if it has one already."""
    org_id = db.scalars(select(Organisation.id).where(Organisation.name == ORGANISATION)).one()
    if not DEMO_POLICY.is_file() or db.scalars(
            select(PolicyDraft.id).where(PolicyDraft.organisation_id == org_id)).first():
        return False
    imported = import_policy(DEMO_POLICY.name, DEMO_POLICY.read_bytes())
    create_draft(db, org_id, "safeguarding", imported, DEMO_POLICY.name)
    return True
