"""Place every listed item in the taxonomy, and record the rule that placed it.

An item takes its column's node (the profile's or discovery's mapping); in a column nobody
mapped, its title's keywords decide; failing both it stays unclassified (counted, never dropped).
"""

from __future__ import annotations

from typing import Any

from crawler.items import ColumnSeen, Listing
from taxonomy import Taxonomy, default_taxonomy


class ClassifyPipeline:
    def __init__(self, taxonomy: Taxonomy | None = None) -> None:
        self.taxonomy = taxonomy or default_taxonomy()
        self.column_nodes: dict[str, tuple[str | None, str | None]] = {}

    def process_item(self, item: Any) -> Any:
        if isinstance(item, ColumnSeen):
            self.column_nodes[item.column_url] = (item.taxonomy_code, item.taxonomy_rule)
        elif isinstance(item, Listing):
            self.classify(item)
        return item

    def classify(self, listing: Listing) -> None:
        code, rule = self.column_nodes.get(listing.column_url, (None, None))
        listing.taxonomy_version = self.taxonomy.version
        if code is not None:
            node = self.taxonomy.get(code)
            listing.taxonomy_code, listing.taxonomy_path = node.code, node.path
            listing.taxonomy_rule = f"column:{rule or 'profile'}"
            return
        match = self.taxonomy.match_keywords(listing.title)
        if match is not None:
            listing.taxonomy_code, listing.taxonomy_path = match.node.code, match.node.path
            listing.taxonomy_rule = match.rule
        else:
            listing.taxonomy_rule = "unclassified"
