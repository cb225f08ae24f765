"""The itinerary's interactive route map in headless Chromium against the API on 127.0.0.1:
plotly.js from this origin draws one trace per day under the page's strict CSP (no script
error), and another agency's agent sees the itinerary's 404, not its stops."""

from __future__ import annotations

import pytest

from api.app import create_app
from tests.e2e.search.test_search_page_browser import Page, run_in_chromium
from tests.fakes.asgi_server import ThreadedServer
from tests.integration.itinerary.test_trip_document import world  # noqa: F401 (fixture)
from tests.unit.itinerary.conftest import catalogue_url, seeded_template  # noqa: F401 (fixtures)
from tourstack.settings import Settings

pytestmark = [pytest.mark.slow, pytest.mark.integration, pytest.mark.xdist_group("trip_document")]


@pytest.fixture
def served(world):  # noqa: F811
    app = create_app(settings=Settings(database_url=world.url, openai_api_key=None), sessionmaker=world.sessions)
    with ThreadedServer(app) as server:
        yield server.url


def test_the_map_draws_each_day_for_the_agency_and_nothing_for_another(served, world, chromium):  # noqa: F811
    async def mine(page: Page) -> None:
        await page.sign_in(world.keys["agent_a"])
        await page.until("window.mapState.stops > 0 || window.mapState.error", timeout=30)
        state = await page.js("window.mapState")
        assert state["error"] is None and state["itinerary"] == world.itinerary_id and state["days"] == 2
        assert await page.js("document.querySelectorAll('#map .scatterlayer .trace').length") == 2
        assert await page.js("document.querySelectorAll('#map .scatterlayer .point').length") == state["stops"]
        assert "Day 1:" in await page.js("document.getElementById('days').innerText")

    run_in_chromium(chromium, f"{served}/itinerary-map?id={world.itinerary_id}", mine)

    async def theirs(page: Page) -> None:
        await page.sign_in(world.keys["agent_b"])
        await page.until("window.mapState.error", timeout=30)
        assert await page.js("window.mapState.stops") == 0
        assert await page.js("document.querySelectorAll('#map .scatterlayer .point').length") == 0

    run_in_chromium(chromium, f"{served}/itinerary-map?id={world.itinerary_id}", theirs)
