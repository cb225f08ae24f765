"""The search page in a real headless Chromium against the API served on 127.0.0.1: sign in,
results as you type with highlights, did-you-mean, facets that filter, autocomplete, history,
and an agent who never sees another agency's bookings or the staff-only indexes."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest

from tests.fakes.asgi_server import ThreadedServer
from tests.unit.api.conftest import app, session_factory, world  # noqa: F401 (fixtures)
from tests.unit.api.test_search import searchable  # noqa: F401 (fixture)

pytestmark = [pytest.mark.slow]


class Page:
    """One Chromium tab driven over the DevTools protocol (choreographer, as the dashboards)."""

    def __init__(self, tab: Any) -> None:
        self.tab = tab
        self.errors: list[str] = []

    async def js(self, expression: str) -> Any:
        response = await self.tab.send_command("Runtime.evaluate", params={
            "expression": expression, "returnByValue": True, "awaitPromise": True})
        result = response.get("result", {})
        if "exceptionDetails" in result:
            raise AssertionError(result["exceptionDetails"].get("text", "evaluation failed"))
        return result.get("result", {}).get("value")

    async def until(self, expression: str, timeout: float = 20.0) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                value = await self.js(expression)
            except AssertionError:
                value = None
            if value:
                return value
            await asyncio.sleep(0.05)
        state = await self.js("JSON.stringify(window.searchState || null)")
        raise AssertionError(f"timed out waiting for {expression}; state {state}; errors {self.errors}")

    async def type(self, selector: str, text: str) -> None:
        await self.js(f"(() => {{ const el = document.querySelector({json.dumps(selector)}); el.focus();"
                      f" el.value = {json.dumps(text)}; el.dispatchEvent(new Event('input')); }})()")

    async def search(self, text: str) -> dict:
        """Type `text` and wait for the page to show its results (as you type, no Enter)."""
        before = await self.js("window.searchState.renders")
        await self.type("#q", text)
        await self.until(f"window.searchState.renders > {before} && window.searchState.ready"
                         f" && window.searchState.q === {json.dumps(text)}")
        return await self.js("window.searchState")

    async def sign_in(self, key: str) -> None:
        await self.until("document.documentElement.getAttribute('data-ready') === 'true'")
        await self.type("#api-key", key)
        await self.js("document.getElementById('key-form').requestSubmit()")


def run_in_chromium(chromium: str, url: str, scenario) -> None:
    import choreographer

    async def main() -> None:
        async with choreographer.Browser(path=chromium, headless=True) as browser:
            tab = await browser.create_tab("about:blank")
            for domain in ("Page", "Runtime"):
                await tab.send_command(f"{domain}.enable")
            page = Page(tab)

            async def on_exception(event: dict) -> None:
                page.errors.append(str(event["params"]["exceptionDetails"].get("text")))

            tab.subscribe("Runtime.exceptionThrown", on_exception)
            await tab.send_command("Page.navigate", params={"url": url})
            await scenario(page)
            assert page.errors == []

    asyncio.run(main())


@pytest.fixture
def served(app, searchable):  # noqa: F811
    with ThreadedServer(app) as server:
        yield server.url, searchable


def test_staff_search_as_you_type_facets_did_you_mean_and_history(served, chromium):
    url, world_ = served

    async def scenario(page: Page) -> None:
        await page.sign_in(world_.keys["ops"])
        await page.until("!document.getElementById('app').hidden")
        assert await page.js("getComputedStyle(document.getElementById('key-form')).display") == "none"
        tabs = await page.js("[...document.querySelectorAll('#tabs button')].map(b => b.dataset.index)")
        assert tabs == ["sites", "destinations", "itineraries", "suppliers", "bookings", "agents"]

        state = await page.search("Humayon's tomb")  # a typo: still found, and corrected
        assert state["hits"] == ["Humayun's Tomb"]
        assert state["didYouMean"] == "humayun's tomb"
        assert "<mark>" in await page.js("document.querySelector('#hits h2').innerHTML")
        assert await page.js("document.querySelector('#did-you-mean a').textContent") == "humayun's tomb"

        state = await page.search("delhi")
        assert set(state["hits"]) == {"Humayun's Tomb", "Red Fort", "Bahá'í House of Worship"}
        before = state["renders"]
        await page.js("document.querySelector('#facets input[data-facet=price_range][data-value=free]').click()")
        await page.until(f"window.searchState.renders > {before} && window.searchState.ready")
        state = await page.js("window.searchState")
        assert state["hits"] == ["Bahá'í House of Worship"]
        assert state["facets"]["price_range"] == [{"value": "free", "count": 1}]

        await page.type("#q", "Red")  # autocomplete lists the title that starts so
        await page.until("[...document.querySelectorAll('#completions li')].some(li => li.textContent.includes('Red Fort'))")

        await page.js("document.getElementById('search-form').requestSubmit()")  # Enter records history
        await page.until("window.searchState.q === 'Red' && window.searchState.ready")
        history = await page.until("(() => { const k = Object.keys(localStorage).find(k => k.startsWith('tourstack.search.history.'));"
                                   " return k && JSON.parse(localStorage.getItem(k)); })()")
        assert history[0]["q"] == "Red" and history[0]["index"] == "sites"

    run_in_chromium(chromium, f"{url}/search", scenario)


def test_agent_sees_only_own_bookings_and_no_staff_indexes(served, chromium):
    url, world_ = served
    own = {b.booking_ref for b in world_.bookings_a}

    async def scenario(page: Page) -> None:
        await page.sign_in(world_.keys["agent_a"])
        await page.until("!document.getElementById('app').hidden")
        tabs = await page.js("[...document.querySelectorAll('#tabs button')].map(b => b.dataset.index)")
        assert "suppliers" not in tabs and "bookings" in tabs
        await page.js("document.querySelector('#tabs button[data-index=bookings]').click()")
        state = await page.search("traveller")
        assert set(state["hits"]) == own and state["total"] == len(own)
        other = world_.bookings_b[0].booking_ref
        state = await page.search(other)
        assert state["total"] == 0 and state["hits"] == []
        assert await page.js("document.querySelectorAll('#hits li').length") == 0

    run_in_chromium(chromium, f"{url}/search", scenario)


def test_a_revoked_key_is_refused_and_nothing_is_shown(served, chromium):
    url, world_ = served

    async def scenario(page: Page) -> None:
        await page.sign_in(world_.keys["revoked"])
        await page.until("document.querySelector('#key-form .hint').classList.contains('error')")
        assert await page.js("document.getElementById('app').hidden") is True
        assert await page.js("sessionStorage.length") == 0

    run_in_chromium(chromium, f"{url}/search", scenario)
