"""Rendering a payment decision into the line our statement or gateway feed shows.

Our accounts: two INR current accounts (one bank prints `NEFT CR-<IFSC>-<NAME>-<remarks>` in 80
characters, the other `NEFT-<UTR>-<NAME>-<remarks>` in 64), EEFC accounts in USD, EUR and GBP
(inward wires, 90 characters), and the Razorpay, Stripe and PayPal feeds (gross, fee with its
GST, net). AED wires and some USD/EUR/GBP wires are converted into the INR account on arrival.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from bench.corpora.remittance import money
from bench.corpora.remittance.payers import Payment
from bench.corpora.remittance.writing import Line, Mention, cut_name, gateway_id, legible, remarks_for, utr

_DOMESTIC_SMALL = {"NEFT": 0.5, "IMPS": 0.12, "UPI": 0.1, "razorpay": 0.22, "CHQ": 0.06}
_DOMESTIC_LARGE = {"RTGS": 0.45, "NEFT": 0.4, "razorpay": 0.1, "CHQ": 0.05}
_FOREIGN = {"SWIFT": 0.55, "stripe": 0.18, "paypal": 0.15, "razorpay_intl": 0.12}


@dataclass
class Rendered:
    line: Line
    payment: Payment | None
    tags: set[str] = field(default_factory=set)
    rail_ref: str = ""          # UTR or gateway id: what a refund or a duplicate points at
    dup_of: Rendered | None = None      # the payment a duplicate repeats
    refund_of: Rendered | None = None   # the payment a refund returns


def choose_channel(rng: random.Random, pay: Payment) -> str:
    total = sum(a for _, a, _ in pay.parts)
    currency = pay.parts[0][0].currency
    if pay.agency.domestic:
        if pay.kind == "batch":
            return "RTGS" if total >= 2_00_000_00 and rng.random() < 0.5 else "NEFT"
        table = dict(_DOMESTIC_LARGE if total >= 2_00_000_00 else _DOMESTIC_SMALL)
        if total > 1_00_000_00:
            table.pop("UPI", None)
        if total > 5_00_000_00:
            table.pop("IMPS", None)
        return rng.choices(list(table), list(table.values()))[0]
    if pay.kind == "batch":
        return "SWIFT"
    table = dict(_FOREIGN)
    if currency == "AED":
        table.pop("paypal")
    return rng.choices(list(table), list(table.values()))[0]


def _payer_name(rng: random.Random, agency) -> tuple[str, bool]:
    if agency.personal_payer and rng.random() < 0.7:
        return agency.personal_payer, False
    if agency.group_payer and rng.random() < 0.6:
        return agency.group_payer, False
    return agency.account_name, True


def _partial_word(pay: Payment) -> str | None:
    return {"deposit": "ADVANCE", "installment": "INSTALMENT", "balance": "BALANCE"}.get(pay.kind)


def render(rng: random.Random, pay: Payment) -> Rendered:
    pay.channel = pay.channel or choose_channel(rng, pay)
    invoices = [inv for inv, _, _ in pay.parts]
    text, spans = remarks_for(rng, pay.agency.ref_style, invoices, pay.named, _partial_word(pay))
    if pay.channel in ("NEFT", "RTGS", "IMPS", "UPI", "CHQ"):
        return _domestic_bank(rng, pay, text, spans)
    if pay.channel == "SWIFT":
        return _swift(rng, pay, text, spans)
    return _gateway(rng, pay, text, spans)


def _domestic_bank(rng: random.Random, pay: Payment, text: str, spans) -> Rendered:
    ch = pay.channel
    gross = sum(a for _, a, _ in pay.parts)
    tags: set[str] = set()
    deducted = 0
    if ch in ("NEFT", "RTGS", "CHQ"):
        deducted = money.tds(rng, pay.agency, [(a, round(a * inv.taxable / inv.amount)) for inv, a, _ in pay.parts])
        if deducted:
            tags.add("tds")
    name, known = _payer_name(rng, pay.agency)
    if not known:
        tags.add("personal_or_group_payer")
    ref, ifsc = utr(rng, "NEFT" if ch == "CHQ" else ch, pay.day)
    booked = pay.day + dt.timedelta(days=rng.randint(2, 3) if ch == "CHQ" else 0)
    bank_a = rng.random() < 0.6
    if ch == "CHQ":
        ref = f"{rng.randrange(10**6):06d}"
        prefix, text, spans, width = (f"CHQ DEP-{ref}-{cut_name(name, 30)}" if bank_a else f"CLG/{cut_name(name, 25)}/{ref}"), "", [], 80
    elif ch == "UPI":
        vpa = f"{name.split()[0].lower()}{rng.randint(1, 99)}@ok{rng.choice(['hdfcbank', 'icici', 'axis', 'sbi'])}"
        prefix = (f"UPI-{cut_name(name, 20)}-{vpa}-{ifsc[:4]}-{ref}-" if bank_a else f"UPI/{ref}/")
        width = 80 if bank_a else 50
        if not bank_a:
            text = text[:30]
    elif ch == "IMPS":
        prefix = (f"IMPS-{ref}-{cut_name(name, 20)}-{ifsc[:4]}-" if bank_a else f"MMT/IMPS/{ref}/")
        width = 80 if bank_a else 64
    else:
        if bank_a and rng.random() < 0.15:
            prefix, text, spans, width = f"BY TRANSFER-{ch}*{ifsc}*{ref}*{cut_name(name, 20)}", "", [], 80
        elif bank_a:
            prefix, width = f"{ch} CR-{ifsc}-{cut_name(name, 35)}-", 80
        else:
            prefix, width = f"{ch}-{ref}-{cut_name(name, 20)}-", 64
        text = text[:30] if ch == "NEFT" else text[:60]  # the remarks field of net banking
    narration = (prefix + text)[:width]
    mentions = legible(text, len(prefix), spans, min(width, len(prefix) + len(text)))
    reference = ref
    if text and rng.random() < 0.3:  # a statement export with the payer's reference in its own column
        reference = text[:35]
        mentions = _union(mentions, legible(text, 0, spans, 35))
        tags.add("ref_in_reference")
    counterparty = name if rng.random() < 0.4 else ""
    # Some banks print IMPS and UPI credits without the remitter (`MMT/IMPS/<RRN>/`,
    # `UPI/<UTR>/`): with no counterparty column either, no name on the line shows who paid.
    shown = bool(counterparty) or not (ch in ("IMPS", "UPI") and not bank_a)
    line = Line("bank", booked, gross - deducted, "INR", None, reference, counterparty, narration, mentions,
                known and shown)
    return Rendered(line, pay, tags, ref)


def _union(a: list[Mention], b: list[Mention]) -> list[Mention]:
    best: dict[str, Mention] = {}
    for m in a + b:
        if m.invoice not in best or (best[m.invoice].reading == "cut" and m.reading != "cut"):
            best[m.invoice] = m
    return list(best.values())


def _swift(rng: random.Random, pay: Payment, text: str, spans) -> Rendered:
    agency = pay.agency
    inv_ccy = pay.parts[0][0].currency
    intended = sum(a for _, a, _ in pay.parts)
    tags: set[str] = set()
    send_ccy, send = inv_ccy, intended
    if agency.fx_habit != "invoice_ccy" and agency.account_currency != inv_ccy:
        send_ccy = agency.account_currency
        send = money.payer_equivalent(rng, intended, inv_ccy, send_ccy, pay.day, agency.fx_habit)
        tags.add("fx_payer_rate")
    deducted = money.swift_deductions(rng, agency.charges, send_ccy)
    if deducted:
        tags.add("charges")
    arrived = send - deducted
    booked = pay.day + dt.timedelta(days=rng.randint(1, 4))
    if send_ccy == "AED" or rng.random() < 0.2:
        amount, currency = money.our_bank_inr(rng, arrived, send_ccy, booked), "INR"
        tags.add("fx_our_bank")
        tags.add("charges")
    else:
        amount, currency = arrived, send_ccy
    name, known = _payer_name(rng, agency)
    ours = f"IRM{booked:%y%m%d}{rng.randrange(10**6):06d}"
    field70 = ("/INV/" if rng.random() < 0.5 else "/RFB/") + text if text else ""
    fcy = f"{send_ccy} {send / 100:,.2f} " if currency == "INR" and rng.random() < 0.5 else ""
    prefix = f"INWARD REMITTANCE-{fcy}{cut_name(name, 30)}-"
    narration = (prefix + field70)[:90]
    offset = len(prefix) + (5 if field70 else 0)
    mentions = legible(text, offset, spans, 90)
    reference = ours
    if field70 and rng.random() < 0.35:  # the MT103 field 70 in its own column, 4 x 35 characters
        reference = field70[:140]
        mentions = _union(mentions, legible(text, 5, spans, 140))
        tags.add("ref_in_reference")
    counterparty = name if rng.random() < 0.6 else ""
    if not known:
        tags.add("personal_or_group_payer")
    return Rendered(Line("bank", booked, amount, currency, None, reference, counterparty, narration, mentions, known),
                    pay, tags, ours)


def _gateway(rng: random.Random, pay: Payment, text: str, spans) -> Rendered:
    inv, intended, _ = pay.parts[0]
    gateway = "razorpay" if pay.channel.startswith("razorpay") else pay.channel
    international = pay.channel != "razorpay"
    tags: set[str] = set()
    pid = gateway_id(rng, gateway)
    integrated = rng.random() < {"razorpay": 0.7, "stripe": 0.8, "paypal": 0.6}[gateway]
    if integrated:  # our payment link or invoice carries our number
        word = {"deposit": "Deposit for", "installment": "Instalment for", "balance": "Balance for"}.get(pay.kind)
        lead = f"{word or rng.choice(['Payment for', 'Invoice'])} "
        description = lead + inv.number
        mentions = [Mention(inv.number, inv.number, "strong")]
    else:
        description, mentions = text[:120], legible(text, 0, spans, 120)
    if pay.channel == "paypal":
        gross, currency = intended, inv.currency
    elif international:
        gross, currency = money.gateway_settles_inr(rng, gateway, intended, inv.currency, pay.day), "INR"
        tags.add("fx_gateway")
    else:
        gross, currency = intended, "INR"
    fee = money.gateway_fee(rng, gateway, gross, currency, international)
    if rng.random() < 0.1:
        fee_col = None  # an export with the net credited only
        tags.add("net_only")
    else:
        fee_col = fee
        tags.add("fee")
    agency = pay.agency
    who = rng.random()
    if who < 0.45:
        counterparty, known = agency.legal_name, True
    elif who < 0.75:
        counterparty, known = agency.email, False
    else:
        counterparty, known = agency.personal_payer or f"{inv.customer_name.split(' x ')[0][4:].strip()}", False
    line = Line(gateway, pay.day, gross - fee, currency, fee_col, pid, counterparty, description, mentions, known)
    return Rendered(line, pay, tags, pid)
