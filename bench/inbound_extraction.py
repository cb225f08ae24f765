"""Field accuracy of the confirmation reader on the labelled set, beside the floor.

    .venv/bin/python -m bench.inbound_extraction [--split held_out|tuning|all] [--runs 3]

The set is the one of bench/inbound_email.py (written from docs/inbound-email.md, split into a
tuning and a held-out half before either reader existed). Scored: every confirmation,
amendment and cancellation, and every field its label records (a cancellation's number is its
confirmation number). A field is right only when equal to the label (dates as dates, names as
written). The floor, measured in the same run, is the simplest reader: the first `TB` and seven
capitals or digits, the first token after "conf" on a line, the first two ISO or day-first
numeric dates, the first number after "guest", the text after "Guest name:".
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import statistics
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

from tourstack.inbox import parse
from tourstack.inbox.confirmation import extract
from tourstack.inbox import rate_sheets

DATA = Path(__file__).resolve().parent / "data" / "inbound_email"
KINDS = ("booking_confirmation", "amendment", "cancellation")
FIELDS = ("booking_ref", "confirmation_number", "start_date", "end_date", "guests", "guest_name", "room_type")


def floor(mail) -> dict:
    text = f"{mail.subject}\n{mail.body}"
    ref = re.search(r"TB[0-9A-Z]{7}", text)
    conf = re.search(r"conf[^\n:]*:\s*(\S+)", text, re.IGNORECASE)
    dates = []
    for m in re.finditer(r"(\d{4})-(\d{2})-(\d{2})|(\d{1,2})/(\d{1,2})/(\d{4})", text):
        try:
            g = m.groups()
            dates.append(dt.date(int(g[0]), int(g[1]), int(g[2])) if g[0] else dt.date(int(g[5]), int(g[4]), int(g[3])))
        except ValueError:
            pass
    guests = re.search(r"guest\D{0,20}(\d+)", text, re.IGNORECASE)
    name = re.search(r"guest name:\s*(.+)", text, re.IGNORECASE)
    return {"booking_ref": ref.group(0) if ref else None, "confirmation_number": conf.group(1) if conf else None,
            "start_date": dates[0].isoformat() if dates else None,
            "end_date": dates[1].isoformat() if len(dates) > 1 else None,
            "guests": int(guests.group(1)) if guests else None,
            "guest_name": name.group(1).strip() if name else None, "room_type": None}


def run(split: str) -> dict:
    rows = [json.loads(line) for line in (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["category"] in KINDS and (split == "all" or r["split"] == split)]
    total, ours_ok, floor_ok, misses = Counter(), Counter(), Counter(), []
    elapsed = 0.0
    for r in rows:
        mail = parse((DATA / r["file"]).read_bytes())
        started = time.perf_counter()
        got = extract(mail).as_json()
        elapsed += time.perf_counter() - started
        simple = floor(mail)
        expected = dict(r["expected"])
        if "cancellation_number" in expected:
            expected["confirmation_number"] = expected.pop("cancellation_number")
        for name, want in expected.items():
            total[name] += 1
            ours_ok[name] += got.get(name) == want
            floor_ok[name] += simple.get(name) == want
            if got.get(name) != want:
                misses.append(f"{r['file']} {name}: {want!r} read as {got.get(name)!r}")
    fields = sum(total.values())
    return {"split": split, "messages": len(rows), "fields": fields, "ms_per_message": 1000 * elapsed / max(1, len(rows)),
            "per_field": {n: {"n": total[n], "ours": ours_ok[n] / total[n], "floor": floor_ok[n] / total[n]}
                          for n in FIELDS if total[n]},
            "ours": sum(ours_ok.values()) / fields, "floor": sum(floor_ok.values()) / fields, "misses": misses}


TEMPLATE = ["item", "season", "from", "to", "currency", "price", "unit", "occupancy"]


def template_floor(mail) -> list[tuple]:
    """The simplest rate importer: a CSV in one fixed English template, ISO dates; else nothing."""
    import csv
    import io

    out = []
    for a in mail.attachments:
        if not a.filename.lower().endswith(".csv"):
            continue
        rows = list(csv.reader(io.StringIO(a.data.decode("utf-8", "replace"))))
        if not rows or [c.strip().lower() for c in rows[0]] != TEMPLATE:
            continue
        for r in rows[1:]:
            try:
                out.append((r[0], r[1], r[2], r[3], r[4], Decimal(r[5]), r[6], r[7] or None))
            except (IndexError, ArithmeticError):
                pass
    return out


def _rate_key(r: dict) -> tuple:
    return (r["item"], r["season"], r["valid_from"], r["valid_to"], r["currency"], Decimal(r["price"]), r["unit"],
            r["occupancy"])


def run_rates(split: str) -> dict:
    rows = [json.loads(line) for line in (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if r["category"] == "rate_sheet" and (split == "all" or r["split"] == split)]
    sheets, exact, floor_exact, expected, found, right, floor_right, layouts = 0, 0, 0, 0, 0, 0, 0, Counter()
    for r in rows:
        mail = parse((DATA / r["file"]).read_bytes())
        want = Counter(_rate_key(x) for x in r["expected"]["rates"])
        got = Counter(_rate_key(x.as_json()) for x in rate_sheets.extract(mail))
        floor_got = Counter(template_floor(mail))
        sheets += 1
        exact += got == want
        floor_exact += floor_got == want
        layouts[r["layout"].split("+")[0]] += got == want
        expected += sum(want.values())
        found += sum(got.values())
        right += sum((got & want).values())
        floor_right += sum((floor_got & want).values())
    return {"sheets": sheets, "exact": exact, "floor_exact": floor_exact, "rates": expected, "read": found,
            "right": right, "floor_right": floor_right, "exact_by_layout": dict(layouts)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=["held_out", "tuning", "all"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run(args.split) for _ in range(args.runs)]
    res = results[0]
    print(f"{res['split']}: {res['messages']} messages, {res['fields']} labelled fields, median "
          f"{statistics.median(r['ms_per_message'] for r in results):.2f} ms per message (extraction) over {args.runs} runs")
    print(f"{'field':<22}{'n':>4}{'ours':>9}{'floor':>9}")
    for name, v in res["per_field"].items():
        print(f"{name:<22}{v['n']:>4}{v['ours']:>9.1%}{v['floor']:>9.1%}")
    print(f"{'all fields':<22}{res['fields']:>4}{res['ours']:>9.1%}{res['floor']:>9.1%}")
    for m in res["misses"]:
        print("miss:", m)
    rates = run_rates(args.split)
    print(f"rate sheets: {rates['exact']}/{rates['sheets']} read exactly (floor {rates['floor_exact']}); rates "
          f"{rates['right']}/{rates['rates']} right, {rates['read'] - rates['right']} wrong or extra "
          f"(floor {rates['floor_right']} right); exact by layout {rates['exact_by_layout']}")


if __name__ == "__main__":
    main()
