"""Find a detail page's body container and the pictures, videos and attachments it holds.

Selectors, excluded regions and file extensions are data, in ``content.yaml`` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import yaml
from lxml import etree

from crawler.extract.html import inline_text
from crawler.items import Attachment

CONTENT_FILE = Path(__file__).with_name("content.yaml")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_SKIP_SCHEMES = ("javascript:", "mailto:", "data:", "#", "tel:", "about:")
_BODY_CANDIDATES = ("div", "td", "article", "section", "main")


@dataclass(frozen=True)
class ContentRules:
    body_xpaths: tuple[etree.XPath, ...]
    excluded_tags: frozenset[str]
    excluded_tokens: frozenset[str]
    attachment_tokens: frozenset[str]
    attachment_extensions: frozenset[str]
    video_extensions: frozenset[str]
    image_icon_tokens: frozenset[str]


@cache
def load_rules() -> ContentRules:
    """The rules of ``content.yaml``."""
    with CONTENT_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    return ContentRules(
        body_xpaths=tuple(etree.XPath(xpath) for xpath in data["body_xpaths"]),
        excluded_tags=frozenset(data["excluded_tags"]),
        excluded_tokens=frozenset(t.lower() for t in data["excluded_tokens"]),
        attachment_tokens=frozenset(t.lower() for t in data["attachment_block_tokens"]),
        attachment_extensions=frozenset(e.lower() for e in data["attachment_extensions"]),
        video_extensions=frozenset(e.lower() for e in data["video_extensions"]),
        image_icon_tokens=frozenset(t.lower() for t in data["image_icon_tokens"]),
    )


def is_excluded(element: etree._Element) -> bool:
    """Whether ``element`` is navigation, footer, breadcrumb or a similar non-content region."""
    rules = load_rules()
    if not isinstance(element.tag, str):
        return False
    if element.tag in rules.excluded_tags:
        return True
    return not rules.excluded_tokens.isdisjoint(_tokens(element))


def in_excluded_region(element: etree._Element) -> bool:
    """Whether ``element`` or one of its ancestors is excluded."""
    if is_excluded(element):
        return True
    return any(is_excluded(ancestor) for ancestor in element.iterancestors())


def find_body(root: etree._Element) -> etree._Element:
    """The body container: a known CMS container, else the element with the most paragraph text."""
    for xpath in load_rules().body_xpaths:
        for element in xpath(root):
            if isinstance(element, etree._Element) and inline_text(element):
                return element
    return _largest_block(root)


def _largest_block(root: etree._Element) -> etree._Element:
    scored = []
    for element in root.iter(*_BODY_CANDIDATES):
        score = len((element.text or "").strip())
        for child in element:
            if child.tag in ("p", "br", "span", "font", "strong", "b"):
                score += len(inline_text(child)) if child.tag != "br" else 0
            score += len((child.tail or "").strip())
        if score:
            scored.append((score, element))
    scored.sort(key=lambda pair: pair[0], reverse=True)
    for _, element in scored:
        if not in_excluded_region(element):
            return element
    body = root.find("body")
    return body if body is not None else root


def attachment_blocks(root: etree._Element) -> list[etree._Element]:
    """Elements whose class or id marks an attachments block (附件)."""
    tokens = load_rules().attachment_tokens
    # One pass over the elements, reading @class/@id once each (an XPath of one contains() per
    # token cost more than the rest of the page's extraction).
    return [
        el
        for el in root.iter()
        if isinstance(el.tag, str)
        and (el.get("class") or el.get("id"))
        and not tokens.isdisjoint(_tokens(el))
    ]


def images(container: etree._Element, base_url: str) -> list[str]:
    """Absolute URLs of the pictures in ``container``, file-type icons and spacers left out."""
    urls = (
        absolute_url(img.get("src") or img.get("data-src"), base_url)
        for img in container.iter("img")
        if not _in_attachment_link(img, base_url)
    )
    return unique(url for url in urls if url and not _is_icon(url))


def _in_attachment_link(img: etree._Element, base_url: str) -> bool:
    extensions = load_rules().attachment_extensions
    link = next(img.iterancestors("a"), None)
    href = absolute_url(link.get("href"), base_url) if link is not None else None
    return bool(href) and extension(href or "") in extensions


def _is_icon(url: str) -> bool:
    rules = load_rules()
    stem = _filename(url).lower().rsplit(".", 1)[0]
    return stem in rules.attachment_extensions or not rules.image_icon_tokens.isdisjoint(
        t for t in re.split(r"[^a-z0-9]+", stem) if t
    )


def videos(container: etree._Element, base_url: str) -> list[str]:
    """Absolute URLs of ``<video>``/``<source>`` sources and embeds or links to video files."""
    extensions = load_rules().video_extensions
    found = []
    for element in container.iter("video", "source", "embed", "a", "iframe"):
        raw = element.get("href") if element.tag == "a" else element.get("src")
        url = absolute_url(raw, base_url)
        if not url:
            continue
        if element.tag in ("video", "source") or extension(url) in extensions:
            found.append(url)
    return unique(found)


def attachments(containers: list[etree._Element], base_url: str) -> list[Attachment]:
    """Links to documents and archives in the containers, absolute and deduplicated by URL."""
    extensions = load_rules().attachment_extensions
    found: dict[str, Attachment] = {}
    for container in containers:
        for anchor in container.iter("a"):
            url = absolute_url(anchor.get("href"), base_url)
            if not url or url in found:
                continue
            name = inline_text(anchor) or (anchor.get("title") or "").strip()
            if extension(url) in extensions or extension(name) in extensions:
                found[url] = Attachment(url=url, name=name or _filename(url))
    return list(found.values())


def _tokens(element: etree._Element) -> set[str]:
    value = f"{element.get('class') or ''} {element.get('id') or ''}".lower()
    return {token for token in _TOKEN_SPLIT.split(value) if token}


def absolute_url(raw: str | None, base_url: str) -> str | None:
    """``raw`` made absolute against ``base_url``; None for an empty, script, mail, data or anchor link."""
    if not raw:
        return None
    raw = raw.strip()
    if not raw or raw.lower().startswith(_SKIP_SCHEMES):
        return None
    try:
        return urljoin(base_url, raw)
    except ValueError:
        return None


def extension(url_or_name: str) -> str:
    """The lower-case file extension of a URL's path or a file name ('' when none)."""
    path = urlsplit(url_or_name).path if "/" in url_or_name else url_or_name
    tail = path.rsplit("/", 1)[-1]
    return tail.rsplit(".", 1)[-1].lower() if "." in tail else ""


def _filename(url: str) -> str:
    return unquote(urlsplit(url).path.rsplit("/", 1)[-1])


def unique(urls: Iterable[str]) -> list[str]:
    """``urls`` without repeats, in first-seen order."""
    seen: dict[str, None] = {}
    for url in urls:
        seen.setdefault(url, None)
    return list(seen)
