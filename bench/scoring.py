"""Scoring a reconciliation against the remittance corpus' answer key (docs/reconciliation.md,
"Evaluation corpora").

    from bench.scoring import load_labels, load_result, score
    labels = load_labels("var/corpus-1")                     # labels_*.csv of one seed
    report = score(load_result("var/out-1"), labels)        # or score(reconcile(...), labels)

Why a separate scorer: the matcher's own counters (match rate, exceptions by reason) say how
much was allocated, not whether it was right. The answer key says, per line, what a careful
person would have posted; this module compares the two pair by pair and amount by amount, and
breaks the result down by behaviour (the label's `kind`) and circumstance (its `tags`) so a
figure points at the behaviour that costs it.

Definitions (all counts of allocation rows, refunds included, unless said otherwise):

- precision: allocations on a (txn, invoice) pair the key expects / allocations made. An
  allocation on a line whose correct outcome is an exception (ambiguous, duplicate, noise) is
  wrong even on the true invoice: it was a guess.
- recall: expected allocations made on the right pair / expected allocations.
- money-correct: expected allocations made on the right pair with an amount inside the label's
  [amount_low, amount_high] / expected allocations.
- over-allocation: an invoice given more than its amount due (net of refunds), or a
  transaction giving more than it brought: same-currency parts above amount + fee, or
  converted parts (ECB rate of the booking date) above it by more than the corpus' settle window
  for cross-currency payments (6 % and the wire charges of the invoice's currency).
- suggestion hit: lines whose correct outcome holds an ambiguous part, sent to the exceptions
  queue with one of the true invoices among the first three suggestions / such lines.

Money stays in integer minor units (Decimal text parsed with the currency's exponent).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from tourstack.money import to_minor

CROSS_SETTLE_WINDOW = Decimal("0.06")  # a converted value within 6 % (less wire charges) settles
WIRE_CHARGES = {"USD": 110_00, "EUR": 110_00, "GBP": 110_00, "AED": 400_00}


@dataclass
class Labels:
    allocations: dict[tuple[str, str], tuple[int, int, int, str]]   # (txn, inv) -> point, low, high, cur
    lines: dict[str, dict]                                           # txn -> kind, tags, outcome, reason, suggest
    transactions: dict[str, dict] = field(default_factory=dict)     # txn -> amount, fee, currency, booked_on
    due: dict[str, tuple[int, str]] = field(default_factory=dict)   # invoice -> amount_due, currency


@dataclass
class Made:
    matches: list[tuple[str, str, int, str]]          # txn, invoice, amount_applied (minor), currency
    exceptions: dict[str, list[tuple[str, list[str]]]]  # txn -> [(reason, [invoice, ...]), ...]


def _minor(text: str, currency: str) -> int:
    return to_minor(Decimal(text.replace(",", "")), currency) if text not in ("", None) else 0


def _rows(path: Path) -> list[dict]:
    with path.open(newline="") as f:
        return list(csv.DictReader(f))


def load_labels(folder: Path | str) -> Labels:
    folder = Path(folder)
    alloc = {}
    for r in _rows(folder / "labels_allocations.csv"):
        cur = r["currency"]
        alloc[(r["txn_id"], r["invoice_number"])] = (_minor(r["amount_applied"], cur), _minor(r["amount_low"], cur),
                                                     _minor(r["amount_high"], cur), cur)
    lines = {}
    for r in _rows(folder / "labels_transactions.csv"):
        lines[r["txn_id"]] = {"kind": r["kind"], "tags": [t for t in r["tags"].split(";") if t],
                              "outcome": r["outcome"], "reason": r["reason"],
                              "suggest": [s for s in r["suggest"].split(";") if s]}
    txns = {}
    if (folder / "transactions.csv").exists():
        for r in _rows(folder / "transactions.csv"):
            cur = r["currency"]
            txns[r["txn_id"]] = {"amount": _minor(r["amount"], cur), "fee": _minor(r["fee"], cur), "currency": cur,
                                 "booked_on": dt.date.fromisoformat(r["booked_on"])}
    due = {}
    if (folder / "receivables.csv").exists():
        for r in _rows(folder / "receivables.csv"):
            due[r["invoice_number"]] = (_minor(r["amount_due"], r["currency"]), r["currency"])
    return Labels(alloc, lines, txns, due)


def _split_suggestions(text: str | None) -> list[str]:
    return [s.rsplit(":", 1)[0] for s in (text or "").split(";") if s]


def from_result(result) -> Made:
    """From a tourstack.reconcile.ReconcileResult (amounts already in minor units)."""
    matches = list(result.matches.select("txn_id", "invoice_number", "amount_applied", "currency").iter_rows())
    exc: dict[str, list] = defaultdict(list)
    for txn, reason, sugg in result.exceptions.select("txn_id", "reason", "suggestions").iter_rows():
        exc[txn].append((reason, _split_suggestions(sugg)))
    return Made(matches, dict(exc))


def load_result(folder: Path | str) -> Made:
    """From the CLI's output folder (matches.csv, exceptions.csv)."""
    folder = Path(folder)
    matches = [(r["txn_id"], r["invoice_number"], _minor(r["amount_applied"], r["currency"]), r["currency"])
               for r in _rows(folder / "matches.csv")]
    exc: dict[str, list] = defaultdict(list)
    for r in _rows(folder / "exceptions.csv"):
        exc[r["txn_id"]].append((r["reason"], _split_suggestions(r["suggestions"])))
    return Made(matches, dict(exc))


