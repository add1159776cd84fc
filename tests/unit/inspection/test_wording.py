"""Serious wording errors (严重表述错误): every dictionary entry is found in a sentence with its
correction; correct forms and longer correct texts never match; real pages raise nothing; a real
page with an error written into it raises exactly that error, shown in its sentence."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.html import parse_page
from inspection.data import RulesError
from inspection.wording import find_errors, load_dictionary, scan_text, scan_tree

DICTIONARY = load_dictionary()
ENTRIES = DICTIONARY.entries


def test_the_dictionary_is_curated_data():
    assert len(ENTRIES) >= 30
    assert len({e.wrong for e in ENTRIES}) == len(ENTRIES)
    assert {"国名", "党名", "国家机构名称", "法规名称", "政治表述", "职务"} <= {e.category for e in ENTRIES}
    assert all(e.source and e.severity in ("warning", "veto") for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.wrong)
def test_each_wrong_form_is_found_in_its_sentence(entry):
    text = f"第一句没有问题。根据{entry.wrong}的有关规定，现将有关事项通知如下！第三句。"
    finding = scan_text(text, "http://www.qingshi.gov.cn/a.html")
    assert finding is not None and finding.kind == "wording_error"
    (match,) = finding.evidence["matches"]
    assert (match["wrong"], match["correct"]) == (entry.wrong, entry.correct)
    assert match["sentence"] == f"根据{entry.wrong}的有关规定，现将有关事项通知如下！"
    assert finding.severity == entry.severity


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.correct + "/" + e.wrong)
def test_the_correct_form_never_matches(entry):
    assert find_errors(entry.correct) == []
    assert find_errors(f"《{entry.correct}》和{entry.correct}") == []


@given(st.lists(st.sampled_from([e.correct for e in ENTRIES] + ["，", "。", "县", "的", "和"]), max_size=40))
def test_text_made_of_correct_forms_never_matches(parts):
    assert find_errors("".join(parts)) == []


def test_a_longer_correct_text_containing_a_wrong_form_never_matches(tmp_path):
    rules = tmp_path / "wording.yaml"
    rules.write_text(
        "entries:\n"
        "  - {wrong: 检查委员会, correct: 检察委员会, category: 国家机构名称, severity: veto, source: test}\n"
        "allow: [纪律检查委员会]\n"
        "evidence_matches: 5\n"
        "sentence_max: 80\n",
        encoding="utf-8",
    )
    dictionary = load_dictionary(rules)
    assert find_errors("中共青石县纪律检查委员会召开全会。", dictionary) == []
    (match,) = find_errors("县人民检察院检查委员会召开会议。", dictionary)
    assert match.entry.correct == "检察委员会" and match.sentence == "县人民检察院检查委员会召开会议。"
    # and in the real dictionary: 府谷 is a county, 攻府 is not 政府 there
    assert find_errors("主攻府谷县的项目建设。") == []
    assert [m.entry.wrong for m in find_errors("县人民攻府召开常务会议。")] == ["攻府"]


_LIMITS = "evidence_matches: 5\nsentence_max: 80\n"


@pytest.mark.parametrize(
    ("yaml_text", "message"),
    [
        (
            "entries:\n  - {wrong: 甲, correct: 甲, category: c, severity: veto, source: s}\n" + _LIMITS,
            "corrects to itself",
        ),
        (
            "entries:\n  - {wrong: 甲, correct: 乙, category: c, severity: fatal, source: s}\n" + _LIMITS,
            "unknown severity",
        ),
        ("entries:\n  - {wrong: 甲, correct: 乙, category: c, severity: veto}\n" + _LIMITS, "lacks 'source'"),
        (
            "entries:\n  - {wrong: 甲, correct: 乙, category: c, severity: veto, source: s}\nallow: [甲]\n"
            + _LIMITS,
            "both a wrong form",
        ),
        ("entries: []\n", "missing key 'evidence_matches'"),
        ("- just a list\n", "expected a mapping"),
    ],
)
def test_a_bad_dictionary_is_refused_with_a_clear_error(tmp_path, yaml_text, message):
    rules = tmp_path / "wording.yaml"
    rules.write_text(yaml_text, encoding="utf-8")
    with pytest.raises(RulesError, match=message):
        load_dictionary(rules)


def test_real_pages_raise_no_wording_error(real_page):
    assert scan_tree(real_page.root, real_page.url) is None


LAW_TEXTS = (
    "constitution",
    "procuratorate_organization_law_2018",
    "government_information_disclosure_regulations_2019",
)


@pytest.mark.parametrize("name", LAW_TEXTS)
def test_laws_raise_no_wording_error(fixture_text, name):
    assert scan_text(fixture_text(f"real-text/lawrefbook_{name}.md"), name) is None


def test_a_real_error_in_a_real_regulation_is_found(fixture_text):
    """洛阳市森林公园管理条例 第一条 cites 《中国人民共和国森林法》 (read by hand)."""
    text = fixture_text("real-text/lawrefbook_luoyang_forest_park_regulation.md")
    finding = scan_text(text, "洛阳市森林公园管理条例", where="attachment")
    assert finding is not None and (finding.severity, finding.where) == ("veto", "attachment")
    (match,) = finding.evidence["matches"]
    assert (match["wrong"], match["correct"]) == ("中国人民共和国", "中华人民共和国")
    assert match["sentence"].startswith("第一条 为了保护和合理利用森林风景资源")
    assert "根据《中国人民共和国森林法》" in match["sentence"]


def test_an_error_written_into_a_real_page_is_found_in_the_real_sentence(fixture_text):
    html = fixture_text("real-text/sxmu_jijian_jianchafa_fulltext.html")
    sentence = "坚持中国共产党对国家监察工作的领导"
    assert sentence in html
    broken = html.replace(sentence, sentence.replace("中国共产党", "中国共产挡"), 1)
    finding = scan_tree(parse_page(broken), "http://www.sxmu.edu.cn/jijian/")
    assert finding is not None and finding.severity == "veto"
    (match,) = finding.evidence["matches"]
    assert (match["wrong"], match["correct"], match["category"]) == ("中国共产挡", "中国共产党", "党名")
    assert match["sentence"].startswith("第二条 坚持中国共产挡对国家监察工作的领导")
    assert len(match["sentence"]) <= DICTIONARY.sentence_max
