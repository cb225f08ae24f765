"""Pages for people: search (`/search`), destination discovery (`/destinations`) and an
itinerary's interactive route map (`/itinerary-map?id=N`).

Why shells with no data in them: every figure comes from the same authenticated endpoints the
API serves (/api/v1/search/..., /api/v1/destinations/...), so a page can neither show more than
the caller's key may see nor drift from the API's scoping. The browser sends the key as
`Authorization: Bearer` from sessionStorage (gone when the tab closes), so the pages themselves
are public and cacheable.

The search page's indexes, title fields, facets and sorts come from search.yaml (embedded as a
JSON data block), so a new facet appears on the page without touching the script.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Response

from api.problems import ApiProblem
from api.routes import API_PREFIX
from tourstack.search.config import default_config

router = APIRouter(include_in_schema=False)
PAGE_DIR = Path(__file__).resolve().parent.parent / "pages"
# An allow-list: nothing but these names is ever read from disk.
ASSETS = {
    "common.js": "text/javascript; charset=utf-8",
    "search.js": "text/javascript; charset=utf-8",
    "destinations.js": "text/javascript; charset=utf-8",
    "pages.css": "text/css; charset=utf-8",
    "itinerary-map.js": "text/javascript; charset=utf-8",
    "plotly.min.js": "text/javascript; charset=utf-8",
}
# Served from an installed package rather than api/pages: plotly.js ships inside the plotly
# Python package, so the map needs no CDN (the CSP allows no other origin anyway).
PACKAGED = {"plotly.min.js": ("plotly", "package_data/plotly.min.js")}
# Filter parameters whose query name differs from the facet (the seed's camelCase priceRange).
FILTER_PARAMS = {"sites": {"price_range": "priceRange"}}
_HEADERS = {
    "Cache-Control": "no-cache",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
}


def search_page_config() -> dict:
    """What the search script needs to know about each index, from search.yaml."""
    config = default_config()
    return {
        "api": f"{API_PREFIX}/search",
        "indexes": [
            {"name": spec.name, "title": spec.title, "fields": list(spec.text), "facets": list(spec.facets),
             "sorts": list(spec.sort_names), "params": FILTER_PARAMS.get(spec.name, {})}
            for spec in config.indexes.values()
        ],
    }


PAGES = {"search": "Search", "destinations": "Destinations", "itinerary-map": "Itinerary map"}


def _header(current: str) -> str:
    """The shared header (sign-in form, links to the pages), the current page marked."""
    current_mark = ' aria-current="page"'
    nav = " ".join(f'<a href="/{name}"{current_mark if name == current else ""}>{label}</a>'
                   for name, label in PAGES.items())
    return (PAGE_DIR / "header.html").read_text(encoding="utf-8").replace("{{nav}}", nav)


@lru_cache(maxsize=len(PAGES))
def _page_html(name: str) -> str:
    html = (PAGE_DIR / f"{name}.html").read_text(encoding="utf-8").replace("{{header}}", _header(name))
    if name == "search":
        data = json.dumps(search_page_config()).replace("</", "<\\/")  # a data block cannot close its tag
        html = html.replace("{{config}}", data)
    return html


def _page(name: str) -> Response:
    return Response(_page_html(name), media_type="text/html; charset=utf-8", headers=_HEADERS)


@router.get("/search")
def search_page() -> Response:
    return _page("search")


@router.get("/destinations")
def destinations_page() -> Response:
    return _page("destinations")


@router.get("/itinerary-map")
def itinerary_map_page() -> Response:
    return _page("itinerary-map")


@lru_cache(maxsize=len(PACKAGED))
def _packaged(file: str) -> bytes:
    from importlib.resources import files

    package, path = PACKAGED[file]
    return files(package).joinpath(path).read_bytes()


@router.get("/pages/assets/{file}")
def page_asset(file: str) -> Response:
    if file not in ASSETS:
        raise ApiProblem(404, "no such page asset", slug="asset-not-found", title="Not Found")
    data = _packaged(file) if file in PACKAGED else (PAGE_DIR / file).read_bytes()
    return Response(data, media_type=ASSETS[file],
                    headers={"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})
