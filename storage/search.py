"""Finding items by a piece of their title, 索引号 (index_no) or 文号 (doc_no), through a trigram index.

Chinese has no spaces between words, so "contains" is the only search that makes sense, and the
index (migration 0006) is of every three-character sequence: SQLite FTS5 ``trigram`` over
``item_search_text`` (a narrow copy of the searchable fields kept by triggers), PostgreSQL
``pg_trgm`` GIN on the items themselves. How :func:`search_statement` finds the items:

- ``index``: three characters or more. The index yields the candidates and the LIKE that searches
  always used (wildcards escaped, so ``%`` and ``_`` are literal) decides, so the answer is the
  LIKE's exactly; on SQLite the candidates come in id order and the scan stops when a page is full.
- ``scan``: one or two characters, which no trigram can look up. The items are read in id order until
  a page is full: quick for common text, up to a whole pass (about 0.2 s per million items; on
  SQLite over the narrow copy, not the wide items) when the text is rare or absent.
- ``like``: an archive not yet migrated to the index; the LIKE over the items, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, column, func, literal_column, or_, select, table, text
from sqlalchemy.orm import Session

from storage.models import Item, Site
from storage.sql import escape_like

SEARCH_FIELDS = ("title", "index_no", "doc_no")
MIN_INDEXED = 3  # a trigram index cannot look up fewer characters
METHODS = ("index", "scan", "like")
SQLITE_TABLES = frozenset(
    {
        "item_search_text",
        "item_search",
        "item_search_data",
        "item_search_idx",
        "item_search_docsize",
        "item_search_config",
    }
)
POSTGRESQL_INDEX = "ix_item_search_trgm"
_READY = "zwgk.search.ready"

# The searchable columns of each field: a title search looks at the item's own title and at the
# title its listing gave it.
_COLUMNS = {"title": ("title", "list_title"), "index_no": ("index_no",), "doc_no": ("doc_no",)}
_TEXT = table(
    "item_search_text",
    column("id"),
    *(column(name) for name in ("title", "list_title", "index_no", "doc_no")),
)
_FTS = table("item_search", column("rowid"))


def is_search_object(name: str | None, type_: str) -> bool:
    """Whether ``name`` is part of the search index, which migrations create but no model describes."""
    return (type_ == "table" and name in SQLITE_TABLES) or (type_ == "index" and name == POSTGRESQL_INDEX)


def include_name(name: str | None, type_: str, _parents: Any) -> bool:
    """Alembic's ``include_name`` hook: compare the schema with the models, leaving out the search
    index (migration 0006 makes it; no model describes it)."""
    return not is_search_object(name, type_)


def search_statement(
    session: Session, columns: Sequence[Any], q: str, field: str = "title", site: str | None = None
) -> tuple[Select[Any], str]:
    """A SELECT of ``columns`` (of ``Item`` and ``Site``) for the items whose ``field`` contains ``q``,
    ordered by item id, and how it finds them (one of :data:`METHODS`). Page it with LIMIT/OFFSET."""
    if field not in SEARCH_FIELDS:
        raise ValueError(f"unknown search field {field!r}; expected one of {', '.join(SEARCH_FIELDS)}")
    if not q:
        raise ValueError("nothing to search for")
    method = _method(session, q)
    matches = _contains([getattr(Item, name) for name in _COLUMNS[field]], q)
    sqlite = session.get_bind().dialect.name == "sqlite"
    stmt: Any
    if method == "index" and sqlite:
        stmt = (
            select(*columns)
            .select_from(_FTS)
            .join(Item, Item.id == _FTS.c.rowid)
            .where(literal_column("item_search").match(_fts_query(field, q)), matches)
            .order_by(_FTS.c.rowid)
        )
    elif method == "scan" and sqlite:
        copy = _quick_contains([_TEXT.c[name] for name in _COLUMNS[field]], q)
        stmt = (
            select(*columns)
            .select_from(_TEXT)
            .join(Item, Item.id == _TEXT.c.id)
            .where(copy, matches)
            .order_by(_TEXT.c.id)
        )
    else:
        stmt = select(*columns).select_from(Item).where(matches).order_by(Item.id)
    stmt = stmt.join(Site, Site.id == Item.site_id)
    if site:
        stmt = stmt.where(Site.slug == site)
    return stmt, method


def _method(session: Session, q: str) -> str:
    if not _index_ready(session):
        return "like"
    # A NUL cannot be part of an FTS5 query; such text is scanned like a short one.
    return "index" if len(q) >= MIN_INDEXED and "\x00" not in q else "scan"


def _contains(columns: Sequence[Any], q: str) -> Any:
    pattern = f"%{escape_like(q)}%"
    return or_(*(c.like(pattern, escape="\\") for c in columns))


def _quick_contains(columns: Sequence[Any], q: str) -> Any:
    """The rows of a SQLite scan that may contain ``q``, tested as cheaply as exactly: SQLite's LIKE
    folds only ASCII letters, so text without them is a plain substring (``instr``, the quickest
    test); otherwise a LIKE, with an ESCAPE clause (slower) only when ``q`` holds a wildcard."""
    if not any("a" <= c <= "z" or "A" <= c <= "Z" for c in q):
        return or_(*(func.instr(c, q) > 0 for c in columns))
    if "%" in q or "_" in q:
        return _contains(columns, q)
    return or_(*(c.like(f"%{q}%") for c in columns))


def _fts_query(field: str, q: str) -> str:
    """An FTS5 query for the phrase ``q`` in the field's columns: inside double quotes every
    character is literal, and a trigram phrase matches wherever ``q`` occurs (case folded)."""
    names = " ".join(_COLUMNS[field])
    phrase = '"' + q.replace('"', '""') + '"'
    return f"{{{names}}} : {phrase}"


def _index_ready(session: Session) -> bool:
    """Whether the archive has the search index (it has once migrated to 0006)."""
    ready = session.info.get(_READY)
    if ready is None:
        if session.get_bind().dialect.name == "sqlite":
            found = session.execute(
                text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'item_search'")
            ).first()
            ready = found is not None
        elif session.get_bind().dialect.name == "postgresql":
            ready = bool(
                session.execute(text(f"SELECT to_regclass('{POSTGRESQL_INDEX}') IS NOT NULL")).scalar()
            )
        else:
            ready = False
        session.info[_READY] = ready
    return bool(ready)
