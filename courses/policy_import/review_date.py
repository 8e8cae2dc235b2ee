"""When the policy says it is next reviewed: 'Review Date: August 2025' -> 2025-08-01."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from courses.policy_import.markup import plain

LABEL = re.compile(
    r"\b(?:date\s+of\s+(?:the\s+)?(?:next\s+)?review|(?:next\s+)?review\s+date|"
    r"next\s+review(?:\s+due)?|review\s+due|date\s+(?:for|to)\s+review|"
    r"to\s+be\s+reviewed(?:\s+(?:by|on|in))?)\b\s*(?:[:\-–—]|\bby\b|\bon\b|\bin\b)?"
    r"\s*(?P<value>.*)$", re.I)
MONTHS = {name: n for n, names in enumerate((
    ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
    ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
    ("oct", "october"), ("nov", "november"), ("dec", "december")), start=1) for name in names}
MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
DAY_MONTH_YEAR = re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH},?\s+"
                            r"(?P<year>\d{4})\b")
MONTH_YEAR = re.compile(rf"\b{MONTH},?\s+(?P<year>\d{{4}})\b")
NUMERIC = re.compile(r"\b(?P<day>\d{1,2})[/.-](?P<month>\d{1,2})[/.-](?P<year>\d{2}|\d{4})\b")
NUMERIC_MONTH = re.compile(r"\b(?P<month>\d{1,2})[/.-](?P<year>\d{4})\b")
ISO = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")


def review_date(lines: Iterable[str]) -> date | None:
    """The first dated review line; None when there is none or its date is blank."""
    for text in lines:
        if "review" not in text.lower():
            continue
        match = LABEL.search(plain(text).replace("\t", " "))
        if match:
            found = parse_date(match.group("value")[:60])
            if found is not None:
                return found
    return None


def parse_date(text: str) -> date | None:
    """A UK (day-first) date, or the first of the month when only month and year are given."""
    for pattern in (ISO, DAY_MONTH_YEAR, NUMERIC, MONTH_YEAR, NUMERIC_MONTH):
        match = pattern.search(text)
        if not match:
            continue
        parts = match.groupdict()
        month_text = parts["month"]
        month = int(month_text) if month_text.isdigit() else MONTHS.get(month_text.lower())
        year = int(parts["year"])
        year += 2000 if year < 100 else 0
        try:
            return date(year, month or 0, int(parts.get("day") or 1))
        except (ValueError, TypeError):
            continue
    return None
