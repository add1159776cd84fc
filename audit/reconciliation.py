"""One claim of an annual report set beside what the archive holds (:class:`Reconciliation`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from storage.reads import ColumnWalk, ItemRow


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

    @property
    def item_count(self) -> int:
        """How many items stand behind the number (listed in ``items``, or counted)."""
        if self.items or self.filters is None:
            return len(self.items)
        return self.archived or 0

    @property
    def difference(self) -> int | None:
        if self.claimed is None or self.archived is None:
            return None
        return self.archived - self.claimed
