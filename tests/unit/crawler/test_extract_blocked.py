from __future__ import annotations

import pytest
from fixtures.pages._responses import page_bytes
from scrapy.http import Headers

from crawler.extract.blocked import detect_block

HTML = {"Content-Type": "text/html"}


@pytest.mark.parametrize(
    ("status", "headers", "body", "reason"),
    [
        (412, HTML, page_bytes("block_412_jiasule.html"), "jiasule"),
        (521, {"Set-Cookie": "__jsluid_s=abc; path=/"}, page_bytes("block_521.html"), "jiasule"),
        (521, HTML, b"<script>document.cookie='x=1';location.reload()</script>", "js-challenge-521"),
        (412, HTML, page_bytes("block_412_ruishu.html"), "ruishu"),
        (202, HTML, b"", "empty-202"),
        (202, {"Set-Cookie": ["FSSBBIl1UgzbN7N80S=abc; path=/"]}, b"<html></html>", "ruishu"),
        (200, {"set-cookie": "yunsuo_session_verify=1a2b; path=/"}, b"<script>x</script>", "yunsuo"),
        (
            200,
            Headers({"Set-Cookie": ["yunsuo_session_verify=1a2b; path=/"]}),
            b"<script>location.href='/?security_verify_data=313932302c31303830'</script>",
            "yunsuo",
        ),
        (404, HTML, page_bytes("not_found.html"), None),
        (200, HTML, page_bytes("trs_detail_document.html"), None),
        (200, {"Set-Cookie": "__jsluid_h=abc; path=/"}, page_bytes("trs_detail_document.html"), None),
        (412, HTML, b"Precondition Failed", None),
        (200, HTML, b"", None),
    ],
    ids=[
        "412-jiasule",
        "521-jiasule-cookie",
        "521-bare-script",
        "412-ruishu",
        "empty-202",
        "202-ruishu-cookie",
        "yunsuo-cookie",
        "yunsuo-scrapy-headers",
        "real-404",
        "ordinary-page",
        "ordinary-page-behind-jiasule",
        "412-without-script",
        "empty-200",
    ],
)
def test_detect_block(status: int, headers: object, body: bytes, reason: str | None) -> None:
    assert detect_block(status, headers, body) == reason
