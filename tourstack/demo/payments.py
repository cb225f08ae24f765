"""Payments (with failed attempts and retries), refunds, disputes and direct bank transfers.

Why one payment per installment plus failures: reconciliation must match succeeded payments
to installments and settlements, and learn to ignore failed attempts (no fee, no batch). The
sum of a booking's succeeded payments is exactly the sum of its paid installments.
"""

from __future__ import annotations

import numpy as np

from tourstack.demo.context import Chunk, Context
from tourstack.demo.fx import CUR_INDEX, CURRENCIES
from tourstack.demo.settlement import BANK_ACCOUNTS, GATEWAYS, LAG_DAYS
from tourstack.demo.util import ALNUM, ALNUM_LOWER, dates, div_round, hours, nullable, random_codes, rng_for, to_day, ts

FAILURE_CODES = np.array(["card_declined", "insufficient_funds", "expired_card", "authentication_required",
                          "processing_error", "do_not_honor"], dtype=object)
UPI_FAILURES = np.array(["upi_timeout", "upi_declined", "bank_unavailable"], dtype=object)
FEE_BPS = {"stripe": 290, "razorpay": 200, "paypal": 349, "bank_transfer": 0}
FIXED_FEE = {"stripe": {"USD": 30, "EUR": 25, "GBP": 20, "SGD": 50, "AED": 100, "THB": 1000, "INR": 300},
             "paypal": {"USD": 49, "EUR": 35, "GBP": 30, "SGD": 50}}
PAYPAL_CURRENCIES = ("USD", "EUR", "GBP", "SGD")
FAIL_RATE = 0.05


def _choose_gateway(rng, currency: np.ndarray):
    """Gateway and method per booking, by currency."""
    n = len(currency)
    u, v = rng.random(n), rng.random(n)
    inr = currency == CUR_INDEX["INR"]
    paypal_ok = np.isin(currency, [CUR_INDEX[c] for c in PAYPAL_CURRENCIES])
    gw = np.where(inr, np.where(u < 0.7, 1, 3), np.where(u < 0.6, 0, np.where((u < 0.75) & paypal_ok, 2, np.where(u < 0.75, 0, 3))))
    method = np.where(gw == 0, "card", np.where(gw == 2, "paypal", np.where(gw == 3, "bank_transfer",
                      np.where(v < 0.45, "upi", np.where(v < 0.8, "card", "netbanking"))))).astype(object)
    return gw, method


def _fees(amount: np.ndarray, gw: np.ndarray, method: np.ndarray, currency: np.ndarray) -> np.ndarray:
    bps = np.array([FEE_BPS[g] for g in GATEWAYS])[gw]
    bps = np.where(method == "upi", 0, bps)
    fixed_table = np.zeros((len(GATEWAYS), len(CURRENCIES)), dtype=np.int64)
    for g, table in FIXED_FEE.items():
        for c, v in table.items():
            fixed_table[GATEWAYS.index(g), CUR_INDEX[c]] = v
    return div_round(amount * bps, 10_000) + fixed_table[gw, currency]


def _reference(rng, gw: np.ndarray, currency: np.ndarray, prefix_override: str | None = None) -> np.ndarray:
    n = len(gw)
    out = np.empty(n, dtype=object)
    specs = {0: ("pi_", 24, ALNUM_LOWER), 1: ("pay_", 14, ALNUM_LOWER), 2: ("", 17, ALNUM), 3: ("FT", 14, ALNUM)}
    for g, (prefix, length, alphabet) in specs.items():
        idx = np.flatnonzero(gw == g)
        codes = random_codes(rng, len(idx), length, alphabet)
        pre = prefix_override if prefix_override is not None else prefix
        if g == 3:
            inr = currency[idx] == CUR_INDEX["INR"]
            out[idx] = [("UTR" if i else pre) + c for i, c in zip(inr, codes)]
        else:
            out[idx] = [pre + c for c in codes]
    return out


