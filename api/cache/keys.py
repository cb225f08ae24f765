"""The cache key: route template, path, normalised query string and the caller's scope.

The scope is what decides what a listed route answers (api.cache.policy): the role (which
permissions, whether supplier costs show) and the agency an agent is limited to. Two agents of
one agency share entries; an agent never shares with another agency or with staff.
"""

from __future__ import annotations

import hashlib
import json
from urllib.parse import parse_qsl

from tourstack.auth import Principal

KEY_VERSION = 1


def normalised_query(query_string: bytes | str) -> list[tuple[str, str]]:
    """Parameters decoded (`%20` and `+` alike) and ordered by name; repeated names keep order."""
    text = query_string.decode("latin-1") if isinstance(query_string, bytes) else query_string
    pairs = parse_qsl(text, keep_blank_values=True)
    return sorted(pairs, key=lambda pair: pair[0])


def caller_scope(principal: Principal) -> dict[str, object]:
    return {"role": principal.role, "agency": principal.scope_agency_id}


def cache_digest(template: str, path: str, query_string: bytes | str, principal: Principal) -> str:
    material = [KEY_VERSION, template, path, normalised_query(query_string), caller_scope(principal)]
    return hashlib.sha256(json.dumps(material, separators=(",", ":")).encode()).hexdigest()
