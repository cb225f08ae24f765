"""The destination browse page in headless Chromium against the API on 127.0.0.1: trending,
popular in a chosen season, similar destinations and a side-by-side comparison, with counts of
fewer than three agencies withheld on the page as in the API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.e2e.search.test_search_page_browser import Page, run_in_chromium
from tests.fakes.asgi_server import ThreadedServer
from tests.unit.api.conftest import app, session_factory, world  # noqa: F401 (fixtures)
from tests.unit.api.test_destinations import AS_OF, book  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow]


@pytest.fixture
def served(app, book, monkeypatch):  # noqa: F811
    import api.routes.destinations as routes

    # The page asks for today's figures; the book's trending weeks end on AS_OF, yesterday.
    monkeypatch.setattr(routes, "today", lambda: AS_OF + dt.timedelta(days=1))
    with ThreadedServer(app) as server:
        yield server.url, book


def test_browse_trending_popular_similar_and_compare(served, chromium):
    url, (world_, ids) = served

    async def scenario(page: Page) -> None:
        await page.sign_in(world_.keys["agent_a"])
        await page.until("!document.getElementById('app').hidden && window.discoveryState.loads >= 1")
        state = await page.js("window.discoveryState")
        assert state["error"] is None
        assert state["trending"] == ["Jodhpur"]
        assert "+400%" in await page.js("document.getElementById('trending').innerText")

        loads = state["loads"]
        await page.js("(() => { const s = document.getElementById('season'); s.value = 'winter';"
                      " s.dispatchEvent(new Event('change')); })()")
        await page.until(f"window.discoveryState.loads > {loads} && window.discoveryState.popular.season === 'winter'")
        assert (await page.js("window.discoveryState.popular.names")) == ["Jaipur"]
        assert (await page.js("document.getElementById('popular-title').textContent")).startswith("Popular in winter")

        loads = await page.js("window.discoveryState.loads")
        await page.js(f"(() => {{ const s = document.getElementById('similar-of'); s.value = '{ids['jaipur']}';"
                      " s.dispatchEvent(new Event('change')); })()")
        await page.until(f"window.discoveryState.loads > {loads} && window.discoveryState.similar.of === 'Jaipur'")
        similar = await page.js("window.discoveryState.similar.names")
        assert similar.index("Jodhpur") < similar.index("Kochi")

        for name in ("Jaipur", "Kochi"):
            loads = await page.js("window.discoveryState.loads")
            await page.js(f"document.querySelector('#compare-picker input[data-name={name}]').click()")
            await page.until(f"window.discoveryState.loads > {loads}")
        assert await page.js("window.discoveryState.compare") == ["Jaipur", "Kochi"]
        table = await page.js("document.querySelector('table.compare').innerText")
        assert "withheld (fewer than 3 agencies)" in table  # Kochi's two agencies
        assert "20%" in table  # Jaipur: one trip of five cancelled

    run_in_chromium(chromium, f"{url}/destinations", scenario)
