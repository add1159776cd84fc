"""The inspector's cases on the replica: planted only where a spec asks, files that read back as
written, and the findings a crawl must report."""

from __future__ import annotations

import replica
from documents import extract_text
from replica.inspection_cases import case_files, case_items, expected, pdf_bytes
from replica.routes import Router


def test_the_cases_sit_on_five_items_of_the_spec_and_nowhere_else():
    site = replica.build_site(replica.load_spec("inspection"))
    items = case_items(site)
    assert len(items) == 5 and len({i.url for i in items.values()}) == 5
    assert len(expected(site, "http://127.0.0.1:1/")) == 6
    tiny = replica.build_site(replica.load_spec("tiny"))
    assert case_items(tiny) == {} and case_files(tiny) == {}


def test_the_served_files_read_back_and_the_dead_links_are_dead():
    router = Router(replica.build_site(replica.load_spec("inspection")))
    leak = router.get("/inspection/leak.pdf")
    assert leak.status == 200 and "110105198001010016" in extract_text(leak.body, "leak.pdf").text
    assert "130*" not in extract_text(router.get("/inspection/masked.docx").body, "m.docx").text
    assert router.get("/inspection/missing.pdf").status == 404
    assert router.get("/inspection/gone.html").status == 404


def test_a_hand_written_pdf_keeps_its_lines():
    assert extract_text(pdf_bytes(["a (b) c", "d"]), "x.pdf").text.splitlines() == ["a (b) c", "d"]
