"""Search relevance benchmark: a labelled query set scored against any ranker, beside two references.

    .venv/bin/python -m bench.search_relevance --ranker substring postgres
    .venv/bin/python -m bench.search_relevance --ranker some.module:make_search   # a backend

The contract every ranker meets (the Tourstack search backends included):

    search(index: str, query: str, filters: dict, limit: int) -> list[str]

returns document keys, best first, at most `limit` of them. `index` is one of INDEXES. `filters`
is {} or holds exact-match restrictions: "location" (a destination name; sites and suppliers) and
"kind" (a supplier kind: hotel, transport, guide, activity). Keys (see `site_key`):

    sites         "<destination>/<site name>"   e.g. "Agra/Taj Mahal", "Jaipur/Jaipur Desert Safari"
    destinations  "<destination name>"          e.g. "Varanasi"
    suppliers     "<supplier name>"             e.g. "Hotel Royal Jaipur" (names are unique)
    bookings      "<booking ref>"               e.g. "TB1QEC0Q1"

A backend plugs in with one line, e.g. `lambda i, q, f, n: [h.id for h in backend.search(i, q, f, n)]`,
exposed as a factory `make_search(catalogue) -> search` and named on the command line as
`module:make_search`. Keys a ranker returns that are not in the catalogue count as misses and are
reported (`unknown_keys`); a query on which the ranker raises (tantivy's PanicException included)
scores 0 and is reported (`errors`), so one bad query does not hide the rest.

Splits: queries with an odd number (q001, q003, ...) are `dev`, even ones `test`. Whoever tunes a
backend against this set (synonym lists, fuzziness, weights) tunes on `dev` and reports `test`
(`--split test`); a figure on queries the configuration was tuned on is not evidence.

The documents are the demo's own catalogue, built by the demo generator itself (no copy): sites
are the landmarks of tourstack/demo/data/landmarks.csv plus the activity templates of
activities.csv expanded per destination; destinations are destinations.csv; suppliers are the
deterministic names of tourstack.demo.suppliers (they do not depend on the seed); bookings are the
refs of the "tiny" demo preset (ids 1..500; a ref is a pure function of the id). Itinerary titles
("5 days in Jaipur") and agency names (drawn at random) are not stable documents and are left out.

Labels live in bench/data/search/queries.jsonl, written from the behaviour description in
docs/search-evaluation.md, not from any ranking. Every label is validated against the catalogue
before scoring: a label naming a document that does not exist is an error.

Metrics, per query then averaged (overall, per behaviour, per index): MRR@10 and hit@k count a
document of any grade (1 acceptable, 2 intended) as relevant; NDCG@10 uses gains 2^grade - 1 and
the log2(rank + 1) discount, against the ideal ordering of the labelled documents.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import math
import os
import platform
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "bench" / "data" / "search" / "queries.jsonl"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN_URL = os.environ.get("TOURSTACK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")

INDEXES = ("sites", "destinations", "suppliers", "bookings")
BEHAVIOURS = ("exact", "typo", "transliteration", "synonym", "old_name", "diacritic", "punctuation",
              "prefix", "partial", "multi_word", "category_intent", "reference")
FILTERS = {"sites": {"location"}, "destinations": set(), "suppliers": {"location", "kind"}, "bookings": set()}
DEMO_SEED = 42  # the demo's default seed; only activity popularity (a tie-breaker) depends on it
BOOKINGS_PRESET = "tiny"
K = 10
SPLITS = ("all", "dev", "test")

SearchFn = Callable[[str, str, dict, int], list[str]]


class LabelError(ValueError):
    """The query set does not match the catalogue or the documented format."""


def site_key(destination: str, name: str) -> str:
    """The one key format of a site: names such as "<city> Old Town Food Walk" exist per city."""
    return f"{destination}/{name}"


@dataclass(frozen=True)
class Document:
    key: str
    index: str
    name: str
    body: str  # the other searchable text: description, category, destination, country, service
    location: str | None
    kind: str | None
    popularity: float
    order: int  # catalogue order, the last tie-breaker


@dataclass
class Catalogue:
    docs: dict[str, list[Document]]
    by_key: dict[str, dict[str, Document]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_key = {index: {d.key: d for d in docs} for index, docs in self.docs.items()}


@lru_cache(maxsize=1)
def load_catalogue() -> Catalogue:
    """The documents of every index, built by the demo generator's own functions."""
    import numpy as np

    from tourstack.demo.catalogue import build_catalogue, read_rows
    from tourstack.demo.config import SIZES
    from tourstack.demo.fx import FxTable
    from tourstack.demo.sales import booking_refs
    from tourstack.demo.suppliers import KINDS, SERVICE, build_suppliers

    start = dt.date(2025, 1, 1)
    fx = FxTable(start, 30)
    cat = build_catalogue(DEMO_SEED, start, fx)
    sup = build_suppliers(DEMO_SEED, start, start + dt.timedelta(days=30), cat, fx)
    dests = read_rows("destinations.csv")
    sites_t = cat.tables["sites"]
    docs: dict[str, list[Document]] = {i: [] for i in INDEXES}
    for i, name in enumerate(sites_t["name"]):
        dest = dests[int(sites_t["destination_id"][i]) - 1]
        body = " ".join([sites_t["description"][i], sites_t["category"][i].replace("_", " "), dest["name"],
                         dest["region"], dest["country_name"]])
        docs["sites"].append(Document(site_key(dest["name"], name), "sites", name, body, dest["name"], None,
                                      float(sites_t["popularity"][i]), i))
    for i, d in enumerate(dests):
        body = " ".join([d["city"], d["region"], d["country_name"], d["country_code"]])
        docs["destinations"].append(Document(d["name"], "destinations", d["name"], body, d["name"], None,
                                             float(d["weight"]), i))
    for i, name in enumerate(sup.name):
        kind = KINDS[int(sup.kind[i])]
        dest = dests[int(sup.dest[i])]
        star = f" {int(sup.star[i])} star" if sup.star[i] else ""
        body = f"{kind}{star} {SERVICE[kind]} {dest['name']} {dest['country_name']}"
        docs["suppliers"].append(Document(name, "suppliers", name, body, dest["name"], kind, 0.0, i))
    refs = booking_refs(np.arange(1, SIZES[BOOKINGS_PRESET] + 1))
    for i, ref in enumerate(refs):
        docs["bookings"].append(Document(str(ref), "bookings", str(ref), "", None, None, 0.0, i))
    return Catalogue(docs)


