"""Route optimisation benchmark: public TSPLIB instances against their published optima, random
instances with time windows, asymmetric and infeasible cases, and the start-up of the command.

    python -m bench.routing                      # the whole benchmark, docs section rewritten
    python -m bench.routing --instances 20 --ref-seconds 10 --no-doc

Part one (bench/routing_tsplib.py): every TSPLIB 95 instance up to 100 nodes, symmetric and
asymmetric, ours beside plain OR-Tools guided local search under the same time budget (and, on
the asymmetric ones, beside PyVRP's iterated local search, the named alternative), and
`tourstack route solve` on 50 nodes beside the interpreter's start-up. Part two: random closed
tours over n nodes, n in 5, 10, 15, 25, 50 (ROUTING_SIZES overrides), in five families:
Euclidean (symmetric) and asymmetric (each directed arc scaled by U(1, 1.3)), each with and
without time windows built around a random tour (service 5-30 min; each window opens up to 60 min
before that tour's arrival and closes up to 60 min after, so a feasible order exists), and an
infeasible family that must be answered `feasible: false`.

References for part two: brute force at 5 nodes; the exact Held–Karp-with-windows solver at 10
and 15 (itself checked against brute force in tests/unit/routing); above that the best of ours
and long runs of both general solvers (best known, not a proven optimum).

Results are printed as Markdown, written to bench/results/routing-<date>.json, and the
"## Route optimisation" section of docs/benchmarks.md is replaced (other sections are left alone).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import re
import statistics
import time
from pathlib import Path

import numpy as np

from bench.routing_tsplib import (
    atsp_markdown,
    atsp_summary,
    run_cli_startup,
    run_tsplib,
    tsplib_markdown,
    tsplib_summary,
)
from tourstack.routing.exact import solve_exact
from tourstack.routing.problem import RouteProblem, evaluate
from tourstack.routing.ortools_search import solve_ortools
from tourstack.routing.solver import EXACT_MAX_NODES, default_time_limit, solve_problem, solve_route
from tourstack.routing.tour_search import is_symmetric

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
DOC = ROOT / "docs" / "benchmarks.md"
SIZES = tuple(int(x) for x in os.environ.get("ROUTING_SIZES", "5,10,15,25,50").split(","))
FAMILIES = ("euclidean", "asymmetric", "euclidean+tw", "asymmetric+tw", "infeasible+tw")
SECTION = "## Route optimisation"


def make_instance(n: int, family: str, rng: np.random.Generator) -> dict:
    points = rng.uniform(0, 60, (n, 2))  # minutes of travel across a city
    d = np.linalg.norm(points[:, None] - points[None], axis=2)
    if family.startswith("asymmetric"):
        d = d * rng.uniform(1.0, 1.3, (n, n))
    np.fill_diagonal(d, 0.0)
    d = np.round(d, 2)
    problem = {"durations": d.tolist(), "start": 0, "end": 0}
    if family.endswith("+tw"):  # also the infeasible family
        service = np.round(rng.uniform(5, 30, n), 1)
        service[0] = 0
        tour = [0, *rng.permutation(np.arange(1, n))]
        windows = [[0.0, None] for _ in range(n)]
        t = 0.0
        for a, b in zip(tour, tour[1:]):
            t += d[a, b] + service[a]
            windows[b] = [round(max(0.0, t - rng.uniform(0, 60)), 1), round(t + rng.uniform(0, 60), 1)]
        if family.startswith("infeasible"):
            # Two stops whose windows close 5 minutes after the start, at least 6 minutes away
            # from it: no order is feasible, and the answer must say so.
            a, b = 1, 2
            far = max(6.0, float(d[0, a]), float(d[0, b]))
            d[0, a] = d[a, 0] = d[0, b] = d[b, 0] = d[a, b] = d[b, a] = far
            problem["durations"] = d.tolist()
            windows[a], windows[b] = [0.0, 5.0], [0.0, 5.0]
        problem |= {"time_windows": windows, "service": service.tolist()}
    return problem


def brute_force(problem: RouteProblem) -> float:
    best = float("inf")
    others = [v for v in range(problem.n) if v != problem.start]
    for perm in itertools.permutations(others):
        e = evaluate(problem, [problem.start, *perm, problem.start])
        if e.feasible:
            best = min(best, e.total)
    return best


def reference(problem: RouteProblem, ours: float, ref_seconds: float) -> tuple[float, str]:
    if problem.n <= 8:
        return brute_force(problem), "brute force"
    if problem.n <= 15:
        order = solve_exact(problem)
        return evaluate(problem, order).total, "exact DP"
    # Best known: long runs of both general solvers (neither is then favoured), and ours.
    candidates = [ours]
    for method in ("ortools", "vrp-search"):
        long_run = solve_problem(problem, time_limit_s=ref_seconds, method=method)
        if long_run.feasible:
            candidates.append(long_run.total)
    return min(candidates), f"best of ours + {ref_seconds:g} s GLS + {ref_seconds:g} s ILS"


def _timed(problem: RouteProblem, method: str, limit: float | None):
    t0 = time.perf_counter()
    solution = solve_problem(problem, time_limit_s=limit, method=method)
    return solution, time.perf_counter() - t0


def _gap(total: float, feasible: bool, ref: float) -> float:
    return (total - ref) / ref if feasible and np.isfinite(ref) else float("inf")


def run(instances: int, ref_seconds: dict[int, float], seed: int) -> list[dict]:
    """Random families: ours (method chosen automatically, default budget) and, from 15 nodes,
    plain OR-Tools guided local search with the same budget, against the same reference."""
    rng = np.random.default_rng(seed)
    solve_route([[0, 1], [1, 0]], start=0, end=0)  # warm imports
    solve_ortools(RouteProblem.build(np.ones((20, 20)), 0, 0), 0.01)
    rows = []
    for n in SIZES:
        for family in FAMILIES:
            if family.startswith("infeasible") and n < 10:
                continue
            infeasible_family = family.startswith("infeasible")
            stats = {"ours": ([], [], 0), "peer": ([], [], 0), "alt": ([], [], 0)}
            misses, ref_name, methods = 0, "", set()
            for _ in range(instances):
                raw = make_instance(n, family, rng)
                problem = RouteProblem.build(raw["durations"], 0, 0, raw.get("time_windows"), raw.get("service"))
                ours, took = _timed(problem, "auto", None)
                methods.add(ours.method)
                runs = {"ours": (ours, took)}
                if n > EXACT_MAX_NODES:
                    budget = default_time_limit(n, ours.method, is_symmetric(problem.durations))
                    runs["peer"] = _timed(problem, "ortools", budget)
                    if family == "asymmetric":  # PyVRP, which served these before the split matrix
                        runs["alt"] = _timed(problem, "vrp-search", budget)
                if infeasible_family:
                    ref, ref_name = float("nan"), "known infeasible"
                else:
                    ref, ref_name = reference(problem, ours.total, ref_seconds.get(n, 5.0))
                for label, (solution, secs) in runs.items():
                    gaps, times, wrong = stats[label]
                    times.append(secs)
                    gaps.append(_gap(solution.total, solution.feasible, ref))
                    wrong += solution.feasible if infeasible_family else not solution.feasible
                    stats[label] = (gaps, times, wrong)
                gap = stats["ours"][0][-1]
                if infeasible_family:
                    misses += ours.feasible
                elif n <= EXACT_MAX_NODES:
                    misses += gap > 1e-9 or took > 0.100
                elif n >= 50:
                    misses += gap > 0.02 or took > 1.0
            row = {"n": n, "family": family, "instances": instances, "method": "/".join(sorted(methods)),
                   "reference": ref_name, "target_misses": misses}
            for label, (gaps, times, wrong) in stats.items():
                if not times:
                    continue
                finite = [g for g in gaps if np.isfinite(g)]
                row[label] = {
                    "median_gap_pct": 100 * statistics.median(finite) if finite else None,
                    "max_gap_pct": 100 * max(finite) if finite else None,
                    "optimal_or_best": sum(g <= 1e-9 for g in finite),
                    "wrong_feasibility": wrong,
                    "median_ms": 1000 * statistics.median(times), "max_ms": 1000 * max(times),
                }
            rows.append(row)
            print(f"n={n:>2} {family:<14} done", flush=True)
    return rows


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}%"


def markdown(rows: list[dict]) -> str:
    lines = [
        "| stops+start | family | method | reference | median gap | max gap | = ref | wrong feasibility "
        "| median ms | max ms | target misses | OR-Tools GLS, same budget: median gap | max gap | wrong feasibility "
        "| PyVRP ILS, same budget: median gap | max gap |",
        "|---:|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        o, p, a = r["ours"], r.get("peer"), r.get("alt")
        peer = "| - | - | - |" if p is None else \
            f"| {_pct(p['median_gap_pct'])} | {_pct(p['max_gap_pct'])} | {p['wrong_feasibility']} |"
        peer += " - | - |" if a is None else f" {_pct(a['median_gap_pct'])} | {_pct(a['max_gap_pct'])} |"
        lines.append(
            f"| {r['n']} | {r['family']} | {r['method']} | {r['reference']} | {_pct(o['median_gap_pct'])} "
            f"| {_pct(o['max_gap_pct'])} | {o['optimal_or_best']}/{r['instances']} | {o['wrong_feasibility']} "
            f"| {o['median_ms']:.1f} | {o['max_ms']:.1f} | {r['target_misses']}/{r['instances']} {peer}"
        )
    return "\n".join(lines)


def misses_text(rows: list[dict]) -> str:
    missed = [r for r in rows if r["target_misses"] or r["ours"]["wrong_feasibility"]]
    if not missed:
        return "Misses: none."
    parts = [f"{r['n']} nodes {r['family']}: {r['target_misses']}/{r['instances']} outside the target, "
             f"{r['ours']['wrong_feasibility']} with the wrong feasibility (max gap {_pct(r['ours']['max_gap_pct'])}, "
             f"max {r['ours']['max_ms']:.0f} ms)" for r in missed]
    return "Misses: " + "; ".join(parts) + "."


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    from importlib.metadata import version

    libs = ", ".join(f"{name} {version(name)}" for name in ("ortools", "pyvrp", "fast-tsp"))
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}, {libs}"


def write_section(saved: dict) -> None:
    meta, cli = saved["meta"], saved["cli"]
    asym_cli = "" if "solve_50_asym_s" not in cli else (
        f" On the first 50 nodes of ftv55 (asymmetric, split into 100): **{cli['solve_50_asym_s']:.2f} s** "
        f"(max {cli['solve_50_asym_max_s']:.2f} s), of which {cli['search_budget_asym_s']:.2f} s is search"
        + (f" ({cli['asym_note']})." if cli.get("asym_note") else "."))
    body = f"""{SECTION}

