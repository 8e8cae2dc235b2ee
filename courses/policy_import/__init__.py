"""Import a school's own safeguarding policy (.docx, .pdf, .txt, .md) as a proposal.

The result is a proposal for a coordinator to review: sections, key contacts and flags for a
human, nothing shown to staff until confirmed. Pure: no Flask, no database.
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import PurePath

from courses.policy_import.contacts import propose_contacts
from courses.policy_import.extract import extract, mb, source_format
from courses.policy_import.flags import find_flags, merge
from courses.policy_import.markup import plain
from courses.policy_import.model import (
    FLAG_KINDS,
    Flag,
    ImportedPolicy,
    ImportedSection,
    ImportRefused,
    ProposedContact,
)
from courses.policy_import.review_date import review_date
from courses.policy_import.sections import split_sections

__all__ = ["FLAG_KINDS", "Flag", "ImportRefused", "ImportedPolicy", "ImportedSection",
           "ProposedContact", "import_policy"]

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_TITLE = 200
MAX_LINE = 20_000
log = logging.getLogger(__name__)


def import_policy(filename: str, data: bytes, *, title: str | None = None,
                  max_bytes: int = DEFAULT_MAX_BYTES) -> ImportedPolicy:
    """Read an uploaded policy into a proposal; raises ImportRefused, with a message for the
    coordinator, for any file it cannot read."""
    fmt = source_format(filename)
    if not data:
        raise ImportRefused("The file is empty: there is nothing to import.")
    if len(data) > max_bytes:
        raise ImportRefused(f"The file is {mb(len(data))}; the largest policy we accept is "
                            f"{mb(max_bytes)}. Remove large images, or upload it as .docx or "
                            "text rather than a scanned PDF.")
    extracted = extract(fmt, data, max_bytes)
    longest = max(extracted.lines, key=lambda line: len(line.text), default=None)
    if longest is not None and len(longest.text) > MAX_LINE:
        # No real policy has a 20,000-character paragraph; such input would only be slow.
        raise ImportRefused(f"Line {longest.number} is {len(longest.text):,} characters long: "
                            "this does not look like a policy document. Check the file, or "
                            "save it again from Word.")
    try:
        lines = extracted.lines
        outline = split_sections(lines, fmt)
        contacts, contact_flags = propose_contacts(lines, outline)
        flags = merge(outline.flags + find_flags(lines, outline) + contact_flags)
        dated = review_date(line.text for line in lines
                            if line.number not in outline.contents_lines)
    except RecursionError:
        raise ImportRefused("This document is too deeply nested to read.") from None
    except Exception:  # a bug here must not look like a server error to a coordinator
        log.exception("policy import failed on %s", filename)
        raise ImportRefused("We couldn't make sense of this document's text. Try saving it "
                            "again as .docx or plain text and uploading that.") from None
    chosen = next((t for t in (title, outline.title, extracted.title) if t and plain(t)),
                  PurePath(filename).stem or "Policy")
    return ImportedPolicy(
        title=" ".join(plain(chosen).split())[:MAX_TITLE],
        sections=outline.sections,
        contacts=contacts,
        flags=flags,
        review_date=dated,
        source_sha256=hashlib.sha256(data).hexdigest(),
        source_format=fmt,
    )
