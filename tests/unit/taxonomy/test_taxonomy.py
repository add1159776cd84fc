"""The taxonomy file and its name matching."""

from __future__ import annotations

import pytest

from taxonomy import Taxonomy, TaxonomyError, default_taxonomy


@pytest.fixture(scope="module")
def tax() -> Taxonomy:
    return default_taxonomy()


def test_group_sizes_are_the_reports(tax):
    assert len(tax.group("kept")) == 15
    assert len(tax.children("ZDGZ.GGZY")) == 15
    assert len(tax.children("ZDGZ.SHGY")) == 13
    assert len(tax.children("ZDGZ.ZDJS")) == 6


def test_top_level_columns_of_the_report(tax):
    top = [n.name for n in tax if n.parent is None]
    report = ["今日关注", "乡镇动态", "部门工作", "政府文件", "政府公告", "政府信息公开", "政务公开重点工作"]
    assert [name for name in top if name in report] == report
    assert sorted(set(top) - set(report)) == ["图片", "视频新闻"]


def test_codes_and_paths_are_unique(tax):
    nodes = list(tax)
    assert len({n.code for n in nodes}) == len(nodes)
    assert len({n.path for n in nodes}) == len(nodes)


@pytest.mark.parametrize(
    ("name", "path", "rule"),
    [
        ("政府文件", "政府文件", "exact"),
        ("政　府　文　件", "政府文件", "normalised"),
        ("双创政策", "政务公开重点工作/双创政策汇编", "alias"),
        ("保障性住房", "政务公开重点工作/公共资源配置/住房保障", "alias"),
        ('公共资源配置"黑名单"', "政务公开重点工作/公共资源配置/公共资源配置“黑名单”", "alias"),
        ("公共资源配置“黑名单”", "政务公开重点工作/公共资源配置/公共资源配置“黑名单”", "exact"),
        ("灾害事故救援", "政务公开重点工作/社会公益事业建设/灾害事故救援、救助", "alias"),
        ("财政信息专栏", "政务公开重点工作/财政信息", "normalised"),
        ("公共资源配置 “黑名单”", "政务公开重点工作/公共资源配置/公共资源配置“黑名单”", "normalised"),
        ("取水\u3000许可", "政务公开重点工作/公共资源配置/取水许可", "normalised"),
        ("双创政策...", "政务公开重点工作/双创政策汇编", "normalised"),
        ("灾害事故救援…", "政务公开重点工作/社会公益事业建设/灾害事故救援、救助", "normalised"),
        # shortened: what is left out starts a list or is a generic word, and one node fits
        ("重大建设项目批准", "政务公开重点工作/重大建设项目批准和实施", "normalised"),
        ("批准服务", "政务公开重点工作/重大建设项目批准和实施/批准服务和结果", "normalised"),
    ],
)
def test_match(tax, name, path, rule):
    match = tax.match(name)
    assert match is not None
    assert (match.node.path, match.rule) == (path, rule)


def test_parent_context_picks_the_child(tax):
    parent = tax.get("ZDGZ.ZDJS")
    match = tax.match("招标投标", parent)
    assert match is not None and match.node.code == "ZDGZ.ZDJS.02"


def test_unknown_name_is_unmatched(tax):
    assert tax.match("县长信箱") is None


@pytest.mark.parametrize("name", ["政府文件解读", "国有土地使用权", "双创", "政策", "公共资源"])
def test_a_longer_or_ambiguous_name_is_not_guessed(tax, name):
    assert tax.match(name) is None


def test_every_rule_is_one_the_profile_shows(tax):
    names = ["政府文件", "通知公告", "政　府　文　件", "双创政策...", "批准服务"]
    assert {tax.match(n).rule for n in names} <= {"exact", "alias", "normalised"}


def test_keywords(tax):
    match = tax.match_keywords("关于印发青石县政务公开工作要点的通知")
    assert match is not None and match.node.code == "ZFWJ" and match.rule == "keyword:通知"


def test_malformed_file(tmp_path):
    bad = tmp_path / "t.yaml"
    bad.write_text("nodes: [{name: x}]\nversion: 1\n")
    with pytest.raises(TaxonomyError, match="lacks 'code'"):
        Taxonomy.load(bad)
    bad.write_text("nodes: [\n")
    with pytest.raises(TaxonomyError, match="not valid YAML"):
        Taxonomy.load(bad)
