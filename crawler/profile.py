"""Site profiles: the YAML description of one portal (its hosts, columns, CMS, politeness).

A profile is data an auditor can read and edit. ``load_profile`` refuses a malformed one with a
message naming the file and the field, before anything is crawled or stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from taxonomy import default_taxonomy

CMS_FAMILIES = ("trs", "hanweb", "ucap", "generic")


class ProfileError(ValueError):
    """A site profile that cannot be used, with the reason."""


@dataclass
class ColumnSpec:
    """One column of the portal: its path of names in the portal's tree, URL and taxonomy node."""

    path: str
    url: str
    cms: str | None = None
    taxonomy: str | None = None
    taxonomy_rule: str | None = None
    # For the reader of a profile: the node's path, written by discovery; the code is what counts.
    taxonomy_path: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit("/", 1)[-1]


@dataclass
class SiteProfile:
    slug: str
    name: str
    base_url: str
    allowed_hosts: list[str]
    columns: list[ColumnSpec]
    cms: str = "generic"
    politeness: dict[str, Any] = field(default_factory=dict)

    def to_yaml(self) -> str:
        return yaml.safe_dump(asdict(self), allow_unicode=True, sort_keys=False)

    def is_allowed(self, url: str) -> bool:
        host = urlsplit(url).hostname or ""
        return host in self.allowed_hosts


_REQUIRED = ("slug", "name", "base_url", "columns")


def _taxonomy_codes() -> set[str]:
    return {node.code for node in default_taxonomy()}


def _scheme(url: str) -> str:
    try:
        split = urlsplit(url)
        split.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        return ""
    return split.scheme if split.hostname else ""


def parse_profile(data: Any, source: str = "<profile>") -> SiteProfile:
    """Validate a decoded profile mapping and build a :class:`SiteProfile`."""
    if not isinstance(data, dict):
        raise ProfileError(f"{source}: a site profile must be a YAML mapping, got {type(data).__name__}")
    missing = [key for key in _REQUIRED if not data.get(key)]
    if missing:
        raise ProfileError(f"{source}: missing required field(s): {', '.join(missing)}")
    base = str(data["base_url"])
    if _scheme(base) not in ("http", "https"):
        raise ProfileError(f"{source}: base_url must be an http(s) URL, got {base!r}")
    if not isinstance(data["columns"], list):
        raise ProfileError(f"{source}: 'columns' must be a list")
    columns = []
    for i, raw in enumerate(data["columns"]):
        if not isinstance(raw, dict) or not raw.get("path") or not raw.get("url"):
            raise ProfileError(f"{source}: columns[{i}] needs 'path' and 'url'")
        code = raw.get("taxonomy")
        if code is not None and (not isinstance(code, str) or code not in _taxonomy_codes()):
            raise ProfileError(f"{source}: columns[{i}].taxonomy {code!r} is not a code of the taxonomy")
        cms = raw.get("cms")
        if cms is not None and (not isinstance(cms, str) or cms not in CMS_FAMILIES):
            raise ProfileError(f"{source}: columns[{i}].cms must be one of {CMS_FAMILIES}, got {cms!r}")
        columns.append(
            ColumnSpec(
                path=str(raw["path"]),
                url=str(raw["url"]),
                cms=cms,
                taxonomy=raw.get("taxonomy"),
                taxonomy_rule=raw.get("taxonomy_rule"),
                taxonomy_path=default_taxonomy().get(code).path if code else None,
            )
        )
    hosts = data.get("allowed_hosts") or [urlsplit(base).hostname]
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h for h in hosts):
        raise ProfileError(f"{source}: allowed_hosts must be a list of host names")
    politeness = data.get("politeness") or {}
    if not isinstance(politeness, dict):
        raise ProfileError(f"{source}: politeness must be a mapping, got {type(politeness).__name__}")
    cms = data.get("cms", "generic")
    if not isinstance(cms, str) or cms not in (*CMS_FAMILIES, "mixed"):
        raise ProfileError(f"{source}: cms must be one of {CMS_FAMILIES} or 'mixed', got {cms!r}")
    return SiteProfile(
        slug=str(data["slug"]),
        name=str(data["name"]),
        base_url=base,
        allowed_hosts=[str(h) for h in hosts],
        columns=columns,
        cms=cms,
        politeness=dict(politeness),
    )


def yaml_position(exc: yaml.YAMLError) -> str:
    """Where a YAML error is and what it is, in one line."""
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
    return f"{where}: {problem}"


def load_profile(path: Path | str) -> SiteProfile:
    """Read and validate a profile file; raises :class:`ProfileError` with a clear message."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read the profile: {exc.strerror or exc}") from exc
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ProfileError(f"{path}: not valid YAML{yaml_position(exc)}") from exc
    return parse_profile(data, str(path))
