"""Dashboard load time in a real headless Chromium, and a screenshot of every page.

    .venv/bin/python -m bench.dashboard_load                    # var/warehouse.duckdb, or the tiny demo
    .venv/bin/python -m bench.dashboard_load --warehouse path/to/warehouse.duckdb --runs 5

Each dashboard is written from the warehouse, served from a local HTTP server on 127.0.0.1 (as the
API or a file share would serve it) and opened in the system Chromium: `--cold` loads with the
browser cache emptied, then `--runs` warm reloads. The time measured is the page's own
`dashboard-ready` mark: from navigation start until every plotly graph has drawn. Target: the
executive dashboard under 2 s. Screenshots land in docs/screenshots/<name>.png; results in
bench/results/dashboard_load-<timestamp>.json, and a Markdown table is printed. Two shared cores
make single loads noisy: compare medians, and note the load average printed with them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import json
import os
import platform
import statistics
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench" / "dashboards"
RESULTS = ROOT / "bench" / "results"
SCREENSHOTS = ROOT / "docs" / "screenshots"
TARGETS = {"executive_ready_ms": 2000}


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:  # noqa: D102 - no access log on the console
        pass


@contextlib.contextmanager
def serve(folder: Path):
    """A static server on 127.0.0.1 (an ephemeral port), stopped on exit."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def tiny_warehouse() -> Path:
    """The tiny demo warehouse under var/bench/, built once (about a minute on two cores)."""
    from tests.pipeline_helpers import run_pipeline, seed_tiny
    from tourstack.db.migrate import upgrade

    folder = WORK / "tiny"
    path = folder / "warehouse.duckdb"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'operational.db'}"
    upgrade(url)
    seed_tiny(url)
    saved = {k: os.environ.get(k) for k in ("DBT_TARGET", "TOURSTACK_DUCKDB_PATH")}
    os.environ.update({"DBT_TARGET": "duckdb", "TOURSTACK_DUCKDB_PATH": str(path)})
    try:
        result = run_pipeline(url, duckdb_path=str(path), full_refresh=True)
    finally:
        for key, value in saved.items():
            os.environ.pop(key, None) if value is None else os.environ.__setitem__(key, value)
    if not result.success:
        raise SystemExit("building the tiny warehouse failed")
    return path


def summarise(name: str, loads, page: Path, cold: int) -> dict:
    cold_ms = [x.ready_ms for x in loads[:cold] if x.ready_ms is not None]
    warm_ms = [x.ready_ms for x in loads[cold:] if x.ready_ms is not None]
    last = loads[-1]
    return {
        "dashboard": name, "graphs": last.drawn, "page_kb": round(page.stat().st_size / 1024, 1),
        "cold_median_ms": round(statistics.median(cold_ms), 1) if cold_ms else None,
        "warm_median_ms": round(statistics.median(warm_ms), 1) if warm_ms else None,
        "warm_min_ms": round(min(warm_ms), 1) if warm_ms else None,
        "warm_max_ms": round(max(warm_ms), 1) if warm_ms else None,
        "all_ready": all(x.state == "true" for x in loads),
        "external_requests": sorted({u for x in loads for u in x.external_requests}),
    }


def table(rows: list[dict]) -> str:
    lines = ["| dashboard | graphs | page KB | cold median ms | warm median ms | warm min–max ms |",
             "|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['dashboard']} | {r['graphs']} | {r['page_kb']} | {r['cold_median_ms']} |"
                     f" {r['warm_median_ms']} | {r['warm_min_ms']}–{r['warm_max_ms']} |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--warehouse", type=Path, default=None,
                    help="DuckDB file (default: var/warehouse.duckdb, else the tiny demo)")
    ap.add_argument("--runs", type=int, default=5, help="warm loads per dashboard")
    ap.add_argument("--cold", type=int, default=3, help="cold loads (cache emptied) per dashboard")
    ap.add_argument("--no-screenshots", action="store_true")
    args = ap.parse_args()

    import duckdb

    from reports.render.png import chromium_path
    from reports.dashboards import DASHBOARDS, write_dashboards
    from reports.dashboards.browser import load_pages

    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("no Chromium on this machine")
    default = ROOT / "var" / "warehouse.duckdb"
    warehouse = args.warehouse or (default if default.exists() else tiny_warehouse())
    out = WORK / "pages"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        bookings = con.execute("select count(*) from marts.kpi_bookings").fetchone()[0]
        write_dashboards(con, out)
    load_before = os.getloadavg()
    shots = None if args.no_screenshots else [SCREENSHOTS / f"{n}.png" for n in DASHBOARDS]
    with serve(out) as base:
        results = load_pages(chromium, [f"{base}/{n}.html" for n in DASHBOARDS],
                             cold=args.cold, warm=args.runs, screenshots=shots, timeout=120)
    load_after = os.getloadavg()
    rows = [summarise(n, loads, out / f"{n}.html", args.cold) for n, loads in zip(DASHBOARDS, results)]
    print(table(rows))
    executive = rows[0]
    met = {"executive_ready_ms": (executive["cold_median_ms"] or 1e9) < TARGETS["executive_ready_ms"]
           and (executive["warm_median_ms"] or 1e9) < TARGETS["executive_ready_ms"]}
    print(f"\nwarehouse: {warehouse} ({bookings} bookings); cold x{args.cold}, warm x{args.runs}")
    print(f"load average (1/5/15 min) before {load_before}, after {load_after}; cpus {os.cpu_count()}")
    print(f"targets: {TARGETS}\nmet: {met}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    RESULTS.mkdir(parents=True, exist_ok=True)
    payload = {"benchmark": "dashboard_load", "at": stamp, "cpus": os.cpu_count(),
               "python": platform.python_version(), "warehouse": str(warehouse),
               "bookings": bookings, "cold_runs": args.cold, "warm_runs": args.runs,
               "load_average_before": load_before, "load_average_after": load_after,
               "targets": TARGETS, "met": met, "summary": rows,
               "runs": {n: [x.ready_ms for x in loads] for n, loads in zip(DASHBOARDS, results)}}
    target = RESULTS / f"dashboard_load-{stamp}.json"
    target.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"results: {target.relative_to(ROOT)}")
    if shots:
        print(f"screenshots: {SCREENSHOTS.relative_to(ROOT)}/<name>.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
