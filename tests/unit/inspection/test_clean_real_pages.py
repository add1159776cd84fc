"""Clean real pages raise no finding from any inspection detector, nor from the hijack scan: the
real-page fixtures kept here and, once it is in the repository, the real-page corpus."""

from __future__ import annotations

from crawler.extract.integrity import scan_tree as hijack_scan
from inspection import personal_data, wording
from inspection.cloaking import Version, compare_versions, probes

URL = "http://real.example/page.html"


def test_no_detector_finds_anything_on_a_clean_real_page(real_page):
    path, root = real_page
    found = [
        personal_data.scan_tree(root, URL),
        wording.scan_tree(root, URL),
        compare_versions([Version(p.role, URL, URL, 200, root) for p in probes()], {"real.example"}),
    ]
    assert [f for f in found if f is not None] == [], path.name
    assert hijack_scan(root, URL, None, {"real.example"}) == [], path.name
