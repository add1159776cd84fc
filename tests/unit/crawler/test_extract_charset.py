from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.extract.charset import decode_body

TEXT = "示例县人民政府关于印发2018年重点工作任务的通知"


def _page(charset: str, text: str = TEXT) -> str:
    return f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}"></head><body>{text}</body></html>'


@pytest.mark.parametrize(
    ("body", "content_type", "expected"),
    [
        (TEXT.encode("utf-8"), "text/html; charset=utf-8", ("utf-8")),
        (_page("gb2312").encode("gbk"), "text/html", "gb18030"),
        (_page("gbk").encode("gbk"), None, "gb18030"),
        (f'<meta charset="GBK"><p>{TEXT}</p>'.encode("gbk"), None, "gb18030"),
        (_page("utf-8").encode("gbk"), "text/html; charset=utf-8", "gb18030"),
        (TEXT.encode("gbk"), None, "gb18030"),
        (TEXT.encode("utf-8"), None, "utf-8"),
        (_page("gb2312").encode("utf-8"), "text/html; charset=gb2312", "utf-8"),
        (b'<?xml version="1.0" encoding="GBK"?><a>' + TEXT.encode("gbk") + b"</a>", None, "gb18030"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "text/html; charset=gbk", "utf-8"),
    ],
    ids=[
        "header-utf8",
        "meta-gb2312",
        "http-equiv-gbk",
        "meta-charset-gbk",
        "lying-header",
        "undeclared-gbk",
        "undeclared-utf8",
        "lying-gb-header-over-utf8",
        "xml-declaration",
        "bom",
    ],
)
def test_decode_body_encoding(body: bytes, content_type: str | None, expected: str) -> None:
    text, encoding = decode_body(body, content_type)
    assert (encoding, TEXT in text) == (expected, True)


def test_decode_body_gbk_fixture_under_lying_header() -> None:
    from fixtures.pages._responses import page_bytes

    text, encoding = decode_body(page_bytes("gbk_detail.html"), "text/html; charset=utf-8")
    assert "示例县城乡供水管理办法" in text and encoding == "gb18030"


def test_decode_body_unknown_charset_falls_back() -> None:
    assert decode_body(TEXT.encode("utf-8"), "text/html; charset=x-klingon") == (TEXT, "utf-8")


@given(st.binary(), st.one_of(st.none(), st.text(max_size=60)))
def test_decode_body_never_raises(body: bytes, content_type: str | None) -> None:
    text, encoding = decode_body(body, content_type)
    assert isinstance(text, str) and encoding
