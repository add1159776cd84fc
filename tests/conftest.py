from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(scope="session")
def tiny_site():
    import replica

    return replica.build_site(replica.load_spec("tiny"))


@pytest.fixture(scope="session")
def tiny_truth(tiny_site):
    import replica

    return replica.truth(tiny_site)


@pytest.fixture()
def tiny_server(tiny_site):
    import replica

    with replica.ReplicaServer(tiny_site) as server:
        yield server
