"""The dashboard's HTML pages, the archived-page viewer and the table exports."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from audit.claim_items import claim_filters, count_claim_items
from audit.definitions import rules_text
from audit.export import View, to_csv, to_json, write_xlsx
from audit.labels import zh
from audit.reconcile import Reconciliation, reconcile_reports, reconcile_views
from audit.versions import version_diff
from audit.web import charts
from audit.web import table_views as tables
from audit.web.context import session, today
from audit.web.params import default_years, parse, site_slug
from audit.web.table_views import FINDING_ZH, KIND_ZH, SEARCH_FIELDS, STATUS_ZH, Params
from storage import reads
from storage.warc import WarcError, read_response

logger = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)

EXPORT_FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# What an archived page may be served as; anything else is offered as a download.
RAW_TYPES = ("text/html", "text/plain", "image/png", "image/jpeg", "image/gif", "image/webp")
REPORT_ENCODINGS = ("utf-8-sig", "gb18030")


@bp.record_once
def _globals(state: Any) -> None:
    # Globals rather than a context processor: imported macros see globals, not the context.
    state.app.jinja_env.globals.update(
        FINDING_ZH=FINDING_ZH,
        KIND_ZH=KIND_ZH,
        STATUS_ZH=STATUS_ZH,
        zh=zh,
        heat=charts.heat_level,
        export_url=export_url,
    )


def export_url(name: str, fmt: str, **params: Any) -> str:
    return url_for(
        "pages.export", name=name, fmt=fmt, **{k: v for k, v in params.items() if v not in (None, "")}
    )


@bp.app_errorhandler(HTTPException)
def _error(exc: HTTPException) -> tuple[str, int]:
    if request.path.startswith("/api/"):
        return _json_error(exc)  # type: ignore[return-value]
    return render_template("error.html", code=exc.code, message=exc.description), exc.code or 500


def _json_error(exc: HTTPException) -> tuple[Response, int]:
    body = to_json({"error": exc.description, "status": exc.code})
    return Response(body, mimetype="application/json"), exc.code or 500


@bp.get("/")
def overview() -> str:
    p = parse()
    view = tables.sites_view(session(), p)[0]
    return render_template("overview.html", view=view, p=p)


@bp.get("/site/<slug>")
def site(slug: str) -> str:
    slug = site_slug(slug) or abort(404)
    counts = tables.site_counts(session(), slug)
    chart = charts.bar_chart("每年发布条目数（不重复）", {y: counts.per_year.get(y, 0) for y in counts.years})
    return render_template(
        "site.html", slug=slug, counts=counts, chart=chart, rules=rules_text("zh"), p=Params(site=slug)
    )


@bp.get("/column/<int(max=9007199254740991):column_id>")
def column(column_id: int) -> str:
    found = reads.column(session(), column_id)
    if found is None:
        abort(404, "没有这个栏目")
    col, slug = found
    p = parse(column_id=column_id)
    page = tables.column_page(session(), column_id, p.year, p.page)
    return render_template("column.html", col=col, slug=slug, page=page, p=p, rules=rules_text("zh"))


@bp.get("/compare")
def compare() -> str:
    p = parse()
    if not p.years:
        p = parse(years=default_years(p.site))
    view = tables.compare_views(session(), p)[0]
    return render_template("compare.html", view=view, p=p, sites=reads.list_sites(session()))


@bp.get("/health")
def health() -> str:
    p = parse()
    views = tables.health_tables(session(), p)
    return render_template("health.html", views=views, p=p, sites=reads.list_sites(session()))


@bp.get("/findings")
def findings() -> str:
    p = parse()
    s = session()
    page = reads.findings_page(s, p.site, p.kind, p.page)
    health_views = tables.health_tables(s, p)
    wanted = {"空白栏目", "栏目不更新"}
    column_views = [v for v in health_views if v.name in wanted]
    return render_template(
        "findings.html",
        page=page,
        p=p,
        kinds=reads.finding_kinds(s, p.site),
        column_views=column_views,
        blocked=tables.blocked_view(s, p)[0],
        sites=reads.list_sites(s),
    )


@bp.get("/search")
def search() -> str:
    p = parse()
    page = reads.search_items(session(), p.q, p.search_field, p.site, p.page) if p.q else None
    return render_template(
        "search.html", page=page, p=p, sites=reads.list_sites(session()), fields=SEARCH_FIELDS
    )


@bp.get("/item/<int(max=9007199254740991):item_id>")
def item(item_id: int) -> str:
    detail = reads.item_detail(session(), item_id)
    if detail is None:
        abort(404, "没有这个条目")
    versions = {v.version_no: v for v in detail.versions}
    diff, pair = None, None
    if len(detail.versions) > 1:
        to_no = _version_arg("to", versions, detail.versions[-1].version_no)
        before = [n for n in versions if n < to_no]
        from_no = _version_arg("from", versions, max(before) if before else to_no)
        if from_no != to_no:
            pair = (versions[from_no], versions[to_no])
            diff = version_diff(*pair)
    return render_template("item.html", d=detail, diff=diff, pair=pair)


def _version_arg(name: str, versions: dict[int, Any], default: int) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or len(raw) > 6 or int(raw) not in versions:
        abort(400, f"没有版本 {raw}")
    return int(raw)


@bp.get("/capture/<int(max=9007199254740991):capture_id>")
def capture(capture_id: int) -> str:
    found = reads.capture(session(), capture_id)
    if found is None:
        abort(404, "没有这个快照")
    return render_template("capture.html", c=found)


@bp.get("/raw/<int(max=9007199254740991):capture_id>")
def raw(capture_id: int) -> Response:
    """The archived payload as served, for the sandboxed frame only (see ``security.RAW_CSP``)."""
    found = reads.capture(session(), capture_id)
    folder: Path | None = current_app.config["ZWGK_WARC_DIR"]
    if found is None or folder is None:
        abort(404, "没有这个快照")
    if Path(found.warc_file).name != found.warc_file:
        abort(404, "快照的WARC文件名无效")
    found = reads.payload_capture(session(), found)  # a 304 shows the page it confirmed
    try:
        archived = read_response(
            folder,
            found.warc_file,
            found.warc_offset,
            resolver=lambda uri, when, digest: reads.capture_location(session(), uri, when, digest),
        )
    except (WarcError, OSError) as exc:
        logger.warning("capture %s unreadable: %s", capture_id, exc)
        abort(404, "快照无法读取")
    content_type = next((v for k, v in archived.headers if k.lower() == "content-type"), "text/html")
    mime = content_type.split(";", 1)[0].strip().lower()
    response = Response(archived.body, status=200)
    if mime in RAW_TYPES and "\n" not in content_type and "\r" not in content_type:
        response.headers["Content-Type"] = content_type
    else:
        response.headers["Content-Type"] = "application/octet-stream"
        response.headers["Content-Disposition"] = f"attachment; filename=capture-{capture_id}"
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def reconcile() -> Response | str:
    s = session()
    sites = reads.list_sites(s)
    if request.method == "GET":
        return render_template("reconcile.html", sites=sites, results=None, form={})
    form = request.form
    slug = site_slug(form.get("site")) or (sites[0].slug if len(sites) == 1 else None)
    if slug is None:
        abort(400, "请选择站点")
    year = parse(form)  # validates year
    if year.year is None:
        abort(400, "请填写报告年份")
    text = form.get("text", "")
    upload = request.files.get("report")
    if upload is not None and upload.filename:
        text = _decode(upload.read())
    if not text.strip():
        abort(400, "请粘贴报告全文或上传报告文件")
    fmt = form.get("format", "")
    if fmt:  # an export lists every item behind each number
        results = reconcile_reports(s, slug, year.year, [text])
        return _download(reconcile_views(results), fmt, f"reconcile-{year.year}")
    # The page counts (the same numbers) and links each claim to a paged list of its items.
    results = reconcile_reports(s, slug, year.year, [text], with_items=False)
    return render_template(
        "reconcile.html",
        sites=sites,
        results=results,
        view=reconcile_views(results)[0],
        links=[claim_items_url(r, slug, year.year) for r in results],
        form={"site": slug, "year": year.year, "text": text},
    )


def claim_items_args(r: Reconciliation, slug: str, year: int) -> dict[str, Any] | None:
    """The query string of the paged list of the items behind a claim (None: it counts no items)."""
    if r.filters is None:
        return None
    return {"site": slug, "year": year, "claim": r.key, "scope": r.scope}


def claim_items_url(
    r: Reconciliation, slug: str, year: int, endpoint: str = "pages.reconcile_items"
) -> str | None:
    args = claim_items_args(r, slug, year)
    return None if args is None else url_for(endpoint, **args)


def claim_params() -> tuple[str, int, str, str, dict[str, Any]]:
    """(site, year, claim, scope, filters) of a claim's item list, validated (400/404 otherwise)."""
    slug = site_slug(request.args.get("site")) or abort(400, "缺少参数 site")
    year = parse().year
    if year is None:
        abort(400, "缺少参数 year")
    key = request.args.get("claim", "")
    scope = request.args.get("scope", "year")
    if scope not in ("year", "cumulative"):
        abort(400, "参数 scope 应为 year 或 cumulative")
    filters = claim_filters(key, scope, year)
    if filters is None:
        abort(404, "没有这个核对项")
    return slug, year, key, scope, filters


