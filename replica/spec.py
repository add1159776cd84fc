"""Replica specs: the YAML recipe a fictional portal is generated from.

A spec names the site, its column tree (names as the portal shows them, CMS family, kind of item,
how many items per year) and the deliberate faults (hijacked page, 404 item, GBK column, cross-listed
items, WAF-blocked columns, crawler traps, an item on a foreign host). A ``changes`` block says what
differs on later days (states 1, 2, …). ``load_spec`` validates it and refuses a malformed one with a
message naming the field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from replica.errors import SpecError
from replica.faultspec import FaultDef, parse_faults
from taxonomy import Node as TaxonomyNode
from taxonomy import default_taxonomy

SPEC_DIR = Path(__file__).with_name("specs")
CMS_STYLES = ("trs", "hanweb", "ucap", "generic")
# CMS styles whose URLs live under the column's folder of abbreviations (``/zdgz/ggzy/…``).
FOLDER_STYLES = ("trs", "ucap", "generic")
# HTTP statuses a blocked column answers with: 412 (JS cookie challenge), 521 (加速乐 first visit).
BLOCK_STATUSES = (412, 521)
# Days between one state of a replica and the next.
STATE_DAYS = 7
KINDS = ("article", "picture", "video")
PAGE_STYLES = ("plain", "text_heavy", "embeds", "photo")
# How a TRS list page holds its items and pages on (replica/render/trs_shapes.py).
LIST_STYLES = (
    "plain",
    "blocks",
    "static",
    "onclick",
    "select",
    "reversed",
    "jhtml",
    "overstated",
    "script_total",
    "script_only",
    "post_api",
)


@dataclass(frozen=True)
class SiteInfo:
    """Who the fictional portal belongs to and the identifiers printed on every page."""

    slug: str
    name: str
    county: str
    city: str
    domain: str
    site_id_code: str
    icp: str
    org_code: str
    doc_prefix: str


@dataclass(frozen=True)
class ColumnDef:
    """One column of the spec; ``counts`` is None when the column draws from its hub's pool."""

    name: str
    path: str
    cms: str
    kind: str = "article"
    abbr: str | None = None
    taxonomy_code: str | None = None
    counts: dict[int, int] | None = None
    weight: float = 1.0
    doc_ratio: float = 0.0
    encoding: str = "utf-8"
    per_page: int = 20
    pool: dict[int, int] | None = None
    children: tuple[ColumnDef, ...] = ()
    # HTTP status (412/521) every page of the column answers with; None when it is served normally.
    blocked: int | None = None
    # Shape of the list pages (TRS only): one of LIST_STYLES.
    list_style: str = "plain"
    # How its items' pages look: plain (a picture item: a gallery of 2-4 photos and a caption),
    # photo (one photo and its caption), text_heavy (a 图片新闻 photo with several paragraphs) or
    # embeds (video pages in turn: <video>, a platform's <iframe>, a Flash <embed>, a ckplayer script)
    page_style: str = "plain"

    @property
    def is_hub(self) -> bool:
        return bool(self.children)

    def walk(self) -> list[ColumnDef]:
        """This column and all its descendants, depth first."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out


@dataclass(frozen=True)
class Fault:
    """A deliberate defect placed on one item of ``column`` published in ``year``."""

    column: str
    year: int
    target: str | None = None


@dataclass(frozen=True)
class NewItems:
    """``count`` items added to ``column`` on the day of a later state."""

    column: str
    count: int


@dataclass(frozen=True)
class Changes:
    """What a later state (a later day) of the portal changes relative to the state before it.

    ``removed`` items vanish from their listings and their pages answer 404; ``edited`` pages get a
    new body under the same URL and 发布日期; ``redated`` items get a new 发布日期; ``hijacked`` pages
    are newly injected with spam.
    """

    new: tuple[NewItems, ...] = ()
    removed: tuple[Fault, ...] = ()
    edited: tuple[Fault, ...] = ()
    redated: tuple[Fault, ...] = ()
    hijacked: tuple[Fault, ...] = ()


@dataclass(frozen=True)
class Spec:
    """A validated replica spec."""

    name: str
    seed: int
    as_of: date
    start_year: int
    site: SiteInfo
    columns: tuple[ColumnDef, ...]
    hijack: Fault
    hijack_string: str
    hijack_hosts: tuple[str, ...]
    not_found: Fault
    cross_listed: tuple[Fault, ...] = ()
    foreign: tuple[Fault, ...] = ()
    foreign_host: str = "www.jinzhou.gov.cn.example"
    traps: bool = False
    changes: dict[int, Changes] = field(default_factory=dict)
    # Broken-web faults (``replica.faultspec``): 500s, timeouts, resets, bad redirects, …
    faults: tuple[FaultDef, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def all_columns(self) -> list[ColumnDef]:
        out: list[ColumnDef] = []
        for column in self.columns:
            out.extend(column.walk())
        return out

    @property
    def states(self) -> list[int]:
        """The states this spec can be built in: 0 and every state of its ``changes`` block."""
        return [0, *sorted(self.changes)]

    def column(self, path: str) -> ColumnDef:
        for column in self.all_columns():
            if column.path == path:
                return column
        raise SpecError(f"spec {self.name}: no column {path!r}")


def available_specs() -> list[str]:
    """Names of the bundled specs."""
    return sorted(p.stem for p in SPEC_DIR.glob("*.yaml"))


def load_spec(name: str = "qingshi") -> Spec:
    """Load and validate the bundled spec ``name`` (see :func:`available_specs`)."""
    path = SPEC_DIR / f"{name}.yaml"
    if not name or "/" in name or not path.is_file():
        raise SpecError(f"unknown replica spec {name!r}; available: {', '.join(available_specs())}")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise SpecError(f"{path}: not valid YAML: {exc}") from exc
    return parse_spec(data, str(path))


def parse_spec(data: Any, source: str = "<spec>") -> Spec:
    """Validate a decoded spec mapping and build a :class:`Spec`."""
    if not isinstance(data, dict):
        raise SpecError(f"{source}: a replica spec must be a mapping")
    for key in ("name", "seed", "as_of", "start_year", "site", "columns", "hijack", "not_found"):
        if key not in data:
            raise SpecError(f"{source}: missing required field {key!r}")
    site = _site(data["site"], source)
    defaults = data.get("per_page") or {}
    if not isinstance(data["columns"], list) or not data["columns"]:
        raise SpecError(f"{source}: 'columns' must be a non-empty list")
    default_cms = str(data.get("cms") or "trs")
    columns = tuple(_column(raw, None, None, defaults, source, default_cms) for raw in data["columns"])
    as_of = data["as_of"]
    if not isinstance(as_of, date):
        raise SpecError(f"{source}: as_of must be a date (YYYY-MM-DD), got {as_of!r}")
    hijack = data["hijack"]
    if not isinstance(hijack, dict) or not hijack.get("string"):
        raise SpecError(f"{source}: hijack needs 'column', 'year' and 'string'")
    spec = Spec(
        name=str(data["name"]),
        seed=int(data["seed"]),
        as_of=as_of,
        start_year=int(data["start_year"]),
        site=site,
        columns=columns,
        hijack=_fault(hijack, "hijack", source),
        hijack_string=str(hijack["string"]),
        hijack_hosts=tuple(str(h) for h in hijack.get("hosts") or ()),
        not_found=_fault(data["not_found"], "not_found", source),
        cross_listed=tuple(_fault(f, "cross_listed", source) for f in data.get("cross_listed") or ()),
        foreign=tuple(_fault(f, "foreign", source) for f in _foreign(data, source)),
        foreign_host=_foreign_host(data, source),
        traps=bool(data.get("traps", False)),
        changes=_changes(data.get("changes"), source),
        faults=parse_faults(data.get("faults"), source),
        raw=data,
    )
    _check_references(spec, source)
    _check_faults(spec, source)
    return spec


def _site(raw: Any, source: str) -> SiteInfo:
    fields = ("slug", "name", "county", "city", "domain", "site_id_code", "icp", "org_code", "doc_prefix")
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: 'site' must be a mapping")
    missing = [f for f in fields if not raw.get(f)]
    if missing:
        raise SpecError(f"{source}: site is missing {', '.join(missing)}")
    return SiteInfo(**{f: str(raw[f]) for f in fields})


def _foreign(data: dict[str, Any], source: str) -> list[Any]:
    raw = data.get("foreign") or {}
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: foreign must be a mapping with 'host' and 'items'")
    items = raw.get("items") or []
    if not isinstance(items, list):
        raise SpecError(f"{source}: foreign.items must be a list of {{column, year}}")
    return items


def _foreign_host(data: dict[str, Any], source: str) -> str:
    raw = data.get("foreign") or {}
    return str(raw.get("host") or "www.jinzhou.gov.cn.example") if isinstance(raw, dict) else ""


def _changes(raw: Any, source: str) -> dict[int, Changes]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: changes must map a state number to its changes")
    out: dict[int, Changes] = {}
    for state, block in raw.items():
        try:
            number = int(state)
        except (TypeError, ValueError):
            raise SpecError(f"{source}: changes: state {state!r} is not a number") from None
        if number < 1:
            raise SpecError(f"{source}: changes: states start at 1 (state 0 is the spec itself)")
        if not isinstance(block, dict):
            raise SpecError(f"{source}: changes.{number} must be a mapping")
        unknown = set(block) - {"new", "removed", "edited", "redated", "hijacked"}
        if unknown:
            raise SpecError(f"{source}: changes.{number}: unknown keys {sorted(unknown)}")
        new = []
        for entry in block.get("new") or ():
            if not isinstance(entry, dict) or "column" not in entry or int(entry.get("count", 0)) < 1:
                raise SpecError(f"{source}: changes.{number}.new entries need 'column' and 'count' >= 1")
            new.append(NewItems(str(entry["column"]), int(entry["count"])))
        out[number] = Changes(
            new=tuple(new),
            **{
                key: tuple(_fault(f, f"changes.{number}.{key}", source) for f in block.get(key) or ())
                for key in ("removed", "edited", "redated", "hijacked")
            },
        )
    if sorted(out) != list(range(1, len(out) + 1)):
        raise SpecError(f"{source}: changes must number the states 1, 2, … without gaps")
    return out


def _fault(raw: Any, what: str, source: str) -> Fault:
    if not isinstance(raw, dict) or "column" not in raw or "year" not in raw:
        raise SpecError(f"{source}: {what} entries need 'column' and 'year', got {raw!r}")
    target = raw.get("to")
    return Fault(str(raw["column"]), int(raw["year"]), str(target) if target else None)


def _column(
    raw: Any,
    parent: ColumnDef | None,
    parent_node: TaxonomyNode | None,
    defaults: dict[str, int],
    source: str,
    default_cms: str = "trs",
) -> ColumnDef:
    if not isinstance(raw, dict) or not raw.get("name"):
        raise SpecError(f"{source}: every column needs a 'name', got {raw!r}")
    name = str(raw["name"])
    path = f"{parent.path}/{name}" if parent else name
    cms = str(raw.get("cms") or (parent.cms if parent else default_cms))
    if cms not in CMS_STYLES:
        raise SpecError(f"{source}: column {path}: cms must be one of {CMS_STYLES}, got {cms!r}")
    kind = str(raw.get("kind", "article"))
    if kind not in KINDS:
        raise SpecError(f"{source}: column {path}: kind must be one of {KINDS}, got {kind!r}")
    node = _taxonomy_node(raw, name, parent_node, path, source)
    children_raw = raw.get("children") or []
    abbr = raw.get("abbr")
    if (children_raw or cms in FOLDER_STYLES) and not abbr:
        raise SpecError(
            f"{source}: column {path}: hubs and TRS, Ucap and generic columns need an 'abbr' (their URL folder)"
        )
    list_style = str(raw.get("list_style") or (parent.list_style if parent else "plain"))
    if list_style not in LIST_STYLES or (list_style != "plain" and cms != "trs"):
        raise SpecError(f"{source}: column {path}: list_style must be one of {LIST_STYLES} on a TRS column")
    page_style = str(raw.get("page_style") or "plain")
    if page_style not in PAGE_STYLES:
        raise SpecError(
            f"{source}: column {path}: page_style must be one of {PAGE_STYLES}, got {page_style!r}"
        )
    blocked = raw.get("blocked")
    if blocked is not None and (children_raw or int(blocked) not in BLOCK_STATUSES):
        raise SpecError(
            f"{source}: column {path}: blocked must be one of {BLOCK_STATUSES} on a listing column"
        )
    column = ColumnDef(
        name=name,
        path=path,
        cms=cms,
        kind=kind,
        abbr=str(abbr) if abbr else None,
        taxonomy_code=node.code if node is not None else None,
        counts=_counts(raw["counts"], path, source) if "counts" in raw else None,
        weight=float(raw.get("weight", 1.0)),
        doc_ratio=float(raw.get("doc_ratio", 0.0)),
        encoding=str(raw.get("encoding", "utf-8")).lower(),
        per_page=int(raw.get("per_page") or defaults.get(cms) or (20 if cms == "trs" else 15)),
        pool=_counts(raw["pool"], path, source) if raw.get("pool") else None,
        blocked=int(blocked) if blocked is not None else None,
        list_style=list_style,
        page_style=page_style,
    )
    if children_raw:
        children = tuple(_column(c, column, node, defaults, source, default_cms) for c in children_raw)
        column = ColumnDef(**{**column.__dict__, "children": children})
    elif column.counts is None and parent is None:
        raise SpecError(f"{source}: column {path}: a top-level listing column needs 'counts'")
    return column


def _taxonomy_node(
    raw: dict[str, Any], name: str, parent: TaxonomyNode | None, path: str, source: str
) -> TaxonomyNode | None:
    """The column's taxonomy node; ``taxonomy: null`` declares a column that matches none (县长信箱)."""
    taxonomy = default_taxonomy()
    if "taxonomy" in raw and raw["taxonomy"] is None:
        if taxonomy.match(name, parent) is not None:
            raise SpecError(f"{source}: column {path}: 'taxonomy: null' but the name matches a taxonomy node")
        return None
    if raw.get("taxonomy"):
        try:
            return taxonomy.get(str(raw["taxonomy"]))
        except KeyError:
            raise SpecError(f"{source}: column {path}: unknown taxonomy code {raw['taxonomy']!r}") from None
    match = taxonomy.match(name, parent)
    if match is None:
        raise SpecError(f"{source}: column {path}: name matches no taxonomy node; give 'taxonomy: CODE'")
    return match.node


