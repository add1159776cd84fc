"""Site profiles: valid ones load, bad ones are refused with the file and the field named."""

from __future__ import annotations

import pytest

from crawler.profile import ProfileError, load_profile, parse_profile

GOOD = {
    "slug": "x",
    "name": "X县人民政府",
    "base_url": "http://127.0.0.1:8000/",
    "columns": [
        {"path": "政府文件", "url": "http://127.0.0.1:8000/zfwj/index.html", "cms": "trs", "taxonomy": "ZFWJ"}
    ],
}


def test_good_profile_defaults():
    profile = parse_profile(GOOD)
    assert profile.allowed_hosts == ["127.0.0.1"]
    assert profile.columns[0].name == "政府文件"
    assert profile.is_allowed("http://127.0.0.1:8000/a.html")
    assert not profile.is_allowed("http://example.com/a.html")


def test_round_trip(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(parse_profile(GOOD).to_yaml(), encoding="utf-8")
    assert load_profile(path) == parse_profile(GOOD)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"base_url": "ftp://x"}, "base_url must be an http(s) URL"),
        ({"columns": "none"}, "'columns' must be a list"),
        ({"columns": [{"path": "a"}]}, "columns[0] needs 'path' and 'url'"),
        ({"columns": [{"path": "a", "url": "http://h/", "cms": "joomla"}]}, "columns[0].cms must be one of"),
        ({"columns": [{"path": "a", "url": "http://h/", "taxonomy": "NOPE"}]}, "'NOPE' is not a code"),
        ({"slug": ""}, "missing required field(s): slug"),
    ],
)
def test_bad_profiles(change, message):
    with pytest.raises(ProfileError) as excinfo:
        parse_profile({**GOOD, **change}, "p.yaml")
    assert message in str(excinfo.value)
    assert str(excinfo.value).startswith("p.yaml: ")


def test_not_a_mapping():
    with pytest.raises(ProfileError, match="must be a YAML mapping"):
        parse_profile(["a"], "p.yaml")
