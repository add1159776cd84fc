"""Classify a link target: in-site, another government's host, or outside; and page, attachment,
image or resource, from the element that carries it and the URL.

Used by the hijack scan (links to other government hosts are boilerplate, not evidence) and by the
dead-link checker (counts by class, as inspectors report them: 站内 / 域内 / 域外 × 页面 / 附件 /
图片). The host lists and extensions are data, in ``links.yaml``.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit

from lxml import etree

from inspection.data import DATA_DIR, load_rules, require

logger = logging.getLogger(__name__)

RULES_FILE = DATA_DIR / "links.yaml"
SCOPES = ("site", "government", "outside")
KINDS = ("page", "attachment", "image", "resource")
# Where elements keep the URL they link to or embed.
_URL_ATTRIBUTES = (
    ("a", "href"),
    ("area", "href"),
    ("iframe", "src"),
    ("frame", "src"),
    ("img", "src"),
    ("script", "src"),
    ("link", "href"),
    ("embed", "src"),
    ("object", "data"),
    ("source", "src"),
    ("audio", "src"),
    ("video", "src"),
)
_NOT_FETCHABLE = ("javascript:", "mailto:", "tel:", "data:", "about:", "#", "sms:", "file:")


@dataclass(frozen=True)
class LinkRules:
    government_suffixes: tuple[str, ...]
    attachment_extensions: frozenset[str]
    image_extensions: frozenset[str]
    image_tags: frozenset[str]
    resource_tags: frozenset[str]


@dataclass(frozen=True)
class LinkTarget:
    """An absolute http(s) link target and its class."""

    url: str
    host: str
    scope: str
    kind: str


@cache
def load_link_rules(path: Path = RULES_FILE) -> LinkRules:
    """The rules of ``links.yaml`` (cached per process)."""
    data = load_rules(path)
    suffixes = [
        *require(data, "government_suffixes", list, path),
        *require(data, "government_hosts", list, path),
    ]
    return LinkRules(
        government_suffixes=tuple(_normalise_host(str(s)) for s in suffixes),
        attachment_extensions=frozenset(
            str(e).lower() for e in require(data, "attachment_extensions", list, path)
        ),
        image_extensions=frozenset(str(e).lower() for e in require(data, "image_extensions", list, path)),
        image_tags=frozenset(str(t) for t in require(data, "image_tags", list, path)),
        resource_tags=frozenset(str(t) for t in require(data, "resource_tags", list, path)),
    )


def host_matches(host: str, suffixes: Iterable[str]) -> bool:
    """Whether ``host`` is one of ``suffixes`` or under one of them, on a label boundary
    (``www.gov.mo`` is under ``gov.mo``; ``fakegov.mo`` is not)."""
    host = _normalise_host(host)
    return any(host == s or host.endswith("." + s) for s in map(_normalise_host, suffixes))


def is_government_host(host: str, rules: LinkRules | None = None) -> bool:
    """Whether ``host`` belongs to a government body (under a suffix or host of ``links.yaml``)."""
    rules = rules or load_link_rules()
    return host_matches(host, rules.government_suffixes)


def host_scope(host: str, site_hosts: Iterable[str], rules: LinkRules | None = None) -> str:
    """``site`` for one of the portal's own hosts, ``government`` for another government's,
    ``outside`` for everything else. ``site_hosts`` is a collection of host names (a single name
    given as a string counts as one host, not as its characters)."""
    host = _normalise_host(host)
    own = [site_hosts] if isinstance(site_hosts, str) else site_hosts
    if host in {_normalise_host(h) for h in own}:
        return "site"
    return "government" if is_government_host(host, rules) else "outside"


def link_kind(url: str, tag: str = "a", rules: LinkRules | None = None) -> str:
    """``image``, ``attachment``, ``resource`` or ``page``: an ``<img>`` is an image and a
    ``<script>`` a resource whatever their URL; otherwise the file extension of the path (or of a
    query value naming a file, as ``download.jsp?filename=a.pdf``) decides."""
    rules = rules or load_link_rules()
    tag = tag.lower()
    if tag in rules.image_tags:
        return "image"
    extensions = [_extension(urlsplit(url).path)]
    extensions += [_extension(value) for _, value in parse_qsl(urlsplit(url).query)]
    if any(e in rules.image_extensions for e in extensions[:1]):
        return "image"
    if any(e in rules.attachment_extensions for e in extensions):
        return "attachment"
    return "resource" if tag in rules.resource_tags else "page"


def classify_link(
    href: str, base_url: str, site_hosts: Iterable[str], tag: str = "a", rules: LinkRules | None = None
) -> LinkTarget | None:
    """The class of the link ``href`` found on the page at ``base_url``; None when it is not an
    http(s) target at all (``javascript:``, ``mailto:``, a fragment, an empty value)."""
    href = (href or "").strip()
    if not href or href.lower().startswith(_NOT_FETCHABLE):
        return None
    try:
        url = urljoin(base_url, href)
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # an unparseable URL (bad IPv6 literal, bad port) is no target
        logger.debug("unparseable link %r on %s", href, base_url)
        return None
    if parts.scheme not in ("http", "https") or not host:
        return None
    rules = rules or load_link_rules()
    return LinkTarget(
        url, _normalise_host(host), host_scope(host, site_hosts, rules), link_kind(url, tag, rules)
    )


def page_links(root: etree._Element, base_url: str, site_hosts: Iterable[str]) -> Iterator[LinkTarget]:
    """Every link and embedded resource of a parsed page, in document order, classified."""
    hosts = (site_hosts,) if isinstance(site_hosts, str) else tuple(site_hosts)
    rules = load_link_rules()
    for element in root.iter(*(tag for tag, _ in _URL_ATTRIBUTES)):
        tag = str(element.tag).lower()
        for attr in (a for t, a in _URL_ATTRIBUTES if t == tag):
            target = classify_link(element.get(attr) or "", base_url, hosts, tag, rules)
            if target is not None:
                yield target


def _extension(path: str) -> str:
    name = posixpath.basename(unquote(path or "").rstrip("/"))
    return name.rsplit(".", 1)[1].lower() if "." in name else ""


@lru_cache(maxsize=8192)
def _normalise_host(host: str) -> str:
    """Lower case, without a trailing dot or port, international names in their ASCII form."""
    host = host.strip().lower()
    if host.count(":") == 1:  # name:port (an IPv6 literal has several colons and no port here)
        host = host.split(":")[0]
    host = host.rstrip(".")
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return host
