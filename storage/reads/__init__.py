"""Every read of the archive: the counts, the item lists, the findings, captures and details.

The command line, the dashboard and the reconciliation all read through these functions; none of
them writes SQL. Counts are tallied live or summed from the count rollup (``tallies``), each rule
of the counting definitions written once (``filters``).
"""

from __future__ import annotations

# The session type, re-exported so that callers annotate with it without importing SQLAlchemy.
from sqlalchemy.orm import Session

from storage.generation import archive_generation
from storage.reads.by_year import (
    count_columns_by_year,
    count_groups_by_year,
    count_kinds_by_year,
    count_sites_by_year,
    count_taxonomy_by_year,
    count_under_by_year,
)
from storage.reads.captures import capture, capture_location, captures_of, payload_capture
from storage.reads.columns import (
    ColumnState,
    ColumnWalk,
    blocked_columns,
    column,
    column_id_at,
    column_paths,
    column_states,
    column_walks,
    memberships_follow_columns,
    site_columns,
)
from storage.reads.counts import (
    COUNT_BY,
    CountRow,
    count_distinct_items,
    count_documents,
    count_in_columns,
    count_in_subtree,
    count_items,
    count_site_items,
    first_year,
    newest_counted_on,
)
from storage.reads.detail import ItemDetail, item_detail, versions_of
from storage.reads.filters import GONE_STATUSES, is_under
from storage.reads.findings import (
    FindingRow,
    ListedFinding,
    all_findings,
    finding_kinds,
    findings_page,
    list_findings,
)
from storage.reads.inspection import attachments_of, dead_links, probe_pages, search_attachments
from storage.reads.items import ItemRow, claim_items, column_items, list_items
from storage.reads.media import Media, media_of_items
from storage.reads.paging import PAGE_SIZE, Page
from storage.reads.search import search_items
from storage.reads.sites import SiteInfo, SiteSummary, list_sites, site_id, site_summaries
from storage.reads.tallies import TALLIES, tally_for, tally_name
from storage.reads.tally import Tally
from storage.reads.years import item_years
from storage.search import SEARCH_FIELDS

__all__ = [
    "COUNT_BY",
    "GONE_STATUSES",
    "PAGE_SIZE",
    "TALLIES",
    "ColumnState",
    "ColumnWalk",
    "CountRow",
    "FindingRow",
    "ItemDetail",
    "ItemRow",
    "Media",
    "Page",
    "Session",
    "SiteInfo",
    "SiteSummary",
    "Tally",
    "archive_generation",
    "blocked_columns",
    "column_id_at",
    "capture",
    "capture_location",
    "captures_of",
    "payload_capture",
    "claim_items",
    "column",
    "column_items",
    "column_paths",
    "column_states",
    "column_walks",
    "count_columns_by_year",
    "count_distinct_items",
    "count_documents",
    "count_groups_by_year",
    "count_in_columns",
    "count_in_subtree",
    "count_items",
    "count_kinds_by_year",
    "count_site_items",
    "count_sites_by_year",
    "count_taxonomy_by_year",
    "count_under_by_year",
    "finding_kinds",
    "item_years",
    "findings_page",
    "all_findings",
    "attachments_of",
    "dead_links",
    "SEARCH_FIELDS",
    "search_attachments",
    "probe_pages",
    "ListedFinding",
    "first_year",
    "is_under",
    "item_detail",
    "list_findings",
    "list_items",
    "media_of_items",
    "list_sites",
    "memberships_follow_columns",
    "newest_counted_on",
    "search_items",
    "site_columns",
    "site_id",
    "site_summaries",
    "tally_for",
    "tally_name",
    "versions_of",
]
