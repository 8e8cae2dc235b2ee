"""Key contacts proposed from a policy: who holds each safeguarding role, and how to reach
the services a school refers to.

Read from contact tables ("Role<TAB>Names"), tables exported one cell per line (a role line
followed by name, phone and email lines), "Label: value" lines, and sentences such as "The
school has appointed Laura Cutts and Sarah Heaney as the Designated Safeguarding Lead".
Mentions of one role are merged; a role given to different people is flagged, not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from courses.policy_import.extract import Line
from courses.policy_import.markup import plain, shorten, split_bullet, strip_bookmarks, words
from courses.policy_import.model import CONTRADICTION, PLACEHOLDER, Flag, ProposedContact
from courses.policy_import.names import (
    Person,
    fuller,
    near_miss,
    person,
    same_person,
    split_names,
)
from courses.policy_import.phones import find_phones, is_emergency
from courses.policy_import.roles import (
    BY_KEY,
    Mention,
    canonical,
    looks_like_role,
    mentions,
    order,
)
from courses.policy_import.sections import Outline

URL = re.compile(r"https?://\S+|www\.\S+", re.I)
EMAIL = re.compile(r"(?:mailto:)?([A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
Spans = list[tuple[int, int, str]]  # (start, end, normalised value) found in a line
TABLE, BLOCK, PROSE = 0, 1, 2  # how a mention was found; a table's form of a name wins
ANCHOR_WORDS = 12
BLOCK_LINES = 8
# Between a role and a number these words mean the number is someone else's.
BLOCKERS = re.compile(r"\b(?:help\s?line|line|unit|service|team|hub|cent(?:re|er)|agency|"
                      r"foundation|charity|portal|website|police|nspcc)\b", re.I)
DATA_LABEL = re.compile(r"\b(?:tel(?:ephone)?|phone|mobile|mob|email|e-mail|fax|call|or|"
                        r"contact|number|address|on|via)\b", re.I)
SPLIT_LABEL = re.compile(r"\s+[–—-]\s+|:\s*")
HEADER_ROLE = re.compile(r"^(?:role|position|title|job\s+title)$", re.I)
HEADER_NAME = re.compile(r"^(?:name|names|named\s+person)s?$", re.I)
NAME = (r"(?:(?:Mr|Mrs|Ms|Miss|Mx|Dr)\.?\s+)?(?:[A-Z]\.?\s?){0,2}[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?"
        r"(?:\s+[A-Z][a-z]+(?:[-'’][A-Z][a-z]+)?){0,2}")
NAME_LIST = rf"{NAME}(?:\s*\([^)]*\))?(?:\s*(?:,|and|&|/)\s*{NAME}(?:\s*\([^)]*\))?)*"
APPOINTED = re.compile(rf"\b(?:appointed|nominated|named)\s+(?P<names>{NAME_LIST})\s+as\s+"
                       r"(?:the\s+|our\s+|a\s+|an\s+)?(?P<role>.{0,80})")
IS_NAMES = re.compile(rf"^\s*(?:\([^)]*\)\s*)?(?:is|are|will\s+be)\s+(?P<names>{NAME_LIST})")
IN_BRACKETS = re.compile(rf"^['’\"]?\s*\(\s*(?P<names>{NAME})")
THESE_ARE = re.compile(rf"\b(?:these|they)\s+are\s+(?P<names>{NAME_LIST})")
HEAD_OF = re.compile(r"\bHead of [A-Z][a-z]+(?: [A-Z][a-z]+)?")
INITIAL_SURNAME = re.compile(r"\b([A-Z])\.?\s?([A-Z][a-z]{3,})\b")
FIRST_SURNAME = re.compile(r"\b([A-Z][a-z]+)\s+([A-Z][a-z]{3,})\b")


@dataclass
class _Mention:
    key: str | None
    label: str
    line: int
    rank: int
    names: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)

    @property
    def has_data(self) -> bool:
        return bool(self.names or self.phones or self.emails)


@dataclass
class _Contact:
    key: str | None
    label: str
    line: int
    people: list[Person] = field(default_factory=list)
    phone: str | None = None
    email: str | None = None


def email_address(text: str) -> str:
    """An address with its domain lower-cased and trailing punctuation gone."""
    local, _, domain = text.strip().rstrip(".,;:)").partition("@")
    return f"{local}@{domain.lower()}"


def find_emails(text: str) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), email_address(m.group(1))) for m in EMAIL.finditer(text)]


class _Reader:
    def __init__(self, lines: Sequence[Line], outline: Outline) -> None:
        self.lines = lines
        self.outline = outline
        self.found: list[_Mention] = []
        self.flags: list[Flag] = []
        self.block: _Mention | None = None
        self.block_age = 0
        self.blanks = 0
        self.table_mode = False
        self.previous: tuple[str, list[Mention]] | None = None  # last line, its roles

    def read(self) -> None:
        skip = self.outline.contents_lines | self.outline.title_lines
        for i, line in enumerate(self.lines):
            if line.number in skip:
                continue
            if line.number in self.outline.heading_lines:
                self._end_block()
                self.table_mode = False
                self.previous = None
                continue
            raw = strip_bookmarks(line.text).strip(" \u00a0").lstrip("\t")
            text = plain(raw)
            if not text.strip():
                self.blanks += 1
                if self.blanks >= 2 and not self.table_mode:
                    self._end_block()
                continue
            self.blanks = 0
            if HEADER_ROLE.match(text) and any(
                    HEADER_NAME.match(plain(n.text)) for n in self.lines[i + 1:i + 4]):
                self.table_mode = True
            if "\t" in raw and self._row(raw, line.number):
                self.previous = None
                continue
            self._line(split_bullet(text)[1], line.number)

    # --- tables ---------------------------------------------------------------------------

    def _row(self, raw: str, line: int) -> bool:
        cells = [plain(c) for c in raw.split("\t")]
        first, rest = cells[0], [c for c in cells[1:] if c]
        if not first or words(first) > 10 or not looks_like_role(first) \
                or find_phones(first) or find_emails(first):
            return False
        self._end_block()
        key, label = canonical(first)
        mention = _Mention(key, label, line, TABLE)
        for cell in rest:
            mention.names += split_names(cell)
            mention.phones += [p for _, _, p in find_phones(cell)]
            mention.emails += [e for _, _, e in find_emails(cell)]
        self._add(mention, empty_flag=True)
        return True

    # --- lines ----------------------------------------------------------------------------

    def _line(self, content: str, line: int) -> None:
        phones = find_phones(content)
        emails = find_emails(content)
        roles = _roles(content, emails)
        label_text = _without_data(content, phones, emails)
        if self._anchor(label_text, roles):
            self._start_block(label_text, roles, phones, emails, line)
        elif self.block is not None and self._block_data(content, label_text, phones, emails,
                                                         roles):
            pass
        else:
            if self.block is not None and words(label_text) <= ANCHOR_WORDS:
                self._end_block()  # a new unlabelled heading or row ends the table row
            elif self.block is not None:
                self.block_age += 1
                if self.block_age > BLOCK_LINES:
                    self._end_block()
            self._prose(content, roles, phones, emails, line)
        self._names_in_prose(content, roles, line)
        self.previous = (content, roles)

    def _anchor(self, label_text: str, roles: list[Mention]) -> bool:
        """A short line naming a role: it starts a contact, whose details may follow."""
        short = re.sub(r"\([^)]*\)", " ", label_text)
        return (0 < words(short) <= ANCHOR_WORDS and not label_text.rstrip().endswith(".")
                and (bool(roles) or looks_like_role(short)))

    def _start_block(self, label_text: str, roles: list[Mention], phones: Spans, emails: Spans,
                     line: int) -> None:
        self._end_block()
        parts = SPLIT_LABEL.split(label_text, maxsplit=1)
        label = parts[0]
        names: list[str] = []
        if len(parts) > 1 and not mentions(parts[1]) and split_names(parts[1]):
            names = split_names(parts[1])
        if roles:
            key, shown = roles[0].key, BY_KEY[roles[0].key].label
        else:
            key, shown = canonical(label)
        self.block = _Mention(key, shown, line, BLOCK, names,
                              [p for _, _, p in phones], [e for _, _, e in emails])
        self.block_age = 0

    def _block_data(self, content: str, label_text: str, phones: Spans, emails: Spans,
                    roles: list[Mention]) -> bool:
        """A name, phone or email line belonging to the role line above it."""
        assert self.block is not None
        if roles:
            return False
        rest = DATA_LABEL.sub(" ", label_text)
        if (phones or emails) and (words(rest) <= 5 or SPLIT_LABEL.search(label_text)
                                   and words(SPLIT_LABEL.split(label_text)[0]) <= 5):
            self.block.phones += [p for _, _, p in phones]
            self.block.emails += [e for _, _, e in emails]
            self.block_age += 1
            return True
        found = person(content)
        # Names come before numbers in a contact table; a name-like line after them is the
        # next row's heading.
        if found is not None and not phones and not emails and not (
                self.block.phones or self.block.emails):
            self.block.names.append(found.text)
            self.block_age += 1
            return True
        return False

    def _end_block(self) -> None:
        if self.block is not None:
            self._add(self.block, empty_flag=self.table_mode)
        self.block = None

    def _prose(self, content: str, roles: list[Mention], phones: Spans, emails: Spans,
               line: int) -> None:
        """Numbers and addresses in a sentence go to the role named just before them."""
        items = [(s, e, p, True) for s, e, p in phones] + [(s, e, a, False) for s, e, a in emails]
        carried = None
        if not roles and self.previous is not None:
            prev_text, prev_roles = self.previous
            keys = {r.key for r in prev_roles}
            if len(keys) == 1 and not find_phones(prev_text) and not find_emails(prev_text):
                carried = prev_roles[0].key
        for start, _, value, is_phone in sorted(items):
            before = [r for r in roles if r.end <= start]
            key = None
            if before:
                nearest = before[-1]
                if not BLOCKERS.search(content[nearest.end:start]):
                    key = nearest.key
            elif carried is not None:
                key = carried
            if key is None:
                continue
            mention = _Mention(key, BY_KEY[key].label, line, PROSE)
            (mention.phones if is_phone else mention.emails).append(value)
            self._add(mention)

    def _names_in_prose(self, content: str, roles: list[Mention], line: int) -> None:
        """People a sentence gives a role: 'appointed X as the DSL', 'the DSL is X',
        "'designated teacher' (X - SENCO)", '... Deputy DSLs ... These are X and Y'."""
        for match in APPOINTED.finditer(content):
            found = mentions(match.group("role"))
            if found:
                self._named(found[0].key, match.group("names"), line)
        for role in roles:
            after = content[role.end:]
            match = IS_NAMES.match(after) or IN_BRACKETS.match(after)
            if match:
                self._named(role.key, match.group("names"), line)
        for match in HEAD_OF.finditer(content):
            bracket = IN_BRACKETS.match(content[match.end():])
            if bracket:
                names = split_names(bracket.group("names"))
                if names:
                    self._add(_Mention(None, match.group(0), line, PROSE, names))
        for match in THESE_ARE.finditer(content):
            # "... appointed Deputy DSLs who ... These are A and B": the role named last before.
            sentences = re.split(r"(?<=[.!?])\s+", content[:match.start()].strip())
            found = next((m for m in (mentions(s) for s in reversed(sentences)) if m), [])
            if not found and self.previous is not None:
                found = self.previous[1]
            if found:
                self._named(found[0].key, match.group("names"), line)

    def _named(self, key: str, names_text: str, line: int) -> None:
        names = split_names(names_text)
        if names:
            self._add(_Mention(key, BY_KEY[key].label, line, PROSE, names))

    def _add(self, mention: _Mention, empty_flag: bool = False) -> None:
        if mention.has_data:
            self.found.append(mention)
        elif empty_flag:
            self.flags.append(Flag(PLACEHOLDER, f"Key contact “{shorten(mention.label, 60)}” "
                                   "has no name, phone number or email", mention.line))


def _roles(content: str, emails: Spans) -> list[Mention]:
    """Roles named in the text, not counting 'LADO' inside 'CFS-LADO@...' or a web address."""
    spans = [(s, e) for s, e, _ in emails] + [m.span() for m in URL.finditer(content)]
    return [r for r in mentions(content) if not any(s < r.end and r.start < e for s, e in spans)]


def _without_data(content: str, phones: Spans, emails: Spans) -> str:
    spans = sorted([(s, e) for s, e, _ in phones] + [(s, e) for s, e, _ in emails])
    out, at = [], 0
    for start, end in spans:
        out.append(content[at:start])
        at = max(at, end)
    out.append(content[at:])
    return " ".join("".join(out).split()).strip(" :–—-,")


# --- merging ------------------------------------------------------------------------------

def _merge(found: list[_Mention]) -> tuple[list[_Contact], list[Flag]]:
    flags: list[Flag] = []
    groups: dict[str, list[_Mention]] = {}
    for mention in found:
        groups.setdefault(mention.key or mention.label.lower(), []).append(mention)
    contacts: list[_Contact] = []
    for group in groups.values():
        group.sort(key=lambda m: (m.rank, m.line))
        first = group[0]
        contact = _Contact(first.key, first.label, min(m.line for m in group))
        origin: dict[int, int] = {}  # id(person) -> line it came from
        for mention in group:
            new = [p for p in (person(n) for n in mention.names) if p is not None]
            disjoint = contact.people and new and not any(
                same_person(p, q) or near_miss(p, q) for p in contact.people for q in new)
            if disjoint:
                flags.append(Flag(CONTRADICTION, f"{contact.label}: line "
                                  f"{origin.get(id(contact.people[0]), contact.line)} names "
                                  f"{_listed(contact.people)} but this line names "
                                  f"{_listed(new)}", mention.line))
                new = []
            for candidate in new:
                same = next((p for p in contact.people if same_person(p, candidate)), None)
                if same is not None:
                    if fuller(same, candidate):
                        index = contact.people.index(same)
                        contact.people[index] = candidate
                        origin[id(candidate)] = origin.get(id(same), mention.line)
                    continue
                missed = next((p for p in contact.people if near_miss(p, candidate)), None)
                if missed is not None:
                    flags.append(_spelling_flag(contact.label, missed,
                                                origin.get(id(missed), contact.line),
                                                candidate.text, mention.line))
                    continue
                contact.people.append(candidate)
                origin[id(candidate)] = mention.line
            for phone in mention.phones:
                if contact.phone is None and not is_emergency(phone):
                    contact.phone = phone
            if contact.email is None and mention.emails:
                contact.email = mention.emails[0]
        contacts.append(contact)
    return _fold_unnamed(contacts), flags


def _fold_unnamed(contacts: list[_Contact]) -> list[_Contact]:
    """A role we don't know, with only a number or address that belongs to a named contact
    ('Charlotte.Davis@...' or the same phone), is that contact's detail, not a new one."""
    named = [c for c in contacts if c.people]
    kept = []
    for contact in contacts:
        owner = None
        if contact.key is None and not contact.people:
            owner = next((c for c in named if contact.phone and c.phone == contact.phone
                          or contact.email and _email_names(contact.email, c.people)), None)
        if owner is None:
            kept.append(contact)
            continue
        owner.email = owner.email or contact.email
        owner.phone = owner.phone or contact.phone
    return kept


