"""The operational side of the KPI accuracy tests: the tiny demo's OPERATIONAL tables read with
plain SQL from SQLite, base amounts converted again from the raw ECB rows, and the rounding rule
of docs/analytics.md applied to exact rationals. Nothing here reads dbt's staging, facts or marts:
the expected values in kpi_expected*.py are built from this module alone.

Rules (docs/analytics.md, "Definitions" and "Rounding"):
- live rows: deleted_at is null; revenue: live, not cancelled bookings, base amount at the
  booked-date rate; recognised revenue: the same amounts on travel_start;
- base amounts: amount x rate rounded half up to 2 decimals, rate = the last ECB publication on or
  before the business date, rate(X -> INR) = rate(EUR -> INR) / rate(EUR -> X) rounded half up to
  8 decimals (ECB over ECB-derived when both published);
- cash received: succeeded payments at their attempt-date rate, minus succeeded refunds and lost
  disputes, each at the rate of the payment it reverses;
- ratios: the exact quotient rounded half up once to 8 decimals; averages, hours and scores: the
  exact quotient rounded half up once to 2 decimals.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import math
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction

from tourstack.money import from_minor

BASE = "INR"


# --- the rounding rule ---------------------------------------------------------------------------


def round_half_up(value, places: int) -> Decimal:
    """Exact value rounded once, half away from zero (half up for the non-negative KPIs)."""
    exact = Fraction(value)
    units = math.floor(abs(exact) * 10**places + Fraction(1, 2))
    rounded = Decimal(units).scaleb(-places)
    return -rounded if exact < 0 else rounded


def ratio(num, den) -> Decimal | None:
    if num is None or not den:
        return None
    return round_half_up(Fraction(num) / Fraction(den), 8)


def average(total, count) -> Decimal | None:
    if total is None or not count:
        return None
    return round_half_up(Fraction(total) / Fraction(count), 2)


def hours(seconds, count) -> Decimal | None:
    return average(seconds, None if not count else count * 3600)


def growth(current, previous) -> Decimal | None:
    if current is None or previous is None or previous <= 0:
        return None
    return ratio(current, previous) - 1


def to_base(amount: Decimal, rate: Decimal | None) -> Decimal | None:
    return None if rate is None else round_half_up(Fraction(amount) * Fraction(rate), 2)


def cash_share_of(part: Decimal | None, cash: Decimal, revenue: Decimal | None) -> Decimal:
    """A part of a booking's revenue gets part x cash / revenue of its cash, rounded once."""
    if not revenue or part is None:
        return Decimal(0)
    return round_half_up(Fraction(part) * Fraction(cash) / Fraction(revenue), 2)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def seconds_between(a: dt.datetime, b: dt.datetime) -> int:
    return int((b.replace(microsecond=0) - a.replace(microsecond=0)).total_seconds())


def rank_desc(values: dict) -> dict:
    """SQL rank() over (order by value desc): 1 + the number of strictly greater values."""
    ordered = sorted(values.values(), reverse=True)
    return {k: 1 + sum(1 for o in ordered if o > v) for k, v in values.items()}


def _ts(value) -> dt.datetime | None:
    return None if value is None else dt.datetime.fromisoformat(str(value))


def _day(value) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(str(value)[:10])


# --- FX ------------------------------------------------------------------------------------------


class Rates:
    """rate(X -> INR) on a date, from the raw ECB rows, independently of int_fx_rates_daily."""

    def __init__(self, op: sqlite3.Connection):
        best: dict[tuple[str, str], tuple[int, Decimal]] = {}
        for day, cur, rate, source in op.execute(
            "select rate_date, quote_currency, rate, source from fx_rates where base_currency = 'EUR'"
        ):
            pref = {"ecb": 0, "ecb_derived": 1}.get(source, 2)
            key = (str(day)[:10], cur)
            if key not in best or pref < best[key][0]:
                best[key] = (pref, Decimal(str(rate)))
        eur: dict[str, dict[str, Decimal]] = defaultdict(dict)
        for (day, cur), (_, rate) in best.items():
            eur[day][cur] = rate
        self.series: dict[str, tuple[list[dt.date], list[Decimal]]] = defaultdict(lambda: ([], []))
        for day in sorted(eur):
            legs = eur[day]
            if BASE not in legs:
                continue
            for cur, rate in {**legs, "EUR": Decimal(1)}.items():
                to_base_rate = Decimal(1) if cur == BASE else round_half_up(Fraction(legs[BASE]) / Fraction(rate), 8)
                dates, values = self.series[cur]
                dates.append(dt.date.fromisoformat(day))
                values.append(to_base_rate)

    def rate(self, currency: str, day: dt.date) -> Decimal | None:
        dates, values = self.series[currency]
        i = bisect.bisect_right(dates, day) - 1
        return values[i] if i >= 0 else None


# --- the operational data ------------------------------------------------------------------------


