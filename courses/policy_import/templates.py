"""Text a local-authority template expects a school to replace: placeholders such as
"Name of School" and instructions such as "Explain how ...". Both mean unfinished work."""

from __future__ import annotations

import re

from courses.policy_import.markup import LINK, links_to_text, plain, shorten, split_bullet

PLACEHOLDERS = (
    re.compile(r"\bname\s+of\s+(?:the\s+)?(?:school|college|setting|academy|provider|provision|"
               r"organisation|organization|trust|establishment)(?:\s*/\s*[a-z]+)?\b", re.I),
    re.compile(r"[\[(]\s*(?:insert|add|enter|amend|delete)\b[^\])]*[\])]", re.I),
    re.compile(r"\bX{3,}\b"),
    re.compile(r"\b(?:dd|DD)\s*/\s*(?:mm|MM)\s*/\s*(?:yy|YY){1,2}\b"),
)
EMPTY_LINK = re.compile(r"\]\(\s*#?\s*\)")
BLANK_DATE = re.compile(r"^[\w ]{0,40}\bdate\b[\w ]{0,40}:\s*[_.…\s]*$", re.I)
INSTRUCTIONS = (
    re.compile(r"(?:^|(?<=[.!?:]\s)|[\[(]\s*)(?:briefly\s+)?(?:explain|describe|detail|outline|state|"
               r"specify|insert|list|add|give)\s+(?:how|what|who|when|where|why|here|your|any|"
               r"link|location|details|arrangements|the\s+(?:name|details|arrangements))\b",
               re.I),
    re.compile(r"\bamend(?:ed)?\s+(?:as|where|if)\s+(?:appropriate|necessary|required|needed)",
               re.I),
    re.compile(r"\b(?:remove|delete)\s+(?:this\s+)?(?:if|where|as)\s+(?:not\s+)?(?:applicable|"
               r"appropriate|relevant|necessary|required)\b", re.I),
    re.compile(r"\breplace\s+(?:this\s+|it\s+)?with\s+(?:your|the\s+name|the\s+school|school)",
               re.I),
    re.compile(r"\bhighlighted\s+in\s+(?:yellow|green|red|blue|grey|gray|bold)\b", re.I),
    re.compile(r"\b(?:refer\s+to|make\s+reference\s+to)\s+other\s+policy\s+documents\b", re.I),
    re.compile(r"\b(?:settings|schools?|colleges?|leaders|providers)\s+should\s+(?:list|insert|"
               r"add|explain|describe|detail|state|outline)\b", re.I),
)
# A question put to the person filling in the template, not to staff.
QUESTION = re.compile(r"^(?:how|who|what|when|where)\s+(?:do|does|is|are|will|can|should)\s+"
                      r"(?:you|we|staff|your)\b.*\?", re.I)


def placeholder(text: str) -> str | None:
    """The placeholder text in a line, if any (one is enough to flag the line)."""
    shown = plain(text)
    for pattern in PLACEHOLDERS:
        match = pattern.search(shown)
        if match:
            return match.group(0).strip()
    if EMPTY_LINK.search(text):
        labels = [m.group(2) for m in LINK.finditer(text) if m.group(3).strip() in ("", "#")]
        if labels:
            return "; ".join(f"[{plain(label)}]" for label in labels[:3]) + (
                " …" if len(labels) > 3 else "")
    return None


def blank_date(text: str) -> bool:
    """A 'Date:' field left empty."""
    return bool(BLANK_DATE.match(plain(text)))


# Each instruction pattern contains one of these words.
HINTS = ("explain", "describe", "detail", "outline", "state", "specify", "insert", "list", "add",
         "give", "amend", "remove", "delete", "replace", "highlighted", "refer", "reference",
         "should", "?")


def instruction(text: str, *, heading: bool = False) -> str | None:
    """The template instruction in a line, if any."""
    lowered = text.lower()
    if not any(hint in lowered for hint in HINTS):
        return None
    raw = text.replace("**", "").strip()
    shown = links_to_text(raw)
    shown = split_bullet(shown)[1]
    for pattern in INSTRUCTIONS:
        for candidate in (shown, raw):  # the raw form still has "[Detail how ...](#)"
            match = pattern.search(candidate)
            if match:
                # Quote the whole line unless the instruction is buried late in it.
                start = 0 if match.start() < 60 else match.start()
                return shorten(plain(candidate[start:]).lstrip("[( "), 100)
    if not heading and QUESTION.match(plain(shown)):
        return shorten(plain(shown), 100)
    return None