@bp.get("/reconcile/items")
def reconcile_items() -> str:
    slug, year, key, scope, filters = claim_params()
    p = parse()
    s = session()
    total = count_claim_items(s, slug, filters)
    page = reads.claim_items(s, slug, filters, p.page, total)
    return render_template(
        "claim_items.html", page=page, p=p, slug=slug, year=year, claim=key, scope=scope, filters=filters
    )


def _decode(raw: bytes) -> str:
    for encoding in REPORT_ENCODINGS:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    abort(400, "报告文件应为 UTF-8 或 GB18030 编码的文本或HTML")


EXPORT_NEEDS: dict[str, Callable[[Params], bool]] = {
    "counts": lambda p: p.site is not None,
    "column-items": lambda p: p.column_id is not None,
    "search": lambda p: bool(p.q),
}


@bp.get("/export/<name>.<fmt>")
def export(name: str, fmt: str) -> Response:
    builder = tables.BUILDERS.get(name)
    if builder is None or fmt not in EXPORT_FORMATS:
        abort(404, "没有这个导出")
    column_id = request.args.get("column")
    fixed: dict[str, Any] = {}
    if column_id is not None:
        if not column_id.isdigit() or len(column_id) > 15 or reads.column(session(), int(column_id)) is None:
            abort(404, "没有这个栏目")
        fixed["column_id"] = int(column_id)
    p = parse(**fixed)
    if name == "compare" and not p.years:
        p = parse(years=default_years(p.site), **fixed)
    if not EXPORT_NEEDS.get(name, lambda _p: True)(p):
        abort(400, "导出缺少参数")
    return _download(builder(session(), p), fmt, f"zwgk-{name}")


# A cell starting with one of these is a formula to Excel (and to openpyxl): archive text is
# hostile, so such text is exported with a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _inert(views: list[View]) -> list[View]:
    def cell(value: Any) -> Any:
        return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value

    return [
        View(v.name, v.headers, [tuple(cell(c) for c in row) for row in v.rows], v.caption, v.numeric)
        for v in views
    ]


def _download(views: list[View], fmt: str, stem: str) -> Response:
    views = _inert(views)
    if fmt == "csv":
        body: bytes = to_csv(views).encode("utf-8")
    elif fmt == "xlsx":
        with tempfile.TemporaryDirectory(prefix="zwgk-export-") as folder:
            path = Path(folder) / "export.xlsx"
            write_xlsx(views, path)
            body = path.read_bytes()
    else:
        abort(400, "导出格式应为 csv 或 xlsx")
    response = Response(body, content_type=EXPORT_FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}-{today().isoformat()}.{fmt}"'
    return response
