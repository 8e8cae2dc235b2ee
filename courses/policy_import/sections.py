"""Splitting a policy's lines into sections.

Headings are found by their numbers ("3.", "3.1", "Section 3", "Appendix 1"), by Word heading
styles, by Markdown '#', and by the document's own contents list for headings that lost their
number. A numbered line is only a heading if it reads like one where it stands: numbered
sentences and runs of numbered lines are lists, and everything inside an appendix is the
appendix's own body (forms and flowcharts number their steps).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from courses.policy_import import body as bodies
from courses.policy_import.contents import Contents, Entry, find_contents
from courses.policy_import.extract import Line
from courses.policy_import.frontmatter import is_label, is_metadata, title_lines
from courses.policy_import.headings import (
    APPENDIX,
    NUMBER,
    PART,
    PLAIN,
    Candidate,
    clean_title,
    heading_text,
    parse,
    sentence_like,
)
from courses.policy_import.markup import normalise, plain, shorten, split_bullet, words
from courses.policy_import.model import NUMBERING, UNTITLED, Flag, ImportedSection
from courses.policy_import.templates import instruction

FIT, GAP, REPEAT, BACK = "fit", "gap", "repeat", "back"
MAX_TITLE_WORDS = 20  # longer numbered lines are headings only when their number fits
MAX_HINT_WORDS = 15
UNTITLED_WORDS = 8
SMALL_WORDS = {"a", "an", "and", "at", "by", "for", "in", "of", "on", "or", "the", "to", "with",
               "from", "into", "our", "we", "is", "are", "if", "what", "who", "how"}


@dataclass
class Outline:
    title: str | None
    sections: list[ImportedSection]
    flags: list[Flag]
    contents_lines: frozenset[int]
    heading_lines: frozenset[int]
    title_lines: frozenset[int]
    appendices: frozenset[str]  # "1", "A": the appendix headings that exist
    appendix_start: int | None  # line of the first appendix heading


@dataclass
class _Open:
    number: str
    title: str
    level: int
    index: int  # of the heading line
    body: list[int] = field(default_factory=list)


class _Numbering:
    """The numbered headings so far, to say whether the next number follows on."""

    def __init__(self) -> None:
        self.last: tuple[int, ...] | None = None
        self.seen: dict[tuple[int, ...], tuple[int, str]] = {}

    def status(self, number: tuple[int, ...]) -> str:
        if self.last is None:
            return FIT
        if number in self.seen:
            return REPEAT
        last = self.last
        nexts = {last[:k] + (last[k] + 1,) for k in range(len(last))} | {last + (1,)}
        if number in nexts:
            return FIT
        return GAP if number > last else BACK

    def accept(self, number: tuple[int, ...], status: str, line: int, title: str) -> None:
        if status != BACK:
            self.last = number
        self.seen.setdefault(number, (line, title))

    @property
    def last_label(self) -> str:
        return ".".join(map(str, self.last or ()))


class _Splitter:
    def __init__(self, lines: Sequence[Line], fmt: str) -> None:
        self.lines = lines
        self.fmt = fmt
        self.texts = [line.text for line in lines]
        self.contents: Contents = find_contents(lines)
        self.skip = {i for i, line in enumerate(lines) if line.number in self.contents.lines}
        self.candidates: list[Candidate | None] = [
            None if i in self.skip else parse(text) for i, text in enumerate(self.texts)]
        # A Markdown file with '#' headings numbers its lists, not its headings, without '#'.
        self.md_only = fmt == "md" and any(
            c is not None and c.md_level is not None for c in self.candidates)
        self.runs = self._runs()
        self.list_runs: set[int] = {start for start, members in self.runs.items()
                                    if self._reads_as_list(members)}
        self.numbering = _Numbering()
        self.flags: list[Flag] = []
        self.entries_by_key: dict[str, Entry] = {}
        for entry in self.contents.entries:
            if entry.key:
                self.entries_by_key.setdefault(entry.key, entry)
        self.used_entries: set[str] = set()
        self.consumed: set[int] = set()
        self.in_appendix = False
        self.appendices: dict[str, int] = {}
        self.appendix_start: int | None = None
        self.loose = False  # set for a second pass when nothing numbered or styled was found

    # --- runs of numbered lines -----------------------------------------------------------

    def _runs(self) -> dict[int, list[int]]:
        """Adjacent lines numbered n, n+1, ...: each run's members, keyed by its first line."""
        runs: dict[int, list[int]] = {}
        i = 0
        while i < len(self.candidates):
            members = [i]
            while self._numeric(members[-1]) and self._numeric(members[-1] + 1) and \
                    _follows(self.candidates[members[-1]], self.candidates[members[-1] + 1]):
                members.append(members[-1] + 1)
            if len(members) > 1:
                for m in members:
                    runs[m] = members
            i = members[-1] + 1
        return {members[0]: members for members in runs.values()}

    def _numeric(self, i: int) -> bool:
        if i >= len(self.candidates):
            return False
        c = self.candidates[i]
        return c is not None and c.kind == NUMBER and c.md_level is None

    def _reads_as_list(self, members: list[int]) -> bool:
        return any(sentence_like(self.texts[m]) or words(self.candidates[m].title) > 15
                   for m in members if self.candidates[m] is not None)

    # --- the walk -------------------------------------------------------------------------

    def split(self) -> Outline:
        # A Markdown file's opening unnumbered '# Heading' is its title, not a section.
        opening = next((i for i, t in enumerate(self.texts) if t.strip()), None)
        stop = next((i for i, c in enumerate(self.candidates) if (
            c is not None and not (i == opening and c.kind == PLAIN))
            or i in self.skip or (self.lines[i].heading_level or 0) >= 1), len(self.lines))
        title, title_idx = title_lines(self.lines, stop)
        preamble: list[int] = []
        opened: list[_Open] = []
        member_of = {m: start for start, members in self.runs.items() for m in members}
        for i, line in enumerate(self.lines):
            if i in self.skip or i in title_idx or i in self.consumed:
                continue
            if line.heading_level == 0 and line.text.strip():
                title_idx.add(i)
                title = title or clean_title(line.text)
                continue
            heading = self._heading(i, member_of.get(i))
            if heading is None:
                (opened[-1].body if opened else preamble).append(i)
            else:
                opened.append(heading)
        sections: list[ImportedSection] = []
        first = self._preamble(preamble)
        if first is not None:
            sections.append(first)
        for item in opened:
            sections.append(self._section(item))
        heading_lines = frozenset(self.lines[o.index].number for o in opened)
        return Outline(title, sections, self.flags, self.contents.lines, heading_lines,
                       frozenset(self.lines[i].number for i in title_idx),
                       frozenset(self.appendices), self.appendix_start)

    def _heading(self, i: int, run: int | None) -> _Open | None:
        line = self.lines[i]
        c = self.candidates[i]
        styled = (line.heading_level or 0) >= 1 and bool(line.text.strip())
        if c is not None and c.kind == APPENDIX and (styled or _title_ok(c.title, max_words=15)):
            return self._appendix(i, c)
        if self.in_appendix:
            # An appendix's own headings are kept, unnumbered: its numbers are its own.
            if styled or (c is not None and c.md_level is not None):
                return self._unnumbered(i, line.heading_level or (c.md_level if c else 1) or 1)
            return None
        if c is not None and c.kind == NUMBER:
            found = self._numbered(i, c, styled or c.md_level is not None, run)
            if found is not None:
                return found
        elif c is not None and c.kind == PART and (styled or _title_ok(c.title)):
            self.numbering = _Numbering()  # each part numbers its sections afresh
            return _Open(c.label, c.title, 1, i)
        elif c is not None and c.kind == PLAIN and c.title:
            return self._unnumbered(i, c.md_level or 1)
        elif styled:
            return self._unnumbered(i, line.heading_level or 1)
        elif self.loose and c is None and self._looks_like_heading(i):
            return self._unnumbered(i, 1)
        return self._from_contents(i)

    def _looks_like_heading(self, i: int) -> bool:
        """For a document with no numbered or styled headings at all: a short standalone line
        in capitals or Title Case, with text after it."""
        text = heading_text(self.texts[i])[0]
        before = self.texts[i - 1].strip() if i else ""
        after = next((t for t in self.texts[i + 1:i + 3] if t.strip()), "")
        if (before or not after or "\t" in text or split_bullet(text)[0] or is_metadata(text)
                or not 1 <= words(text) <= 8 or text.rstrip("*_ ").endswith((".", ",", ";", ":"))
                or not text[:1].isupper()):
            return False
        significant = [w for w in re.findall(r"[A-Za-z][\w'’-]*", plain(text))
                       if w.lower() not in SMALL_WORDS]
        return bool(significant) and all(w[:1].isupper() for w in significant)

    def _numbered(self, i: int, c: Candidate, explicit: bool, run: int | None) -> _Open | None:
        status = self.numbering.status(c.number)
        if not explicit:
            if self.md_only or run in self.list_runs:
                return None
            if run == i and status in (REPEAT, BACK):
                self.list_runs.add(run)  # a list restarting at 1 inside a section
                return None
            hinted = self._entry_for(c) is not None
            if sentence_like(self.texts[i]) and not hinted:
                return None
            if not c.title and (not c.dotted or status != FIT):
                return None
            if not c.dotted and not c.keyword and len(c.number) == 1 and status != FIT:
                return None
            if c.title[:1].islower() and status != FIT:
                return None
            if words(c.title) > MAX_TITLE_WORDS and status != FIT:
                return None
            if c.number[0] >= 100 and status != FIT:
                return None  # "101 ..." or "175 of the Act" unless it is the next section
        line = self.lines[i].number
        if status == REPEAT:
            first_line, first_title = self.numbering.seen[c.number]
            self._flag(NUMBERING, line, f"Number {c.label} is used twice: "
                       f"“{shorten(c.title, 60)}” here and “{shorten(first_title, 60)}” "
                       f"on line {first_line}")
        elif status == BACK:
            self._flag(NUMBERING, line, f"“{c.label} {shorten(c.title, 60)}” is out of "
                       f"sequence: it comes after {self.numbering.last_label}")
        elif status == GAP:
            self._flag(NUMBERING, line, f"Numbering jumps from {self.numbering.last_label} "
                       f"to {c.label} (“{shorten(c.title, 60)}”)")
        self.numbering.accept(c.number, status, line, c.title)
        entry = self._entry_for(c)
        if entry is not None:
            self.used_entries.add(entry.key)
        return _Open(c.label, c.title, len(c.number), i)

    def _entry_for(self, c: Candidate) -> Entry | None:
        entry = self.entries_by_key.get(normalise(c.title))
        return entry if entry is not None and entry.number == c.number else None

    def _appendix(self, i: int, c: Candidate) -> _Open:
        self.in_appendix = True
        line = self.lines[i].number
        ident = c.label.split()[-1]
        if self.appendix_start is None:
            self.appendix_start = line
        if ident in self.appendices:
            self._flag(NUMBERING, line, f"{c.label} appears twice: here and on line "
                       f"{self.appendices[ident]}")
        self.appendices.setdefault(ident, line)
        title = c.title
        if not title:
            title = self._title_from_next_line(i)
        return _Open(c.label, title, 1, i)

    def _title_from_next_line(self, i: int) -> str:
        """'Appendix 1' alone on its line is usually titled by the line after it."""
        for j in range(i + 1, min(i + 4, len(self.lines))):
            text = self.texts[j].strip()
            if not text:
                continue
            if self.candidates[j] is not None or split_bullet(text)[0]:
                return ""
            cells = [c for c in text.split("\t") if c.strip()]
            title = clean_title(cells[0])
            if not title or words(title) > 12 or sentence_like(title):
                return ""
            if len(cells) == 1:
                self.consumed.add(j)
            return title
        return ""

    def _unnumbered(self, i: int, level: int) -> _Open | None:
        title = clean_title(heading_text(self.texts[i])[0])
        if not title:
            return None
        entry = self.entries_by_key.get(normalise(title))
        if entry is not None:
            self.used_entries.add(entry.key)
        return _Open("", title, level, i)

    def _from_contents(self, i: int) -> _Open | None:
        """An unnumbered line that the contents list names as a heading."""
        if not self.entries_by_key:
            return None
        text = heading_text(self.texts[i])[0]
        if not text or "\t" in text or split_bullet(text)[0] or words(text) > MAX_HINT_WORDS:
            return None
        entry = self.entries_by_key.get(normalise(text))
        if entry is None or entry.key in self.used_entries:
            return None
        number = ""
        if entry.number:
            status = self.numbering.status(entry.number)
            if status != FIT:
                return None  # the contents and the body disagree here: trust the body
            self.numbering.accept(entry.number, status, self.lines[i].number, entry.title)
            number = ".".join(map(str, entry.number))
        self.used_entries.add(entry.key)
        return _Open(number, clean_title(text), len(entry.number) or 1, i)

    # --- assembling -----------------------------------------------------------------------

    def _preamble(self, indices: list[int]) -> ImportedSection | None:
        """Content before the first heading, titled by its label line if it has one."""
        kept = [i for i in indices if not is_metadata(self.texts[i])]
        label = next((i for n, i in enumerate(kept) if is_label(self.texts[i])
                      and n + 1 < len(kept)), None)
        body = [i for i in kept if i != label]
        content = sum(words(plain(self.texts[i])) for i in body
                      if not instruction(self.texts[i]) and not bodies.is_empty_bullet(
                          self.texts[i]))
        rows = any("\t" in self.texts[i].strip() for i in body)
        if content < 5 and not rows:
            return None
        title = clean_title(self.texts[label]) if label is not None else "Introduction"
        first = label if label is not None else next(i for i in body if self.texts[i].strip())
        return ImportedSection("", title, self._render(body), self.lines[first].number, 1)

    def _section(self, item: _Open) -> ImportedSection:
        text = self._render(item.body)
        title = item.title
        line = self.lines[item.index].number
        if not title:
            title = _title_from_body([self.texts[j] for j in item.body]) or \
                f"Section {item.number}".strip()
            self._flag(UNTITLED, line, f"Heading “{item.number}” has no title; suggested "
                       f"title: “{title}”")
        return ImportedSection(item.number, title, text, line, item.level)

    def _render(self, indices: list[int]) -> str:
        return bodies.render([self.texts[j] for j in indices],
                             soft_wrapped=self.fmt in ("md", "pdf"))

    def _flag(self, kind: str, line: int, text: str) -> None:
        self.flags.append(Flag(kind, text, line))


