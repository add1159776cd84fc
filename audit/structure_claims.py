"""The structure claims of a report checked against the archive: the top-level columns it names, and
how many sub-columns a 专栏 group has (matched to the taxonomy, names resolved one by one)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from audit.claim_items import list_claim_items
from audit.compare import group_members
from audit.reconciliation import Reconciliation
from reports.claims import Claim
from storage import reads
from storage.reads import Session
from taxonomy import Node, Taxonomy

GROUP_OF_CLAIM = {
    "kept_subcolumns": "kept",
    "kept_subcolumns_named": "kept",
    "group_public_resources": "public_resources",
    "group_social_welfare": "social_welfare",
    "group_major_projects": "major_projects",
}
STRUCTURE_RULE = (
    "结构数：存档中找到的、映射到该分组分类节点的栏目数（不重复节点）；报告列举的名称逐一与分类表匹配。"
    " Structure: distinct taxonomy nodes of the group that the archive's columns map to; named "
    "sub-columns are matched to the taxonomy one by one."
)


def _archive_nodes(session: Session, site: str) -> dict[str, list[str]]:
    """Taxonomy path → the archive's column paths mapped to it (walked or not, blocked included)."""
    found: dict[str, list[str]] = {}
    for _, path, tpath, _status in reads.column_paths(session, site):
        if tpath is not None:
            found.setdefault(tpath, []).append(path)
    return found


def check_top_columns(session: Session, site: str, claim: Claim, taxonomy: Taxonomy) -> Reconciliation:
    nodes = _archive_nodes(session, site)
    columns = [p for _, p, _, _ in reads.column_paths(session, site)]
    present, missing = {}, []
    for name in claim.names:
        match = taxonomy.match(name)
        under = [
            p
            for t, ps in nodes.items()
            if match and (t == match.node.path or t.startswith(match.node.path + "/"))
            for p in ps
        ]
        under += [p for p in columns if p == name or p.startswith(name + "/")]
        if under:
            present[name] = sorted(set(under))[:5]
        else:
            missing.append(name)
    rule = "报告列举的一级栏目在存档中存在（该栏目或其子栏目被抓取到）。 A named top-level column exists when the archive holds it or a column under it."
    return Reconciliation(
        claim.key,
        claim.label,
        claim.scope,
        claim.unit,
        claim.text,
        True,
        None,
        claim.value,
        len(present),
        rule,
        evidence={"present": present, "missing": missing},
    )


def resolve_names(
    names: Sequence[str], candidates: list[Node], taxonomy: Taxonomy
) -> list[tuple[str, Node | None]]:
    """Match a report's listed names to nodes, re-joining what the list punctuation split apart:
    "公共企事业单位、社会组织" is one node, and "省际、市际客运班线经营许可" is two."""
    codes = {n.code for n in candidates}

    def node_for(name: str) -> Node | None:
        match = taxonomy.match(
            name, taxonomy.get(candidates[0].parent) if candidates and candidates[0].parent else None
        )
        return match.node if match and match.node.code in codes else None

    out: list[tuple[str, Node | None]] = []
    i = 0
    while i < len(names):
        name = names[i]
        if i + 1 < len(names):
            joined = f"{name}、{names[i + 1]}"
            node = node_for(joined)
            if node is not None and node.name == joined:
                out.append((joined, node))
                i += 2
                continue
            following = names[i + 1]
            if node_for(name) is None and len(name) < len(following):
                expanded = name + following[len(name) :]
                if node_for(expanded) is not None:
                    out.append((expanded, node_for(expanded)))
                    i += 1
                    continue
        out.append((name, node_for(name)))
        i += 1
    return out


def check_group(session: Session, site: str, claim: Claim, group: str, taxonomy: Taxonomy) -> Reconciliation:
    members: list[Node] = []
    for node in taxonomy.group(group):
        children = taxonomy.children(node.code)
        members.extend(children if children else [node])
    archive = _archive_nodes(session, site)
    found = {n.path: archive[n.path] for n in members if n.path in archive}
    evidence: dict[str, Any] = {
        "taxonomy_members": group_members(taxonomy, group),
        "found_in_archive": {path: cols for path, cols in sorted(found.items())},
        "not_found_in_archive": [n.name for n in members if n.path not in archive],
    }
    if claim.names:
        resolved = resolve_names(claim.names, members, taxonomy)
        evidence["named_in_report"] = [name for name, _ in resolved]
        evidence["named_not_in_taxonomy"] = [name for name, node in resolved if node is None]
        evidence["named_not_in_archive"] = [
            name for name, node in resolved if node is not None and node.path not in archive
        ]
        evidence["report_list_length"] = len(resolved)
    return Reconciliation(
        claim.key,
        claim.label,
        claim.scope,
        claim.unit,
        claim.text,
        True,
        None,
        claim.value,
        len(found),
        STRUCTURE_RULE,
        evidence=evidence,
    )


NAMED_COLUMN_RULE = (
    "点名栏目：该年发布、列在映射到该名称分类节点的栏目（含其子栏目）中的不重复条目。 Named column: distinct "
    "items of the year listed in the archive's columns mapped to the taxonomy node of that name (or under it)."
)


def check_named_column(
    session: Session, site: str, year: int, claim: Claim, taxonomy: Taxonomy
) -> Reconciliation:
    """A count the report gives for a column it names, against the items of the year in the archive's
    columns mapped to that column's taxonomy node; not checkable when the name is not in the taxonomy
    or the archive holds no column mapped to it (an uncrawled column would read as 0)."""
    name = claim.names[0] if claim.names else ""
    match = taxonomy.match(name)
    mapped = _archive_nodes(session, site)
    paths = (
        []
        if match is None
        else [t for t in mapped if t == match.node.path or t.startswith(match.node.path + "/")]
    )
    base = (claim.key, claim.label + f"（{name}）", claim.scope, claim.unit, claim.text)
    if match is None or not paths:
        reason = (
            f"栏目“{name}”不在分类表中，存档无法确定它对应哪个栏目。"
            if match is None
            else f"存档中没有映射到“{match.node.path}”的栏目（未抓取或网站没有），无法计数。"
        )
        return Reconciliation(*base, False, reason, claim.value, None, approximate=claim.approximate)
    items = {
        i.url: i
        for path in paths
        for i in list_claim_items(session, site, {"year": year, "column_taxonomy": path})
    }
    evidence = {
        "column": name,
        "taxonomy": match.node.path,
        "archive_columns": sorted(c for t in paths for c in mapped[t]),
    }
    # A column's items of one year are few: listed also where numbers are only counted (``with_items``).
    rows = tuple(sorted(items.values(), key=lambda i: (i.counted_on or date.min, i.url)))
    return Reconciliation(
        *base, True, None, claim.value, len(items), NAMED_COLUMN_RULE, rows, evidence, claim.approximate
    )
