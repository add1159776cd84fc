"""One finding of an inspection detector: its kind, severity, evidence and where it was seen.

The shape maps onto ``storage.findings.record_finding`` (site, kind, subject, evidence, severity):
``subject`` is the key a finding is refreshed under from one crawl to the next.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("info", "warning", "veto")
# The kinds the detectors of this package return (storage.findings must know them to keep them).
FINDING_KINDS = ("broken_link", "privacy_leak", "wording_error", "cloaking", "new_script_host")
# Kinds whose subject is a fact about the whole site (a host), not about one page.
SITE_LEVEL_KINDS = frozenset({"new_script_host"})
# Kinds keyed by their target, not by the page: a host, or a dead link that many pages carry.
TARGET_KEYED_KINDS = SITE_LEVEL_KINDS | {"broken_link"}


@dataclass(frozen=True)
class Finding:
    """What an inspector would be told about one page, attachment or host.

    ``url`` is the page or attachment where it was seen; ``where`` says which of the two;
    ``target`` is what the finding points at when it is not the page itself (a script host).
    ``evidence`` holds only JSON-ready values, and never an unmasked personal value.
    """

    kind: str
    severity: str
    url: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    where: str = "page"
    target: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in FINDING_KINDS:
            raise ValueError(
                f"unknown finding kind {self.kind!r}; expected one of {', '.join(FINDING_KINDS)}"
            )
        if self.severity not in SEVERITIES:
            raise ValueError(f"unknown severity {self.severity!r}; expected one of {', '.join(SEVERITIES)}")
        if self.where not in ("page", "attachment", "site"):
            raise ValueError(f"unknown location {self.where!r}; expected page, attachment or site")

    @property
    def subject(self) -> str:
        """The key of the finding within its site and kind: the host for site-level kinds, the
        target for a dead link, else the page or attachment URL."""
        if self.kind in TARGET_KEYED_KINDS and self.target:
            return self.target
        return self.url

    def as_record(self) -> dict[str, Any]:
        """The keyword arguments of ``storage.findings.record_finding`` that this finding fills."""
        evidence = {"where": self.where, "url": self.url, **dict(self.evidence)}
        if self.target is not None:
            evidence["target"] = self.target
        return {"kind": self.kind, "subject": self.subject, "severity": self.severity, "evidence": evidence}


def worst_severity(severities: Iterable[str], default: str = "info") -> str:
    """The gravest of ``severities`` (veto > warning > info); ``default`` when there are none."""
    ranked = [SEVERITIES.index(s) for s in severities]
    return SEVERITIES[max(ranked)] if ranked else default
