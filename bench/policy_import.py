"""Importing a long school policy: wall time and peak memory for a ~200-page document (about
100,000 words, the three seed policies repeated) as .txt and as .docx. The goal is under 2
seconds for each, which needs every step to stay linear in the document's length."""

from __future__ import annotations

import gc
import io
import resource
import sys
import time
import tracemalloc
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SEEDS = REPO / "tests" / "seeds"
TARGET_WORDS = 100_000
WORDS_PER_PAGE = 500
GOAL_SECONDS = 2.0


def long_policy() -> str:
    """The seed policies concatenated until the text reaches TARGET_WORDS."""
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))]
    parts: list[str] = []
    total = 0
    while total < TARGET_WORDS:
        for text in seeds:
            parts.append(text)
            total += len(text.split())
    return "\n".join(parts)


def as_docx(text: str) -> bytes:
    import docx

    document = docx.Document()
    body = document.element.body
    template = document.add_paragraph()._p
    body.remove(template)
    for line in text.split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _measure(name: str, filename: str, data: bytes) -> None:
    from courses.policy_import import import_policy

    gc.collect()
    start = time.perf_counter()
    result = import_policy(filename, data, max_bytes=100 * 1024 * 1024)
    elapsed = time.perf_counter() - start
    # tracemalloc slows Python down several times, so memory is measured on a second run.
    tracemalloc.start()
    import_policy(filename, data, max_bytes=100 * 1024 * 1024)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    verdict = "met" if elapsed < GOAL_SECONDS else "MISSED"
    print(f"policy import ({name}, {len(data) / 1_048_576:.1f} MB): {elapsed:.2f} s, "
          f"{len(result.sections)} sections, {len(result.contacts)} contacts, "
          f"{len(result.flags)} flags; peak Python memory {peak / 1_048_576:.0f} MB "
          f"(tracemalloc), process max RSS {maxrss_mb:.0f} MB; goal < {GOAL_SECONDS:.0f} s "
          f"{verdict}")


def main() -> None:
    text = long_policy()
    words = len(text.split())
    print(f"policy import: {words:,} words, {len(text.splitlines()):,} lines, about "
          f"{words // WORDS_PER_PAGE} pages")
    _measure("txt", "long-policy.txt", text.encode("utf-8"))
    _measure("docx", "long-policy.docx", as_docx(text))


if __name__ == "__main__":
    main()
