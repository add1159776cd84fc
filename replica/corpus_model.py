"""The real-page corpus of ``tests/fixtures/real/``: each portal folder's ``portal.yaml`` read,
checked and its pages' bytes given back as a server or a benchmark needs them.

A page is a saved file; when ``embedded`` says so, the page is the text between two markers of
that file (a page kept as a Python or JS string literal) and is given back as UTF-8 bytes.
Nothing here knows the crawler.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

CORPUS_DIR = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "real"
PORTAL_FILE = "portal.yaml"
KINDS = ("list", "detail")
DETAIL_FIELDS = ("title", "published", "written", "index_no", "doc_no", "publisher", "validity")
PAGER_FIELDS = ("declared_pages", "declared_records", "next_pages", "style", "script_only")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


@dataclass(frozen=True)
class CorpusPage:
    """One saved page of a portal, with where it came from and what a person read on it."""

    portal: str
    folder: Path
    file: str
    url: str
    kind: str
    encoding: str
    sha256: str
    embedded: dict[str, str] | None
    column: str | None
    source: dict[str, Any]
    truth: dict[str, Any]

    @property
    def path(self) -> str:
        """The page's path on its portal (query kept), as the corpus server serves it."""
        parts = urlsplit(self.url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    def file_bytes(self) -> bytes:
        return (self.folder / self.file).read_bytes()

    def body(self) -> bytes:
        """The page as a browser would receive it: the file's bytes, or the embedded page as UTF-8."""
        raw = self.file_bytes()
        if not self.embedded:
            return raw
        return embedded_text(raw.decode(self.encoding), self.embedded).encode("utf-8")

    @property
    def content_type(self) -> str | None:
        """The Content-Type to serve: embedded pages are re-encoded as UTF-8; files keep theirs."""
        if self.embedded:
            return "text/html; charset=utf-8"
        return None if self.encoding in ("", "unknown") else f"text/html; charset={self.encoding}"


@dataclass
class Portal:
    """One portal folder: its name, host, CMS family and pages."""

    slug: str
    name: str
    host: str
    level: str
    cms: str
    folder: Path
    pages: list[CorpusPage] = field(default_factory=list)


def embedded_text(text: str, embedded: dict[str, str]) -> str:
    """The text between ``embedded['start']`` and the next ``embedded['end']`` after it."""
    start_marker, end_marker = str(embedded["start"]), str(embedded["end"])
    start = text.find(start_marker)
    if start < 0:
        raise ValueError(f"embedded start marker {start_marker!r} not found")
    start += len(start_marker)
    end = text.find(end_marker, start)
    if end < 0:
        raise ValueError(f"embedded end marker {end_marker!r} not found after the start")
    return text[start:end]


def load_portal(folder: Path) -> Portal:
    """The portal described by ``folder/portal.yaml``."""
    data = yaml.safe_load((folder / PORTAL_FILE).read_text(encoding="utf-8")) or {}
    portal = Portal(
        slug=folder.name,
        name=str(data.get("portal") or ""),
        host=str(data.get("host") or ""),
        level=str(data.get("level") or ""),
        cms=str(data.get("cms") or ""),
        folder=folder,
    )
    for entry in data.get("pages") or ():
        portal.pages.append(
            CorpusPage(
                portal=folder.name,
                folder=folder,
                file=str(entry.get("file") or ""),
                url=str(entry.get("url") or ""),
                kind=str(entry.get("kind") or ""),
                encoding=str(entry.get("encoding") or "utf-8"),
                sha256=str(entry.get("sha256") or ""),
                embedded=entry.get("embedded") or None,
                column=entry.get("column"),
                source=dict(entry.get("source") or {}),
                truth=dict(entry.get("truth") or {}),
            )
        )
    return portal


def load_corpus(root: Path = CORPUS_DIR) -> list[Portal]:
    """Every portal folder under ``root`` (sorted by folder name)."""
    return [load_portal(folder) for folder in sorted(root.iterdir()) if (folder / PORTAL_FILE).is_file()]


def portal_problems(portal: Portal) -> list[str]:
    """What is wrong with a portal's description (empty when it is valid)."""
    problems = [f"{portal.slug}: no {key}" for key in ("name", "host", "cms") if not getattr(portal, key)]
    if not portal.pages:
        problems.append(f"{portal.slug}: no pages")
    for page in portal.pages:
        problems += [f"{portal.slug}/{page.file}: {problem}" for problem in page_problems(page)]
    return problems


def page_problems(page: CorpusPage) -> list[str]:
    """What is wrong with one page's entry: missing fields, a changed file, a truth out of shape."""
    problems = []
    if page.kind not in KINDS:
        problems.append(f"kind {page.kind!r} is not one of {KINDS}")
    if not urlsplit(page.url).hostname:
        problems.append(f"url {page.url!r} has no host")
    if not (page.source.get("repo") or page.source.get("index_file_id") or page.source.get("url")):
        problems.append("source names no repository, index file id or address")
    if not (page.folder / page.file).is_file():
        return [*problems, f"file {page.file!r} missing"]
    if not _SHA256.match(page.sha256):
        problems.append("sha256 is not 64 hex digits")
    elif hashlib.sha256(page.file_bytes()).hexdigest() != page.sha256:
        problems.append("sha256 does not match the file")
    try:
        page.body()
    except (ValueError, UnicodeDecodeError, LookupError) as error:
        problems.append(f"page text not readable: {error}")
    if "clean" not in page.truth:
        problems.append("truth does not say whether the page is clean")
    if page.kind == "list":
        problems += _list_truth_problems(page.truth)
    elif page.kind == "detail":
        problems += [f"detail truth lacks {name}" for name in DETAIL_FIELDS if name not in page.truth]
    return problems


def _list_truth_problems(truth: dict[str, Any]) -> list[str]:
    items = truth.get("items")
    if not isinstance(items, list) or not items:
        return ["list truth has no items"]
    problems = [
        f"item {index} lacks {key}"
        for index, item in enumerate(items)
        for key in ("href", "date", "title")
        if not isinstance(item, dict) or key not in item
    ]
    pager = truth.get("pager")
    if not isinstance(pager, dict):
        problems.append("list truth has no pager")
    else:
        problems += [f"pager lacks {name}" for name in PAGER_FIELDS if name not in pager]
    return problems
