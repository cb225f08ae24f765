"""The two reference rankers the relevance benchmark scores beside every backend, in the same run.

- `substring`: the simplest possible search (the floor);
- `postgres`: PostgreSQL full-text search plus pg_trgm on the name (the peer the issue names),
  on a scratch database created and dropped per run.

Both take the catalogue of bench/search_relevance.py and return its `SearchFn`.
"""

from __future__ import annotations

import os
import secrets

from bench.search_relevance import PG_ADMIN_URL, Catalogue, SearchFn, _passes

# --- substring (the floor) ---


def make_substring(catalogue: Catalogue) -> SearchFn:
    """Case-insensitive: the whole query inside the name, then every word inside the name, then the
    whole query inside the name and other text, then every word inside it; ties by popularity, then
    catalogue order. No stemming, no fuzziness, no accent folding: the floor."""

    def search(index: str, query: str, filters: dict, limit: int) -> list[str]:
        q = query.lower().strip()
        words = q.split()
        if not words:
            return []
        scored = []
        for doc in catalogue.docs[index]:
            if not _passes(doc, filters):
                continue
            name, text = doc.name.lower(), f"{doc.name} {doc.body}".lower()
            if q in name:
                tier = 0
            elif all(w in name for w in words):
                tier = 1
            elif q in text:
                tier = 2
            elif all(w in text for w in words):
                tier = 3
            else:
                continue
            scored.append((tier, -doc.popularity, doc.order, doc.key))
        return [key for *_, key in sorted(scored)[:limit]]

    return search


# --- reference ranker 2: PostgreSQL full text + pg_trgm (the peer) ---------------------------

PG_SEARCH_SQL = """
WITH q AS (SELECT websearch_to_tsquery('english', unaccent(%(q)s)) AS tq, lower(unaccent(%(q)s)) AS qn)
SELECT d.key FROM docs d, q
WHERE d.idx = %(idx)s
  AND (%(location)s::text IS NULL OR d.location = %(location)s)
  AND (%(kind)s::text IS NULL OR d.kind = %(kind)s)
  AND (d.tsv @@ q.tq OR similarity(q.qn, d.name_n) >= 0.3 OR word_similarity(q.qn, d.name_n) >= 0.5)
ORDER BY ts_rank_cd(d.tsv, q.tq) + greatest(similarity(q.qn, d.name_n), word_similarity(q.qn, d.name_n)) DESC,
         d.popularity DESC, d.ord
LIMIT %(limit)s
"""


class PostgresRanker:
    """PostgreSQL full-text search (english configuration, name weighted A, other text B, queries
    through websearch_to_tsquery) plus pg_trgm similarity on the name, both after unaccent, on a
    scratch database created on the local server and dropped on close. Written once, not tuned on
    the query set: a straightforward configuration as a team would first deploy it."""

    def __init__(self, catalogue: Catalogue, admin_url: str = PG_ADMIN_URL):
        import psycopg

        self._psycopg = psycopg
        self.admin_url = admin_url
        self.dbname = f"ts_searcheval_{os.getpid()}_{secrets.token_hex(3)}"
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{self.dbname}"')
        base, _, _ = admin_url.rpartition("/")
        self.conn = psycopg.connect(f"{base}/{self.dbname}", autocommit=True)
        self.conn.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        self.conn.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
        self.conn.execute("CREATE TABLE docs (key text, idx text, name text, body text, location text, kind text,"
                          " popularity real, ord int, name_n text, tsv tsvector, PRIMARY KEY (idx, key))")
        with self.conn.cursor() as cur:
            with cur.copy("COPY docs (key, idx, name, body, location, kind, popularity, ord) FROM STDIN") as cp:
                for docs in catalogue.docs.values():
                    for d in docs:
                        cp.write_row((d.key, d.index, d.name, d.body, d.location, d.kind, d.popularity, d.order))
        self.conn.execute("UPDATE docs SET name_n = lower(unaccent(name)),"
                          " tsv = setweight(to_tsvector('english', unaccent(name)), 'A')"
                          " || setweight(to_tsvector('english', unaccent(body)), 'B')")
        self.conn.execute("ANALYZE docs")

    def __call__(self, index: str, query: str, filters: dict, limit: int) -> list[str]:
        params = {"q": query, "idx": index, "location": filters.get("location"), "kind": filters.get("kind"),
                  "limit": limit}
        return [row[0] for row in self.conn.execute(PG_SEARCH_SQL, params).fetchall()]

    def close(self) -> None:
        self.conn.close()
        with self._psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')

    def server_version(self) -> str:
        return self.conn.execute("SHOW server_version").fetchone()[0]


def make_postgres(catalogue: Catalogue) -> PostgresRanker:
    return PostgresRanker(catalogue)


