"""The analytics dashboards over HTTP: list, pages, their assets, and short-lived browser links.

Pages are served from the folder the `dashboards` Dagster asset writes (TOURSTACK_DASHBOARDS_DIR),
not rendered per request: rendering reads a dozen marts and serialises every figure (seconds on
two cores), a DuckDB warehouse admits no reader while the refresh writes it, and the asset runs
after each refresh anyway, so the files are exactly as fresh as the marts.

Header-authenticated clients (ops, finance, admin keys; agents get 403) read
`/api/v1/dashboards/{name}` and `/assets/{file}`. A browser navigation cannot send the key, so
`POST /api/v1/dashboards/links` returns a signed link valid for minutes
(reports.dashboards.links); under `/view/{token}/` the page's relative links to its assets and
to the other pages keep working with the same token.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from fastapi import APIRouter, Response
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from api.deps import CanReadAnalytics, SessionDep, SettingsDep
from api.problems import ApiProblem
from api.routes import API_PREFIX
from api.schemas.common import problem_responses
from tourstack.auth import Permission, has_permission
from reports.dashboards import ASSET_FILES, DASHBOARDS
from reports.dashboards import links
from tourstack.db.models import ApiKey

router = APIRouter(prefix="/dashboards", tags=["dashboards"])
PAGES = (*DASHBOARDS, "index")
_MEDIA = {".js": "text/javascript", ".css": "text/css", ".json": "application/json"}
_PAGE_HEADERS = {
    "Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "frame-ancestors 'none'",
}


class DashboardOut(BaseModel):
    name: str
    url: str = Field(description="the page for header-authenticated clients")
    available: bool = Field(description="false until the dashboards asset has written the page")


class DashboardList(BaseModel):
    items: list[DashboardOut]
    as_of: str | None = Field(None, description="the data's as-of date of the generated pages")
    generated_at: str | None = None


class LinkIn(BaseModel):
    ttl_seconds: int = Field(links.DEFAULT_TTL_SECONDS, ge=60, le=links.MAX_TTL_SECONDS)


class LinkOut(BaseModel):
    url: str = Field(description="open in a browser; the index links every dashboard")
    expires_at: dt.datetime


def _page_name(name: str) -> str:
    stem = name.removesuffix(".html")
    if stem not in PAGES:
        raise ApiProblem(404, f"no dashboard named {name!r}; known: {', '.join(DASHBOARDS)}",
                         slug="dashboard-not-found", title="Dashboard not found")
    return stem


def _file(folder: Path, name: str, what: str) -> Path:
    path = folder / name
    if not path.is_file():
        raise ApiProblem(404, f"{what} has not been generated yet: materialise the `dashboards` asset",
                         slug="dashboard-not-generated", title="Dashboard not generated")
    return path


def _page(settings, name: str) -> Response:
    path = _file(settings.dashboards_dir, f"{_page_name(name)}.html", f"dashboard {name!r}")
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=_PAGE_HEADERS)


def _asset(settings, file: str) -> Response:
    # An allow-list, not a path check: nothing but these names is ever read from disk.
    if file not in ASSET_FILES:
        raise ApiProblem(404, "no such dashboard asset", slug="asset-not-found", title="Not Found")
    path = _file(settings.dashboards_dir / "assets", file, f"asset {file!r}")
    return FileResponse(path, media_type=_MEDIA[Path(file).suffix],
                        headers={"Cache-Control": "private, max-age=3600",
                                 "X-Content-Type-Options": "nosniff"})


def _key_hash_for_links(session: Session):
    def lookup(key_id: int) -> str | None:
        row = session.get(ApiKey, key_id)
        if row is None or row.revoked_at is not None:
            return None
        return row.key_hash if has_permission(row.role, Permission.ANALYTICS_READ) else None

    return lookup


def _check_link(session: Session, token: str) -> None:
    if links.verify(token, _key_hash_for_links(session)) is None:
        raise ApiProblem(401, "the dashboard link is invalid or has expired; ask for a new one",
                         slug="unauthorized", title="Unauthorized",
                         headers={"WWW-Authenticate": 'Bearer realm="tourstack"'})


@router.get("", response_model=DashboardList, responses=problem_responses(401, 403))
def list_dashboards(settings: SettingsDep, principal: CanReadAnalytics) -> DashboardList:
    folder: Path = settings.dashboards_dir
    manifest = {}
    if (folder / "manifest.json").is_file():
        manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    items = [DashboardOut(name=n, url=f"{API_PREFIX}{router.prefix}/{n}", available=(folder / f"{n}.html").is_file())
             for n in DASHBOARDS]
    return DashboardList(items=items, as_of=manifest.get("as_of"),
                         generated_at=manifest.get("generated_at"))


@router.post("/links", response_model=LinkOut, status_code=201,
             responses=problem_responses(401, 403, 422))
def create_link(session: SessionDep, principal: CanReadAnalytics,
                body: LinkIn | None = None) -> LinkOut:
    """A browser link to the dashboards, valid `ttl_seconds` (default 15 minutes, at most 1 h)."""
    row = session.get(ApiKey, principal.key_id)
    token, expires = links.issue(principal.key_id, row.key_hash,
                                 ttl_seconds=(body or LinkIn()).ttl_seconds)
    return LinkOut(url=f"{API_PREFIX}{router.prefix}/view/{token}/index.html",
                   expires_at=dt.datetime.fromtimestamp(expires, dt.UTC))


@router.get("/assets/{file}", responses=problem_responses(401, 403, 404))
def get_asset(settings: SettingsDep, principal: CanReadAnalytics, file: str) -> Response:
    return _asset(settings, file)


@router.get("/view/{token}/assets/{file}", responses=problem_responses(401, 404))
def get_linked_asset(settings: SettingsDep, session: SessionDep, token: str, file: str) -> Response:
    _check_link(session, token)
    return _asset(settings, file)


@router.get("/view/{token}/{name}", responses=problem_responses(401, 404))
def get_linked_page(settings: SettingsDep, session: SessionDep, token: str, name: str) -> Response:
    _check_link(session, token)
    return _page(settings, name)


@router.get("/{name}", responses=problem_responses(401, 403, 404))
def get_dashboard(settings: SettingsDep, principal: CanReadAnalytics, name: str) -> Response:
    """The page as HTML (`executive`, `sales`, ... or `index`; a `.html` suffix is accepted)."""
    return _page(settings, name)
