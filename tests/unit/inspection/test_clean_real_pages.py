"""Clean real pages raise no finding from any inspection detector, nor from the hijack scan: the
real-page fixtures kept here and, once it is in the repository, the real-page corpus; and the
replica's pages raise none but the replica's own hijacks."""

from __future__ import annotations

from crawler.extract import decode_body
from crawler.extract.html import parse_page
from crawler.extract.integrity import scan_tree as hijack_scan
from inspection import personal_data, wording
from inspection.cloaking import Version, compare_versions, probes
from replica.routes import Router


def test_no_detector_finds_anything_on_a_clean_real_page(real_page):
    page, hosts = real_page, {real_page.host}
    found = [
        personal_data.scan_tree(page.root, page.url),
        wording.scan_tree(page.root, page.url),
        compare_versions([Version(p.role, page.url, page.url, 200, page.root) for p in probes()], hosts),
    ]
    assert [f for f in found if f is not None] == [], page.path.name
    assert hijack_scan(page.root, page.url, None, hosts) == [], page.path.name


def test_the_replica_pages_raise_no_inspection_finding(tiny_site, tiny_truth):
    """The replica's pages (made-up text, real shapes): nothing for personal data or wording, and
    the hijack scan only on the pages the replica hijacked."""
    router = Router(tiny_site)
    hijacked = set(tiny_truth["special"]["hijacked"])
    scanned = 0
    for path in router.paths():
        reply = router.get(path)
        if reply.status != 200 or not reply.content_type.startswith("text/html"):
            continue
        root = parse_page(decode_body(reply.body, reply.content_type)[0])
        scanned += 1
        assert personal_data.scan_tree(root, path) is None, path
        assert wording.scan_tree(root, path) is None, path
        assert bool(hijack_scan(root, "http://127.0.0.1:8418" + path, tiny_site.name, {"127.0.0.1"})) == (
            path in hijacked
        ), path
    assert scanned > 50