def _follows(a: Candidate | None, b: Candidate | None) -> bool:
    return (a is not None and b is not None and len(a.number) == len(b.number)
            and a.number[:-1] == b.number[:-1] and b.number[-1] == a.number[-1] + 1)


def _title_ok(title: str, max_words: int = 12) -> bool:
    """Whether a heading's title reads like one: short, not a sentence, capitalised."""
    return not title or (words(title) <= max_words and not sentence_like(title)
                         and not title[:1].islower())


def _title_from_body(texts: list[str]) -> str:
    """A short title from a section's first sentence, for a heading that has none."""
    for text in texts:
        content = plain(split_bullet(plain(text))[1]).strip()
        if words(content) < 2:
            continue
        sentence = re.split(r"(?<=[.!?])\s", content, maxsplit=1)[0].rstrip(".!?;:, ")
        cut = sentence.split()
        return " ".join(cut[:UNTITLED_WORDS]) + ("…" if len(cut) > UNTITLED_WORDS else "")
    return ""


def split_sections(lines: Sequence[Line], fmt: str) -> Outline:
    """Sections, the document's title from its opening lines, and numbering flags."""
    outline = _Splitter(lines, fmt).split()
    if outline.heading_lines:
        return outline
    # No numbers, styles or contents to go by: fall back to lines that look like headings.
    splitter = _Splitter(lines, fmt)
    splitter.loose = True
    loose = splitter.split()
    return loose if len(loose.heading_lines) >= 2 else outline
