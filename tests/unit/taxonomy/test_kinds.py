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


# Column names read in the navigation of saved real portal pages (tests/fixtures/real*/): name →
# (kind, where it was read). None: the name is real and holds no kind of item.
REAL_NAMES = {
    "图片新闻": (
        "picture",
        "www.shanxi.gov.cn /yw/tpxw/; www.bjxch.gov.cn /xcdt/tpxw.html; www.bjft.gov.cn /ftq/tpxw/",
    ),
    "图片": ("picture", "www.shanxi.gov.cn 领导活动 /szf/zfld/lys/tp/"),
    "影像顺义": ("picture", "www.bjshy.gov.cn 魅力顺义 /web/mlsy/yxsy/"),
    "图览顺义": ("picture", "www.bjshy.gov.cn 魅力顺义 /web/mlsy/tlsy/"),
    "影像丰台": ("picture", "www.bjft.gov.cn 魅力丰台 /ftq/c100039/"),
    "图说帮你": (
        "picture",
        "www.gxzf.gov.cn 互动交流 /hdjl/tsbn/ (图说: told in pictures; its items not seen)",
    ),
    "视频新闻": (
        "video",
        "www.shanxi.gov.cn /yw/spxw/; www.bjft.gov.cn /ftq/spxw/; www.wanzai.gov.cn shipinxinwen",
    ),
    "视频": ("video", "www.shanxi.gov.cn 领导活动 /szf/zfld/lys/sp/"),
    "政务视频": ("video", "www.bjft.gov.cn 政民互动 /ftq/zxft/ftqzwsp.shtml"),
    "袁州视频": ("video", "www.yzq.gov.cn (袁州区) /yzsp/"),
    # jyt.zj.gov.cn 工作动态 › 图文报道: reports with photos; its saved item is an 800-character report
    "图文报道": (None, "jyt.zj.gov.cn /col/col1543973/"),
    "统计图表": (None, "www.shanxi.gov.cn 数据 /sj/tjtb/ (charts, no photos)"),
    "政务地图": (None, "www.pingtan.gov.cn /bsfw/ztfw/zwdt/ (a map)"),
    "网站地图": (None, "every portal's footer"),
    "在线访谈": (None, "www.gxzf.gov.cn /hdjl/zxft_29680/"),
}


@pytest.mark.parametrize(("name", "truth"), REAL_NAMES.items(), ids=list(REAL_NAMES))
def test_real_column_names(name: str, truth: tuple[str | None, str]) -> None:
    found = column_kind(name)
    assert (found.kind if found else None) == truth[0], truth[1]


@pytest.mark.parametrize("name", ["监控视频", "交通监控视频"])
def test_camera_feeds_are_no_video_column(name: str) -> None:
    assert column_kind(name) is None
    # the taxonomy node still decides when a portal maps such a column to SPXW
    found = column_kind(name, "SPXW")
    assert found is not None and found.rule == "node"


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


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("【图片新闻】", "picture"),
        ("图片新闻>>", "picture"),
        ("图片新闻（12）", "picture"),
        ("《视频新闻》", "video"),
        ("图说政策", None),  # infographics explaining a policy: 政策解读, no picture column
        ("图说政府工作报告", None),
        ("档案影像", None),
        ("广告图片", None),
        ("无障碍图片", None),
        ("图片链接", None),
    ],
)
def test_decorated_names_match_and_lookalikes_do_not(name: str, kind: str | None) -> None:
    found = column_kind(name)
    assert (found.kind if found else None) == kind
