"""The AI marts on a warehouse built from the tiny demo plus generated, edited and approved
itineraries (DuckDB): usage per agency and month, and the edit distance at approval."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from sqlalchemy import select

from tests.pipeline_helpers import failed_checks, isolate_dbt_env, materialized_keys, run_pipeline, seed_tiny
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Agency
from tourstack.itinerary import OfflineProvider, Travellers, TripRequest, drafts, service

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dbt_duckdb")]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    from tourstack.db.migrate import upgrade

    tmp = tmp_path_factory.mktemp("ai_marts")
    url = f"sqlite:///{tmp / 'operational.db'}"
    upgrade(url)
    seed_tiny(url)
    engine = make_engine(url)
    with make_sessionmaker(engine)() as s:
        agency = s.scalars(select(Agency).order_by(Agency.id)).first()
        for dest, edit in (("Jaipur", True), ("Agra", False)):
            trip = TripRequest(destination=dest, days=2, travellers=Travellers.of("couple"),
                               start_date=dt.date(2026, 11, 3))
            itinerary, _ = service.generate_draft(s, trip, [OfflineProvider()], agency_id=agency.id)
            if edit:
                _, item = drafts.item_rows(s, itinerary)[1]
                drafts.update_item(s, itinerary, item.id, {"name": "Changed by the agent"})
            drafts.approve(s, itinerary)
        s.commit()
    engine.dispose()
    path = tmp / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as mp:
        isolate_dbt_env(mp)
        mp.setenv("DBT_TARGET", "duckdb")
        mp.setenv("TOURSTACK_DUCKDB_PATH", str(path))
        result = run_pipeline(url, duckdb_path=str(path), full_refresh=True)
    assert {"fct_ai_generations", "rpt_itinerary_edit_distance"} <= materialized_keys(result)
    ours = ("fct_ai_generations", "rpt_itinerary_edit_distance", "stg_ai_generations", "stg_itinerary_revisions")
    assert [c for c in failed_checks(result) if c.startswith(ours)] == []
    return path


def test_marts(warehouse):
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        usage = con.execute("select provider, purpose, requests, attempts, cost_usd_micros "
                            "from marts.fct_ai_generations").fetchall()
        edits = con.execute("select edit_distance, needed_little_editing, generated_by_provider "
                            "from marts.rpt_itinerary_edit_distance order by edit_distance").fetchall()
    finally:
        con.close()
    assert usage == [("offline_planner", "itinerary", 2, 2, 0)]
    assert edits == [(0, True, "offline_planner"), (1, True, "offline_planner")]
