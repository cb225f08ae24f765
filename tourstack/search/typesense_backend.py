"""The server backend: one Typesense collection per build, reached through an alias.

A re-index creates `<prefix><index>_<stamp>`, imports the documents, registers the synonyms,
then points the alias `<prefix><index>` at it (one call, atomic on the server) and drops the
collection the alias pointed at before: searches never see a half-built collection.

The engine matches the analysed `<field>__terms` fields (see tourstack.search.analysis) with
its own typo tolerance, prefix search and synonyms; scoping and filters go into `filter_by`
as typed clauses built here (filter values were checked in tourstack.search.query and are
quoted in backticks), never from the caller's text.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from itertools import islice
from typing import Any

import typesense
from typesense.exceptions import ObjectNotFound, TypesenseClientError

from tourstack.search.analysis import analyse
from tourstack.search.backend import Document, RawResult
from tourstack.search.config import AGENCY, NAME_SORT, SIGNAL, TERMS_SUFFIX, IndexSpec, SearchConfig
from tourstack.search.errors import SearchUnavailable
from tourstack.search.query import Plan

BATCH = 1000
FACET_VALUES = 100
# Typesense gives up on typo variants once this many results match exactly; tantivy always
# adds fuzzy alternatives, so a high value keeps the two backends alike.
TYPO_TOKENS_THRESHOLD = 100


def _schema(spec: IndexSpec, name: str) -> dict[str, Any]:
    fields: list[dict[str, Any]] = [{"name": n + TERMS_SUFFIX, "type": "string"} for n in spec.text]
    fields += [{"name": n, "type": "string", "facet": True} for n in spec.facets]
    fields += [{"name": n, "type": "int64"} for n in (*spec.numbers, AGENCY, SIGNAL)]
    fields.append({"name": NAME_SORT, "type": "string", "sort": True})
    # Fields not declared (the original text) are stored and returned, not indexed.
    return {"name": name, "fields": fields, "default_sorting_field": SIGNAL}


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(islice(iterator, BATCH)):
        yield batch


class TypesenseBackend:
    name = "typesense"

    def __init__(
        self, url: str, api_key: str, config: SearchConfig, *, prefix: str = "", timeout_seconds: float = 10.0
    ) -> None:
        scheme, _, rest = url.partition("://")
        host, _, port = rest.rstrip("/").partition(":")
        self.prefix = prefix
        self.config = config
        self.client = typesense.Client({
            "nodes": [{"host": host, "port": int(port or (443 if scheme == "https" else 80)), "protocol": scheme}],
            "api_key": api_key,
            "connection_timeout_seconds": timeout_seconds,
            "num_retries": 1,
        })
        self.url = url  # the key is never kept in anything printed

    def _call(self, what: str, call):
        try:
            return call()
        except ObjectNotFound:
            raise SearchUnavailable(f"the search index is not built yet ({what})") from None
        except (TypesenseClientError, OSError) as exc:
            raise SearchUnavailable(f"the search server failed to {what}") from exc
        except Exception as exc:  # requests' connection errors and the like
            raise SearchUnavailable(f"the search server could not be reached to {what}") from exc

    # -- building -----------------------------------------------------------------------
    def replace_index(
        self, spec: IndexSpec, documents: Iterable[Document], synonyms: tuple[tuple[str, ...], ...] = ()
    ) -> str:
        alias = self.prefix + spec.name
        name = f"{alias}_{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%S%fZ')}"
        self._call("create a collection", lambda: self.client.collections.create(_schema(spec, name)))
        collection = self.client.collections[name]
        for batch in _batches(documents):
            results = self._call("import documents", lambda: collection.documents.import_(batch, {"action": "create"}))
            failed = [r for r in results if not r.get("success")]
            if failed:
                raise SearchUnavailable(f"the search server refused {len(failed)} documents: {failed[0].get('error')}")
        for number, group in enumerate(synonyms):
            members = sorted({term for word in group for term in analyse(word, self.config.language)})
            if len(members) > 1:
                self._call("store synonyms", lambda: collection.synonyms.upsert(f"group-{number}", {"synonyms": members}))
        previous = self._alias_target(alias)
        self._call("swap the alias", lambda: self.client.aliases.upsert(alias, {"collection_name": name}))
        if previous and previous != name:
            try:
                self.client.collections[previous].delete()
            except TypesenseClientError:
                pass  # already gone; the alias no longer points at it either way
        return f"{self.url}/collections/{name} (alias {alias})"

    def _alias_target(self, alias: str) -> str | None:
        try:
            return self.client.aliases[alias].retrieve()["collection_name"]
        except ObjectNotFound:
            return None

    # -- changes to the live collection ---------------------------------------------------
    def upsert(self, spec: IndexSpec, documents: Iterable[Document]) -> int:
        collection = self.client.collections[self.prefix + spec.name]  # the alias
        count = 0
        for batch in _batches(documents):
            results = self._call("upsert documents", lambda: collection.documents.import_(batch, {"action": "upsert"}))
            failed = [r for r in results if not r.get("success")]
            if failed:
                raise SearchUnavailable(f"the search server refused {len(failed)} documents: {failed[0].get('error')}")
            count += len(batch)
        return count

    def delete(self, spec: IndexSpec, ids: Iterable[str]) -> None:
        collection = self.client.collections[self.prefix + spec.name]
        for doc_id in ids:
            try:
                collection.documents[str(doc_id)].delete()
            except ObjectNotFound:
                continue
            except (TypesenseClientError, OSError) as exc:
                raise SearchUnavailable("the search server failed to delete a document") from exc

    # -- searching ----------------------------------------------------------------------
    def run(self, plan: Plan) -> RawResult:
        params = self._params(plan)
        alias = self.prefix + plan.index.name
        answer = self._call("search", lambda: self.client.collections[alias].documents.search(params))
        documents = [
            ({k: v for k, v in hit["document"].items() if not k.endswith(TERMS_SUFFIX)}, float(hit.get("text_match", 0)))
            for hit in answer.get("hits", [])
        ]
        facets = {
            facet["field_name"]: {c["value"]: int(c["count"]) for c in facet["counts"] if c["value"] != ""}
            for facet in answer.get("facet_counts", [])
        }
        for name in plan.facets:
            facets.setdefault(name, {})
        return RawResult(documents=documents, total=int(answer.get("found", 0)), facets=facets)

    def _params(self, plan: Plan) -> dict[str, Any]:
        one, two = self._typo_lengths()
        params: dict[str, Any] = {
            # The analysed words; synonyms are the collection's, registered at build time.
            "q": " ".join(word.terms[0] for word in plan.words),
            "query_by": ",".join(name + TERMS_SUFFIX for name in plan.fields),
            "query_by_weights": ",".join(str(boost) for boost in plan.fields.values()),
            "prefix": "true" if any(word.prefix for word in plan.words) else "false",
            "num_typos": ",".join(
                "0" if name in plan.index.exact else str(2 if two else (1 if one else 0)) for name in plan.fields
            ),
            "min_len_1typo": one or 255, "min_len_2typo": two or 255,
            "typo_tokens_threshold": TYPO_TOKENS_THRESHOLD,
            # Every word must match; the relaxed plan lets the server drop words (from the right)
            # until it finds answers, its own form of "any word".
            "drop_tokens_threshold": 0 if plan.match_all else plan.limit,
            "per_page": plan.limit,
            "page": plan.offset // plan.limit + 1,
            "exclude_fields": ",".join(name + TERMS_SUFFIX for name in plan.index.text),
            "highlight_fields": "none",
        }
        clauses = [f"{name}:=[`{value}`]" for name, value in plan.filters]
        if plan.agency_id is not None:
            allowed = [0, plan.agency_id] if plan.index.scope == "agency_or_shared" else [plan.agency_id]
            clauses.append(f"{AGENCY}:[{','.join(str(int(a)) for a in allowed)}]")
        if clauses:
            params["filter_by"] = " && ".join(clauses)
        if plan.facets:
            params["facet_by"] = ",".join(plan.facets)
            params["max_facet_values"] = FACET_VALUES
        if plan.sort is None:
            params["sort_by"] = f"_text_match:desc,{SIGNAL}:desc"
        else:
            params["sort_by"] = f"{plan.sort.field}:{'desc' if plan.sort.descending else 'asc'},_text_match:desc"
        return params

    def _typo_lengths(self) -> tuple[int | None, int | None]:
        one = next((length for length, distance in self.config.typos if distance >= 1), None)
        two = next((length for length, distance in self.config.typos if distance >= 2), None)
        return one, two
