"""Hostile input: arbitrary bytes, HTML fragments, report text and YAML-ish mappings.

Each extractor and parser either returns its ordinary result or refuses with the error its contract
names (``ProfileError``, ``ValueError``); none crashes. Bounded: 200 examples, a deadline each.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from crawler.extract import (
    date_from_url,
    decode_body,
    detect_block,
    extract_detail,
    normalise_label,
    parse_date,
)
from crawler.items import Detail
from crawler.profile import ProfileError, parse_profile
from reports.claims import extract_claims
from reports.table_two import parse_table_two

BOUNDED = settings(max_examples=200, deadline=2000, suppress_health_check=[HealthCheck.too_slow])

_TAGS = (
    "html",
    "head",
    "title",
    "body",
    "div",
    "p",
    "span",
    "table",
    "tr",
    "td",
    "meta",
    "script",
    "a",
    "h1",
)
_WORDS = ("发布日期", "索引号", "发文字号", "2018-03-05", "二〇一八年", "青政发〔2018〕1号", "信息", "\x00", "&#0;",
          "&#xD800;", "<!--", "]]>", "charset=gbk", "charset=utf-16", "\ufeff", "\u3000", "年", "月", "日")  # fmt: skip


@st.composite
def html_fragments(draw: st.DrawFn) -> str:
    """Tag soup: unbalanced tags, attributes with quotes and charsets, Chinese labels, control characters."""
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 3))
        tag = draw(st.sampled_from(_TAGS))
        if kind == 0:
            attr = draw(
                st.sampled_from(("", ' charset="gbk"', ' content="text/html; charset=big5"', " href='../x'"))
            )
            parts.append(f"<{tag}{attr}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(draw(st.sampled_from(_WORDS)))
        else:
            parts.append(draw(st.text(max_size=20)))
    return "".join(parts)


def _ok_detail(detail: Detail, url: str) -> None:
    assert isinstance(detail, Detail) and detail.url == url and detail.fetch_status == "ok"
    assert isinstance(detail.title, str) and isinstance(detail.body_text, str)


@BOUNDED
@given(body=st.binary(max_size=4096), content_type=st.one_of(st.none(), st.text(max_size=40)))
@example(body=b"\xef\xbb\xbf", content_type="text/html; charset=UTF-8")
@example(body=b"<meta charset=x-no-such-codec>", content_type="text/html; charset=\x00")
@example(body=b"\x00" * 100, content_type="text/html; charset=utf-16")
def test_extract_detail_survives_arbitrary_bytes(body: bytes, content_type: str | None) -> None:
    _ok_detail(extract_detail("http://127.0.0.1/a.html", body, content_type, "s"), "http://127.0.0.1/a.html")


@BOUNDED
@given(fragment=html_fragments(), charset=st.sampled_from(["utf-8", "gb18030", "utf-16", "latin-1"]))
def test_extract_detail_survives_tag_soup(fragment: str, charset: str) -> None:
    body = fragment.encode(charset, errors="replace")
    _ok_detail(
        extract_detail("http://x.test/a/b.html", body, f"text/html; charset={charset}", "s"),
        "http://x.test/a/b.html",
    )


@BOUNDED
@given(body=st.binary(max_size=2048), content_type=st.one_of(st.none(), st.text(max_size=60)))
def test_decode_body_never_raises(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_body(body, content_type)
    assert isinstance(text, str) and encoding


@BOUNDED
@given(text=st.text(min_size=1, max_size=200).filter(lambda t: not t.isascii()), cut=st.integers(1, 3))
def test_decode_body_keeps_utf8_when_the_last_character_is_cut(text: str, cut: int) -> None:
    body = ("<title>" + text + "</title>").encode("utf-8")
    # A connection cut inside the last character: the text before it must survive.
    truncated = body[:-cut] if body[-1:] != b">" else body
    decoded, _ = decode_body(truncated, "text/html; charset=UTF-8")
    assert isinstance(decoded, str)


def test_decode_body_reads_a_utf8_body_cut_mid_character_as_utf8() -> None:
    body = "<title>青石县人民政府</title><p>正文".encode()
    text, encoding = decode_body(body[:-1], "text/html; charset=UTF-8")
    assert encoding == "utf-8" and "青石县人民政府" in text


@BOUNDED
@given(status=st.integers(0, 999), body=st.one_of(st.none(), st.binary(max_size=2048)),
       headers=st.dictionaries(st.sampled_from(["Set-Cookie", "set-cookie", "Server", "X"]),
                               st.one_of(st.text(max_size=40), st.binary(max_size=40),
                                         st.lists(st.binary(max_size=30), max_size=3))))  # fmt: skip
def test_detect_block_never_raises(status: int, body: bytes | None, headers: dict[str, Any]) -> None:
    assert detect_block(status, headers, body) is None or isinstance(detect_block(status, headers, body), str)


@BOUNDED
@given(
    text=st.one_of(
        st.none(),
        st.text(max_size=80),
        st.from_regex(r"\d{1,6}[-年/.]\d{1,4}[-月/.]\d{1,4}日?", fullmatch=True),
    )
)
@example(text="2018-02-30")
@example(text="0000-00-00")
@example(text="99999-12-31")
@example(text="二〇一八年十三月四十日")
def test_parse_date_returns_a_date_or_none(text: str | None) -> None:
    result = parse_date(text)
    assert result is None or isinstance(result, date)


@BOUNDED
@given(
    url=st.one_of(
        st.none(),
        st.text(max_size=120),
        st.from_regex(r"http://h/\d{4,8}/t\d{6,10}_\d+\.html", fullmatch=True),
    )
)
@example(url="http://h/201802/t20180230_1.html")
@example(url="http://[::1/")
def test_date_from_url_returns_a_date_or_none(url: str | None) -> None:
    result = date_from_url(url)
    assert result is None or isinstance(result, date)


@BOUNDED
@given(text=st.one_of(st.none(), st.text(max_size=60)))
def test_normalise_label_returns_text(text: str | None) -> None:
    assert isinstance(normalise_label(text), str)


@BOUNDED
@given(text=st.text(max_size=600) | st.lists(st.sampled_from([*_WORDS, "主动公开", "条", "件", "0", "99999999999999999999", "%", "本年"]),
                                             max_size=60).map("".join))  # fmt: skip
def test_extract_claims_never_raises(text: str) -> None:
    assert isinstance(extract_claims(text), list)


@BOUNDED
@given(html=html_fragments() | st.text(max_size=400))
@example(html="")
@example(html="<table><tr><td>规章</td><td>-1</td></tr></table>")
@example(html="<table><tr><td colspan='999999'>行政规范性文件</td></tr></table>")
def test_parse_table_two_answers_or_refuses_with_value_error(html: str) -> None:
    try:
        parse_table_two(html)
    except ValueError:
        pass


@pytest.mark.parametrize("html", ["", "   ", "<!-- -->"])
def test_parse_table_two_refuses_empty_input_with_a_value_error(html: str) -> None:
    with pytest.raises(ValueError):
        parse_table_two(html)


_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
_YAMLISH = st.recursive(
    _SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20,
)
_PROFILE_KEYS = ("slug", "name", "base_url", "allowed_hosts", "cms", "politeness", "columns")


@st.composite
def profile_like(draw: st.DrawFn) -> Any:
    """A mapping with some of a profile's keys holding anything, sometimes near-valid."""
    data: dict[Any, Any] = {}
    for key in draw(st.lists(st.sampled_from(_PROFILE_KEYS), unique=True)):
        data[key] = draw(_YAMLISH)
    if draw(st.booleans()):
        data.update(
            slug="s", name="n", base_url=draw(st.sampled_from(["http://x.test/", "ftp://x", "x", ""]))
        )
        data["columns"] = draw(
            st.lists(
                st.dictionaries(st.sampled_from(["path", "url", "cms", "taxonomy"]), _YAMLISH), max_size=3
            )
        )
    return data


