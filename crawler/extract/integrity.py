"""Page-level hijack and tampering detection (挂马, 暗链, 被篡改): a pure function on raw HTML.

``scan_page`` answers "what has an attacker left on this page?" with :class:`Signal` values of four
kinds (the finding kinds of ``storage/findings.py``):

- ``hijacked``: ``<title>``, ``SiteName`` or ``ArticleTitle`` carries a gambling or porn brand, or the
  site's own name no longer appears where it should;
- ``hidden_link``: links to other hosts inside hidden elements (``display:none``, off-screen
  positioning, ``font-size:0``, tiny ``<marquee>``);
- ``spam``: gambling / porn vocabulary in hidden elements or in the text of links to other hosts;
- ``cloaking``: scripts that read ``document.referrer`` and redirect (search-engine cloaking).

Vocabulary in visible text on the site's own hosts is never a finding: a 福彩体彩 page may say 彩票.
At most one signal per kind is returned, its evidence listing every match, so that a finding keyed
by (site, kind, page URL) holds all of them. Signatures are data, in ``signatures.yaml``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract.html import parse_page

logger = logging.getLogger(__name__)

SIGNATURES_FILE = Path(__file__).with_name("signatures.yaml")
SIGNAL_KINDS = ("hijacked", "hidden_link", "spam", "cloaking")
_EVIDENCE_MAX = 20
_TEXT_MAX = 200
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_PX = re.compile(r"^\s*(\d+)\s*(?:px)?\s*$")
# lxml.html's text_content(), for plain etree elements
_text_content = etree.XPath("string()")


@dataclass(frozen=True)
class Signal:
    """One kind of tampering seen on a page, with its evidence and the severity a finding takes."""

    kind: str
    evidence: dict[str, Any] = field(default_factory=dict)
    severity: str = "warning"


@dataclass(frozen=True)
class Signatures:
    strong: tuple[str, ...]
    weak: tuple[str, ...]
    noise: re.Pattern[str]
    hidden_styles: tuple[re.Pattern[str], ...]
    marquee_max_px: int
    cloaking: tuple[tuple[re.Pattern[str], ...], ...]
    severity: dict[str, str]
    trusted: tuple[str, ...] = ()


@cache
def load_signatures(path: Path = SIGNATURES_FILE) -> Signatures:
    """The signatures of ``signatures.yaml`` (cached per process)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Signatures(
        strong=tuple(str(w).lower() for w in data["strong"]),
        weak=tuple(str(w).lower() for w in data["weak"]),
        noise=re.compile(str(data["noise_regex"])),
        hidden_styles=tuple(re.compile(p) for p in data["hidden_styles_regex"]),
        marquee_max_px=int(data["marquee_max_px"]),
        cloaking=tuple(tuple(re.compile(p, re.I) for p in entry) for entry in data["cloaking"]),
        severity={str(k): str(v) for k, v in data["severity"].items()},
        trusted=tuple(str(h).lower() for h in data.get("trusted_host_suffixes") or ()),
    )


def scan_page(html: str, url: str, site_name: str | None, site_hosts: set[str]) -> list[Signal]:
    """The tampering signals of one page (empty for a clean one).

    ``site_name`` is the portal's own name (e.g. 青石县人民政府), used to notice a ``SiteName``
    that was replaced; ``site_hosts`` are the portal's hosts: links elsewhere are "other hosts".
    """
    if not html or not html.strip():
        return []
    return scan_tree(parse_page(html), url, site_name, site_hosts)


def scan_tree(doc: etree._Element, url: str, site_name: str | None, site_hosts: set[str]) -> list[Signal]:
    """:func:`scan_page` on a page already parsed with :func:`crawler.extract.html.parse_page`
    (hidden elements still in it): the detail extractor parses once for both."""
    sig = load_signatures()
    hosts = {h.lower() for h in site_hosts} | {(urlsplit(url).hostname or "").lower()}
    found: dict[str, list[dict[str, Any]]] = {
        "hijacked": _hijacked(doc, site_name, sig),
        "hidden_link": [],
        "spam": [],
        "cloaking": _cloaking(doc, sig),
    }
    _links_and_hidden_text(doc, url, hosts, sig, found["hidden_link"], found["spam"])
    return [
        Signal(
            kind,
            {"matches": matches[:_EVIDENCE_MAX], "count": len(matches)},
            sig.severity.get(kind, "warning"),
        )
        for kind, matches in found.items()
        if matches
    ]


