"""The public TSPLIB part of the routing benchmark: every TSPLIB instance up to 100 nodes,
symmetric and asymmetric, against its published optimum, ours beside plain OR-Tools guided local
search with the same time budget (and PyVRP's iterated local search on the asymmetric ones), and
the wall time of `tourstack route solve` on 50 nodes beside the interpreter's own start-up.

Instances: bench/data/tsplib (see its README for where each file comes from). Optima: the
published lists of TSPLIB 95 symmetric TSP and ATSP optimal tour lengths (Reinelt).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tourstack.routing import tsplib
from tourstack.routing.problem import RouteProblem
from tourstack.routing.solver import default_time_limit, solve_problem

DATA = Path(__file__).resolve().parent / "data" / "tsplib"

# TSPLIB 95, symmetric TSP, optimal tour lengths as published with the library.
OPTIMA = {
    "burma14": 3323, "ulysses16": 6859, "gr17": 2085, "gr21": 2707, "ulysses22": 7013, "gr24": 1272,
    "fri26": 937, "bayg29": 1610, "bays29": 2020, "dantzig42": 699, "swiss42": 1273, "att48": 10628,
    "gr48": 5046, "hk48": 11461, "eil51": 426, "berlin52": 7542, "brazil58": 25395, "st70": 675,
    "eil76": 538, "pr76": 108159, "gr96": 55209, "rat99": 1211, "kroA100": 21282, "kroB100": 22141,
    "kroC100": 20749, "kroD100": 21294, "kroE100": 22068, "rd100": 7910,
}
# TSPLIB 95, ATSP, every instance up to 100 nodes (kro124p has 100), optimal tour lengths.
ATSP_OPTIMA = {
    "br17": 39, "ftv33": 1286, "ftv35": 1473, "ftv38": 1530, "p43": 5620, "ftv44": 1613, "ftv47": 1776,
    "ry48p": 14422, "ft53": 6905, "ftv55": 1608, "ftv64": 1839, "ft70": 38673, "ftv70": 1950,
    "kro124p": 36230,
}


def _solve(problem: RouteProblem, method: str, limit: float) -> tuple[int, float]:
    t0 = time.perf_counter()
    solution = solve_problem(problem, time_limit_s=limit, method=method)
    took = time.perf_counter() - t0
    return int(round(solution.total)), took


def run_tsplib(runs: int) -> list[dict]:
    rows = []
    cases = [(name, opt, f"{name}.tsp") for name, opt in OPTIMA.items()]
    cases += [(name, opt, f"{name}.atsp") for name, opt in ATSP_OPTIMA.items()]
    for name, optimum, file in cases:
        instance = tsplib.read(DATA / file)
        problem = RouteProblem.build(instance.weights.astype(float), 0, 0)
        symmetric = file.endswith(".tsp")
        limit = default_time_limit(instance.dimension, "tour-search", symmetric)
        solvers = {"ours": "auto", "ortools": "ortools"} | ({} if symmetric else {"pyvrp": "vrp-search"})
        row = {"instance": name, "n": instance.dimension,
               "type": instance.weight_type + ("" if symmetric else " (asymmetric)"), "optimum": optimum,
               "budget_s": limit, "symmetric": symmetric}
        for label, method in solvers.items():
            results = [_solve(problem, method, limit) for _ in range(runs)]
            lengths = [length for length, _ in results]
            row[label] = {
                "best": min(lengths), "worst": max(lengths),
                "worst_gap_pct": 100 * (max(lengths) - optimum) / optimum,
                "median_gap_pct": 100 * (statistics.median(lengths) - optimum) / optimum,
                "median_ms": 1000 * statistics.median(t for _, t in results),
            }
        print(f"{name:<10} ours {row['ours']['worst_gap_pct']:.2f}%  ortools {row['ortools']['worst_gap_pct']:.2f}%",
              flush=True)
        rows.append(row)
    return rows


def _wall(cmd: list[str], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t0)
    return times


def run_cli_startup(runs: int) -> dict:
    """`tourstack route solve` on 50 nodes, symmetric (the first 50 of berlin52) and asymmetric
    (the first 50 of ftv55), beside two floors: the bare interpreter and the CLI answering
    --help (what any subcommand costs before its own work)."""
    exe = str(Path(sys.executable).with_name("tourstack"))
    walls = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, file in (("symmetric", "berlin52.tsp"), ("asymmetric", "ftv55.atsp")):
            weights = tsplib.read(DATA / file).weights[:50, :50]
            problem = Path(tmp) / f"{label}50.json"
            problem.write_text(json.dumps({"durations": weights.tolist(), "start": 0, "end": 0}))
            _wall([exe, "route", "solve", str(problem)], 1)  # warm the file cache
            walls[label] = _wall([exe, "route", "solve", str(problem)], runs)
    python = _wall([sys.executable, "-c", "pass"], runs)
    help_ = _wall([exe, "--help"], runs)
    med = statistics.median
    return {"runs": runs, "solve_50_s": med(walls["symmetric"]), "solve_50_max_s": max(walls["symmetric"]),
            "solve_50_asym_s": med(walls["asymmetric"]), "solve_50_asym_max_s": max(walls["asymmetric"]),
            "python_s": med(python), "cli_help_s": med(help_),
            "search_budget_s": default_time_limit(50, "tour-search"),
            "search_budget_asym_s": default_time_limit(50, "tour-search", symmetric=False)}


def tsplib_markdown(rows: list[dict]) -> str:
    lines = [
        "| instance | n | weights | optimum | budget s | ours: worst | worst gap | median ms "
        "| OR-Tools GLS: worst | worst gap | median ms |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if not r.get("symmetric", True):
            continue
        o, p = r["ours"], r["ortools"]
        lines.append(f"| {r['instance']} | {r['n']} | {r['type']} | {r['optimum']} | {r['budget_s']:.2f} "
                     f"| {o['worst']} | {o['worst_gap_pct']:.2f}% | {o['median_ms']:.0f} "
                     f"| {p['worst']} | {p['worst_gap_pct']:.2f}% | {p['median_ms']:.0f} |")
    return "\n".join(lines)


def tsplib_summary(rows: list[dict]) -> str:
    def count(label: str, bound: float) -> int:
        return sum(r[label]["worst_gap_pct"] <= bound + 1e-9 for r in rows)

    rows = [r for r in rows if r.get("symmetric", True)]
    n = len(rows)
    parts = []
    for label, name in (("ours", "Ours"), ("ortools", "OR-Tools GLS")):
        worst = max(rows, key=lambda r: r[label]["worst_gap_pct"])
        parts.append(f"{name} on the {n} symmetric instances: {count(label, 0.0)}/{n} at the optimum in every run, {count(label, 0.5)}/{n} "
                     f"within 0.5%, {count(label, 2.0)}/{n} within 2%; worst {worst[label]['worst_gap_pct']:.2f}% "
                     f"({worst['instance']}).")
    return " ".join(parts)


def atsp_markdown(rows: list[dict]) -> str:
    lines = [
        "| instance | n | optimum | budget s | ours: worst | worst gap | median ms "
        "| PyVRP ILS: worst | worst gap | OR-Tools GLS: worst | worst gap |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if r.get("symmetric", True):
            continue
        o, v, p = r["ours"], r["pyvrp"], r["ortools"]
        lines.append(f"| {r['instance']} | {r['n']} | {r['optimum']} | {r['budget_s']:.2f} "
                     f"| {o['worst']} | {o['worst_gap_pct']:.2f}% | {o['median_ms']:.0f} "
                     f"| {v['worst']} | {v['worst_gap_pct']:.2f}% | {p['worst']} | {p['worst_gap_pct']:.2f}% |")
    return "\n".join(lines)


def atsp_summary(rows: list[dict]) -> str:
    rows = [r for r in rows if not r.get("symmetric", True)]
    n = len(rows)
    parts = []
    for label, name in (("ours", "Ours"), ("pyvrp", "PyVRP ILS"), ("ortools", "OR-Tools GLS")):
        def count(bound: float) -> int:
            return sum(r[label]["worst_gap_pct"] <= bound + 1e-9 for r in rows)

        worst = max(rows, key=lambda r: r[label]["worst_gap_pct"])
        parts.append(f"{name} on the {n} asymmetric instances: {count(0.0)}/{n} at the optimum in every run, "
                     f"{count(0.5)}/{n} within 0.5%, {count(2.0)}/{n} within 2%; worst "
                     f"{worst[label]['worst_gap_pct']:.2f}% ({worst['instance']}).")
    return " ".join(parts)