`python -m bench.routing`; run on {meta['date']}, {meta['machine']}; 1-minute load average
{meta.get('loadavg', 'not recorded')} (other jobs share this machine; a loaded CPU lengthens
times and, under a time limit, widens gaps). Raw results: `bench/results/{meta['file']}`.

Method: up to {EXACT_MAX_NODES} nodes (12 stops + start) the solver is exact (Held–Karp with
Pareto labels for time windows). Above that, a closed tour without windows goes to `fast-tsp`
(Or-opt / Lin-Kernighan-style local search); on an asymmetric matrix through the Jonker–Volgenant
transformation (a symmetric matrix of 2n nodes: each node split into an in- and an out-copy
joined by a forced zero edge, arc i->j as out(i)–in(j) plus a constant, in–in and out–out
forbidden), decoded, checked and evaluated on the true matrix, with PyVRP as the fall-back when
the tour does not decode. Everything else (windows, open paths, a different end) goes to PyVRP's
iterated local search. The peer in
every row is plain OR-Tools guided local search (what this solver used before) given the same
time budget in the same run. Times are wall clock per `solve_route` call, model building included.

### Public instances (TSPLIB 95)

Every TSPLIB instance up to 100 nodes (files and sources: `bench/data/tsplib/README.md`), as full
matrices built with the TSPLIB 95 distance rules (EUC_2D, ATT, GEO, EXPLICIT), against the
published optimal tour lengths; {meta['runs']} runs per instance and solver, worst run shown.

