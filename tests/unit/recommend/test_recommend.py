"""Recommenders on a small booking history written for the behaviours (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from tourstack.recommend.config import RecommendConfig
from tourstack.recommend.evaluation import evaluate_also_booked, evaluate_personal
from tourstack.recommend.interactions import Interactions
from tourstack.recommend.models import Catalogue, CoOccurrence, Popularity
from tourstack.recommend.store import NotTrained, load_snapshot, save_snapshot, snapshot_from

NOW = dt.datetime(2026, 6, 1)
RED_FORT, QUTUB, TAJ, AMBER, BEACH, SPICE = 1, 2, 3, 4, 5, 6
CONFIG = RecommendConfig(popularity_window_days=365, min_agencies=2, neighbours=5, list_length=5,
                         test_days=30, als={})


def _history() -> Interactions:
    rows, booking = [], 0
    day = NOW - dt.timedelta(days=100)
    # Golden Triangle: Red Fort + Taj + Amber, by agencies 1, 2, 3.
    for agency in (1, 2, 3):
        for _ in range(3):
            booking += 1
            rows += [(booking, agency, site, day) for site in (RED_FORT, TAJ, AMBER)]
    # Goa beaches with a spice farm, by agencies 4 and 5; the beach alone is the most booked site.
    for agency in (4, 5):
        booking += 1
        rows += [(booking, agency, site, day) for site in (BEACH, SPICE)]
    for _ in range(12):
        booking += 1
        rows.append((booking, 4, BEACH, day))
    # Qutub with Taj only by agency 6: one agency's combination.
    booking += 1
    rows += [(booking, 6, QUTUB, day), (booking, 6, TAJ, day)]
    return Interactions.of(rows)


@pytest.fixture(scope="module")
def history() -> Interactions:
    return _history()


def test_also_booked_follows_the_circuit_not_popularity(history):
    cat = Catalogue.of(history)
    cooc = CoOccurrence(history, cat, NOW, 365, min_agencies=2)
    assert cooc.also_booked([RED_FORT], 2) == [AMBER, TAJ] or cooc.also_booked([RED_FORT], 2) == [TAJ, AMBER]
    assert Popularity(history, cat, NOW, 365).also_booked([RED_FORT], 1) == [BEACH]
    site, both, lift = cooc.neighbours(RED_FORT, 1)[0]
    assert site in (TAJ, AMBER) and both == 9 and lift > 1


def test_a_pair_only_one_agency_booked_is_never_recommended(history):
    cooc = CoOccurrence(history, Catalogue.of(history), NOW, 365, min_agencies=2)
    assert QUTUB not in [s for s, _, _ in cooc.neighbours(TAJ, 5)]
    assert cooc.neighbours(QUTUB, 5) == []
    # Cold start: the list is filled with popular sites instead.
    assert cooc.also_booked([QUTUB], 3)[0] == BEACH


def test_agency_list_is_personal_and_a_new_agency_gets_the_popular_sites(history):
    snapshot = snapshot_from(history, NOW, CONFIG)
    sites, personal = snapshot.for_agency(1, 3)
    assert personal and set(sites) == {RED_FORT, TAJ, AMBER}
    sites, personal = snapshot.for_agency(999, 3)
    assert not personal and sites[0] == BEACH


def test_snapshot_round_trip_and_missing_snapshot(tmp_path, history):
    snapshot = snapshot_from(history, NOW, CONFIG)
    path = save_snapshot(snapshot, tmp_path / "recommendations.json")
    assert load_snapshot(path) == snapshot
    with pytest.raises(NotTrained):
        load_snapshot(tmp_path / "missing.json")


def test_time_split_scores_co_occurrence_above_popularity_on_baskets(history):
    cut = NOW - dt.timedelta(days=10)
    later = Interactions.of([(900, 2, RED_FORT, NOW), (900, 2, AMBER, NOW)])
    cat = Catalogue.of(history, later)
    cooc = CoOccurrence(history.before(cut), cat, cut, 365, min_agencies=2)
    pop = Popularity(history.before(cut), cat, cut, 365)
    assert evaluate_also_booked(cooc, later, k=2).hit_rate == 1.0
    assert evaluate_also_booked(pop, later, k=1).hit_rate == 0.0
    personal = evaluate_personal(cooc, history, later, k=3)
    assert personal.cases == 1 and personal.hit_rate == 1.0 and 0 < personal.ndcg <= 1
