"""Load test of the API in its production topology: `python -m bench.load`.

Starts the topology (bench/load_topology.py: PostgreSQL with pg_stat_statements, PgBouncer in
transaction pooling, N uvicorn processes, nginx), seeds the operational database, and runs the
locust scenarios of bench/locustfile.py headless:

0. the floor: the same users on `/health/live` (no database, no cache) for `--floor-seconds`,
   through the same nginx and API processes, so a loaded machine shows in the floor too;
1. the sustained run: `--users` for `--seconds` (the issue's 1,000 users for 10 minutes, each
   thinking `--think` seconds on average between requests: about 100 requests a second);
2. the PDF spike: `--pdf-users` concurrent itinerary PDFs for `--pdf-seconds`;
3. `--steps` (default 1,500, 2,000, 3,000, 4,000 users), `--step-seconds` each: the capacity curve,
   so the request rate at which p95 crosses 200 ms can be read off. It stops after the first step
   past 200 ms, and it runs last because an overloaded step leaves queues that take minutes to
   drain.

It prints one JSON object with `users, rps, p50_ms, p95_ms, p99_ms, failures, cache_hit_rate,
db_p95_ms, pdf_p95_ms, floor_p95_ms` (the sustained run, the spike's p95, the floor's p95), the steps, the slowest statements
from pg_stat_statements, and the machine; the same goes to bench/results/load-*.json.

Where the numbers come from: latencies and failures from locust (client side, through nginx);
the cache hit rate and the DB p95 from the API processes' own `/metrics` (scraped from each
process before and after the run, the difference taken; the DB p95 interpolated inside the
histogram's buckets as Prometheus' histogram_quantile does); slow statements from
pg_stat_statements, reset before the sustained run.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench.load_topology import Topology, topology

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
LOCUSTFILE = ROOT / "bench" / "locustfile.py"
MIX = ("Agent", "Staff", "Pricer")


def _tourstack(*args: str, url: str) -> None:
    subprocess.run([str(Path(sys.executable).parent / "tourstack"), *args, "--database-url", url], check=True,
                   cwd=ROOT, capture_output=True)


def prepare(topo: Topology, size: str, agents: int, quote_requests: int) -> dict:
    """Migrate, seed, draft some itineraries (for the PDFs), open quote requests to price, and
    issue the API keys the users draw from."""
    from sqlalchemy import select

    from tourstack.auth.keys import issue_key
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.models import Agency, Booking, Itinerary, QuoteRequest
    from tourstack.demo.ai_activity import run_ai_activity

    url = topo.direct_url
    _tourstack("migrate", url=url)
    _tourstack("seed", "--size", size, "--no-progress", url=url)
    run_ai_activity(url, limit=20)
    engine = make_engine(url)
    fixtures: dict = {"agents": []}
    with make_sessionmaker(engine)() as session:
        agencies = session.scalars(select(Agency).order_by(Agency.id).limit(agents)).all()
        for agency in agencies:
            refs = list(session.scalars(select(Booking.booking_ref).where(Booking.agency_id == agency.id,
                                                                          Booking.deleted_at.is_(None))
                                        .order_by(Booking.id.desc()).limit(50)))
            if refs:
                key, _ = issue_key(session, "agent", f"load {agency.code}", agency_id=agency.id)
                fixtures["agents"].append({"key": key, "bookings": refs})
        fixtures["staff_key"], _ = issue_key(session, "admin", "load staff")
        fixtures["ops_key"], _ = issue_key(session, "ops", "load ops")
        fixtures["itineraries"] = list(session.scalars(select(Itinerary.id).where(Itinerary.deleted_at.is_(None))
                                                       .order_by(Itinerary.id.desc()).limit(20)))
        templates = session.scalars(select(QuoteRequest).order_by(QuoteRequest.id.desc()).limit(200)).all()
        columns = [c.key for c in QuoteRequest.__mapper__.column_attrs if c.key not in ("id", "created_at",
                                                                                          "updated_at")]
        made = []
        for n in range(quote_requests):
            source = templates[n % len(templates)]
            row = QuoteRequest(**{c: getattr(source, c) for c in columns})
            row.status, row.itinerary_id = "open", None
            row.requested_at = dt.datetime.now(dt.UTC)
            made.append(row)
        session.add_all(made)
        session.commit()
        valid_until = (dt.date.today() + dt.timedelta(days=30)).isoformat()
        fixtures["quote_requests"] = [{"id": r.id, "currency": r.currency, "total": "125000.00", "cost": "98000.00",
                                       "valid_until": valid_until} for r in made]
    engine.dispose()
    if not fixtures["agents"] or not fixtures["itineraries"]:
        raise SystemExit("the seed left no agency with bookings or no itinerary: use a larger --size")
    return fixtures


# --- measuring ---------------------------------------------------------------------------------

def scrape(topo: Topology) -> dict[str, float]:
    """Sum of every API process's counters and histogram buckets of interest."""
    totals: dict[str, float] = {}
    wanted = ("tourstack_api_cache_requests_total", "tourstack_db_query_duration_seconds_bucket",
              "tourstack_db_query_duration_seconds_count")
    for port in topo.api_ports:
        text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=120,
                         headers={"Authorization": f"Bearer {topo.metrics_token}"}).text
        for line in text.splitlines():
            if line.startswith(wanted):
                name, value = line.rsplit(" ", 1)
                totals[name] = totals.get(name, 0.0) + float(value)
    return totals


