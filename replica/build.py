"""Generate a :class:`ReplicaSite` from a :class:`Spec`, deterministically.

All randomness comes from one ``random.Random(spec.seed)`` consumed in a fixed order, so the same
spec always yields the same columns, items, words and faults. Items themselves are made by
``replica.items``; later days are ``replica.changes`` applied to this day-0 site.
"""

from __future__ import annotations

import logging
import random
from datetime import date, datetime, time, timedelta

from replica.changes import apply_changes
from replica.inspection_cases import plant_cases
from replica.items import assets_of, column_url, folder, make_item
from replica.model import FOREIGN, HIJACKED, NOT_FOUND, Column, Item, ReplicaSite
from replica.reports import place_reports
from replica.spec import FOLDER_STYLES, ColumnDef, Spec, SpecError
from replica.statements import place_statements

logger = logging.getLogger(__name__)


def build_site(spec: Spec, state: int = 0) -> ReplicaSite:
    """The portal described by ``spec`` on day ``state``; the same spec and state always give an equal site.

    State 0 is the spec as written (on ``as_of``); state n applies the spec's ``changes`` 1..n, each
    a later day (``STATE_DAYS`` days apart). Building a later state never alters state 0.
    """
    if state not in spec.states:
        raise SpecError(f"spec {spec.name}: no state {state}; it has states {spec.states}")
    site = plant_cases(_build_base(spec))
    if state:
        for number in range(1, state + 1):
            site = apply_changes(site, number)
    return site


def _build_base(spec: Spec) -> ReplicaSite:
    rng = random.Random(spec.seed)
    defs = spec.all_columns()
    counts = _resolve_counts(spec, rng)
    ids = rng.sample(range(1000, 9999), len(defs))
    units = rng.sample(range(100000, 999999), len(defs))
    shells = {
        d.path: Column(defn=d, url=column_url(d, spec, ids[i]), column_id=ids[i], unit_id=units[i])
        for i, d in enumerate(defs)
    }

    stubs = [
        (pub, d.path)
        for d in defs
        if not d.is_hub
        for year, n in sorted(counts[d.path].items())
        for pub in _datetimes(rng, spec, year, n)
    ]
    stubs.sort()
    items = _make_items(spec, rng, stubs, shells)
    listings: dict[str, list[Item]] = {d.path: [] for d in defs}
    for item in items.values():
        listings[item.home].append(item)
    items = _place_faults(spec, rng, items, listings)
    _place_foreign(spec, rng, items, listings, shells)
    place_reports(spec, items, listings)  # after every random draw: the reports take over existing items
    place_statements(spec, items, listings)  # and the 政府网站工作年度报表, dated in January

    columns: dict[str, Column] = {}
    for d in defs:
        shell = shells[d.path]
        ordered = sorted(listings[d.path], key=lambda i: (i.pub, i.id), reverse=True)
        columns[d.path] = Column(
            defn=d,
            url=shell.url,
            column_id=shell.column_id,
            unit_id=shell.unit_id,
            items=tuple(ordered),
            children=tuple(c.path for c in d.children),
        )
    site = ReplicaSite(spec=spec, columns=columns, items=items, assets=assets_of(items))
    logger.debug("built replica %s: %d columns, %d items", spec.name, len(columns), len(items))
    return site


def _resolve_counts(spec: Spec, rng: random.Random) -> dict[str, dict[int, int]]:
    """Items per year for every column: its own counts, or a weighted share of its hub's pool."""
    counts: dict[str, dict[int, int]] = {}
    for top in spec.columns:
        _resolve(top, None, counts, rng)
    return counts


def _resolve(
    column: ColumnDef, pool_owner: ColumnDef | None, counts: dict[str, dict[int, int]], rng: random.Random
) -> None:
    counts[column.path] = dict(column.counts or {})
    if not column.is_hub:
        if column.counts is None and pool_owner is None:
            raise SpecError(f"column {column.path}: no counts and no hub pool to draw from")
        return
    owner = column if column.pool is not None else pool_owner
    for child in column.children:
        _resolve(child, owner, counts, rng)
    if column.pool is None:
        return
    drawers = [c for c in column.walk() if not c.is_hub and c.counts is None]
    weights = [c.weight * rng.uniform(0.6, 1.4) for c in drawers]
    for year, total in sorted(column.pool.items()):
        for c, share in zip(drawers, _apportion(total, weights), strict=True):
            if share:
                counts[c.path][year] = share


