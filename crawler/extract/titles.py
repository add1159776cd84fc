"""Clean a page's ``<title>`` down to its headline: issue, site and column suffixes removed.

The suffix patterns are data, in ``titles.yaml`` beside this module.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

TITLES_FILE = Path(__file__).with_name("titles.yaml")
_SEPARATORS = " -_|｜—–\u3000"
# the last " - " / "_" / "|" and what follows it, when no known suffix matched
_LAST_SEGMENT = re.compile(r"(?:\s+[-—–]+\s+|\s*[_|｜]\s*)(?!.*(?:\s+[-—–]+\s+|[_|｜]))(.+)$")
_MAX_ROUNDS = 5


@cache
def suffix_patterns() -> tuple[re.Pattern[str], ...]:
    """The patterns of ``titles.yaml``."""
    with TITLES_FILE.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    return tuple(re.compile(pattern) for pattern in data.get("suffix_patterns") or ())


def clean_title(title: str, site_name: str | None = None) -> str:
    """``title`` without the site's name, issue, site and column suffixes; else without its last
    separated segment (``headline_site``), never down to nothing."""
    title = " ".join(title.split())
    if site_name and title.endswith(site_name) and len(title) > len(site_name):
        title = title[: -len(site_name)].rstrip(_SEPARATORS)
    stripped = _strip_known(title)
    if stripped != title:
        return stripped
    match = _LAST_SEGMENT.search(title)
    if match and match.start() > 0:
        return title[: match.start()].strip()
    return title


def _strip_known(title: str) -> str:
    for _ in range(_MAX_ROUNDS):
        for pattern in suffix_patterns():
            match = pattern.search(title)
            if match and match.start() > 0:
                title = title[: match.start()].rstrip(_SEPARATORS)
                break
        else:
            return title
    return title
