"""Raw request path -> the route template it was served by (`/api/v1/bookings/{booking_ref}`).

Why our own matcher: metrics must be labelled per template, never per raw path (unbounded label
values), and the response cache chooses its policy before the router runs. The templates come
from the app's OpenAPI paths plus the few routes outside the schema, so nothing has to be listed
twice; the most literal template wins, as `/search/autocomplete` must beat `/search/{index}`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

UNMATCHED = "<unmatched>"
_PARAM = re.compile(r"\{[^}]+\}")


def _compile(template: str) -> re.Pattern[str]:
    parts = _PARAM.split(template)
    return re.compile("^" + "[^/]+".join(re.escape(p) for p in parts) + "$")


class RouteTemplates:
    def __init__(self, templates: Iterable[str]):
        ordered = sorted(set(templates), key=lambda t: (-len(_PARAM.sub("", t)), t))
        self._patterns = [(t, _compile(t)) for t in ordered]

    def match(self, path: str) -> str | None:
        for template, pattern in self._patterns:
            if pattern.match(path):
                return template
        return None

    def label(self, path: str) -> str:
        return self.match(path) or UNMATCHED


def app_templates(app) -> RouteTemplates:
    """Built once per app, on first use (the OpenAPI document is built lazily too)."""
    found = getattr(app.state, "route_templates", None)
    if found is None:
        paths = list(app.openapi().get("paths", {}))
        found = RouteTemplates([*paths, "/health", "/metrics"])
        app.state.route_templates = found
    return found
