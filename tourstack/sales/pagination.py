"""Keyset pagination on `id` (newest first) with an opaque cursor.

The cursor is base64url of a small JSON document. It is not a secret and not signed: it only says
where the next page starts, and every query re-applies the caller's scope, so a forged cursor
cannot reveal anything the caller could not list anyway.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_VERSION = 1
MAX_LIMIT = 200


class InvalidCursor(ValueError):
    pass


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None


def encode_cursor(last_id: int) -> str:
    raw = json.dumps({"v": _VERSION, "id": last_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """The id after which the next page starts; raises InvalidCursor on anything malformed."""
    if not cursor or len(cursor) > 200:
        raise InvalidCursor("malformed cursor")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise InvalidCursor("malformed cursor") from exc
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        raise InvalidCursor("malformed cursor")
    last_id = data.get("id")
    if not isinstance(last_id, int) or isinstance(last_id, bool) or last_id < 1:
        raise InvalidCursor("malformed cursor")
    return last_id


def check_limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be between 1 and {MAX_LIMIT}")
    return limit


def keyset_page(session: Any, stmt: Any, model: Any, limit: int, cursor: str | None) -> Page:
    """One page of `stmt` newest first by `model.id`, with the cursor of the next page.

    Why one function: every listing pages the same way (one extra row tells whether a next page
    exists), and a caller's scope lives in `stmt`, so the cursor never widens what is listed."""
    check_limit(limit)
    if cursor is not None:
        stmt = stmt.where(model.id < decode_cursor(cursor))
    rows = list(session.scalars(stmt.order_by(model.id.desc()).limit(limit + 1)))
    if len(rows) > limit:
        rows = rows[:limit]
        return Page(items=rows, next_cursor=encode_cursor(rows[-1].id))
    return Page(items=rows, next_cursor=None)