def _delta(after: dict[str, float], before: dict[str, float]) -> dict[str, float]:
    return {k: v - before.get(k, 0.0) for k, v in after.items()}


def cache_hit_rate(delta: dict[str, float]) -> float | None:
    hits = sum(v for k, v in delta.items() if k.startswith("tourstack_api_cache_requests_total") and 'result="hit"' in k)
    misses = sum(v for k, v in delta.items() if k.startswith("tourstack_api_cache_requests_total")
                 and 'result="miss"' in k)
    return round(hits / (hits + misses), 4) if hits + misses else None


def histogram_quantile(q: float, delta: dict[str, float], name: str) -> float | None:
    """Prometheus' histogram_quantile over cumulative `le` buckets (linear inside a bucket)."""
    buckets = []
    for key, value in delta.items():
        if key.startswith(name + "_bucket{") and 'le="' in key:
            le = key.split('le="', 1)[1].split('"', 1)[0]
            buckets.append((float("inf") if le == "+Inf" else float(le), value))
    buckets.sort()
    if not buckets or buckets[-1][1] <= 0:
        return None
    rank = q * buckets[-1][1]
    lower_bound, lower_count = 0.0, 0.0
    for bound, count in buckets:
        if count >= rank:
            if bound == float("inf"):
                return lower_bound
            return lower_bound + (bound - lower_bound) * (rank - lower_count) / max(count - lower_count, 1e-12)
        lower_bound, lower_count = bound, count
    return None


