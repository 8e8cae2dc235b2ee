"""Uploaded bytes -> numbered lines of text, for .docx, .pdf, .txt and .md.

Everything a coordinator is told about a line (flags, section starts) uses these numbers, so
for .txt and .md they are the source file's own line numbers.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from courses.policy_import.model import ImportRefused

FORMATS = {".docx": "docx", ".pdf": "pdf", ".txt": "txt", ".md": "md"}
ACCEPTED = "a Word document (.docx), a PDF (.pdf) or a text file (.txt or .md)"
# Formats people commonly try; each gets a hint on how to convert it.
CONVERTIBLE = {".doc", ".odt", ".rtf", ".pages", ".wpd", ".dotx", ".docm"}
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# A .docx is compressed XML; far more than this unpacked is a zip bomb, not a policy.
MAX_UNPACKED_FACTOR = 20
MAX_UNPACKED_FLOOR = 200 * 1024 * 1024

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
HEADING_STYLE = re.compile(r"^heading\s*([1-9])$", re.I)
PAGE_NUMBER = re.compile(r"^(?:page\s*)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$", re.I)


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based, in the extracted text
    text: str
    heading_level: int | None = None  # from a Word style: 0 for Title, n for Heading n


@dataclass
class Extracted:
    format: str
    lines: list[Line]
    title: str | None = None  # the docx core-properties title, when there is one


def mb(size: int) -> str:
    """A byte count as megabytes for a coordinator: 10485760 -> '10 MB'."""
    return f"{size / 1_048_576:.3g} MB"


def source_format(filename: str) -> str:
    """The format implied by a file name's extension; refuses anything not accepted."""
    suffix = PurePath(filename or "").suffix.lower()
    if suffix in FORMATS:
        return FORMATS[suffix]
    shown = PurePath(filename or "").name or "This file"
    message = f"“{shown}” can't be imported: upload {ACCEPTED}."
    if suffix in CONVERTIBLE:
        message += (" Open it in Word or LibreOffice, choose Save As and pick"
                    " Word Document (.docx), then upload that.")
    raise ImportRefused(message)


def extract(fmt: str, data: bytes, max_bytes: int) -> Extracted:
    """The document's lines; raises ImportRefused for damaged, protected or empty files."""
    if fmt == "docx":
        extracted = _docx(data, max_bytes)
    elif fmt == "pdf":
        extracted = _pdf(data)
    else:
        extracted = Extracted(fmt, text_lines(decode_text(data)))
    if not any(line.text.strip() for line in extracted.lines):
        raise ImportRefused("The document has no text in it to import.")
    return extracted


