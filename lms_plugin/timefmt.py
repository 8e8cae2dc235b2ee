"""Times are stored in UTC and shown in Europe/London."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def london(value: datetime | None, fmt: str = "%-d %B %Y, %H:%M") -> str:
    """Format a UTC datetime as London local time, e.g. '20 November 2026, 22:40'."""
    return value.astimezone(LONDON).strftime(fmt) if value else "–"
