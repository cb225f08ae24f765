"""Invoices with tax lines, payment plans and their installments.

Why these rules: they follow tourstack.invoicing (one series, gapless numbers per Indian fiscal
year April..March, drafts carry no number yet; the counters are seeded so issuing continues
the sequence). India-based agencies pay GST: 5 % on the package services (hotel, transport),
18 % on stand-alone guiding and activities; CGST + SGST (half each, rounded on their own) in
the operator's state, IGST elsewhere. Agencies abroad pay their country's VAT/GST (regime
vat), or nothing where none applies (export, zero-rated). A payment plan always totals the
invoice, tax included.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import CURRENCIES
from tourstack.demo.util import dates, div_round, fiscal_year, hours, nullable, rng_for, to_day
from tourstack.invoicing.tax import DEFAULT_VAT_RATES_BPS, TOUR_OPERATOR_SAC, InvoicingConfig, Seller

GST_BPS = (500, 500, 1800, 1800)  # hotel, transport, guide, activity
SERIES = InvoicingConfig().invoice_series
HOME_STATE = Seller().state_code
PLAN_KINDS = np.array(["full", "deposit_balance", "installments"], dtype=object)
DEPOSIT_PCT = 30


def _segments(keys: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(np.bincount(keys, minlength=n))[:-1]])


def generate_invoices(ctx: Context, ch: Chunk) -> dict[str, dict]:
    plan = ctx.plan
    rng = rng_for(plan.seed, 14, ch.number)
    nb = ch.nb
    end = np.datetime64(plan.end.replace(tzinfo=None), "us")
    countries = ctx.parties.agency_country
    states = ctx.parties.tables["agencies"]["state_code"]
    # Regime per agency: 0 intra_state, 1 inter_state, 2 vat, 3 export.
    regime_a = np.array([0 if c == "IN" and s == HOME_STATE else 1 if c == "IN" else
                         2 if DEFAULT_VAT_RATES_BPS.get(c) else 3 for c, s in zip(countries, states)])
    pos_a = np.array([s if c == "IN" else c for c, s in zip(countries, states)], dtype=object)
    vat_a = np.array([DEFAULT_VAT_RATES_BPS.get(c, 0) for c in countries])
    line_agency = ch.agency[:nb][ch.item_bidx]
    line_regime = regime_a[line_agency]
    bps = np.where(line_regime <= 1, np.array(GST_BPS)[ch.item_kind], vat_a[line_agency])
    sell = ch.item_sell
    half = div_round(sell * bps, 20_000)
    full = div_round(sell * bps, 10_000)
    comp = {"cgst_minor": np.where(line_regime == 0, half, 0), "sgst_minor": np.where(line_regime == 0, half, 0),
            "igst_minor": np.where(line_regime == 1, full, 0), "vat_minor": np.where(line_regime == 2, full, 0)}
    line_tax = comp["cgst_minor"] + comp["sgst_minor"] + comp["igst_minor"] + comp["vat_minor"]
    starts = _segments(ch.item_bidx, nb)
    subtotal = np.add.reduceat(sell, starts)
    tax = np.add.reduceat(line_tax, starts)
    total = subtotal + tax
    ch.inv_components = {k: np.add.reduceat(v, starts) for k, v in comp.items()}
    ch.inv_regime = np.array(["intra_state", "inter_state", "vat", "export"], dtype=object)[regime_a[ch.agency[:nb]]]
    ch.inv_pos = pos_a[ch.agency[:nb]]

    issued = ch.booked_at.astype("datetime64[D]")
    draft = ch.booked_at >= end - np.timedelta64(1, "D")
    fy = fiscal_year(issued)
    seq = np.zeros(nb, dtype=np.int64)
    for year in np.unique(fy):
        members = np.flatnonzero((fy == year) & ~draft)
        first = ctx.ids.invoice_seq.get((SERIES, int(year)), 0) + 1
        seq[members] = first + np.arange(len(members))
        ctx.ids.invoice_seq[(SERIES, int(year))] = first - 1 + len(members)
    numbers = np.array([f"{SERIES}/{y}-{(y + 1) % 100:02d}/{q:06d}" for y, q in zip(fy, seq)], dtype=object)
    inv_ids = ctx.ids.take("invoices", nb)

    # Payment plans and installment schedules.
    lead = (ch.travel_start[:nb] - issued).astype(np.int64)
    u = rng.random(nb)
    kind = np.where((lead < 21) | (u < 0.45), 0, np.where((lead >= 75) & (u > 0.85), 2, 1))
    counts = kind + 1
    b = np.repeat(np.arange(nb), counts)
    seqn = np.arange(len(b)) - np.repeat(_segments(b, nb), counts)
    k = kind[b]
    booked_day = to_day(plan.start, ch.booked_at)[b]
    start_day = to_day(plan.start, ch.travel_start[:nb].astype("datetime64[us]"))[b]
    balance_gap = rng.choice([21, 30, 45], size=nb)[b]
    due = np.where(k == 0, np.minimum(booked_day + 3, np.maximum(start_day - 1, booked_day)), booked_day + 2)
    due = np.where((k == 1) & (seqn == 1), np.maximum(start_day - balance_gap, booked_day + 7), due)
    due = np.where((k == 2) & (seqn == 1), booked_day + (start_day - 30 - booked_day) // 2, due)
    due = np.where((k == 2) & (seqn == 2), start_day - 30, due)
    tot = total[b]
    amount = np.where(k == 0, tot, 0)
    amount = np.where((k == 1) & (seqn == 0), tot * DEPOSIT_PCT // 100, amount)
    amount = np.where((k == 1) & (seqn == 1), tot - tot * DEPOSIT_PCT // 100, amount)
    amount = np.where((k == 2) & (seqn == 0), tot * 34 // 100, amount)
    amount = np.where((k == 2) & (seqn == 1), tot * 33 // 100, amount)
    amount = np.where((k == 2) & (seqn == 2), tot - tot * 34 // 100 - tot * 33 // 100, amount)

    ch.invoice_ids, ch.inv_total, ch.inv_numbers, ch.inv_draft = inv_ids, total, numbers, draft
    ch.inv_issued, ch.inv_subtotal, ch.inv_tax, ch.inv_fy, ch.inv_seq = issued, subtotal, tax, fy, seq
    ch.inst_b, ch.inst_seq, ch.inst_due_day, ch.inst_amount = b, seqn, due, amount
    ch.plan_ids = ctx.ids.take("payment_plans", nb)
    ch.inst_ids = ctx.ids.take("installments", len(b))
    ch.plan_kind = kind

    line_no = np.arange(len(ch.item_bidx)) - np.repeat(starts, np.bincount(ch.item_bidx, minlength=nb)) + 1
    created = ch.booked_at + hours(0.2)
    lines = {
        "id": ctx.ids.take("invoice_lines", len(ch.item_bidx)), "invoice_id": inv_ids[ch.item_bidx],
        "line_number": line_no, "description": ch.item_desc, "quantity": ch.item_qty,
        "unit_price_minor": ch.item_unit_sell, "tax_rate_bps": bps, "tax_minor": line_tax,
        "amount_minor": ch.item_sell, "sac_code": np.full(len(sell), TOUR_OPERATOR_SAC, dtype=object),
        "booking_item_id": ch.item_ids, **comp,
        "created_at": created[ch.item_bidx], "updated_at": created[ch.item_bidx],
    }
    currency = np.array(CURRENCIES, dtype=object)[ch.currency[:nb]]
    plans = {
        "id": ch.plan_ids, "booking_id": ch.booking_ids, "kind": PLAN_KINDS[kind], "currency": currency,
        "total_minor": total, "created_at": created, "updated_at": created,
    }
    return {"invoice_lines": lines, "payment_plans": plans}


def invoice_table(ctx: Context, ch: Chunk) -> dict:
    """Built after payments: status follows what was paid."""
    nb = ch.nb
    status = np.where(ch.paid_total >= ch.inv_total, "paid", np.where(ch.paid_total > 0, "partially_paid", "issued")).astype(object)
    status[ch.cancelled] = "void"
    status[ch.inv_draft] = "draft"
    due_on = dates(ctx.plan.start, np.maximum.reduceat(ch.inst_due_day, _segments(ch.inst_b, nb)))
    created = ch.booked_at + hours(0.2)
    return {
        "id": ch.invoice_ids, "invoice_number": nullable(ch.inv_numbers, ch.inv_draft),
        "series": np.full(nb, SERIES, dtype=object), "fiscal_year": ch.inv_fy,
        "sequence_number": nullable(ch.inv_seq, ch.inv_draft), "booking_id": ch.booking_ids,
        "agency_id": ch.agency[:nb] + 1,
        "issued_on": nullable(ch.inv_issued, ch.inv_draft), "due_on": nullable(due_on, ch.inv_draft),
        "currency": np.array(CURRENCIES, dtype=object)[ch.currency[:nb]],
        "subtotal_minor": ch.inv_subtotal, "tax_minor": ch.inv_tax, "total_minor": ch.inv_total,
        "status": status, "kind": np.full(nb, "invoice", dtype=object), "tax_regime": ch.inv_regime,
        "place_of_supply": ch.inv_pos, **ch.inv_components,
        "created_at": created, "updated_at": np.maximum(created, ch.b_updated),
    }


def counter_table(ctx: Context) -> dict:
    """invoice_counters: the last number issued per (series, fiscal year)."""
    keys = sorted(ctx.ids.invoice_seq)
    end = np.datetime64(ctx.plan.end.replace(tzinfo=None), "us") - np.timedelta64(1, "s")
    return {
        "series": [k[0] for k in keys], "fiscal_year": np.array([k[1] for k in keys]),
        "last_number": np.array([ctx.ids.invoice_seq[k] for k in keys]),
        "created_at": np.full(len(keys), end), "updated_at": np.full(len(keys), end),
    }
