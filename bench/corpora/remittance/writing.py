"""What ends up in the reference and narration: how people write our numbers, and how each bank
and gateway prints a payment.

A `Mention` is one invoice or booking reference as a person typed it, with how it can be read
back (`reading`): `strong` (names exactly one number), `seq` (the sequence number only: series
and fiscal year unknown), `seq_series` (series known, fiscal year not), `typo` (one character
wrong, dropped, doubled or swapped), `booking` / `booking_typo`, and `cut` when the statement
width cut it (`text` is then what survived). The labels read these back; the matcher only sees
the text.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace

from bench.corpora.remittance.world import Invoice, fy_label

# How an agency's finance team writes a reference (weights per style).
STYLE_FORMS = {
    "careful": {"exact": 0.82, "spaced": 0.1, "lower": 0.04, "dashed": 0.04},
    "sloppy": {"spaced": 0.1, "dashed": 0.08, "joined": 0.05, "no_prefix": 0.08, "padded_seq": 0.09,
               "bare_seq": 0.1, "prefixed_seq": 0.14, "short_fy": 0.1, "typo": 0.1, "ocr": 0.03, "lower": 0.04,
               "exact": 0.04, "booking": 0.05},
    "booking": {"booking": 0.68, "booking_spaced": 0.1, "booking_lower": 0.08, "booking_typo": 0.07, "exact": 0.07},
}
GENERIC_REMARKS = ["PAYMENT", "TOUR PAYMENT", "TRAVEL", "PKG PAYMENT", "TOUR PKG", "HOLIDAY PKG", "PAYMENT TOURS",
                   "INVOICE PAYMENT", "AGAINST BILL", "FAMILY TRIP"]
BATCH_REMARKS = ["PAYMENT AS PER ADVICE", "OUTSTANDING CLEARED", "BILLS CLEARED", "AS PER STATEMENT", "VENDOR PAYMENT",
                 "PAYMENT RUN", "SETTLEMENT OF BILLS", "AS PER MAIL"]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
_BANKS = ["HDFC", "ICIC", "SBIN", "UTIB", "KKBK", "YESB", "PUNB", "BARB", "IDFB", "INDB", "CNRB", "UBIN"]


@dataclass(frozen=True)
class Mention:
    text: str
    invoice: str        # the invoice it was meant for
    reading: str        # strong | seq | seq_series | typo | booking | booking_typo | cut


@dataclass
class Line:
    """One statement or gateway line, before the transaction id is given."""
    source: str
    booked_on: object
    amount: int
    currency: str
    fee: int | None
    reference: str
    counterparty: str
    description: str
    mentions: list[Mention]       # the mentions still legible on the line
    payer_known: bool             # a name on the line is recognisably the agency


def _digit_typo(rng: random.Random, digits: str) -> str:
    i = rng.randrange(len(digits))
    kind = rng.choice(["sub", "drop", "double", "swap"])
    if kind == "swap" and len(digits) > 1:
        j = min(i, len(digits) - 2)
        if digits[j] != digits[j + 1]:
            return digits[:j] + digits[j + 1] + digits[j] + digits[j + 2:]
    if kind == "drop" and len(digits) > 1:
        return digits[:i] + digits[i + 1:]
    if kind == "double":
        return digits[:i] + digits[i] + digits[i:]
    return digits[:i] + rng.choice([d for d in string.digits if d != digits[i]]) + digits[i + 1:]


def _char_typo(rng: random.Random, text: str) -> str:
    i = rng.randrange(2, len(text))
    return text[:i] + rng.choice([c for c in "23456789ABCDEFGHJKLMNPQRSTUVWXYZ" if c != text[i]]) + text[i + 1:]


def write_number(rng: random.Random, inv: Invoice, form: str) -> Mention:
    """Our number `INV/2025-26/000123` (or the booking ref) as the payer's finance team typed it."""
    s, fy, fy_short, seq = inv.series, fy_label(inv.fiscal_year), fy_label(inv.fiscal_year)[2:], f"{inv.seq:06d}"
    bare = str(inv.seq)
    if form == "exact":
        return Mention(inv.number, inv.number, "strong")
    if form == "spaced":
        return Mention(f"{s} {fy} {seq}", inv.number, "strong")
    if form == "dashed":
        return Mention(rng.choice([f"{s}-{fy}-{seq}", f"{s}-{fy}-{bare}"]), inv.number, "strong")
    if form == "joined":
        return Mention(rng.choice([f"{s}{fy}{seq}", f"{s}{fy.replace('-', '')}{seq}"]), inv.number, "strong")
    if form == "lower":
        return Mention(inv.number.lower(), inv.number, "strong")
    if form == "ocr":
        return Mention(f"{s}/{fy}/{seq.replace('0', 'O')}", inv.number, "strong")
    if form == "short_fy":
        return Mention(rng.choice([f"{s}/{fy_short}/{bare}", f"{s}/{fy_short}/{seq}", f"{s} {fy_short}/{bare}"]),
                       inv.number, "strong")
    if form == "no_prefix":
        return Mention(rng.choice([f"{fy}/{seq}", f"{fy}/{bare}"]), inv.number, "seq_fy")
    if form == "padded_seq":
        return Mention(seq, inv.number, "seq")
    if form == "bare_seq":
        return Mention(rng.choice([bare, f"NO {bare}", f"BILL {bare}"]), inv.number, "seq")
    if form == "prefixed_seq":
        return Mention(rng.choice([f"{s} {bare}", f"{s}/{bare}", f"{s}-{bare}", f"{s}{bare}", f"{s} NO {bare}"]),
                       inv.number, "seq_series")
    if form == "typo":
        wrong = _digit_typo(rng, bare)
        return Mention(rng.choice([f"{s}/{fy}/{wrong.zfill(6)}", f"{s} {wrong}", f"{s}/{fy_short}/{wrong}"]),
                       inv.number, "typo")
    if form == "booking":
        return Mention(inv.booking_ref, inv.number, "booking")
    if form == "booking_spaced":
        return Mention(f"{inv.booking_ref[:2]} {inv.booking_ref[2:]}", inv.number, "booking")
    if form == "booking_lower":
        return Mention(inv.booking_ref.lower(), inv.number, "booking")
    if form == "booking_typo":
        return Mention(_char_typo(rng, inv.booking_ref), inv.number, "booking_typo")
    raise ValueError(form)


