"""Page extraction: charset, dates, metadata labels, WAF challenge detection and detail pages.

Pure functions over bytes and strings; nothing here fetches or stores.
"""

from __future__ import annotations

from crawler.extract.blocked import detect_block
from crawler.extract.charset import decode_body
from crawler.extract.dates import date_from_url, listing_date, parse_date
from crawler.extract.detail import extract_detail
from crawler.extract.labels import field_for_label, normalise_label

__all__ = [
    "date_from_url",
    "listing_date",
    "decode_body",
    "detect_block",
    "extract_detail",
    "field_for_label",
    "normalise_label",
    "parse_date",
]
