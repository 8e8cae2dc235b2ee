"""Signed "read and understood" acknowledgements, kept in the evidence chain."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from courses.model import Module
from courses.policy_import.names import TITLES
from lms_plugin.models import EvidenceRecord, Person
from lms_plugin.services import evidence
from lms_plugin.timefmt import today_in_london

ACKNOWLEDGEMENT = "acknowledgement"
WITHDRAWAL = "withdrawal"
SELF = "self"
ON_BEHALF = "on_behalf"


class AcknowledgementError(ValueError):
    """The acknowledgement cannot be recorded as asked; the message says why."""


def declaration_for(module: Module) -> str:
    """What the person confirms by signing: the school's wording where it set one."""
    if module.declaration:
        return module.declaration
    return (
        f"I confirm that I have read and understood “{module.title}” ({module.edition}), "
        "and that I will follow it in my work."
    )


def _clean_name(typed_name: str) -> str:
    name = " ".join(typed_name.split())
    if len(name) < 2:
        raise AcknowledgementError("Type your full name to sign.")
    if len(name) > 200:
        raise AcknowledgementError("The name is too long (200 characters at most).")
    return name


# Letters NFKD does not take apart, folded to what people type on an English keyboard.
_FOLD = str.maketrans({"ł": "l", "ø": "o", "ı": "i", "æ": "ae", "œ": "oe", "ß": "ss",
                       "đ": "d", "ð": "d", "þ": "th", "ħ": "h"})


def _name_words(name: str) -> list[str]:
    """A name's words, case and accents folded, titles dropped; "O'Brien-Smith" gives
    "obriensmith", "obrien", "brien" and "smith" so either way of typing it matches."""
    folded = unicodedata.normalize("NFKD", name.casefold().translate(_FOLD))
    plain = "".join(c for c in folded if not unicodedata.combining(c))
    joined = re.sub(r"['’`-]", "", plain)
    return [w for text in (joined, plain) for w in re.findall(r"[^\W\d_]+", text)
            if w not in TITLES]


def could_be_own_name(typed: str, lms_name: str) -> bool:
    """Whether a typed signature could be the name the LMS gave: they share a whole word.

    Loose on purpose ("S Teacher", "Samantha Teacher-Jones" pass for Sam Teacher) so preferred
    and changed names sign. Anything goes when the LMS sent no full name (one word or an email
    address, as some privacy settings do) or either name is not in Latin letters.
    """
    known, words = _name_words(lms_name), _name_words(typed)
    comparable = "@" not in lms_name and len(lms_name.split()) >= 2 and all(
        w.isascii() for w in known + words)
    # Initials identify nobody: only whole words count as shared.
    return not comparable or bool({w for w in words if len(w) > 1} & set(known))


def _check_own_name(name: str, person: Person) -> None:
    # With no name from the LMS, display_name is the one word "Colleague": nothing to compare.
    if not could_be_own_name(name, person.display_name):
        raise AcknowledgementError(
            f"Type your own name. Your school's system knows you as {person.display_name}; "
            "if that is wrong, tell your safeguarding coordinator.")


def standing_acknowledgements(db: Session, organisation_id: int, *,
                              person_id: int | None = None, module_key: str | None = None
                              ) -> list[EvidenceRecord]:
    """Acknowledgements (any version) not withdrawn, newest first; narrowed to one person
    and/or one module when given."""
    query = select(EvidenceRecord).where(
        EvidenceRecord.organisation_id == organisation_id,
        EvidenceRecord.kind.in_((ACKNOWLEDGEMENT, WITHDRAWAL)),
    )
    if person_id is not None:
        query = query.where(EvidenceRecord.person_id == person_id)
    if module_key:
        query = query.where(EvidenceRecord.subject == module_key)
    rows = db.scalars(query.order_by(EvidenceRecord.seq.desc())).all()
    withdrawn = {r.data.get("withdraws") for r in rows if r.kind == WITHDRAWAL}
    return [r for r in rows if r.kind == ACKNOWLEDGEMENT and r.id not in withdrawn]


