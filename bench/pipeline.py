"""Pipeline benchmark: seed, full refresh (ingest + raw checks + dbt build) and an incremental
refresh after 1% of bookings change, at several scales, on DuckDB and PostgreSQL.

    python -m bench.pipeline --scales 100000 1000000 --warehouses duckdb postgres --runs 3

Targets (issue #2): full 1M-booking refresh on DuckDB under 60 s of pipeline time on 2 cores,
incremental refresh under 10 s. Each figure is the median of --runs runs; results are written
to bench/results/pipeline-<date>.json and printed as the Markdown table kept in
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import time
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = os.environ.get("TOURSTACK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
AS_OF = dt.date(2026, 6, 30)
TARGETS = {"full_refresh_1m_duckdb_s": 60, "incremental_s": 10}


def _pg_database(name: str) -> str:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def _phases(instance, run_id: str) -> dict[str, float]:
    """Seconds per phase, from Dagster's own step statistics."""
    phases = {"ingest": 0.0, "raw_checks": 0.0, "dbt": 0.0}
    for step in instance.get_run_step_stats(run_id):
        took = (step.end_time or 0) - (step.start_time or 0)
        if "great_expectations" in step.step_key:
            phases["raw_checks"] += took
        elif step.step_key.startswith("raw__"):
            phases["ingest"] += took
        else:
            phases["dbt"] += took
    return phases


def _run(operational_url: str, warehouse: dict, full_refresh: bool) -> dict:
    from dagster import DagsterInstance

    from orchestration.defs.resources import OperationalDatabase, WarehouseResource
    from orchestration.run import materialize_platform

    instance = DagsterInstance.ephemeral()
    started = time.perf_counter()
    result = materialize_platform(
        full_refresh=full_refresh,
        resources={"operational_db": OperationalDatabase(url=operational_url),
                   "warehouse": WarehouseResource(**warehouse)},
        instance=instance,
        log_level="WARNING",
    )
    wall = time.perf_counter() - started
    return {"wall_s": wall, **_phases(instance, result.run_id)}


def _touch_one_percent(operational_url: str, round_no: int) -> int:
    """Change 1% of bookings (and their payments' status timestamps) as the CRM would."""
    from sqlalchemy import text

    from tourstack.db.engine import make_engine

    engine = make_engine(operational_url)
    now = dt.datetime.now(dt.UTC)
    stamp = now.replace(tzinfo=None).isoformat(sep=" ") if engine.dialect.name == "sqlite" else now
    with engine.begin() as conn:
        changed = conn.execute(
            text("UPDATE bookings SET travellers = travellers + 1, updated_at = :t"
                 " WHERE id % 100 = :r"), {"t": stamp, "r": round_no % 100}).rowcount
        conn.execute(
            text("UPDATE payments SET updated_at = :t WHERE booking_id % 100 = :r"),
            {"t": stamp, "r": round_no % 100})
    engine.dispose()
    return changed


def _median(runs: list[dict]) -> dict:
    return {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}


def bench_scale(scale: int, warehouse_kind: str, runs: int) -> dict:
    from tourstack.demo import seed

    WORK.mkdir(parents=True, exist_ok=True)
    if warehouse_kind == "duckdb":
        op_file = WORK / f"operational-{scale}.db"
        op_file.unlink(missing_ok=True)
        operational_url = f"sqlite:///{op_file}"
        wh_path = WORK / f"warehouse-{scale}.duckdb"
        wh_path.unlink(missing_ok=True)
        warehouse = {"kind": "duckdb", "duckdb_path": str(wh_path)}
    else:
        operational_url = _pg_database(f"ts_bench_op_{scale}")
        warehouse = {"kind": "postgres", "postgres_url": _pg_database(f"ts_bench_wh_{scale}")}

    from tourstack.db.migrate import upgrade

    upgrade(operational_url)
    started = time.perf_counter()
    counts = seed(operational_url, scale, seed=7, as_of=AS_OF, progress=True, reset=True)
    seed_s = time.perf_counter() - started

    full = [_run(operational_url, warehouse, full_refresh=True) for _ in range(runs)]
    incremental = []
    for round_no in range(runs):
        _touch_one_percent(operational_url, round_no)
        incremental.append(_run(operational_url, warehouse, full_refresh=False))
    return {
        "scale_bookings": scale,
        "warehouse": warehouse_kind,
        "operational_db": "sqlite" if warehouse_kind == "duckdb" else "postgresql",
        "rows_seeded": sum(counts.values()),
        "seed_s": round(seed_s, 2),
        "full_refresh": _median(full),
        "incremental_1pct": _median(incremental),
        "runs": runs,
    }


def markdown(results: list[dict], machine: dict) -> str:
    lines = [
        f"Measured {machine['date']} on {machine['machine']} ({machine['cores']} cores), "
        f"median of {results[0]['runs']} runs per figure; times in seconds.",
        "",
        "| bookings | warehouse (operational DB) | rows seeded | seed | full refresh wall | "
        "ingest | raw checks | dbt build | incremental wall | incr. ingest | incr. dbt |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        f, i = r["full_refresh"], r["incremental_1pct"]
        lines.append(
            f"| {r['scale_bookings']:,} | {r['warehouse']} ({r['operational_db']}) | "
            f"{r['rows_seeded']:,} | {r['seed_s']} | {f['wall_s']} | {f['ingest']} | "
            f"{f['raw_checks']} | {f['dbt']} | {i['wall_s']} | {i['ingest']} | {i['dbt']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--warehouses", nargs="+", default=["duckdb", "postgres"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

    machine = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.processor() or platform.machine()}, {platform.system()}",
        "cores": os.cpu_count(),
        "python": platform.python_version(),
    }
    results = [bench_scale(scale, kind, args.runs) for scale in args.scales for kind in args.warehouses]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"pipeline-{machine['date']}-{uuid.uuid4().hex[:6]}.json"
    out.write_text(json.dumps({"machine": machine, "targets": TARGETS, "results": results}, indent=2))
    print(markdown(results, machine))
    print(f"\nraw results: {out}")


if __name__ == "__main__":
    main()
