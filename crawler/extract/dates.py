"""Parse the date shapes Chinese portals print, and the dates TRS and Hanweb put in article URLs.

Only years 1900–2099 are read, so index numbers such as ``000014348/2020-35428`` are not taken
for dates. Nothing here raises: text without a valid date gives None.
"""

from __future__ import annotations

import re
from datetime import date

_DATE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)",
)
# a month and day printed without the year ("10-19", "10月19日"): the whole text, nothing else
_MONTH_DAY = re.compile(r"^[\s\[(（【]*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?[\s\])）】]*$")
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


def month_day_text(text: str | None) -> str | None:
    """``text`` when it is only a month and a day (``10-19``, ``[10/19]``, ``10月19日``), as printed."""
    if not text:
        return None
    match = _MONTH_DAY.match(text)
    if not match or _make_date("2000", *match.groups()) is None:
        return None
    return text.strip()


def date_in_year(text: str | None, year: int) -> date | None:
    """The full date of ``text``, or its month and day in ``year`` (a list printing ``10-19``)."""
    full = parse_date(text)
    if full is not None or not text:
        return full
    match = _MONTH_DAY.match(text)
    return _make_date(str(year), *match.groups()) if match else None


def listing_date(text: str | None, url: str | None) -> date | None:
    """The date a list row prints: a full date, or a month and day (``10-19``) in the year its
    item's URL names (``/201710/t20171019_…``); None when neither says the year."""
    full = parse_date(text)
    if full is not None or not text:
        return full
    from_url = date_from_url(url)
    return date_in_year(text, from_url.year) if from_url is not None else None