Symmetric (TSP):

{tsplib_markdown(saved['tsplib'])}

{tsplib_summary(saved['tsplib'])}

Asymmetric (ATSP), beside PyVRP's iterated local search (what `auto` used for these before,
still available as `method="vrp-search"`) and OR-Tools GLS, all on the same budget:

{atsp_markdown(saved['tsplib'])}

{atsp_summary(saved['tsplib'])}

`tourstack route solve` on the first 50 nodes of berlin52 (a closed tour), whole process wall
time, median of {cli['runs']}: **{cli['solve_50_s']:.2f} s** (max {cli['solve_50_max_s']:.2f} s; target
under 1 s), of which {cli['search_budget_s']:.2f} s is search.{asym_cli} Floors measured in the same run: the
bare interpreter {cli['python_s']:.2f} s; `tourstack --help` {cli['cli_help_s']:.2f} s.

### Random instances (windows, asymmetric, infeasible)

{meta['instances']} random instances per size and family (seed {meta['seed']}): city-scale
Euclidean minutes, asymmetric (each arc scaled by U(1, 1.3)), each with and without time windows
built around a random tour (so a feasible order exists; "wrong feasibility" counts answers of
`feasible: false` there), and an infeasible family (two stops whose windows close before anyone
can reach them; "wrong feasibility" counts answers of `feasible: true`). References: brute force
at 5 nodes; the exact solver at 10 and 15; above that the best of ours and {meta['ref_seconds']:g} s runs
of both OR-Tools GLS and PyVRP ILS (best known, not a proven optimum). Targets: optimal up to 12
stops in under 100 ms; within 2% at 50 stops in under 1 s.

