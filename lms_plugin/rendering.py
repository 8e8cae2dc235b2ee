"""Markdown to HTML for module sections, safe for text a school uploaded.

Raw HTML is shown as text, never passed through, and links keep only safe schemes, so an
imported or edited policy cannot put script into a page.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from functools import lru_cache

import markdown
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor
from markupsafe import Markup

SAFE_SCHEMES = ("http://", "https://", "mailto:", "tel:", "#", "/")


def _safe(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(SAFE_SCHEMES) and not url.startswith("//")


class _SafeLinks(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for element in root.iter():
            href = element.get("href")
            if href is not None and not _safe(href):
                del element.attrib["href"]
            src = element.get("src")
            # Images only from this site: an uploaded policy must not load (and track
            # readers with) pictures from elsewhere.
            if src is not None and (not src.startswith("/") or src.startswith("//")):
                del element.attrib["src"]


class _NoRawHtml(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (library's name)
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
        md.treeprocessors.register(_SafeLinks(md), "safe_links", 0)


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Markdown instances keep state between calls, so one per thread.
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=["sane_lists", _NoRawHtml()],
                                      output_format="html")
    return _local.md


@lru_cache(maxsize=512)
def _render(body: str) -> str:
    md = _converter()
    try:
        return md.convert(body)
    finally:
        md.reset()


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
