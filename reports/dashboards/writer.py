"""Writing the dashboards: six pages, an index and one shared assets/ folder.

Why a shared assets/ folder: plotly.js is large (1.4 MB even as the dashboards' own bundle of the
trace types they draw, 4.7 MB in full). Inlined it would be parsed again by every page and make
each file huge; referenced once, the browser caches it across pages. Why our own bundle: parsing
and running plotly.js is most of a cold page load (static/plotly_bundle/README.md). The
world map's topojson is preloaded by a small script (`assets/world_110m.js`) instead of being
fetched from plotly's CDN, so the pages render with no network, even from file://, where browsers
refuse XHR to local files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reports.dashboards.data import connection_of, freshness, reference_month
from reports.dashboards.page import NAV, Page, render, render_index
from reports.dashboards.pages import agents, customers, executive, operations, sales, suppliers
from reports.dashboards.pages.common import Context
from reports.dashboards.style import CSS

BUILDERS: dict[str, Callable[[Context], Page]] = {
    "executive": executive.build, "sales": sales.build, "operations": operations.build,
    "agents": agents.build, "suppliers": suppliers.build, "customers": customers.build,
}
DASHBOARDS: tuple[str, ...] = tuple(name for name, _ in NAV)
STATIC = Path(__file__).resolve().parent / "static"
PLOTLY_JS = STATIC / "plotly-dashboards.min.js"  # served as assets/plotly.min.js
# Files served from assets/ (by the API too): nothing else is ever read from that folder.
ASSET_FILES = ("plotly.min.js", "dashboard.css", "world_110m.js", "world_110m.json")


def _atomic_write(path: Path, data: str | bytes) -> None:
    """Readers (the API, a browser) never see a half-written page."""
    mode = "wb" if isinstance(data, bytes) else "w"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, mode, **({} if mode == "wb" else {"encoding": "utf-8"})) as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_assets(assets: Path) -> list[Path]:
    assets.mkdir(parents=True, exist_ok=True)
    target = assets / "plotly.min.js"
    if not target.exists() or target.stat().st_size != PLOTLY_JS.stat().st_size:
        shutil.copyfile(PLOTLY_JS, target)
    topojson = (STATIC / "world_110m.json").read_text(encoding="utf-8")
    preload = ("(window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}}).topojson"
               f"['world_110m'] = {topojson};\n")
    _atomic_write(assets / "world_110m.json", topojson)
    _atomic_write(assets / "world_110m.js", preload)
    _atomic_write(assets / "dashboard.css", CSS)
    return [assets / name for name in ASSET_FILES]


def build_pages(conn_or_warehouse: Any, as_of: dt.date | None = None,
                currency: str = "INR", names: tuple[str, ...] = DASHBOARDS) -> tuple[list[Page], Any]:
    conn = connection_of(conn_or_warehouse)
    fresh = freshness(conn, as_of)
    ctx = Context(conn=conn, fresh=fresh, month=reference_month(conn, fresh.as_of), currency=currency)
    return [BUILDERS[name](ctx) for name in names], fresh


def write_dashboards(conn_or_warehouse: Any, out_dir: str | Path, as_of: dt.date | None = None,
                     *, currency: str = "INR") -> list[Path]:
    """Render every dashboard from the marts into `out_dir` (<name>.html, index.html, assets/).

    `conn_or_warehouse`: a duckdb or psycopg connection, or a tourstack.ingest.load warehouse.
    `as_of` defaults to the newest booking date in the warehouse. Returns the pages written,
    index.html last.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_assets(out / "assets")
    pages, fresh = build_pages(conn_or_warehouse, as_of, currency)
    written = []
    for page in pages:
        path = out / f"{page.name}.html"
        _atomic_write(path, render(page, fresh))
        written.append(path)
    index = out / "index.html"
    _atomic_write(index, render_index(pages, fresh))
    manifest = {"as_of": fresh.as_of.isoformat(), "pages": [p.name for p in pages],
                "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    _atomic_write(out / "manifest.json", json.dumps(manifest, indent=2))
    return [*written, index]
