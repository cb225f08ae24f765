"""Drafting itineraries for open quote requests: linking, records, idempotency, failures,
the Dagster asset, and the demo's AI activity."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3

import pytest
from sqlalchemy import func, select

from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import AiGeneration, Itinerary, ItineraryRevision, QuoteRequest
from tourstack.itinerary.providers import OfflineProvider, ProviderUnavailable
from tourstack.itinerary.request_drafts import MAX_TRIP_DAYS, draft_for_open_requests, trip_for_request

AS_OF = dt.date(2026, 6, 30)  # the seed's as_of in conftest


def _copy(seeded_template, tmp_path, name: str) -> str:
    target = tmp_path / name
    shutil.copyfile(seeded_template, target)
    return str(target)


def _open_requests(path: str, n: int) -> list[int]:
    """Reopen the `n` most recent closed requests that have no itinerary (the tiny seed has none open)."""
    with sqlite3.connect(path) as conn:
        ids = [r[0] for r in conn.execute(
            "select id from quote_requests where status = 'closed' and itinerary_id is null "
            "and deleted_at is null order by requested_at desc, id desc limit ?", (n,))]
        conn.execute(f"update quote_requests set status = 'open' where id in ({','.join('?' * n)})", ids)
    return ids


@pytest.fixture
def opened(seeded_template, tmp_path):
    path = _copy(seeded_template, tmp_path, "requests.db")
    ids = _open_requests(path, 4)
    engine = make_engine(f"sqlite:///{path}")
    yield path, make_sessionmaker(engine), ids
    engine.dispose()


def test_drafting_links_requests_and_records_generations(opened):
    _, sessions, ids = opened
    with sessions() as s:
        report = draft_for_open_requests(s, [OfflineProvider()], limit=10, as_of=AS_OF)
    assert (report.considered, report.drafted, report.failed) == (4, 4, 0)
    assert report.by_provider == {"offline_planner": 4} and report.cost_usd_micros == 0
    with sessions() as s:
        requests = {r.id: r for r in s.scalars(select(QuoteRequest).where(QuoteRequest.id.in_(ids)))}
        newest_first = sorted(requests.values(), key=lambda r: (r.requested_at, r.id), reverse=True)
        assert [r.itinerary_id for r in newest_first] == report.itinerary_ids
        for req in requests.values():
            itin = s.get(Itinerary, req.itinerary_id)
            assert itin.status == "draft" and itin.agency_id == req.agency_id
            assert itin.destination_id == req.destination_id and itin.start_date == req.travel_start
            gens = s.scalars(select(AiGeneration).where(AiGeneration.itinerary_id == itin.id)).all()
            assert len(gens) == 1 and gens[0].outcome == "ok" and gens[0].agency_id == req.agency_id
            assert s.scalar(select(func.count()).select_from(ItineraryRevision).where(
                ItineraryRevision.itinerary_id == itin.id, ItineraryRevision.kind == "generated")) == 1


def test_second_run_skips_drafted_requests(opened):
    _, sessions, _ = opened
    with sessions() as s:
        first = draft_for_open_requests(s, [OfflineProvider()], limit=10, as_of=AS_OF)
    with sessions() as s:
        second = draft_for_open_requests(s, [OfflineProvider()], limit=10, as_of=AS_OF)
        assert s.scalar(select(func.count()).select_from(AiGeneration)) == first.drafted
    assert first.drafted == 4 and (second.considered, second.drafted) == (0, 0)


def test_limit_and_as_of(opened):
    _, sessions, _ = opened
    with sessions() as s:
        assert draft_for_open_requests(s, [OfflineProvider()], limit=2, as_of=AS_OF).drafted == 2
        # requests received after `as_of` wait for a later run
        assert draft_for_open_requests(s, [OfflineProvider()], limit=10, as_of=dt.date(2020, 1, 1)).considered == 0


class _DownFor:
    """A paid provider that is down for one destination and delegates otherwise."""

    name, model = "openai", "gpt-4.1-mini"

    def __init__(self, destination_id: int):
        self.destination_id, self.offline = destination_id, OfflineProvider()

    def plan(self, catalogue, request):
        if catalogue.id == self.destination_id:
            raise ProviderUnavailable("upstream 503")
        return self.offline.plan(catalogue, request)


def test_bad_requests_do_not_stop_the_batch(opened):
    path, sessions, ids = opened
    unknown, down = ids[0], ids[1]
    with sqlite3.connect(path) as conn:  # foreign keys are off here: a request whose destination vanished
        conn.execute("update quote_requests set destination_id = 999999 where id = ?", (unknown,))
        down_dest = conn.execute("select destination_id from quote_requests where id = ?", (down,)).fetchone()[0]
        conn.execute("update quote_requests set destination_id = ? where id in (?, ?)",
                     (down_dest + 1 if down_dest < 3 else down_dest - 1, ids[2], ids[3]))
    with sessions() as s:
        before = s.scalar(select(func.count()).select_from(Itinerary))
        report = draft_for_open_requests(s, [_DownFor(down_dest)], limit=10, as_of=AS_OF)
    assert (report.considered, report.drafted, report.failed) == (4, 2, 2)
    reasons = dict(report.failures)
    assert "UnknownDestination" in reasons[unknown] and "GenerationFailed" in reasons[down]
    with sessions() as s:
        linked = dict(s.execute(select(QuoteRequest.id, QuoteRequest.itinerary_id)
                                .where(QuoteRequest.id.in_(ids))).tuples().all())
        assert linked[unknown] is None and linked[down] is None
        assert linked[ids[2]] and linked[ids[3]]
        # the failed paid call is still on record: it would have been billed
        assert s.scalar(select(func.count()).select_from(AiGeneration).where(
            AiGeneration.outcome == "unavailable", AiGeneration.itinerary_id.is_(None))) == 1
        assert s.scalar(select(func.count()).select_from(Itinerary)) == before + 2  # no orphaned drafts


def test_trip_from_request_fields():
    req = QuoteRequest(travel_start=dt.date(2026, 8, 1), travel_end=dt.date(2026, 9, 30), adults=2, children=1,
                       budget_level="luxury", notes="Family with young kids, include a cooking class")
    trip = trip_for_request(req, "Jaipur")
    assert trip.days == MAX_TRIP_DAYS and trip.start_date == dt.date(2026, 8, 1)
    assert trip.travellers.kind == "family" and trip.travellers.count == 3 and trip.budget == "luxury"
    assert {"food", "nature"} <= {i.value for i in trip.interests} and trip.style == "relaxed"
    solo = trip_for_request(QuoteRequest(travel_start=dt.date(2026, 8, 1), travel_end=dt.date(2026, 8, 3),
                                         adults=1, children=0, budget_level="odd"), "Jaipur")
    assert (solo.days, solo.travellers.kind, solo.budget, solo.style) == (3, "solo", "moderate", "moderate")


def test_dagster_asset_drafts_offline(opened, monkeypatch):
    from dagster import materialize

    from orchestration.defs.itinerary.request_drafts import (
        itinerary_request_drafts_job,
        hourly_itinerary_request_drafts,
        request_itinerary_drafts,
    )
    from orchestration.defs.resources import OperationalDatabase
    from orchestration.defs.services import settings_backed_resources
    from tourstack.settings import get_settings

    path, sessions, ids = opened
    monkeypatch.delenv("TOURSTACK_OPENAI_API_KEY", raising=False)
    get_settings.cache_clear()
    try:
        result = materialize(
            [request_itinerary_drafts], resources={"operational_db": OperationalDatabase(url=f"sqlite:///{path}"), **settings_backed_resources()},
            run_config={"ops": {"request_itinerary_drafts": {"config": {"limit": 3}}}})
    finally:
        get_settings.cache_clear()
    assert result.success
    meta = result.asset_materializations_for_node("request_itinerary_drafts")[0].metadata
    assert meta["drafted"].value == 3 and meta["by_provider"].value == {"offline_planner": 3}
    assert itinerary_request_drafts_job.name == "itinerary_request_drafts_job"
    assert hourly_itinerary_request_drafts.job_name == "itinerary_request_drafts_job"
    with sessions() as s:
        assert s.scalar(select(func.count()).select_from(QuoteRequest).where(
            QuoteRequest.id.in_(ids), QuoteRequest.itinerary_id.is_not(None))) == 3


def _activity(seeded_template, tmp_path, name):
    from tourstack.demo.ai_activity import run_ai_activity

    path = _copy(seeded_template, tmp_path, name)
    _open_requests(path, 5)
    activity = run_ai_activity(f"sqlite:///{path}", limit=40, seed=3, as_of=AS_OF)
    with sqlite3.connect(path) as conn:
        revisions = conn.execute(
            "select r.itinerary_id, r.kind, r.edit_distance from itinerary_revisions r "
            "order by r.itinerary_id, r.id").fetchall()
    return path, activity, revisions


def test_run_ai_activity_approves_with_revisions(seeded_template, tmp_path):
    path, activity, revisions = _activity(seeded_template, tmp_path, "a.db")
    assert activity.drafted >= 10 and activity.failed == 0  # 5 reopened + the seed's quoted requests
    assert 0 < activity.approved < activity.drafted and activity.edited > 0
    approved = [r for r in revisions if r[1] == "approved"]
    assert len(approved) == activity.approved and any(d > 0 for _, _, d in approved)
    assert sum(r[1] == "regenerated" for r in revisions) == activity.regenerated
    engine = make_engine(f"sqlite:///{path}")
    try:
        with make_sessionmaker(engine)() as s:
            approved_ids = {i for i, _, _ in approved}
            statuses = set(s.scalars(select(Itinerary.status).where(Itinerary.id.in_(approved_ids))))
            assert statuses == {"approved"}
            assert s.scalar(select(func.count()).select_from(QuoteRequest).where(
                QuoteRequest.itinerary_id.in_(approved_ids))) == len(approved_ids)
            purposes = set(s.scalars(select(AiGeneration.purpose)))
            assert "itinerary" in purposes and ("itinerary_day" in purposes) == (activity.regenerated > 0)
    finally:
        engine.dispose()
    # the same seed on the same data reviews the same way
    _, again, revisions_again = _activity(seeded_template, tmp_path, "b.db")
    assert again == activity and revisions_again == revisions
