"""A list row's date: a full date as printed, or a month and day completed from the item URL's year."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.extract import listing_date


@pytest.mark.parametrize(
    ("raw", "url", "want"),
    [
        ("2017-10-19", "http://x.gov.cn/a/201710/t20171019_1.html", dt.date(2017, 10, 19)),
        ("10-19", "http://www.zhangshu.gov.cn/zwgk/zhxx/201710/t20171019_398276.html", dt.date(2017, 10, 19)),
        ("[10-19]", "http://x.gov.cn/art/2019/10/19/art_1_2.html", dt.date(2019, 10, 19)),
        ("10-19", "http://x.gov.cn/content.jsp?id=5", None),  # no year anywhere: no date
        ("", "http://x.gov.cn/a/201710/t20171019_1.html", None),
        (None, "http://x.gov.cn/a/201710/t20171019_1.html", None),
        ("02-30", "http://x.gov.cn/a/201702/t20170230_1.html", None),  # no such day
    ],
)
def test_listing_date(raw: str | None, url: str, want: dt.date | None) -> None:
    assert listing_date(raw, url) == want
