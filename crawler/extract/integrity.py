"""Page-level hijack and tampering detection (挂马, 暗链, 被篡改): a pure function on raw HTML.

``scan_page`` answers "what has an attacker left on this page?" with :class:`Signal` values of four
kinds (the finding kinds of ``storage/findings.py``):

- ``hijacked``: ``<title>``, ``SiteName`` or ``ArticleTitle`` carries a gambling or porn brand or
  phrase, or the decorative noise of injected titles;
- ``hidden_link``: links to outside, non-government hosts inside hidden elements (``display:none``,
  off-screen positioning, ``font-size:0``, tiny ``<marquee>``) whose text, URL or title carries
  spam vocabulary. A hidden link with nothing to sell is a menu, a share button or a dropdown of
  media links, which real portals hide by the dozen: not evidence;
- ``spam``: gambling / porn vocabulary in hidden elements or in the text of links to outside hosts;
- ``cloaking``: scripts that test the referrer for a search engine (or the user agent for a
  spider) and redirect.

Standard government boilerplate is never evidence: links to other government hosts (gov.cn,
gov.hk, gov.mo, …, as ``inspection.links`` classifies them), the hidden 找错 (纠错) widget and its
script (which reads ``document.referrer`` but tests it for no search engine), hidden CMS vendor
credits (Produced By 大汉网络), government words in their place (澳门, 福利彩票, 国家体育总局),
vocabulary in visible text on the site's own hosts. A signal takes its kind's severity (veto)
only on strong evidence — a gambling or porn brand or phrase, an off-site cloaking target — and
says which in ``severity_reason``; weaker evidence makes a warning.

At most one signal per kind is returned, its evidence listing every match, so that a finding keyed
by (site, kind, page URL) holds all of them. Signatures are data, in ``signatures.yaml``; the
vocabulary is ``inspection/spam.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from crawler.extract.html import parse_page
from inspection.cloaking import script_redirects
from inspection.links import host_scope
from inspection.spam import spam_terms, title_noise

SIGNATURES_FILE = Path(__file__).with_name("signatures.yaml")
SIGNAL_KINDS = ("hijacked", "hidden_link", "spam", "cloaking")
_EVIDENCE_MAX = 20
_TEXT_MAX = 200
_ABSOLUTE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.I)
_NOT_A_TARGET = ("#", "javascript:", "mailto:", "tel:")
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
    hidden_styles: tuple[re.Pattern[str], ...]
    marquee_max_px: int
    cloaking: tuple[tuple[re.Pattern[str], ...], ...]
    severity: dict[str, str]


@dataclass
class _Match:
    """One piece of evidence, and whether it alone would justify the kind's severity."""

    detail: dict[str, Any]
    strong: bool
    reason: str


