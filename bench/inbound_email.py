"""Category accuracy of the inbox's rule classifier on the labelled set, beside the floor.

    .venv/bin/python -m bench.inbound_email [--split held_out|tuning|all] [--runs 3]

The set (bench/data/inbound_email/, written by `python -m bench.corpora.inbound_email`) was
written from docs/inbound-email.md before the classifier, and split into a tuning and a
held-out half then. The floor is the simplest classifier, the first English keyword in the
subject (`tourstack.inbox.classify.baseline`), measured in the same run. Prints per-category
accuracy (share of that category's messages put in it) and the median time per message.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter
from pathlib import Path

from tourstack.inbox import parse
from tourstack.inbox.classify import CATEGORIES, baseline, classify

DATA = Path(__file__).resolve().parent / "data" / "inbound_email"


def run(split: str) -> dict:
    rows = [json.loads(line) for line in (DATA / "labels.jsonl").read_text(encoding="utf-8").splitlines()]
    rows = [r for r in rows if split == "all" or r["split"] == split]
    total, rules_ok, floor_ok, misses = Counter(), Counter(), Counter(), []
    started = time.perf_counter()
    for r in rows:
        mail = parse((DATA / r["file"]).read_bytes())
        got = classify(mail).category
        total[r["category"]] += 1
        rules_ok[r["category"]] += got == r["category"]
        floor_ok[r["category"]] += baseline(mail.subject) == r["category"]
        if got != r["category"]:
            misses.append(f"{r['file']}: {r['category']} read as {got}")
    elapsed = time.perf_counter() - started
    return {"split": split, "messages": len(rows), "ms_per_message": 1000 * elapsed / max(1, len(rows)),
            "per_category": {c: {"n": total[c], "rules": rules_ok[c] / total[c], "floor": floor_ok[c] / total[c]}
                             for c in CATEGORIES if total[c]},
            "rules": sum(rules_ok.values()) / len(rows), "floor": sum(floor_ok.values()) / len(rows), "misses": misses}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="held_out", choices=["held_out", "tuning", "all"])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [run(args.split) for _ in range(args.runs)]
    res = results[0]
    print(f"{res['split']}: {res['messages']} messages, median {statistics.median(r['ms_per_message'] for r in results):.1f} "
          f"ms per message (parse + classify) over {args.runs} runs")
    print(f"{'category':<22}{'n':>4}{'rules':>9}{'floor':>9}")
    for c, v in res["per_category"].items():
        print(f"{c:<22}{v['n']:>4}{v['rules']:>9.1%}{v['floor']:>9.1%}")
    print(f"{'all':<22}{res['messages']:>4}{res['rules']:>9.1%}{res['floor']:>9.1%}")
    for m in res["misses"]:
        print("miss:", m)


if __name__ == "__main__":
    main()
