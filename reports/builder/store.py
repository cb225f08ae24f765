"""Saved reports and their schedules in the operational database: plain service functions.

Why an `Owner` instead of the API's principal: the API, the CLI and tests call the same
functions; only the key id and the role matter. A saved report is visible to its owner and to
admins; anyone else gets `ReportNotFound` (its existence is not revealed). Specs are validated
on save and on every load, so a stored spec that no longer fits the schema fails loudly.

Schedules send with the authority of the key that saved the report: `owner_problem` says when
that key was revoked or its role no longer manages reports, and delivery then deactivates the
schedule. `claim_schedule` moves a due row's `next_run_at` forward with a conditional UPDATE, so
of two overlapping runs exactly one sends. An optional allow-list of recipient domains
(`TOURSTACK_REPORT_RECIPIENT_DOMAINS`) is passed in by the caller and checked on create, update
and again at send time.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from tourstack.auth.principal import Permission, has_permission
from tourstack.errors import Conflict, DomainError, Invalid, NotFound
from tourstack.db.models import ApiKey
from tourstack.db.models.reporting import ReportSchedule, SavedReport
from reports.builder.spec import ReportSpec, parse_spec, spec_to_data

EXPORT_FORMATS = ("csv", "xlsx", "pdf")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")  # fullmatch
MAX_RECIPIENTS = 50


class ReportStoreError(DomainError, ValueError):
    """Any refusal of the report store; raised as one of the three below."""


class InvalidReportInput(ReportStoreError, Invalid):
    """A name, timezone, cron, recipient list or format that could never be stored."""


class ReportConflict(ReportStoreError, Conflict):
    """The stored state refuses it: a duplicate name, a report that cannot be scheduled."""


class ReportNotFound(ReportStoreError, NotFound):
    """No such saved report or schedule, or not the caller's."""


@dataclass(frozen=True)
class Owner:
    key_id: int
    role: str

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


# --- saved reports ---------------------------------------------------------------------------

def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not 1 <= len(name) <= 200 or any(ord(c) < 32 for c in name):
        raise InvalidReportInput("name must be one line of 1 to 200 characters")
    return name


def save_report(session: Session, owner: Owner, name: str, spec: ReportSpec | dict[str, Any]) -> SavedReport:
    """Create a saved report; ReportConflict when the owner already has that name."""
    name = _check_name(name)
    data = spec_to_data(parse_spec(spec))
    _check_unique(session, owner.key_id, name, None)
    row = SavedReport(name=name, owner_key_id=owner.key_id, owner_role=owner.role, spec=data)
    session.add(row)
    session.flush()
    return row


def update_report(session: Session, owner: Owner, report_id: int, *, name: str | None = None,
                  spec: ReportSpec | dict[str, Any] | None = None) -> SavedReport:
    row = get_report(session, owner, report_id)
    if name is not None:
        name = _check_name(name)
        _check_unique(session, row.owner_key_id, name, row.id)
        row.name = name
    if spec is not None:
        row.spec = spec_to_data(parse_spec(spec))
    session.flush()
    return row


def _check_unique(session: Session, owner_key_id: int, name: str, report_id: int | None) -> None:
    """A clear conflict instead of the unique constraint's IntegrityError (which still guards races)."""
    stmt = select(SavedReport.id).where(SavedReport.owner_key_id == owner_key_id, SavedReport.name == name)
    if report_id is not None:
        stmt = stmt.where(SavedReport.id != report_id)
    if session.scalar(stmt) is not None:
        raise ReportConflict(f"a saved report named {name!r} exists already")


def get_report(session: Session, owner: Owner, report_id: int) -> SavedReport:
    row = session.get(SavedReport, report_id)
    if row is None or not (owner.is_admin or row.owner_key_id == owner.key_id):
        raise ReportNotFound(f"no saved report {report_id}")
    return row


def load_spec(row: SavedReport) -> ReportSpec:
    return parse_spec(row.spec)


def list_reports(session: Session, owner: Owner, *, everyone: bool = False) -> list[SavedReport]:
    """The owner's saved reports; an admin with `everyone=True` sees all."""
    stmt = select(SavedReport).order_by(SavedReport.name, SavedReport.id)
    if not (owner.is_admin and everyone):
        stmt = stmt.where(SavedReport.owner_key_id == owner.key_id)
    return list(session.scalars(stmt))