# --- the query set ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    id: str
    query: str
    index: str
    behaviour: str
    grades: dict[str, int]  # key -> 1 (acceptable) or 2 (intended)
    filters: dict[str, str]
    note: str | None = None

    @property
    def split(self) -> str:
        return "dev" if int(self.id.lstrip("q")) % 2 else "test"


def label_key(index: str, label: dict) -> str:
    if index == "sites":
        return site_key(label["destination"], label["name"])
    return label["name"]


def load_queries(path: Path = QUERIES, catalogue: Catalogue | None = None) -> list[Query]:
    """Read and validate the set; every problem is collected and raised together."""
    catalogue = catalogue or load_catalogue()
    errors: list[str] = []
    queries: list[Query] = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            errors.append(f"line {n}: not JSON ({exc})")
            continue
        where = f"line {n} ({row.get('id')})"
        problems = _check_row(row, catalogue, seen)
        errors += [f"{where}: {p}" for p in problems]
        if not problems:
            seen.add(row["id"])
            grades = {label_key(row["index"], lab): int(lab["grade"]) for lab in row["relevant"]}
            queries.append(Query(row["id"], row["query"], row["index"], row["behaviour"], grades,
                                 dict(row.get("filters") or {}), row.get("note")))
    if errors:
        raise LabelError(f"{len(errors)} problem(s) in {path}:\n" + "\n".join(errors))
    return queries


