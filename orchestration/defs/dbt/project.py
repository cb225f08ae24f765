"""Where the dbt project lives, and the step that makes its manifest current.

Nothing here runs at import: Dagster imports the code location just to list definitions, and
an import that spawned `dbt parse` (seconds, a lock, files under target/) made every import
slow and surprising. `ensure_manifest()` is called when the definitions are *loaded*
(orchestration/defs/dbt/definitions.py), which is the step that needs the manifest.
"""

from __future__ import annotations

import fcntl
import sys
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"
_SOURCES = ("dbt_project.yml", "models", "macros", "seeds", "tests")

# dbt is installed beside this interpreter. Naming the executable, rather than prepending the
# venv to PATH, keeps `.venv/bin/tourstack demo` working without an activated venv and leaves
# the process environment alone.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")

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


def dbt_cli() -> DbtCliResource:
    """The dbt resource the dbt assets run with."""
    return DbtCliResource(project_dir=dbt_project, profiles_dir=str(dbt_project.profiles_dir),
                          dbt_executable=DBT_EXECUTABLE)


def ensure_manifest() -> Path:
    """`dbt parse` when the manifest is missing or older than the project's files.

    Parsing touches no database (dbt_project.yml turns dbt's usage statistics off). A lock
    keeps concurrent loaders (test workers, the webserver and the daemon) from writing the
    manifest at the same time.
    """
    manifest = dbt_project.manifest_path
    manifest.parent.mkdir(parents=True, exist_ok=True)
    with open(manifest.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime():
            dbt_cli().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
    return manifest
