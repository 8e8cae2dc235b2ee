"""Key contacts a coordinator confirmed: "Who to tell" on every staff page, and the facts
behind the school-specific quiz questions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.policy_import.phones import normalise_phone
from courses.policy_import.roles import order, role_key
from lms_plugin.models import Person, SchoolContact, utcnow
from lms_plugin.services.policies import PolicyError

MAX_EMAIL = 254
# Linear: one @, no spaces, a dot in the domain.
EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def names_from_form(text: str) -> list[str]:
    """What a coordinator typed, 'Mrs L Cutts, Mrs S Heaney' or a name per line, as a list."""
    names = [" ".join(n.split()) for n in re.split(r"[,;\n]", text)]
    return [n for n in names if n]


def contacts_of(db: Session, organisation_id: int) -> list[SchoolContact]:
    """The organisation's confirmed contacts, DSL first."""
    rows = db.scalars(select(SchoolContact).where(
        SchoolContact.organisation_id == organisation_id).order_by(SchoolContact.id)).all()
    return sorted(rows, key=lambda c: order(c.role_key))


def _same_role(organisation_id: int, role: str, key: str | None) -> Any:
    return (SchoolContact.organisation_id == organisation_id,
            (SchoolContact.role_key == key) if key else (SchoolContact.role == role))


def contact_for_role(db: Session, organisation_id: int, role: str) -> SchoolContact | None:
    """The confirmed contact holding this role (DSL, LADO, ...), if there is one."""
    role = " ".join(role.split())
    return db.scalars(select(SchoolContact).where(
        *_same_role(organisation_id, role, role_key(role)))).first()


def confirm_contact(db: Session, organisation_id: int, by: Person | None, *, role: str,
                    names: Sequence[str], phone: str | None, email: str | None,
                    contact_id: int | None = None, replace: bool = True) -> SchoolContact:
    """Confirm (add or correct) a contact. There is one entry per role: confirming a role
    again replaces it, unless `replace` is False (adding by hand), which refuses instead."""
    role = " ".join(role.split())[:200]
    if not role:
        raise PolicyError("Say what the contact's role is, e.g. Designated safeguarding lead.")
    names = [" ".join(n.split())[:120] for n in names if n.strip()]
    phone_text = (phone or "").strip()
    email = (email or "").strip() or None
    if not (names or phone_text or email):
        raise PolicyError("Give at least a name, a phone number or an email address.")
    if email and (len(email) > MAX_EMAIL or not EMAIL.fullmatch(email)
                  or "." not in email.rsplit("@", 1)[-1]):
        raise PolicyError(f"“{email}” is not an email address.")
    normalised = normalise_phone(phone_text) if phone_text else None
    if phone_text and not normalised:
        raise PolicyError(f"“{phone_text}” is not a UK phone number.")
    key = role_key(role)
    if contact_id is not None:
        contact = db.get(SchoolContact, contact_id)
        if contact is None or contact.organisation_id != organisation_id:
            raise PolicyError("That contact is not in your school.")
    else:
        contact = contact_for_role(db, organisation_id, role)
        if contact is not None and not replace:
            raise PolicyError(f"There is already a contact for “{contact.role}”: change that "
                              "one instead, adding every name to it.")
    if contact is None:
        contact = SchoolContact(organisation_id=organisation_id)
        db.add(contact)
    contact.role, contact.role_key, contact.names = role[:200], key, names
    contact.phone, contact.email = normalised, email
    contact.confirmed_by_id = by.id if by else None
    contact.confirmed_at = utcnow()
    db.commit()
    return contact


def remove_contact(db: Session, organisation_id: int, contact_id: int) -> None:
    contact = db.get(SchoolContact, contact_id)
    if contact is None or contact.organisation_id != organisation_id:
        raise PolicyError("That contact is not in your school.")
    db.delete(contact)
    db.commit()
