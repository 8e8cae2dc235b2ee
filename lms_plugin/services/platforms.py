"""Registering LMS platforms and their deployments against organisations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lms_plugin.models import Deployment, Organisation, Platform


class PlatformRegistrationError(ValueError):
    """The registration asked for contradicts what is already stored."""


@dataclass(frozen=True)
class PlatformDetails:
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str | None = None
    auth_audience: str | None = None
    name: str = ""
    key_set: dict | None = None


def slugify(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:80] or "organisation"


def create_organisation(db: Session, name: str) -> Organisation:
    """A new organisation with a unique slug derived from its name."""
    base = slugify(name)
    slug, n = base, 1
    while db.scalars(select(Organisation.id).where(Organisation.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    org = Organisation(name=name, slug=slug)
    db.add(org)
    db.flush()
    return org


def organisations_matching(db: Session, ref: str) -> list[Organisation]:
    """Organisations an operator's --org names: by slug, exact name or id."""
    clauses = [Organisation.slug == ref, Organisation.name == ref]
    if ref.isdigit():
        clauses.append(Organisation.id == int(ref))
    return list(db.scalars(select(Organisation).where(or_(*clauses))).all())


def organisation_named(db: Session, name: str) -> Organisation:
    """The organisation with exactly this name, created if there is none."""
    org = db.scalars(select(Organisation).where(Organisation.name == name)).first()
    return org or create_organisation(db, name)


def register_platform(
    db: Session,
    details: PlatformDetails,
    deployment_ids: Sequence[str],
    organisation_name: str,
    new_organisation: bool = False,
) -> Platform:
    """Create or update a platform and attach deployments to an organisation (no commit).

    Re-running with another deployment id adds it; an existing deployment is never moved to a
    different organisation, since that would hand one school's records to another.
    """
    platform = db.scalars(
        select(Platform).where(
            Platform.issuer == details.issuer, Platform.client_id == details.client_id
        )
    ).first()
    if platform is None:
        platform = Platform(issuer=details.issuer, client_id=details.client_id)
        db.add(platform)
    platform.auth_login_url = details.auth_login_url
    platform.auth_token_url = details.auth_token_url
    platform.key_set_url = details.key_set_url
    platform.key_set = details.key_set
    platform.auth_audience = details.auth_audience
    platform.name = details.name or platform.name or ""
    db.flush()
    if not deployment_ids:
        return platform
    org = (
        create_organisation(db, organisation_name)
        if new_organisation
        else organisation_named(db, organisation_name)
    )
    for dep_id in deployment_ids:
        existing = db.scalars(
            select(Deployment).where(
                Deployment.platform_id == platform.id, Deployment.deployment_id == dep_id
            )
        ).first()
        if existing is None:
            db.add(
                Deployment(platform_id=platform.id, deployment_id=dep_id, organisation_id=org.id)
            )
        elif existing.organisation_id != org.id:
            raise PlatformRegistrationError(
                f"Deployment {dep_id!r} already belongs to another organisation "
                f"({existing.organisation.name!r}); it cannot be moved."
            )
    db.flush()
    return platform