def _apportion(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` by ``weights`` with the largest-remainder method (exact sum)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(exact)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


def _datetimes(rng: random.Random, spec: Spec, year: int, n: int) -> list[datetime]:
    first = date(year, 1, 1)
    last = min(date(year, 12, 31), spec.as_of)
    span = (last - first).days
    out = []
    for _ in range(n):
        day = first + timedelta(days=rng.randint(0, span))
        out.append(
            datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 10, 15, 20, 30, 40, 45, 50))))
        )
    return out


def _make_items(
    spec: Spec, rng: random.Random, stubs: list[tuple[datetime, str]], shells: dict[str, Column]
) -> dict[str, Item]:
    items: dict[str, Item] = {}
    next_id = 2000
    index_seq: dict[int, int] = {}
    doc_seq: dict[int, int] = {}
    # Looked up once: spec.column() and folder() walk the tree, and there are thousands of stubs.
    by_path = {c.path: c for c in spec.all_columns()}
    folders = {c.path: folder(c, spec) for c in by_path.values() if c.cms in FOLDER_STYLES and not c.is_hub}
    for pub, path in stubs:
        next_id += rng.randint(1, 6)
        index_seq[pub.year] = index_seq.get(pub.year, 0) + 1
        item = make_item(
            spec,
            rng,
            by_path[path],
            shells[path],
            folders.get(path, ""),
            pub,
            next_id,
            index_seq[pub.year],
            doc_seq,
        )
        items[item.url] = item
    return items


def _place_faults(
    spec: Spec, rng: random.Random, items: dict[str, Item], listings: dict[str, list[Item]]
) -> dict[str, Item]:
    """Mark the hijacked and the 404 item, and cross-list items into a second column."""
    taken: set[str] = set()

    def pick(column: str, year: int, need_county: bool = False) -> Item:
        pool = [
            i
            for i in listings[column]
            if i.year == year and i.url not in taken and (not need_county or spec.site.county in i.title)
        ]
        if not pool:
            raise SpecError(f"spec {spec.name}: no item in {column} in {year} to place a fault on")
        chosen = rng.choice(sorted(pool, key=lambda i: i.id))
        taken.add(chosen.url)
        return chosen

    for fault, status in ((spec.hijack, HIJACKED), (spec.not_found, NOT_FOUND)):
        chosen = pick(fault.column, fault.year, need_county=status == HIJACKED)
        marked = Item(**{**chosen.__dict__, "status": status})
        items[chosen.url] = marked
        home = listings[chosen.home]
        home[home.index(chosen)] = marked
    for fault in spec.cross_listed:
        chosen = pick(fault.column, fault.year)
        listings[fault.target or ""].append(items[chosen.url])
    return items


def _place_foreign(
    spec: Spec,
    rng: random.Random,
    items: dict[str, Item],
    listings: dict[str, list[Item]],
    shells: dict[str, Column],
) -> None:
    """List one item per ``foreign`` entry whose link points to another host (a cross-posted article)."""
    if not spec.foreign:
        return
    next_id = max(i.id for i in items.values())
    for fault in spec.foreign:
        next_id += rng.randint(1, 6)
        [pub] = _datetimes(rng, spec, fault.year, 1)
        column = spec.column(fault.column)
        made = make_item(spec, rng, column, shells[column.path], "", pub, next_id, 1, {})
        url = (
            f"http://{spec.foreign_host}/art/{pub.year}/{pub.month}/{pub.day}/"
            f"art_{rng.randint(1000, 9999)}_{next_id}.html"
        )
        foreign = Item(
            **{
                **made.__dict__,
                "url": url,
                "kind": "article",
                "index_no": "",
                "doc_no": None,
                "written": None,
                "images": (),
                "video": None,
                "attachments": (),
                "status": FOREIGN,
            }
        )
        items[url] = foreign
        listings[column.path].append(foreign)
