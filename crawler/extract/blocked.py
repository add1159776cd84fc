"""Tell a WAF challenge (加速乐, 瑞数, 云锁, bare 412/521 JS pages) from an ordinary response.

A blocked column must not be reported as an empty one, so the spider asks this before parsing.
Signatures are data, in ``blocked.yaml`` beside this module.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

SIGNATURES_FILE = Path(__file__).with_name("blocked.yaml")
_BODY_WINDOW = 65536
_MARKUP = re.compile(rb"<script.*?</script>|<style.*?</style>|<[^>]*>|\s+", re.S | re.I)
_CHALLENGE_MAX_TEXT = 200
_SCRIPT = re.compile(rb"<script|document\.cookie|eval\(|window\.location", re.I)


@dataclass(frozen=True)
class Signature:
    reason: str
    body: tuple[bytes, ...]
    cookies: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Rules:
    signatures: tuple[Signature, ...]
    challenge_statuses: frozenset[int]
    script_statuses: frozenset[int]
    challenge_max_bytes: int


def detect_block(status: int, headers: Mapping[Any, Any] | Any, body: bytes | None) -> str | None:
    """The challenge's name (``jiasule``, ``ruishu``, ``yunsuo``, ``js-challenge-412``…) or None."""
    rules = load_rules()
    body = body or b""
    window = body[:_BODY_WINDOW]
    if status == 202 and not body.strip():
        return "empty-202"
    suspicious = status in rules.challenge_statuses or _looks_like_challenge(body, rules)
    cookies = _cookie_names(headers) if suspicious else []
    for signature in rules.signatures:
        if any(marker in window for marker in signature.body):
            return signature.reason
        if any(pattern.search(name) for pattern in signature.cookies for name in cookies):
            return signature.reason
    if status in rules.script_statuses and _SCRIPT.search(window):
        return f"js-challenge-{status}"
    return None


@cache
def load_rules() -> Rules:
    """The signatures of ``blocked.yaml``."""
    with SIGNATURES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    signatures = tuple(
        Signature(
            reason=str(entry["reason"]),
            body=tuple(str(marker).encode("utf-8") for marker in entry.get("body", [])),
            cookies=tuple(re.compile(pattern) for pattern in entry.get("cookies", [])),
        )
        for entry in data["signatures"]
    )
    return Rules(
        signatures=signatures,
        challenge_statuses=frozenset(int(s) for s in data["challenge_statuses"]),
        script_statuses=frozenset(int(s) for s in data["script_statuses"]),
        challenge_max_bytes=int(data["challenge_max_bytes"]),
    )


def _looks_like_challenge(body: bytes, rules: Rules) -> bool:
    """A short page of script with almost no visible text: how cookie challenges look at 200."""
    if len(body) > rules.challenge_max_bytes or not _SCRIPT.search(body):
        return False
    return len(_MARKUP.sub(b"", body)) < _CHALLENGE_MAX_TEXT


def _cookie_names(headers: Mapping[Any, Any] | Any) -> list[str]:
    names = []
    for value in _header_values(headers, "set-cookie"):
        name = value.split("=", 1)[0].strip()
        if name:
            names.append(name)
    return names


def _header_values(headers: Mapping[Any, Any] | Any, name: str) -> list[str]:
    """All values of one header from a plain dict or a Scrapy ``Headers`` (bytes, lists)."""
    if headers is None:
        return []
    if hasattr(headers, "getlist"):
        return [_text(v) for v in headers.getlist(name)]
    values: list[str] = []
    for key, value in dict(headers).items():
        if _text(key).lower() != name:
            continue
        items = value if isinstance(value, list | tuple) else [value]
        values.extend(_text(item) for item in items)
    return values


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)
