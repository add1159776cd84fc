"""Reading annual reports: the seed's free-text claims and the fixed tables of 2019/2021 reports."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from audit.reconcile import _identities
from reports.claims import extract_claims
from reports.table_two import parse_table_two

logger = logging.getLogger(__name__)

FIXTURES = Path(__file__).parents[2] / "fixtures" / "reports"
SEED = Path(__file__).resolve().parents[4] / "shared" / "seeds" / "000_19a69fc2833c1675.txt"


def seed_text() -> str:
    path = SEED if SEED.exists() else FIXTURES / "seed_2018.txt"
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def claims():
    return {c.key: c for c in extract_claims(seed_text())}


@pytest.mark.parametrize(
    ("key", "value", "unit", "scope"),
    [
        ("items_published", 1758, "条", "year"),
        ("pictures", 96, "张", "year"),
        ("video_news", 369, "条", "year"),
        ("government_documents", 71, "条", "year"),
        ("feature_column_cumulative", 956, "条", "cumulative"),
        ("kept_subcolumns", 15, "个", "structure"),
        ("group_public_resources", 15, "个", "structure"),
        ("group_social_welfare", 13, "个", "structure"),
        ("group_major_projects", 6, "个", "structure"),
        ("top_columns", 7, "个", "structure"),
    ],
)
def test_checkable_claims_of_the_seed(claims, key, value, unit, scope):
    claim = claims[key]
    assert (claim.value, claim.unit, claim.scope, claim.checkable) == (value, unit, scope, True)


@pytest.mark.parametrize(
    ("key", "value", "unit"),
    [
        ("training_attendance", 90, "人"),
        ("open_day_units", 42, "家"),
        ("disclosure_requests", 3, "封"),
        ("mailbox_letters", 50, "封"),
        ("deputy_suggestions", 74, "件"),
        ("cppcc_proposals", 117, "件"),
    ],
)
def test_claims_the_archive_cannot_see_say_why(claims, key, value, unit):
    claim = claims[key]
    assert (claim.value, claim.unit, claim.checkable) == (value, unit, False)
    assert claim.reason


def test_seed_claim_details(claims):
    assert claims["training_attendance"].approximate  # 90余人
    assert claims["top_columns"].names == (
        "今日关注",
        "乡镇动态",
        "部门工作",
        "政府文件",
        "政府公告",
        "政府信息公开",
        "政务公开重点工作",
    )
    assert len(claims["kept_subcolumns_named"].names) == 15
    everything = extract_claims(seed_text())
    assert not any(c.checkable for c in everything if c.key == "other")
    assert [c.value for c in everything if c.key == "items_published"] == [1758]  # 956 is the 专栏's


def test_table_two_in_both_vocabularies():
    old = parse_table_two((FIXTURES / "qingshi_2020_report.html").read_text(encoding="utf-8"))
    new = parse_table_two((FIXTURES / "qingshi_2021_report.html").read_text(encoding="utf-8"))
    assert old.year == 2020 and new.year == 2021
    norm_old, norm_new = old.row("normative_documents"), new.row("normative_documents")
    assert norm_old is not None and norm_new is not None
    assert (norm_old.issued, norm_old.published, norm_old.in_force, norm_old.vocabulary) == (6, 6, 41, "2019")
    assert (norm_new.issued, norm_new.repealed, norm_new.in_force, norm_new.vocabulary) == (5, 2, 44, "2021")
    regs = new.row("regulations")
    assert regs is not None and regs.label == "规章" and regs.issued == 0
    identity = {r.key: r for r in _identities([old, new])}
    check = identity["identity_normative_documents"]
    assert (check.claimed, check.archived, check.difference) == (44, 44, 0)


def test_a_page_without_table_two_is_an_error():
    with pytest.raises(ValueError):
        parse_table_two("<html><body><table><tr><td>x</td></tr></table></body></html>")


PINGTAN = FIXTURES / "pingtan"
# Where truth.json (read by hand) names the year's total of proactively published information.
PROACTIVE_TOTAL = {
    "02_pingtan-zone_2017.txt": ("figures", "主动公开政府信息"),
    "04_pingtan-zone_2019.txt": ("narrative", "共公布政府信息"),
    "07_pingtan-zone_2021.txt": ("narrative", "主动公开政府信息"),
}


@pytest.mark.parametrize("name", sorted(PROACTIVE_TOTAL))
def test_the_prose_total_of_proactive_information_is_a_checkable_claim(name: str) -> None:
    truth = json.loads((PINGTAN / "truth.json").read_text(encoding="utf-8"))[name]
    part, key = PROACTIVE_TOTAL[name]
    found = [
        c for c in extract_claims((PINGTAN / name).read_text(encoding="utf-8")) if c.key == "proactive_total"
    ]
    assert [(c.value, c.unit, c.scope, c.checkable) for c in found] == [
        (truth[part][key], "条", "year", True)
    ]


def test_the_parts_of_the_proactive_total_are_not_taken_for_it() -> None:
    claims = extract_claims((PINGTAN / "02_pingtan-zone_2017.txt").read_text(encoding="utf-8"))
    parts = {c.value: c for c in claims if c.value in (1509, 613)}  # 区直各部门 / 各乡镇 (truth.json)
    assert set(parts) == {1509, 613}
    assert all(c.key == "other" and not c.checkable for c in parts.values())


def test_a_count_given_for_a_named_column_is_a_claim() -> None:
    truth = json.loads((PINGTAN / "truth.json").read_text(encoding="utf-8"))["02_pingtan-zone_2017.txt"]
    claims = extract_claims((PINGTAN / "02_pingtan-zone_2017.txt").read_text(encoding="utf-8"))
    named = [(c.names, c.value, c.checkable) for c in claims if c.key == "column_items"]
    assert named == [(("政策解读",), truth["figures"]["政策解读栏目公开发布信息"], True)]


def test_numbers_the_archive_cannot_see_are_labelled_by_their_whole_clause():
    labels = {c.label for c in extract_claims(seed_text()) if c.key == "other"}
    # the seed: 代表建议已解决或列入计划解决的64件,占86.5%(其中已经解决的39件,列入计划解决的25件);供工作参考的10件
    assert {
        "代表建议已解决或列入计划解决的64件",
        "其中已经解决的39件",
        "列入计划解决的25件",
        "供工作参考的10件",
    } <= labels
    assert not any(label.startswith(("议", "6.5%", "的", "。")) for label in labels), labels
