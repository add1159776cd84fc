"""The dashboard's inspection page: every finding of the inspector's checks and the older scans,
filterable by site, kind and open/resolved, each with its archived page or attachment one click
away (the capture it was seen in, else the newest capture of its URL); and the attachments whose
text holds given words."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from audit.findings import evidence_text
from audit.web.context import session
from audit.web.params import parse
from storage import reads

bp = Blueprint("inspection", __name__)
WHERE_ZH = {"page": "页面", "attachment": "附件", "site": "全站"}


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
        rows=[(r, evidence_text(r.kind, r.evidence)) for r in rows],
        p=p,
        open_only=open_only,
        kinds=reads.finding_kinds(s, p.site),
        sites=reads.list_sites(s),
        where_zh=WHERE_ZH,
        words=words,
        files=files,
    )
