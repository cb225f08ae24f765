"""Payment plans (full, deposit + balance, installments) and status propagation from payments.

Allocation never loses a minor unit: a deposit is the total times the deposit rate rounded half
up, the balance is whatever remains; N installments get total // N each and the first
total % N of them one minor unit more. Their sum is the total, always.

Money received is allocated to the installments in sequence order (a waterfall), so partial
payments, overpayments of one installment and payments without an installment all land in the
same place. What counts as received for a booking: succeeded payments in the booking currency,
less succeeded refunds, less lost chargebacks. The booking follows: money at or above the first
installment (the deposit; any amount without a plan) -> confirmed; everything -> paid. A refund
can take a paid booking back to confirmed; pending/cancelled/completed bookings are never touched by money
alone except pending -> confirmed/paid. The booking's invoices re-derive their status too, after
unapplied payments are applied to them (tourstack.payments.invoice_link).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tourstack.db.models import Booking, Dispute, Installment, Payment, PaymentPlan, Refund
from tourstack.db.rules import refused_as
from tourstack.messaging.events import announce_booking
from tourstack.payments.errors import Conflict, Invalid
from tourstack.payments.invoice_link import refresh_booking_invoices
from tourstack.payments.locks import lock_booking

FULL, DEPOSIT_BALANCE, INSTALLMENTS = "full", "deposit_balance", "installments"
KINDS = (FULL, DEPOSIT_BALANCE, INSTALLMENTS)
LIVE_BOOKING = ("pending", "confirmed", "paid")


def split_deposit(total_minor: int, deposit_bps: int) -> tuple[int, int]:
    """(deposit, balance) with deposit = total * bps / 10000 rounded half up."""
    if not 0 < deposit_bps < 10_000:
        raise Invalid("the deposit must be between 0 and 100 % of the total")
    deposit = (total_minor * deposit_bps * 2 + 10_000) // 20_000
    return deposit, total_minor - deposit


def split_equal(total_minor: int, parts: int) -> list[int]:
    if parts < 1:
        raise Invalid("at least one installment is needed")
    base, rest = divmod(total_minor, parts)
    return [base + (1 if i < rest else 0) for i in range(parts)]


@dataclass(frozen=True)
class PlanTerms:
    kind: str
    deposit_bps: int = 3000
    balance_days_before_travel: int = 45
    installments: int = 3


def _schedule(booking: Booking, terms: PlanTerms, today: dt.date) -> list[tuple[dt.date, int]]:
    total = booking.total_sell_minor
    last_due = max(today, booking.travel_start - dt.timedelta(days=terms.balance_days_before_travel))
    if terms.kind == FULL:
        return [(today, total)]
    if terms.kind == DEPOSIT_BALANCE:
        deposit, balance = split_deposit(total, terms.deposit_bps)
        return [(today, deposit), (last_due, balance)]
    if terms.kind == INSTALLMENTS:
        amounts = split_equal(total, terms.installments)
        span = (last_due - today).days
        n = len(amounts)
        return [(today + dt.timedelta(days=span * i // max(n - 1, 1)), a) for i, a in enumerate(amounts)]
    raise Invalid(f"unknown plan kind {terms.kind!r}; use one of {', '.join(KINDS)}")


def current_plan(session: Session, booking_id: int) -> PaymentPlan | None:
    return session.scalar(select(PaymentPlan).where(PaymentPlan.booking_id == booking_id)
                          .order_by(PaymentPlan.id.desc()).limit(1))


def plan_installments(session: Session, plan: PaymentPlan) -> list[Installment]:
    return list(session.scalars(select(Installment).where(Installment.payment_plan_id == plan.id)
                                .order_by(Installment.sequence)))


def create_plan(session: Session, booking: Booking, terms: PlanTerms, *, today: dt.date) -> PaymentPlan:
    """A new plan for the booking; replaces the current one only while nothing is received.

    Under the booking's lock (like every money step of the booking), so concurrent replacements
    are decided in turn and each cancels the one before: one schedule stays live. The database
    refuses installments that would add up to more than their plan (migration 0014)."""
    booking = lock_booking(session, booking.id)
    if booking.status not in LIVE_BOOKING:
        raise Conflict(f"booking {booking.booking_ref} is {booking.status}")
    if booking.total_sell_minor <= 0:
        raise Invalid("the booking has nothing to pay")
    old = current_plan(session, booking.id)
    if old is not None:
        if received_minor(session, booking) > 0:
            raise Conflict("money has already been received under the current plan")
        for inst in plan_installments(session, old):
            inst.status = "cancelled"
    plan = PaymentPlan(booking_id=booking.id, kind=terms.kind, currency=booking.currency,
                       total_minor=booking.total_sell_minor)
    session.add(plan)
    session.flush()
    for seq, (due, amount) in enumerate(_schedule(booking, terms, today), start=1):
        session.add(Installment(payment_plan_id=plan.id, sequence=seq, due_on=due, amount_minor=amount,
                                currency=booking.currency, status="pending"))
    with refused_as(Conflict):
        session.flush()
    refresh_booking(session, booking, today=today)
    return plan


def received_minor(session: Session, booking: Booking) -> int:
    paid = session.scalar(select(func.coalesce(func.sum(Payment.amount_minor), 0)).where(
        Payment.booking_id == booking.id, Payment.status == "succeeded",
        Payment.currency == booking.currency))
    refunded = session.scalar(
        select(func.coalesce(func.sum(Refund.amount_minor), 0)).join(Payment, Payment.id == Refund.payment_id)
        .where(Payment.booking_id == booking.id, Refund.status == "succeeded",
               Refund.currency == booking.currency))
    lost = session.scalar(
        select(func.coalesce(func.sum(Dispute.amount_minor), 0)).join(Payment, Payment.id == Dispute.payment_id)
        .where(Payment.booking_id == booking.id, Dispute.status == "lost",
               Dispute.currency == booking.currency))
    return int(paid) - int(refunded) - int(lost)


def outstanding_minor(session: Session, booking: Booking) -> int:
    return booking.total_sell_minor - received_minor(session, booking)


def allocate(amounts: list[int], received: int) -> list[int]:
    """Waterfall: how much of each amount `received` covers, in order."""
    covered = []
    left = max(received, 0)
    for amount in amounts:
        take = min(amount, left)
        covered.append(take)
        left -= take
    return covered


def refresh_booking(session: Session, booking: Booking, *, today: dt.date | None = None) -> None:
    """Re-derive installment, booking and invoice statuses from the money received."""
    today = today or dt.datetime.now(dt.UTC).date()
    received = received_minor(session, booking)
    plan = current_plan(session, booking.id)
    first_due = 1  # without a plan any money received counts as the deposit
    if plan is not None:
        installments = plan_installments(session, plan)
        if installments:
            first_due = installments[0].amount_minor
        for inst, covered in zip(installments, allocate([i.amount_minor for i in installments], received),
                                 strict=True):
            if covered >= inst.amount_minor:
                inst.status = "paid"
            elif covered > 0:
                inst.status = "partially_paid"
            else:
                inst.status = "overdue" if inst.due_on < today else "pending"
    status_before = booking.status
    if booking.status in LIVE_BOOKING:
        if received >= booking.total_sell_minor:
            booking.status = "paid"
        elif received >= first_due or (booking.status == "paid" and received > 0):
            booking.status = "confirmed"
        elif booking.status == "paid":
            booking.status = "confirmed"
    session.flush()
    if booking.status != status_before:  # in this transaction: the message exists iff the change does
        announce_booking(session, booking, "updated")
    refresh_booking_invoices(session, booking.id)
