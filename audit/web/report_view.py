"""The dashboard's annual-report page: per site and year, the report as the archive holds it — its
figures, its failed checks with their arithmetic, and its claims set against the archive's numbers —
and, alike, the year's 政府网站工作年度报表 (the website's own yearly statement)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from audit.archived_report import (
    KIND_NAMES,
    STATEMENT,
    ArchiveReader,
    FoundReport,
    ReportNotFound,
    find_report,
    find_statement,
    reconcile_read,
    warc_reader,
)
from audit.reconcile import reconcile_views
from audit.web.context import session
from audit.web.pages import claim_items_url
from audit.web.params import site_slug
from reports import check_reports
from reports.model import MARKS
from storage.reads import Session

bp = Blueprint("report", __name__)
Finder = Callable[[Session, str, int, ArchiveReader], FoundReport]


@bp.get("/site/<slug>/report/<int(min=1990,max=2100):year>")
def annual_report(slug: str, year: int) -> tuple[str, int] | str:
    return _page(slug, year, find_report, "report.annual_report")


@bp.get("/site/<slug>/statement/<int(min=1990,max=2100):year>")
def website_statement(slug: str, year: int) -> tuple[str, int] | str:
    """The year's 政府网站工作年度报表, found, read and reconciled as the annual report is."""
    return _page(slug, year, find_statement, "report.website_statement")


def _page(slug: str, year: int, finder: Finder, endpoint: str) -> tuple[str, int] | str:
    slug = site_slug(slug) or abort(404)
    s = session()
    folder: Path | None = current_app.config["ZWGK_WARC_DIR"]
    kind = STATEMENT if endpoint.endswith("statement") else "annual-report"
    common = {"slug": slug, "year": year, "endpoint": endpoint, "kind_name": KIND_NAMES[kind]}
    try:
        found = finder(s, slug, year, warc_reader(s, folder))
    except ReportNotFound as exc:
        return render_template("report.html", **common, found=None, missing=str(exc)), 404
    internal, _ = check_reports([found.report])
    checks = list(internal[0].checks)
    failed = [c for c in checks if c.verdict == "fail"]
    summary = {v: sum(c.verdict == v for c in checks) for v in MARKS}
    results = reconcile_read(s, slug, year, found.document, found.report, with_items=False)
    return render_template(
        "report.html",
        **common,
        found=found,
        missing=None,
        failed=failed,
        summary=summary,
        marks=MARKS,
        results=results,
        view=reconcile_views(results)[0],
        links=[claim_items_url(r, slug, year) for r in results],
    )
