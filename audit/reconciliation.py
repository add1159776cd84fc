"""One claim of an annual report set beside what the archive holds (:class:`Reconciliation`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.reads import ColumnWalk, ItemRow


@dataclass(frozen=True)
class Measure:
    """The unit a media claim was counted in, and the figure in the other unit beside it.

    ``used`` is ``images`` (按张: distinct image files in the year's picture items) or ``items``
    (按条); ``other`` is the figure by the other measure (``other_measure``: ``items``, ``images``, or
    ``sources`` — distinct video files); ``files`` the distinct file URLs counted (for the evidence).
    """

    unit: str
    used: str
    used_label: str
    note: str
    items: int
    other_measure: str
    other_label: str
    other: int
    files: tuple[str, ...] = ()
    file_items: tuple[str, ...] = ()  # for each file, the first item that shows it

    def summary(self) -> str:
        """``张 → 按张 (distinct images)；另按条 (items)：96`` — which unit, and the other figure."""
        return f"{self.note}；另{self.other_label}：{self.other}"

    def as_dict(self, files: bool = True) -> dict[str, Any]:
        """JSON-ready; ``files`` False leaves out the file list (its length is the figure)."""
        record = {
            "unit": self.unit,
            "used": self.used,
            "used_label": self.used_label,
            "note": self.note,
            "items": self.items,
            "other_measure": self.other_measure,
            "other_label": self.other_label,
            "other": self.other,
        }
        return {**record, "files": list(self.files)} if files else record


@dataclass(frozen=True)
class Reconciliation:
    """One claim of the report against the archive."""

    key: str
    label: str
    scope: str
    unit: str
    text: str
    checkable: bool
    reason: str | None
    claimed: int | None
    archived: int | None
    definition: str = ""
    items: tuple[ItemRow, ...] = ()
    evidence: dict[str, Any] = field(default_factory=dict)
    approximate: bool = False
    # What the items behind ``archived`` are (``claim_filters``), when the number counts items; with
    # ``items`` left empty (``with_items=False``) the number is a count and the items a paged list.
    filters: dict[str, Any] | None = None
    walks: tuple[ColumnWalk, ...] = ()  # the columns not walked whole the items may be listed in
    measure: Measure | None = None  # a media claim: the unit counted in, the other figure beside

    @property
    def unit_note(self) -> str:
        """Which unit the archived number is in and the other figure (media claims), else empty."""
        return self.measure.summary() if self.measure is not None else ""

    @property
    def item_count(self) -> int:
        """How many items stand behind the number (listed in ``items``, or counted)."""
        if self.items or self.filters is None:
            return len(self.items)
        if self.measure is not None:  # the number may count image files, the items are the kind's
            return self.measure.items
        return self.archived or 0

    @property
    def difference(self) -> int | None:
        if self.claimed is None or self.archived is None:
            return None
        return self.archived - self.claimed