def run_locust(topo: Topology, fixtures: dict, users: int, seconds: int, classes: tuple[str, ...],
               tag: str) -> dict:
    """One locust phase. Each phase prices quote requests of its own (a request is priced once;
    a second phase reusing the first's would only measure 409s)."""
    prefix = topo.root / tag
    spawn_rate = max(10, users // 10)
    share = fixtures["quote_requests"][:fixtures["per_phase"]]
    del fixtures["quote_requests"][:fixtures["per_phase"]]
    fixtures_path = topo.root / f"{tag}-fixtures.json"
    fixtures_path.write_text(json.dumps({**fixtures, "quote_requests": share}))
    env = {**os.environ, "LOAD_FIXTURES": str(fixtures_path), "LOAD_THINK_S": str(fixtures["think_s"])}
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "-u", str(users),
                           "-r", str(spawn_rate), "-t", f"{seconds}s", "--host", topo.base_url, "--csv", str(prefix),
                           "--only-summary", "--stop-timeout", "30", "--exit-code-on-error", "0", *classes],
                          env=env, cwd=ROOT, capture_output=True, text=True)
    wall = time.monotonic() - started
    drain(topo)  # what the stopped users left queued is answered before anything is scraped
    stats = Path(f"{prefix}_stats.csv")
    rows = list(csv.DictReader(stats.open())) if stats.exists() else []
    if not rows:
        raise SystemExit(f"locust wrote no statistics:\n{done.stderr[-2000:]}")
    total = next(r for r in rows if r["Name"] == "Aggregated")
    per_route = {r["Name"]: {"requests": int(r["Request Count"]), "failures": int(r["Failure Count"]),
                             "p50_ms": _num(r["50%"]), "p95_ms": _num(r["95%"]), "p99_ms": _num(r["99%"])}
                 for r in rows if r["Name"] != "Aggregated"}
    failures_csv = Path(f"{prefix}_failures.csv")
    failures = ([{"name": r["Name"], "error": r["Error"][:200], "occurrences": int(r["Occurrences"])}
                 for r in csv.DictReader(failures_csv.open())] if failures_csv.exists() else [])
    return {"users": users, "seconds": seconds, "wall_s": round(wall, 1), "requests": int(total["Request Count"]),
            "failure_kinds": failures,
            "rps": round(float(total["Requests/s"]), 1), "p50_ms": _num(total["50%"]), "p95_ms": _num(total["95%"]),
            "p99_ms": _num(total["99%"]), "failures": int(total["Failure Count"]), "routes": per_route}


def drain(topo: Topology, limit_s: float = 600.0) -> None:
    """Wait until every API process answers its liveness probe within a second again."""
    deadline = time.monotonic() + limit_s
    for port in topo.api_ports:
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)


def warm_pdf_renderers(topo: Topology, fixtures: dict) -> None:
    """One PDF per API process before anything is measured: the first starts the process's
    Chromium (reused for every PDF after it), which is start-up, not the spike's latency."""
    for port in topo.api_ports:
        answer = httpx.get(f"http://127.0.0.1:{port}/api/v1/itineraries/{fixtures['itineraries'][0]}.pdf",
                           headers={"X-API-Key": fixtures["ops_key"]}, timeout=180)
        if answer.status_code != 200:
            raise SystemExit(f"the itinerary PDF answered {answer.status_code}: {answer.text[:300]}")


