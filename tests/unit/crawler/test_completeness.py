"""The completeness judge: a walk short of what the portal declares is incomplete, never ok."""

from crawler.completeness import WalkFacts, judge


def test_fewer_items_than_declared_is_incomplete_with_numbers() -> None:
    status, note = judge("ok", "", WalkFacts(pages=1, found=25, declared_total=1648, declared_pages=66))
    assert status == "incomplete"
    assert "declared 1648 records, walked 25" in note


def test_script_pager_is_named_as_the_reason() -> None:
    facts = WalkFacts(
        pages=1, found=20, declared_total=40, declared_pages=2, walk_note="pager only in script"
    )
    status, note = judge("ok", "", facts)
    assert status == "incomplete"
    assert note.startswith("pager only in script")


def test_complete_walk_stays_ok() -> None:
    assert judge("ok", "", WalkFacts(pages=2, found=40, declared_total=40, declared_pages=2)) == ("ok", "")


def test_incremental_stop_stays_ok() -> None:
    facts = WalkFacts(pages=1, found=5, declared_total=40, declared_pages=2, incremental=True)
    assert judge("ok", "stopped", facts) == ("ok", "stopped")


def test_later_page_error_is_pages_not_found() -> None:
    status, note = judge("error", "page 3 answered HTTP 404", WalkFacts(3, 40, 100, 5))
    assert status == "incomplete"
    assert note.startswith("pages not found")


def test_first_page_error_stays_error_and_blocked_stays_blocked() -> None:
    assert judge("error", "x", WalkFacts(0, 0, None, None))[0] == "error"
    assert judge("blocked", "waf", WalkFacts(2, 40, 100, 5))[0] == "blocked"


def test_fewer_pages_than_declared_is_incomplete_even_without_a_record_total() -> None:
    status, note = judge("ok", "", WalkFacts(pages=1, found=25, declared_total=None, declared_pages=66))
    assert status == "incomplete"
    assert "declared 66 pages, walked 1" in note


def test_a_list_served_only_through_a_post_api_is_incomplete_not_an_empty_ok() -> None:
    facts = WalkFacts(1, 0, None, None, walk_note="POST API: http://x/api/search")
    status, note = judge("ok", "", facts)
    assert status == "incomplete"
    assert note.startswith("POST API: http://x/api/search")
    # an empty column with no API is just empty
    assert judge("ok", "", WalkFacts(1, 0, None, None)) == ("ok", "")
