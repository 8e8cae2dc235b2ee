"""Things a coordinator must look at before publishing, each tied to the line it is on.

At most one flag per line per kind, never on a contents-list line, and the text quotes what
was found so the coordinator can search for it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

from courses.policy_import.body import is_empty_bullet
from courses.policy_import.extract import Line
from courses.policy_import.frontmatter import is_metadata
from courses.policy_import.markup import normalise, plain, shorten, split_bullet
from courses.policy_import.model import (
    DUPLICATE,
    EMPTY_BULLET,
    EMPTY_SECTION,
    FLAG_KINDS,
    INSTRUCTION,
    MISSING_APPENDIX,
    OUTDATED_GUIDANCE,
    PLACEHOLDER,
    UNSAFE_ADVICE,
    Flag,
    ImportedSection,
)
from courses.policy_import.sections import Outline
from courses.policy_import.templates import blank_date, instruction, placeholder
from courses.safety import advice_problems

APPENDIX_REF = re.compile(
    r"\b(?i:appendix|appendices)\s+(\d{1,2}|[A-Z]\b)((?:\s*(?:,|and|&|or)\s*(?:\d{1,2}|[A-Z]\b))*)")
ANNEX_REF = re.compile(
    r"\b(?i:annexe?s?)\s+(\d{1,2}|[A-Z]\b)((?:\s*(?:,|and|&|or)\s*(?:\d{1,2}|[A-Z]\b))*)")
# "Annex B of KCSIE" is the national guidance's annex, not one of the policy's own.
EXTERNAL = re.compile(r"\bKC\w{2,3}\b|keeping\s+children\s+safe|working\s+together|\bWTSC\b|"
                      r"\bDfE\b|\bguidance\b|\bAct\s+\d{4}\b", re.I)
# Current editions of the national guidance policies cite. KCSIE is the edition the shipped
# modules teach; Working Together 2023 replaced the 2018 edition.
CURRENT_GUIDANCE = (
    ("KCSIE", 2025, re.compile(
        r"(?:\bKCSIE\b|keeping\s+children\s+safe\s+in\s+education)['’‘\")\s,(]*"
        r"(?:(?:september|sept\.?)\s+)?(20\d\d)\b", re.I)),
    ("Working Together", 2023, re.compile(
        r"(?:\bWTSC\b|\bworking\s+together(?:\s+to\s+safeguard(?:ing)?\s+children)?)"
        r"['’‘\")\s,(]*(?:(?:DfE|HM\s+Government)[\s,]*)?"
        r"(?:(?:january|february|march|april|may|june|july|august|september|october|november|"
        r"december)\s+)?(20\d\d)\b", re.I)),
)
DUPLICATE_WORDS = 8  # shorter lines repeat legitimately ("How do we do this")
NEAR_WORDS = 15
NEAR_JACCARD = 0.8
SHINGLE = 3
MAX_POSTINGS = 50  # a shingle in more paragraphs than this is boilerplate, not evidence


def find_flags(lines: Sequence[Line], outline: Outline) -> list[Flag]:
    """Placeholders, instructions, empty bullets and sections, missing appendices,
    duplicated paragraphs, unsafe advice and superseded guidance."""
    flags: list[Flag] = []
    skip = outline.contents_lines
    before_appendices = outline.appendix_start or (lines[-1].number + 1 if lines else 0)
    for line in lines:
        if line.number in skip or not line.text.strip():
            continue
        text = line.text
        heading = line.number in outline.heading_lines
        found = placeholder(text)
        if found:
            what = ("Link with no web address, left from the template"
                    if found.startswith("[") else "Placeholder left in")
            flags.append(Flag(PLACEHOLDER, f"{what}: {shorten(found, 100)}", line.number))
        elif line.number < before_appendices and blank_date(text):
            flags.append(Flag(PLACEHOLDER, f"Date left blank: “{shorten(plain(text), 60)}”",
                              line.number))
        found = instruction(text, heading=heading)
        if found:
            flags.append(Flag(INSTRUCTION, f"Template instruction: “{found}”", line.number))
        if is_empty_bullet(text):
            flags.append(Flag(EMPTY_BULLET, "Empty bullet point: something is missing here",
                              line.number))
        flags.extend(_unsafe(line))
        flags.extend(_outdated(line))
        flags.extend(_missing_appendix(line, outline.appendices))
    flags.extend(_empty_sections(outline.sections))
    flags.extend(_duplicates(line for line in lines if line.number not in skip
                             and line.number not in outline.heading_lines))
    return flags


def merge(flags: Iterable[Flag]) -> list[Flag]:
    """One flag per line per kind, in line order."""
    seen: set[tuple[str, int]] = set()
    kept: list[Flag] = []
    for flag in flags:
        if (flag.kind, flag.line) not in seen:
            seen.add((flag.kind, flag.line))
            kept.append(flag)
    order = {kind: n for n, kind in enumerate(FLAG_KINDS)}
    return sorted(kept, key=lambda f: (f.line, order.get(f.kind, len(order))))


def _unsafe(line: Line) -> list[Flag]:
    shown = plain(line.text)
    problems = advice_problems(shown)
    return [Flag(UNSAFE_ADVICE, f"“{shorten(shown, 90)}”: {problems[0]}", line.number)] \
        if problems else []


def _outdated(line: Line) -> list[Flag]:
    shown = plain(line.text)
    cited, replaced_by = [], []
    for title, current, pattern in CURRENT_GUIDANCE:
        years = [y for y in dict.fromkeys(int(m.group(1)) for m in pattern.finditer(shown))
                 if y < current]
        cited += [f"{title} {year}" for year in years]
        replaced_by += [f"{title} {current}"] if years else []
    if not cited:
        return []
    return [Flag(OUTDATED_GUIDANCE, f"Cites {' and '.join(cited)}, since replaced by "
                 f"{' and '.join(replaced_by)}", line.number)]


def _missing_appendix(line: Line, appendices: frozenset[str]) -> list[Flag]:
    shown = plain(line.text)
    missing: list[str] = []
    for pattern, word in ((APPENDIX_REF, "appendix"), (ANNEX_REF, "annex")):
        if word == "annex" and not any(not a.isdigit() for a in appendices):
            continue  # a policy without lettered annexes is citing the guidance's annexes
        for match in pattern.finditer(shown):
            window = shown[max(0, match.start() - 40):match.end() + 40]
            if EXTERNAL.search(window):
                continue
            refs = [match.group(1), *re.findall(r"\d{1,2}|[A-Z]\b", match.group(2))]
            missing += [f"{word} {ref}" for ref in refs if ref.upper() not in appendices]
    if not missing:
        return []
    have = ", ".join(sorted(appendices, key=lambda a: (len(a), a))) or "none"
    return [Flag(MISSING_APPENDIX, f"Refers to {', '.join(dict.fromkeys(missing))}, which the "
                 f"policy does not have (appendices found: {have})", line.number)]


def _empty_sections(sections: list[ImportedSection]) -> list[Flag]:
    flags = []
    for n, section in enumerate(sections):
        following = sections[n + 1] if n + 1 < len(sections) else None
        if section.number and following is not None and (
                following.number.startswith(section.number + ".")
                or section.number.startswith("Part ") and not following.number.startswith(
                    "Part ")):
            continue  # "3. Procedures" introducing 3.1, 3.2 ..., or a part's first heading
        content = [line for line in section.body.splitlines()
                   if line.strip() and not is_metadata(line)]
        if not content:
            name = f"{section.number} {section.title}".strip()
            flags.append(Flag(EMPTY_SECTION, f"“{shorten(name, 90)}” has no text",
                              section.line))
    return flags


def _duplicates(lines: Iterable[Line]) -> list[Flag]:
    """Repeated paragraphs: exact after normalising, or near (shingle Jaccard >= 0.8).

    Shingles are indexed so each paragraph is compared only with paragraphs sharing some,
    keeping this linear in practice."""
    flags: list[Flag] = []
    exact: dict[str, int] = {}
    shingles: list[frozenset[int]] = []
    owners: list[int] = []
    index: dict[int, list[int]] = {}
    for line in lines:
        if is_empty_bullet(line.text):
            continue
        key = normalise(split_bullet(plain(line.text))[1])
        tokens = key.split()
        if len(tokens) < DUPLICATE_WORDS:
            continue
        if key in exact:
            flags.append(_duplicate_flag(line, exact[key]))
            continue
        exact[key] = line.number
        if len(tokens) < NEAR_WORDS:
            continue
        mine = frozenset(hash(tuple(tokens[k:k + SHINGLE]))
                         for k in range(len(tokens) - SHINGLE + 1))
        overlap: Counter[int] = Counter()
        for shingle in mine:
            postings = index.get(shingle, ())
            if len(postings) <= MAX_POSTINGS:
                overlap.update(postings)
        for other, shared in overlap.most_common(3):
            if shared / (len(mine) + len(shingles[other]) - shared) >= NEAR_JACCARD:
                flags.append(_duplicate_flag(line, owners[other], near=True))
                break
        for shingle in mine:
            index.setdefault(shingle, []).append(len(shingles))
        shingles.append(mine)
        owners.append(line.number)
    return flags


def _duplicate_flag(line: Line, first: int, near: bool = False) -> Flag:
    how = "Nearly repeats" if near else "Repeats"
    text = split_bullet(plain(line.text))[1]
    return Flag(DUPLICATE, f"{how} line {first}: “{shorten(text, 90)}”", line.number)
