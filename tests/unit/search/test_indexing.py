"""Full re-index from the operational database through the Dagster asset, and the swap."""

from __future__ import annotations

import datetime as dt
import os

from dagster import materialize

from orchestration.defs.resources import OperationalDatabase
from orchestration.defs.search import search_indexes
from orchestration.defs.services import SearchResource
from tests import factories as f
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Site
from tourstack.search import SearchRequest, SearchService
from tourstack.search.documents import all_documents
from tourstack.search.tantivy_backend import TantivyBackend
from tourstack.search.config import default_config


class TantivyAt(SearchResource):
    root: str

    def backend(self) -> TantivyBackend:
        return TantivyBackend(self.root)


def _seed(db_url: str) -> tuple[int, int]:
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        dest = f.make_destination(s, name="Agra", city="Agra")
        agency_a, agency_b = f.make_agency(s), f.make_agency(s)
        agent_a, agent_b = f.make_agent(s, agency_a, name="Asha Rao"), f.make_agent(s, agency_b, name="Bilal Khan")
        site = Site(destination_id=dest.id, name="Agra Fort", category="fort", latitude=27.2, longitude=78.0,
                    typical_duration_minutes=120, price_minor=65000, price_currency="INR", price_level=2,
                    best_season="winter", popularity=80, description="Red sandstone fort on the Yamuna")
        s.add(site)
        s.flush()
        booking = f.make_booking(s, agent_a, destination=dest, booked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=10))
        f.make_booking_item(s, booking, site_id=site.id)
        f.make_booking(s, agent_b, destination=dest)
        s.commit()
        ids = agency_a.id, agency_b.id
    engine.dispose()
    return ids


def test_documents_carry_scope_popularity_and_minor_units(db_url):
    agency_a, _ = _seed(db_url)
    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        docs = {name: list(rows) for name, rows in all_documents(s, default_config().ranking, dt.datetime.now(dt.UTC)).items()}
    engine.dispose()
    (site,) = docs["sites"]
    assert site["name"] == "Agra Fort" and site["location"] == "Agra" and site["bookings_365d"] == 1
    assert site["price_minor"] == 65000 and site["currency"] == "INR" and site["price_range"] == "moderate"
    assert site["rank_signal"] == default_config().ranking.signal(popularity=80, bookings_365d=1)
    assert {d["agency_id"] for d in docs["bookings"]} >= {agency_a}
    assert {d["name"] for d in docs["agents"]} == {"Asha Rao", "Bilal Khan"}


def test_asset_builds_every_index_and_a_rebuild_swaps_it(db_url, tmp_path):
    agency_a, _ = _seed(db_url)
    resources = {"operational_db": OperationalDatabase(url=db_url), "search": TantivyAt(root=str(tmp_path))}
    first = materialize([search_indexes], resources=resources)
    assert first.success
    locations = first.get_asset_materialization_events()[0].event_specific_data.materialization.metadata["locations"].value
    assert set(locations) == {"sites", "destinations", "itineraries", "suppliers", "bookings", "agents"}
    link = tmp_path / "sites" / "current"
    before = os.readlink(link)
    service = SearchService(TantivyBackend(tmp_path))
    assert [h.document["name"] for h in service.search(SearchRequest(index="sites", q="agra qila")).hits] == ["Agra Fort"]
    assert service.search(SearchRequest(index="agents", q="asha", agency_id=agency_a)).total == 1
    assert service.search(SearchRequest(index="agents", q="bilal", agency_id=agency_a)).total == 0
    assert service.search(SearchRequest(index="agents", q="bilal")).total == 1

    assert materialize([search_indexes], resources=resources).success
    assert os.readlink(link) != before
    # The same reader picks up the new build on its next query.
    assert service.search(SearchRequest(index="sites", q="yamuna")).total == 1
