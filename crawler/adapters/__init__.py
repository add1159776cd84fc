"""CMS adapters, one module per family, registered by name in ``ADAPTERS``.

Adding a CMS is adding a module with an :class:`~crawler.adapters.base.Adapter` subclass and one
line here; detection tries them in ``DETECTION_ORDER``.
"""

from __future__ import annotations

from crawler.adapters.base import Adapter, ListEntry, ListPage
from crawler.adapters.hanweb import HanwebAdapter
from crawler.adapters.trs import TrsAdapter

ADAPTERS: dict[str, type[Adapter]] = {
    HanwebAdapter.name: HanwebAdapter,
    TrsAdapter.name: TrsAdapter,
}
DETECTION_ORDER: tuple[str, ...] = ("hanweb", "trs")

__all__ = ["ADAPTERS", "DETECTION_ORDER", "Adapter", "ListEntry", "ListPage", "get_adapter"]


def get_adapter(name: str) -> Adapter:
    try:
        return ADAPTERS[name]()
    except KeyError:
        raise ValueError(f"unknown CMS adapter {name!r}; known: {', '.join(sorted(ADAPTERS))}") from None
