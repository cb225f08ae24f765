"""The dashboards API: who may read the pages, links for browsers, and nothing else on disk."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from tests.unit.api.conftest import auth
from tourstack.auth import revoke_key
from reports.dashboards import DASHBOARDS, write_assets
from tourstack.settings import Settings

BASE = "/api/v1/dashboards"


@pytest.fixture
def dash_dir(tmp_path):
    folder = tmp_path / "dashboards"
    write_assets(folder / "assets")
    for name in (*DASHBOARDS, "index"):
        (folder / f"{name}.html").write_text(f"<!doctype html><title>{name}</title>"
                                             '<script src="assets/plotly.min.js"></script>')
    (folder / "manifest.json").write_text('{"as_of": "2026-06-30", "generated_at": "x"}')
    (tmp_path / "secret.txt").write_text("not for you")
    return folder


@pytest.fixture
def dash_client(db_url, session_factory, dash_dir):
    settings = Settings(database_url=db_url, dashboards_dir=dash_dir)
    with TestClient(create_app(settings=settings, sessionmaker=session_factory)) as c:
        yield c


def _problem(response, status):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", ["", "/executive", "/assets/plotly.min.js"])
def test_requests_without_a_key_are_refused(dash_client, path):
    _problem(dash_client.get(BASE + path), 401)
    _problem(dash_client.post(BASE + "/links"), 401)


def test_agents_are_forbidden(dash_client, world):
    key = auth(world.keys["agent_a"])
    for path in ("", "/executive", "/assets/dashboard.css"):
        _problem(dash_client.get(BASE + path, headers=key), 403)
    _problem(dash_client.post(BASE + "/links", headers=key), 403)


@pytest.mark.parametrize("role", ["ops", "finance", "admin"])
def test_staff_read_the_list_pages_and_assets(dash_client, world, role):
    key = auth(world.keys[role])
    listing = dash_client.get(BASE, headers=key)
    assert listing.status_code == 200
    body = listing.json()
    assert [i["name"] for i in body["items"]] == list(DASHBOARDS)
    assert all(i["available"] for i in body["items"]) and body["as_of"] == "2026-06-30"
    for name in ("executive", "customers.html", "index"):
        page = dash_client.get(f"{BASE}/{name}", headers=key)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.headers["cache-control"] == "no-store"
    js = dash_client.get(f"{BASE}/assets/plotly.min.js", headers=key)
    assert js.status_code == 200 and js.headers["content-type"].startswith("text/javascript")
    assert len(js.content) > 1_000_000
    assert dash_client.get(f"{BASE}/assets/world_110m.js", headers=key).status_code == 200


def test_unknown_dashboard_is_a_404_problem(dash_client, world):
    response = dash_client.get(f"{BASE}/nope", headers=auth(world.keys["ops"]))
    _problem(response, 404)
    assert response.json()["type"] == "/problems/dashboard-not-found"


def test_missing_generated_page_says_how_to_make_it(dash_client, dash_dir, world):
    (dash_dir / "sales.html").unlink()
    response = dash_client.get(f"{BASE}/sales", headers=auth(world.keys["ops"]))
    _problem(response, 404)
    assert "dashboards" in response.json()["detail"]


@pytest.mark.parametrize(("file", "status"), [
    ("..%2Fsecret.txt", 404), ("..%2F..%2Fsecret.txt", 404), ("%2E%2E%2Fmanifest.json", 404),
    ("..\\manifest.json", 404), ("manifest.json", 404), ("%2E%2E", 404), ("%2Fetc%2Fpasswd", 404),
    ("plotly.min.js%00.css", 422),  # a NUL in any path is refused before routing (api/input_guard.py)
])
def test_asset_path_traversal_is_refused(dash_client, world, file, status):
    response = dash_client.get(f"{BASE}/assets/{file}", headers=auth(world.keys["ops"]))
    assert response.status_code == status
    assert b"not for you" not in response.content


def test_page_names_cannot_escape_the_folder(dash_client, world):
    for name in ("..%2Fsecret.txt", "..%2F..%2Fsecret", "%2E%2E", "manifest.json", "secret.txt"):
        response = dash_client.get(f"{BASE}/{name}", headers=auth(world.keys["ops"]))
        assert response.status_code == 404 and b"not for you" not in response.content


def test_a_browser_link_opens_pages_and_assets_without_a_header(dash_client, world):
    created = dash_client.post(f"{BASE}/links", headers=auth(world.keys["finance"]),
                               json={"ttl_seconds": 300})
    assert created.status_code == 201
    url = created.json()["url"]
    expires = dt.datetime.fromisoformat(created.json()["expires_at"])
    assert dt.timedelta(minutes=4) < expires - dt.datetime.now(dt.UTC) <= dt.timedelta(minutes=5)
    prefix = url.rsplit("/", 1)[0]
    page = dash_client.get(url)  # no Authorization header: what a browser navigation sends
    assert page.status_code == 200 and "<title>index</title>" in page.text
    assert page.headers["referrer-policy"] == "no-referrer"
    assert dash_client.get(f"{prefix}/executive.html").status_code == 200  # relative nav links
    assert dash_client.get(f"{prefix}/assets/plotly.min.js").status_code == 200  # relative assets
    assert dash_client.get(f"{prefix}/assets/..%2Fsecret.txt").status_code == 404
    _problem(dash_client.get(f"{prefix}/nope.html"), 404)


def test_a_link_dies_with_tampering_long_ttl_and_revocation(dash_client, world, session_factory):
    _problem(dash_client.post(f"{BASE}/links", headers=auth(world.keys["ops"]),
                              json={"ttl_seconds": 86_400}), 422)
    url = dash_client.post(f"{BASE}/links", headers=auth(world.keys["ops"])).json()["url"]
    token = url.split("/")[-2]
    key_id, expires, sig = token.split(".")
    forged = f"{BASE}/view/{key_id}.{int(expires) + 600}.{sig}/index.html"
    _problem(dash_client.get(forged), 401)
    _problem(dash_client.get(f"{BASE}/view/not-a-token/index.html"), 401)
    with session_factory() as s:
        revoke_key(s, int(key_id))
        s.commit()
    _problem(dash_client.get(url), 401)