def generate_payments(ctx: Context, ch: Chunk) -> dict[str, dict]:
    plan = ctx.plan
    rng = rng_for(plan.seed, 15, ch.number)
    end = np.datetime64(plan.end.replace(tzinfo=None), "us")
    nb, b = ch.nb, ch.inst_b
    ni = len(b)
    due_ts = ts(plan.start, ch.inst_due_day, np.full(ni, 10 * 3600.0))
    early = hours(rng.uniform(0, 6 * 24, ni))
    late = rng.random(ni) < 0.04
    pay_at = np.where(late, due_ts + hours(rng.uniform(24, 20 * 24, ni)), due_ts - early)
    pay_at = np.maximum(pay_at, ch.booked_at[b] + hours(rng.uniform(0.1, 2.0, ni)))
    never = rng.random(ni) < 0.006  # a few agencies simply do not pay
    happened = (pay_at < end) & ~never & ~(ch.cancelled[b] & (pay_at >= ch.cancel_at[b]))
    as_of_day = plan.days - 1
    inst_status = np.where(happened, "paid", np.where(ch.cancelled[b], "cancelled",
                           np.where(ch.inst_due_day < as_of_day, "overdue", "pending"))).astype(object)
    paid_sum = np.zeros(nb, dtype=np.int64)
    np.add.at(paid_sum, b[happened], ch.inst_amount[happened])
    ch.paid_total = paid_sum
    ch.all_paid = np.logical_and.reduceat(happened, np.concatenate([[0], np.cumsum(ch.plan_kind + 1)[:-1]]))
    ch.last_paid = np.full(nb, np.datetime64("NaT"), dtype="datetime64[us]")
    paid_idx = np.flatnonzero(happened)
    last = np.zeros(nb, dtype=np.int64)
    np.maximum.at(last, b[paid_idx], pay_at[paid_idx].astype(np.int64))
    ch.last_paid = np.where(last > 0, last.astype("datetime64[us]"), np.datetime64("NaT"))

    currency = np.array(CURRENCIES, dtype=object)
    inst_updated = np.where(happened, pay_at, np.where(ch.cancelled[b], ch.cancel_at[b], ch.booked_at[b] + hours(0.2)))
    installments = {
        "id": ch.inst_ids, "payment_plan_id": ch.plan_ids[b], "sequence": ch.inst_seq + 1,
        "due_on": dates(plan.start, ch.inst_due_day), "amount_minor": ch.inst_amount,
        "currency": currency[ch.currency[b]], "status": inst_status,
        "created_at": ch.booked_at[b] + hours(0.2), "updated_at": np.maximum(inst_updated, ch.booked_at[b] + hours(0.2)),
    }

    # Payment attempts: each paid installment succeeds once, ~5% after a failed attempt.
    gw_b, method_b = _choose_gateway(rng, ch.currency[:nb])
    p_inst = paid_idx
    pb = b[p_inst]
    gw, method = gw_b[pb], method_b[pb]
    failed_first = (rng.random(len(p_inst)) < FAIL_RATE) & (gw != 3)
    fail_at = np.maximum(pay_at[p_inst] - hours(rng.uniform(0.2, 30, len(p_inst))), ch.booked_at[pb] + hours(0.05))
    f_idx = np.flatnonzero(failed_first)
    att_inst = np.concatenate([p_inst[f_idx], p_inst])
    att_at = np.concatenate([fail_at[f_idx], pay_at[p_inst]])
    att_ok = np.concatenate([np.zeros(len(f_idx), dtype=bool), np.ones(len(p_inst), dtype=bool)])
    att_gw = np.concatenate([gw[f_idx], gw])
    att_method = np.concatenate([method[f_idx], method])
    order = np.argsort(att_at, kind="stable")
    att_inst, att_at, att_ok, att_gw, att_method = (a[order] for a in (att_inst, att_at, att_ok, att_gw, att_method))
    ab = b[att_inst]
    na = len(att_inst)
    amount = ch.inst_amount[att_inst]
    cur = ch.currency[ab]
    fee = np.where(att_ok, _fees(amount, att_gw, att_method, cur), 0)
    failure = np.where(att_method == "upi", UPI_FAILURES[rng.integers(0, len(UPI_FAILURES), na)],
                       FAILURE_CODES[rng.integers(0, len(FAILURE_CODES), na)])
    day = to_day(plan.start, att_at)
    settle_day = day + np.array([LAG_DAYS[g] for g in GATEWAYS])[att_gw]
    settled = att_ok & (att_gw != 3) & (settle_day < plan.days)
    batch = ctx.settlement.batch_ids(att_gw, cur, settle_day)
    ctx.settlement.add(batch[settled], amount[settled], fee[settled])
    pay_ids = ctx.ids.take("payments", na)
    refs = _reference(rng, att_gw, cur)
    payments = {
        "id": pay_ids, "booking_id": ch.booking_ids[ab], "invoice_id": ch.invoice_ids[ab],
        "installment_id": ch.inst_ids[att_inst], "gateway": np.array(GATEWAYS, dtype=object)[att_gw],
        "gateway_reference": refs, "method": att_method, "amount_minor": amount, "currency": currency[cur],
        "fee_minor": fee, "status": np.where(att_ok, "succeeded", "failed").astype(object),
        "failure_code": nullable(failure, att_ok), "attempted_at": att_at,
        "settlement_batch_id": nullable(batch, ~settled),
        "created_at": att_at, "updated_at": att_at + hours(np.where(att_ok, 0.01, 0.002)),
    }
    ch.pay = {"ids": pay_ids, "b": ab, "ok": att_ok, "gw": att_gw, "method": att_method, "amount": amount,
              "cur": cur, "at": att_at, "refs": refs}
    tables = {"installments": installments, "payments": payments}
    tables.update(_refunds_and_disputes(ctx, ch, rng, end))
    tables["bank_statement_lines"] = _transfer_lines(ctx, ch, rng)
    return tables


