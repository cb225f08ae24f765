"""The conflict queue: records edited on both sides since the last sync, resolved by a person.

Resolving `ours` adopts the provider's current version as the base, so the next sync pushes our
document over theirs (sparse update). Resolving `theirs` marks our current version as pushed,
so the sync leaves their edit in place until our document changes again. Either way the row
keeps both versions for the record.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.accounting.documents import payload_digest
from tourstack.db.base import utcnow
from tourstack.db.models import AccountingConflict, AccountingMapping
from tourstack.errors import Invalid, NotFound


class ConflictNotFound(NotFound):
    code = "accounting-conflict-not-found"


class ConflictClosed(Invalid):
    code = "accounting-conflict-closed"


def list_conflicts(session: Session, provider: str | None = None, status: str | None = "open") -> list[AccountingConflict]:
    query = select(AccountingConflict).order_by(AccountingConflict.id)
    if provider:
        query = query.where(AccountingConflict.provider == provider)
    if status:
        query = query.where(AccountingConflict.status == status)
    return list(session.scalars(query))


def resolve_conflict(session: Session, conflict_id: int, keep: str) -> AccountingConflict:
    """`keep`: ours or theirs. The caller commits."""
    if keep not in ("ours", "theirs"):
        raise Invalid("keep must be ours or theirs")
    conflict = session.get(AccountingConflict, conflict_id, with_for_update=True)
    if conflict is None:
        raise ConflictNotFound(f"no accounting conflict {conflict_id}")
    if conflict.status != "open":
        raise ConflictClosed(f"conflict {conflict_id} is already {conflict.status}")
    row = session.scalars(select(AccountingMapping).where(
        AccountingMapping.provider == conflict.provider, AccountingMapping.entity == conflict.entity,
        AccountingMapping.local_id == conflict.local_id).with_for_update()).one()
    theirs = json.loads(conflict.theirs)
    row.remote_version, row.remote_content_hash = theirs.get("version"), theirs.get("content_hash")
    if keep == "theirs":
        row.last_pushed_hash = payload_digest(json.loads(conflict.ours))
    conflict.status = "kept_ours" if keep == "ours" else "took_theirs"
    conflict.resolved_at = utcnow()
    session.flush()
    return conflict