def _over_allocations(made: Made, labels: Labels, rates) -> int:
    count = 0
    if labels.due:
        per_invoice: dict[str, int] = defaultdict(int)
        for _, inv, amount, _ in made.matches:
            per_invoice[inv] += amount
        count += sum(1 for inv, total in per_invoice.items() if inv in labels.due and total > labels.due[inv][0])
    if labels.transactions:
        from tourstack.reconcile.fxrates import FxConverter

        fx = FxConverter(rates)
        per_txn: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for txn, _, amount, cur in made.matches:
            per_txn[txn].append((amount, cur))
        for txn, parts in per_txn.items():
            t = labels.transactions.get(txn)
            if t is None or t["amount"] < 0:
                continue
            gross = t["amount"] + t["fee"]
            same = sum(a for a, c in parts if c == t["currency"])
            # a converted part may be the whole open amount of an invoice the value settles:
            # count only what is left of it after the settle window (6 % and the wire charges)
            floor = sum(fx.minor(max(0, int(a * (1 - CROSS_SETTLE_WINDOW)) - WIRE_CHARGES.get(c, 0)), c,
                                 t["currency"], t["booked_on"]) or 0 for a, c in parts if c != t["currency"])
            if same + floor > gross:
                count += 1
    return count


def _ratio(a: int, b: int) -> float:
    return a / b if b else 1.0


def score(result, labels: Labels, rates=None) -> dict:
    """Headline figures plus `by_kind` and `by_tag` tables (dicts of row dicts)."""
    made = result if isinstance(result, Made) else from_result(result)
    expected = labels.allocations
    correct_pair, money_ok, wrong = set(), set(), []
    for txn, inv, amount, _ in made.matches:
        key = (txn, inv)
        if key in expected:
            correct_pair.add(key)
            _, low, high, _ = expected[key]
            if low <= amount <= high:
                money_ok.add(key)
        else:
            wrong.append(key)
    ambiguous = [txn for txn, ln in labels.lines.items() if ln["reason"] == "ambiguous"]
    hits = 0
    for txn in ambiguous:
        truth = set(labels.lines[txn]["suggest"])
        if any(truth & set(sugg[:3]) for _, sugg in made.exceptions.get(txn, [])):
            hits += 1
    n_made = len(made.matches)
    report = {
        "lines": len(labels.lines), "allocations_expected": len(expected), "allocations_made": n_made,
        "correct_pairs": len(correct_pair), "wrong_allocations": len(wrong),
        "precision": _ratio(n_made - len(wrong), n_made),
        "recall": _ratio(len(correct_pair), len(expected)),
        "money_correct": _ratio(len(money_ok), len(expected)),
        "over_allocations": _over_allocations(made, labels, rates),
        "ambiguous_lines": len(ambiguous), "suggestion_hit": _ratio(hits, len(ambiguous)),
    }
    report["by_kind"] = _breakdown(labels, made, correct_pair, money_ok, wrong, lambda ln: [ln["kind"]])
    report["by_tag"] = _breakdown(labels, made, correct_pair, money_ok, wrong, lambda ln: ln["tags"] or ["(none)"])
    return report


