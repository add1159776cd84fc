"""The JSON API (``/api/…``): the dashboard's data for programs, described at ``/api/openapi.json``."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Blueprint, Response, abort, request

from audit.claim_items import count_claim_items
from audit.compare import compare_records, compare_years
from audit.export import to_json
from audit.health import health_record
from audit.reconcile import reconcile_records, reconcile_reports
from audit.web.cache import memo
from audit.web.context import session
from audit.web.openapi import spec
from audit.web.pages import claim_items_url, claim_params
from audit.web.params import default_years, parse, site_slug
from audit.web.table_views import column_page, health_of
from storage import reads

bp = Blueprint("api", __name__, url_prefix="/api")


# Archive text may hold markup; escaped in JSON strings it can never be read as HTML by anyone.
_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"})


def _json(value: Any) -> Response:
    return Response(to_json(value).translate(_JSON_ESCAPES), mimetype="application/json")


# The fields of an item in the API (``column`` is filled only by the full lists of claims).
ITEM_FIELDS = (
    "id",
    "site",
    "url",
    "title",
    "counted_on",
    "kind",
    "doc_no",
    "index_no",
    "fetch_status",
    "removed",
)


def _item(row: reads.ItemRow) -> dict[str, Any]:
    return {name: getattr(row, name) for name in ITEM_FIELDS}


def _page(page: reads.Page, rows: list[Any]) -> dict[str, Any]:
    return {
        "page": page.page,
        "size": page.size,
        "has_next": page.has_next,
        "total": page.total,
        "rows": rows,
    }


@bp.get("/sites")
def sites() -> Response:
    summaries = memo(session(), ("site_summaries",), lambda: reads.site_summaries(session()))
    return _json([asdict(s) for s in summaries])


@bp.get("/sites/<slug>/counts")
def counts(slug: str) -> Response:
    slug = site_slug(slug) or abort(404)
    p = parse()
    if p.by not in ("column", "taxonomy"):
        abort(400, "参数 by 应为 column 或 taxonomy")
    online_only = request.args.get("online_only") in ("1", "true")
    rows = memo(
        session(),
        ("count_items", slug, p.year, p.by, online_only),
        lambda: reads.count_items(session(), site=slug, year=p.year, by=p.by, online_only=online_only),
    )
    return _json([asdict(r) for r in rows])


@bp.get("/compare")
def compare() -> Response:
    p = parse()
    years = list(p.years or default_years(p.site))
    rows = compare_years(session(), years, site=p.site, by=p.by)
    return _json({"years": years, "by": p.by, "rows": compare_records(rows, years)})


@bp.get("/health")
def health() -> Response:
    p = parse()
    return _json(health_record(health_of(session(), p.as_of, p.site)))


@bp.get("/findings")
def findings() -> Response:
    p = parse()
    page = reads.findings_page(session(), p.site, p.kind, p.page)
    rows = [
        {
            "id": f.id,
            "site": slug,
            "kind": f.kind,
            "subject": f.subject,
            "title": title,
            "item_id": f.item_id,
            "capture_id": f.capture_id,
            "severity": f.severity,
            "evidence": f.evidence,
            "first_seen": f.first_seen,
            "last_seen": f.last_seen,
            "resolved_at": f.resolved_at,
        }
        for f, slug, title in page.rows
    ]
    return _json(_page(page, rows))


@bp.get("/columns/<int(max=9007199254740991):column_id>/items")
def column_items(column_id: int) -> Response:
    if reads.column(session(), column_id) is None:
        abort(404, "没有这个栏目")
    p = parse()
    page = column_page(session(), column_id, p.year, p.page)
    return _json(_page(page, [_item(r) for r in page.rows]))


@bp.get("/items/<int(max=9007199254740991):item_id>")
def item(item_id: int) -> Response:
    d = reads.item_detail(session(), item_id)
    if d is None:
        abort(404, "没有这个条目")
    i = d.item
    fields = (
        "id url title list_title index_no doc_no publisher topic validity published_on written_on "
        "list_date counted_on counted_on_basis kind kind_reason kind_from_page kind_page_reason fetch_status http_status foreign taxonomy_path "
        "taxonomy_rule first_seen last_seen removed_at"
    ).split()
    return _json(
        {
            "site": d.site,
            **{name: getattr(i, name) for name in fields},
            "columns": [
                {"column_id": cid, "path": path, "list_date": on, "removed_at": removed}
                for cid, path, on, removed in d.columns
            ],
            "versions": [
                {
                    "version_no": v.version_no,
                    "captured_at": v.captured_at,
                    "capture_id": v.capture_id,
                    "content_hash": v.content_hash,
                    "title": v.title,
                    "published_on": v.published_on,
                    "doc_no": v.doc_no,
                    "index_no": v.index_no,
                    "publisher": v.publisher,
                }
                for v in d.versions
            ],
            "captures": [
                {
                    "id": c.id,
                    "fetched_at": c.fetched_at,
                    "http_status": c.http_status,
                    "record_type": c.record_type,
                    "payload_digest": c.payload_digest,
                    "raw": f"/raw/{c.id}",
                }
                for c in d.captures
            ],
            "findings": [{"kind": f.kind, "subject": f.subject, "evidence": f.evidence} for f in d.findings],
        }
    )


@bp.get("/search")
def search() -> Response:
    p = parse()
    if not p.q:
        abort(400, "缺少参数 q")
    page = reads.search_items(session(), p.q, p.search_field, p.site, p.page)
    return _json({**_page(page, [_item(r) for r in page.rows]), "method": page.method})


@bp.post("/reconcile")
def reconcile() -> Response:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, "请求体应为 JSON 对象 {site, year, text}")
    slug = site_slug(str(body.get("site") or "")) or abort(400, "缺少 site")
    year, text = body.get("year"), body.get("text")
    if not isinstance(year, int) or not 1990 <= year <= 2100 or not isinstance(text, str) or not text.strip():
        abort(400, "year 应为年份整数，text 应为报告全文")
    results = reconcile_reports(session(), slug, year, [text], with_items=False)
    claims = reconcile_records(results, items=False)
    for record, r in zip(claims, results, strict=True):
        record["items_url"] = claim_items_url(r, slug, year, "api.reconcile_items")
    return _json({"site": slug, "year": year, "claims": claims})


@bp.get("/reconcile/items")
def reconcile_items() -> Response:
    slug, _year, _key, _scope, filters = claim_params()
    p = parse()
    total = count_claim_items(session(), slug, filters)
    page = reads.claim_items(session(), slug, filters, p.page, total)
    return _json(_page(page, [_item(r) for r in page.rows]))


@bp.get("/openapi.json")
def openapi() -> Response:
    return _json(spec())
