from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.labels import field_for_label, normalise_label


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("文　　号", "文号"),
        ("索 引 号：", "索引号"),
        ("发布日期:", "发布日期"),
        ("\xa0标\u3000题\u3000：\xa0", "标题"),
        ("【索引号】", "索引号"),
        ("主题分类 ：", "主题分类"),
        ("", ""),
    ],
)
def test_normalise_label(raw: str, expected: str) -> None:
    assert normalise_label(raw) == expected


@pytest.mark.parametrize(
    ("label", "field"),
    [
        ("索引号", "index_no"),
        ("文号", "doc_no"),
        ("发文字号", "doc_no"),
        ("文件编号", "doc_no"),
        ("发布机构", "publisher"),
        ("发文机关", "publisher"),
        ("发文机构", "publisher"),
        ("发布单位", "publisher"),
        ("发布日期", "published_raw"),
        ("发文日期", "published_raw"),
        ("公开日期", "published_raw"),
        ("成文日期", "written_raw"),
        ("生成日期", "written_raw"),
        ("产生日期", "written_raw"),
        ("签发日期", "written_raw"),
        ("主题分类", "topic"),
        ("有效性", "validity"),
        ("效力状态", "validity"),
        ("标题", "title"),
        ("名称", "title"),
        ("文　　号：", "doc_no"),
        ("索 引 号", "index_no"),
        ("来源", None),
        ("信息来源", None),
        ("浏览次数", None),
    ],
)
def test_field_for_label(label: str, field: str | None) -> None:
    assert field_for_label(label) == field


@given(st.text())
def test_normalise_label_never_raises_and_is_idempotent(text: str) -> None:
    once = normalise_label(text)
    assert normalise_label(once) == once
    field_for_label(text)
