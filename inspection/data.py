"""Reading the package's YAML rule files, once per process and with a clear error when one is bad."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA_DIR = Path(__file__).resolve().parent


class RulesError(ValueError):
    """A rule file is missing, unreadable, or lacks a key its detector needs."""


@cache
def load_rules(path: Path) -> dict[str, Any]:
    """The mapping in the YAML file at ``path`` (cached; rule files do not change while running)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RulesError(f"{path}: cannot read the rules: {exc}") from exc
    if not isinstance(data, dict):
        raise RulesError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


def require(data: dict[str, Any], key: str, kind: type, source: Path) -> Any:
    """``data[key]``, checked to be a ``kind``; a missing or mistyped key is a :class:`RulesError`."""
    if key not in data:
        raise RulesError(f"{source}: missing key {key!r}")
    value = data[key]
    if not isinstance(value, kind):
        raise RulesError(f"{source}: {key!r} should be a {kind.__name__}, got {type(value).__name__}")
    return value
