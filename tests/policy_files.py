"""Policy documents for the importer's tests, made here rather than stored: Word files built
from the seed text with python-docx, and small PDFs written by hand."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

SEEDS = Path(__file__).resolve().parent / "seeds"  # three real schools' policies
LEICESTERSHIRE = SEEDS / "leicestershire-ap-policy-template.txt"
ST_STEPHENS = SEEDS / "st-stephens-junior-child-protection-policy.txt"
STEPPING_STONES = SEEDS / "stepping-stones-ap-safeguarding-policy.txt"

HEADING = re.compile(r"^\s*((?!0)\d{1,2}(?:\.\s?\d{1,2})*)\.?\s+[A-Z]")


def seed_lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").split("\n")


def heading_style(text: str) -> str | None:
    """The Word style a school would give this line: Heading n for a short numbered heading,
    Heading 1 for an appendix."""
    if text.strip().lower().startswith("appendix "):
        return "Heading 1"
    match = HEADING.match(text)
    if not match or len(text.split()) > 14 or text.rstrip().endswith(".") or "\t" in text:
        return None
    depth = len(re.split(r"\.\s?", match.group(1)))
    return f"Heading {min(depth, 3)}"


def docx_from_lines(lines: Sequence[str], *, style: Callable[[str], str | None] = lambda t: None,
                    title_line: int | None = None,
                    table: tuple[int, int] | None = None) -> bytes:
    """A Word document with one paragraph per line (so line numbers carry over), the given
    styles, and lines table[0]..table[1] (1-based, inclusive) as a real Word table."""
    import docx

    document = docx.Document()
    body = document.element.body
    for paragraph in list(document.paragraphs):
        body.remove(paragraph._p)
    n = 0
    while n < len(lines):
        number = n + 1
        if table is not None and number == table[0]:
            rows = [line.split("\t") for line in lines[table[0] - 1:table[1]]]
            word_table = document.add_table(rows=len(rows), cols=max(len(r) for r in rows))
            for row, cells in zip(word_table.rows, rows, strict=True):
                for cell, text in zip(row.cells, cells, strict=False):
                    cell.text = text
            n = table[1]
            continue
        text = lines[n]
        if number == title_line:
            document.add_paragraph(text, style="Title")
        else:
            document.add_paragraph(text, style=style(text))
        n += 1
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf(pages: Sequence[Sequence[str]]) -> bytes:
    """A valid PDF with one Helvetica text line (one Tj) per entry, page by page."""
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
                   b"/Encoding /WinAnsiEncoding >>")
    for page_id, page in zip(page_ids, pages, strict=True):
        stream = _text_stream(page)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
                       f"/Resources << /Font << /F1 3 0 R >> >> "
                       f"/Contents {page_id + 1} 0 R >>".encode())
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream
                       + b"\nendstream")
    return _assemble(objects)


def pdf_without_text() -> bytes:
    """A one-page PDF holding only a drawing, like a scan: nothing to extract."""
    stream = b"0.5 g 72 72 200 300 re f"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return _assemble(objects)


def encrypted_pdf(password: str = "secret") -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(pdf([["Safeguarding Policy", "1. Purpose"]]))).pages:
        writer.add_page(page)
    writer.encrypt(user_password=password, owner_password="owner-" + password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_that_is_not_docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("notes.txt", "Not a Word document.")
    return out.getvalue()


def _text_stream(lines: Sequence[str]) -> bytes:
    commands = [b"BT", b"/F1 11 Tf", b"14 TL", b"56 800 Td"]
    for line in lines:
        text = line.encode("cp1252", errors="replace")
        text = text.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
        commands.append(b"(" + text + b") Tj T*")
    commands.append(b"ET")
    return b"\n".join(commands)


def _assemble(objects: list[bytes]) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)
