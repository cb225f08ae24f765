"""The embedded backend: one tantivy index per search index, in a directory under var/.

Layout: `<root>/<index>/builds/<stamp>/` holds each full build; `<root>/<index>/current` is a
symlink to the live one. A re-index writes a new build, then replaces the symlink with
`os.replace` (an atomic rename), so readers see the old index or the new one, never a half
built one. Readers notice the swap on their next query (the link target is compared).

Queries are built from tantivy.Query objects, never parsed from the caller's string, so
quotes, colons and brackets cannot make the parser raise. tantivy raises `PanicException` (a
BaseException) for some inputs, e.g. a limit of 0: every engine call is guarded and turns
into SearchUnavailable rather than escaping as an unhandled error.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

import tantivy

from tourstack.search.backend import Document, RawResult
from tourstack.search.config import AGENCY, ID, NAME_SORT, SIGNAL, TERMS_SUFFIX, IndexSpec
from tourstack.search.errors import SearchUnavailable
from tourstack.search.query import Plan

SOURCE = "_source"
KEEP_BUILDS = 2  # the live build and the one before it (a reader may still hold it open)
FACET_BUCKETS = 100
T = TypeVar("T")


def _schema(spec: IndexSpec) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(ID, stored=False, tokenizer_name="raw")
    for name in spec.text:
        # Already analysed by tourstack.search.analysis: split on spaces only.
        builder.add_text_field(name + TERMS_SUFFIX, tokenizer_name="whitespace")
    for name in (*spec.facets, NAME_SORT):
        builder.add_text_field(name, fast=True, tokenizer_name="raw")
    for name in (*spec.numbers, AGENCY, SIGNAL):
        builder.add_integer_field(name, indexed=True, fast=True)
    builder.add_bytes_field(SOURCE, stored=True, indexed=False)
    return builder.build()


def _guard(what: str, call: Callable[[], T]) -> T:
    try:
        return call()
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # PanicException derives from BaseException
        raise SearchUnavailable(f"the search engine failed to {what}") from exc


class TantivyBackend:
    name = "tantivy"

    def __init__(self, root: Path, *, writer_heap_bytes: int = 50_000_000) -> None:
        self.root = Path(root)
        self.writer_heap_bytes = writer_heap_bytes
        self._open: dict[str, tuple[str, tantivy.Index]] = {}
        self._lock = threading.Lock()

    # -- building -----------------------------------------------------------------------
    def location(self, index: str) -> Path:
        return self.root / index / "current"

    def replace_index(
        self, spec: IndexSpec, documents: Iterable[Document], synonyms: tuple[tuple[str, ...], ...] = ()
    ) -> str:
        """Build `<root>/<index>/builds/<stamp>` and point `current` at it atomically.

        Synonyms are expanded at query time (tourstack.search.query), so the index holds none."""
        base = self.root / spec.name
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        build = base / "builds" / stamp
        build.mkdir(parents=True)
        schema = _schema(spec)
        index = tantivy.Index(schema, path=str(build))
        writer = index.writer(heap_size=self.writer_heap_bytes, num_threads=1)
        for doc in documents:
            writer.add_document(self._document(spec, doc))
        writer.commit()
        writer.wait_merging_threads()
        link = base / "current"
        tmp = base / f".current-{stamp}"
        os.symlink(Path("builds") / stamp, tmp)
        os.replace(tmp, link)  # atomic: readers see the old build or this one
        self._prune(base / "builds", keep=stamp)
        return f"{link} (build {stamp})"

    @staticmethod
    def _document(spec: IndexSpec, doc: Document) -> tantivy.Document:
        fields: dict[str, Any] = {ID: doc[ID]}
        for name in spec.text:
            fields[name + TERMS_SUFFIX] = doc[name + TERMS_SUFFIX]
        for name in (*spec.facets, NAME_SORT):
            fields[name] = doc[name]
        for name in (*spec.numbers, AGENCY, SIGNAL):
            fields[name] = int(doc[name])
        source = {k: v for k, v in doc.items() if not k.endswith(TERMS_SUFFIX)}
        fields[SOURCE] = json.dumps(source, default=str).encode()
        return tantivy.Document(**fields)

    @staticmethod
    def _prune(builds: Path, keep: str) -> None:
        older = sorted(p for p in builds.iterdir() if p.name < keep)
        for path in older[: max(0, len(older) - (KEEP_BUILDS - 1))]:
            shutil.rmtree(path, ignore_errors=True)

    # -- changes to the live build ---------------------------------------------------------
    # One writer per index directory: tantivy holds a lock file, so a second writer (another
    # process upserting at the same moment) fails and is reported as SearchUnavailable, which
    # a caller retries. A change written while a full re-index runs lands in the old build;
    # the re-index reads the database afterwards, so run changes again after it (or let the
    # next re-index carry them).
    def upsert(self, spec: IndexSpec, documents: Iterable[Document]) -> int:
        index = self._index(spec.name)
        docs = list(documents)

        def write() -> None:
            writer = index.writer(heap_size=self.writer_heap_bytes, num_threads=1)
            for doc in docs:
                writer.delete_documents(ID, doc[ID])
                writer.add_document(self._document(spec, doc))
            writer.commit()
            writer.wait_merging_threads()

        _guard("write documents", write)
        index.reload()
        return len(docs)

    def delete(self, spec: IndexSpec, ids: Iterable[str]) -> None:
        index = self._index(spec.name)
        wanted = [str(i) for i in ids]

        def write() -> None:
            writer = index.writer(heap_size=self.writer_heap_bytes, num_threads=1)
            for doc_id in wanted:
                writer.delete_documents(ID, doc_id)
            writer.commit()
            writer.wait_merging_threads()

        _guard("delete documents", write)
        index.reload()

    # -- searching ----------------------------------------------------------------------
    def _index(self, name: str) -> tantivy.Index:
        link = self.location(name)
        try:
            target = os.readlink(link)
        except OSError:
            raise SearchUnavailable(f"the {name} search index has not been built yet") from None
        with self._lock:
            cached = self._open.get(name)
            if cached is None or cached[0] != target:
                cached = (target, tantivy.Index.open(str(link.parent / target)))
                self._open[name] = cached
            return cached[1]

    def run(self, plan: Plan) -> RawResult:
        index = self._index(plan.index.name)
        schema = index.schema
        query = _guard("build the query", lambda: self._query(schema, plan))
        searcher = index.searcher()
        options: dict[str, Any] = {"limit": plan.limit, "offset": plan.offset, "count": True}
        if plan.sort is None:
            options["weight_by_field"] = SIGNAL
        else:
            options["order_by_field"] = plan.sort.field
            options["order"] = tantivy.Order.Desc if plan.sort.descending else tantivy.Order.Asc
        found = _guard("search", lambda: searcher.search(query, **options))
        documents = []
        for key, address in found.hits:
            source = searcher.doc(address).get_first(SOURCE)
            score = float(key) if plan.sort is None else 0.0
            documents.append((json.loads(source), score))
        facets = self._facets(searcher, query, plan) if plan.facets else {}
        return RawResult(documents=documents, total=int(found.count or 0), facets=facets)

    @staticmethod
    def _facets(searcher: tantivy.Searcher, query: tantivy.Query, plan: Plan) -> dict[str, dict[str, int]]:
        spec = {name: {"terms": {"field": name, "size": FACET_BUCKETS}} for name in plan.facets}
        answer = _guard("count facets", lambda: searcher.aggregate(query, spec))
        return {
            name: {b["key"]: int(b["doc_count"]) for b in answer.get(name, {}).get("buckets", []) if b["key"] != ""}
            for name in plan.facets
        }

    @staticmethod
    def _query(schema: tantivy.Schema, plan: Plan) -> tantivy.Query:
        Q, Occur = tantivy.Query, tantivy.Occur
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        words: list[tantivy.Query] = []
        for word in plan.words:
            alternatives = []
            for name, boost in plan.fields.items():
                field = name + TERMS_SUFFIX
                for position, term in enumerate(word.terms):
                    alternatives.append(Q.boost_query(Q.term_query(schema, field, term), 2.0 * boost))
                    if position == 0 and word.distance and name not in plan.index.exact:
                        fuzzy = Q.fuzzy_term_query(schema, field, term, distance=word.distance)
                        alternatives.append(Q.boost_query(fuzzy, 0.5 * boost))
                    if word.prefix:
                        prefix = Q.fuzzy_term_query(schema, field, term, distance=0, prefix=True)
                        alternatives.append(Q.boost_query(prefix, 1.0 * boost))
            words.append(Q.boolean_query([(Occur.Should, a) for a in alternatives]))
        if plan.match_all:
            clauses.extend((Occur.Must, word) for word in words)
        else:  # at least one word, more matching words score higher
            clauses.append((Occur.Must, Q.boolean_query([(Occur.Should, word) for word in words])))
        filters = [Q.term_query(schema, name, value) for name, value in plan.filters]
        if plan.agency_id is not None:
            allowed = [plan.agency_id, 0] if plan.index.scope == "agency_or_shared" else [plan.agency_id]
            filters.append(Q.term_set_query(schema, AGENCY, allowed))
        clauses.extend((Occur.Must, Q.const_score_query(f, 0.0)) for f in filters)
        return Q.boolean_query(clauses)
