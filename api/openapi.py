"""The published OpenAPI document says what the service really answers.

FastAPI documents each route's own responses; refusals that come from app-wide layers (the
input gate, the body parser, authentication, the database's own refusals) and the problem+json
media type of every error are not visible to it. Without this, a client generated from the
schema (or a schema-driven test) meets undocumented 400s and 413s, and error bodies declared
as `application/json` with FastAPI's own validation shape, which this service never sends.

Rules, applied once to the generated document:
- every error response is `application/problem+json` with the `Problem` schema;
- operations with a request body may answer 400 (not JSON) and 413 (over the size cap);
- paginated operations (a `cursor` parameter) may answer 400 (a cursor this service did not issue);
- every operation may answer 422 (the input gate: NUL bytes, nesting depth, bounds);
- secured operations may answer 401 and 403;
- operations that write (POST, PUT, PATCH, DELETE) may answer 409: the database refused the
  change or a concurrent one won (api/problems.py maps both to 409).
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import PROBLEM_CONTENT_TYPE
from api.schemas.common import Problem

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_WRITES = {"post", "put", "patch", "delete"}
_DESCRIPTIONS = {400: "Bad Request: the body is not JSON, or the cursor is not one this service issued", 401: "Unauthorized", 403: "Forbidden",
                 409: "Conflict", 413: "Content Too Large", 422: "Validation Error"}


def _problem(description: str) -> dict[str, Any]:
    return {"description": description, "content": {PROBLEM_CONTENT_TYPE: {"schema": _PROBLEM_REF}}}


def _complete(operation: dict[str, Any], method: str) -> None:
    responses = operation.setdefault("responses", {})
    added = [422]
    if "requestBody" in operation:
        added += [400, 413]
    if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
        added.append(400)
    if operation.get("security"):
        added += [401, 403]
    if method in _WRITES:
        added.append(409)
    for status in added:
        responses.setdefault(str(status), _problem(_DESCRIPTIONS[status]))
    for status, response in responses.items():
        if status[0] in "45":
            response["content"] = {PROBLEM_CONTENT_TYPE: {"schema": _PROBLEM_REF}}
            if status == "422":
                response["description"] = _DESCRIPTIONS[422]


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=app.title, version=app.version, description=app.description,
                                 routes=app.routes)
            for path_item in schema.get("paths", {}).values():
                for method, operation in path_item.items():
                    if method in {"get", "head", "options", *_WRITES}:
                        _complete(operation, method)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            components.setdefault("Problem", Problem.model_json_schema())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
