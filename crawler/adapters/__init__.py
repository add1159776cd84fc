"""CMS adapters, one module per family, registered by name in ``ADAPTERS``.

Adding a CMS is adding a module with an :class:`~crawler.adapters.base.Adapter` subclass and one
line here; detection tries them in ``DETECTION_ORDER``.
"""

from __future__ import annotations

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.generic import GenericAdapter
from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.trs import TrsAdapter
from crawler.adapters.ucap import UcapAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    HanwebAdapter.name: HanwebAdapter,
    UcapAdapter.name: UcapAdapter,
    TrsAdapter.name: TrsAdapter,
    GenericAdapter.name: GenericAdapter,
}
# Most specific markers first: a Ucap page may also link TRS-style t<date> articles, and any
# list page has the generic shape.
DETECTION_ORDER: tuple[str, ...] = ("hanweb", "ucap", "trs", "generic")

__all__ = ["ADAPTERS", "DETECTION_ORDER", "Adapter", "ListEntry", "ListPage", "get_adapter"]


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]()
    except KeyError:
        raise ValueError(f"unknown CMS adapter {name!r}; known: {', '.join(sorted(ADAPTERS))}") from None
