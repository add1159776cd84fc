from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.dates import date_from_url, parse_date

FORMATS = [
    "{d.year}-{d.month:02d}-{d.day:02d}",
    "{d.year}-{d.month}-{d.day}",
    "{d.year}年{d.month}月{d.day}日",
    "{d.year}年{d.month:02d}月{d.day:02d}日",
    "{d.year}/{d.month:02d}/{d.day:02d}",
    "{d.year}.{d.month:02d}.{d.day:02d}",
    "{d.year}-{d.month:02d}-{d.day:02d} 09:30",
    "{d.year}-{d.month:02d}-{d.day:02d} 09:30:00",
    "[{d.year}-{d.month:02d}-{d.day:02d}]",
    "发布日期：{d.year}年{d.month:02d}月{d.day:02d}日",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2018-03-05", date(2018, 3, 5)),
        ("2018-3-5", date(2018, 3, 5)),
        ("2018年3月5日", date(2018, 3, 5)),
        ("2018年03月05日", date(2018, 3, 5)),
        ("2018/03/05", date(2018, 3, 5)),
        ("2018.03.05", date(2018, 3, 5)),
        ("2018-03-05 09:30", date(2018, 3, 5)),
        ("2018-03-05 09:30:00", date(2018, 3, 5)),
        ("[2018-03-05]", date(2018, 3, 5)),
        ("发布日期：2018年03月05日", date(2018, 3, 5)),
        ("（2018年 3 月 5 日）", date(2018, 3, 5)),
    ],
)
def test_parse_date_shapes(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2018-02-30", "2018-13-01", "", None, "无", "000014348/2020-35428", "20180305"]
)
def test_parse_date_rejects(text: str | None) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://www.example.gov.cn/zwgk/tzgg/201803/t20180305_123456.html", date(2018, 3, 5)),
        ("http://www.example.gov.cn/zwgk/201802/t20180228_123300.shtml", date(2018, 2, 28)),
        ("http://www.example.gov.cn/art/2018/3/5/art_33718_11828204.html", date(2018, 3, 5)),
        ("http://www.example.gov.cn/art/2018/12/25/art_1_2.html", date(2018, 12, 25)),
        ("http://www.example.gov.cn/zwgk/201802/t20180230_1.html", None),
        ("http://www.example.gov.cn/content/article/1001.html", None),
    ],
)
def test_date_from_url(url: str, expected: date | None) -> None:
    assert date_from_url(url) == expected


@given(st.text())
def test_parse_date_never_raises(text: str) -> None:
    parse_date(text)
    date_from_url(text)


@pytest.mark.parametrize("template", FORMATS)
@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)))
def test_parse_date_round_trips(template: str, day: date) -> None:
    assert parse_date(template.format(d=day)) == day
