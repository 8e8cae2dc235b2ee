"""A document's own contents list: found so it never becomes a section, and kept as a hint.

Contents lists disagree with the body often (renumbered headings, a heading that lost its
number), so the entries only help recognise unnumbered body headings; they never make one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from courses.policy_import.extract import Line
from courses.policy_import.headings import APPENDIX, NUMBER, clean_title, heading_text, parse
from courses.policy_import.markup import normalise, split_bullet, words

HEADER = re.compile(r"^(?:table\s+of\s+)?contents?\s*:?$|^index$", re.I)
# "3.1 Title<TAB>12", "Title ........ 12", "Title 12<TAB>", "Title....." (no page number)
PAGED = re.compile(r"^(?P<title>.*?\S)(?:\s*(?:\.{2,}|…+|_{3,})\s*|\t+\s*| {2,}| )"
                   r"(?P<page>\d{1,3})\s*$")
LEADERS = re.compile(r"^(?P<title>.*?\S)\s*(?:\.{3,}|…+)\s*$")
MIN_UNHEADED = 4  # paged entries needed to call a list without a "Contents" line a contents


@dataclass(frozen=True)
class Entry:
    title: str
    key: str  # normalised title, for matching body lines
    number: tuple[int, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class Contents:
    lines: frozenset[int]  # line numbers of the contents list, header included
    entries: tuple[Entry, ...]


def find_contents(lines: Sequence[Line]) -> Contents:
    """Every contents list in the document (usually one), or an empty Contents."""
    texts = [heading_text(line.text)[0] for line in lines]
    numbers: set[int] = set()
    entries: list[Entry] = []
    i = 0
    while i < len(texts):
        headed = bool(HEADER.match(texts[i]))
        found = None
        if headed:
            found = _block(lines, texts, i + 1, headed=True)
        elif (entry := _entry(texts[i])) is not None and entry[1]:
            found = _block(lines, texts, i, headed=False)
        if found is None:
            i += 1
            continue
        end, block = found
        numbers.update(line.number for line in lines[i:end])
        entries.extend(block)
        i = max(end, i + 1)
    return Contents(frozenset(numbers), tuple(entries))


def _entry(text: str) -> tuple[str, bool] | None:
    """(entry text without its page number, whether it had a page number or leaders)."""
    text = text.strip()
    # A contents entry is short; the length test also keeps PAGED's backtracking bounded.
    if not text or len(text) > 300 or words(text) > 25 or split_bullet(text)[0]:
        return None
    match = PAGED.match(text) or LEADERS.match(text)
    if match:
        return match.group("title"), True
    candidate = parse(text)
    if candidate is not None and candidate.kind in (NUMBER, APPENDIX) and words(text) <= 15:
        return text, False
    return None


def _block(lines: Sequence[Line], texts: list[str], start: int,
           headed: bool) -> tuple[int, tuple[Entry, ...]] | None:
    entries: list[Entry] = []
    paged = 0
    end = start
    i = start
    while i < len(texts):
        text = texts[i]
        if not text.strip():
            i += 1
            continue
        found = _entry(text)
        if found is None:
            break
        title_text, has_page = found
        entry = _make_entry(title_text, lines[i].number)
        if entries and entry.key and entry.key == entries[0].key:
            break  # the body has started: its first heading repeats the first entry
        if not has_page and paged >= 3 and not _next_is_paged(texts, i + 1):
            break  # an unpaged line after a paged list is the body's first heading
        entries.append(entry)
        paged += has_page
        i += 1
        end = i
    if not entries or (not headed and paged < MIN_UNHEADED):
        return None
    return end, tuple(entries)


def _next_is_paged(texts: list[str], i: int) -> bool:
    while i < len(texts) and not texts[i].strip():
        i += 1
    found = _entry(texts[i]) if i < len(texts) else None
    return bool(found and found[1])


def _make_entry(text: str, line: int) -> Entry:
    candidate = parse(text)
    if candidate is not None and candidate.kind == NUMBER:
        return Entry(candidate.title, normalise(candidate.title), candidate.number, line)
    if candidate is not None and candidate.kind == APPENDIX:
        return Entry(candidate.title, normalise(candidate.title), (), line)
    title = clean_title(text)
    return Entry(title, normalise(title), (), line)
