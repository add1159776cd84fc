"""Monitors that read like tests of a finished run (after Spidermon): a run that found nothing,
or a column whose listing shrank sharply against its own history, is flagged, never silently kept.

Thresholds are settings (``ZWGK_MONITOR_*``), not numbers in the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

FOUND_PREFIX = "zwgk/found/"


@dataclass(frozen=True)
class Alert:
    monitor: str
    subject: str
    message: str


def found_per_column(stats: dict[str, Any]) -> dict[str, int]:
    """Items each completely walked column listed in a run, from the run's stats."""
    return {k[len(FOUND_PREFIX) :]: int(v) for k, v in stats.items() if k.startswith(FOUND_PREFIX)}


def check_run(
    stats: dict[str, Any], history: list[dict[str, Any]], min_share: float, min_history: int
) -> list[Alert]:
    """Alerts for one finished run given the stats of earlier runs (newest first)."""
    alerts = []
    if not stats.get("zwgk/listed"):
        alerts.append(Alert("nothing_found", "site", "no list page of the run listed any item"))
    now = found_per_column(stats)
    for column, found in sorted(now.items()):
        past = [found_per_column(h).get(column) for h in history]
        past_counts = [p for p in past if p is not None]
        if len(past_counts) < min_history:
            continue
        best = max(past_counts)
        if best and found < best * min_share:
            alerts.append(
                Alert(
                    "column_shrank",
                    column,
                    f"listed {found} items, against up to {best} in the last {len(past_counts)} complete runs",
                )
            )
    return alerts
