"""The replica portal: a fictional county-government site generated from a spec and served on loopback.

It is zwgk's demo, the test bed of the integration tests and a benchmark target. ``truth`` says what a
correct crawl of it must find; ``profile`` is the site profile to crawl it with.
"""

from __future__ import annotations

from replica.build import build_site
from replica.model import Column, Item, ReplicaSite
from replica.server import ReplicaServer
from replica.spec import Spec, SpecError, available_specs, load_spec
from replica.truth import profile, truth

__all__ = [
    "Column",
    "Item",
    "ReplicaServer",
    "ReplicaSite",
    "Spec",
    "SpecError",
    "available_specs",
    "build_site",
    "load_spec",
    "profile",
    "truth",
]
