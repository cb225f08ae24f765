"""The production topology, started locally for the load test: a private PostgreSQL cluster with
pg_stat_statements, PgBouncer in transaction pooling, N uvicorn API processes, and nginx in front
of them as the load balancer. Redis is the machine's own (a database number of its own).

Why a private PostgreSQL cluster: pg_stat_statements must be in `shared_preload_libraries`,
which only a server start sets; restarting the shared server would break whatever else runs on
it. Why one uvicorn process per port rather than `--workers`: nginx then balances across them
and takes a failing one out (passive health checks: `max_fails`, `proxy_next_upstream`), which is
what a load balancer in front of API replicas does.

Every process is started here and stopped on exit, its output in the run's directory.
PostgreSQL refuses to run as root and PgBouncer's `-u` drops to `nobody`, so as root the cluster
runs as the `postgres` user (Debian's packages create it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


class TopologyError(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.2)
    raise TopologyError(f"{what} did not listen on 127.0.0.1:{port} within {timeout:.0f} s")


def _pg_bin(name: str) -> str:
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    if found:
        return str(found[-1])
    if path := shutil.which(name):
        return path
    raise TopologyError(f"{name} not found: install Debian's postgresql")


def _as_postgres(cmd: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


@dataclass
class Topology:
    root: Path
    api_processes: int = 2
    redis_url: str = "redis://127.0.0.1:6379/7"
    pg_port: int = field(default_factory=free_port)
    bouncer_port: int = field(default_factory=free_port)
    nginx_port: int = field(default_factory=free_port)
    api_ports: list[int] = field(default_factory=list)
    metrics_token: str = "load-test-metrics"
    _procs: list[tuple[str, subprocess.Popen]] = field(default_factory=list)

    @property
    def direct_url(self) -> str:
        return f"postgresql://tourstack@127.0.0.1:{self.pg_port}/tourstack"

    @property
    def pooled_url(self) -> str:
        return f"postgresql://tourstack@127.0.0.1:{self.bouncer_port}/tourstack?pgbouncer=transaction"

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.nginx_port}"

    # --- PostgreSQL --------------------------------------------------------------------------
    def start_postgres(self) -> None:
        data = self.root / "pgdata"
        data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.root, "postgres")
            shutil.chown(data, "postgres")
        subprocess.run(_as_postgres([_pg_bin("initdb"), "-D", str(data), "-A", "trust", "-U", "tourstack",
                                     "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
        options = (f"-p {self.pg_port} -k {data} -c listen_addresses=127.0.0.1 -c max_connections=200 "
                   "-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=top "
                   "-c shared_buffers=256MB")
        subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-l", str(self.root / "postgres.log"),
                                     "-o", options, "-w", "start"]), check=True, capture_output=True)
        self._pg_data = data
        subprocess.run(_as_postgres([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.pg_port),
                                     "-U", "tourstack", "tourstack"]), check=True, capture_output=True)

    def stop_postgres(self) -> None:
        if getattr(self, "_pg_data", None) is not None:
            subprocess.run(_as_postgres([_pg_bin("pg_ctl"), "-D", str(self._pg_data), "-m", "fast", "stop"]),
                           capture_output=True)
            self._pg_data = None

    # --- PgBouncer ---------------------------------------------------------------------------
    def start_pgbouncer(self, pool_size: int = 20) -> None:
        binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        if not Path(binary).exists():
            raise TopologyError("pgbouncer not found: apt-get install pgbouncer")
        conf_dir = self.root / "pgbouncer"
        conf_dir.mkdir()
        (conf_dir / "userlist.txt").write_text('"tourstack" ""\n')
        (conf_dir / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"tourstack = host=127.0.0.1 port={self.pg_port} dbname=tourstack user=tourstack\n"
            "[pgbouncer]\n"
            f"listen_addr = 127.0.0.1\nlisten_port = {self.bouncer_port}\n"
            f"auth_type = trust\nauth_file = {conf_dir / 'userlist.txt'}\n"
            f"pool_mode = transaction\ndefault_pool_size = {pool_size}\nmax_client_conn = 2000\n"
            f"unix_socket_dir =\nlogfile = {conf_dir / 'pgbouncer.log'}\npidfile = {conf_dir / 'pgbouncer.pid'}\n"
            "ignore_startup_parameters = extra_float_digits,options\n")
        if os.geteuid() == 0:
            os.chmod(self.root, 0o755)
            for path in (conf_dir, *conf_dir.iterdir()):
                shutil.chown(path, "nobody")
        cmd = [binary, *(["-u", "nobody"] if os.geteuid() == 0 else []), str(conf_dir / "pgbouncer.ini")]
        self._spawn("pgbouncer", cmd)
        _wait_port(self.bouncer_port, "PgBouncer")

    # --- the API -----------------------------------------------------------------------------
    def start_api(self, extra_env: dict[str, str] | None = None) -> None:
        env = {**os.environ, "TOURSTACK_DATABASE_URL": self.pooled_url, "TOURSTACK_REDIS_URL": self.redis_url,
               "TOURSTACK_API_CACHE": "true", "TOURSTACK_API_CACHE_PREFIX": f"tourstack:load:{self.nginx_port}",
               "TOURSTACK_METRICS_TOKEN": self.metrics_token,
               **(extra_env or {})}
        for n in range(self.api_processes):
            port = free_port()
            self.api_ports.append(port)
            self._spawn(f"api-{n}", [sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
                                     "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
                                     "--log-level", "warning"], env=env)
        for port in self.api_ports:
            _wait_port(port, "the API", timeout=120)

    # --- nginx -------------------------------------------------------------------------------
    def start_nginx(self) -> None:
        binary = shutil.which("nginx") or "/usr/sbin/nginx"
        if not Path(binary).exists():
            raise TopologyError("nginx not found: apt-get install nginx-light")
        conf_dir = self.root / "nginx"
        conf_dir.mkdir()
        servers = "\n".join(f"    server 127.0.0.1:{p} max_fails=3 fail_timeout=5s;" for p in self.api_ports)
        (conf_dir / "nginx.conf").write_text(f"""
