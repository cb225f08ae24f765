"""Offline evaluation on a time split: train on bookings before a cut, test on those after.

Two tasks, each scored by hit rate@k (the share of test cases with a relevant site in the top k)
and NDCG@k (binary relevance):
- personal: for every test booking of an agency that booked before the cut, the agency's list
  (computed once, at the cut, from its history) against the sites of that booking;
- also booked: for every test booking with two or more sites, each site in turn is held out and
  the list for the others must contain it (their own sites are never recommended back).
Repeat bookings count: an agency booking again a site it sold before is a hit, because that is
what agencies do (docs/recommendations.md).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from tourstack.recommend.interactions import Interactions
from tourstack.recommend.models import agency_histories


@dataclass(frozen=True)
class Score:
    cases: int
    hit_rate: float
    ndcg: float


def _score(lists_and_truths: Iterable[tuple[Sequence[int], set[int]]], k: int) -> Score:
    hits = gains = 0.0
    cases = 0
    for ranked, truth in lists_and_truths:
        cases += 1
        top = list(ranked)[:k]
        hits += any(site in truth for site in top)
        dcg = sum(1.0 / math.log2(rank + 2) for rank, site in enumerate(top) if site in truth)
        ideal = sum(1.0 / math.log2(rank + 2) for rank in range(min(k, len(truth))))
        gains += dcg / ideal if ideal else 0.0
    return Score(cases, hits / cases if cases else 0.0, gains / cases if cases else 0.0)


def baskets(interactions: Interactions) -> list[tuple[int, set[int]]]:
    """(agency, sites) per booking, in booking order."""
    out: dict[int, tuple[int, set[int]]] = {}
    for booking, agency, site in zip(interactions.booking.tolist(), interactions.agency.tolist(),
                                     interactions.site.tolist(), strict=True):
        out.setdefault(booking, (agency, set()))[1].add(site)
    return list(out.values())


def evaluate_personal(model, train: Interactions, test: Interactions, k: int = 10) -> Score:
    histories = agency_histories(train)
    lists = {agency: model.for_agency(history, k) for agency, history in histories.items()}
    return _score(((lists[agency], sites) for agency, sites in baskets(test) if agency in lists), k)


def evaluate_also_booked(model, test: Interactions, k: int = 10, max_cases: int | None = None) -> Score:
    cases = []
    for _agency, sites in baskets(test):
        if len(sites) < 2:
            continue
        for held in sorted(sites):
            cases.append((sorted(sites - {held}), held))
    if max_cases is not None and len(cases) > max_cases:
        pick = np.random.default_rng(7).choice(len(cases), size=max_cases, replace=False)
        cases = [cases[i] for i in sorted(pick)]
    return _score(((model.also_booked(given, k), {held}) for given, held in cases), k)
