"""Export a replica portal to a folder of static files, for a web server such as nginx to serve.

Every path the replica answers 200 for is written under the folder as the replica serves it, bytes
unchanged (GBK pages stay GBK and carry their ``<meta charset>``): the home page as ``index.html``,
hubs, every list page, every detail page and, unless left out, the attachments, pictures and videos.
Detail pages get their item's last edit as modification time, so a server's ``Last-Modified``
matches the replica's. What a static server cannot answer is left out and counted: the query-driven
pages (generic ``list.jsp?page=N``: only page 1 is written; Hanweb's ``dataproxy.jsp``; trap pages),
blocked columns (412/521) and 404 items.

``pager_links`` adds, after the ``createPageHTML`` script of every TRS list page, the plain
首页 / 上一页 / 下一页 / 尾页 links many TRS templates also print: tools that run no JavaScript (wget,
a ``CrawlSpider``) then reach every list page, not only the first of each column.

    python -m replica.export SPEC FOLDER [--state N] [--no-attachments] [--pager-links]
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from replica.build import build_site
from replica.model import ReplicaSite
from replica.render import trs
from replica.render.detail import VISITS
from replica.reply import CST
from replica.routes import Router
from replica.spec import SpecError, load_spec

logger = logging.getLogger(__name__)

_PAGER_ANCHOR = b'"html");</script>'


@dataclass
class ExportResult:
    """What an export wrote and what it left out."""

    folder: Path
    files: int = 0
    bytes: int = 0
    pages: dict[str, int] = field(default_factory=dict)  # kind → files: home, list, detail, asset, other
    skipped: list[str] = field(default_factory=list)  # paths a static server cannot answer

    def as_dict(self) -> dict[str, object]:
        return {
            "folder": str(self.folder),
            "files": self.files,
            "bytes": self.bytes,
            "pages": self.pages,
            "skipped": self.skipped,
        }


def file_for(folder: Path, url_path: str) -> Path:
    """The file that answers ``url_path`` under ``folder``: ``/`` and ``…/`` are ``index.html``."""
    path = unquote(url_path.split("?", 1)[0])
    if not path.startswith("/"):
        raise ValueError(f"not an absolute URL path: {url_path!r}")
    parts = PurePosixPath(path).parts[1:]
    if any(part in ("..", ".") for part in parts):
        raise ValueError(f"refusing a path that leaves the export folder: {url_path!r}")
    if path.endswith("/") or not parts:
        parts = (*parts, "index.html")
    return folder.joinpath(*parts)


def pager_html(index: int, count: int) -> str:
    """Plain paging links for 0-based page ``index`` of ``count`` (TRS file names)."""
    links = []
    if index > 0:
        links.append(f'<a href="{trs.page_name(0)}">首页</a>')
        links.append(f'<a href="{trs.page_name(index - 1)}">上一页</a>')
    if index + 1 < count:
        links.append(f'<a href="{trs.page_name(index + 1)}">下一页</a>')
        links.append(f'<a href="{trs.page_name(count - 1)}">尾页</a>')
    return f'<span class="pager">{" ".join(links)}</span>' if links else ""


def _trs_list_pages(site: ReplicaSite) -> dict[str, tuple[int, int, str]]:
    """TRS list page path → (index, page count, charset)."""
    out: dict[str, tuple[int, int, str]] = {}
    for column in site.listing_columns():
        if column.cms != "trs" or column.blocked:
            continue
        folder = column.url.rsplit("/", 1)[0] + "/"
        count = trs.page_count(column)
        for index in range(count):
            out[folder + trs.page_name(index)] = (index, count, column.defn.encoding)
    return out


def export_site(
    site: ReplicaSite, folder: str | Path, *, attachments: bool = True, pager_links: bool = False
) -> ExportResult:
    """Write every path ``site`` serves with 200 under ``folder`` (created if missing)."""
    root = Path(folder)
    root.mkdir(parents=True, exist_ok=True)
    router = Router(site)
    result = ExportResult(root)
    lists = _trs_list_pages(site)
    details = {url: item for url, item in site.items.items() if url.startswith("/")}
    home_paths = {"/", "/index.html"}
    made: set[Path] = set()
    for path in router.paths():
        kind = (
            "home"
            if path in home_paths
            else "list"
            if path in lists
            else "detail"
            if path in details
            else "asset"
            if path in site.assets
            else "other"
        )
        if kind == "asset" and not attachments:
            continue
        reply = router.get(path)
        if reply.status != 200:
            result.skipped.append(path)
            continue
        body = reply.body
        if kind == "list" and pager_links:
            index, count, charset = lists[path]
            extra = pager_html(index, count).encode(charset)
            body = body.replace(_PAGER_ANCHOR, _PAGER_ANCHOR + extra, 1)
        if VISITS.encode() in body:  # never expected: the router fills the counter in
            raise RuntimeError(f"{path}: visit counter left unfilled")
        target = file_for(root, path)
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(body)
        if kind == "detail":
            stamp = details[path].last_modified.replace(tzinfo=CST).timestamp()
            os.utime(target, (stamp, stamp))
        if path == "/index.html":
            continue  # the same file as "/": count the home page once
        result.files += 1
        result.bytes += len(body)
        result.pages[kind] = result.pages.get(kind, 0) + 1
    # Generic columns page by query (list.jsp?page=N): only their first page is a file.
    result.skipped.extend(f"{p}?page=N" for p in router.paths() if p.endswith(".jsp"))
    logger.info("exported replica %s to %s: %d files", site.spec.name, root, result.files)
    return result


def export_spec(
    name: str, folder: str | Path, *, state: int = 0, attachments: bool = True, pager_links: bool = False
) -> ExportResult:
    """Build the bundled spec ``name`` in ``state`` and export it to ``folder``."""
    site = build_site(load_spec(name), state)
    return export_site(site, folder, attachments=attachments, pager_links=pager_links)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m replica.export", description="Export a replica portal to static files."
    )
    parser.add_argument("spec", help="replica spec name (bench, tiny, qingshi, …)")
    parser.add_argument("folder", help="folder to write into (created if missing)")
    parser.add_argument("--state", type=int, default=0, help="state of the replica (default 0)")
    parser.add_argument("--no-attachments", action="store_true", help="leave out attachments and media")
    parser.add_argument("--pager-links", action="store_true", help="add plain paging links to TRS list pages")
    args = parser.parse_args(argv)
    try:
        result = export_spec(
            args.spec,
            args.folder,
            state=args.state,
            attachments=not args.no_attachments,
            pager_links=args.pager_links,
        )
    except SpecError as exc:
        print(f"replica export: {exc}", file=sys.stderr)
        return 2
    pages = ", ".join(f"{n} {kind}" for kind, n in sorted(result.pages.items()))
    print(f"exported {result.files} files ({result.bytes:,} bytes: {pages}) to {result.folder}")
    if result.skipped:
        print(f"left out {len(result.skipped)} paths a static server cannot answer")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
