"""The search evaluation set and its harness: labels resolve, coverage, metrics, the floor ranker."""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest

from bench.search_rankers import make_substring
from bench.search_relevance import (
    BEHAVIOURS,
    INDEXES,
    QUERIES,
    LabelError,
    evaluate,
    hit_at,
    load_catalogue,
    load_queries,
    ndcg_at,
    reciprocal_rank,
    site_key,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "search-evaluation.md"


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


@pytest.fixture(scope="module")
def queries(catalogue):
    return load_queries(QUERIES, catalogue)


def test_every_label_resolves_to_a_catalogue_document(catalogue, queries):
    for q in queries:
        assert q.grades and max(q.grades.values()) == 2, q.id
        for key in q.grades:
            assert key in catalogue.by_key[q.index], (q.id, key)


def test_a_label_naming_a_missing_document_is_an_error(catalogue, tmp_path):
    good = {"id": "q901", "query": "taj", "index": "sites", "behaviour": "prefix",
            "relevant": [{"destination": "Agra", "name": "Taj Mahal", "grade": 2}]}
    bad_site = dict(good, id="q902", relevant=[{"destination": "Delhi", "name": "Taj Mahal", "grade": 2}])
    bad_dest = {"id": "q903", "query": "bombay", "index": "destinations", "behaviour": "old_name",
                "relevant": [{"name": "Mumbai", "grade": 2}]}
    bad_filter = dict(good, id="q904", filters={"location": "Jaipur"})
    bad_behaviour = dict(good, id="q905", behaviour="vibes")
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(good) + "\n")
    assert [q.id for q in load_queries(path, catalogue)] == ["q901"]
    for bad, message in [(bad_site, "'Delhi/Taj Mahal' is not a document of sites"),
                         (bad_dest, "'Mumbai' is not a document of destinations"),
                         (bad_filter, "excluded by the query's own filters"),
                         (bad_behaviour, "unknown behaviour 'vibes'")]:
        path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n")
        with pytest.raises(LabelError, match=re.escape(message)):
            load_queries(path, catalogue)


def test_the_set_is_large_enough_and_covers_every_behaviour_of_the_description(queries):
    assert len(queries) >= 200
    assert len({q.id for q in queries}) == len(queries)
    counts = Counter(q.behaviour for q in queries)
    assert set(counts) == set(BEHAVIOURS)
    assert min(counts.values()) >= 10
    assert set(Counter(q.index for q in queries)) == set(INDEXES)
    described = DOC.read_text(encoding="utf-8")
    listed = re.search(r"`behaviour` \(one of the twelve above: (.*?)\)", described, re.S).group(1)
    assert set(re.findall(r"`(\w+)`", listed)) == set(BEHAVIOURS)
    splits = Counter((q.behaviour, q.split) for q in queries)
    assert all(splits[(b, "dev")] >= 4 and splits[(b, "test")] >= 4 for b in BEHAVIOURS)


def test_site_keys_carry_the_destination(catalogue):
    assert site_key("Agra", "Taj Mahal") == "Agra/Taj Mahal"
    assert "Jaipur/Jaipur Old Town Food Walk" in catalogue.by_key["sites"]
    assert "Dubai/Dubai Desert Safari" in catalogue.by_key["sites"]
    assert "Paris/Paris Desert Safari" not in catalogue.by_key["sites"]  # only_in restricts
    assert len(catalogue.docs["sites"]) == 334 and len(catalogue.docs["destinations"]) == 14


# --- metrics on a hand-computed toy example ---

GRADES = {"a": 2, "b": 1, "c": 1}


def test_reciprocal_rank_and_hits():
    assert reciprocal_rank(["x", "b", "a"], GRADES) == 0.5
    assert reciprocal_rank(["a"], GRADES) == 1.0
    assert reciprocal_rank([f"x{i}" for i in range(10)] + ["a"], GRADES) == 0.0  # rank 11: beyond @10
    assert reciprocal_rank([f"x{i}" for i in range(9)] + ["a"], GRADES) == 0.1
    assert reciprocal_rank(["x", "x", "a"], GRADES) == 0.5  # a repeated key counts once
    assert hit_at(["x", "y", "c"], GRADES, 3) == 1.0
    assert hit_at(["x", "y", "c"], GRADES, 1) == 0.0
    assert hit_at([], GRADES, 3) == 0.0


def test_ndcg_with_graded_gains():
    ideal = 3 / math.log2(2) + 1 / math.log2(3) + 1 / math.log2(4)  # a, then b and c
    got = 1 / math.log2(2) + 3 / math.log2(4)  # b at 1, x at 2, a at 3
    assert ndcg_at(["b", "x", "a"], GRADES) == pytest.approx(got / ideal)
    assert ndcg_at(["a", "b", "c"], GRADES) == pytest.approx(1.0)
    assert ndcg_at(["a", "c", "b", "x"], GRADES) == pytest.approx(1.0)
    assert ndcg_at(["x", "y"], GRADES) == 0.0


def test_evaluate_averages_per_behaviour(catalogue, tmp_path):
    rows = [{"id": "q001", "query": "Taj Mahal", "index": "sites", "behaviour": "exact",
             "relevant": [{"destination": "Agra", "name": "Taj Mahal", "grade": 2}]},
            {"id": "q002", "query": "Benares", "index": "destinations", "behaviour": "old_name",
             "relevant": [{"name": "Varanasi", "grade": 2}]}]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    qs = load_queries(path, catalogue)
    answers = {"Taj Mahal": ["Agra/Agra Fort", "Agra/Taj Mahal"], "Benares": ["Nowhere"]}
    res = evaluate(lambda index, query, filters, limit: answers[query], qs, catalogue)
    assert res["by_behaviour"]["exact"]["mrr@10"] == 0.5
    assert res["by_behaviour"]["old_name"]["hit@3"] == 0.0
    assert res["overall"]["mrr@10"] == 0.25 and res["overall"]["hit@3"] == 0.5
    assert res["unknown_keys"] == 1

    def panics(index, query, filters, limit):
        if query == "Benares":
            raise BaseException("a backend panic")
        return answers[query]

    res = evaluate(panics, qs, catalogue)
    assert res["errors"] == 1 and res["overall"]["mrr@10"] == 0.25
    assert res["queries"][1]["error"] == "BaseException: a backend panic"


# --- the floor ranker ---


def test_substring_ranker_finds_exact_names(catalogue):
    search = make_substring(catalogue)
    for index in INDEXES:
        for doc in catalogue.docs[index]:
            assert doc.key in search(index, doc.name, {}, 10), (index, doc.key)
    assert search("sites", "taj mahal", {}, 3)[0] == "Agra/Taj Mahal"
    assert search("sites", "fort", {"location": "Jodhpur"}, 10) == ["Jodhpur/Mehrangarh Fort"]
    assert search("suppliers", "transfers", {"location": "Dubai", "kind": "transport"}, 10) == ["Dubai Transfers"]
    assert search("sites", "", {}, 10) == []
