"""Rates read from a supplier's sheet wait for a person: staged beside the live rate each would
replace, shown as a diff, and applied only on approval.

Why staged and not applied: a misread column would change what we pay every supplier of that
hotel for a year. Approval applies every pending rate of one message in one transaction, with
the staged rows locked (`FOR UPDATE`) and only `pending` rows taken, so two people approving at
once apply the sheet once. A replaced live rate is closed (soft-deleted) in the same
transaction, never edited in place, so past bookings keep the rate they were costed with.

Live rates have no occupancy column: an occupancy-priced item lives as
"<item> (<occupancy>)" (e.g. "Deluxe Room (double)"), the service name the diff looks for.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models import Supplier, SupplierRate
from tourstack.db.models.inbox import InboxMessage, InboxStagedRate, InboxTask
from tourstack.errors import Invalid
from tourstack.inbox.rate_sheets import Rate
from tourstack.money import CurrencyError, exact_amount, from_minor, to_minor


class RateApprovalError(Invalid):
    """The staged rates cannot be applied as asked (no supplier, nothing pending, bad price)."""


def service_name(item: str, occupancy: str | None) -> str:
    return f"{item} ({occupancy})" if occupancy else item


def identify_supplier(session: Session, address: str | None) -> Supplier | None:
    """The supplier whose contact address sent it, else the only supplier of that domain."""
    if not address or "@" not in address:
        return None
    address = address.lower()
    exact = session.scalars(select(Supplier).where(func.lower(Supplier.contact_email) == address)).all()
    if len(exact) == 1:
        return exact[0]
    domain = address.rsplit("@", 1)[1]
    same_domain = session.scalars(select(Supplier).where(func.lower(Supplier.contact_email).like(f"%@{domain}"))).all()
    return same_domain[0] if len(same_domain) == 1 else None


def _live(session: Session, supplier_id: int, rate: InboxStagedRate) -> SupplierRate | None:
    return session.scalar(
        select(SupplierRate).where(
            SupplierRate.supplier_id == supplier_id, SupplierRate.deleted_at.is_(None),
            func.lower(SupplierRate.service_name) == service_name(rate.item, rate.occupancy).lower(),
            SupplierRate.unit == rate.unit, SupplierRate.season == (rate.season or ""),
            SupplierRate.valid_from <= rate.valid_to, SupplierRate.valid_to >= rate.valid_from,
        ).order_by(SupplierRate.valid_from.desc()).limit(1))


@dataclass(frozen=True)
class Diff:
    staged_id: int
    service: str
    season: str | None
    valid: str
    currency: str
    new_price: Decimal
    old_price: Decimal | None
    old_currency: str | None
    change: str  # new, changed, unchanged

    def as_json(self) -> dict:
        return {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.__dict__.items()}


def diff_of(session: Session, staged: InboxStagedRate) -> Diff:
    current = session.get(SupplierRate, staged.current_rate_id) if staged.current_rate_id else None
    old = from_minor(current.cost_minor, current.currency) if current else None
    change = "new" if current is None else (
        "unchanged" if (old, current.currency) == (staged.price, staged.currency) else "changed")
    return Diff(staged.id, service_name(staged.item, staged.occupancy), staged.season,
                f"{staged.valid_from.isoformat()} to {staged.valid_to.isoformat()}", staged.currency,
                staged.price, old, current.currency if current else None, change)


def _exact(row: InboxStagedRate) -> bool:
    try:
        exact_amount(row.price, row.currency)
    except CurrencyError:
        return False
    return True


def stage(session: Session, message: InboxMessage, rates: list[Rate]) -> tuple[list[InboxStagedRate], InboxTask]:
    """Stage the rates of `message` and open the approval task (added, not committed)."""
    supplier = identify_supplier(session, message.from_address)
    message.supplier_id = supplier.id if supplier else None
    rows = []
    for rate in rates:
        row = InboxStagedRate(message_id=message.id, supplier_id=message.supplier_id, item=rate.item, unit=rate.unit,
                              occupancy=rate.occupancy, season=rate.season, valid_from=rate.valid_from,
                              valid_to=rate.valid_to, currency=rate.currency, price=rate.price, status="pending")
        if supplier is not None:
            current = _live(session, supplier.id, row)
            row.current_rate_id = current.id if current else None
        rows.append(row)
    session.add_all(rows)
    session.flush()
    diffs = [diff_of(session, r) for r in rows]
    counts = {k: sum(d.change == k for d in diffs) for k in ("new", "changed", "unchanged")}
    too_precise = [r.id for r in rows if not _exact(r)]
    who = supplier.name if supplier else (message.from_address or "an unknown sender")
    title = f"{len(rows)} rates from {who}: {counts['changed']} changed, {counts['new']} new"
    if too_precise:
        title += f"; {len(too_precise)} with more decimals than the currency has (approval refused until corrected)"
    task = InboxTask(message_id=message.id, kind="approve_rates", priority=2, title=title[:300],
                     detail=json.dumps({"supplier_id": message.supplier_id, "counts": counts,
                                        "excess_precision": too_precise, "diffs": [d.as_json() for d in diffs]}))
    session.add(task)
    return rows, task


def decide(session: Session, message_id: int, *, by: str, approve: bool, supplier_id: int | None = None,
           now: dt.datetime | None = None) -> list[InboxStagedRate]:
    """Approve (apply) or reject every pending staged rate of one message; commits."""
    now = now or dt.datetime.now(dt.UTC)
    staged = session.scalars(select(InboxStagedRate).where(InboxStagedRate.message_id == message_id,
                                                           InboxStagedRate.status == "pending")
                             .order_by(InboxStagedRate.id).with_for_update()).all()
    if not staged:
        raise RateApprovalError(f"message {message_id} has no pending rates")
    target = supplier_id or staged[0].supplier_id
    if approve and (target is None or session.get(Supplier, target) is None):
        raise RateApprovalError("the sender is not a known supplier: name one (supplier_id)")
    for row in staged if approve else ():  # every price checked before anything changes
        try:
            exact_amount(row.price, row.currency)
        except CurrencyError as exc:
            raise RateApprovalError(f"staged rate {row.id} ({row.item}): {exc}") from None
    for row in staged:
        row.status, row.decided_at, row.decided_by = ("approved" if approve else "rejected"), now, by[:100]
        if not approve:
            continue
        row.supplier_id = target
        current = _live(session, target, row)
        if current is not None:
            current.deleted_at = now  # closed, not edited: bookings costed with it keep it
        applied = SupplierRate(supplier_id=target, service_name=service_name(row.item, row.occupancy)[:200],
                               unit=row.unit, cost_minor=to_minor(exact_amount(row.price, row.currency), row.currency),
                               currency=row.currency, valid_from=row.valid_from, valid_to=row.valid_to,
                               season=row.season or "")
        session.add(applied)
        session.flush()
        row.current_rate_id = current.id if current else row.current_rate_id
        row.applied_rate_id = applied.id
    for task in session.scalars(select(InboxTask).where(InboxTask.message_id == message_id,
                                                        InboxTask.kind == "approve_rates", InboxTask.status == "open")):
        task.status, task.resolved_at, task.resolved_by = ("done" if approve else "dismissed"), now, by[:100]
    session.commit()
    return staged
