"""Queries about the people of one organisation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.models import Person


def people_in_organisation(db: Session, organisation_id: int) -> Sequence[Person]:
    """Everyone who has launched the tool in this organisation, by name."""
    return db.scalars(
        select(Person).where(Person.organisation_id == organisation_id).order_by(Person.name)
    ).all()


def update_profile(db: Session, person: Person, works_with_children: bool,
                   roles: list[str]) -> None:
    """Set who the person is for training purposes (no commit)."""
    person.works_with_children = works_with_children
    person.safeguarding_roles = sorted(set(roles))
    db.flush()
