"""Turn a fetched detail page into a :class:`~crawler.items.Detail`: one decode, one parse.

Runs for every page of a crawl, so the page is parsed once with lxml and every field is read
from that tree. ``content_hash`` covers the normalised body text and metadata only, so a visit
counter or a changed navigation bar does not make a page look revised.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Any
from urllib.parse import urljoin

from lxml import etree

from crawler.extract import content, pagekind
from crawler.extract.charset import decode_body
from crawler.extract.dates import date_from_url, parse_date
from crawler.extract.html import block_text, inline_text, parse_page, strip_hidden
from crawler.extract.integrity import scan_tree
from crawler.extract.metadata import info_line_date, labelled_values, meta_tags
from crawler.extract.titles import clean_title
from crawler.items import Detail

# Title elements of CMS templates, tried after the ArticleTitle meta (开普云 <UCAPTITLE>).
_TITLE_TAGS = ("ucaptitle",)
_EMPTY_DOC_NO = {"无", "-", "--", "—", "/", "暂无", "null", "none"}
_HASHED_FIELDS = (
    "title",
    "index_no",
    "doc_no",
    "publisher",
    "topic",
    "validity",
    "published_raw",
    "written_raw",
    "pubdate_meta_raw",
)


def extract_detail(
    url: str, body: bytes, content_type: str | None, site: str, http_status: int = 200
) -> Detail:
    """Everything a detail page says about its item (fetch_status ``ok``)."""
    return analyse_detail(url, body, content_type, site, http_status)[0]


@dataclass(frozen=True)
class ScanScope:
    """What the integrity scan needs to know of the portal: its own name and hosts."""

    site_name: str | None
    site_hosts: frozenset[str]


def analyse_detail(
    url: str,
    body: bytes,
    content_type: str | None,
    site: str,
    http_status: int = 200,
    scan: ScanScope | None = None,
) -> tuple[Detail, list[dict[str, Any]] | None]:
    """The :class:`Detail` of a page and, when ``scan`` is given, its integrity signals (as dicts),
    from one decode and one parse: the scan reads the tree as served, then hidden parts are removed
    for extraction. Signals are None when not scanned (no ``scan``, or a content type not HTML).
    """
    text, encoding = decode_body(body, content_type)
    root = parse_page(text)
    signals = None
    if scan is not None and (not content_type or "html" in content_type.lower()):
        found = scan_tree(root, url, scan.site_name, set(scan.site_hosts)) if text.strip() else []
        signals = [asdict(signal) for signal in found]
    scripts = pagekind.script_players(root, _base_url(root, url))
    return _extract(strip_hidden(root), url, encoding, site, http_status, scripts), signals


def _extract(
    root: etree._Element,
    url: str,
    encoding: str,
    site: str,
    http_status: int,
    scripts: list[pagekind.ScriptPlayer],
) -> Detail:
    metas = meta_tags(root)
    container = content.find_body(root)
    labelled = labelled_values(root, body=container)
    base_url = _base_url(root, url)
    detail = Detail(site=site, url=url, http_status=http_status, fetch_status="ok", encoding=encoding)
    detail.title = _title(root, metas, labelled)
    detail.index_no = labelled.get("index_no")
    detail.doc_no = _doc_no(labelled.get("doc_no"))
    detail.publisher = labelled.get("publisher")
    detail.topic = labelled.get("topic")
    detail.validity = labelled.get("validity")
    detail.published_raw = labelled.get("published_raw") or labelled.get("published_time")
    detail.written_raw = labelled.get("written_raw")
    detail.pubdate_meta_raw = metas.get("pubdate")
    detail.column_name_meta = metas.get("columnname")
    detail.url_date = date_from_url(url)
    detail.published_on = (
        parse_date(detail.published_raw)
        or info_line_date(root, container)
        or parse_date(detail.pubdate_meta_raw)
        or detail.url_date
    )
    detail.written_on = parse_date(detail.written_raw)
    detail.body_text = block_text(container, skip=content.is_excluded)
    detail.images = content.images(container, base_url)
    detail.attachments = content.attachments([container, *content.attachment_blocks(root)], base_url)
    looks = pagekind.page_kind(container, base_url, detail.body_text, detail.images, detail.doc_no, scripts)
    detail.videos = content.unique(
        [*content.videos(container, base_url), *(p.url for p in looks.players if p.url)]
    )
    detail.kind, detail.kind_reason = looks.kind, looks.reason
    detail.content_hash = content_hash(detail)
    return detail


def content_hash(detail: Detail) -> str:
    """sha256 of the normalised body text and the sorted metadata fields."""
    metadata = {name: getattr(detail, name) for name in _HASHED_FIELDS}
    payload = detail.body_text + "\n" + json.dumps(metadata, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _title(root: etree._Element, metas: dict[str, str], labelled: dict[str, str]) -> str:
    if metas.get("articletitle"):
        return " ".join(metas["articletitle"].split())
    for tag in _TITLE_TAGS:
        element = root.find(f".//{tag}")
        if element is not None and inline_text(element):
            return inline_text(element)
    for heading in root.iter("h1"):
        text = inline_text(heading)
        if text and not content.in_excluded_region(heading):
            return text
    if labelled.get("title"):
        return labelled["title"]
    for title in root.iter("title"):
        text = inline_text(title)
        if text:
            return clean_title(text, metas.get("sitename"))
    return ""


def _doc_no(value: str | None) -> str | None:
    if value is None or value.strip().lower() in _EMPTY_DOC_NO:
        return None
    return value


def _base_url(root: etree._Element, url: str) -> str:
    base = root.find(".//base")
    href = base.get("href") if base is not None else None
    return urljoin(url, href.strip()) if href and href.strip() else url