def text_lines(text: str) -> list[Line]:
    """Split text as editors number it: CRLF, LF or a lone CR ends a line."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\f", " ").replace("\v", " ").replace("\x00", "")
    return [Line(n, t) for n, t in enumerate(text.split("\n"), start=1)]


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without a BOM), else Windows-1252, else refuse."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
    raise ImportRefused("This doesn't read as a text file: it isn't UTF-8 or Windows-1252 "
                        "text. Save it as plain text (UTF-8) and upload it again, or upload "
                        "the Word document instead.")


# --- Word ---------------------------------------------------------------------------------

def _docx(data: bytes, max_bytes: int) -> Extracted:
    if data.startswith(OLE2_MAGIC):
        raise ImportRefused(
            "This Word document is password-protected (encrypted), so its text can't be read. "
            "Open it in Word, remove the password (File > Info > Protect Document > Encrypt "
            "with Password), save it as .docx and upload it again. (An old-style .doc file "
            "renamed to .docx looks the same: save it as .docx from Word.)")
    damaged = ("This file isn't a readable Word document (.docx): it may be damaged, or "
               "another kind of file renamed to .docx. Open it in Word, save it again as "
               ".docx and upload that.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise ImportRefused(damaged) from None
    if "word/document.xml" not in names:
        raise ImportRefused("This file is a zip archive but not a Word document (.docx). "
                            f"Upload {ACCEPTED}.")
    limit = max(MAX_UNPACKED_FLOOR, max_bytes * MAX_UNPACKED_FACTOR)
    if unpacked > limit:
        raise ImportRefused(f"This Word document unpacks to {mb(unpacked)}, more than the "
                            f"{mb(limit)} we can read. Remove large images or split it.")
    try:
        import docx

        document = docx.Document(io.BytesIO(data))
        styles = _style_names(document)
        lines: list[Line] = []
        for text, level in _blocks(document.element.body, styles):
            for part in text.split("\n"):
                lines.append(Line(len(lines) + 1, part, level))
                level = None  # only the paragraph's first line is the heading
        title = (document.core_properties.title or "").strip() or None
    except ImportRefused:
        raise
    except Exception:  # python-docx and lxml raise many kinds for a damaged package
        raise ImportRefused(damaged) from None
    return Extracted("docx", lines, title)


def _style_names(document: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    try:
        for style in document.styles:
            names[style.style_id] = style.name or style.style_id
    except Exception:  # a damaged styles part only costs us heading levels
        return names
    return names


def _blocks(parent: Any, styles: dict[str, str]) -> Iterator[tuple[str, int | None]]:
    """(text, heading level) for paragraphs and table rows, in document order."""
    for child in parent:
        tag = child.tag
        if tag == W + "p":
            boxes: list[Any] = []
            parts: list[str] = []
            _run_text(child, parts, boxes)
            yield "".join(parts), _heading_level(child, styles)
            for box in boxes:
                yield from _blocks(box, styles)
        elif tag == W + "tbl":
            for row in child.iterchildren(W + "tr"):
                cells = [_cell_text(cell, styles) for cell in row.iterchildren(W + "tc")]
                yield "\t".join(cells), None
        elif tag in (W + "sdt", W + "customXml"):
            content = child.find(W + "sdtContent") if tag == W + "sdt" else child
            if content is not None:
                yield from _blocks(content, styles)


def _cell_text(cell: Any, styles: dict[str, str]) -> str:
    # A cell's paragraphs become one cell of the row line: tabs and breaks would split it.
    parts = [text for text, _ in _blocks(cell, styles) if text.strip()]
    return "; ".join(" ".join(p.replace("\t", " ").replace("\n", "; ").split()) for p in parts)


def _run_text(element: Any, out: list[str], boxes: list[Any]) -> None:
    for child in element:
        tag = child.tag
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        elif tag == W + "txbxContent":
            boxes.append(child)
        elif tag in (W + "pPr", W + "rPr", MC_FALLBACK, W + "del", W + "moveFrom"):
            continue  # properties, deleted text, and the duplicate copy of a drawing
        elif isinstance(tag, str):
            _run_text(child, out, boxes)


def _heading_level(paragraph: Any, styles: dict[str, str]) -> int | None:
    props = paragraph.find(W + "pPr")
    if props is None:
        return None
    style = props.find(W + "pStyle")
    if style is not None:
        name = styles.get(style.get(W + "val", ""), style.get(W + "val", ""))
        if name.lower() == "title":
            return 0
        match = HEADING_STYLE.match(name)
        if match:
            return int(match.group(1))
    outline = props.find(W + "outlineLvl")
    if outline is not None and (outline.get(W + "val") or "").isdigit():
        level = int(outline.get(W + "val")) + 1
        return level if level <= 9 else None
    return None


# --- PDF ----------------------------------------------------------------------------------

def _pdf(data: bytes) -> Extracted:
    damaged = ("This file isn't a readable PDF: it may be damaged or not really a PDF. "
               "Save it again as PDF, or upload the Word document instead.")
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except Exception:  # pypdf raises many kinds for a damaged file
        raise ImportRefused(damaged) from None
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))  # an owner password alone still lets us read
        except Exception:
            opened = False
        if not opened:
            raise ImportRefused("This PDF is password-protected (encrypted), so its text "
                                "can't be read. Save a copy without the password and upload "
                                "that, or upload the Word document instead.")
    pages: list[list[str]] = []
    try:
        for page in reader.pages:
            try:
                text = page.extract_text() or ""
            except Exception:  # one bad page should not lose the rest
                text = ""
            pages.append(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    except Exception:
        raise ImportRefused(damaged) from None
    letters = sum(ch.isalpha() for page in pages for line in page for ch in line)
    if letters < 20:
        raise ImportRefused("This PDF has no text we can extract: it looks like a scanned "
                            "image. Upload the original Word document, or a PDF saved from "
                            "it rather than scanned.")
    return Extracted("pdf", _without_page_furniture(pages))


def _without_page_furniture(pages: list[list[str]]) -> list[Line]:
    """Join pages, dropping bare page numbers and headers/footers repeated on most pages.

    Dropped lines still count, so a line's number is its place in the extracted text."""
    def key(text: str) -> str:
        return re.sub(r"\d+", "#", " ".join(text.split()).lower())

    edges: Counter[str] = Counter()
    for page in pages:
        filled = [t for t in page if t.strip()]
        for text in {key(t) for t in filled[:1] + filled[-1:]}:
            edges[text] += 1
    repeated = {k for k, n in edges.items() if len(pages) >= 3 and n >= 0.6 * len(pages)}
    lines: list[Line] = []
    number = 0
    for page in pages:
        filled = [i for i, t in enumerate(page) if t.strip()]
        edge = set(filled[:1] + filled[-1:])
        for i, text in enumerate(page):
            number += 1
            if i in edge and (PAGE_NUMBER.match(text.strip()) or key(text) in repeated):
                continue
            lines.append(Line(number, text))
    return lines
