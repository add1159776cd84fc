"""A report's media claims (图片, 视频新闻) counted in the unit the report wrote, the other beside.

``图片96张`` counts pictures: the archive gives the distinct image files in the year's picture items,
and the picture items beside them; ``图片新闻96条`` (or no unit) counts items, the image files beside.
``视频新闻369条`` counts video items, the distinct video files beside; ``视频120分钟`` is a duration
the archive cannot check (``reports.units``).
"""

from __future__ import annotations

import logging

from audit.definitions import IMAGES_IN_ITEMS, VIDEO_SOURCES, Rule
from audit.reconciliation import Measure
from reports.claims import Claim
from reports.units import IMAGES, ITEMS, SOURCES, measure_label, no_unit_note
from storage import reads
from storage.reads import Session

logger = logging.getLogger(__name__)

# claim key → (the items' kind, the field holding their files, what those files are)
MEDIA_CLAIMS: dict[str, tuple[str, str, str]] = {
    "pictures": ("picture", "images", IMAGES),
    "video_news": ("video", "videos", SOURCES),
}
_FILE_RULES: dict[str, Rule] = {IMAGES: IMAGES_IN_ITEMS, SOURCES: VIDEO_SOURCES}


def is_media_claim(claim: Claim) -> bool:
    """Whether the claim counts pictures or videos, whose unit decides what the archive counts."""
    return claim.key in MEDIA_CLAIMS


def media_measure(session: Session, site: str, year: int, claim: Claim, items: int) -> tuple[Measure, int]:
    """The measure of a media claim and the archived number in it; ``items`` is the count of the
    claim's items (the kind in the year)."""
    kind, field, files_are = MEDIA_CLAIMS[claim.key]
    media = reads.media_of_items(session, site, year, kind, field)
    by_files = claim.measure == files_are
    used, other_measure = (files_are, ITEMS) if by_files else (ITEMS, files_are)
    archived, other = (media.count, items) if by_files else (items, media.count)
    measure = Measure(
        unit=claim.unit,
        used=used,
        used_label=measure_label(used),
        note=_note(claim, used),
        items=items,
        other_measure=other_measure,
        other_label=measure_label(other_measure),
        other=other,
        files=media.files,
        file_items=media.first_shown_in,
    )
    return measure, archived


def files_definition(claim: Claim) -> str:
    """The counting rule of the claim's files (images or video files), Chinese then English."""
    rule = _FILE_RULES[MEDIA_CLAIMS[claim.key][2]]
    return f"{rule.zh} {rule.en}"


def _note(claim: Claim, used: str) -> str:
    if not claim.unit:
        return no_unit_note()
    if claim.measure is None:
        return f"报告单位“{claim.unit}”不在单位表中，{measure_label(used)} 计"
    if claim.measure != used:
        return f"报告单位“{claim.unit}”不适用于此项，{measure_label(used)} 计"
    return f"报告单位“{claim.unit}”→ {measure_label(used)}"
