"""Parse the date shapes Chinese portals print, and the dates TRS and Hanweb put in article URLs.

Only years 1900–2099 are read, so index numbers such as ``000014348/2020-35428`` are not taken
for dates. Nothing here raises: text without a valid date gives None.
"""

from __future__ import annotations

import logging
import re
from datetime import date

logger = logging.getLogger(__name__)

_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)",
)
_TRS_URL = re.compile(r"/t((?:19|20)\d{2})(\d{2})(\d{2})_\d+")
_HANWEB_URL = re.compile(r"/art/((?:19|20)\d{2})/(\d{1,2})/(\d{1,2})/")


def parse_date(text: str | None) -> date | None:
    """The first valid calendar date in ``text`` (``2018-03-05``, ``2018年3月5日``, ``[2018/03/05]``…)."""
    if not text:
        return None
    for match in _DATE.finditer(str(text)):
        parsed = _make_date(*match.groups())
        if parsed is not None:
            return parsed
    return None


def find_date_text(text: str | None) -> str | None:
    """The substring of ``text`` holding its first valid date, as printed."""
    if not text:
        return None
    for match in _DATE.finditer(text):
        if _make_date(*match.groups()) is not None:
            end = match.end()
            if text[end : end + 1] == "日":
                end += 1
            return text[match.start() : end]
    return None


def date_from_url(url: str | None) -> date | None:
    """The date in a TRS ``t20180305_123.html`` or Hanweb ``/art/2018/3/5/art_…`` URL."""
    if not url:
        return None
    for pattern in (_TRS_URL, _HANWEB_URL):
        match = pattern.search(url)
        if match:
            return _make_date(*match.groups())
    return None


def _make_date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None
