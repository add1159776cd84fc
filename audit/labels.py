"""The Chinese words for zwgk's internal English values (labels.yaml, the one place): the dashboard
and the terminal tables show the word, the JSON and CSV outputs keep the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

LABELS_FILE = Path(__file__).with_name("labels.yaml")
LABELS: dict[str, dict[str, str]] = {
    section: {str(k): str(v) for k, v in (words or {}).items()}
    for section, words in yaml.safe_load(LABELS_FILE.read_text(encoding="utf-8")).items()
}
VALUE_ZH = LABELS["value"]


def zh(value: Any) -> Any:
    """A table cell in Chinese: an internal English value (dynamic, veto, incomplete …) as its word."""
    return VALUE_ZH.get(value, value) if isinstance(value, str) else value
