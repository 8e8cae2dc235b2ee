"""Markdown to HTML for module sections (content is validated to hold no raw HTML)."""

from __future__ import annotations

from functools import lru_cache

import markdown
from markupsafe import Markup


@lru_cache(maxsize=512)
def _render(body: str) -> str:
    return markdown.markdown(body, extensions=["sane_lists"], output_format="html")


def render_markdown(body: str) -> Markup:
    return Markup(_render(body))


def kcsie_ref(ref: str) -> str:
    """'24-33' -> 'paragraphs 24 to 33'; 'Annex B: Heading' stays as it is."""
    if ref.isdigit():
        return f"paragraph {ref}"
    first, sep, last = ref.partition("-")
    if sep and first.isdigit() and last.isdigit():
        return f"paragraphs {first} to {last}"
    return ref
