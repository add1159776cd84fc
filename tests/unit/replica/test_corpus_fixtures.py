"""The real-page corpus in tests/fixtures/real/: every portal.yaml valid, every saved file unchanged,
and the corpus as large and as varied as issue 13 asks."""

from __future__ import annotations

import pytest

from replica.corpus_model import CORPUS_DIR, embedded_text, load_corpus, portal_problems

PORTALS = load_corpus(CORPUS_DIR)
CMS_FAMILIES = {"trs", "hanweb", "ucap", "gkmlpt", "jeecms", "php", "unknown"}


@pytest.mark.parametrize("portal", PORTALS, ids=lambda portal: portal.slug)
def test_portal_description_is_valid(portal):
    assert portal_problems(portal) == []
    assert portal.cms in CMS_FAMILIES


def test_corpus_is_large_and_varied_enough():
    pages = [page for portal in PORTALS for page in portal.pages]
    assert len(pages) >= 40
    assert len({portal.host for portal in PORTALS}) >= 12
    assert len({portal.cms for portal in PORTALS} - {"unknown"}) >= 5


def test_every_list_truth_has_items_with_dates():
    lists = [page for portal in PORTALS for page in portal.pages if page.kind == "list"]
    assert lists
    for page in lists:
        assert page.truth["items"], page.file
        assert all(item["href"] and item["date"] and item["title"] for item in page.truth["items"]), page.file


def test_checks_catch_a_changed_file(tmp_path):
    folder = tmp_path / "www-example-gov-cn"
    folder.mkdir()
    (folder / "a.html").write_bytes(b"<html><body>changed</body></html>")
    (folder / "portal.yaml").write_text(
        "portal: 示例\nhost: www.example.gov.cn\nlevel: county\ncms: trs\npages:\n"
        "  - {file: a.html, url: 'http://www.example.gov.cn/a.html', kind: list, encoding: utf-8,"
        " sha256: '" + "0" * 64 + "', source: {repo: x/y}, truth: {clean: true, items: []}}\n",
        encoding="utf-8",
    )
    problems = portal_problems(load_corpus(tmp_path)[0])
    assert any("sha256 does not match" in problem for problem in problems)
    assert any("no items" in problem for problem in problems)


def test_embedded_page_is_the_text_between_its_markers():
    assert (
        embedded_text("x = '''<html>a</html>''' # end", {"start": "x = '''", "end": "'''"})
        == "<html>a</html>"
    )
    with pytest.raises(ValueError):
        embedded_text("nothing here", {"start": "x = '''", "end": "'''"})
