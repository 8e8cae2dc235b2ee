"""Times are stored in UTC and shown in Europe/London."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today_in_london() -> date:
    """Today's date in England, which is what effective and review dates mean."""
    return datetime.now(LONDON).date()


def london(value: datetime | None, fmt: str = "%-d %B %Y, %H:%M") -> str:
    """Format a UTC datetime as London local time, e.g. '20 November 2026, 22:40'."""
    return value.astimezone(LONDON).strftime(fmt) if value else "–"
