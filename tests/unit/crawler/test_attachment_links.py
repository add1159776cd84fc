"""Which links of a detail page the inspector fetches as document files."""

from __future__ import annotations

import pytest

from crawler.spiders.details import is_document


@pytest.mark.parametrize(
    ("url", "name", "wanted"),
    [
        ("http://h/a/P0201.pdf", "", True),
        ("http://h/a/%E9%80%9A%E7%9F%A5.DOCX", "", True),
        ("http://h/download.jsp?id=3", "名单.xls", True),
        ("http://h/a/b.et", "", True),
        ("http://h/a/b.zip", "b.zip", False),
        ("http://h/a/b.jpg", "", False),
        ("http://h/a/b.html", "附件.html", False),
    ],
)
def test_documents_are_known_by_the_extension_of_their_path_or_name(url, name, wanted):
    assert is_document(url, name) is wanted
