from __future__ import annotations

import pytest

from taxonomy import TaxonomyError, default_taxonomy
from taxonomy.kinds import column_kind, load_kinds


@pytest.mark.parametrize(
    ("name", "kind", "rule"),
    [
        ("图片新闻", "picture", "name"),
        ("图 片", "picture", "name"),
        ("图片报道", "picture", "name"),
        ("摄影", "picture", "name"),
        ("图片展播", "picture", "name"),
        ("图说青石", "picture", "pattern"),
        ("县区图片新闻", "picture", "pattern"),
        ("青石影像", "picture", "pattern"),
        ("视频新闻", "video", "name"),
        ("视频", "video", "name"),
        ("微视频", "video", "name"),
        ("视频专区", "video", "name"),
        ("视听", "video", "name"),
        ("政务微视频", "video", "pattern"),
        ("青石视频", "video", "pattern"),
    ],
)
def test_kind_columns(name: str, kind: str, rule: str) -> None:
    found = column_kind(name)
    assert found is not None and (found.kind, found.rule) == (kind, rule)


@pytest.mark.parametrize("name", ["今日关注", "通知公告", "视频会议", "政府文件", "", None])
def test_other_columns_have_no_kind(name: str | None) -> None:
    assert column_kind(name) is None


def test_a_node_gives_the_kind_when_the_name_does_not() -> None:
    found = column_kind("青石风采", "TP")
    assert found is not None and (found.kind, found.rule, found.evidence) == ("picture", "node", "TP")
    assert column_kind("青石风采", "ZFWJ") is None


def test_every_node_named_in_the_file_is_in_the_taxonomy() -> None:
    codes = {node.code for node in default_taxonomy()}
    for rules in load_kinds():
        assert rules.nodes <= codes


def test_a_malformed_file_is_refused(tmp_path) -> None:
    bad = tmp_path / "kinds.yaml"
    bad.write_text("kinds:\n  audio: {names: [音频]}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="audio"):
        load_kinds(bad)
    bad.write_text("kinds:\n  video: {patterns: ['(']}\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="bad pattern"):
        load_kinds(bad)