def _breakdown(labels, made, correct_pair, money_ok, wrong, groups_of) -> dict[str, dict]:
    table: dict[str, dict] = defaultdict(lambda: dict(lines=0, expected=0, found=0, money_ok=0, wrong=0,
                                                      ambiguous=0, suggestion_hit=0))
    exp_by_txn: dict[str, list] = defaultdict(list)
    for key in labels.allocations:
        exp_by_txn[key[0]].append(key)
    wrong_by_txn: dict[str, int] = defaultdict(int)
    for txn, _ in wrong:
        wrong_by_txn[txn] += 1
    for txn, ln in labels.lines.items():
        for g in groups_of(ln):
            row = table[g]
            row["lines"] += 1
            keys = exp_by_txn.get(txn, [])
            row["expected"] += len(keys)
            row["found"] += sum(1 for k in keys if k in correct_pair)
            row["money_ok"] += sum(1 for k in keys if k in money_ok)
            row["wrong"] += wrong_by_txn.get(txn, 0)
            if ln["reason"] == "ambiguous":
                row["ambiguous"] += 1
                truth = set(ln["suggest"])
                if any(truth & set(s[:3]) for _, s in made.exceptions.get(txn, [])):
                    row["suggestion_hit"] += 1
    for row in table.values():
        row["missed"] = row["expected"] - row["found"]
    return dict(sorted(table.items()))


def merge(reports: list[dict]) -> dict:
    """Pooled figures over several seeds (sums of counts, ratios recomputed)."""
    keys = ("lines", "allocations_expected", "allocations_made", "correct_pairs", "wrong_allocations",
            "over_allocations", "ambiguous_lines")
    out = {k: sum(r[k] for r in reports) for k in keys}
    money = sum(round(r["money_correct"] * r["allocations_expected"]) for r in reports)
    hits = sum(round(r["suggestion_hit"] * r["ambiguous_lines"]) for r in reports)
    out.update(precision=_ratio(out["allocations_made"] - out["wrong_allocations"], out["allocations_made"]),
               recall=_ratio(out["correct_pairs"], out["allocations_expected"]),
               money_correct=_ratio(money, out["allocations_expected"]),
               suggestion_hit=_ratio(hits, out["ambiguous_lines"]))
    for table in ("by_kind", "by_tag"):
        merged: dict[str, dict] = {}
        for r in reports:
            for g, row in r[table].items():
                acc = merged.setdefault(g, dict.fromkeys(row, 0))
                for k, v in row.items():
                    acc[k] += v
        out[table] = dict(sorted(merged.items()))
    return out


def headline(name: str, r: dict) -> str:
    return (f"| {name} | {r['precision']:.3%} | {r['recall']:.3%} | {r['money_correct']:.3%} | "
            f"{r['over_allocations']} | {r['suggestion_hit']:.1%} | {r['allocations_made']:,} | "
            f"{r['allocations_expected']:,} |")


HEADLINE_HEADER = ("| matcher | precision | recall | money-correct | over-allocations | suggestion hit | "
                   "allocations made | expected |\n|---|---:|---:|---:|---:|---:|---:|---:|")


def behaviour_table(r: dict, table: str = "by_kind", only_problems: bool = False) -> str:
    lines = [f"| {table[3:]} | lines | expected | found | missed | money wrong | wrong allocations | "
             "ambiguous | suggestion hit |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for g, row in r[table].items():
        if only_problems and not (row["missed"] or row["wrong"] or row["found"] - row["money_ok"]):
            continue
        hit = f"{row['suggestion_hit'] / row['ambiguous']:.0%}" if row["ambiguous"] else "-"
        lines.append(f"| {g} | {row['lines']} | {row['expected']} | {row['found']} | {row['missed']} | "
                     f"{row['found'] - row['money_ok']} | {row['wrong']} | {row['ambiguous']} | {hit} |")
    return "\n".join(lines)
