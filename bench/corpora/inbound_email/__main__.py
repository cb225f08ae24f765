"""Write the labelled inbound e-mail set: `python -m bench.corpora.inbound_email --out DIR`."""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from bench.corpora.inbound_email.bookings import amendment, cancellation, confirmation
from bench.corpora.inbound_email.commercial import invoice, rate_sheet
from bench.corpora.inbound_email.mime import build, mislabel
from bench.corpora.inbound_email.others import enquiry, other
from bench.corpora.inbound_email.world import AGENCIES, SUPPLIERS, booking

PER_CATEGORY = 18
RATE_LAYOUTS = ["xlsx_long", "xlsx_wide", "csv", "pdf", "body"]
FORWARD_NOTE = "FYI - please update the booking file."


def _rate_sender(layout: str, n: int):
    if layout == "body":
        pool = [s for s in SUPPLIERS if s.kind in ("transport", "guide") or (s.kind == "dmc" and s.lang == "en")]
    elif layout == "csv":
        pool = [s for s in SUPPLIERS if s.kind != "hotel"]
    elif layout == "pdf":
        pool = [s for s in SUPPLIERS if s.kind in ("hotel", "dmc")]
    else:
        pool = [s for s in SUPPLIERS if s.kind in ("hotel", "dmc")]
    return pool[n % len(pool)]


def messages(seed: int):
    """(category, Written, expected, layout) for every message, in a fixed order."""
    rng = random.Random(seed)
    for n in range(PER_CATEGORY):
        s = SUPPLIERS[n % len(SUPPLIERS)]
        for category, make in (("booking_confirmation", confirmation), ("amendment", amendment),
                               ("cancellation", cancellation)):
            w, exp = make(SUPPLIERS[(n * 3 + len(category)) % len(SUPPLIERS)], booking(rng), rng)
            if n % 6 == 5:
                w.forward_by = FORWARD_NOTE
            yield category, w, exp, "forward" if w.forward_by else ("reply" if w.quoted else "plain")
        layout = RATE_LAYOUTS[n % len(RATE_LAYOUTS)]
        w, exp = rate_sheet(_rate_sender(layout, n), rng, layout)
        yield "rate_sheet", w, exp, layout
        w, exp = invoice(SUPPLIERS[(n * 5 + 1) % len(SUPPLIERS)], booking(rng), rng)
        yield "supplier_invoice", w, exp, "pdf"
        w, exp = enquiry(AGENCIES[n % len(AGENCIES)], rng, n)
        yield "customer_enquiry", w, exp, "forward" if w.forward_by else "plain"
        w, exp = other(rng, n, booking(rng), s)
        yield "other", w, exp, "auto" if "Auto-Submitted" in w.headers else "plain"


def write(out: Path, seed: int = 17) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed + 1)
    rows = []
    for number, (category, w, expected, layout) in enumerate(messages(seed), start=1):
        raw = build(w, number, rng)
        if w.lang in ("de", "fr") and number % 7 == 0:
            raw, layout = mislabel(raw), layout + "+mislabelled-charset"
        name = f"{number:04d}.eml"
        (out / name).write_bytes(raw)
        rows.append({"file": name, "category": category, "lang": w.lang, "sender_kind": w.sender.kind,
                     "layout": layout + ("+html-only" if w.sender.html_only and not w.forward_by else ""),
                     "expected": expected})
    # The split is fixed here, stratified per category, before any tuning.
    split_rng = random.Random(seed + 2)
    for category in sorted({r["category"] for r in rows}):
        mine = [r for r in rows if r["category"] == category]
        split_rng.shuffle(mine)
        for i, r in enumerate(mine):
            r["split"] = "tuning" if i < len(mine) // 2 else "held_out"
    with (out / "labels.jsonl").open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    return len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("bench/data/inbound_email"))
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args()
    print(f"wrote {write(args.out, args.seed)} messages to {args.out}")


if __name__ == "__main__":
    main()
