"""Every callback of the portal spider is wrapped by the worker spider, so that the lease of the
request that called it ends once its records are stored (a callback left unwrapped keeps its
request leased for ever: the worker never goes idle and its run never ends)."""

from __future__ import annotations

from crawler.cluster.spider import WorkerSpider
from crawler.spiders.portal import PortalSpider


def _callbacks(cls: type) -> set[str]:
    return {
        name
        for klass in cls.__mro__
        for name in vars(klass)
        if callable(getattr(cls, name, None)) and (name.startswith("parse_") or name.endswith("_failed"))
    }


def test_every_portal_callback_is_leased_in_the_worker() -> None:
    callbacks = _callbacks(PortalSpider)
    assert {"parse_detail", "parse_attachment", "attachment_failed"} <= callbacks
    unwrapped = sorted(name for name in callbacks if name not in vars(WorkerSpider))
    assert unwrapped == []