@cache
def load_signatures(path: Path = SIGNATURES_FILE) -> Signatures:
    """The signatures of ``signatures.yaml`` (cached per process)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return Signatures(
        hidden_styles=tuple(re.compile(p) for p in data["hidden_styles_regex"]),
        marquee_max_px=int(data["marquee_max_px"]),
        cloaking=tuple(tuple(re.compile(p, re.I) for p in entry) for entry in data["cloaking"]),
        severity={str(k): str(v) for k, v in data["severity"].items()},
    )


def scan_page(html: str, url: str, site_name: str | None, site_hosts: set[str]) -> list[Signal]:
    """The tampering signals of one page (empty for a clean one).

    ``site_name`` is the portal's own name (e.g. 青石县人民政府), kept beside a hijacked title as
    what was expected; ``site_hosts`` are the portal's hosts: links elsewhere are other hosts.
    """
    if not html or not html.strip():
        return []
    return scan_tree(parse_page(html), url, site_name, site_hosts)


def scan_tree(doc: etree._Element, url: str, site_name: str | None, site_hosts: set[str]) -> list[Signal]:
    """:func:`scan_page` on a page already parsed with :func:`crawler.extract.html.parse_page`
    (hidden elements still in it): the detail extractor parses once for both."""
    sig = load_signatures()
    hosts = tuple({h.lower() for h in site_hosts} | {_host_of(url)} - {""})
    found: dict[str, list[_Match]] = {
        "hijacked": _hijacked(doc, site_name),
        "hidden_link": [],
        "spam": [],
        "cloaking": _cloaking(doc, url, hosts, sig),
    }
    _links(doc, url, hosts, sig, found["hidden_link"], found["spam"])
    found["spam"] += _hidden_text(doc, sig)
    return [_signal(kind, matches, sig) for kind, matches in found.items() if matches]


def _signal(kind: str, matches: list[_Match], sig: Signatures) -> Signal:
    strong = [m.reason for m in matches if m.strong]
    severity = sig.severity.get(kind, "warning") if strong else "warning"
    if strong:
        reason = "strong evidence: " + "; ".join(dict.fromkeys(strong))
    else:
        reason = "weak evidence only: " + "; ".join(dict.fromkeys(m.reason for m in matches))
    evidence = {
        "matches": [m.detail for m in matches[:_EVIDENCE_MAX]],
        "count": len(matches),
        "severity_reason": reason[:1000],
    }
    return Signal(kind, evidence, severity)


def _hijacked(doc: Any, site_name: str | None) -> list[_Match]:
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
        terms = list(spam_terms(value).strong)
        noise = title_noise(value)
        if not terms and noise is None:
            continue
        detail = {"field": where, "value": value[:_TEXT_MAX], "terms": terms, "expected": site_name}
        if noise is not None:
            detail["noise"] = noise
        if terms:
            matches.append(_Match(detail, True, f"{', '.join(terms)} in the {where}"))
        else:
            matches.append(_Match(detail, False, f"decorative noise {noise} in the {where}"))
    return matches


def _cloaking(doc: Any, url: str, hosts: tuple[str, ...], sig: Signatures) -> list[_Match]:
    matches = []
    for script in doc.iter("script"):
        code = str(_text_content(script) or "")
        if not any(all(p.search(code) for p in entry) for entry in sig.cloaking):
            continue
        redirects = script_redirects(code, url, hosts)
        offsite = sorted({r.host for r in redirects if r.scope == "outside" and r.condition is not None})
        detail = {"script": " ".join(code.split())[:_TEXT_MAX], "targets": offsite}
        if offsite:
            matches.append(_Match(detail, True, f"a search-engine test redirecting to {', '.join(offsite)}"))
        else:
            matches.append(
                _Match(detail, False, "a search-engine test with a redirect to no literal off-site URL")
            )
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


def _links(
    doc: Any,
    url: str,
    hosts: tuple[str, ...],
    sig: Signatures,
    hidden_links: list[_Match],
    spam: list[_Match],
) -> None:
    scopes: dict[str, str] = {}
    for anchor in doc.iter("a", "area"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_A_TARGET) or not _ABSOLUTE.match(href):
            continue  # relative: the page's own host
        host = _host_of(href, url)
        if not host:
            continue
        if host not in scopes:
            scopes[host] = host_scope(host, hosts)
        if scopes[host] != "outside":
            continue  # the site's own host or another government's
        text = " ".join(str(_text_content(anchor)).split())[:_TEXT_MAX]
        terms = spam_terms(" ".join((text, href, anchor.get("title") or "")))
        words = terms.evidence(weak_counts=True)
        if not words:
            continue  # an outside link with nothing to sell: a menu, a share button, a media list
        hiding = _is_hidden(anchor, sig)
        context = "hidden link" if hiding is not None else "link to another host"
        reason = f"{', '.join(words)} in a {context} to {host}"
        detail = {"href": href, "host": host, "text": text, "terms": words}
        if hiding is not None:
            hidden_links.append(_Match({**detail, "style": hiding}, bool(terms.strong), reason))
        spam.append(_Match({"context": context, **detail}, bool(terms.strong), reason))


def _hidden_text(doc: Any, sig: Signatures) -> list[_Match]:
    """Gambling or porn brands and phrases in the text of hidden elements (links left out:
    they are judged with their targets)."""
    matches = []
    for element in doc.xpath("//*[@style or @hidden] | //marquee"):
        if element.tag in ("script", "style", "a"):
            continue
        if _own_hiding(element, sig) is None:
            continue
        if any(_own_hiding(parent, sig) is not None for parent in element.iterancestors()):
            continue  # reported with the outermost hidden element
        text = " ".join(_own_text(element).split())
        terms = spam_terms(text).strong
        if terms:
            detail = {"context": "hidden text", "text": text[:_TEXT_MAX], "terms": list(terms)}
            matches.append(_Match(detail, True, f"{', '.join(terms)} in hidden text"))
    return matches


def _own_text(element: Any) -> str:
    """Text of ``element`` and its descendants, leaving out links (reported on their own)."""
    parts = [element.text or ""]
    for child in element:
        if isinstance(child.tag, str) and child.tag != "a":
            parts.append(_own_text(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def _host_of(url: str, base: str | None = None) -> str:
    try:
        return (urlsplit(urljoin(base, url) if base else url).hostname or "").lower()
    except ValueError:  # an unparseable URL (bad port, bad IPv6 literal) names no host
        return ""
