"""Refuse input the database or the JSON parser cannot take, before any route sees it.

Why a middleware and not per-field validators: the failures this prevents are properties of
the transport, not of one field, and a check that every route must remember is a check some
route forgets.

- Size: a body over `MAX_BODY_BYTES` (`LARGE_BODY_PATHS` for the signed inbound-mail route) is
  refused with 413, from `Content-Length` before reading,
  or while streaming a chunked body (never buffered past the cap).
- Depth: JSON nested deeper than `MAX_JSON_DEPTH` is refused with 422 before anything parses
  it. The check scans brackets in a loop (strings skipped by searching for their closing
  quote), so it neither recurses nor backtracks: Python's `json` recurses per level and a
  100k-deep array ends in RecursionError.
- NUL and lone surrogates: PostgreSQL refuses U+0000 in text and UTF-8 cannot encode a lone
  surrogate, so either in the path, the query string, a header or any JSON string (key or
  value) is refused with 422. JSON bodies are parsed once here to look (the depth is bounded by
  then, so this is safe and fast); a body that is not JSON is left to the route to refuse.

Webhook bodies pass through the same gate: the signature check comes after it, so a signed
delivery cannot reach the parser with a body that would crash it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.problems import PROBLEM_CONTENT_TYPE, problem_body

MAX_BODY_BYTES = 1_000_000
# Routes that receive whole e-mails (attachments included) from a signed provider: Mailgun's
# own message limit is 25 MB, and base64 adds a third.
LARGE_BODY_PATHS = {"/api/v1/inbox/inbound/mailgun": 36_000_000, "/api/v1/inbox/inbound/mailgun/mime": 36_000_000}
MAX_JSON_DEPTH = 64

_STRUCTURAL = re.compile(rb'[\[\]{}"]')
_FORBIDDEN_TEXT = re.compile("[\x00\ud800-\udfff]")
_QUOTE, _BACKSLASH = 0x22, 0x5C


class Refusal(Exception):
    def __init__(self, status: int, slug: str, title: str, detail: str) -> None:
        super().__init__(detail)
        self.status, self.slug, self.title, self.detail = status, slug, title, detail


def json_depth_exceeds(data: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than `limit`; linear and non-recursive.

    Malformed input (an unterminated string, unbalanced brackets) answers False: the parser
    refuses it with a proper error later; this only guards the parser's recursion."""
    depth, pos = 0, 0
    while True:
        match = _STRUCTURAL.search(data, pos)
        if match is None:
            return False
        at = match.start()
        char = data[at]
        if char == _QUOTE:
            end = _string_end(data, at)
            if end < 0:
                return False
            pos = end + 1
            continue
        if char in b"[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth = max(depth - 1, 0)
        pos = at + 1


def _string_end(data: bytes, opening: int) -> int:
    """Index of the quote closing the string opened at `opening`, or -1."""
    pos = opening + 1
    while True:
        pos = data.find(b'"', pos)
        if pos < 0:
            return -1
        backslashes, back = 0, pos - 1
        while data[back] == _BACKSLASH:  # stops at the opening quote at the latest
            backslashes, back = backslashes + 1, back - 1
        if backslashes % 2 == 0:
            return pos
        pos += 1


def _strings(value: Any) -> Iterator[str]:
    """Every key and string value of parsed JSON, without recursion."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _bad_text(where: str) -> Refusal:
    return Refusal(422, "invalid-text", "Invalid text",
                   f"{where} contains a NUL character or a lone UTF-16 surrogate, which text cannot hold")


def check_body(body: bytes, content_type: str) -> None:
    """Raise Refusal for a body the API must not hand to a parser or to the database."""
    if b"\x00" in body:
        raise _bad_text("the body")
    if json_depth_exceeds(body):
        raise Refusal(422, "json-too-deep", "JSON too deep",
                      f"the JSON body is nested more than {MAX_JSON_DEPTH} levels deep")
    if "json" not in content_type or not body:
        return
    try:
        parsed = json.loads(body)
    except (ValueError, RecursionError):  # the route answers 422 for JSON it cannot decode
        return
    if any(_FORBIDDEN_TEXT.search(text) for text in _strings(parsed)):
        raise _bad_text("a JSON string")


def check_target(scope: Scope) -> None:
    """NUL in the path, query string or headers."""
    if "\x00" in scope.get("path", "") or _FORBIDDEN_TEXT.search(scope.get("path", "")):
        raise _bad_text("the path")
    query = scope.get("query_string", b"")
    if b"\x00" in query or (b"%00" in query.lower() and b"\x00" in unquote_to_bytes(query)):
        raise _bad_text("the query string")
    for _name, value in scope.get("headers", ()):
        if b"\x00" in value:
            raise _bad_text("a header")


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            return value.decode("latin-1").lower()
    return ""


def _too_large(limit: int = MAX_BODY_BYTES) -> Refusal:
    return Refusal(413, "too-large", "Content too large",
                   f"the body is larger than {limit:,} bytes")


class InputGuardMiddleware:
    """Pure ASGI: buffers the body (at most MAX_BODY_BYTES), checks it, then replays it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            check_target(scope)
            limit = LARGE_BODY_PATHS.get(scope.get("path", ""), MAX_BODY_BYTES)
            declared = _declared_length(scope)
            if declared is not None and declared > limit:
                raise _too_large(limit)
            body, disconnected = await self._read(receive, limit)
            check_body(body, _content_type(scope))
        except Refusal as refusal:
            await _refuse(scope, send, refusal)
            return
        await self.app(scope, _replay(body, disconnected, receive), send)

    @staticmethod
    async def _read(receive: Receive, limit: int = MAX_BODY_BYTES) -> tuple[bytes, bool]:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks), True
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                raise _too_large(limit)
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), False


def _replay(body: bytes, disconnected: bool, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            if disconnected:
                return {"type": "http.disconnect"}
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()  # after the body: wait for the disconnect as Starlette expects

    return replay


async def _refuse(scope: Scope, send: Send, refusal: Refusal) -> None:
    extensions: dict[str, Any] = {}
    request_id = scope.get("state", {}).get("request_id")
    if request_id:
        extensions["request_id"] = request_id
    body = problem_body(refusal.status, instance=scope.get("path", "").replace("\x00", ""),
                        detail=refusal.detail, slug=refusal.slug, title=refusal.title, **extensions)
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": refusal.status,
                "headers": [(b"content-type", PROBLEM_CONTENT_TYPE.encode()),
                            (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
