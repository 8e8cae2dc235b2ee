"""Checks that keep known safeguarding errors and local details out of shipped content."""

from __future__ import annotations

import re

# National numbers content may give; anything else that looks like a phone number is refused,
# because local numbers belong in a school's own confirmed contacts, not in shared content.
ALLOWED_NUMBERS = {
    "999", "101", "08000280285", "08088005000", "08001111", "08082000247", "0800789321",
}
PHONE = re.compile(r"(?<![\w.-])(?:0\d[\d ]{7,12}\d|999|101)(?![\w-])")
SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")


def lint_text(text: str) -> list[tuple[int, str]]:
    """(line offset, problem) for known errors: 101 for immediate danger, unknown numbers."""
    found: list[tuple[int, str]] = []
    for offset, line in enumerate(text.split("\n")):
        for number in PHONE.findall(line):
            digits = number.replace(" ", "")
            if digits not in ALLOWED_NUMBERS:
                found.append((offset, f"phone number {number.strip()!r} is not a known national "
                                      "number; local contacts come from the school's policy"))
        found += [(offset, problem) for problem in advice_problems(line)]
    return found


def advice_problems(line: str) -> list[str]:
    """Safeguarding advice in one line that contradicts national guidance."""
    found: list[str] = []
    for sentence in SENTENCE.findall(line):
        lower = sentence.lower()
        # A sentence tying 101 to immediate danger is the Leicestershire template's error,
        # unless it says 999 or warns against it ("never when a child is at immediate risk").
        if (re.search(r"\b101\b", lower) and re.search(r"immediate|danger|at risk", lower)
                and "999" not in lower and not re.search(r"\bnever\b|\bnot\b|n't", lower)):
            found.append("101 next to immediate danger: immediate danger is 999")
        if re.search(r"\b(five|5) (main )?categories of abuse", lower):
            found.append("there are four categories of abuse")
    return found
