"""Crawl runs: open and close a run record, mark runs that died, summarise what a run changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from storage.models import RUN_STATUSES, Capture, Column, CrawlRun, Item, ItemVersion, Site, utcnow


def start_run(session: Session, site_id: int | None, mode: str, target: str | None) -> int:
    """Open a crawl-run record in status ``running``; returns its id."""
    run = CrawlRun(site_id=site_id, mode=mode, target=target, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run.id


def finish_run(session: Session, run_id: int, status: str, exit_code: int, stats: Mapping[str, Any]) -> None:
    """Close a crawl run with its outcome, exit code and statistics."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}; expected one of {', '.join(RUN_STATUSES)}")
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.id == run_id)
        .values(finished_at=utcnow(), status=status, exit_code=exit_code, stats=dict(stats))
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 1) == 0:
        raise LookupError(f"no crawl run with id {run_id}")


def mark_interrupted(session: Session, slug: str) -> int:
    """Runs of ``slug`` still marked running when its lock is free died mid-way (kill -9, power)."""
    site_id = session.scalar(select(Site.id).where(Site.slug == slug))
    if site_id is None:
        return 0
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.site_id == site_id, CrawlRun.status == "running")
        .values(status="interrupted", finished_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def record_interrupted(session: Session, slug: str, since: datetime, exit_code: int) -> int:
    """Runs of ``slug`` begun at or after ``since`` that a stop signal cut short: status
    ``interrupted`` with ``exit_code``, whatever their pipeline wrote (a graceful stop closes the
    run as ``ok``; a second signal leaves it ``running``)."""
    site_id = session.scalar(select(Site.id).where(Site.slug == slug))
    if site_id is None:
        return 0
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.site_id == site_id, CrawlRun.started_at >= since)
        .values(
            status="interrupted",
            exit_code=exit_code,
            finished_at=func.coalesce(CrawlRun.finished_at, utcnow()),
        )
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class RunSummary:
    """What one run did: pages fetched, items new / changed / removed, problems, duration."""

    run_id: int
    site: str
    mode: str
    status: str
    exit_code: int | None
    started_at: str
    finished_at: str | None
    duration_s: float | None
    pages: int
    new: int
    changed: int
    removed: int
    blocked_columns: int
    error_columns: int
    blocked_pages: int
    errors: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def run_summary(session: Session, run_id: int) -> RunSummary:
    run = session.get(CrawlRun, run_id)
    if run is None:
        raise ValueError(f"no crawl run {run_id}")
    site_slug = session.scalar(select(Site.slug).where(Site.id == run.site_id)) or ""
    since = run.started_at
    stats = run.stats or {}
    site_items = select(Item.id).where(Item.site_id == run.site_id)

    def count(stmt: Any) -> int:
        return int(session.scalar(stmt) or 0)

    new = count(
        select(func.count()).select_from(Item).where(Item.site_id == run.site_id, Item.first_seen >= since)
    )
    changed = count(
        select(func.count(func.distinct(ItemVersion.item_id))).where(
            ItemVersion.item_id.in_(site_items), ItemVersion.version_no > 1, ItemVersion.captured_at >= since
        )
    )
    removed = count(
        select(func.count()).select_from(Item).where(Item.site_id == run.site_id, Item.removed_at >= since)
    )
    columns = dict(
        session.execute(
            select(Column.status, func.count())
            .where(Column.site_id == run.site_id, Column.last_seen >= since)
            .group_by(Column.status)
        ).all()
    )
    pages = count(select(func.count()).select_from(Capture).where(Capture.run_id == run.id))
    duration = (run.finished_at - since).total_seconds() if run.finished_at else None
    return RunSummary(
        run_id=run.id,
        site=site_slug,
        mode=run.mode,
        status=run.status,
        exit_code=run.exit_code,
        started_at=since.isoformat(timespec="seconds"),
        finished_at=_iso(run.finished_at),
        duration_s=round(duration, 1) if duration is not None else None,
        pages=pages or int(stats.get("response_received_count", 0)),
        new=new,
        changed=changed,
        removed=removed,
        blocked_columns=int(columns.get("blocked", 0)),
        error_columns=int(columns.get("error", 0)),
        blocked_pages=int(stats.get("zwgk/details_blocked", 0)),
        errors=int(stats.get("zwgk/details_error", 0)) + int(stats.get("log_count/ERROR", 0)),
    )


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value else None


def latest_run_id(session: Session, slug: str) -> int | None:
    return session.scalar(
        select(CrawlRun.id)
        .join(Site, Site.id == CrawlRun.site_id)
        .where(Site.slug == slug)
        .order_by(CrawlRun.id.desc())
    )


def previous_runs(session: Session, slug: str, before_id: int, limit: int = 5) -> list[CrawlRun]:
    """The last ``limit`` finished runs of ``slug`` before run ``before_id``, newest first."""
    return list(
        session.scalars(
            select(CrawlRun)
            .join(Site, Site.id == CrawlRun.site_id)
            .where(Site.slug == slug, CrawlRun.id < before_id, CrawlRun.status == "ok")
            .order_by(CrawlRun.id.desc())
            .limit(limit)
        )
    )
