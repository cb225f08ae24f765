"""The semantic manifest that fits the configured warehouse.

Why not just dbt_project/target/semantic_manifest.json: the manifest names the database, which
differs per dbt target (the DuckDB file's stem, or the PostgreSQL database), and the shared one
is whatever target was parsed last. This parses once per warehouse kind into its own target
folder, with the warehouse resource's dbt environment, and again only when the dbt project
changes. Parsing touches no database.
"""

# No `from __future__ import annotations`: imported by a Dagster module.
import fcntl
import os
import subprocess
import sys
from pathlib import Path

from orchestration.defs.dbt.project import DBT_PROJECT_DIR, _newest_source_mtime
from orchestration.defs.resources import WarehouseResource


def semantic_manifest_for(warehouse: WarehouseResource) -> Path:
    target = DBT_PROJECT_DIR / "target" / f"reporting-{warehouse.kind}"
    target.mkdir(parents=True, exist_ok=True)
    manifest = target / "semantic_manifest.json"
    env = {**os.environ, **warehouse.dbt_env(), "DO_NOT_TRACK": "1"}
    stamp = target / ".env"
    wanted = f"{env.get('TOURSTACK_PG_DBNAME', '')}|{env.get('TOURSTACK_DUCKDB_PATH', '')}"
    with open(target / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        fresh = (manifest.exists() and manifest.stat().st_mtime >= _newest_source_mtime()
                 and stamp.exists() and stamp.read_text() == wanted)
        if not fresh:
            dbt = Path(sys.executable).parent / "dbt"
            done = subprocess.run(
                [str(dbt), "parse", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
                 "--target-path", str(target), "--log-path", str(target / "logs"), "--quiet"],
                env=env, capture_output=True, text=True, timeout=300,
            )
            if done.returncode != 0 or not manifest.exists():
                raise RuntimeError(f"dbt parse failed for the {warehouse.kind} warehouse: "
                                   f"{(done.stdout + done.stderr).strip()[-500:]}")
            stamp.write_text(wanted)
    return manifest
