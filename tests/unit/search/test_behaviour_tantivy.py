"""The search behaviour contract (tests/search_contract.py) on the embedded tantivy backend."""

from __future__ import annotations

import pytest

from tests.search_contract import *  # noqa: F403 (the shared tests run here)
from tourstack.search.tantivy_backend import TantivyBackend


@pytest.fixture
def backend(tmp_path) -> TantivyBackend:
    return TantivyBackend(tmp_path / "search")
