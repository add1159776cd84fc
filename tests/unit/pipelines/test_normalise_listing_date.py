"""The normalise stage completes a list row's month-and-day date from its item URL's year."""

from __future__ import annotations

import datetime as dt

from crawler.items import Listing
from pipelines.normalise import NormalisePipeline


def _listing(raw: str, url: str) -> Listing:
    fields = {name: None for name in Listing.__dataclass_fields__}
    fields.update(url=url, column_url="http://x.gov.cn/zwgk/zhxx/", title=" a  title ", list_date_raw=raw)
    return Listing(**fields)


def test_month_day_takes_the_year_of_its_url() -> None:
    item = NormalisePipeline().process_item(
        _listing("10-19", "http://x.gov.cn/zwgk/zhxx/201710/t20171019_1.html")
    )
    assert item.list_date == dt.date(2017, 10, 19)
    assert item.title == "a title"


def test_month_day_without_a_year_stays_undated() -> None:
    item = NormalisePipeline().process_item(_listing("10-19", "http://x.gov.cn/content.jsp?id=5"))
    assert item.list_date is None
