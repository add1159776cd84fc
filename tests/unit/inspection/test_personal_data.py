"""Personal data (个人信息泄露): ID, bank card and mobile validators as properties over generated
numbers; boundaries that keep 索引号, 文号, dates and longer numbers out; masked values never
matching; findings on real pages (none) and on real pages with a generated 公示 table injected."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crawler.extract.html import parse_page
from inspection.personal_data import (
    find_values,
    id_check_digit,
    is_card_number,
    is_id_number,
    is_mobile_number,
    load_personal_rules,
    luhn_valid,
    mask,
    scan_text,
    scan_tree,
)
from inspection.textrows import Row

RULES = load_personal_rules()
TODAY = date(2024, 6, 1)
BOUNDED = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _luhn_complete(body: str) -> str:
    """``body`` with the digit appended that makes it Luhn-valid (computed here, independently)."""
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return body + str((10 - total % 10) % 10)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(RULES.provinces)))
    city, county = draw(st.integers(1, 99)), draw(st.integers(0, 99))
    born = draw(st.dates(date(1900, 1, 1), TODAY))
    first17 = f"{province}{city:02d}{county:02d}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return first17 + id_check_digit(first17)


@st.composite
def card_numbers(draw: st.DrawFn) -> str:
    length = draw(st.integers(16, 19))
    prefix = draw(st.sampled_from(["62", "4", "9558", "60"]))
    middle = draw(st.text("0123456789", min_size=length - len(prefix) - 1, max_size=length - len(prefix) - 1))
    return _luhn_complete(prefix + middle)


@st.composite
def mobile_numbers(draw: st.DrawFn) -> str:
    return draw(st.sampled_from(sorted(RULES.mobile_prefixes))) + draw(
        st.text("0123456789", min_size=8, max_size=8)
    )


def _changed(value: str, position: int, draw_digit: int) -> str:
    old = value[position]
    new = str((int(old) + draw_digit) % 10) if old.isdigit() else str(draw_digit % 10)
    return value[:position] + new + value[position + 1 :]


def _values(text: str, header: str = "") -> list[tuple[str, str]]:
    return [(v.type, v.digits) for v in find_values(Row(text, header), TODAY)]


@BOUNDED
@given(id_numbers())
def test_generated_id_numbers_are_valid_and_found(number):
    assert is_id_number(number, TODAY)
    assert _values(f"张三 | 女 | {number} | 青石县石门镇") == [("id_number", number)]
    assert _values(f"身份证号码：{number}。") == [("id_number", number)]


@BOUNDED
@given(id_numbers(), st.integers(0, 17), st.integers(1, 9))
def test_one_changed_character_breaks_an_id_number(number, position, shift):
    changed = _changed(number, position, shift)
    if position == 17:  # the check character itself: any other one is wrong
        changed = number[:17] + ("0" if number[17] == "X" else "X")
    assert not is_id_number(changed, TODAY)
    assert _values(f"张三 | {changed}") == []


@BOUNDED
@given(card_numbers())
def test_generated_card_numbers_are_found_where_a_card_is_named(number):
    assert luhn_valid(number) and is_card_number(number)
    assert _values(f"李四 | {number} | 500.00", header="姓名 | 银行卡号 | 金额") == [("bank_card", number)]
    grouped = " ".join(number[i : i + 4] for i in range(0, len(number), 4))
    assert _values(f"收款账号：{grouped}") == [("bank_card", number)]
    assert _values(f"项目编号 {number}") == []  # no card named: a project or contract number


@BOUNDED
@given(card_numbers(), st.integers(0, 18), st.integers(1, 9))
def test_one_changed_digit_breaks_a_card_number(number, position, shift):
    position %= len(number)
    assert not luhn_valid(_changed(number, position, shift))


@BOUNDED
@given(mobile_numbers())
def test_generated_mobile_numbers_are_found_with_boundaries(number):
    assert is_mobile_number(number)
    assert _values(f"王五 | {number} | 石门镇") == [("mobile", number)]
    assert _values(f"王五 {number[:3]} {number[3:7]} {number[7:]}") == [("mobile", number)]
    assert _values(f"+86 {number}") == [("mobile", number)]
    for glued in (
        f"9{number}",
        f"{number}7",
        f"2020-{number}",
        f"{number}.html",
        f"id={number}",
        f"a{number}",
    ):
        assert _values(glued) == [], glued
    assert _values(f"联系人：王五，联系电话：{number}") == []  # the office's published contact


@BOUNDED
@given(mobile_numbers(), st.sampled_from("012"))
def test_a_changed_second_digit_is_no_mobile(number, digit):
    assert not is_mobile_number(number[0] + digit + number[2:])


@BOUNDED
@given(id_numbers(), card_numbers(), mobile_numbers())
def test_masked_forms_never_match(id_number, card, mobile):
    for value_type, value in (("id_number", id_number), ("bank_card", card), ("mobile", mobile)):
        masked = mask(value_type, value)
        assert "*" in masked and masked != value
        assert _values(f"张三 | {masked} | 石门镇", header="银行卡号") == []
    assert _values(f"{id_number[:15]}***", header="身份证号") == []
    assert _values(f"{card[:4]} **** **** {card[-4:]}", header="银行卡号") == []
    assert _values(f"{mobile[:3]}＊＊＊＊{mobile[-4:]}") == []


@pytest.mark.parametrize(
    "text",
    [
        "索引号：000014348/2020-35428 发文字号：青政发〔2018〕13号",
        "索引号：11530000MB1234567X/2020-00001",
        "统一社会信用代码：91530100216551234X",
        "发布日期：2019-03-20 浏览次数：13812",
        "http://www.qingshi.gov.cn/art/2019/3/20/art_1_13812345678.html",
        "合同编号：530100201900012345 金额：138123456.78元",
        "成文日期：20190320 文号：20190320138",
        "联系电 话：138 1234 5678",
        "咨询电话：0871-13812345678",
    ],
)
def test_numbers_that_are_not_personal_data(text):
    assert _values(text) == []


def test_a_15_digit_id_needs_a_real_date():
    assert is_id_number("530121900101401", TODAY)
    assert not is_id_number("530121901301401", TODAY)  # month 13
    assert not is_id_number("009121900101401", TODAY)  # no province 00


def test_the_finding_counts_values_masks_evidence_and_says_where():
    text = (
        "2019年低保对象公示\n"
        "张三 | 53012119900101401X | 13812345678\n"
        "李四 | 530121198505051231 | 13812345678\n"
        "联系人：王五 联系电话：13987654321\n"
    )
    numbers = ("53012119900101401X", "530121198505051231", "13812345678", "13987654321")
    assert all(is_id_number(n, TODAY) or is_mobile_number(n) for n in numbers)
    finding = scan_text(text, "http://www.qingshi.gov.cn/u/dibao.xls", today=TODAY)
    assert finding is not None
    assert (finding.kind, finding.where, finding.severity) == ("privacy_leak", "attachment", "warning")
    assert finding.evidence["counts"] == {"id_number": 2, "mobile": 1}
    assert finding.evidence["rows_with_values"] == 2
    assert finding.evidence["rows"][0]["row"] == "张三 | 530121********401X | 138****5678"
    dumped = json.dumps(finding.as_record(), ensure_ascii=False)
    assert not any(n in dumped for n in numbers)
    assert finding.as_record()["subject"] == "http://www.qingshi.gov.cn/u/dibao.xls"


def test_real_pages_hold_no_personal_data(real_page):
    assert scan_tree(real_page.root, real_page.url, TODAY) is None


@BOUNDED
@given(
    st.lists(st.tuples(id_numbers(), mobile_numbers(), card_numbers()), min_size=1, max_size=5, unique=True)
)
def test_a_generated_list_injected_into_a_real_page_is_found_row_by_row(fixture_text, people):
    html = fixture_text("real-boilerplate/shanxi_detail_footer_gov_hk_gov_mo.html")
    rows = "".join(
        f"<tr><td>村民{i}</td><td>{i_d}</td><td>{m}</td><td>{c}</td></tr>"
        for i, (i_d, m, c) in enumerate(people)
    )
    table = f"<table><tr><th>姓名</th><th>身份证号</th><th>联系电话</th><th>惠农卡号</th></tr>{rows}</table>"
    at = html.index("</body>")
    finding = scan_tree(parse_page(html[:at] + table + html[at:]), "http://www.shanxi.gov.cn/x.shtml", TODAY)
    assert finding is not None
    expected = {
        "id_number": len({p[0] for p in people}),
        "mobile": len({p[1] for p in people}),
        "bank_card": len({p[2] for p in people}),
    }
    assert finding.evidence["counts"] == expected
    assert finding.evidence["rows_with_values"] == len(people)
    assert all(r["header"] == "姓名 | 身份证号 | 联系电话 | 惠农卡号" for r in finding.evidence["rows"])
    dumped = json.dumps(finding.evidence, ensure_ascii=False)
    assert not any(value in dumped for person in people for value in person)
