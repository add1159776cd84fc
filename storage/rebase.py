"""A site reached at another address: its stored origin, and re-basing every stored URL of the
site from the old origin to the new one in one transaction (no item duplicated): pages, captures,
attachments, links, the subjects of its findings and the pages kept with its script hosts."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import Attachment, Capture, Column, Finding, Item, LinkCheck, ScriptHost, Site

logger = logging.getLogger(__name__)

# The site's tables whose ``url`` is one of its own pages (link targets and attachments included).
_URL_TABLES = (Column, Item, Capture, Attachment, LinkCheck)


def origin(url: str) -> str:
    """``scheme://host[:port]`` of ``url``."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def same_address(a: str, b: str) -> bool:
    """Whether two origins differ at most by scheme (http/https) and a ``www.`` prefix."""
    hosts = [urlsplit(x).netloc.lower().removeprefix("www.") for x in (a, b)]
    ports = [urlsplit(x).port for x in (a, b)]
    return hosts[0].split(":")[0] == hosts[1].split(":")[0] and (
        ports[0] == ports[1] or None in ports or {ports[0], ports[1]} <= {80, 443}
    )


def stored_origin(session: Session, slug: str) -> str | None:
    base = session.scalar(select(Site.base_url).where(Site.slug == slug))
    return origin(base) if base else None


def rebase_site(session: Session, slug: str, old: str, new: str) -> int:
    """Rewrite every URL of ``slug`` starting with origin ``old`` to start with ``new``; the rows
    changed. The caller commits (one transaction)."""
    site_id = session.scalar(select(Site.id).where(Site.slug == slug))
    if site_id is None or old == new:
        return 0
    changed = 0
    targets: list[tuple[Any, Any, Any]] = [(Site, Site.base_url, Site.id)]
    targets += [(table, table.url, table.site_id) for table in _URL_TABLES]
    # a finding about a page is keyed by its URL (or URL#what); one about a host or column is not
    targets.append((Finding, Finding.subject, Finding.site_id))
    for table, column, key in targets:
        result = session.execute(
            update(table)
            .where(key == site_id, column.startswith(old + "/") | (column == old))
            .values({column.key: new + func.substr(column, len(old) + 1)})
            .execution_options(synchronize_session=False)
        )
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    changed += _rebase_script_host_pages(session, site_id, old, new)
    logger.info("re-based %s from %s to %s: %d rows", slug, old, new, changed)
    return changed


def _rebase_script_host_pages(session: Session, site_id: int, old: str, new: str) -> int:
    """The pages kept with each script host (a JSON list): re-based in Python, row by row."""
    changed = 0
    rows = session.execute(select(ScriptHost.id, ScriptHost.pages).where(ScriptHost.site_id == site_id)).all()
    for row in rows:  # read whole before writing: SQLite would otherwise update under an open cursor
        pages = [_rebased(page, old, new) for page in row.pages or []]
        if pages != (row.pages or []):
            session.execute(update(ScriptHost).where(ScriptHost.id == row.id).values(pages=pages))
            changed += 1
    return changed


def _rebased(url: str, old: str, new: str) -> str:
    return new + url[len(old) :] if url == old or url.startswith(old + "/") else url


__all__ = ["origin", "rebase_site", "same_address", "stored_origin"]