def _check_row(row: dict, catalogue: Catalogue, seen: set[str]) -> list[str]:
    out = []
    if not isinstance(row.get("id"), str) or row["id"] in seen or not re.fullmatch(r"q\d{3,}", row["id"]):
        out.append("missing, repeated or malformed id (q001, q002, ...)")
    if not isinstance(row.get("query"), str) or not row["query"].strip():
        out.append("empty query")
    index = row.get("index")
    if index not in INDEXES:
        return out + [f"unknown index {index!r}"]
    if row.get("behaviour") not in BEHAVIOURS:
        out.append(f"unknown behaviour {row.get('behaviour')!r}")
    filters = row.get("filters") or {}
    if set(filters) - FILTERS[index]:
        out.append(f"filters {sorted(set(filters) - FILTERS[index])} not defined on {index}")
    labels = row.get("relevant") or []
    if not labels:
        out.append("no relevant document")
    keys = []
    for lab in labels:
        try:
            key = label_key(index, lab)
        except KeyError as exc:
            out.append(f"label {lab} lacks {exc}")
            continue
        doc = catalogue.by_key[index].get(key)
        if doc is None:
            out.append(f"label {key!r} is not a document of {index}")
        elif not _passes(doc, filters):
            out.append(f"label {key!r} is excluded by the query's own filters {filters}")
        if lab.get("grade") not in (1, 2):
            out.append(f"label {key!r}: grade must be 1 or 2")
        keys.append(key)
    if len(keys) != len(set(keys)):
        out.append("a document is labelled twice")
    if labels and not any(lab.get("grade") == 2 for lab in labels):
        out.append("no intended (grade 2) document")
    return out


def _passes(doc: Document, filters: dict) -> bool:
    return all({"location": doc.location, "kind": doc.kind}.get(k) == v for k, v in filters.items())


# --- metrics ---------------------------------------------------------------------------------


def _dedupe(ranking: Iterable[str], k: int) -> list[str]:
    out: list[str] = []
    for key in ranking:
        if key not in out:
            out.append(key)
        if len(out) == k:
            break
    return out