@dataclass
class Operational:
    bookings: dict[int, dict] = field(default_factory=dict)  # live bookings, cancelled included
    quotes: dict[int, dict] = field(default_factory=dict)  # live quotes
    all_quote_ids: set[int] = field(default_factory=set)  # deleted quotes too
    requests: dict[int, dict] = field(default_factory=dict)  # live quote requests
    items: list[dict] = field(default_factory=list)  # items of live bookings
    tasks: list[dict] = field(default_factory=list)
    ratings: list[dict] = field(default_factory=list)  # live ratings
    customers: dict[int, dict] = field(default_factory=dict)  # soft-deleted ones flagged
    agents: dict[int, dict] = field(default_factory=dict)
    suppliers: dict[int, dict] = field(default_factory=dict)
    destinations: dict[int, dict] = field(default_factory=dict)
    sites: dict[int, str] = field(default_factory=dict)
    staff: dict[int, dict] = field(default_factory=dict)
    spend: list[dict] = field(default_factory=list)

    @property
    def revenue_bookings(self) -> list[dict]:
        return [b for b in self.bookings.values() if b["is_revenue"]]


@functools.cache
def load(db_path: str) -> Operational:
    op = sqlite3.connect(db_path)
    try:
        return _load(op)
    finally:
        op.close()


def _load(op: sqlite3.Connection) -> Operational:
    rates = Rates(op)
    ops = Operational()
    for did, name, code, country in op.execute(
            "select id, name, country_code, country_name from destinations"):
        ops.destinations[did] = {"name": name, "country_code": code, "country_name": country}
    ops.sites = dict(op.execute("select id, name from sites"))
    ops.staff = {sid: {"name": name, "role": role}
                 for sid, name, role in op.execute("select id, name, role from staff_users")}
    for cid, agency, first, last, country, channel, deleted in op.execute(
            "select id, agency_id, first_name, last_name, country_code, acquisition_channel, deleted_at "
            "from customers"):
        ops.customers[cid] = {"agency": agency, "full_name": f"{first} {last}", "country_code": country,
                              "channel": channel, "deleted": deleted is not None}
    agency_names = dict(op.execute("select id, name from agencies"))
    for aid, agency, name, active, joined, deleted in op.execute(
            "select id, agency_id, name, is_active, joined_on, deleted_at from agents"):
        ops.agents[aid] = {"agency": agency, "agency_name": agency_names.get(agency), "name": name,
                           "is_active": bool(active), "joined_on": _day(joined), "deleted": deleted is not None}
    for sid, name, kind, dest, deleted in op.execute(
            "select id, name, kind, destination_id, deleted_at from suppliers"):
        ops.suppliers[sid] = {"name": name, "kind": kind, "destination": dest, "deleted": deleted is not None}

    for row in op.execute(
        "select id, agency_id, agent_id, customer_id, quote_id, destination_id, booked_at, travel_start, "
        "travellers, currency, total_sell_minor, total_cost_minor, status from bookings where deleted_at is null"
    ):
        bid, agency, agent, customer, quote, dest, booked_at, travel_start, travellers, cur, sell, cost, status = row
        booked = _ts(booked_at)
        rate = rates.rate(cur, booked.date())
        amount = from_minor(sell, cur)
        base = to_base(amount, rate)
        cancelled = status == "cancelled"
        ops.bookings[bid] = {
            "id": bid, "agency": agency, "agent": agent, "customer": customer, "quote": quote,
            "destination": dest, "booked_at": booked, "day": booked.date(), "month": month_start(booked.date()),
            "travel_start": _day(travel_start), "travellers": travellers, "currency": cur,
            "status": status, "cancelled": cancelled, "is_revenue": not cancelled, "base": base,
            "revenue": Decimal(0) if cancelled else base,
            "revenue_amount": Decimal(0) if cancelled else amount,
            "margin": Decimal(0) if cancelled else to_base(amount - from_minor(cost, cur), rate),
            "cash": Decimal(0),
        }
    _load_cash(op, rates, ops)
    _sequence_customers(ops)

    first_booking = {}
    for bid, b in sorted(ops.bookings.items()):
        if b["quote"] is not None:
            first_booking.setdefault(b["quote"], bid)
    requests = {}
    for rid, customer, dest, requested_at, deleted in op.execute(
            "select id, customer_id, destination_id, requested_at, deleted_at from quote_requests"):
        requests[rid] = {"id": rid, "customer": customer, "destination": dest,
                         "requested_at": _ts(requested_at), "deleted": deleted is not None}
    ops.requests = {rid: r for rid, r in requests.items() if not r["deleted"]}
    for row in op.execute(
        "select id, quote_request_id, agency_id, agent_id, requested_at, sent_at, status, currency, total_minor, "
        "deleted_at from quotes"
    ):
        qid, rid, agency, agent, requested_at, sent_at, status, cur, total, deleted = row
        ops.all_quote_ids.add(qid)
        if deleted is not None:
            continue
        requested = _ts(requested_at)
        ops.quotes[qid] = {
            "id": qid, "request": rid, "agency": agency, "agent": agent,
            "destination": requests[rid]["destination"] if rid in requests else None,
            "requested_at": requested, "day": requested.date(), "sent_at": _ts(sent_at), "status": status,
            "base": to_base(from_minor(total, cur), rates.rate(cur, requested.date())),
            "booking": first_booking.get(qid),
        }

    for row in op.execute(
        "select id, booking_id, supplier_id, service_type, site_id, quantity, status, sell_minor, sell_currency, "
        "cost_minor, cost_currency, supplier_requested_at, supplier_confirmed_at from booking_items"
    ):
        iid, bid, supplier, service, site, qty, status, sell, sell_cur, cost, cost_cur, req, conf = row
        if bid not in ops.bookings:
            continue  # items of soft-deleted bookings
        day = ops.bookings[bid]["day"]
        ops.items.append({
            "id": iid, "booking": bid, "supplier": supplier, "service_type": service, "site": site,
            "quantity": qty, "status": status,
            "sell_base": to_base(from_minor(sell, sell_cur), rates.rate(sell_cur, day)),
            "cost_base": to_base(from_minor(cost, cost_cur), rates.rate(cost_cur, day)),
            "requested_at": _ts(req), "confirmed_at": _ts(conf),
        })
    for tid, staff, status, opened, due, completed in op.execute(
            "select id, staff_user_id, status, opened_at, sla_due_at, completed_at from staff_tasks"):
        ops.tasks.append({"id": tid, "staff": staff, "status": status, "opened_at": _ts(opened),
                          "sla_due_at": _ts(due), "completed_at": _ts(completed)})
    for bid, customer, supplier, score in op.execute(
            "select booking_id, customer_id, supplier_id, score from customer_ratings where deleted_at is null"):
        ops.ratings.append({"booking": bid, "customer": customer, "supplier": supplier, "score": score})
    for channel, month, cur, minor in op.execute(
            "select channel, month, currency, amount_minor from marketing_spend"):
        month = _day(month)
        ops.spend.append({"channel": channel, "month": month,
                          "base": to_base(from_minor(minor, cur), rates.rate(cur, month))})
    return ops


