"""Inline markup in extracted text: Word-export markers, Markdown links, bold and bullets.

`plain` gives the words for matching and flag text; `inline_markdown` gives Markdown that is
safe to render with python-markdown, which passes raw HTML and any link target through.
"""

from __future__ import annotations

import html
import re

BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]", re.I)
IMAGE = re.compile(r"\[image:\s*([^\]]*)\]", re.I)
# [text](target) with escaped or one level of nested brackets in the text and one level of
# parentheses in the target, e.g. [\[Name of school\]](#) or [x](javascript:alert(1)).
LINK = re.compile(
    r"(!?)\[((?:\\.|[^\[\]\\]|\[(?:\\.|[^\[\]\\])*\])*)\]"
    r"\(\s*((?:[^()\s]|\([^()\s]*\))*)(?:\s+\"[^\"]*\")?\s*\)")
AUTOLINK = re.compile(r"<((?:https?://|mailto:|www\.)[^<>\s]+)>", re.I)
ESCAPED = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|<>~])")
SAFE_TARGET = re.compile(r"^(?:https?://|mailto:)[^\s<>\"']+$", re.I)
EMPHASIS = re.compile(r"\*\*|__")
SPACES = re.compile(r"[ \u00a0\u2000-\u200b]+")
# Word and Markdown bullets; "o" is Word's second-level bullet exported as a letter.
BULLET = re.compile(r"^(?:(?:[·•▪●◦‣∙○■□➢➤►✓✔§]|[-–*+](?=\s|$)|o(?=\s+\S))[ \t]*)+")
WORD = re.compile(r"[A-Za-z0-9][\w'’-]*")


def strip_bookmarks(text: str) -> str:
    """Word's exported bookmark markers ([bookmark: _Toc123]) carry no words."""
    return BOOKMARK.sub("", text) if "[bookmark" in text.lower() else text


def split_bullet(text: str) -> tuple[int, str]:
    """(number of bullet markers, the rest) for a stripped line; (0, text) if no bullet."""
    match = BULLET.match(text)
    if not match:
        return 0, text
    markers = len(re.findall(r"[^\s]", match.group(0)))
    return markers, text[match.end():].strip()


def links_to_text(text: str, *, keep_urls: bool = False) -> str:
    """Markdown links become their text (and web address when keep_urls and it is safe)."""
    def replace(match: re.Match[str]) -> str:
        image, label, target = match.group(1), match.group(2), match.group(3)
        if image:
            return label
        if keep_urls and SAFE_TARGET.match(target) and target.lower() != label.lower():
            return f"{label} ({target})" if label.strip() else target
        return label

    if "](" not in text:
        return text
    return LINK.sub(replace, text)


MARKUP_CHARS = frozenset("[<\\*_")


def plain(text: str) -> str:
    """The words of a line without markup: for matching, titles and quoting in flags."""
    if MARKUP_CHARS.isdisjoint(text):
        return SPACES.sub(" ", text).strip() if "  " in text or "\u00a0" in text \
            else text.strip()
    text = strip_bookmarks(text)
    text = IMAGE.sub(lambda m: m.group(1), text)
    text = AUTOLINK.sub(lambda m: m.group(1), text)
    text = links_to_text(text)
    text = ESCAPED.sub(r"\1", text)
    text = EMPHASIS.sub("", text)
    return SPACES.sub(" ", text).strip()


def inline_markdown(text: str) -> str:
    """One line's text as Markdown that renders no HTML of its own and no unsafe links."""
    text = strip_bookmarks(text)
    text = IMAGE.sub(lambda m: f"(image: {m.group(1).strip()})" if m.group(1).strip() else "",
                     text)
    text = AUTOLINK.sub(lambda m: m.group(1), text)
    text = links_to_text(text, keep_urls=True)
    text = ESCAPED.sub(r"\1", text)
    text = html.escape(text, quote=False)
    # Brackets left over could form reference links with a target defined elsewhere.
    text = text.replace("[", "\\[").replace("]", "\\]")
    return SPACES.sub(" ", text).strip()


def normalise(text: str) -> str:
    """Lower-case words only: how two lines are compared for sameness."""
    return " ".join(WORD.findall(plain(text).lower().replace("’", "'")))


def words(text: str) -> int:
    return len(WORD.findall(text))


def shorten(text: str, limit: int = 120) -> str:
    """Trim to about limit characters at a word boundary, marking the cut with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:.-–— ")
    return cut + "…"
