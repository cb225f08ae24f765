"""The archive of executive e-mails: the `executive_emails` table and the .eml files.

Why archive held and failed e-mails too: "why did I get no e-mail on Tuesday?" must have an
answer (held: checks failed; failed: the SMTP server refused it), and the .eml of a held e-mail
shows exactly what would have gone out. Only e-mails that actually went out (sent, warned) are
the baseline for the next e-mail's "vs last e-mail" deltas and restatements.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.db.models.executive_email import ExecutiveEmail

DELIVERED = ("sent", "warned")


def last_delivered(session: Session, kind: str, *, before_period: dt.date | None = None) -> ExecutiveEmail | None:
    """The newest e-mail of this kind that went out (optionally for a period not after a date)."""
    stmt = select(ExecutiveEmail).where(ExecutiveEmail.kind == kind, ExecutiveEmail.status.in_(DELIVERED))
    if before_period is not None:
        stmt = stmt.where(ExecutiveEmail.period_start <= before_period)
    stmt = stmt.order_by(ExecutiveEmail.sent_at.desc(), ExecutiveEmail.id.desc()).limit(1)
    return session.scalars(stmt).first()


def snapshot_of(row: ExecutiveEmail | None) -> dict[str, Any] | None:
    return None if row is None else json.loads(row.snapshot)


def write_eml(archive_dir: Path, message: EmailMessage, *, kind: str, period_key: str, status: str) -> Path:
    """`<archive_dir>/<kind>/<period>--<UTC timestamp>-<status>.eml`; never overwrites."""
    folder = Path(archive_dir) / kind
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    safe = re.sub(r"[^0-9A-Za-z_-]+", "_", period_key)
    path = folder / f"{safe}--{stamp}-{status}.eml"
    path.write_bytes(message.as_bytes())
    return path


def record(session: Session, **fields: Any) -> ExecutiveEmail:
    """Insert one archive row; `snapshot` may be a dict (stored as JSON text)."""
    snapshot = fields.pop("snapshot")
    recipients = fields.pop("recipients")
    row = ExecutiveEmail(
        snapshot=snapshot if isinstance(snapshot, str) else json.dumps(snapshot, sort_keys=True),
        recipients=", ".join(recipients) if not isinstance(recipients, str) else recipients,
        **fields,
    )
    session.add(row)
    session.flush()
    return row
