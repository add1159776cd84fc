"""Search-engine cloaking (快照劫持) and script hosts planted on a replica (a spec's ``cloaking:``
block), served by who asks: the home page shows search-engine crawlers a gambling title and hidden
links to the gambling host; one column page sends visitors arriving from a search results page off
to that host with a 302. A browser (and zwgk's own crawl) sees both pages as they are. Every page
loads a common statistics script; from the block's ``new_script_host.state`` on, the home page
loads one from a host it never used before.

``cloak`` answers a request; ``expected`` says which findings the probes of a crawl must report.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from replica.model import ReplicaSite
from replica.reply import Reply

# The user agents of the search engines' crawlers and the hosts of their results pages, as a
# cloaking script on a hijacked portal tests them.
_SPIDERS = re.compile(r"baiduspider|sogou web spider|360spider|yisouspider|googlebot|bingbot", re.I)
_SEARCH = re.compile(r"^https?://([a-z0-9-]+\.)*(baidu|sogou|so|sm)\.(com|cn)/", re.I)
COMMON_SCRIPT = "https://hm.baidu.com/hm.js?0123456789abcdef"
HOME_PATHS = ("/", "/index.html")


def cloak(site: ReplicaSite, path: str, headers: Mapping[str, str], reply: Reply) -> Reply:
    """``reply`` as the planted cases change it for this request (unchanged without the block)."""
    block = _block(site)
    if block is None or reply.status != 200 or "html" not in reply.content_type:
        return reply
    lowered = {k.lower(): v for k, v in headers.items()}
    host = str(block["host"])
    if path == _visitors_path(site, block) and _SEARCH.match(lowered.get("referer", "")):
        return Reply(302, "text/html; charset=UTF-8", b"", (("Location", f"http://{host}/?from=search"),))
    body = reply.body.decode("utf-8", errors="replace") if path in HOME_PATHS else None
    if body is None:
        return reply
    scripts = f'<script src="{COMMON_SCRIPT}"></script>'
    new = block.get("new_script_host") or {}
    if new and site.state >= int(new["state"]):
        scripts += f'<script src="http://{new["host"]}/t.js"></script>'
    body = body.replace("</head>", scripts + "</head>", 1)
    if _SPIDERS.search(lowered.get("user-agent", "")):
        body = re.sub(r"<title>", f"<title>{block['title']}_", body, count=1)
        links = "".join(
            f'<a href="http://{host}/{n}.html">{word}</a>' for n, word in enumerate(block["words"])
        )
        body = re.sub(r"(<body[^>]*>)", rf'\1<div style="display:none">{links}</div>', body, count=1)
    return Reply(reply.status, reply.content_type, body.encode("utf-8"), reply.headers)


def expected(site: ReplicaSite, base_url: str) -> set[tuple[str, str]]:
    """The pages whose probes must report cloaking: (role class, page URL), role class being
    ``crawler`` or ``referer``."""
    block = _block(site)
    if block is None:
        return set()
    base = base_url.rstrip("/")
    return {("crawler", base + "/"), ("referer", base + _visitors_path(site, block))}


def new_script_host(site: ReplicaSite) -> tuple[int, str] | None:
    """(state, host) of the script host the home page begins to load on a later day, if planted."""
    block = _block(site) or {}
    new = block.get("new_script_host")
    return (int(new["state"]), str(new["host"])) if new else None


def _visitors_path(site: ReplicaSite, block: Mapping[str, Any]) -> str:
    return site.columns[str(block["visitors"])].url


def _block(site: ReplicaSite) -> dict[str, Any] | None:
    block = site.spec.raw.get("cloaking")
    return block if isinstance(block, dict) else None
