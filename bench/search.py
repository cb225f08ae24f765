"""Search speed: indexing, a typo query with two facets and highlighting, autocomplete, and how
soon a change is visible, on generated site documents, per backend, beside PostgreSQL.

    .venv/bin/python -m bench.search --docs 100000 --queries 300 --runs 3

Documents: `--docs` sites generated from the real catalogue's vocabulary (landmark words,
categories, destinations of tourstack/demo/data), so names look like the catalogue's and the
term statistics are realistic. Queries: a catalogue-like name with one typo (a letter dropped,
doubled or swapped), asking for the `location` and `category` facet counts and highlights,
through tourstack.search.SearchService as the API calls it (the HTTP layer is not included);
autocomplete: the first 3-6 letters of a name. "Visible" is the time from an upsert of a new
document until a query finds it.

The peer, measured in the same run on the same documents and queries: PostgreSQL full-text
search (`websearch_to_tsquery` on an indexed tsvector) plus pg_trgm similarity on the name
(GIN trigram index), with the two facet counts as GROUP BY queries, on a scratch database of the
local server. Figures are medians over `--runs`; docs/benchmarks.md records them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import statistics
import tempfile
import time
from pathlib import Path

from tourstack.demo.catalogue import read_rows

RESULTS = Path(__file__).resolve().parent / "results"
PG_ADMIN_URL = os.environ.get("TOURSTACK_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def generate(n: int, seed: int = 5) -> list[dict]:
    rng = random.Random(seed)
    landmarks = read_rows("landmarks.csv")
    dests = [d["name"] for d in read_rows("destinations.csv")]
    words = sorted({w for row in landmarks for w in row["name"].replace("'", "").split() if len(w) > 2})
    cats = sorted({row["category"] for row in landmarks})
    descr = [row["description"] for row in landmarks]
    docs = []
    for i in range(n):
        name = " ".join(rng.sample(words, rng.choice((2, 2, 3))))
        popularity = rng.randint(0, 100)
        docs.append({"id": i + 1, "name": name, "category": rng.choice(cats), "location": rng.choice(dests),
                     "description": rng.choice(descr), "price_range": rng.choice(("free", "budget", "moderate")),
                     "price_minor": rng.randint(0, 500_000), "popularity": popularity, "bookings_365d": 0,
                     "rating_x10": 0, "rank_signal": popularity // 2})
    return docs


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 5:
        return word
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("drop", "double", "swap"))
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def queries(docs: list[dict], n: int, seed: int = 9) -> tuple[list[str], list[str]]:
    rng = random.Random(seed)
    picked = rng.sample(docs, n)
    full = [" ".join(typo(w, rng) for w in d["name"].split()) for d in picked]
    prefixes = [d["name"][: rng.randint(3, 6)] for d in picked]
    return full, prefixes


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _timed(call, items) -> list[float]:
    out = []
    for item in items:
        start = time.perf_counter()
        call(item)
        out.append((time.perf_counter() - start) * 1000)
    return out


def run_engine(name: str, backend, docs: list[dict], full: list[str], prefixes: list[str]) -> dict:
    from tourstack.search import SearchRequest, SearchService

    service = SearchService(backend)
    start = time.perf_counter()
    service.reindex({"sites": docs})
    index_s = time.perf_counter() - start
    search = _timed(lambda q: service.search(SearchRequest(index="sites", q=q, facets=("location", "category"),
                                                           limit=10)), full)
    suggest = _timed(lambda q: service.suggest(q, ["sites"], agency_id=None, limit=8), prefixes)
    visible = []
    for k in range(5):
        doc = dict(docs[0], id=len(docs) + 100 + k, name=f"Zqxvbenchmark{k} Palace")
        start = time.perf_counter()
        service.index_documents("sites", [doc])
        while not service.search(SearchRequest(index="sites", q=f"zqxvbenchmark{k}", facets=(), limit=1)).hits:
            if time.perf_counter() - start > 30:
                break
            time.sleep(0.005)
        visible.append((time.perf_counter() - start) * 1000)
    return {"engine": name, "index_s": index_s, "search_p50_ms": percentile(search, 50),
            "search_p95_ms": percentile(search, 95), "search_p99_ms": percentile(search, 99),
            "suggest_p95_ms": percentile(suggest, 95), "visible_ms": statistics.median(visible)}


def run_postgres(docs: list[dict], full: list[str], prefixes: list[str]) -> dict:
    import psycopg

    dbname = f"ts_searchbench_{os.getpid()}_{secrets.token_hex(3)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{dbname}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{dbname}"
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            start = time.perf_counter()
            conn.execute("CREATE TABLE sites (id int PRIMARY KEY, name text, category text, location text, "
                         "description text, popularity int)")
            with conn.cursor().copy("COPY sites FROM STDIN") as copy:
                for d in docs:
                    copy.write_row((d["id"], d["name"], d["category"], d["location"], d["description"], d["popularity"]))
            conn.execute("ALTER TABLE sites ADD COLUMN tsv tsvector GENERATED ALWAYS AS "
                         "(setweight(to_tsvector('english', name), 'A') || to_tsvector('english', description)) STORED")
            conn.execute("CREATE INDEX ON sites USING gin (tsv)")
            conn.execute("CREATE INDEX ON sites USING gin (name gin_trgm_ops)")
            conn.execute("ANALYZE sites")
            index_s = time.perf_counter() - start
            conn.execute("SET pg_trgm.similarity_threshold = 0.3")
            hits = ("SELECT id, name, ts_headline('english', name, websearch_to_tsquery('english', %(q)s)) FROM sites "
                    "WHERE tsv @@ websearch_to_tsquery('english', %(q)s) OR name %% %(q)s "
                    "ORDER BY ts_rank(tsv, websearch_to_tsquery('english', %(q)s)) + similarity(name, %(q)s) DESC "
                    "LIMIT 10")
            facet = ("SELECT {col}, count(*) FROM sites WHERE tsv @@ websearch_to_tsquery('english', %(q)s) "
                     "OR name %% %(q)s GROUP BY 1")

            def search(q: str) -> None:
                conn.execute(hits, {"q": q}).fetchall()
                for col in ("location", "category"):
                    conn.execute(facet.format(col=col), {"q": q}).fetchall()

            def suggest(q: str) -> None:
                conn.execute("SELECT id, name FROM sites WHERE name ILIKE %(p)s ORDER BY popularity DESC LIMIT 8",
                             {"p": q + "%"}).fetchall()

            times = _timed(search, full)
            prefix_times = _timed(suggest, prefixes)
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}" WITH (FORCE)')
    return {"engine": "postgres", "index_s": index_s, "search_p50_ms": percentile(times, 50),
            "search_p95_ms": percentile(times, 95), "search_p99_ms": percentile(times, 99),
            "suggest_p95_ms": percentile(prefix_times, 95), "visible_ms": 0.0}


def _typesense_backend():
    from bench.search_backends import _start_typesense
    from tourstack.search.config import default_config
    from tourstack.search.typesense_backend import TypesenseBackend

    key = secrets.token_hex(12)
    return TypesenseBackend(_start_typesense(key), key, default_config(), prefix="perf_", timeout_seconds=600)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engines", nargs="+", default=["tantivy", "typesense", "postgres"])
    args = parser.parse_args(argv)
    from tourstack.search.tantivy_backend import TantivyBackend

    docs = generate(args.docs)
    full, prefixes = queries(docs, args.queries)
    runs: dict[str, list[dict]] = {e: [] for e in args.engines}
    for _ in range(args.runs):
        for engine in args.engines:
            if engine == "tantivy":
                result = run_engine("tantivy", TantivyBackend(Path(tempfile.mkdtemp()) / "t"), docs, full, prefixes)
            elif engine == "typesense":
                result = run_engine("typesense", _typesense_backend(), docs, full, prefixes)
            else:
                result = run_postgres(docs, full, prefixes)
            runs[engine].append(result)
            print(json.dumps(result), flush=True)
    keys = ("index_s", "search_p50_ms", "search_p95_ms", "search_p99_ms", "suggest_p95_ms", "visible_ms")
    print(f"| engine | docs | {' | '.join(keys)} |")
    print("|---|---:|" + "---:|" * len(keys))
    summary = {}
    for engine, results in runs.items():
        medians = {k: statistics.median(r[k] for r in results) for k in keys}
        summary[engine] = medians
        print(f"| {engine} | {args.docs:,} | " + " | ".join(f"{medians[k]:.2f}" for k in keys) + " |")
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    out = RESULTS / f"search-{stamp}.json"
    out.write_text(json.dumps({"docs": args.docs, "queries": args.queries, "runs": runs, "medians": summary,
                               "machine": platform.platform(), "cpus": os.cpu_count(),
                               "load": os.getloadavg()}, indent=2))
    print(f"wrote {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
