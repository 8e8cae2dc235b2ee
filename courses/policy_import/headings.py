"""What a line would be if it were a heading: its number, kind and title.

Whether it *is* a heading depends on its neighbours and the numbering so far; that is decided
in sections.py. Here a line is only read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from courses.policy_import.markup import plain, split_bullet, strip_bookmarks, words

NUMBER = "number"  # "3.1 Title", "Section 3: Title"
APPENDIX = "appendix"  # "Appendix 1: Title", "Annex A"
PART = "part"  # "Part 2 Title"
PLAIN = "plain"  # a Markdown heading without a number

MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
# "6.3. 2" is how some exports write 6.3.2; a space after a dot only inside a deeper number.
NUMBERED = re.compile(
    r"^(?P<num>(?!0)\d{1,3}(?:\.\d{1,3})+(?:\.\s?\d{1,3})*|(?!0)\d{1,3})"
    r"(?P<dot>\.)?(?:[ \t]+|$|(?<=\.)(?=[A-Z]))(?P<title>.*)$")
KEYWORD = re.compile(
    r"^(?P<word>section|part|chapter)\s+(?P<num>(?!0)\d{1,2}(?:\.\d{1,2})*|[IVX]{1,4}\b|"
    r"one|two|three|four|five|six|seven|eight|nine|ten)\b\.?\s*[:.\-–—]?\s*(?P<title>.*)$",
    re.I)
APPENDIX_LINE = re.compile(
    r"^(?P<word>appendix|annexe?|schedule)\s+(?P<id>\d{1,2}|[A-Z]|[IVX]{1,4})\b\.?"
    r"\s*[:.\-–—]?\s*(?P<title>.*)$", re.I)
WORD_NUMBERS = {w: n for n, w in enumerate(
    ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"], start=1)}
ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9,
         "X": 10}
TRAILING = re.compile(r"[\s:;,.–—-]+$")


@dataclass(frozen=True)
class Candidate:
    kind: str
    title: str
    number: tuple[int, ...] = ()
    label: str = ""  # the number as shown: "6.3.2", "Appendix 1", "Part 2"
    dotted: bool = False  # "3." rather than "3": a bare number is rarely a heading
    keyword: bool = False  # "Section 3"
    md_level: int | None = None

    @property
    def depth(self) -> int:
        return len(self.number) or 1


def clean_title(text: str) -> str:
    """A heading's words without markup, leaders, page numbers or a trailing colon."""
    text = plain(text).replace("\t", " ")
    text = re.sub(r"(?:\s*\.{3,}|\s*…+)\s*\d*\s*$", "", text)
    text = " ".join(text.split())
    return TRAILING.sub("", text) if not text.endswith(("?", ")")) else text


def sentence_like(title: str) -> bool:
    """A full sentence rather than a heading: several words ending with a full stop."""
    stripped = plain(title).rstrip("*_ ")
    return words(stripped) >= 6 and stripped.endswith((".", ";", ","))


def heading_text(raw: str) -> tuple[str, int | None]:
    """The line as a heading would read: no bookmarks, '#' markers or wrapping bold."""
    text = strip_bookmarks(raw).strip()
    level = None
    match = MD_HEADING.match(text)
    if match:
        level, text = len(match.group(1)), match.group(2)
    for mark in ("**", "__"):
        if text.startswith(mark) and text.endswith(mark) and len(text) > 4:
            text = text[2:-2].strip()
    return text, level


def parse(raw: str) -> Candidate | None:
    """The heading reading of a line, or None if it cannot be a heading at all."""
    text, md_level = heading_text(raw)
    if not text or "\t" in text.strip():
        return None  # a table row is never a heading
    if split_bullet(text)[0]:
        return None
    match = APPENDIX_LINE.match(text)
    if match:
        word = match.group("word").capitalize()
        ident = match.group("id").upper()
        return Candidate(APPENDIX, clean_title(match.group("title")), label=f"{word} {ident}",
                         md_level=md_level)
    match = KEYWORD.match(text)
    if match:
        number = _keyword_number(match.group("num"))
        title = clean_title(match.group("title"))
        if match.group("word").lower() == "part":
            return Candidate(PART, title, (number[0],), f"Part {number[0]}", True,
                             md_level=md_level)
        return Candidate(NUMBER, title, number, ".".join(map(str, number)), True, True,
                         md_level)
    match = NUMBERED.match(text)
    if match:
        number = tuple(int(n) for n in re.split(r"\.\s?", match.group("num")))
        while len(number) > 1 and number[-1] == 0:
            number = number[:-1]  # "1.0 Introduction" is section 1
        if len(number) > 4:
            return None
        return Candidate(NUMBER, clean_title(match.group("title")), number,
                         ".".join(map(str, number)), bool(match.group("dot")),
                         md_level=md_level)
    if md_level is not None:
        return Candidate(PLAIN, clean_title(text), md_level=md_level)
    return None


def _keyword_number(text: str) -> tuple[int, ...]:
    lowered = text.lower()
    if lowered in WORD_NUMBERS:
        return (WORD_NUMBERS[lowered],)
    if text.upper() in ROMAN:
        return (ROMAN[text.upper()],)
    return tuple(int(n) for n in text.split("."))
