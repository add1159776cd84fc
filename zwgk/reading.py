"""How every reading command opens the archive: read-only, never creating one, never writing.

``open_archive`` refuses a missing archive (exit 2 naming it), opens it read-only (a read-only data
folder or a role that may only SELECT is enough) and, when the archive's schema is behind this zwgk,
upgrades it where it can be written and says so, else reads it as it is and says that. The notes go
to stderr, once per command.
"""

from __future__ import annotations

import sys
from typing import Any

from storage import reads
from storage.db import DatabaseError, database_url, open_database
from storage.readonly import ReadOnlyArchive, open_reader


def open_archive(data: str | None, db: str | None) -> ReadOnlyArchive:
    """The archive of ``--data``/``--db``, read-only; a missing one is a :class:`DatabaseError`."""
    url = database_url(data, db)
    archive, behind = open_reader(url)
    if behind is None:
        return archive
    try:
        open_database(url).dispose()  # migrations only add columns and tables
    except DatabaseError as exc:
        note(
            f"the archive's schema is at {behind[0]}, this zwgk reads {behind[1]}, and it cannot be "
            f"upgraded from here ({exc}): reading it as it is; newer fields may be missing"
        )
        return archive
    note(f"upgraded the archive's schema from {behind[0]} to {behind[1]} (migrations only add)")
    archive.dispose()
    return open_reader(url)[0]  # connections opened before the upgrade may cache the old schema


def note_live_counts(session: Any) -> None:
    """One note when counts cannot come from the stored rollup (none, or stale): counted live."""
    if reads.tally_name(session) == "live":
        note(
            "the archive has no count rollup for its present state (none stored, or the archive "
            "changed since the last crawl stored it): counting live, which takes longer on a large "
            "archive; the next crawl stores a new one"
        )


def known_site(session: Any, site: str | None) -> str | None:
    """``site`` when the archive holds it (or None for all); an unknown one is a typo, never a 0
    (ValueError, exit 2, listing the archive's sites)."""
    if site is None:
        return None
    known = sorted(s.slug for s in reads.list_sites(session))
    if site not in known:
        listed = ", ".join(known) if known else "none: crawl first"
        raise ValueError(f"no site {site!r} in this archive; its sites: {listed}")
    return site


def check_years(session: Any, years: list[int], site: str | None) -> None:
    """Refuse (ValueError, exit 2) a year outside the years the archive holds items for."""
    held = reads.item_years(session, site)
    outside = [y for y in years if not held or not held[0] <= y <= held[-1]]
    if not outside:
        return
    whose = f"site {site!r}" if site else "this archive"
    if not held:
        raise ValueError(f"{whose} holds no dated items: crawl first")
    raise ValueError(
        f"{whose} holds no items of {', '.join(map(str, outside))}; its years: {', '.join(map(str, held))}"
    )


def note(message: str) -> None:
    print(f"zwgk: note: {message}", file=sys.stderr)
