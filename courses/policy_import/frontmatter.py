"""The lines before the first heading: the document's title, its date lines and a label.

A policy usually opens with the school's name and the policy's name, then "Date written:" and
"Review date:" lines; those are about the document, not content staff need to read.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from courses.policy_import.extract import Line
from courses.policy_import.headings import clean_title, heading_text, sentence_like
from courses.policy_import.markup import plain, split_bullet, words

POLICY_WORDS = re.compile(
    r"\b(?:polic(?:y|ies)|procedures?|safeguarding|child\s+protection|code\s+of\s+conduct|"
    r"handbook|guidance|statement)\b", re.I)
METADATA = re.compile(
    r"^[\w .,/&'’()-]{0,50}?\b(?:date|dated|review|reviewed|version|approved|ratified|written|"
    r"author|owner|adopted|updated|signed|agreed|issued)\b[^:]{0,50}:[^:]{0,60}$", re.I)
MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
         r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
DATED = re.compile(rf"\b(?:\d{{1,2}}[/.-]\d{{1,2}}[/.-]\d{{2,4}}|{MONTH}\.?\s+\d{{4}}|"
                   rf"\d{{4}}-\d{{2}}-\d{{2}})\b", re.I)
MAX_TITLE_LINES = 3


def is_metadata(text: str) -> bool:
    """'Review date: August 2025', 'Signed: ...', or a bare sign-off like 'AS Sept 2023'."""
    text = plain(text).strip()
    if not text:
        return False
    if METADATA.match(text):
        return True
    return words(text) <= 5 and bool(DATED.search(text))


def title_lines(lines: Sequence[Line], stop: int) -> tuple[str | None, set[int]]:
    """(title, indices of the title lines) from the opening short lines before index stop."""
    found: list[tuple[int, str]] = []
    styled: str | None = None
    for i, line in enumerate(lines[:stop]):
        text = heading_text(line.text)[0]
        if not text:
            continue
        if line.heading_level == 0:
            styled = styled or clean_title(text)
            found.append((i, text))
            continue
        if len(found) >= MAX_TITLE_LINES or _not_a_title(text) or (
                found and sentence_like(text)):
            break  # a sentence after the title is the policy's first content
        found.append((i, text))
    used = {i for i, _ in found}
    titles = [clean_title(t) for _, t in found if clean_title(t)]
    if not titles:
        return styled, used
    title = styled or titles[0]
    titles = [title] + [t for t in titles if t != title]
    if not POLICY_WORDS.search(title) and len(titles) > 1 and POLICY_WORDS.search(titles[1]):
        title = f"{title} {titles[1]}"
    return title, used


def _not_a_title(text: str) -> bool:
    if "\t" in text.strip() or split_bullet(text.strip())[0] or is_metadata(text):
        return True
    n = words(text)
    return n > 20 or text.rstrip().endswith(":") or (n > 12 and text.rstrip().endswith("."))


def is_label(text: str) -> bool:
    """A short standalone line naming what follows: 'Key Contacts', 'Language:'."""
    text = plain(text).strip()
    return (0 < words(text) <= 6 and not text.endswith((".", ",", ";")) and "\t" not in text
            and not split_bullet(text)[0] and not is_metadata(text)
            and not re.search(r"\d", text) and text[:1].isupper())
