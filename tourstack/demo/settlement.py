"""Gateway settlement batches, their bank credits, supplier payouts and their bank debits.

Why a fixed grid of batches: payments of one settlement day come from bookings made over many
months, i.e. from many chunks. Every (gateway, currency, settlement day) cell gets a reserved
batch id and a placeholder row before the chunks are written; chunks add their payments to the
cell totals, and at the end the totals are written and cells without payments are removed.
So gross, fee and net of a batch are exactly the sums of its payments.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.config import Plan
from tourstack.demo.fx import CURRENCIES
from tourstack.demo.util import dates, hours, nullable, rng_for, ts

GATEWAYS = ("stripe", "razorpay", "paypal", "bank_transfer")
LAG_DAYS = {"stripe": 2, "razorpay": 2, "paypal": 1, "bank_transfer": 0}
BANK_ACCOUNTS = {
    "INR": "IN-HDFC-50200012345678", "USD": "US-CITI-36800012345", "EUR": "FR7630006000011234567890189",
    "GBP": "GB29NWBK60161331926819", "AED": "AE070331234567890123456", "SGD": "SG-DBS-0721234567",
    "THB": "TH-BBL-1234567890",
}
GATEWAY_LABEL = {"stripe": "STRIPE PAYMENTS", "razorpay": "RAZORPAY SOFTWARE PVT LTD", "paypal": "PAYPAL"}


class Settlement:
    def __init__(self, plan: Plan):
        self.plan = plan
        self.days = plan.days
        self.cells = len(GATEWAYS) * len(CURRENCIES) * self.days
        self.gross = np.zeros(self.cells, dtype=np.int64)
        self.fee = np.zeros(self.cells, dtype=np.int64)
        self.count = np.zeros(self.cells, dtype=np.int64)

    def batch_ids(self, gateway: np.ndarray, currency: np.ndarray, day: np.ndarray) -> np.ndarray:
        day = np.clip(day, 0, self.days - 1)
        return (gateway * len(CURRENCIES) + currency) * self.days + day + 1

    def add(self, batch_ids: np.ndarray, amount: np.ndarray, fee: np.ndarray) -> None:
        cell = batch_ids - 1
        np.add.at(self.gross, cell, amount)
        np.add.at(self.fee, cell, fee)
        np.add.at(self.count, cell, 1)

    def _cell_parts(self, cell: np.ndarray):
        day = cell % self.days
        combo = cell // self.days
        return combo // len(CURRENCIES), combo % len(CURRENCIES), day

    def _frame(self, cell: np.ndarray, gross, fee) -> dict:
        gw, cur, day = self._cell_parts(cell)
        settled = dates(self.plan.start, day)
        created = ts(self.plan.start, day, np.full(len(cell), 4 * 3600.0))
        gw_names = np.array(GATEWAYS, dtype=object)[gw]
        cur_names = np.array(CURRENCIES, dtype=object)[cur]
        refs = [f"{g[:2].upper()}-{c}-{str(d).replace('-', '')}" for g, c, d in zip(gw_names, cur_names, settled)]
        return {
            "id": cell + 1, "gateway": gw_names, "batch_reference": np.array(refs, dtype=object),
            "currency": cur_names, "gross_minor": gross, "fee_minor": fee, "net_minor": gross - fee,
            "settled_on": settled, "bank_account": np.array([BANK_ACCOUNTS[c] for c in cur_names], dtype=object),
            "created_at": created, "updated_at": created,
        }

    def placeholders(self) -> dict:
        """Every cell a payment could settle in (card gateways only), with zero totals."""
        cell = np.arange(self.cells)
        gw, _, _ = self._cell_parts(cell)
        cell = cell[gw != GATEWAYS.index("bank_transfer")]
        zero = np.zeros(len(cell), dtype=np.int64)
        return self._frame(cell, zero, zero)

    def final(self) -> tuple[dict, np.ndarray]:
        """(rows with their true totals, ids of empty placeholders to remove)."""
        used = np.flatnonzero(self.count > 0)
        gw, _, _ = self._cell_parts(np.arange(self.cells))
        empty = np.flatnonzero((self.count == 0) & (gw != GATEWAYS.index("bank_transfer"))) + 1
        return self._frame(used, self.gross[used], self.fee[used]), empty

    def bank_credits(self, batches: dict) -> dict:
        """One credit per batch on its settlement day, referencing the batch."""
        n = len(batches["id"])
        day = (batches["settled_on"] - np.datetime64(self.plan.start, "D")).astype(np.int64)
        created = ts(self.plan.start, day, np.full(n, 18 * 3600.0))
        return {
            "bank_account": batches["bank_account"], "booked_on": batches["settled_on"],
            "value_on": batches["settled_on"], "amount_minor": batches["net_minor"], "currency": batches["currency"],
            "reference": batches["batch_reference"],
            "counterparty": np.array([GATEWAY_LABEL[g] for g in batches["gateway"]], dtype=object),
            "description": np.array([f"{GATEWAY_LABEL[g]} PAYOUT {r}" for g, r in
                                     zip(batches["gateway"], batches["batch_reference"])], dtype=object),
            "created_at": created, "updated_at": created,
        }


class Payouts:
    """Supplier cost per (supplier, service month), paid out monthly after approval."""

    def __init__(self, plan: Plan, n_suppliers: int):
        self.plan = plan
        self.months = np.arange(np.datetime64(plan.start, "M"), np.datetime64(plan.as_of, "M") + 13)
        self.cost = np.zeros((n_suppliers, len(self.months)), dtype=np.int64)

    def add(self, supplier: np.ndarray, service_date: np.ndarray, cost: np.ndarray) -> None:
        m = (service_date.astype("datetime64[M]") - self.months[0]).astype(np.int64)
        ok = (m >= 0) & (m < len(self.months))
        np.add.at(self.cost, (supplier[ok], m[ok]), cost[ok])

    def tables(self, sup, staff_role: np.ndarray, end) -> tuple[dict, dict]:
        plan = self.plan
        rng = rng_for(plan.seed, 90)
        s_idx, m_idx = np.nonzero(self.cost)
        period_start = self.months[m_idx].astype("datetime64[D]")
        period_end = (self.months[m_idx] + 1).astype("datetime64[D]") - np.timedelta64(1, "D")
        as_of = np.datetime64(plan.as_of, "D")
        closed = period_end < as_of
        s_idx, m_idx, period_start, period_end = s_idx[closed], m_idx[closed], period_start[closed], period_end[closed]
        n = len(s_idx)
        amount = self.cost[s_idx, m_idx]
        created_d = period_end + np.timedelta64(2, "D")
        approved_d = created_d + rng.integers(1, 5, n).astype("timedelta64[D]")
        paid_d = approved_d + rng.integers(1, 4, n).astype("timedelta64[D]")
        rejected = rng.random(n) < 0.01
        approved = (approved_d <= as_of) & ~rejected
        paid = approved & (paid_d <= as_of)
        pending = ~approved & ~rejected
        rejected = rejected & (approved_d <= as_of)
        pending = pending | ((~approved) & ~rejected)
        status = np.where(paid, "paid", np.where(approved, "approved", np.where(rejected, "rejected", "pending_approval"))).astype(object)
        finance = np.flatnonzero(np.isin(staff_role, ["finance", "admin"])) + 1
        approver = rng.choice(finance, size=n)
        approved_at = approved_d.astype("datetime64[us]") + hours(rng.uniform(4, 12, n))
        created = created_d.astype("datetime64[us]") + hours(rng.uniform(3, 9, n))
        created = np.minimum(created, end - np.timedelta64(1, "s"))
        has_approval = approved | rejected
        refs = np.array([f"SP-{str(d).replace('-', '')[:6]}-{s + 1:05d}" for d, s in zip(period_start, s_idx)], dtype=object)
        cur = np.array(CURRENCIES, dtype=object)[sup.currency[s_idx]]
        updated = np.where(paid, paid_d.astype("datetime64[us]") + hours(11), np.where(has_approval, approved_at, created))
        payouts = {
            "id": np.arange(1, n + 1), "supplier_id": s_idx + 1, "amount_minor": amount, "currency": cur,
            "period_start": period_start, "period_end": period_end, "status": status,
            "approved_by_staff_id": nullable(approver, ~has_approval),
            "approved_at": nullable(approved_at, ~has_approval), "paid_on": nullable(paid_d, ~paid),
            "reference": nullable(refs, ~paid), "created_at": created, "updated_at": updated,
        }
        pi = np.flatnonzero(paid)
        names = np.array(sup.name, dtype=object)[s_idx[pi]]
        debit_created = paid_d[pi].astype("datetime64[us]") + hours(17)
        debits = {
            "bank_account": np.array([BANK_ACCOUNTS[c] for c in cur[pi]], dtype=object),
            "booked_on": paid_d[pi], "value_on": paid_d[pi], "amount_minor": -amount[pi], "currency": cur[pi],
            "reference": refs[pi], "counterparty": np.array([x.upper()[:140] for x in names], dtype=object),
            "description": np.array([f"SUPPLIER PAYMENT {r} {x.upper()}"[:280] for r, x in zip(refs[pi], names)], dtype=object),
            "created_at": debit_created, "updated_at": debit_created,
        }
        return payouts, debits
