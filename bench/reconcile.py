"""Benchmark: reconciliation precision, match rate and speed on labelled synthetic data.

    .venv/bin/python bench/reconcile.py                      # 100k x3 and 1M x1
    .venv/bin/python bench/reconcile.py --sizes 100000 --runs 3 --runs-1m 0
    .venv/bin/python bench/reconcile.py --sizes 100000 --runs 1 --runs-1m 0 --remittance-seeds 1-8
    .venv/bin/python bench/reconcile.py --sizes 300 --runs 1 --runs-1m 0 --remittance-seeds 4-8 --tuning-seeds 1-3

Targets: precision (correct allocations / allocations made) >= 99.9%, match rate (matchable
transactions that received an allocation) >= 99%, 1,000,000 transactions in < 60 s on 2 cores
(read CSV + match; writing the outputs is reported separately). Prints a Markdown table and writes
bench/results/reconcile-<timestamp>.json.

`--remittance-seeds` also scores the independent remittance corpus (bench/corpora/remittance,
bench/scoring.py) for those seeds, our matcher beside the "first match" baseline
(bench/baselines.py) measured in the same run; seeds in `--tuning-seeds` (default 1-3, the
ones the rules were tuned on) are reported apart from the held-out ones, each with a
per-behaviour table (label kind, and tags where something was missed or wrong).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tourstack.fx import EcbOfflineSource  # noqa: E402
from tourstack.reconcile import read_receivables, read_transactions, reconcile, write_outputs  # noqa: E402
from tourstack.reconcile.synthetic import generate, write_csv  # noqa: E402

from bench import scoring  # noqa: E402
from bench.baselines import first_match  # noqa: E402

TARGETS = {"precision": 0.999, "match_rate": 0.99, "seconds_1m": 60.0}


def evaluate(result, data) -> dict:
    made = result.matches.select("txn_id", "invoice_number", "amount_applied")
    truth = data.expected
    correct_pair = made.join(truth.select("txn_id", "invoice_number"), on=["txn_id", "invoice_number"], how="semi")
    correct = made.join(truth, on=["txn_id", "invoice_number", "amount_applied"], how="semi")
    matchable = truth["txn_id"].unique()
    got = made["txn_id"].unique()
    matched = matchable.is_in(got.implode()).sum()
    dup_truth = data.expected_exceptions.filter(pl.col("reason") == "duplicate")["txn_id"]
    dup_found = result.exceptions.filter(pl.col("reason") == "duplicate")["txn_id"]
    noise = data.expected_exceptions.filter(pl.col("reason") == "no_match")["txn_id"]
    return {
        "allocations": len(made),
        "precision": len(correct) / len(made) if len(made) else 1.0,
        "precision_pairs": len(correct_pair) / len(made) if len(made) else 1.0,
        "matchable": len(matchable),
        "match_rate": matched / len(matchable) if len(matchable) else 1.0,
        "recall_allocations": len(correct) / len(truth) if len(truth) else 1.0,
        "duplicates_expected": len(dup_truth),
        "duplicates_flagged_correctly": int(dup_truth.is_in(dup_found.implode()).sum()),
        "duplicates_flagged": len(dup_found),
        "noise_allocated": int(noise.is_in(got.implode()).sum()),
    }


def run_once(n: int, seed: int, workdir: Path, rates) -> dict:
    data = generate(n, seed=seed, rates=rates)
    t_path, r_path = write_csv(data, workdir / f"n{n}-s{seed}")
    t0 = time.perf_counter()
    txn, inv = read_transactions(t_path), read_receivables(r_path)
    t1 = time.perf_counter()
    result = reconcile(txn, inv, rates=rates)
    t2 = time.perf_counter()
    write_outputs(result, workdir / f"out-{n}-{seed}")
    t3 = time.perf_counter()
    quality = evaluate(result, data)
    return {"n": n, "seed": seed, "read_s": t1 - t0, "match_s": t2 - t1, "write_s": t3 - t2,
            "total_s": t2 - t0, "receivables": len(inv), **quality}


def summarise(runs: list[dict]) -> dict:
    keys = ("read_s", "match_s", "write_s", "total_s", "precision", "precision_pairs", "match_rate",
            "recall_allocations")
    out = {k: statistics.median(r[k] for r in runs) for k in keys}
    out.update(n=runs[0]["n"], runs=len(runs), receivables=runs[0]["receivables"],
               min_precision=min(r["precision"] for r in runs), min_match_rate=min(r["match_rate"] for r in runs))
    return out


def table(rows: list[dict]) -> str:
    lines = ["| transactions | runs | read CSV s | match s | read+match s (median) | write s | precision | "
             "match rate | allocation recall |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append(f"| {r['n']:,} | {r['runs']} | {r['read_s']:.2f} | {r['match_s']:.2f} | {r['total_s']:.2f} | "
                     f"{r['write_s']:.2f} | {r['precision']:.4%} | {r['match_rate']:.3%} | "
                     f"{r['recall_allocations']:.3%} |")
    return "\n".join(lines)


def seed_list(text: str) -> list[int]:
    """'1-3,6' -> [1, 2, 3, 6]."""
    out: list[int] = []
    for part in filter(None, text.split(",")):
        lo, _, hi = part.partition("-")
        out.extend(range(int(lo), int(hi or lo) + 1))
    return out


def remittance_run(seed: int, workdir: Path, rates, invoices: int) -> dict:
    from bench.corpora.remittance import generate as corpus, write

    folder = workdir / f"remittance-{seed}"
    write(corpus(seed, invoices), folder)
    txn, inv = read_transactions(folder / "transactions.csv"), read_receivables(folder / "receivables.csv")
    labels = scoring.load_labels(folder)
    t0 = time.perf_counter()
    ours = scoring.score(reconcile(txn, inv, rates=rates), labels, rates)
    t1 = time.perf_counter()
    base = scoring.score(first_match(txn, inv), labels, rates)
    return {"seed": seed, "match_s": t1 - t0, "tourstack": ours, "first_match": base}


def remittance_report(runs: list[dict], tuning: set[int]) -> tuple[str, dict]:
    groups = {"tuning": [r for r in runs if r["seed"] in tuning],
              "held-out": [r for r in runs if r["seed"] not in tuning]}
    text, pooled = [], {}
    for name, group in groups.items():
        if not group:
            continue
        seeds = ",".join(str(r["seed"]) for r in group)
        ours = scoring.merge([r["tourstack"] for r in group])
        base = scoring.merge([r["first_match"] for r in group])
        pooled[name] = {"seeds": [r["seed"] for r in group], "tourstack": ours, "first_match": base}
        text += [f"\nremittance corpus, {name} seeds {seeds}:", scoring.HEADLINE_HEADER,
                 scoring.headline("tourstack", ours), scoring.headline("first match (baseline)", base),
                 "", scoring.behaviour_table(ours, "by_kind"), "",
                 scoring.behaviour_table(ours, "by_tag", only_problems=True)]
    return "\n".join(text), pooled


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--runs-1m", type=int, default=1, help="runs at 1,000,000 (0 to skip)")
    ap.add_argument("--remittance-seeds", type=seed_list, default=[],
                    help="also score these seeds of the remittance corpus, e.g. 1-8")
    ap.add_argument("--tuning-seeds", type=seed_list, default=[1, 2, 3],
                    help="remittance seeds the rules were tuned on, reported apart (default 1-3)")
    ap.add_argument("--remittance-invoices", type=int, default=3000, help="invoices per remittance seed")
    return ap


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    rates = EcbOfflineSource()
    plan = [(n, args.runs) for n in args.sizes] + ([(1_000_000, args.runs_1m)] if args.runs_1m else [])
    rows, detail, remittance = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.remittance_seeds:
            remittance.append(remittance_run(seed, Path(tmp), rates, args.remittance_invoices))
        for n, runs in plan:
            if runs <= 0:
                continue
            results = [run_once(n, seed, Path(tmp), rates) for seed in range(1, runs + 1)]
            for r in results:
                print(json.dumps(r), file=sys.stderr)
            detail.extend(results)
            rows.append(summarise(results))
    print(table(rows))
    pooled = {}
    if remittance:
        text, pooled = remittance_report(remittance, set(args.tuning_seeds))
        print(text)
    one_m = next((r for r in rows if r["n"] == 1_000_000), None)
    verdict = {
        "precision": all(r["min_precision"] >= TARGETS["precision"] for r in rows),
        "match_rate": all(r["min_match_rate"] >= TARGETS["match_rate"] for r in rows),
        "seconds_1m": None if one_m is None else one_m["total_s"] < TARGETS["seconds_1m"],
    }
    print(f"\ntargets: {TARGETS}\nmet: {verdict}")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    payload = {"benchmark": "reconcile", "at": stamp, "cpus": os.cpu_count(), "python": platform.python_version(),
               "polars": pl.__version__, "targets": TARGETS, "met": verdict, "summary": rows, "runs": detail,
               "remittance": {"pooled": pooled, "seeds": [
                   {"seed": r["seed"], "match_s": r["match_s"],
                    **{k: {m: v for m, v in r[k].items() if m not in ("by_kind", "by_tag")}
                       for k in ("tourstack", "first_match")}} for r in remittance]}}
    out = ROOT / "bench" / "results" / f"reconcile-{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)  # not in a fresh checkout
    out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"results: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