def delete_report(session: Session, owner: Owner, report_id: int) -> None:
    row = get_report(session, owner, report_id)
    for schedule in list(row.schedules):
        session.delete(schedule)
    session.delete(row)
    session.flush()


# --- schedules -------------------------------------------------------------------------------

def check_timezone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z0-9_+\-/]{1,64}", name) \
            or name not in available_timezones():
        raise InvalidReportInput(f"timezone must be an IANA name such as Asia/Kolkata, got {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - guarded above
        raise InvalidReportInput(f"unknown timezone {name!r}") from None


def check_cron(expression: str) -> str:
    from croniter import croniter

    expression = " ".join((expression or "").split())
    if len(expression.split(" ")) != 5 or not croniter.is_valid(expression):
        raise InvalidReportInput(f"cron must be five fields (minute hour day month weekday), got {expression!r}")
    return expression


def next_run(expression: str, timezone: str, after: dt.datetime) -> dt.datetime:
    """The first cron time strictly after `after`, read in `timezone`, returned in UTC."""
    from croniter import croniter

    local = after.astimezone(check_timezone(timezone))
    return croniter(expression, local).get_next(dt.datetime).astimezone(dt.UTC)


def normalise_domains(domains: Sequence[str] | None) -> frozenset[str]:
    """The allow-list as lower-case domains ("@Example.com" -> "example.com"); empty = any."""
    return frozenset(d.strip().lstrip("@").lower() for d in domains or () if d and d.strip())


def disallowed_recipients(recipients: Sequence[str], allowed_domains: Sequence[str] | None) -> list[str]:
    """The addresses whose domain is not on the allow-list (none when the list is empty)."""
    allowed = normalise_domains(allowed_domains)
    if not allowed:
        return []
    return [r for r in recipients if r.rpartition("@")[2].lower() not in allowed]


def check_recipients(recipients: list[str], allowed_domains: Sequence[str] | None = None) -> list[str]:
    cleaned = [r.strip() for r in recipients or [] if isinstance(r, str)]
    if not 1 <= len(cleaned) <= MAX_RECIPIENTS or len(cleaned) != len(recipients or []):
        raise InvalidReportInput(f"recipients must list 1 to {MAX_RECIPIENTS} e-mail addresses")
    for address in cleaned:
        if len(address) > 254 or not _EMAIL.fullmatch(address):
            raise InvalidReportInput(f"not an e-mail address: {address!r}")
    refused = disallowed_recipients(cleaned, allowed_domains)
    if refused:
        allowed = ", ".join(sorted(normalise_domains(allowed_domains)))
        raise InvalidReportInput(f"recipients outside the allowed domains ({allowed}): {', '.join(refused)}")
    return list(dict.fromkeys(cleaned))


def _check_format(format: str) -> str:
    if format not in EXPORT_FORMATS:
        raise InvalidReportInput(f"format must be one of {', '.join(EXPORT_FORMATS)}, got {format!r}")
    return format


def create_schedule(session: Session, owner: Owner, report_id: int, *, cron: str, timezone: str,
                    recipients: list[str], format: str, active: bool = True,
                    allowed_domains: Sequence[str] | None = None,
                    now: dt.datetime | None = None) -> ReportSchedule:
    report = get_report(session, owner, report_id)
    _check_format(format)
    cron = check_cron(cron)
    check_timezone(timezone)
    if active:
        _check_owner(session, report)
    row = ReportSchedule(saved_report_id=report.id, cron=cron, timezone=timezone,
                         recipients=check_recipients(recipients, allowed_domains), format=format,
                         active=active, next_run_at=next_run(cron, timezone, now or dt.datetime.now(dt.UTC)))
    session.add(row)
    session.flush()
    return row


def update_schedule(session: Session, owner: Owner, schedule_id: int, *, cron: str | None = None,
                    timezone: str | None = None, recipients: list[str] | None = None,
                    format: str | None = None, active: bool | None = None,
                    allowed_domains: Sequence[str] | None = None,
                    now: dt.datetime | None = None) -> ReportSchedule:
    """Change some fields; `active=False` pauses, `active=True` resumes.

    The next run is recomputed from now when the cron or timezone changes or a paused schedule
    resumes, so resuming sends at the next cron time rather than catching up on missed ones.
    Recipients are re-checked against the allow-list even when unchanged, so a schedule cannot
    be resumed towards a domain that is no longer allowed; nor can it be resumed while the
    report's owner key is revoked or may no longer manage reports (conflict)."""
    row = get_schedule(session, owner, schedule_id)
    now = now or dt.datetime.now(dt.UTC)
    new_cron = check_cron(cron) if cron is not None else row.cron
    new_timezone = timezone if timezone is not None else row.timezone
    check_timezone(new_timezone)
    new_recipients = check_recipients(recipients if recipients is not None else list(row.recipients),
                                      allowed_domains)
    if format is not None:
        row.format = _check_format(format)
    resumed = active is True and not row.active
    if resumed:
        _check_owner(session, row.saved_report)
    if active is not None:
        row.active = active
    if resumed or new_cron != row.cron or new_timezone != row.timezone:
        row.next_run_at = next_run(new_cron, new_timezone, now)
    if resumed and row.last_status == "disabled":
        row.last_status, row.last_error = None, None
    row.cron, row.timezone, row.recipients = new_cron, new_timezone, new_recipients
    session.flush()
    return row


def list_schedules(session: Session, owner: Owner, report_id: int | None = None) -> list[ReportSchedule]:
    stmt = select(ReportSchedule).join(SavedReport).order_by(ReportSchedule.id)
    if report_id is not None:
        stmt = stmt.where(ReportSchedule.saved_report_id == get_report(session, owner, report_id).id)
    if not owner.is_admin:
        stmt = stmt.where(SavedReport.owner_key_id == owner.key_id)
    return list(session.scalars(stmt))


def get_schedule(session: Session, owner: Owner, schedule_id: int) -> ReportSchedule:
    row = session.get(ReportSchedule, schedule_id)
    if row is None or not (owner.is_admin or row.saved_report.owner_key_id == owner.key_id):
        raise ReportNotFound(f"no report schedule {schedule_id}")
    return row


def delete_schedule(session: Session, owner: Owner, schedule_id: int) -> None:
    session.delete(get_schedule(session, owner, schedule_id))
    session.flush()


def due_schedules(session: Session, now: dt.datetime) -> list[ReportSchedule]:
    """Active schedules whose next run is at or before `now`, oldest first."""
    stmt = (select(ReportSchedule)
            .where(ReportSchedule.active.is_(True), ReportSchedule.next_run_at <= now)
            .order_by(ReportSchedule.next_run_at, ReportSchedule.id))
    return list(session.scalars(stmt))


def claim_schedule(session: Session, schedule_id: int, seen_next_run_at: dt.datetime, cron: str,
                   timezone: str, now: dt.datetime) -> bool:
    """Take a due run: move `next_run_at` from the value this caller saw to the next cron time,
    only if no one else has moved it. True when this caller won; commit right after.

    On PostgreSQL a concurrent claimer blocks on the row lock and, once the winner commits,
    re-reads the row, finds `next_run_at` changed and updates nothing; on SQLite writers are
    serialised, with the same result."""
    result = session.execute(
        update(ReportSchedule)
        .where(ReportSchedule.id == schedule_id, ReportSchedule.active.is_(True),
               ReportSchedule.next_run_at == seen_next_run_at)
        .values(next_run_at=next_run(cron, timezone, now))
        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def owner_problem(session: Session, report: SavedReport) -> str | None:
    """Why the key that saved `report` may not have it sent on a schedule, or None."""
    key = session.get(ApiKey, report.owner_key_id)
    if key is None:
        return "the owner's API key no longer exists"
    if key.revoked_at is not None:
        return "the owner's API key was revoked"
    if not has_permission(key.role, Permission.REPORTS_MANAGE):
        return f"the owner's API key (role {key.role}) may no longer manage reports"
    return None


def _check_owner(session: Session, report: SavedReport) -> None:
    """An admin may schedule another owner's report, but not one its owner could not send."""
    problem = owner_problem(session, report)
    if problem:
        raise ReportConflict(f"this report cannot be sent on a schedule: {problem}")


def deactivate(session: Session, schedule: ReportSchedule, reason: str) -> None:
    """Pause a schedule that must not send, recording why (visible in the API as last_error)."""
    schedule.active = False
    schedule.last_status = "disabled"
    schedule.last_error = reason[:500]
    session.flush()