def reciprocal_rank(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    for rank, key in enumerate(_dedupe(ranking, k), 1):
        if grades.get(key, 0) > 0:
            return 1.0 / rank
    return 0.0


def hit_at(ranking: list[str], grades: dict[str, int], k: int) -> float:
    return 1.0 if any(grades.get(key, 0) > 0 for key in _dedupe(ranking, k)) else 0.0


def ndcg_at(ranking: list[str], grades: dict[str, int], k: int = K) -> float:
    def dcg(gs: list[int]) -> float:
        return sum((2**g - 1) / math.log2(r + 1) for r, g in enumerate(gs, 1))

    ideal = dcg(sorted(grades.values(), reverse=True)[:k])
    got = dcg([grades.get(key, 0) for key in _dedupe(ranking, k)])
    return got / ideal if ideal else 0.0


METRICS = ("mrr@10", "hit@1", "hit@3", "ndcg@10")


def score_query(ranking: list[str], grades: dict[str, int]) -> dict[str, float]:
    return {"mrr@10": reciprocal_rank(ranking, grades), "hit@1": hit_at(ranking, grades, 1),
            "hit@3": hit_at(ranking, grades, 3), "ndcg@10": ndcg_at(ranking, grades)}


def _mean(rows: list[dict[str, float]]) -> dict[str, float]:
    return {m: sum(r[m] for r in rows) / len(rows) for m in METRICS} | {"queries": len(rows)}


def evaluate(search: SearchFn, queries: list[Query], catalogue: Catalogue | None = None,
             limit: int = K) -> dict:
    """Scores of one ranker: overall, per behaviour, per index, and per query (its top keys)."""
    catalogue = catalogue or load_catalogue()
    per_query, unknown, errors = [], 0, 0
    started = time.perf_counter()
    for q in queries:
        error = None
        try:
            ranking = [str(key) for key in search(q.index, q.query, dict(q.filters), limit)][:limit]
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - a backend's panic is a scored miss, not a crash
            ranking, error, errors = [], f"{type(exc).__name__}: {exc}", errors + 1
        unknown += sum(1 for key in ranking if key not in catalogue.by_key[q.index])
        per_query.append({"id": q.id, "query": q.query, "index": q.index, "behaviour": q.behaviour,
                          "ranking": ranking, **score_query(ranking, q.grades)}
                         | ({"error": error} if error else {}))
    elapsed = time.perf_counter() - started
    groups: dict[str, dict[str, list]] = {"behaviour": defaultdict(list), "index": defaultdict(list)}
    for row in per_query:
        groups["behaviour"][row["behaviour"]].append(row)
        groups["index"][row["index"]].append(row)
    return {
        "overall": _mean(per_query),
        "by_behaviour": {b: _mean(groups["behaviour"][b]) for b in BEHAVIOURS if groups["behaviour"][b]},
        "by_index": {i: _mean(groups["index"][i]) for i in INDEXES if groups["index"][i]},
        "unknown_keys": unknown,
        "errors": errors,
        "ms_per_query": 1000 * elapsed / max(1, len(queries)),
        "queries": per_query,
    }


REFERENCE_RANKERS = ("substring", "postgres")  # bench/search_rankers.py: make_<name>


def resolve_ranker(name: str) -> Callable[[Catalogue], SearchFn]:
    if name in REFERENCE_RANKERS:
        from bench import search_rankers

        return getattr(search_rankers, f"make_{name}")
    module, _, attr = name.partition(":")
    if not attr:
        raise SystemExit(f"unknown ranker {name!r}: use {', '.join(REFERENCE_RANKERS)} or module:factory")
    return getattr(importlib.import_module(module), attr)


# --- command line ----------------------------------------------------------------------------


def table(results: dict[str, dict]) -> str:
    names = list(results)
    head = "| behaviour | queries | " + " | ".join(f"{n} MRR@10 | {n} hit@1 | {n} hit@3 | {n} NDCG@10" for n in names) + " |"
    sep = "|---|---:|" + "---:|" * (4 * len(names))
    first = results[names[0]]
    rows = [("**overall**", first["overall"]["queries"], [results[n]["overall"] for n in names])]
    rows += [(b, first["by_behaviour"][b]["queries"], [results[n]["by_behaviour"][b] for n in names])
             for b in first["by_behaviour"]]
    rows += [(f"index: {i}", first["by_index"][i]["queries"], [results[n]["by_index"][i] for n in names])
             for i in first["by_index"]]
    lines = [head, sep]
    for label, count, cells in rows:
        vals = " | ".join(" | ".join(f"{c[m]:.3f}" for m in METRICS) for c in cells)
        lines.append(f"| {label} | {count} | {vals} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--ranker", nargs="+", default=["substring"],
                    help="substring, postgres, or module:factory (factory(catalogue) -> search callable)")
    ap.add_argument("--queries", type=Path, default=QUERIES)
    ap.add_argument("--split", choices=SPLITS, default="all", help="dev (odd ids), test (even ids) or all")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args(argv)

    catalogue = load_catalogue()
    queries = [q for q in load_queries(args.queries, catalogue) if args.split in ("all", q.split)]
    results, notes = {}, {}
    for name in args.ranker:
        ranker = resolve_ranker(name)(catalogue)
        try:
            results[name] = evaluate(ranker, queries, catalogue)
            if hasattr(ranker, "server_version"):
                notes[name] = f"PostgreSQL {ranker.server_version()}"
        finally:
            if hasattr(ranker, "close"):
                ranker.close()
    print(table(results))
    for name, res in results.items():
        print(f"{name}: {res['ms_per_query']:.2f} ms/query, unknown keys returned: {res['unknown_keys']},"
              f" queries that raised: {res['errors']}")
    if not args.no_write:
        args.out.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.timezone.utc)
        path = args.out / f"search_relevance-{now:%Y%m%dT%H%M%SZ}.json"
        meta = {"date": now.isoformat(timespec="seconds"), "machine": platform.platform(),
                "processor": platform.processor(), "cpus": os.cpu_count(), "python": platform.python_version(),
                "load_average": os.getloadavg(), "queries_file": str(args.queries.relative_to(ROOT))
                if args.queries.is_relative_to(ROOT) else str(args.queries),
                "split": args.split, "queries": len(queries), "rankers": notes}
        path.write_text(json.dumps({"meta": meta, "results": results}, indent=1, ensure_ascii=False) + "\n")
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