def _load_cash(op: sqlite3.Connection, rates: Rates, ops: Operational) -> None:
    payment_rate: dict[int, tuple[int, Decimal | None]] = {}
    for pid, bid, attempted_at, cur, minor in op.execute(
        "select id, booking_id, attempted_at, currency, amount_minor from payments where status = 'succeeded'"
    ):
        rate = rates.rate(cur, _day(attempted_at))
        payment_rate[pid] = (bid, rate)
        if bid in ops.bookings and rate is not None:
            ops.bookings[bid]["cash"] += to_base(from_minor(minor, cur), rate)
    reversals = (
        "select payment_id, currency, amount_minor from refunds where status = 'succeeded' "
        "union all select payment_id, currency, amount_minor from disputes where status = 'lost'"
    )
    for pid, cur, minor in op.execute(reversals):
        bid, rate = payment_rate.get(pid, (None, None))
        if bid in ops.bookings and rate is not None:
            ops.bookings[bid]["cash"] -= to_base(from_minor(minor, cur), rate)
    for b in ops.bookings.values():
        b["is_paid"] = b["cash"] > 0
        b["is_fully_paid"] = b["is_revenue"] and b["base"] is not None and b["cash"] >= b["base"]


def _sequence_customers(ops: Operational) -> None:
    """customer_booking_number: 1, 2, ... over a customer's revenue bookings by (booked_at, id)."""
    seen: dict[int, int] = defaultdict(int)
    for b in sorted(ops.bookings.values(), key=lambda b: (b["booked_at"], b["id"])):
        b["number"] = None
        if b["is_revenue"] and b["customer"] is not None:
            seen[b["customer"]] += 1
            b["number"] = seen[b["customer"]]


# --- reading and comparing the marts -------------------------------------------------------------


def mart_rows(con, table: str, *key: str) -> dict:
    """A mart's rows as dicts, keyed by its grain (one column: the value, several: a tuple)."""
    cur = con.execute(f"select * from marts.{table}")
    names = [d[0] for d in cur.description]
    out = {}
    for row in cur.fetchall():
        r = dict(zip(names, row))
        k = tuple(r[c] for c in key)
        out[k[0] if len(k) == 1 else k] = r
    return out


def mismatches(expected: dict, got: dict, limit: int = 10) -> list:
    """Rows missing on either side, then (key, column, expected, mart) for every column that
    differs; amounts compare as decimals (0.5 == 0.500), None only equals None."""
    problems: list = []
    extra = set(expected) ^ set(got)
    if extra:
        problems.append(("rows only on one side", sorted(extra, key=str)[:limit]))
    for k in sorted(expected.keys() & got.keys(), key=str):
        for col, value in expected[k].items():
            actual = got[k][col]
            if (value is None) != (actual is None) or (value is not None and value != actual):
                problems.append((k, col, value, actual))
    return problems[:limit]
