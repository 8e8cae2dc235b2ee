"""The catalogue the app serves: shipped modules and question banks (or CONTENT_DIR/BANKS_DIR
when set, in tests), plus each organisation's own published documents."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import current_app, g

from courses.loader import MODULES_DIR, catalogue
from courses.model import ContentError, Module
from lms_plugin import db
from lms_plugin.models import SchoolContact
from lms_plugin.services.policies import module_key, school_modules
from lms_plugin.services.school_contacts import contacts_of
from quizzes.contact_questions import ContactFacts, contact_bank
from quizzes.loader import BANKS_DIR, check_banks
from quizzes.model import Bank


def modules_dir() -> Path:
    """Where this app's training modules live (CONTENT_DIR overrides the shipped ones)."""
    return Path(current_app.config.get("CONTENT_DIR") or MODULES_DIR)


def banks_dir() -> Path:
    """Where this app's question banks live (BANKS_DIR overrides the shipped ones)."""
    return Path(current_app.config.get("BANKS_DIR") or BANKS_DIR)


def modules() -> dict[str, Module]:
    """Every module by key, loaded once per process and folder."""
    return catalogue(modules_dir())


def banks() -> dict[str, Bank]:
    """Every question bank by module key, loaded once per process and folder."""
    return _banks(banks_dir(), tuple(modules()))


@cache
def _banks(root: Path, module_keys: tuple[str, ...]) -> dict[str, Bank]:
    found, problems = check_banks(module_keys, root)
    if problems:
        raise ContentError(problems)
    return {b.module: b for b in found}


def catalogue_for(organisation_id: int) -> dict[str, Module]:
    """What this organisation's staff can read: its own published documents, then KCSIE."""
    # Views ask several times per request (page, quiz, banks): build it once per request.
    memo = g.setdefault("catalogues", {})
    if organisation_id not in memo:
        own = {m.key: m for m in school_modules(db.session(), organisation_id)}
        memo[organisation_id] = {**own, **modules()}
    return memo[organisation_id]


def contacts_for(organisation_id: int) -> list[SchoolContact]:
    """The organisation's confirmed contacts, read once per request ("Who to tell" is on every
    page, and the policy's quiz is made from them)."""
    memo = g.setdefault("contacts", {})
    if organisation_id not in memo:
        memo[organisation_id] = contacts_of(db.session(), organisation_id)
    return memo[organisation_id]


def banks_for(organisation_id: int) -> dict[str, Bank]:
    """Question banks for the organisation's catalogue: KCSIE banks plus the questions made
    from its confirmed contacts, which join its safeguarding policy module."""
    found = dict(banks())
    key = module_key("safeguarding")
    if key in catalogue_for(organisation_id):
        facts = [ContactFacts(c.role_key, tuple(c.names)) for c in contacts_for(organisation_id)]
        bank = contact_bank(key, facts)
        if bank is not None:
            found[key] = bank
    return found