def _counts(raw: Any, path: str, source: str) -> dict[int, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise SpecError(f"{source}: column {path}: counts must map year to number, got {raw!r}")
    try:
        return {int(year): int(n) for year, n in raw.items() if int(n) > 0}
    except (TypeError, ValueError):
        raise SpecError(f"{source}: column {path}: counts must map year to number, got {raw!r}") from None


def _check_references(spec: Spec, source: str) -> None:
    paths = {c.path for c in spec.all_columns()}
    blocked = {c.path for c in spec.all_columns() if c.blocked}
    changed = [f for c in spec.changes.values() for f in (*c.removed, *c.edited, *c.redated, *c.hijacked)]
    for fault in (spec.hijack, spec.not_found, *spec.cross_listed, *spec.foreign, *changed):
        for ref in (fault.column, fault.target):
            if ref is not None and ref not in paths:
                raise SpecError(f"{source}: fault refers to unknown column {ref!r}")
            if ref in blocked:
                raise SpecError(f"{source}: column {ref!r} is blocked; place no fault or change on it")
    for changes in spec.changes.values():
        for new in changes.new:
            if new.column not in paths or spec.column(new.column).is_hub or new.column in blocked:
                raise SpecError(
                    f"{source}: new items need a listing column that is not blocked: {new.column!r}"
                )
    for column in spec.all_columns():
        if column.pool is not None and not column.is_hub:
            raise SpecError(f"{source}: column {column.path}: only hubs take a 'pool'")
        years = set(column.counts or {}) | set(column.pool or {})
        bad = [y for y in years if y < spec.start_year or y > spec.as_of.year]
        if bad:
            raise SpecError(f"{source}: column {column.path}: years {bad} outside {spec.start_year}..as_of")


def _check_faults(spec: Spec, source: str) -> None:
    """Refuse faults on unknown, hub or blocked columns, and kinds on the wrong CMS."""
    for fault in spec.faults:
        try:
            column = spec.column(fault.column)
        except SpecError:
            raise SpecError(
                f"{source}: fault {fault.fault} refers to unknown column {fault.column!r}"
            ) from None
        if column.is_hub or column.blocked:
            raise SpecError(f"{source}: fault {fault.fault} on {fault.column!r}: not a served listing column")
        needs = {"endless": "generic", "duplicates": "trs"}.get(fault.fault)
        if needs and column.cms != needs:
            raise SpecError(f"{source}: fault {fault.fault} needs a {needs} column, {fault.column!r} is not")
