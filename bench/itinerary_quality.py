"""Itinerary quality: generate offline itineraries across destinations, styles, budgets and
traveller kinds on the tiny demo catalogue, check each with `tourstack.itinerary.quality`, and
write the "## Itinerary quality" section of docs/benchmarks.md.

    python -m bench.itinerary_quality [--count 100] [--seed 7] [--no-write]

Properties checked per plan: every site, hotel and transport item exists in the destination's
catalogue; no site on a day it is closed or outside its hours; no overlapping items; the
style's activity count and time at sites; the budget's site price level and hotel stars; one
hotel per night; no site twice. Also reported: interest coverage, activities per day, planning
time per plan.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
SECTION = "## Itinerary quality"
STYLES = ("relaxed", "moderate", "fast_paced")
BUDGETS = ("budget", "moderate", "luxury")
KINDS = ("couple", "family", "solo", "group")
INTERESTS = ("culture", "history", "food", "shopping", "nature", "relaxation", "adventure",
             "nightlife", "spiritual", "photography")


def build_catalogue_db(path: Path) -> str:
    from tourstack.db.migrate import upgrade
    from tourstack.demo import seed

    url = f"sqlite:///{path}"
    upgrade(url)
    seed(url, "tiny", seed=11, as_of="2026-06-30", progress=False)
    return url


def run(count: int, seed: int, url: str) -> dict:
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.itinerary.catalogue import list_destinations, load_catalogue
    from tourstack.itinerary.models import Travellers, TripRequest
    from tourstack.itinerary.offline import plan_offline
    from tourstack.itinerary.pacing import categories_for
    from tourstack.itinerary.quality import check_plan

    rng = random.Random(seed)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as session:
        names = list_destinations(session)
        catalogues = {n: load_catalogue(session, n, as_of=dt.date(2026, 10, 1)) for n in names}
    engine.dispose()
    failures: list[tuple[str, list[str]]] = []
    timings, per_day, covered, violations = [], [], 0, Counter()
    by_style: dict[str, list[float]] = {s: [] for s in STYLES}
    for i in range(count):
        dest = names[i % len(names)]
        style, budget = STYLES[i % 3], BUDGETS[(i // 3) % 3]
        interests = rng.sample(INTERESTS, rng.randint(1, 3))
        start = dt.date(2026, 7, 1) + dt.timedelta(days=rng.randint(0, 364)) if i % 5 else None
        trip = TripRequest(destination=dest, days=rng.randint(1, 7), budget=budget, style=style,
                           interests=interests, travellers=Travellers.of(rng.choice(KINDS)), start_date=start)
        cat = catalogues[dest]
        t0 = time.perf_counter()
        plan = plan_offline(cat, trip)
        timings.append((time.perf_counter() - t0) * 1000)
        problems = check_plan(plan, cat, trip)
        if problems:
            failures.append((f"{dest} {trip.days}d {style} {budget}", problems))
            violations.update(p.split(": ", 1)[-1].split(" ")[0] for p in problems)
        sites = [it for _, it in plan.items() if it.kind == "site"]
        per_day.append(len(sites) / trip.days)
        by_style[style].append(len(sites) / trip.days)
        wanted = categories_for(interests)
        covered += any(s.category in wanted for s in sites)
    return {
        "count": count, "seed": seed, "destinations": len(names), "failures": failures,
        "violations": violations, "covered": covered, "per_day": statistics.mean(per_day),
        "by_style": {s: statistics.mean(v) for s, v in by_style.items() if v},
        "p50_ms": statistics.median(timings), "p95_ms": sorted(timings)[int(0.95 * (len(timings) - 1))],
        "max_ms": max(timings),
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def summary_table(r: dict) -> str:
    ok = r["count"] - len(r["failures"])
    styles = ", ".join(f"{s} {v:.2f}" for s, v in r["by_style"].items())
    rows = [
        ("plans generated", f"{r['count']} over {r['destinations']} destinations"),
        ("plans passing every check", f"{ok} / {r['count']}"),
        ("plans with a site matching an interest", f"{r['covered']} / {r['count']}"),
        ("activities per day (mean)", f"{r['per_day']:.2f} ({styles})"),
        ("planning time per plan", f"p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, max {r['max_ms']:.1f} ms"),
    ]
    lines = ["| measure | result |", "|---|---|"] + [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines)


def write_section(r: dict) -> None:
    failed = "\n".join(f"- {name}: {'; '.join(p[:3])}" for name, p in r["failures"][:10]) or "none"
    body = f"""{SECTION}

`python -m bench.itinerary_quality --count {r['count']} --seed {r['seed']}`; run on
{dt.date.today().isoformat()}, {machine()}.

Method: {r['count']} offline plans on the tiny demo catalogue (seed 11), cycling destinations,
styles (relaxed, moderate, fast-paced) and budgets, with 1-3 random interests, 1-7 days, a random
traveller kind, and a start date for four plans in five (the fifth is undated, where weekly
closing days cannot be checked and are noted on the items instead). Each plan is checked by
`tourstack.itinerary.quality.check_plan`: catalogue existence of every site, hotel and
transport item; opening days and hours; no overlaps; the style's activity count and minutes at
sites; the budget's price level and hotel stars; one hotel per night; no site twice. Planning
time includes routing through `tourstack.routing.plan_day` when it is installed.

Target: every plan passes every check.

{summary_table(r)}

Failures (first ten): {failed}
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
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--database-url", default=None, help="a seeded catalogue; default: seed a temp one")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or build_catalogue_db(Path(tmp) / "catalogue.db")
        result = run(args.count, args.seed, url)
    print(summary_table(result))
    for name, problems in result["failures"][:10]:
        print(f"FAIL {name}: {problems[:3]}")
    if not args.no_write:
        write_section(result)
        print(f"wrote {SECTION!r} to {DOC}")


if __name__ == "__main__":
    main()
