"""People's names in contact tables and sentences, and when two names are one person.

A policy writes the same person as "Mrs L Cutts" in its contacts table and "Laura Cutts" in
its text; initial and surname identify them. A near-miss spelling of a known surname
("Anderdon" for "Anderton") is worth a coordinator's look.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

INITIAL_STUCK = re.compile(r"\b([A-Z])\.(?=[A-Z][a-z])")  # "N.Anderdon"

TITLES = {"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "rev", "sir", "dame"}
# Words that are never part of a person's name in a policy.
NOT_NAMES = {
    "the", "our", "this", "these", "those", "their", "staff", "school", "schools", "college",
    "academy", "council", "county", "service", "services", "team", "line", "helpline", "police",
    "nspcc", "ltd", "limited", "plc", "llp", "trust", "partnership", "officer", "manager",
    "governor", "governors", "trustee", "trustees", "designated", "deputy", "safeguarding",
    "children", "children's", "childrens", "child", "response", "front", "door", "support",
    "local", "authority", "social", "care", "head", "headteacher", "headteachers", "teacher",
    "chair", "board", "body", "unit", "hub", "centre", "center", "group", "office",
    "department", "agency", "education", "health", "nhs", "mental", "online", "safety",
    "prevent", "data", "protection", "law", "email", "e-mail", "tel", "telephone", "phone",
    "mobile", "contact", "contacts", "details", "name", "role", "date", "provision",
    "alternative", "junior", "primary", "secondary", "infant", "st", "saint", "and", "or", "of",
    "for", "to", "in", "on", "at", "by", "with", "monday", "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "january", "february", "march", "april", "september",
    "october", "november", "december", "england", "uk", "kent",
    "kcsie", "dfe", "dsl", "dsls", "lado", "senco", "is", "are", "will", "has", "have",
    "all", "any", "new", "if", "who", "lead", "leads", "coordinator", "co-ordinator",
    "director", "principal", "first", "policy", "signed", "signature", "print", "form",
    # Capitalised words of headings and service names that pair up like "First Last".
    "help", "early", "national", "organisations", "organisation", "resources", "information",
    "advice", "guidance", "procedures", "procedure", "report", "reporting", "concerns",
    "concern", "training", "learners", "adults", "parents", "carers", "pupils", "students",
    "young", "people", "abuse", "exploitation", "violence", "domestic", "sexual", "criminal",
    "misuse", "substance", "hate", "network", "foundation", "society", "action", "family",
    "families", "community", "security", "site", "premises", "physical", "flow", "chart",
    "record", "case", "chronology", "city", "borough", "district", "portal", "referral",
    "request", "forms", "multi", "assessment", "framework", "plan", "review",
    "whistleblowing", "allegations", "allegation", "standards", "act", "code", "conduct",
    "behaviour", "attendance", "curriculum", "equality", "statement", "prevention", "purpose",
    "rationale", "scope", "aims", "definitions", "appendix", "annex", "section", "part", "page",
    "contents", "key", "roles", "responsibilities", "notes", "general", "specific", "issues",
    "other", "further", "useful", "links", "link", "website", "internet", "text", "relay",
    "hours", "out", "duty", "team's", "governing", "management", "committee",
}
# A role word used as a surname is still a surname after a title: "Ms Ann Lead".
ROLE_WORDS = {"lead", "leads", "head", "chair", "officer", "manager", "director", "principal",
              "first", "care", "law", "support", "march", "april"}
INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$|^[A-Z]{1,2}$")
WORD = re.compile(r"^[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*$|^Ma?c[A-Z][a-z]+$")
SEPARATORS = re.compile(r"\s*(?:/|,|;|&|\+|\band\b|\n)\s*")


@dataclass(frozen=True)
class Person:
    text: str  # as written
    initial: str  # lower-case first initial, or "" for "Mrs Cutts"
    first: str  # lower-case first name if written in full, else ""
    surname: str  # lower-case

    @property
    def key(self) -> str:
        return f"{self.initial} {self.surname}".strip()


def person(name: str) -> Person | None:
    """A name read as title, first name or initials, and surname; None if it is not one."""
    tokens = _tokens(name)
    if tokens and tokens[0].lower().rstrip(".") in TITLES:
        titled, tokens = True, tokens[1:]
    else:
        titled = False
    if not tokens or len(tokens) > 4 or (len(tokens) < 2 and not titled):
        return None
    surname = tokens[-1]
    if INITIALS.match(surname) or not WORD.match(surname) or len(surname) < 2:
        return None
    for token in tokens:
        lowered = token.lower().rstrip(".")
        if not (INITIALS.match(token) or WORD.match(token)):
            return None
        if lowered in NOT_NAMES and not (titled and lowered in ROLE_WORDS):
            return None
    first = tokens[0] if len(tokens) > 1 else ""
    full_first = first if first and not INITIALS.match(first) and not first.isupper() else ""
    return Person(" ".join(name.split()), first[:1].lower(), full_first.lower(),
                  surname.lower().replace("’", "'"))


def split_names(text: str) -> list[str]:
    """The people in a table cell: 'Mrs J Sazant Mrs K Taylor' and 'N. Anderton / A. Porter'."""
    text = re.sub(r"\([^)]*\)", " ", text)
    text = _spaced_initials(text)
    names: list[str] = []
    for part in SEPARATORS.split(text):
        names.extend(_split_run(part.split()))
    return [n for n in names if person(n) is not None]


def same_person(a: Person, b: Person) -> bool:
    """Same surname, compatible initials, and first names that agree when both are written."""
    if a.surname != b.surname:
        return False
    if a.initial and b.initial and a.initial != b.initial:
        return False
    if a.first and b.first:
        return a.first.startswith(b.first) or b.first.startswith(a.first)  # Jo / Joanne
    return True


def near_miss(a: Person, b: Person) -> bool:
    """The same initial and nearly the same surname: probably one person misspelt."""
    if a.surname == b.surname or not a.initial or a.initial != b.initial:
        return False
    longer = max(len(a.surname), len(b.surname))
    return longer >= 5 and _distance(a.surname, b.surname) <= (1 if longer < 7 else 2)


def fuller(kept: Person, other: Person) -> bool:
    """Whether other is surely the same person written more fully ('Joshua Lee Roscoe')."""
    return (bool(kept.first) and kept.first == other.first and same_person(kept, other)
            and len(_tokens(other.text)) > len(_tokens(kept.text)))


def _spaced_initials(text: str) -> str:
    """ "N.Anderdon" becomes "N. Anderdon"."""
    return INITIAL_STUCK.sub(r"\1. ", text)


def _tokens(name: str) -> list[str]:
    name = _spaced_initials(name)
    return [t.strip(",;:()") for t in name.split() if t.strip(",;:()")]


def _split_run(tokens: list[str]) -> list[str]:
    """Cut a run of name words at each title, and at an initial that follows a surname."""
    names: list[list[str]] = []
    current: list[str] = []
    for token in tokens:
        is_title = token.lower().rstrip(".") in TITLES
        after_surname = bool(current) and not INITIALS.match(current[-1]) and \
            current[-1].lower().rstrip(".") not in TITLES
        if current and (is_title or (INITIALS.match(token) and after_surname)):
            names.append(current)
            current = []
        current.append(token)
    if current:
        names.append(current)
    result: list[str] = []
    for name in names:
        words = [t for t in name if t.lower().rstrip(".") not in TITLES]
        if len(name) == len(words) and len(words) >= 4 and len(words) % 2 == 0 and \
                not any(INITIALS.match(w) for w in words):
            # "Laura Cutts Sarah Heaney": two names with nothing between them.
            result.extend(" ".join(words[k:k + 2]) for k in range(0, len(words), 2))
        else:
            result.append(" ".join(name))
    return result


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, for short words."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