def _refunds_and_disputes(ctx: Context, ch: Chunk, rng, end) -> dict[str, dict]:
    p = ch.pay
    ok = p["ok"]
    days_before = (ch.b_travel_start.astype("datetime64[us]") - ch.cancel_at).astype("timedelta64[D]").astype(np.int64)
    pct = np.where(days_before >= 30, 90, np.where(days_before >= 8, 50, 0))
    cancel_refund = ok & ch.cancelled[p["b"]] & (pct[p["b"]] > 0)
    goodwill = ok & ~ch.cancelled[p["b"]] & (rng.random(len(ok)) < 0.003) & (p["at"] < end - np.timedelta64(3, "D"))
    idx = np.flatnonzero(cancel_refund | goodwill)
    is_cancel = cancel_refund[idx]
    share = np.where(is_cancel, pct[p["b"][idx]], rng.choice([10, 15, 20], size=len(idx)))
    amount = div_round(p["amount"][idx] * share, 100)
    when = np.where(is_cancel, np.maximum(ch.cancel_at[p["b"][idx]], p["at"][idx]), p["at"][idx] + hours(rng.uniform(24, 240, len(idx))))
    when = when + hours(rng.uniform(2, 72, len(idx)))
    keep = (when < end) & (amount > 0)
    idx, amount, when, is_cancel = idx[keep], amount[keep], when[keep], is_cancel[keep]
    done = when + hours(rng.uniform(1, 96, len(idx)))
    status = np.where(done < end, np.where(rng.random(len(idx)) < 0.01, "failed", "succeeded"), "pending").astype(object)
    prefixes = np.array(["re_", "rfnd_", "RF", "RFT"], dtype=object)
    refund_ref = [f"{prefixes[g]}{c}" for g, c in zip(p["gw"][idx], random_codes(rng, len(idx), 16, ALNUM_LOWER))]
    refunds = {
        "id": ctx.ids.take("refunds", len(idx)), "payment_id": p["ids"][idx], "amount_minor": amount,
        "currency": np.array(CURRENCIES, dtype=object)[p["cur"][idx]],
        "reason": np.where(is_cancel, "booking_cancelled", "service_issue").astype(object),
        "status": status, "gateway_reference": np.array(refund_ref, dtype=object), "refunded_at": when,
        "created_at": when, "updated_at": np.where(status == "pending", when, np.minimum(done, end - np.timedelta64(1, "s"))),
    }

    card = ok & np.isin(p["method"], ["card", "paypal"]) & (rng.random(len(ok)) < 0.005)
    opened = p["at"] + hours(rng.uniform(10 * 24, 60 * 24, len(ok)))
    didx = np.flatnonzero(card & (opened < end))
    opened = opened[didx]
    closed = opened + hours(rng.uniform(15 * 24, 40 * 24, len(didx)))
    is_closed = closed < end
    won = rng.random(len(didx)) < 0.6
    d_status = np.where(is_closed, np.where(won, "won", "lost"), "open").astype(object)
    reasons = np.array(["fraudulent", "product_not_received", "duplicate", "credit_not_processed", "unrecognized"], dtype=object)
    disputes = {
        "id": ctx.ids.take("disputes", len(didx)), "payment_id": p["ids"][didx], "amount_minor": p["amount"][didx],
        "currency": np.array(CURRENCIES, dtype=object)[p["cur"][didx]],
        "reason": reasons[rng.integers(0, len(reasons), len(didx))], "status": d_status,
        "opened_at": opened, "evidence_due_on": opened.astype("datetime64[D]") + np.timedelta64(10, "D"),
        "closed_at": nullable(closed, ~is_closed), "created_at": opened,
        "updated_at": np.where(is_closed, closed, opened),
    }
    return {"refunds": refunds, "disputes": disputes}