worker_processes 1;
pid {conf_dir}/nginx.pid;
error_log {conf_dir}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  access_log off;
  client_body_temp_path {conf_dir}/body;
  proxy_temp_path {conf_dir}/proxy;
  fastcgi_temp_path {conf_dir}/fastcgi;
  uwsgi_temp_path {conf_dir}/uwsgi;
  scgi_temp_path {conf_dir}/scgi;
  upstream api {{
{servers}
    keepalive 64;
  }}
  server {{
    listen 127.0.0.1:{self.nginx_port} backlog=4096;
    location / {{
      proxy_pass http://api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_next_upstream error timeout http_502 http_503;
      proxy_read_timeout 60s;
    }}
  }}
}}
""")
        if os.geteuid() == 0:
            os.chmod(conf_dir, 0o777)
        self._spawn("nginx", [binary, "-c", str(conf_dir / "nginx.conf"), "-g", "daemon off;"])
        _wait_port(self.nginx_port, "nginx")

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], env: dict[str, str] | None = None) -> None:
        log = open(self.root / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
        self._procs.append((name, proc))
        time.sleep(0.2)
        if proc.poll() is not None:
            raise TopologyError(f"{name} exited at once: see {self.root / f'{name}.log'}")

    def stop(self) -> None:
        for _, proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
        for _, proc in reversed(self._procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
        self._procs.clear()
        self.stop_postgres()


@contextlib.contextmanager
def topology(root: Path, api_processes: int, redis_url: str) -> Iterator[Topology]:
    topo = Topology(root, api_processes=api_processes, redis_url=redis_url)
    try:
        yield topo
    finally:
        topo.stop()
