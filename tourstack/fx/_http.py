"""One GET helper for the live adapters, so every failure becomes an FxSourceError that names
the source and the HTTP status, and never echoes headers (where credentials travel).
"""

from __future__ import annotations

import json
import re

import httpx

from tourstack.fx.errors import FxSourceError

DEFAULT_TIMEOUT = 10.0


def get_bytes(
    client: httpx.Client | None,
    url: str,
    *,
    source: str,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> bytes:
    path = httpx.URL(url).path
    try:
        if client is None:
            with httpx.Client(timeout=timeout, follow_redirects=True) as own:
                response = own.get(url, headers=headers)
        else:
            response = client.get(url, headers=headers)
    except httpx.HTTPError as exc:
        raise FxSourceError(source, f"GET {path} failed: {type(exc).__name__}: {exc}") from None
    if response.status_code != 200:
        code = _error_code(response.content)
        raise FxSourceError(
            source,
            f"GET {path} answered HTTP {response.status_code}" + (f" ({code})" if code else ""),
            status=response.status_code,
        )
    return response.content


def _error_code(body: bytes) -> str | None:
    """A provider's short error code from a JSON error body (OXR: "invalid_app_id").

    Only a bare snake_case token is passed on, so a body echoing request data cannot leak it.
    """
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        return None
    if isinstance(message, str) and re.fullmatch(r"[a-z_]{1,40}", message):
        return message
    return None
