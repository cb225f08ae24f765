"""Where the dbt project lives, and a manifest that exists before Dagster lists the models."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from dagster_dbt import DbtProject

DBT_PROJECT_DIR = Path(__file__).resolve().parents[3] / "dbt_project"

os.environ.setdefault("DO_NOT_TRACK", "1")
# dbt is installed beside this interpreter; make it findable when the venv is not activated
# (`.venv/bin/tourstack demo`), for dagster-dbt's preparer as well as for the dbt resource.
_BIN = str(Path(sys.executable).parent)
if _BIN not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _BIN + os.pathsep + os.environ.get("PATH", "")

# No target here: profiles.yml picks it from DBT_TARGET, which the warehouse resource sets at
# run time, so one code location serves DuckDB and PostgreSQL.
dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def ensure_manifest() -> Path:
    """`dbt parse` once when no manifest exists (a fresh clone); it touches no database."""
    if not dbt_project.manifest_path.exists():
        dbt_project.preparer.prepare(dbt_project)
    else:
        dbt_project.prepare_if_dev()
    return dbt_project.manifest_path
