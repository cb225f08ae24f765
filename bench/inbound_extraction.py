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
from pathlib import Path

from tourstack.inbox import parse
from tourstack.inbox.confirmation import extract

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


if __name__ == "__main__":
    main()
