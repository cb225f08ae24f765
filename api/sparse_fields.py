"""Sparse fieldsets: `?fields=a,b` keeps only those top-level fields of a JSON answer.

On a page (`{"items": [...], "next_cursor": ...}`) the names apply to each item and the page
keeps its cursor; on a list, to each element; on one resource, to the resource. The valid names
are the properties of the route's 200 schema in the OpenAPI document, so they never drift from
the models; an unknown name is a 400 problem listing the valid ones.

The parameter is stripped before the request goes further in, so the response cache keeps one
full body per query and every fieldset is cut from it; the ETag layer outside hashes the cut
body. It is not declared in the OpenAPI document: a trimmed answer does not satisfy the route's
response schema (which lists required properties), and a schema cannot say "unless fields= was
given" (docs/performance.md).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_CONTENT_TYPE, problem_body
from api.route_templates import app_templates

PARAM = "fields"
PAGE = "page"
LIST = "list"
OBJECT = "object"


def _resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def shape_of(doc: dict[str, Any], template: str) -> tuple[str, frozenset[str]] | None:
    """(page | list | object, the selectable names) of a GET route's 200 JSON body, if any."""
    try:
        schema = doc["paths"][template]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    except KeyError:
        return None
    schema = _resolve(doc, schema)
    props = schema.get("properties", {})
    if set(props) == {"items", "next_cursor"}:
        item = _resolve(doc, props["items"].get("items", {}))
        names = item.get("properties")
        return (PAGE, frozenset(names)) if names else None
    if schema.get("type") == "array":
        names = _resolve(doc, schema.get("items", {})).get("properties")
        return (LIST, frozenset(names)) if names else None
    return (OBJECT, frozenset(props)) if props else None


def _shapes(app) -> dict[str, tuple[str, frozenset[str]] | None]:
    shapes = getattr(app.state, "sparse_shapes", None)
    if shapes is None:
        doc = app.openapi()
        shapes = {t: shape_of(doc, t) for t in doc.get("paths", {})}
        app.state.sparse_shapes = shapes
    return shapes


def _cut(value: Any, keep: set[str]) -> Any:
    return {k: v for k, v in value.items() if k in keep} if isinstance(value, dict) else value


def trim(body: Any, kind: str, keep: set[str]) -> Any:
    if kind == PAGE and isinstance(body, dict):
        return {**body, "items": [_cut(i, keep) for i in body.get("items", [])]}
    if kind == LIST and isinstance(body, list):
        return [_cut(i, keep) for i in body]
    return _cut(body, keep)


class SparseFieldsMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or b"fields=" not in scope.get("query_string", b""):
            await self.app(scope, receive, send)
            return
        pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
        wanted = [v for k, v in pairs if k == PARAM]
        template = app_templates(scope["app"]).match(scope["path"])
        shape = _shapes(scope["app"]).get(template) if template else None
        if not wanted or shape is None:
            await self.app(scope, receive, send)
            return
        kind, valid = shape
        names = {n.strip() for v in wanted for n in v.split(",") if n.strip()}
        unknown = sorted(names - valid)
        if unknown or not names:
            detail = (f"unknown field(s): {', '.join(unknown)}" if unknown else "fields names no field")
            await _problem(send, scope, detail + f"; valid fields: {', '.join(sorted(valid))}", sorted(valid))
            return
        inner = dict(scope)
        inner["query_string"] = urlencode([(k, v) for k, v in pairs if k != PARAM]).encode("latin-1")
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = MutableHeaders(raw=list(start.get("headers", [])))
            if start.get("status") == 200 and headers.get("content-type", "").startswith("application/json"):
                body = json.dumps(trim(json.loads(body), kind, names), separators=(",", ":"),
                                  ensure_ascii=False).encode()
                headers["content-length"] = str(len(body))
            await send({**start, "headers": headers.raw})
            await send({"type": "http.response.body", "body": body})

        await self.app(inner, receive, capture)


async def _problem(send: Send, scope: Scope, detail: str, valid: list[str]) -> None:
    request_id = scope.get("state", {}).get("request_id")
    payload = json.dumps(problem_body(400, instance=scope["path"], detail=detail, slug="invalid-fields",
                                      title="Bad Request", valid_fields=valid, request_id=request_id)).encode()
    await send({"type": "http.response.start", "status": 400, "headers": [
        (b"content-type", PROBLEM_CONTENT_TYPE.encode()), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