{markdown(saved['rows'])}

{misses_text(saved['rows'])}
"""
    text = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(SECTION)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(text):
        text = pattern.sub(lambda _: body + "\n", text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + body
    DOC.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3, help="runs per TSPLIB instance and solver")
    parser.add_argument("--ref-seconds", type=float, default=5.0, help="reference runs above 15 nodes")
    parser.add_argument("--seed", type=int, default=20261125)
    parser.add_argument("--no-doc", action="store_true", help="do not touch docs/benchmarks.md")
    parser.add_argument("--render", type=Path, help="only rewrite the docs section from a results JSON")
    args = parser.parse_args()
    if args.render:
        write_section(json.loads(args.render.read_text()))
        return
    load_before = os.getloadavg()[0]
    tsplib_rows = run_tsplib(args.runs)
    cli = run_cli_startup(5)
    rows = run(args.instances, {n: args.ref_seconds for n in SIZES}, args.seed)
    today = dt.date.today().isoformat()
    RESULTS.mkdir(parents=True, exist_ok=True)
    file = f"routing-{today}.json"
    meta = {"date": today, "machine": machine(), "instances": args.instances, "runs": args.runs,
            "seed": args.seed, "ref_seconds": args.ref_seconds, "file": file,
            "loadavg": f"{load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end"}
    saved = {"meta": meta, "tsplib": tsplib_rows, "cli": cli, "rows": rows}
    (RESULTS / file).write_text(json.dumps(saved, indent=2) + "\n")
    print(tsplib_markdown(tsplib_rows))
    print(tsplib_summary(tsplib_rows))
    print(atsp_markdown(tsplib_rows))
    print(atsp_summary(tsplib_rows))
    print(cli)
    print(markdown(rows))
    if not args.no_doc:
        write_section(saved)


if __name__ == "__main__":
    main()