_TEXTISH = st.one_of(
    st.none(), st.text(max_size=20), st.sampled_from(["trs", "mixed", "ZDGZ", "http://x.test/", ""])
)


@BOUNDED
@given(
    data=st.fixed_dictionaries(
        {},
        optional={
            **{key: _TEXTISH for key in ("slug", "name", "base_url", "cms")},
            "allowed_hosts": st.lists(st.text(max_size=10), max_size=3),
            "columns": st.lists(
                st.dictionaries(st.sampled_from(["path", "url", "cms", "taxonomy"]), _TEXTISH), max_size=3
            ),
        },
    )
)
def test_parse_profile_with_text_fields_answers_or_refuses_with_profile_error(data: Any) -> None:
    try:
        profile = parse_profile(data)
    except ProfileError:
        return
    assert profile.slug and profile.base_url.startswith(("http://", "https://"))


@BOUNDED
@given(data=profile_like() | _YAMLISH)
@example(
    data={
        "slug": "s",
        "name": "n",
        "base_url": "http://x.test/",
        "columns": [{"path": "a", "url": "u", "taxonomy": []}],
    }
)
@example(data={"slug": "s", "name": "n", "base_url": "http://x.test/", "columns": [], "cms": {}})
@example(
    data={
        "slug": "s",
        "name": "n",
        "base_url": "http://x.test/",
        "columns": [{"path": "a", "url": "u"}],
        "politeness": [1],
    }
)
@example(data={"slug": "s", "name": "n", "base_url": "http://[::1/", "columns": [{"path": "a", "url": "u"}]})
def test_parse_profile_answers_or_refuses_with_profile_error(data: Any) -> None:
    try:
        profile = parse_profile(data)
    except ValueError as exc:
        assert type(exc) is ProfileError, exc
        return
    assert profile.slug and profile.base_url.startswith(("http://", "https://"))
