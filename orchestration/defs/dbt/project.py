"""Where the dbt project lives, and a manifest that is current before Dagster lists the models."""

from __future__ import annotations

import fcntl
import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "tests")

os.environ.setdefault("DO_NOT_TRACK", "1")
# dbt is installed beside this interpreter; make it findable when the venv is not activated
# (`.venv/bin/tourstack demo`), for dagster-dbt's preparer as well as for the dbt resource.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

# No target here: profiles.yml picks it from DBT_TARGET, which the warehouse resource sets at
# run time, so one code location serves DuckDB and PostgreSQL.
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def _newest_source_mtime() -> float:
    newest = 0.0
    for name in _SOURCES:
        root = DBT_PROJECT_DIR / name
        paths = [root] if root.is_file() else root.rglob("*") if root.exists() else []
        newest = max([newest, *(p.stat().st_mtime for p in paths if p.is_file())])
    return newest


def ensure_manifest() -> Path:
    """`dbt parse` when the manifest is missing or older than the project's files.

    Parsing touches no database. A lock keeps concurrent loaders (test workers, the webserver
    and the daemon) from writing the manifest at the same time.
    """
    manifest = dbt_project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
            dbt_project.preparer.prepare(dbt_project)
    return manifest
