"""What an inspector of a government portal would flag, as pure functions over page text, parsed
trees and fetched versions: personal data (个人信息泄露), serious wording errors (严重表述错误),
search-engine cloaking (快照劫持), outside script hosts, the classification of link targets, and the
planning and judging of link checks (链接可用性: ``linkcheck``, ``linkverdict``).

A leaf package: it imports nothing from ``crawler``, ``pipelines``, ``storage`` or ``audit``; its
dictionaries and rules are YAML files beside the modules. Every detector returns
:class:`inspection.finding.Finding` values, which the crawl stores through ``storage.findings``.
"""

from __future__ import annotations

from inspection.finding import SEVERITIES, Finding, worst_severity

__all__ = ["SEVERITIES", "Finding", "worst_severity"]
