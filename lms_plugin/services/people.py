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