def _num(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def slowest_statements(topo: Topology, limit: int = 10) -> list[dict]:
    import psycopg

    with psycopg.connect(topo.direct_url) as conn:
        rows = conn.execute(
            "select calls, round(total_exec_time::numeric, 1), round(mean_exec_time::numeric, 3), "
            "round(max_exec_time::numeric, 1), left(regexp_replace(query, '\\s+', ' ', 'g'), 240) "
            "from pg_stat_statements where dbid = (select oid from pg_database where datname = 'tourstack') "
            "order by total_exec_time desc limit %s", (limit,)).fetchall()
    return [{"calls": c, "total_ms": float(t), "mean_ms": float(m), "max_ms": float(x), "query": q}
            for c, t, m, x, q in rows]


def reset_statements(topo: Topology) -> None:
    import psycopg

    with psycopg.connect(topo.direct_url, autocommit=True) as conn:
        conn.execute("create extension if not exists pg_stat_statements")
        conn.execute("select pg_stat_statements_reset()")


def machine() -> dict:
    load = os.getloadavg()
    return {"platform": platform.platform(), "cpus": os.cpu_count(), "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in load]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small", help="seed size: tiny | small | demo")
    parser.add_argument("--api-processes", type=int, default=2)
    parser.add_argument("--steps", default="1500,2000,3000,4000", help="users per capacity step, comma-separated")
    parser.add_argument("--step-seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=600)
    parser.add_argument("--floor-seconds", type=int, default=120)
    parser.add_argument("--think", type=float, default=10.0, help="mean think time of a user, seconds")
    parser.add_argument("--pdf-users", type=int, default=50)
    parser.add_argument("--pdf-seconds", type=int, default=60)
    parser.add_argument("--agents", type=int, default=60, help="agencies whose agents take part")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args(argv)
    steps = [int(s) for s in args.steps.split(",") if s.strip()]
    started = dt.datetime.now(dt.UTC)
    report: dict = {"started": started.isoformat(timespec="seconds"), "machine": machine(),
                    "topology": {"api_processes": args.api_processes, "load_balancer": "nginx",
                                 "pool": "pgbouncer transaction", "seed": args.size}}
    with tempfile.TemporaryDirectory(prefix="tourstack-load-") as tmp, \
            topology(Path(tmp), args.api_processes, args.redis_url) as topo:
        topo.start_postgres()
        phases = len(steps) + 3  # floor, sustained and the PDF spike take a share too
        fixtures = prepare(topo, args.size, args.agents, quote_requests=phases * max(500, args.users))
        fixtures["per_phase"] = len(fixtures["quote_requests"]) // phases
        fixtures["think_s"] = args.think
        topo.start_pgbouncer()
        topo.start_api()
        topo.start_nginx()
        warm_pdf_renderers(topo, fixtures)
        floor = run_locust(topo, fixtures, args.users, args.floor_seconds, ("Floor",), "floor")
        floor.pop("routes")
        report["floor"] = floor
        reset_statements(topo)
        before = scrape(topo)
        sustained = run_locust(topo, fixtures, args.users, args.seconds, MIX, "sustained")
        delta = _delta(scrape(topo), before)
        db_p95 = histogram_quantile(0.95, delta, "tourstack_db_query_duration_seconds")
        report["slowest_statements"] = slowest_statements(topo)
        spike = run_locust(topo, fixtures, args.pdf_users, args.pdf_seconds, ("PdfSpike",), "pdf")
        report["steps"] = []
        for n, users in enumerate(steps):
            before_step = scrape(topo)
            result = run_locust(topo, fixtures, users, args.step_seconds, MIX, f"step{n}")
            result.pop("routes")
            result["cache_hit_rate"] = cache_hit_rate(_delta(scrape(topo), before_step))
            report["steps"].append(result)
            print(json.dumps({"step": result}), file=sys.stderr)
            if (result["p95_ms"] or 0) > 200:
                break
        report["sustained"] = sustained
        report["pdf_spike"] = spike
        report.update({"users": sustained["users"], "rps": sustained["rps"], "p50_ms": sustained["p50_ms"],
                       "p95_ms": sustained["p95_ms"], "p99_ms": sustained["p99_ms"],
                       "failures": sustained["failures"] + spike["failures"],
                       "cache_hit_rate": cache_hit_rate(delta),
                       "db_p95_ms": round(db_p95 * 1000, 2) if db_p95 is not None else None,
                       "pdf_p95_ms": spike["p95_ms"], "floor_p95_ms": floor["p95_ms"]})
        crossing = [s for s in [sustained, *report["steps"]] if (s["p95_ms"] or 0) > 200]
        report["capacity"] = {"p95_over_200ms_first_at": ({"users": crossing[0]["users"], "rps": crossing[0]["rps"]}
                                                          if crossing else None)}
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"load-{started.strftime('%Y%m%dT%H%M%SZ')}.json"
    out.write_text(json.dumps(report, indent=2))
    headline = {k: report[k] for k in ("users", "rps", "p50_ms", "p95_ms", "p99_ms", "failures", "cache_hit_rate",
                                      "db_p95_ms", "pdf_p95_ms", "floor_p95_ms")}
    print(json.dumps(headline))
    print(f"full report: {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
