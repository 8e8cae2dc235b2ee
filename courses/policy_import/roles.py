"""The roles a safeguarding policy names, each with one label and a stable key.

The web side builds "Who to tell" and the quiz questions from the keys, so a key never
changes; labels are what a coordinator sees. A role not in this list keeps its own label and
has no key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

APOS = r"['’]?"


@dataclass(frozen=True)
class Role:
    key: str
    label: str
    pattern: str
    hints: tuple[str, ...]  # lower-case text every match contains: a cheap first test


# Order matters where one name contains another: "Deputy Designated Safeguarding Lead" first.
ROLES = (
    Role("deputy_dsl", "Deputy designated safeguarding lead",
         r"\bdeputy\s+(?:designated\s+(?:safeguarding\s+)?(?:lead|officer|person)s?(?:\s*\(s\))?"
         r"|DSL(?:s|['’]s)?\b|safeguarding\s+leads?\b)|\bDDSLs?\b|\balternate\s+DSLs?\b",
         ("deputy", "ddsl", "alternate")),
    Role("dsl", "Designated safeguarding lead",
         r"\b(?:senior\s+)?designated\s*(?:/\s*named\s+)?safeguarding\s+(?:lead|officer|person)s?"
         r"(?:\s*\(s\))?|\bDSL(?:s|['’]s)?\b|(?<!deputy )(?<!online )\bsafeguarding\s+leads?\b|"
         r"\bdesignated\s+person\s+for\s+"
         r"(?:safeguarding|child\s+protection)\b|\bchild\s+protection\s+(?:lead|officer)\b",
         ("dsl", "designat", "child protection", "safeguarding lead")),
    Role("headteacher", "Headteacher",
         r"(?<!deputy )(?<!assistant )(?<!deputy\xa0)\bhead\s?teachers?\b|"
         r"(?<!vice )(?<!vice-)(?<!assistant )(?<!deputy )\bprincipal\b(?!\s+"
         r"(?:aim|purpose|reason|role|duty))|(?<!deputy )(?<!assistant )\bhead\s+of\s+school\b|"
         r"\bexecutive\s+head\b",
         ("head", "principal")),
    Role("chair_of_governors", "Chair of governors",
         r"\bchair\s+of\s+(?:the\s+)?(?:governors|(?:local\s+)?governing\s+(?:body|board)|trustees|"
         r"(?:the\s+)?management\s+committee|the\s+board)\b",
         ("chair",)),
    Role("safeguarding_governor", "Safeguarding governor",
         r"\b(?:safeguarding|named|nominated|link)\s+(?:governor|trustee)s?"
         r"(?:\s+for\s+safeguarding)?\b|\b(?:governor|trustee)\s+(?:for|responsible\s+for)\s+"
         r"safeguarding\b",
         ("governor", "trustee")),
    Role("designated_teacher", "Designated teacher",
         r"\bdesignated\s+teachers?(?:\s+for\s+looked[- ]after\s+children)?\b",
         ("designated",)),
    Role("lado", "LADO",
         r"\bLADO\b|\b(?:local\s+authority|LA)\s+designated\s+officers?\b|"
         r"\bdesignated\s+officers?\b",
         ("lado", "designated")),
    Role("social_care", "Children's social care",
         rf"\bchildren{APOS}s?\s+social\s+(?:care|work\s+services?)\b|"
         rf"\bintegrated\s+children{APOS}s?\s+services?\b|\bfront\s+door(?:\s+service)?\b|"
         rf"\bfirst\s+response(?:\s+children{APOS}s?\s+duty\s+team)?\b|"
         rf"\bchildren{APOS}s?\s+(?:duty|referral|assessment)\s+team\b|\bMASH\b|"
         r"\bmulti[- ]agency\s+safeguarding\s+hub\b|\bsocial\s+care\s+(?:duty|referral)\s+team\b",
         ("social", "integrated", "front", "response", "team", "mash", "multi")),
    # 999 is never proposed as a contact's number, so a police number found is a non-emergency
    # one; the label says so, lest staff reach for 101 when a child is in immediate danger.
    Role("police", "Police (non-emergency)",
         r"(?<![\w.@/-])police\b(?!\s+officers?\b)(?![.@-]\w)", ("police",)),
    Role("nspcc_whistleblowing", "NSPCC whistleblowing helpline",
         rf"\bNSPCC{APOS}s?\s+(?:help\s*/\s*)?whistle[- ]?blowing(?:\s+(?:advice\s+)?"
         r"(?:help\s?)?line)?\b|\bwhistle[- ]?blowing\s+(?:advice\s+)?help\s?line\b",
         ("whistle",)),
    Role("dpo", "Data protection officer", r"\bdata\s+protection\s+officer\b|\bDPO\b",
         ("dpo", "protection")),
    Role("online_safety_lead", "Online safety lead",
         r"\b(?:online|e-?)\s*safety\s+(?:lead|co-?ordinator|officer)\b",
         ("safety",)),
    Role("prevent_lead", "Prevent lead",
         r"\bprevent\s+(?:lead|single\s+point\s+of\s+contact|SPOC)\b",
         ("prevent",)),
    Role("mental_health_lead", "Mental health lead", r"\b(?:senior\s+)?mental\s+health\s+lead\b",
         ("mental",)),
    Role("senco", "SENCO",
         r"\bSENCOs?\b|\bSENDCOs?\b|\bspecial\s+educational\s+needs\s+(?:and\s+disabilit(?:y|ies)"
         r"\s+)?co-?ordinator\b",
         ("senco", "sendco", "special")),
)
BY_KEY = {role.key: role for role in ROLES}
COMPILED = tuple((role, re.compile(role.pattern, re.I)) for role in ROLES)
# Words that make a short line or table cell a role even when it is not one we know.
GENERIC = re.compile(
    r"\b(?:head\s+of\s+\w+|lead|leads|officer|co-?ordinator|manager|governor|trustee|director|"
    r"principal|chair|administrator|adviser|advisor|team|helpline|service)\b", re.I)


@dataclass(frozen=True)
class Mention:
    key: str
    start: int
    end: int


def mentions(text: str) -> list[Mention]:
    """Every known role named in the text, in order; where two overlap, the earlier one (and
    for equal starts the first in ROLES: 'Deputy DSL' is a deputy, not a DSL)."""
    lowered = text.lower()
    found: list[tuple[int, int, int, str]] = []
    for rank, (role, pattern) in enumerate(COMPILED):
        if any(hint in lowered for hint in role.hints):
            found.extend((m.start(), rank, m.end(), role.key) for m in pattern.finditer(text))
    kept: list[Mention] = []
    for start, _, end, key in sorted(found):
        if not kept or start >= kept[-1].end:
            kept.append(Mention(key, start, end))
    return kept


def role_key(label: str) -> str | None:
    """The stable key of a role label ('Designated Safeguarding Leads (DSLs)' -> 'dsl')."""
    found = mentions(label or "")
    return found[0].key if found else None


def canonical(label: str) -> tuple[str | None, str]:
    """(key, label to show): our label for a known role, else the label as written."""
    key = role_key(label)
    if key is not None:
        return key, BY_KEY[key].label
    return None, " ".join(label.split()).strip(" :–—-")


def looks_like_role(text: str) -> bool:
    """A known role, or a short phrase with a role word such as 'officer' or 'lead'."""
    return bool(GENERIC.search(text) or mentions(text))


# The order contacts are listed in: who staff tell first.
ORDER = ("dsl", "deputy_dsl", "headteacher", "chair_of_governors", "safeguarding_governor",
         "designated_teacher", "lado", "social_care", "police", "nspcc_whistleblowing", "dpo",
         "online_safety_lead", "prevent_lead", "mental_health_lead", "senco")


def order(key: str | None) -> int:
    """Known roles first, in ORDER."""
    return ORDER.index(key) if key in ORDER else len(ORDER)
