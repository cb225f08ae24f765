"""Opening dashboards in a real headless Chromium: readiness, what was drawn, load time, screenshots.

Why over the DevTools protocol with choreographer: it is already installed (kaleido drives
Chromium with it), speaks to the system Chromium without downloading a browser, and gives the
network events needed to prove a page fetched nothing from outside. Used by the browser test and
by `bench.dashboard_load`.

Load time is the page's own `dashboard-ready` performance mark: milliseconds from navigation
start until every plotly graph's `newPlot` promise resolved (map topojson included).
"""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

_PROBE = """(() => {
  const ready = performance.getEntriesByName("dashboard-ready")[0];
  const graphs = [...document.querySelectorAll(".js-plotly-plot")];
  return {
    state: document.documentElement.getAttribute("data-ready"),
    detail: (window.dashboardState || {}).detail || "",
    ready_ms: ready ? ready.startTime : null,
    expected_graphs: (window.dashboardState || {}).graphs || 0,
    graphs: graphs.length,
    drawn: graphs.filter(g => g._fullLayout && g.querySelector(".main-svg")).length,
    main_svgs: document.querySelectorAll(".main-svg").length,
    geo_paths: document.querySelectorAll(".geo .layer path").length,
    tiles: [...document.querySelectorAll(".tile")].map(t => ({
      key: t.dataset.kpi, value: t.dataset.value,
      shown: t.querySelector(".tile-value").textContent})),
    tables: document.querySelectorAll("table.board tbody tr").length,
  };
})()"""


@dataclass
class PageLoad:
    url: str
    state: str | None = None
    detail: str = ""
    ready_ms: float | None = None
    expected_graphs: int = 0
    graphs: int = 0
    drawn: int = 0
    main_svgs: int = 0
    geo_paths: int = 0
    tiles: list[dict[str, str]] = field(default_factory=list)
    tables: int = 0
    requests: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    screenshot: Path | None = None

    @property
    def external_requests(self) -> list[str]:
        """Requests that left the machine (anything but file:, data:, blob: and loopback)."""
        out = []
        for url in self.requests:
            parsed = urlparse(url)
            if parsed.scheme in {"file", "data", "blob", "about"}:
                continue
            if parsed.hostname in {"127.0.0.1", "localhost", "::1"}:
                continue
            out.append(url)
        return out


async def _evaluate(tab: Any, expression: str) -> Any:
    response = await tab.send_command(
        "Runtime.evaluate", params={"expression": expression, "returnByValue": True})
    result = response.get("result", {})
    if "exceptionDetails" in result:
        raise RuntimeError(result["exceptionDetails"].get("text", "evaluation failed"))
    return result.get("result", {}).get("value")


async def _load(tab: Any, url: str, timeout: float, screenshot: Path | None,
                width: int) -> PageLoad:
    load = PageLoad(url)

    async def on_request(event: dict) -> None:
        load.requests.append(event["params"]["request"]["url"])

    async def on_failed(event: dict) -> None:
        load.failed.append(f"{event['params'].get('errorText')} ({event['params'].get('type')})")

    async def on_exception(event: dict) -> None:
        load.errors.append(str(event["params"]["exceptionDetails"].get("text")))

    tab.subscribe("Network.requestWillBeSent", on_request)
    tab.subscribe("Network.loadingFailed", on_failed)
    tab.subscribe("Runtime.exceptionThrown", on_exception)
    try:
        await tab.send_command("Page.navigate", params={"url": url})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            try:
                state = await _evaluate(tab, "document.documentElement.getAttribute('data-ready')")
            except RuntimeError:
                continue
            if state in {"true", "error"}:
                break
        probe = await _evaluate(tab, _PROBE) or {}
        for key, value in probe.items():
            setattr(load, key, value)
        if screenshot is not None:
            await _screenshot(tab, screenshot, width)
            load.screenshot = screenshot
    finally:
        for event in ("Network.requestWillBeSent", "Network.loadingFailed", "Runtime.exceptionThrown"):
            tab.unsubscribe(event)
    return load


async def _screenshot(tab: Any, path: Path, width: int) -> None:
    metrics = await tab.send_command("Page.getLayoutMetrics")
    height = int(metrics["result"]["cssContentSize"]["height"])
    shot = await tab.send_command("Page.captureScreenshot", params={
        "format": "png", "captureBeyondViewport": True,
        "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(base64.b64decode(shot["result"]["data"]))


async def _run(chromium: str, jobs: list[tuple[str, Path | None]], *, cold: int, warm: int,
               timeout: float, width: int, height: int) -> list[list[PageLoad]]:
    import choreographer

    async def new_tab() -> Any:
        tab = await browser.create_tab("about:blank")
        for domain in ("Page", "Network", "Runtime"):
            await tab.send_command(f"{domain}.enable")
        await tab.send_command("Emulation.setDeviceMetricsOverride", params={
            "width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
        return tab

    results = []
    async with choreographer.Browser(path=chromium, headless=True) as browser:
        for url, shot in jobs:
            loads, tab = [], None
            for _ in range(cold):  # cold: a new tab (renderer) and an emptied HTTP cache
                if tab is not None:
                    await browser.close_tab(tab.target_id)
                tab = await new_tab()
                await tab.send_command("Network.clearBrowserCache")
                loads.append(await _load(tab, url, timeout, None, width))
            tab = tab or await new_tab()
            for _ in range(warm):  # warm: reloads in the same tab, assets from the cache
                loads.append(await _load(tab, url, timeout, None, width))
            if shot is not None:
                await _screenshot(tab, shot, width)
                loads[-1].screenshot = shot
            results.append(loads)
            await browser.close_tab(tab.target_id)
    return results


def load_pages(chromium: str, urls: list[str], *, cold: int = 1, warm: int = 0,
               screenshots: list[Path | None] | None = None, timeout: float = 60.0,
               width: int = 1440, height: int = 900) -> list[list[PageLoad]]:
    """Load each URL `cold` times, each in a fresh tab with the cache emptied, then `warm` times
    reloading the last tab.
    Returns, per URL, the loads in order; a screenshot, if asked, is taken after the last one."""
    if cold + warm < 1:
        raise ValueError("load each page at least once")
    jobs = list(zip(urls, screenshots or [None] * len(urls)))
    return asyncio.run(_run(chromium, jobs, cold=cold, warm=warm, timeout=timeout,
                            width=width, height=height))
