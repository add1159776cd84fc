"""The crawl's clock: where the spider and the pipelines read the time, so tests can freeze it.

Set ``ZWGK_CLOCK`` to a :class:`Clock` (e.g. :class:`FixedClock`) to run a crawl at a chosen
moment; unset, the system clock (UTC) is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Protocol


class Clock(Protocol):
    """Tells the time: always timezone-aware UTC."""

    def now(self) -> datetime: ...


class SystemClock:
    """The machine's clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at ``moment`` (tests; a crawl replayed as of a date)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


def clock_from_settings(settings: Any) -> Clock:
    """The clock named by ``ZWGK_CLOCK`` (a Clock instance), else the system clock."""
    clock = settings.get("ZWGK_CLOCK") if settings is not None else None
    return clock if clock is not None else SystemClock()


def today(clock: Clock) -> date:
    """The clock's date (UTC)."""
    return clock.now().date()


__all__ = ["Clock", "FixedClock", "SystemClock", "clock_from_settings", "today"]
