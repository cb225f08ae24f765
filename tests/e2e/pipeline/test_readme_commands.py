"""The README's commands, run as written against the tiny demo: a reader who copies one must
get what the README says, not a traceback or "no agency with code 'AG001'".

Every `tourstack ...` line of a ```bash block is run as a subprocess of the installed CLI, in a
folder holding the files the examples name (T.csv, R.csv, problem.json). Only the commands that
start long-running servers or rebuild the whole demo are left out, each with its reason below;
the test fails if the README gains a command it neither runs nor lists.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]

README = Path(__file__).resolve().parents[3] / "README.md"
CLI = Path(sys.executable).parent / "tourstack"
NOT_RUN = {
    "demo": "rebuilds everything; the pipeline e2e tests cover it, and the README's only copy runs on PostgreSQL",
    "serve": "a server that never exits; the curl example below runs against the same app",
    "ui": "a server that never exits",
    "docs": "a server that never exits",
}


def readme_commands() -> list[str]:
    """Shell lines of the README's bash blocks, continuation lines joined, comments dropped."""
    commands = []
    for block in re.findall(r"```bash\n(.*?)```", README.read_text(encoding="utf-8"), flags=re.S):
        for line in re.sub(r"\\\n\s*", " ", block).splitlines():
            line = line.split("   #")[0].split("  #")[0].strip()
            if line:
                commands.append(line)
    return commands


def _tourstack_args(line: str) -> list[str] | None:
    words = shlex.split(line)
    if words and words[0] in ("tourstack", ".venv/bin/tourstack"):
        return words[1:]
    return None


@pytest.fixture(scope="module")
def workdir(tiny_warehouse, tmp_path_factory):
    from tourstack.reconcile.synthetic import generate, write_csv

    work = tmp_path_factory.mktemp("readme")
    shutil.copyfile(tiny_warehouse.operational_db, work / "operational.db")
    transactions, receivables = write_csv(generate(300, seed=5), work / "synthetic")
    transactions.rename(work / "T.csv")
    receivables.rename(work / "R.csv")
    (work / "problem.json").write_text(json.dumps(
        {"durations": [[0, 30, 25, 40], [30, 0, 20, 35], [25, 20, 0, 15], [40, 35, 15, 0]], "start": 0,
         "end": None}))
    env = {**os.environ, "TOURSTACK_HOME": str(work / "home"),
           "TOURSTACK_DATABASE_URL": f"sqlite:///{work / 'operational.db'}",
           "TOURSTACK_WAREHOUSE": "duckdb", "TOURSTACK_DUCKDB_PATH": str(tiny_warehouse.duckdb_path),
           "TOURSTACK_SEMANTIC_MANIFEST": str(tiny_warehouse.semantic_manifest)}
    env.pop("TOURSTACK_OPENAI_API_KEY", None)
    return work, env


def _run(args: list[str], work: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(CLI), *args], cwd=work, env=env, capture_output=True, text=True, timeout=300)


def test_every_tourstack_command_in_the_readme_runs_as_written(workdir):
    work, env = workdir
    ran, skipped = [], []
    for line in readme_commands():
        args = _tourstack_args(line)
        if args is None:
            continue
        if args and args[0] in NOT_RUN:
            skipped.append(args[0])
            continue
        if "reports/definitions/" in line:  # the README runs them from the repository root
            args = [str(README.parent / a) if a.startswith("reports/") else a for a in args]
        done = _run(args, work, env)
        assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr, line
        ran.append(line)
    assert len(ran) >= 8, ran  # the parser found the examples (9 when written)
    assert (work / "ar.xlsx").stat().st_size > 0 and (work / "revenue.pdf").read_bytes().startswith(b"%PDF")
    assert any((work / "out").iterdir())
    assert set(skipped) <= set(NOT_RUN)


def test_the_agent_key_example_lists_that_agencys_bookings(workdir):
    from api.app import create_app
    from tests.fakes.asgi_server import ThreadedServer
    from tourstack.settings import Settings

    work, env = workdir
    lines = readme_commands()
    create = next(ln for ln in lines if "apikey create" in ln and "--role agent" in ln)
    curl = next(ln for ln in lines if ln.startswith("curl") and "/api/v1/bookings" in ln)
    done = _run(_tourstack_args(create), work, env)
    assert done.returncode == 0, done.stderr
    key = done.stdout.strip()  # the key alone on stdout, as the README's <key>
    assert key and "\n" not in key, done.stdout
    words = shlex.split(curl)
    header = words[words.index("-H") + 1].replace("<key>", key)
    url = words[-1]
    app = create_app(settings=Settings(database_url=env["TOURSTACK_DATABASE_URL"]))
    with ThreadedServer(app) as server:
        name, value = header.split(": ", 1)
        response = httpx.get(url.replace("http://127.0.0.1:8000", server.url), headers={name: value})
    assert response.status_code == 200, response.text
    body = response.json()
    items = body["items"] if isinstance(body, dict) else body
    assert items, "agency AG0001 of the tiny demo has bookings"
    with sqlite3.connect(work / "operational.db") as con:
        (agency_id,) = con.execute("SELECT id FROM agencies WHERE code = 'AG0001'").fetchone()
    assert {item["agency_id"] for item in items} == {agency_id}
