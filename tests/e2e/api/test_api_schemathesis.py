"""The whole API fuzzed from its own OpenAPI schema by Schemathesis, as an outside tester does.

A real server (uvicorn on 127.0.0.1) over the tiny demo seeded into PostgreSQL, configured as
production is (a warehouse for the reports, an OpenAI endpoint for the AI routes: the loopback
fake), fuzzed with `schemathesis run --checks all` and a fixed seed, once with an admin key and
once with an agent key, 30 examples per operation.

- Zero server errors: any 5xx fails the test. There is no allowance for them.
- Every other failed check must be listed, with its reason, in docs/api.md ("Schema
  conformance"); a failure that is not listed fails the test, so a new one is either fixed or
  explained where API users read.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

import psycopg
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.postgres,
              pytest.mark.xdist_group("api_fuzz")]

ROOT = Path(__file__).resolve().parents[3]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
SEED = 19
EXAMPLES = 30
_LISTED = re.compile(r"^\|\s*(ST\d{3})\s*\|\s*`?([A-Z]+ [^\s`]+|\*)`?\s*\|")


def listed_failures() -> set[tuple[str, str]]:
    """(code, operation) pairs docs/api.md explains; operation `*` stands for every one."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("## Schema conformance", 1)[1].split("\n## ", 1)[0]
    return {(m.group(1), m.group(2)) for line in section.splitlines() if (m := _LISTED.match(line))}


@contextmanager
def served(role: str, pg_admin_url: str, tiny_warehouse, home: Path):
    """A server on its own copy of the tiny demo, so the admin's writes never change what the
    agent's run meets: each run is reproducible from its seed alone."""
    from sqlalchemy import select

    from api.app import create_app
    from api.routes.reports import get_report_source
    from tests import factories as f
    from tests.fakes.asgi_server import ThreadedServer
    from tests.fakes.openai_server import FakeOpenAI
    from tests.pipeline_helpers import seed_tiny
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.migrate import upgrade
    from tourstack.db.models import Agency
    from reports.builder import ReportSource
    from tourstack.settings import Settings

    name = f"ts_fuzz_{role}_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = f"{pg_admin_url.rpartition('/')[0]}/{name}"
    engine = make_engine(url)
    try:
        upgrade(url)
        seed_tiny(url)
        sessions = make_sessionmaker(engine)
        with sessions() as s:
            agency = s.scalar(select(Agency).where(Agency.code == "AG0001"))
            key = f.make_api_key(s, role, agency=agency if role == "agent" else None)[0]
            s.commit()
        with FakeOpenAI(delay_s=0.1) as openai:
            settings = Settings(database_url=url, home=home, openai_api_key="sk-test",
                                openai_base_url=openai.base_url, openai_max_retries=0,
                                duckdb_path=tiny_warehouse.duckdb_path,
                                semantic_manifest=tiny_warehouse.semantic_manifest)
            app = create_app(settings=settings, sessionmaker=sessions)
            source = ReportSource("duckdb", tiny_warehouse.semantic_manifest,
                                  duckdb_path=tiny_warehouse.duckdb_path)
            app.dependency_overrides[get_report_source] = lambda: source
            with ThreadedServer(app) as server:
                yield server.url, key
    finally:
        engine.dispose()
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fuzz(base_url: str, key: str, report_dir: Path) -> dict:
    report_dir.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(SCHEMATHESIS), "run", f"{base_url}/api/v1/openapi.json", "--checks", "all",
         "--max-examples", str(EXAMPLES), "--seed", str(SEED), "--generation-deterministic",
         "--phases", "examples,coverage,fuzzing", "--workers", "1",
         "--continue-on-failure", "--request-timeout", "30", "--no-color",
         "-H", f"Authorization: Bearer {key}", "--report", "json", "--report-dir", str(report_dir)],
        capture_output=True, text=True, timeout=1200, cwd=report_dir)
    reports = sorted(report_dir.glob("json-*.json"))
    assert reports, f"schemathesis wrote no report (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    report = json.loads(reports[-1].read_text())
    report["stdout"] = done.stdout
    (report_dir / "output.txt").write_text(done.stdout)  # the failures in full, to read after a red run
    return report


@pytest.fixture(scope="module")
def reports(pg_admin_url, tiny_warehouse, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("schemathesis")
    with ExitStack() as stack:
        # seeded one after the other, fuzzed at the same time (two CLI processes)
        servers = {role: stack.enter_context(served(role, pg_admin_url, tiny_warehouse, out / f"{role}-home"))
                   for role in ("admin", "agent")}
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {role: pool.submit(_fuzz, base_url, key, out / role)
                       for role, (base_url, key) in servers.items()}
            return {role: future.result() for role, future in futures.items()}


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_no_server_error_anywhere(reports, role):
    report = reports[role]
    assert report["complete"] and not report["errors"], report["stdout"][-4000:]
    assert report["operations"]["tested"] >= 80
    assert report["test_cases"]["generated"] > 3000
    server_errors = [f for f in report["failures"] if f["code"] == "ST101"]
    assert not server_errors, "\n".join(server_errors[0]["operations"]) + "\n" + _excerpt(report["stdout"], "ST101")


@pytest.mark.parametrize("role", ["admin", "agent"])
def test_every_other_failure_is_listed_in_the_api_docs(reports, role):
    listed = listed_failures()
    unexplained = sorted(
        f"{failure['code']} {failure['title']}: {operation}"
        for failure in reports[role]["failures"] if failure["code"] != "ST101"
        for operation in failure["operations"]
        if (failure["code"], operation) not in listed and (failure["code"], "*") not in listed
    )
    assert not unexplained, ("fix these or explain them in docs/api.md, Schema conformance:\n"
                             + "\n".join(unexplained))


def test_the_docs_list_no_server_errors():
    assert not any(code == "ST101" for code, _ in listed_failures())


def _excerpt(stdout: str, code: str) -> str:
    at = stdout.find(code)
    return stdout[max(0, at - 1500): at + 2500] if at >= 0 else stdout[-3000:]
