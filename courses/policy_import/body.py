"""A section's source lines -> Markdown safe to render: paragraphs, nested bullet lists,
table rows and short sub-headings in bold."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from courses.policy_import.markup import inline_markdown, plain, split_bullet, strip_bookmarks

TEXT, ITEM, ROW = "text", "item", "row"
# At the start of a line these would change what python-markdown makes of it.
NUMBERED_START = re.compile(r"^(\d+)([.)])(\s)")
RULE = re.compile(r"^[-=_*~\s]{3,}$")
LABEL_LIMIT = 8
INDENT = "    "


@dataclass
class Block:
    kind: str
    text: str
    indent: int = 0
    cells: tuple[str, ...] = ()
    blank_before: bool = False


def is_empty_bullet(text: str) -> bool:
    """'· ' or '-' with nothing after it: a template list nobody filled in."""
    markers, rest = split_bullet(strip_bookmarks(text).strip())
    return markers > 0 and not rest


def render(texts: Sequence[str], *, soft_wrapped: bool = False) -> str:
    """Markdown for a body. soft_wrapped: consecutive lines continue one paragraph (PDF, .md)."""
    chunks: list[list[str]] = []  # lines of one paragraph or one list; blank lines between
    sources: list[str | None] = []  # a paragraph's source text, to bold it if it is a label
    depths: list[int] = []  # indents of the open list levels
    previous: Block | None = None
    blocks = _join_broken(_blocks(texts))
    # In wrapped text a line well short of the widest one ended its paragraph.
    wide = max((len(b.text) for b in blocks if b.kind == TEXT), default=0)
    for block in blocks:
        if block.kind == TEXT:
            line = _text(block.text)
            if not line:
                continue
            if (soft_wrapped and previous is not None and previous.kind == TEXT
                    and not block.blank_before and sources and sources[-1] is not None
                    and len(previous.text) >= 0.6 * wide):
                chunks[-1].append(line)
            else:
                chunks.append([line])
                sources.append(block.text)
        else:
            cells = block.cells or (block.text,)
            line = " — ".join(t for t in (_text(c) for c in cells) if t)
            if not line:
                continue
            if not sources or sources[-1] is not None:
                chunks.append([])
                sources.append(None)
                depths = []
            chunks[-1].append(f"{INDENT * _depth(depths, block.indent)}- {line}")
        previous = block
    # A short line introducing a list or a paragraph reads as a sub-heading: show it in bold.
    for n, (chunk, source) in enumerate(zip(chunks, sources, strict=True)):
        following = sources[n + 1] if n + 1 < len(sources) else ""
        if source is not None and len(chunk) == 1 and n + 1 < len(chunks) and (
                following is None or len(following.split()) > 12):
            chunk[0] = _bold_if_label(source, chunk[0])
    return "\n\n".join("\n".join(chunk) for chunk in chunks)


def _blocks(texts: Sequence[str]) -> list[Block]:
    blocks: list[Block] = []
    blank = False
    for raw in texts:
        text = strip_bookmarks(raw).rstrip()
        content = text.strip()
        if not content:
            blank = True
            continue
        indent = _indent(text)
        markers, rest = split_bullet(content)
        if markers:
            if rest:
                blocks.append(Block(ITEM, rest, indent + 4 * (markers - 1), blank_before=blank))
                blank = False
            continue  # an empty bullet is flagged, not shown
        inner = text.strip(" ").lstrip("\t")  # a trailing tab still marks a table row
        cells = tuple(c.strip() for c in inner.split("\t") if c.strip())
        if "\t" in inner and cells:
            blocks.append(Block(ROW, "", 0, cells, blank))
        elif len(plain(cells[0] if cells else "")) > 1:
            blocks.append(Block(TEXT, cells[0], indent, blank_before=blank))
        else:
            continue  # a stray character left by OCR or a drawing
        blank = False
    return blocks


def _join_broken(blocks: list[Block]) -> list[Block]:
    """Re-join a paragraph broken across lines: the next part starts in lower case."""
    joined: list[Block] = []
    for block in blocks:
        last = joined[-1] if joined else None
        if (last is not None and block.kind == TEXT and last.kind in (TEXT, ITEM)
                and block.text[:1].islower() and not last.text.rstrip("*_ ").endswith(
                    (".", "!", "?", ":", ";"))):
            if re.search(r"[a-z]-$", last.text):
                last.text = last.text[:-1] + block.text
            else:
                last.text = f"{last.text} {block.text}"
            continue
        joined.append(block)
    return joined


def _indent(text: str) -> int:
    width = 0
    for ch in text:
        if ch == "\t":
            width += 4
        elif ch == " ":
            width += 1
        else:
            break
    return width


def _depth(depths: list[int], indent: int) -> int:
    # A list's first item sets its level; deeper indents nest one level at a time.
    while depths and indent < depths[-1]:
        depths.pop()
    if not depths or indent > depths[-1]:
        depths.append(indent)
    return len(depths) - 1


def _text(text: str) -> str:
    line = inline_markdown(text)
    if RULE.match(line):
        return ""
    line = NUMBERED_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}{m.group(3)}", line)
    if line.startswith(("#", "+ ", "=", "|")):
        line = "\\" + line
    return line


def _bold_if_label(source: str, line: str) -> str:
    words = plain(source)
    if ("**" in line or len(words.split()) > LABEL_LIMIT or len(words) > 80
            or words.endswith((".", ",", ";", "!")) or re.search(r"\d|@|www\.|https?:", words)
            or not words[:1].isupper() or re.search(r":\s*\S", words)):
        return line
    return f"**{line}**"
