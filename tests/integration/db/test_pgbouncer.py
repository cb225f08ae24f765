"""The application's engines work through a real PgBouncer in transaction pooling.

With one server connection shared by two clients, psycopg's automatic prepared statements
collide (both name their first one `_pg3_0` on the same server connection); a database URL
ending in `?pgbouncer=transaction` switches them off (tourstack.db.engine.make_engine). PgBouncer
comes from Debian's `pgbouncer` package (.ci/run installs it); without it the test skips, unless
TOURSTACK_REQUIRE_PGBOUNCER=1 (CI), where it fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from tourstack.db.engine import make_engine

pytestmark = [pytest.mark.integration, pytest.mark.postgres]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def bouncer(pg_url, tmp_path):
    binary = shutil.which("pgbouncer") or ("/usr/sbin/pgbouncer" if os.path.exists("/usr/sbin/pgbouncer") else None)
    if binary is None:
        if os.environ.get("TOURSTACK_REQUIRE_PGBOUNCER") == "1":
            pytest.fail("pgbouncer is required (TOURSTACK_REQUIRE_PGBOUNCER=1) but not installed")
        pytest.skip("pgbouncer not installed (Debian package pgbouncer)")
    server = make_url(pg_url)
    port = _free_port()
    (tmp_path / "users.txt").write_text(f'"{server.username}" ""\n')
    password = f" password={server.password}" if server.password else ""
    (tmp_path / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"app = host={server.host} port={server.port or 5432} dbname={server.database} user={server.username}"
        f"{password}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nauth_type = trust\nauth_file = {tmp_path / 'users.txt'}\n"
        "pool_mode = transaction\ndefault_pool_size = 1\nunix_socket_dir =\n"
        "ignore_startup_parameters = extra_float_digits,options\n")
    os.chmod(tmp_path, 0o755)
    if os.geteuid() == 0:
        for path in (tmp_path, *tmp_path.iterdir()):
            shutil.chown(path, "nobody")
    cmd = [binary, *(["-u", "nobody"] if os.geteuid() == 0 else []), str(tmp_path / "pgbouncer.ini")]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"pgbouncer did not start: {proc.stdout.read().decode()[-1000:]}")
                time.sleep(0.1)
        yield f"postgresql://{server.username}@127.0.0.1:{port}/app"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _alternate(url: str) -> None:
    """Two client connections take turns on PgBouncer's single server connection, each running
    the same statement often enough for psycopg to prepare it."""
    engine = make_engine(url, pool_size=2)
    try:
        first, second = engine.connect(), engine.connect()
        for n in range(8):
            for conn in (first, second):
                assert conn.execute(text("SELECT :n + 1"), {"n": n}).scalar() == n + 1
                conn.commit()
        first.close()
        second.close()
    finally:
        engine.dispose()


def test_transaction_pooling_works_with_the_flag(bouncer):
    _alternate(bouncer + "?pgbouncer=transaction")


def test_without_the_flag_prepared_statements_collide(bouncer):
    """What the flag prevents: proof that the test above can fail. In a child process: the
    collision raised from psycopg's C extension leaves CPython 3.11's parser recursion counter
    unbalanced, which would break every later import (assertion rewriting) in this worker."""
    child = subprocess.run([sys.executable, "-c", "import sys; from tests.integration.db.test_pgbouncer import "
                            "_alternate; _alternate(sys.argv[1])", bouncer],
                           capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert child.returncode != 0 and "prepared statement" in child.stderr, child.stderr[-2000:]


def test_an_unknown_pooling_mode_is_refused():
    with pytest.raises(ValueError, match="only 'transaction'"):
        make_engine("postgresql://u@127.0.0.1:1/db?pgbouncer=statement")
