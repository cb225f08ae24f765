"""API keys: `ts_<prefix>_<secret>`.

The prefix is random, stored in clear and unique: it finds the row. Only the SHA-256 hex digest of
the whole key is stored, so a database leak does not leak usable keys. The plain key is returned
once, by `issue_key`, and never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.auth.principal import ROLES, Principal, Role
from tourstack.db.models import Agency, Agent, ApiKey, StaffUser

KEY_PREFIX = "ts"
_PREFIX_BYTES = 6  # 12 hex characters; the column holds 16
_SECRET_BYTES = 32
# How stale `last_used_at` may get before a successful verification writes it again.
TOUCH_INTERVAL = dt.timedelta(minutes=1)


class KeyIssueError(ValueError):
    """The key cannot be issued as asked (unknown role, missing or inconsistent owner)."""


def hash_key(plain_key: str) -> str:
    return hashlib.sha256(plain_key.encode("utf-8")).hexdigest()


def parse_key(plain_key: str) -> str | None:
    """Return the prefix of a well-formed key, or None."""
    head, sep, rest = plain_key.partition("_")
    if head != KEY_PREFIX or not sep:
        return None
    prefix, sep, secret = rest.partition("_")
    if not sep or not secret or len(prefix) != 2 * _PREFIX_BYTES:
        return None
    if any(c not in "0123456789abcdef" for c in prefix):
        return None
    return prefix


def issue_key(
    session: Session,
    role: str,
    name: str,
    *,
    agency_id: int | None = None,
    agent_id: int | None = None,
    staff_user_id: int | None = None,
) -> tuple[str, ApiKey]:
    """Create a key and return `(plain_key, row)`. The row is added and flushed, not committed.

    Agent keys need `agency_id` (and an optional `agent_id` of that agency); staff keys (ops,
    finance, admin) must not carry an agency.
    """
    if role not in ROLES:
        raise KeyIssueError(f"unknown role {role!r}; expected one of {', '.join(ROLES)}")
    if not name or not name.strip():
        raise KeyIssueError("a key needs a name")
    if role == Role.AGENT:
        if agency_id is None:
            raise KeyIssueError("an agent key needs an agency")
        if session.get(Agency, agency_id) is None:
            raise KeyIssueError(f"no agency with id {agency_id}")
        if agent_id is not None:
            agent = session.get(Agent, agent_id)
            if agent is None or agent.agency_id != agency_id:
                raise KeyIssueError(f"agent {agent_id} does not belong to agency {agency_id}")
        if staff_user_id is not None:
            raise KeyIssueError("an agent key cannot belong to a staff user")
    else:
        if agency_id is not None or agent_id is not None:
            raise KeyIssueError(f"a {role} key cannot be bound to an agency or agent")
        if staff_user_id is not None and session.get(StaffUser, staff_user_id) is None:
            raise KeyIssueError(f"no staff user with id {staff_user_id}")

    prefix = _unused_prefix(session)
    plain = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(_SECRET_BYTES)}"
    row = ApiKey(
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_key(plain),
        role=role,
        agency_id=agency_id,
        agent_id=agent_id,
        staff_user_id=staff_user_id,
    )
    session.add(row)
    session.flush()
    return plain, row


def _unused_prefix(session: Session) -> str:
    for _ in range(10):
        prefix = secrets.token_hex(_PREFIX_BYTES)
        if session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is None:
            return prefix
    raise RuntimeError("could not find an unused key prefix")  # 2**48 space: never in practice


def verify_key(
    session: Session, plain_key: str | None, *, now: dt.datetime | None = None, touch: bool = True
) -> Principal | None:
    """The principal for a valid, unrevoked key, or None. Never raises on bad input.

    With `touch`, records `last_used_at` (at most once per TOUCH_INTERVAL) on the session; the
    caller commits.
    """
    if not plain_key:
        return None
    candidate_hash = hash_key(plain_key)
    prefix = parse_key(plain_key)
    row = (
        session.scalar(select(ApiKey).where(ApiKey.prefix == prefix)) if prefix else None
    )
    stored_hash = row.key_hash if row is not None else "0" * 64
    if not hmac.compare_digest(candidate_hash, stored_hash) or row is None:
        return None
    if row.revoked_at is not None:
        return None
    try:
        principal = Principal(
            key_id=row.id,
            role=row.role,
            agency_id=row.agency_id,
            agent_id=row.agent_id,
            staff_user_id=row.staff_user_id,
        )
    except ValueError:  # a malformed row (unknown role, agent key without agency) grants nothing
        return None
    if touch:
        now = now or dt.datetime.now(dt.UTC)
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
            row.last_used_at = now
    return principal


def revoke_key(session: Session, key_id: int, *, now: dt.datetime | None = None) -> ApiKey | None:
    """Mark a key revoked (idempotent). Returns the row, or None when no such key exists."""
    row = session.get(ApiKey, key_id)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now or dt.datetime.now(dt.UTC)
        session.flush()
    return row
