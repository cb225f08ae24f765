"""The payable side of what the outbound sync sends: suppliers, their approved payouts as bills,
and the paid ones as bill payments, in the same provider-neutral `Outbound` shape as invoices.

- vendor: every supplier with at least one approved or paid payout (a supplier we never owed
  anything stays ours, like an agency without an invoice).
- bill: every approved or paid payout. Its lines are the booking items it settles
  (supplier_payout_items: the item's description, the amount the payout covers), each posted to
  the cost-of-tours account (5000) of the chart-of-accounts mapping. A payout without links
  (entered by hand, or from before links existed) is read as tourstack.supplier_payouts.dues
  reads it: the supplier's confirmed items of its currency with a service date in its period;
  when those do not add up to the payout (an item cancelled later, a hand-made amount), the bill
  is one line of the payout's amount, so the bill always equals what we owe. Dated on the
  period's last day (every service it pays was delivered by then), due after the supplier's
  payment terms, in the payout's currency at the rate we booked on that date (booked_rate).
- bill_payment: every paid payout: paid_on, its bank reference, out of our bank account of that
  currency, at the rate booked on paid_on (the rate the ledger's payout entry carries).

A bill's content does not move when its payout goes from approved to paid: the payment is its
own document, so a paid payout never re-sends its bill.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tourstack.accounting.mappings import ProviderMapping
from tourstack.db.models import BookingItem, Supplier, SupplierPayout, SupplierPayoutItem

PAYABLE_STATUSES = ("approved", "paid")
COST_OF_SALES_ACCOUNT = "5000"
PAYABLE_ACCOUNT = "2000"


def vendor_label(supplier: Supplier) -> str:
    return f"{supplier.name} (SUP-{supplier.id:05d})"


def bill_number(payout_id: int) -> str:
    return f"SPO-{payout_id:06d}"


def _payouts(session: Session, statuses: tuple[str, ...]) -> list[SupplierPayout]:
    return list(session.scalars(select(SupplierPayout).where(SupplierPayout.status.in_(statuses))
                                .order_by(SupplierPayout.id)))


def vendors(session: Session, mapping: ProviderMapping) -> list:
    from tourstack.accounting.documents import Outbound

    owed = select(SupplierPayout.supplier_id).where(SupplierPayout.status.in_(PAYABLE_STATUSES))
    rows = session.scalars(select(Supplier).where(Supplier.id.in_(owed)).order_by(Supplier.id))
    return [Outbound("vendor", s.id, vendor_label(s), {
        "name": vendor_label(s), "code": f"SUP-{s.id:05d}", "email": s.contact_email, "phone": s.contact_phone, "contact": s.contact_name,
        "currency": s.currency, "kind": s.kind, "terms_days": s.payment_terms_days}) for s in rows]


def _lines(session: Session, payout: SupplierPayout) -> list[tuple[str, int]]:
    """(description, amount_minor) of the items a payout settles (see the module docstring)."""
    linked = [(item.description, link.amount_minor) for link, item in session.execute(
        select(SupplierPayoutItem, BookingItem).join(BookingItem, BookingItem.id == SupplierPayoutItem.booking_item_id)
        .where(SupplierPayoutItem.supplier_payout_id == payout.id)
        .order_by(BookingItem.service_date, BookingItem.id)).tuples()]
    if linked:
        return linked
    items = [(i.description, i.cost_minor) for i in session.scalars(select(BookingItem).where(
        BookingItem.supplier_id == payout.supplier_id, BookingItem.cost_currency == payout.currency,
        BookingItem.status == "confirmed", BookingItem.service_date >= payout.period_start,
        BookingItem.service_date <= payout.period_end).order_by(BookingItem.service_date, BookingItem.id))]
    if items and sum(amount for _, amount in items) == payout.amount_minor:
        return items
    return [(f"Supplier services {payout.period_start.isoformat()} to {payout.period_end.isoformat()}",
             payout.amount_minor)]


def bills(session: Session, mapping: ProviderMapping) -> list:
    from tourstack.accounting.documents import Outbound, _map, booked_rate

    terms = dict(session.execute(select(Supplier.id, Supplier.payment_terms_days)).tuples().all())
    out = []
    for payout in _payouts(session, PAYABLE_STATUSES):
        problems: list[tuple[str, str]] = []
        number = bill_number(payout.id)
        issued_on = payout.period_end
        rate = booked_rate(session, payout.currency, issued_on)
        if rate is None:
            problems.append(("no-booked-rate", f"{number}: no {payout.currency}/INR rate on or before {issued_on}"))
        account = _map(mapping, "account", COST_OF_SALES_ACCOUNT, problems, number)
        lines = [{"number": n, "description": description[:200], "amount_minor": amount, "account": account}
                 for n, (description, amount) in enumerate(_lines(session, payout), start=1)]
        payable = _map(mapping, "account", PAYABLE_ACCOUNT, problems, number) \
            if mapping.provider == "quickbooks" else None
        due_on = issued_on + dt.timedelta(days=int(terms.get(payout.supplier_id) or 0))
        out.append(Outbound("bill", payout.id, number, {
            "number": number, "vendor_id": payout.supplier_id, "issued_on": issued_on.isoformat(),
            "due_on": due_on.isoformat(), "currency": payout.currency,
            "period": f"{payout.period_start.isoformat()}..{payout.period_end.isoformat()}",
            "fx_rate": rate[0] if rate else None, "fx_rate_date": rate[1] if rate else None,
            "fx_source": rate[2] if rate else None, "total_minor": sum(line["amount_minor"] for line in lines),
            "payable_account": payable, "lines": lines,
        }, problems))
    return out


def bill_payments(session: Session, mapping: ProviderMapping) -> list:
    from tourstack.accounting.documents import BANK_ACCOUNTS, Outbound, _map, booked_rate

    out = []
    for payout in _payouts(session, ("paid",)):
        problems: list[tuple[str, str]] = []
        label = f"payout {payout.reference or bill_number(payout.id)}"
        paid_on = payout.paid_on or (payout.updated_at.date() if payout.updated_at else payout.period_end)
        rate = booked_rate(session, payout.currency, paid_on)
        if rate is None:
            problems.append(("no-booked-rate", f"{label}: no {payout.currency}/INR rate on or before {paid_on}"))
        bank = BANK_ACCOUNTS.get(payout.currency)
        if bank is None:
            problems.append(("no-bank-account", f"{label}: no bank account of ours holds {payout.currency}"))
        out.append(Outbound("bill_payment", payout.id, label, {
            "reference": payout.reference or bill_number(payout.id), "vendor_id": payout.supplier_id,
            "paid_on": paid_on.isoformat(), "currency": payout.currency, "amount_minor": payout.amount_minor,
            "fx_rate": rate[0] if rate else None, "fx_rate_date": rate[1] if rate else None,
            "bank_account": _map(mapping, "account", bank, problems, label) if bank else None,
            "allocations": [{"bill_id": payout.id, "amount_minor": payout.amount_minor}],
        }, problems))
    return out
