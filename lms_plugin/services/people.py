"""Queries about the people of one organisation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms_plugin.models import Person
from lms_plugin.services import evidence


def people_in_organisation(db: Session, organisation_id: int) -> Sequence[Person]:
    """Everyone who has launched the tool in this organisation, by name."""
    return db.scalars(
        select(Person).where(Person.organisation_id == organisation_id).order_by(Person.name)
    ).all()


def update_profile(db: Session, key: bytes, person: Person, by: Person,
                   works_with_children: bool, roles: list[str]) -> None:
    """Set who the person is for training purposes, and record who changed it in the chain."""
    roles = sorted(set(roles))
    if (person.works_with_children, sorted(person.safeguarding_roles)) == (
        works_with_children, roles
    ):
        return
    person.works_with_children = works_with_children
    person.safeguarding_roles = roles
    db.flush()
    evidence.append(
        db, key, person.organisation_id,
        evidence.NewEvidence(
            kind="profile_change",
            person_id=person.id,
            recorded_by_id=by.id,
            data={"works_with_children": works_with_children, "safeguarding_roles": roles},
        ),
    )
