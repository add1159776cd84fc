"""Later days of a replica: apply one state's ``changes`` block to the site of the day before.

Each state draws from its own ``random.Random`` (seeded from the spec's seed and the state number),
so building state 1 never disturbs state 0, and the same spec always gives the same later days.
"""

from __future__ import annotations

import logging
import random
from dataclasses import replace
from datetime import datetime, time, timedelta

from replica import titles
from replica.inspection_cases import FOLDER as CASES_FOLDER
from replica.items import assets_of, folder, make_item
from replica.model import HIJACKED, OK, Column, Item, ReplicaSite
from replica.spec import STATE_DAYS, Fault, SpecError

logger = logging.getLogger(__name__)

CHANGE_KINDS = ("new", "removed", "edited", "redated", "hijacked")


def apply_changes(site: ReplicaSite, state: int) -> ReplicaSite:
    """The site one day-step later: ``site.spec.changes[state]`` applied to ``site`` (state ``state - 1``)."""
    spec = site.spec
    block = spec.changes[state]
    rng = random.Random(spec.seed * 1009 + state)
    before, after = site.as_of, site.as_of + timedelta(days=STATE_DAYS)
    listings = {path: list(column.items) for path, column in site.columns.items()}
    items = dict(site.items)
    listed_in: dict[str, int] = {}
    for listing in listings.values():
        for item in listing:
            listed_in[item.url] = listed_in.get(item.url, 0) + 1
    taken: set[str] = set()
    changed: dict[str, list[str]] = {kind: [] for kind in CHANGE_KINDS}

    def when() -> datetime:
        """A moment on one of the days after the previous state, up to and including the new as_of."""
        day = before + timedelta(days=rng.randint(1, (after - before).days))
        return datetime.combine(day, time(rng.randint(8, 17), rng.choice((0, 15, 30, 45))))

    def pick(fault: Fault, what: str) -> Item:
        pool = [
            i
            for i in listings[fault.column]
            if i.year == fault.year and i.status == OK and i.url not in taken and listed_in[i.url] == 1
        ]
        if not pool:
            raise SpecError(
                f"spec {spec.name}: state {state}: no item in {fault.column} in {fault.year} to {what}"
            )
        chosen = rng.choice(sorted(pool, key=lambda i: i.id))
        taken.add(chosen.url)
        return chosen

    def put(item: Item) -> None:
        items[item.url] = item
        for listing in listings.values():
            for k, old in enumerate(listing):
                if old.url == item.url:
                    listing[k] = item

    # New items, dated within the days since the previous state.
    next_id = max(i.id for i in items.values())
    index_seq: dict[int, int] = {}
    doc_seq: dict[int, int] = {}
    for item in items.values():
        if item.index_no:
            seq = int(item.index_no.rsplit("-", 1)[1])
            index_seq[item.year] = max(index_seq.get(item.year, 0), seq)
        if item.doc_no:
            doc_seq[item.year] = doc_seq.get(item.year, 0) + 1
    stubs = sorted((when(), new.column) for new in block.new for _ in range(new.count))
    for pub, path in stubs:
        next_id += rng.randint(1, 6)
        index_seq[pub.year] = index_seq.get(pub.year, 0) + 1
        column = site.columns[path]
        directory = folder(column.defn, spec) if column.cms != "hanweb" else ""
        item = make_item(
            spec, rng, column.defn, column, directory, pub, next_id, index_seq[pub.year], doc_seq
        )
        items[item.url] = item
        listings[path].append(item)
        listed_in[item.url] = 1
        taken.add(item.url)
        changed["new"].append(item.url)

    for fault in block.removed:
        gone = pick(fault, "remove")
        del items[gone.url]
        for listing in listings.values():
            listing[:] = [i for i in listing if i.url != gone.url]
        changed["removed"].append(gone.url)

    for fault in block.edited:
        edited = pick(fault, "edit")
        y, m, d = edited.pub.year, edited.pub.month, edited.pub.day
        moment = when()
        body = titles.make_paragraphs(rng, spec.site.county, y, m, d)
        note = f"（本文于{moment:%Y年%m月%d日}更新。）"
        put(replace(edited, paragraphs=(*body, note), modified=moment))
        changed["edited"].append(edited.url)

    for fault in block.redated:
        redated = pick(fault, "redate")
        shift = timedelta(days=rng.randint(2, 20))
        pub = redated.pub - shift if (redated.pub - shift).year == redated.pub.year else redated.pub + shift
        put(replace(redated, pub=pub, modified=when()))
        changed["redated"].append(redated.url)

    for fault in block.hijacked:
        # Injected by an attacker, not edited in the CMS: Last-Modified stays, the content (ETag) changes.
        hijacked = pick(fault, "hijack")
        put(replace(hijacked, status=HIJACKED))
        changed["hijacked"].append(hijacked.url)

    columns = {
        path: Column(
            defn=column.defn,
            url=column.url,
            column_id=column.column_id,
            unit_id=column.unit_id,
            items=tuple(sorted(listings[path], key=lambda i: (i.pub, i.id), reverse=True)),
            children=column.children,
        )
        for path, column in site.columns.items()
    }
    logger.debug("replica %s state %d: %s", spec.name, state, {k: len(v) for k, v in changed.items()})
    return ReplicaSite(
        spec=spec,
        columns=columns,
        items=items,
        # the planted inspection cases' files are served by their own routes (or, dead, not at all)
        assets={p: ext for p, ext in assets_of(items).items() if not p.startswith(CASES_FOLDER)},
        state=state,
        changes={kind: tuple(urls) for kind, urls in changed.items()},
    )
