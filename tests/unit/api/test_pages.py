"""The page shells (search, destinations): public, strict CSP, config from search.yaml, an allow-list of assets."""

from __future__ import annotations

import json
import re

from tourstack.search.config import default_config


def test_page_is_public_with_a_strict_policy_and_the_indexes_of_search_yaml(client):
    response = client.get("/search")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    data = re.search(r'<script type="application/json" id="search-config">(.*?)</script>', response.text, re.S)
    config = json.loads(data.group(1))
    assert config["api"] == "/api/v1/search"
    by_name = {i["name"]: i for i in config["indexes"]}
    assert list(by_name) == list(default_config().indexes)
    assert by_name["sites"]["facets"] == ["location", "category", "price_range"]
    assert by_name["sites"]["params"] == {"price_range": "priceRange"}
    assert by_name["bookings"]["sorts"][0] == "relevance"


def test_assets_are_served_from_an_allow_list_only(client):
    assert client.get("/pages/assets/search.js").headers["content-type"].startswith("text/javascript")
    for name in ("common.js", "destinations.js", "pages.css"):
        assert client.get(f"/pages/assets/{name}").status_code == 200, name
    for name in ("search.html", "..%2Fpages.py", "nope.js"):
        response = client.get(f"/pages/assets/{name}")
        assert response.status_code == 404, name
        assert response.headers["content-type"] == "application/problem+json"


def test_the_pages_hold_no_data_and_no_key(client):
    for path in ("/search", "/destinations"):
        response = client.get(path)
        assert response.status_code == 200 and "script-src 'self'" in response.headers["content-security-policy"]
        assert "Bearer" not in response.text and "X-API-Key" not in response.text
