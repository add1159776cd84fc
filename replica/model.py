"""The generated portal: columns, items and the faults placed on them, as plain frozen values.

``replica.build_site`` produces a :class:`ReplicaSite`; the renderers, the server and the ground
truth only read it, so what is served and what is claimed about it cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from replica.spec import STATE_DAYS, ColumnDef, Spec

# An item's status: served normally, listed but its page is gone, served with spam injected, or
# listed with a link to another host (its page is not served by the replica).
OK = "ok"
NOT_FOUND = "not_found"
HIJACKED = "hijacked"
FOREIGN = "foreign"


@dataclass(frozen=True)
class Attachment:
    """A file linked from a detail page; ``href`` is relative to the page, ``path`` absolute."""

    href: str
    path: str
    label: str
    # The file's bytes when the replica serves a real file (an annual report's PDF or DOCX).
    data: bytes | None = None


@dataclass(frozen=True)
class Item:
    """One published item, with everything its detail page shows."""

    id: int
    home: str
    url: str
    title: str
    pub: datetime
    kind: str
    index_no: str
    publisher: str
    source: str
    topic: str
    doc_no: str | None = None
    written: date | None = None
    paragraphs: tuple[str, ...] = ()
    images: tuple[Attachment, ...] = ()
    video: str | None = None
    # How the video is shown: <video>, iframe (a platform's player), flash (<embed> swf), ckplayer
    player: str = "video"
    attachments: tuple[Attachment, ...] = ()
    status: str = OK
    # When the page was last edited (Last-Modified); None when never edited since ``pub``.
    modified: datetime | None = None
    # A body written as HTML (an annual report with its tables), shown instead of ``paragraphs``.
    body_html: str | None = None

    @property
    def year(self) -> int:
        return self.pub.year

    @property
    def last_modified(self) -> datetime:
        return self.modified or self.pub

    @property
    def served(self) -> bool:
        """Whether the replica serves a detail page for this item (not 404, not on another host)."""
        return self.status in (OK, HIJACKED)

    @property
    def list_date(self) -> date:
        return self.pub.date()


@dataclass(frozen=True)
class Column:
    """A column of the portal; a hub has children and no items, a listing column has items."""

    defn: ColumnDef
    url: str
    column_id: int
    unit_id: int
    items: tuple[Item, ...] = ()
    children: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        return self.defn.path

    @property
    def name(self) -> str:
        return self.defn.name

    @property
    def cms(self) -> str:
        return self.defn.cms

    @property
    def is_hub(self) -> bool:
        return self.defn.is_hub

    @property
    def blocked(self) -> int | None:
        """The HTTP status every page of this column answers with (412/521), or None."""
        return self.defn.blocked

    @property
    def top(self) -> str:
        """The name of the top-level column this column sits under (itself at the top)."""
        return self.path.split("/", 1)[0]


@dataclass(frozen=True)
class ReplicaSite:
    """The whole generated portal: columns by path (spec order), items by URL path.

    ``state`` is the day: 0 is the spec's ``as_of``, state n is ``n × STATE_DAYS`` days later with
    the spec's ``changes`` 1..n applied; ``changes`` lists the URLs changed relative to state n-1
    (keys ``new``, ``removed``, ``edited``, ``redated``, ``hijacked``; empty at state 0). A foreign
    item's key in ``items`` is its absolute URL.
    """

    spec: Spec
    columns: dict[str, Column]
    items: dict[str, Item]
    assets: dict[str, str] = field(default_factory=dict)
    state: int = 0
    changes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.spec.site.name

    @property
    def as_of(self) -> date:
        return self.spec.as_of + timedelta(days=STATE_DAYS * self.state)

    def top_columns(self) -> list[Column]:
        return [self.columns[c.path] for c in self.spec.columns]

    def listing_columns(self) -> list[Column]:
        """Every column that lists items (including empty ones), in spec order; not the hubs."""
        return [c for c in self.columns.values() if not c.is_hub]
