"""Who launched: find or create the person behind an LTI launch and keep their details fresh."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms_plugin.lti.roles import tool_role
from lms_plugin.models import Deployment, Person, utcnow

ROLES_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/roles"


def _clip(value: Any, length: int) -> str | None:
    return str(value).strip()[:length] or None if value else None


def record_launch(db: Session, deployment: Deployment, claims: Mapping[str, Any]) -> Person:
    """Find or create the person for a validated launch and update name, email and role."""
    subject = str(claims["sub"])
    lookup = select(Person).where(
        Person.organisation_id == deployment.organisation_id,
        Person.platform_id == deployment.platform_id,
        Person.subject == subject,
    )
    person = db.scalars(lookup).first()
    if person is None:
        person = Person(
            organisation_id=deployment.organisation_id,
            platform_id=deployment.platform_id,
            subject=subject,
        )
        try:
            with db.begin_nested():
                db.add(person)
        except IntegrityError:
            # A second tab launched at the same moment and created them first.
            person = db.scalars(lookup).one()
    roles = [str(r) for r in claims.get(ROLES_CLAIM) or []]
    # Platforms may withhold name or email (privacy settings): keep what we had, not blanks.
    given = _clip(claims.get("given_name"), 100)
    family = _clip(claims.get("family_name"), 100)
    name = _clip(claims.get("name"), 200) or " ".join(p for p in (given, family) if p)
    if name:
        person.name = name
    person.given_name = given or person.given_name
    person.family_name = family or person.family_name
    person.email = _clip(claims.get("email"), 254) or person.email
    person.lti_roles = roles
    person.tool_role = tool_role(roles)
    person.last_launch_at = utcnow()
    db.flush()
    return person
