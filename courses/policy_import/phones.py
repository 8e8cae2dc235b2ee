"""UK phone numbers in policy text, normalised to one spaced format.

"03000 411 111", "03000 411111" and "03000 41 11 11" are one number and must compare equal,
so every number found is rewritten by its digits: 02x as 3-4-4 ("020 7008 0151"), 011x and
01x1 as 4-3-4 ("0116 305 6314"), other 01 and 07 as 5-6 ("01622 392051"), 03/05/08/09 as
4-3-4 ("0800 028 0285"), ten-digit 0800 as 4-3-3 ("0800 136 663"); 999, 101 and 111 as they are.
"""

from __future__ import annotations

import re

SHORT = ("999", "101", "111", "112")
EMERGENCY = frozenset({"999", "112"})  # never a contact's number: everyone's emergency line
# Groups of digits separated by single spaces or hyphens, starting 0 or +44; "(0116)" too.
LONG = re.compile(r"(?<![\d+])(?:\+\s?44\s?(?:\(0\)\s?)?|\(?(?=0))"
                  r"(?P<groups>\d+\)?(?:[ \-.]?\d+)*)")
SHORT_NUMBER = re.compile(r"(?<![\w.,£$/])(?:999|101|111|112)(?![\w%]|[.,/]\d)")


def find_phones(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised number) for each UK phone number in the text."""
    found: list[tuple[int, int, str]] = []
    for match in LONG.finditer(text):
        taken = _take(match.group("groups"), international=text[match.start()] not in "(0")
        if taken is None:
            continue
        used, number = taken
        start = match.start()
        found.append((start, match.start("groups") + used, number))
    covered = [(s, e) for s, e, _ in found]
    for match in SHORT_NUMBER.finditer(text):
        if not any(s <= match.start() < e for s, e in covered):
            found.append((match.start(), match.end(), match.group(0)))
    return sorted(found)


def normalise_phone(text: str) -> str | None:
    """The one UK phone number in text, normalised; None if there is none."""
    found = find_phones(text or "")
    return found[0][2] if found else None


def is_emergency(number: str) -> bool:
    return number in EMERGENCY


def _take(groups: str, international: bool) -> tuple[int, str] | None:
    """(characters used, number) from the digit groups: stop once 10 or 11 digits fit."""
    digits = "" if not international else "0"
    used = 0
    for match in re.finditer(r"\d+", groups):
        if len(digits) + len(match.group(0)) > 11:
            if len(digits) >= 10:
                break
            return None
        digits += match.group(0)
        used = match.end()
        if len(digits) == 11:
            break
    number = format_digits(digits)
    return (used, number) if number else None


def format_digits(digits: str) -> str | None:
    """A UK number's digits in the one spaced format; None if they are not a UK number."""
    if digits in SHORT:
        return digits
    if len(digits) == 11 and digits[0] == "0":
        if digits.startswith("02"):
            return f"{digits[:3]} {digits[3:7]} {digits[7:]}"
        if digits.startswith("011") or (digits.startswith("01") and digits[3] == "1"):
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
        if digits.startswith(("01", "07")):
            return f"{digits[:5]} {digits[5:]}"
        if digits.startswith(("03", "05", "08", "09")):
            return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) == 10 and digits.startswith(("0800", "0500")):
        return f"{digits[:4]} {digits[4:7]} {digits[7:]}"
    if len(digits) == 10 and digits.startswith("01"):
        return f"{digits[:5]} {digits[5:]}"
    return None
