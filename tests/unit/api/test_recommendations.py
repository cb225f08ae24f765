"""Recommendation endpoints over a snapshot trained from a small booking history."""

from __future__ import annotations

import datetime as dt

import pytest

from tests import factories as f
from tests.unit.api.conftest import auth
from tests.unit.api.test_auth import assert_problem
from tests.unit.api.test_search import _site
from tourstack.recommend.config import recommend_config
from tourstack.recommend.interactions import Interactions
from tourstack.recommend.store import save_snapshot, snapshot_from, snapshot_path


@pytest.fixture
def trained(app, world, session_factory, tmp_path):
    with session_factory() as s:
        delhi = f.make_destination(s, name="Delhi", city="Delhi")
        sites = [_site(delhi.id, name, "fort", 1, 50, "") for name in ("Red Fort", "Qutub Minar", "Lodhi Garden")]
        s.add_all(sites)
        s.commit()
        red, qutub, lodhi = (site.id for site in sites)
    now = dt.datetime(2026, 6, 1)
    rows = [(b, 100 + b % 3, site, now) for b in range(9) for site in (red, qutub)]
    rows += [(20, world.agency_a.id, lodhi, now)]
    app.state.settings = app.state.settings.model_copy(update={"search_dir": tmp_path})
    save_snapshot(snapshot_from(Interactions.of(rows), now, recommend_config()), snapshot_path(tmp_path))
    return world, red, qutub, lodhi


def test_also_booked_names_the_sites_booked_together(client, trained):
    world, red, qutub, _lodhi = trained
    response = client.get("/api/v1/recommendations/also-booked", params={"site_id": red},
                          headers=auth(world.keys["agent_a"]))
    assert response.status_code == 200, response.text
    first = response.json()["items"][0]
    assert (first["site_id"], first["reason"], first["bookings_together"]) == (qutub, "booked_together", 9)
    assert_problem(client.get("/api/v1/recommendations/also-booked", params={"site_id": 999_999},
                              headers=auth(world.keys["agent_a"])), 404)


def test_agency_list_is_the_callers_own(client, trained):
    world, _red, _qutub, lodhi = trained
    mine = client.get("/api/v1/recommendations/for-agency", headers=auth(world.keys["agent_a"]))
    assert mine.status_code == 200, mine.text
    assert mine.json()["items"][0]["reason"] == "personal"
    assert lodhi in [item["site_id"] for item in mine.json()["items"]]
    other = client.get("/api/v1/recommendations/for-agency", params={"agency_id": world.agency_b.id},
                       headers=auth(world.keys["agent_a"]))
    assert_problem(other, 403)
    new = client.get("/api/v1/recommendations/for-agency", params={"agency_id": world.agency_b.id},
                     headers=auth(world.keys["ops"]))
    assert {item["reason"] for item in new.json()["items"]} == {"popular"}
    assert_problem(client.get("/api/v1/recommendations/for-agency", headers=auth(world.keys["ops"])), 422)


def test_untrained_is_a_conflict(client, world, app, tmp_path):
    app.state.settings = app.state.settings.model_copy(update={"search_dir": tmp_path})
    with_site = client.get("/api/v1/recommendations/for-agency", headers=auth(world.keys["agent_a"]))
    assert_problem(with_site, 409)