def _typo(rng, text: str) -> str:
    """Reference mangling as seen on real statements: case, a dropped or swapped character."""
    roll = rng.integers(0, 4)
    if roll == 0:
        return text.lower()
    if roll == 1 and len(text) > 4:
        k = int(rng.integers(1, len(text) - 1))
        return text[:k] + text[k + 1:]
    if roll == 2 and len(text) > 4:
        k = int(rng.integers(1, len(text) - 2))
        return text[:k] + text[k + 1] + text[k] + text[k + 2:]
    return text.replace("0", "O", 1) if "0" in text else text + " "


def _transfer_lines(ctx: Context, ch: Chunk, rng) -> dict:
    """Bank statement credits for direct transfers, quoting a booking ref or invoice number."""
    p = ch.pay
    idx = np.flatnonzero(p["ok"] & (p["gw"] == 3))
    booked_day = to_day(ctx.plan.start, p["at"][idx]) + (rng.random(len(idx)) < 0.3)
    keep = booked_day < ctx.plan.days
    idx, booked_day = idx[keep], booked_day[keep]
    bi = p["b"][idx]
    use_invoice = (rng.random(len(idx)) < 0.45) & ~ch.inv_draft[bi]
    ref = np.where(use_invoice, ch.inv_numbers[bi], ch.booking_refs[bi].astype(object))
    typo = rng.random(len(idx)) < 0.06
    ref = np.array([_typo(rng, r) if t else r for r, t in zip(ref, typo)], dtype=object)
    agency = np.array(ctx.parties.agency_name, dtype=object)[ch.agency[bi]]
    inr = p["cur"][idx] == CUR_INDEX["INR"]
    desc = np.array([f"NEFT CR {r} {a.upper()} {x}" if i else f"SWIFT CREDIT {a.upper()} REF {x}"
                     for r, a, x, i in zip(p["refs"][idx], agency, ref, inr)], dtype=object)
    no_ref = rng.random(len(idx)) < 0.1  # the reference only survives in the description
    on = dates(ctx.plan.start, booked_day)
    created = ts(ctx.plan.start, booked_day, np.full(len(idx), 20 * 3600.0))
    cur = np.array(CURRENCIES, dtype=object)[p["cur"][idx]]
    return {
        "id": ctx.ids.take("bank_statement_lines", len(idx)),
        "bank_account": np.array([BANK_ACCOUNTS[c] for c in cur], dtype=object),
        "booked_on": on, "value_on": on, "amount_minor": p["amount"][idx], "currency": cur,
        "reference": nullable(ref, no_ref), "counterparty": np.array([a.upper() for a in agency], dtype=object),
        "description": desc, "created_at": created, "updated_at": created,
    }