def _terms(text: str, words: tuple[str, ...]) -> list[str]:
    lowered = text.lower()
    return [w for w in words if w in lowered]


def _hijacked(doc: Any, site_name: str | None, sig: Signatures) -> list[dict[str, Any]]:
    fields: list[tuple[str, str]] = []
    title = doc.find(".//title")
    if title is not None and _text_content(title):
        fields.append(("title", str(_text_content(title)).strip()))
    for meta in doc.iter("meta"):
        name = (meta.get("name") or "").strip()
        if name.lower() in ("sitename", "articletitle"):
            fields.append((name, (meta.get("content") or "").strip()))
    matches = []
    for where, value in fields:
        terms = _terms(value, sig.strong)
        noise = sig.noise.search(value)
        if noise is not None:
            terms.append(noise.group(0))
        if terms:
            matches.append(
                {"field": where, "value": value[:_TEXT_MAX], "terms": terms, "expected": site_name}
            )
    return matches


def _cloaking(doc: Any, sig: Signatures) -> list[dict[str, Any]]:
    matches = []
    for script in doc.iter("script"):
        code = str(_text_content(script) or "")
        for entry in sig.cloaking:
            if all(p.search(code) for p in entry):
                matches.append({"script": " ".join(code.split())[:_TEXT_MAX]})
                break
    return matches


def _own_hiding(node: Any, sig: Signatures) -> str | None:
    """How ``node`` itself is hidden (its own attributes), or None."""
    if node.get("hidden") is not None:
        return "hidden"
    style = re.sub(r"\s+", "", (node.get("style") or "").lower())
    if style and any(pattern.search(style) for pattern in sig.hidden_styles):
        return style
    if node.tag == "marquee" and _tiny_marquee(node, sig):
        return f"marquee height={node.get('height')} width={node.get('width')}"
    return None


def _is_hidden(element: Any, sig: Signatures) -> str | None:
    """The hiding style of ``element`` or an ancestor, or None when it is visible."""
    for node in (element, *element.iterancestors()):
        hiding = _own_hiding(node, sig)
        if hiding is not None:
            return hiding
    return None


def _tiny_marquee(node: Any, sig: Signatures) -> bool:
    for attr in ("height", "width"):
        match = _PX.match(node.get(attr) or "")
        if match and int(match.group(1)) <= sig.marquee_max_px:
            return True
    return False


def _links_and_hidden_text(
    doc: Any,
    url: str,
    hosts: set[str],
    sig: Signatures,
    hidden_links: list[dict[str, Any]],
    spam: list[dict[str, Any]],
) -> None:
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:")):
            continue
        if not _ABSOLUTE.match(href):
            continue  # relative: the page's own host
        host = (urlsplit(urljoin(url, href)).hostname or "").lower()
        if not host or host in hosts:
            continue
        text = " ".join(str(_text_content(anchor)).split())[:_TEXT_MAX]
        hiding = _is_hidden(anchor, sig)
        if hiding is not None:
            hidden_links.append({"href": href, "host": host, "text": text, "style": hiding})
        trusted = hiding is None and host.endswith(sig.trusted)
        terms = _terms(text + " " + href, sig.strong if trusted else sig.strong + sig.weak)
        if terms:
            spam.append(
                {
                    "context": "hidden link" if hiding else "link to another host",
                    "href": href,
                    "text": text,
                    "terms": terms,
                }
            )
    for element in doc.xpath("//*[@style or @hidden] | //marquee"):
        if element.tag in ("script", "style", "a"):
            continue
        if _own_hiding(element, sig) is None:
            continue
        if any(_own_hiding(parent, sig) is not None for parent in element.iterancestors()):
            continue  # reported with the outermost hidden element
        text = " ".join(_own_text(element).split())
        terms = _terms(text, sig.strong + sig.weak)
        if terms:
            spam.append({"context": "hidden text", "text": text[:_TEXT_MAX], "terms": terms})


def _own_text(element: Any) -> str:
    """Text of ``element`` and its descendants, leaving out links (reported on their own)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "a":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)
