"""The OpenAPI 3.1 description of ``/api``, written as data."""

from __future__ import annotations

from typing import Any


def _param(
    name: str, where: str = "query", kind: str = "string", required: bool = False, doc: str = ""
) -> dict[str, Any]:
    return {"name": name, "in": where, "required": required, "schema": {"type": kind}, "description": doc}


SITE = _param("site", doc="site slug; every site when absent")
PAGE = _param("page", kind="integer", doc="page number, 50 rows a page")
YEAR = _param("year", kind="integer", doc="year of the counted date (发布日期, else the list date)")
JSON_OK = {"200": {"description": "OK", "content": {"application/json": {}}}}
ERRORS = {
    "400": {"description": "bad parameter"},
    "401": {"description": "token required (ZWGK_TOKEN)"},
    "404": {"description": "no such site, column or item"},
}


def _get(summary: str, *params: dict[str, Any]) -> dict[str, Any]:
    return {"get": {"summary": summary, "parameters": list(params), "responses": {**JSON_OK, **ERRORS}}}


def spec() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "zwgk archive API",
            "version": "1",
            "description": "Read-only access to the 政务公开 archive: the same queries as the zwgk command line.",
        },
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}, {}],
        "paths": {
            "/api/sites": _get("sites with items, open findings and the latest run"),
            "/api/sites/{slug}/counts": _get(
                "items per column (or taxonomy node) per year",
                _param("slug", "path", required=True),
                YEAR,
                _param("by", doc="column | taxonomy"),
                _param("online_only", kind="boolean"),
            ),
            "/api/compare": _get(
                "year comparison",
                SITE,
                _param("years", doc="comma-separated years; default the last three"),
                _param("by", doc="column | taxonomy | kind"),
            ),
            "/api/health": _get(
                "inspection indicators as of a date", SITE, _param("as_of", doc="YYYY-MM-DD; default today")
            ),
            "/api/findings": _get("recorded findings, newest first", SITE, _param("kind"), PAGE),
            "/api/columns/{column_id}/items": _get(
                "items listed in a column, newest first",
                _param("column_id", "path", "integer", True),
                YEAR,
                PAGE,
            ),
            "/api/items/{item_id}": _get(
                "an item with its columns, versions, captures and findings",
                _param("item_id", "path", "integer", True),
            ),
            "/api/search": _get(
                "search items whose field contains q literally (answer: page, rows, method: index, or scan for 1–2 characters)",
                _param("q", required=True),
                _param("field", doc="title | index_no | doc_no"),
                SITE,
                PAGE,
            ),
            "/api/reconcile": {
                "post": {
                    "summary": (
                        "reconcile an annual report's text against the archive (nothing is stored); each "
                        "claim gives item_count and items_url, the paged list of the items behind it"
                    ),
                    "requestBody": {
                        "required": True,
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "required": ["site", "year", "text"],
                                    "properties": {
                                        "site": {"type": "string"},
                                        "year": {"type": "integer"},
                                        "text": {"type": "string"},
                                    },
                                }
                            }
                        },
                    },
                    "responses": {**JSON_OK, **ERRORS},
                }
            },
            "/api/reconcile/items": _get(
                "the items behind a reconciled claim, oldest first (the items_url of a claim)",
                _param("site", required=True),
                _param("year", kind="integer", required=True),
                _param("claim", required=True),
                _param("scope", doc="year | cumulative"),
                PAGE,
            ),
            "/api/openapi.json": _get("this description"),
        },
    }
