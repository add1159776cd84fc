"""The dashboard's annual-report page: per site and year, the report as the archive holds it — its
figures, its failed checks with their arithmetic, and its claims set against the archive's numbers."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from audit.archived_report import ReportNotFound, find_report, reconcile_read, warc_reader
from audit.reconcile import reconcile_views
from audit.web.context import session
from audit.web.pages import claim_items_url
from audit.web.params import site_slug
from reports import check_reports
from reports.model import MARKS

bp = Blueprint("report", __name__)


@bp.get("/site/<slug>/report/<int(min=1990,max=2100):year>")
def annual_report(slug: str, year: int) -> tuple[str, int] | str:
    slug = site_slug(slug) or abort(404)
    s = session()
    folder: Path | None = current_app.config["ZWGK_WARC_DIR"]
    try:
        found = find_report(s, slug, year, warc_reader(s, folder))
    except ReportNotFound as exc:
        return render_template("report.html", slug=slug, year=year, found=None, missing=str(exc)), 404
    internal, _ = check_reports([found.report])
    checks = list(internal[0].checks)
    failed = [c for c in checks if c.verdict == "fail"]
    summary = {v: sum(c.verdict == v for c in checks) for v in MARKS}
    results = reconcile_read(s, slug, year, found.document, found.report, with_items=False)
    return render_template(
        "report.html",
        slug=slug,
        year=year,
        found=found,
        missing=None,
        failed=failed,
        summary=summary,
        marks=MARKS,
        results=results,
        view=reconcile_views(results)[0],
        links=[claim_items_url(r, slug, year) for r in results],
    )
