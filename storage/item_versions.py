"""Versions of an item's content: a new version whenever a good fetch brings a new content hash,
copied from the item row, and an ``edited`` (and ``redated``) finding when a page changed after its
first capture."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, cast

from sqlalchemy import Integer, Table, bindparam, select
from sqlalchemy.orm import Session

from storage.batching import statement
from storage.findings import record_finding
from storage.models import Item, ItemVersion

ITEM = cast(Table, Item.__table__)
VERSION = cast(Table, ItemVersion.__table__)
VERSION_FIELDS = ("title", "published_on", "written_on", "doc_no", "index_no", "publisher", "body_text")


def latest_versions(session: Session, item_ids: Sequence[int]) -> dict[int, tuple[int, str]]:
    """Each item's latest version number and content hash, for the items that have one."""
    stmt = statement(session, "latest_versions", _latest_versions_select)
    latest: dict[int, tuple[int, str]] = {}
    for item_id, number, digest in session.connection().execute(stmt, {"ids": list(item_ids)}):
        if item_id not in latest or number > latest[item_id][0]:
            latest[item_id] = (number, digest)
    return latest


def _latest_versions_select(insert: Callable[..., Any]) -> Any:
    c = VERSION.c
    return select(c.item_id, c.version_no, c.content_hash).where(
        c.item_id.in_(bindparam("ids", expanding=True))
    )


def add_versions(
    session: Session,
    site_id: int,
    fetched: Sequence[tuple[int, Any, dict[str, Any]]],
    latest: Mapping[int, tuple[int, str]],
    run_id: int | None,
) -> None:
    """Copy each item whose good fetch brought a new content hash into a new version."""
    new: list[dict[str, Any]] = []
    edits: list[tuple[int, Any, int]] = []
    for item_id, row, values in fetched:
        digest = values.get("content_hash")
        if values["fetch_status"] != "ok" or digest is None:
            continue
        number, previous = latest.get(item_id, (0, None))
        if digest == previous:
            continue
        new.append({"v_item": item_id, "v_no": number + 1, "v_at": row.seen_at, "v_capture": row.capture_id})
        if number:
            edits.append((item_id, row, number))
    if new:
        session.connection().execute(statement(session, "version", _version_insert), new)
    for item_id, row, number in edits:
        _record_edit(session, site_id, item_id, row, number, run_id)


def _version_insert(insert: Callable[..., Any]) -> Any:
    c = ITEM.c
    copied = select(
        c.id,
        bindparam("v_no", type_=Integer()),
        c.content_hash,
        bindparam("v_at", type_=c.last_seen.type),
        bindparam("v_capture", type_=Integer()),
        *(c[name] for name in VERSION_FIELDS),
    ).where(c.id == bindparam("v_item"))
    names = ["item_id", "version_no", "content_hash", "captured_at", "capture_id", *VERSION_FIELDS]
    return VERSION.insert().from_select(names, copied)


def _record_edit(
    session: Session, site_id: int, item_id: int, row: Any, before: int, run_id: int | None
) -> None:
    """Tell the auditor that an item changed after its first capture (and when its date changed)."""
    old, new = (
        session.execute(
            select(ItemVersion).where(ItemVersion.item_id == item_id, ItemVersion.version_no == number)
        ).scalar_one()
        for number in (before, before + 1)
    )
    changed = [name for name in VERSION_FIELDS if getattr(old, name) != getattr(new, name)]
    seen = row.seen_at.isoformat()
    evidence = {
        "from_version": old.version_no,
        "to_version": new.version_no,
        "from_hash": old.content_hash,
        "to_hash": new.content_hash,
        "fields_changed": changed,
        "seen_at": seen,
    }
    report = partial(
        record_finding, session, site_id, item_id=item_id, capture_id=row.capture_id, run_id=run_id
    )
    report("edited", row.url, row.seen_at, evidence=evidence)
    if "published_on" in changed:
        dates = {
            "from_published_on": old.published_on.isoformat() if old.published_on else None,
            "to_published_on": new.published_on.isoformat() if new.published_on else None,
            "from_version": old.version_no,
            "to_version": new.version_no,
            "seen_at": seen,
        }
        report("redated", row.url, row.seen_at, evidence=dates)