def _email_names(email: str, people: list[Person]) -> bool:
    local = set(re.split(r"[._-]", email.split("@")[0].lower()))
    return any(p.first and p.first in local and p.surname in local for p in people)


def _listed(people: list[Person]) -> str:
    return ", ".join(f"“{p.text}”" for p in people)


def _spelling_flag(label: str, kept: Person, line: int, other: str, other_line: int) -> Flag:
    return Flag(CONTRADICTION, f"{label}: “{kept.text}” on line {line} but “{other}” on line "
                f"{other_line} — check which spelling is right", other_line)


def _misspellings(lines: Sequence[Line], outline: Outline,
                  contacts: list[_Contact]) -> list[Flag]:
    """A contact's name written with a slightly different surname elsewhere in the text."""
    people = [(c, p) for c in contacts for p in c.people if p.initial]
    surnames = {p.surname for _, p in people}
    if not people:
        return []
    seen: dict[tuple[str, str], tuple[int, str]] = {}
    for line in lines:
        if line.number in outline.contents_lines:
            continue
        text = plain(line.text)
        for pattern in (INITIAL_SURNAME, FIRST_SURNAME):
            for match in pattern.finditer(text):
                key = (match.group(1)[0].lower(), match.group(2).lower())
                seen.setdefault(key, (line.number, match.group(0)))
    flags = []
    for (initial, surname), (number, written) in seen.items():
        if surname in surnames:
            continue
        written_person = Person(written, initial, "", surname)
        for contact, known in people:
            if abs(len(known.surname) - len(surname)) <= 2 and near_miss(known, written_person):
                flags.append(_spelling_flag(contact.label, known, contact.line, written, number))
                break
    return flags


def propose_contacts(lines: Sequence[Line], outline: Outline) -> tuple[list[ProposedContact],
                                                                          list[Flag]]:
    """Contacts to propose, and flags for empty roles and names that disagree."""
    reader = _Reader(lines, outline)
    reader.read()
    reader._end_block()
    contacts, flags = _merge(reader.found)
    contacts = [c for c in contacts if c.people or c.phone or c.email]
    contacts.sort(key=lambda c: (order(c.key), c.line))
    flags += _misspellings(lines, outline, contacts)
    proposed = [ProposedContact(c.label, [p.text for p in c.people], c.phone, c.email, c.line)
                for c in contacts]
    return proposed, reader.flags + flags
