"""The PostgreSQL reference ranker on a scratch database of the local server."""

from __future__ import annotations

import psycopg

from bench.search_rankers import PostgresRanker
from bench.search_relevance import load_catalogue


def test_postgres_ranker_answers_and_drops_its_database(pg_admin_url):
    ranker = PostgresRanker(load_catalogue(), admin_url=pg_admin_url)
    try:
        assert ranker("sites", "Taj Mahal", {}, 3)[0] == "Agra/Taj Mahal"
        assert ranker("sites", "Musée d'Orsay", {}, 3)[0] == "Paris/Musee d'Orsay"  # unaccent
        assert ranker("sites", "fort", {"location": "Jodhpur"}, 10) == ["Jodhpur/Mehrangarh Fort"]
        assert ranker("sites", '"unbalanced', {}, 5) is not None
    finally:
        ranker.close()
    with psycopg.connect(pg_admin_url) as conn:
        left = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (ranker.dbname,)).fetchall()
    assert left == []
