"""The dashboard's inspection page: every finding of the inspector's checks and the older scans,
filterable by site, kind and open/resolved, each with its archived page or attachment one click
away (the capture it was seen in, else the newest capture of its URL); and the attachments whose
text holds given words."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, render_template, request

from audit.findings import evidence_text
from audit.web.context import session
from audit.web.params import parse
from storage import reads

bp = Blueprint("inspection", __name__)
WHERE_ZH = {"page": "页面", "attachment": "附件", "site": "全站"}
ROLE_ZH = {"browser": "浏览器", "crawler": "搜索引擎爬虫", "referer": "搜索引擎来访"}


def version_links(evidence: dict[str, Any]) -> list[tuple[str, int]]:
    """The archived versions a cloaking finding compares (the browser's, then each differing one):
    a label in Chinese and the capture to open."""
    found = [evidence.get("baseline") or {}, *(evidence.get("versions") or [])]
    links = []
    for version in found:
        role, capture_id = str(version.get("role") or ""), version.get("capture_id")
        if isinstance(capture_id, int):
            kind, _, name = role.partition(":")
            links.append((ROLE_ZH.get(kind, kind) + (f"（{name}）" if name else ""), capture_id))
    return links


@bp.get("/inspection")
def findings() -> str:
    p = parse()
    s = session()
    open_only = request.args.get("open") == "1"
    rows = reads.all_findings(s, site=p.site, kind=p.kind, open_only=open_only)
    words = (request.args.get("words") or "").strip()[:100]
    files = reads.search_attachments(s, words, p.site) if words else []
    return render_template(
        "inspection.html",
        rows=[(r, evidence_text(r.kind, r.evidence), version_links(r.evidence)) for r in rows],
        p=p,
        open_only=open_only,
        kinds=reads.finding_kinds(s, p.site),
        sites=reads.list_sites(s),
        where_zh=WHERE_ZH,
        words=words,
        files=files,
    )