def remarks_for(rng: random.Random, style: str, invoices: list[Invoice], named: int, partial_word: str | None):
    """The free text a payer types, with the spans of each mention: (text, [(start, end, Mention)])."""
    parts: list[tuple[str, Mention | None]] = []
    if partial_word and rng.random() < 0.5:
        parts.append((partial_word + " ", None))
    forms = STYLE_FORMS.get(style, STYLE_FORMS["careful"])
    chosen = invoices[:named]
    compress = style == "careful" and len(chosen) > 2 and rng.random() < 0.5
    for k, inv in enumerate(chosen):
        if k:
            parts.append((rng.choice([", ", " ", "/", " & ", ","]), None))
        if compress and k:
            parts.append((str(inv.seq) if rng.random() < 0.5 else f"{inv.seq:06d}", Mention("", inv.number, "strong")))
            continue
        form = rng.choices(list(forms), list(forms.values()))[0]
        mention = write_number(rng, inv, form)
        parts.append((mention.text, mention))
    if 0 < named < len(invoices) and rng.random() < 0.5:
        parts.append((rng.choice([" ETC", " AND OTHERS", " +", " ..."]), None))
    if named == 0:
        if len(invoices) > 1:
            day = invoices[-1].issued
            parts.append((rng.choice(BATCH_REMARKS + [f"BILLS {MONTHS[day.month - 1]} {day.year % 100}"]), None))
        elif rng.random() < 0.6:
            parts.append((rng.choice(GENERIC_REMARKS + [invoices[0].customer_name.split(" x ")[0].upper()]), None))
    text, spans, pos = "", [], 0
    for piece, mention in parts:
        if mention is not None:
            spans.append((pos, pos + len(piece), replace(mention, text=piece)))
        text += piece
        pos += len(piece)
    return text.strip().upper() if style != "careful" or rng.random() < 0.5 else text.strip(), spans


def legible(text: str, offset: int, spans, width: int) -> list[Mention]:
    """The mentions that survive printing `text` at `offset` in a field cut at `width`."""
    out = []
    for start, end, mention in spans:
        start, end = start + offset, end + offset
        if end <= width:
            out.append(mention)
        elif width - start >= 4:
            out.append(Mention(text[start - offset:width - offset], mention.invoice, "cut"))
    return out


def utr(rng: random.Random, rail: str, day) -> tuple[str, str]:
    """(UTR, remitting bank's IFSC) for NEFT (16 chars), RTGS (22), IMPS/UPI (12 digits)."""
    bank = rng.choice(_BANKS)
    ifsc = f"{bank}0{rng.randrange(10**6):06d}"
    if rail == "NEFT":
        return f"{bank}N{day.year % 10}{day.timetuple().tm_yday:03d}{rng.randrange(10**7):07d}", ifsc
    if rail == "RTGS":
        return f"{bank}R{rng.choice('56')}{day:%Y%m%d}{rng.randrange(10**8):08d}", ifsc
    return f"{day.year % 10}{day.timetuple().tm_yday:03d}{rng.randrange(10**8):08d}", ifsc


def gateway_id(rng: random.Random, gateway: str) -> str:
    alnum = string.ascii_letters + string.digits
    if gateway == "razorpay":
        return "pay_" + "".join(rng.choice(alnum) for _ in range(14))
    if gateway == "stripe":
        return "ch_3" + "".join(rng.choice(alnum) for _ in range(23))
    return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(17))


def cut_name(name: str, width: int) -> str:
    return name[:width].rstrip()