def acknowledgements_of(db: Session, person: Person, module_key: str | None = None
                        ) -> list[EvidenceRecord]:
    """Every acknowledgement the person has (any version), newest first, withdrawn excluded."""
    return standing_acknowledgements(db, person.organisation_id, person_id=person.id,
                                     module_key=module_key)


def current_acknowledgement(db: Session, person: Person, module: Module) -> EvidenceRecord | None:
    """The acknowledgement of exactly the current text of the module, if any."""
    return next(
        (a for a in acknowledgements_of(db, person, module.key)
         if a.subject_version == module.sha256),
        None,
    )


@dataclass(frozen=True)
class LaunchContext:
    platform_id: int | None = None
    deployment_id: str | None = None
    context_id: str | None = None
    context_title: str | None = None
    resource_link_id: str | None = None

    def as_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}


def acknowledge(
    db: Session,
    key: bytes,
    person: Person,
    module: Module,
    typed_name: str,
    launch: LaunchContext,
    *,
    recorded_by: Person | None = None,
    note: str = "",
    signed_on: date | None = None,
) -> EvidenceRecord:
    """Record that `person` read and understood this exact version of `module`.

    With `recorded_by`, a coordinator records a signature given elsewhere (on paper): a note
    saying so is required. A repeat of an acknowledgement already held returns the first one.
    """
    name = _clean_name(typed_name)
    if recorded_by is None:
        _check_own_name(name, person)
    capture = SELF
    # The name the LMS gave at signing, so a later rename does not rewrite old certificates;
    # kept with the erasable texts, like the signature.
    texts = {"typed_name": name, "account_name": person.display_name}
    if recorded_by is not None:
        if recorded_by.organisation_id != person.organisation_id:
            raise AcknowledgementError("You can only record acknowledgements in your school.")
        note = note.strip()
        if not note:
            raise AcknowledgementError("Add a note saying how and when they signed.")
        if signed_on and signed_on > today_in_london():
            raise AcknowledgementError("The date signed cannot be in the future.")
        capture = ON_BEHALF
        texts["note"] = note[:2000]
    data: dict[str, Any] = {
        "module_title": module.title,
        "edition": module.edition,
        "module_version": module.version,
        "content_sha256": module.sha256,
        "section_hashes": list(module.section_hashes),
        "declaration": declaration_for(module),
        "capture": capture,
        "launch": launch.as_data(),
    }
    if signed_on:
        data["signed_on"] = signed_on.isoformat()
    return evidence.append(
        db, key, person.organisation_id,
        evidence.NewEvidence(
            kind=ACKNOWLEDGEMENT,
            person_id=person.id,
            recorded_by_id=recorded_by.id if recorded_by else None,
            subject=module.key,
            subject_version=module.sha256,
            data=data,
            texts=texts,
        ),
        existing=lambda s: current_acknowledgement(s, person, module),
    )


def withdraw(db: Session, key: bytes, ack: EvidenceRecord, by: Person, reason: str
             ) -> EvidenceRecord:
    """Withdraw an acknowledgement (recorded in error): a new row; the original stays."""
    if by.organisation_id != ack.organisation_id or not by.is_coordinator:
        raise AcknowledgementError("Only a coordinator of the same school can withdraw it.")
    if not reason.strip():
        raise AcknowledgementError("Say why the acknowledgement is withdrawn.")
    return evidence.append(
        db, key, ack.organisation_id,
        evidence.NewEvidence(
            kind=WITHDRAWAL,
            person_id=ack.person_id,
            recorded_by_id=by.id,
            subject=ack.subject,
            subject_version=ack.subject_version,
            data={"withdraws": ack.id, "withdraws_seq": ack.seq},
            texts={"note": reason.strip()[:2000]},
        ),
    )
