"""The search behaviour contract (tests/search_contract.py) on a real Typesense server."""

from __future__ import annotations

import pytest

from tests.integration.search.conftest import API_KEY
from tests.search_contract import *  # noqa: F403 (the shared tests run here)
from tourstack.search import default_config
from tourstack.search.typesense_backend import TypesenseBackend


@pytest.fixture
def backend(typesense_url, typesense_prefix) -> TypesenseBackend:
    return TypesenseBackend(typesense_url, API_KEY, default_config(), prefix=typesense_prefix)
