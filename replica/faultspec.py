"""The ``faults:`` block of a replica spec: which broken-web faults exist and how an entry is written.

Each entry names a target and a ``fault``. The target is a column's listing (``column: PATH``,
``target: list``) or one of its items (``column: PATH``, ``item: N``); ``times: N`` makes a fault
fire on the first N requests only. ``replica.spec`` validates a spec's block with
:func:`parse_faults`; ``replica.faults`` plays the faults on a served site. This module imports
neither.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from replica.errors import SpecError

# kind → (targets it accepts, outcome when it always fires on a list, on an item). Outcomes are the
# ColumnWalk status of the column / the Detail fetch_status of the item, once the crawler's
# middlewares and the spider's failure statuses are in place (see docs/RELIABILITY.md).
KINDS: dict[str, tuple[tuple[str, ...], str | None, str | None]] = {
    "http_500": (("list", "item"), "error", "error"),
    "timeout": (("list", "item"), "error", "error"),
    "reset": (("list", "item"), "error", "error"),
    "slow": (("list", "item"), "ok", "ok"),
    "redirect_loop": (("list", "item"), "error", "error"),
    "redirect_foreign": (("list", "item"), "error", "out_of_scope"),
    "redirect_private": (("list", "item"), "error", "out_of_scope"),
    "oversized": (("list", "item"), "error", "too_large"),
    "truncated": (("item",), None, "ok"),
    "lying_charset": (("item",), None, "ok"),
    "endless": (("list",), "capped", None),
    "duplicates": (("list",), "ok", None),
}
# Faults that a retry gets past when they fire no more often than the crawler retries.
TRANSIENT = ("http_500", "timeout", "reset")
# Scrapy's RETRY_TIMES in crawler/settings.py: a fault firing this often or less is retried away.
RETRIES = 2
# The longest a fault may hold an answer back, in seconds.
MAX_DELAY = 30.0
_KEYS = {"fault", "column", "target", "item", "times", "delay", "to", "size", "mode"}


@dataclass(frozen=True)
class FaultDef:
    """One planted fault as the spec states it."""

    fault: str
    column: str
    item: int | None = None
    times: int | None = None
    delay: float = 0.0
    to: str | None = None
    size: int = 300_000
    mode: str = "fresh"

    @property
    def target(self) -> str:
        return "list" if self.item is None else "item"

    @property
    def outcome(self) -> str | None:
        """The status a correct crawl records for this fault's column (list) or item."""
        _, on_list, on_item = KINDS[self.fault]
        if self.fault in TRANSIENT and self.times is not None and self.times <= RETRIES:
            return "ok"
        if self.fault == "endless" and self.mode == "same":
            return "ok"
        return on_list if self.target == "list" else on_item


def parse_faults(raw: Any, source: str) -> tuple[FaultDef, ...]:
    """Validate a spec's ``faults:`` list (column references are checked by :func:`check_faults`)."""
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise SpecError(f"{source}: faults must be a list of {{fault, column, item | target: list}}")
    return tuple(_fault_def(entry, i, source) for i, entry in enumerate(raw))


def _fault_def(entry: Any, index: int, source: str) -> FaultDef:
    where = f"{source}: faults[{index}]"
    if not isinstance(entry, dict) or "fault" not in entry or "column" not in entry:
        raise SpecError(f"{where} needs 'fault' and 'column', got {entry!r}")
    unknown = set(entry) - _KEYS
    if unknown:
        raise SpecError(f"{where}: unknown keys {sorted(unknown)}")
    kind = str(entry["fault"])
    if kind not in KINDS:
        raise SpecError(f"{where}: fault must be one of {sorted(KINDS)}, got {kind!r}")
    if ("item" in entry) == (entry.get("target") == "list"):
        raise SpecError(f"{where}: give either 'item: N' or 'target: list'")
    target = "list" if "item" not in entry else "item"
    if target not in KINDS[kind][0]:
        raise SpecError(f"{where}: {kind} applies to {' or '.join(KINDS[kind][0])} targets only")
    try:
        fault = FaultDef(
            fault=kind,
            column=str(entry["column"]),
            item=int(entry["item"]) if "item" in entry else None,
            times=int(entry["times"]) if entry.get("times") is not None else None,
            delay=float(entry.get("delay", 0.0)),
            to=str(entry["to"]) if entry.get("to") else None,
            size=int(entry.get("size", 300_000)),
            mode=str(entry.get("mode", "fresh")),
        )
    except (TypeError, ValueError):
        raise SpecError(f"{where}: item, times, size must be integers and delay a number") from None
    if fault.mode not in ("fresh", "same", "cycle"):
        raise SpecError(f"{where}: mode must be fresh, same or cycle")
    if not 0 <= fault.delay <= MAX_DELAY or (fault.times is not None and fault.times < 1):
        raise SpecError(f"{where}: delay must be 0..{MAX_DELAY} s and times >= 1")
    return fault
