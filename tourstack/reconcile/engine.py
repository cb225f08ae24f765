"""`reconcile(transactions, receivables)`: the matching engine's entry point.

Input frames are the ones `io.read_transactions` / `io.read_receivables` return (amounts in
integer minor units); the result holds the matches (amount_applied in the invoice's currency,
gross of gateway fees, negative for refunds), the exception queue (reason, suggestions, amount
left unallocated, age in days) and a summary. The same function serves the CLI, the Dagster
asset and the benchmark.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from tourstack.fx import RateSource
from tourstack.reconcile import candidates
from tourstack.reconcile.allocate import Ledger, allocate_one
from tourstack.reconcile.fxrates import FxConverter
from tourstack.reconcile.payers import PayerIndex, norm_legal, recognise
from tourstack.reconcile.refunds import refund_links
from tourstack.reconcile.scoring import AUTO_MATCH, score
from tourstack.reconcile.text import norm_name, part_payment

MAX_CANDIDATES = 12  # per transaction, best first; more only slows the allocation loop
_EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class ReconcileResult:
    matches: pl.DataFrame     # txn_id, invoice_number, amount_applied, currency, rule, confidence
    exceptions: pl.DataFrame  # txn_id, reason, suggestions, unallocated, currency, booked_on, age_days
    summary: dict


def _agency_index(txn: pl.DataFrame, inv: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """agency_idx per invoice (one per business: legal forms dropped, trade words kept) and
    t_agency per transaction (payers.py: counterparty, else narration)."""
    inv = inv.with_columns(norm_legal(pl.col("agency")).alias("agency_key"))
    agencies = (inv.select("agency_key", "agency_name").unique("agency_key", keep="first")
                .filter(pl.col("agency_key") != "").sort("agency_key"))
    agencies = agencies.with_row_index("agency_idx").with_columns(pl.col("agency_idx").cast(pl.Int64))
    inv = (inv.join(agencies.select("agency_key", "agency_idx"), on="agency_key", how="left")
           .with_columns(pl.col("agency_idx").fill_null(-1)).drop("agency_key"))
    index = PayerIndex(agencies["agency_key"].to_list(), agencies["agency_name"].to_list())
    txn = recognise(txn, index)
    return txn.sort("t"), inv.sort("i")


def reconcile(transactions: pl.DataFrame, receivables: pl.DataFrame, *,
              rates: RateSource | None = None, as_of: dt.date | None = None,
              exclude: pl.DataFrame | None = None) -> ReconcileResult:
    """`exclude`: (txn_id, invoice_number) pairs never to allocate (a person unmatched them);
    the transaction may still be matched to another receivable or queued as an exception.
    An optional `refund_of` column in `transactions` names the txn_id a refund returns."""
    fx = FxConverter(rates)
    txn = (transactions.sort("booked_on", "txn_id").with_row_index("t")
           .with_columns(norm_name(pl.col("counterparty")).alias("cp_name")))
    inv = (receivables.with_row_index("i")
           .with_columns(norm_name(pl.col("agency")).alias("agency_name"),
                         norm_name(pl.col("customer_name")).alias("customer_norm")))
    txn, inv = _agency_index(txn, inv)
    cand = score(candidates.build(txn, inv, fx), inv, txn)
    excluded = _excluded_pairs(txn, inv, exclude)
    if not excluded.is_empty():
        cand = cand.join(excluded, on=["t", "i"], how="anti")
    cand = cand.sort(["t", "confidence", "ref_kind", "i"], descending=[False, True, True, False])
    links = refund_links(txn)
    ids = txn["txn_id"].to_list() if links else []

    def fx_minor(amount: int, src: str, dst: str, day: int) -> int | None:
        return fx.minor(amount, src, dst, _EPOCH + dt.timedelta(days=day))

    day = lambda s: (s - pl.lit(_EPOCH)).dt.total_days().cast(pl.Int64)  # noqa: E731
    led = Ledger(
        t_amount=txn["amount"].to_list(), t_fee=txn["fee"].to_list(), t_currency=txn["currency"].to_list(),
        t_day=txn.select(day(pl.col("booked_on")))[:, 0].to_list(), t_payer=txn["cp_name"].to_list(),
        t_agency=txn["t_agency"].to_list(), i_due=inv["amount_due"].to_list(),
        i_currency=inv["currency"].to_list(), i_due_day=inv.select(day(pl.col("due_on")))[:, 0].to_list(),
        i_issued_day=inv.select(day(pl.col("issued_on")))[:, 0].to_list(),
        i_agency=inv["agency_idx"].to_list(), i_booking=inv["booking_ref"].fill_null("").to_list(), i_number=inv["invoice_number"].to_list(), fx_minor=fx_minor,
        excluded=set(excluded.iter_rows()), links=links,
        link_names={t0: ids[t0] for t0, _ in links.values()},
        t_part=txn.select(part_payment(pl.concat_str(pl.col("reference"), pl.lit(" "), pl.col("description"))))[
            :, 0].to_list(),
        t_tail=txn.select(pl.col("description").fill_null("").str.extract(r"(\d+)\s*$").fill_null("")
                          .str.strip_chars_start("0"))[:, 0].to_list(),
    )
    rows = list(zip(cand["i"].to_list(), cand["confidence"].to_list(), cand["ref_kind"].to_list(),
                    cand["amt_inv"].to_list(), cand["gross_inv"].to_list(), cand["fx"].to_list(), strict=True))
    bounds = np.searchsorted(cand["t"].to_numpy(), np.arange(len(txn) + 1)).tolist()
    # A linked refund sorted before the payment it returns (same day, or misdated) waits for it.
    waiting: dict[int, list[int]] = {}
    for t, (t0, _) in links.items():
        if t0 > t:
            waiting.setdefault(t0, []).append(t)
    deferred = {t for group in waiting.values() for t in group}
    for t in range(len(txn)):
        if t in deferred:
            continue
        start = bounds[t]
        allocate_one(led, t, rows[start:min(bounds[t + 1], start + MAX_CANDIDATES)])
        if t in waiting:
            for u in waiting[t]:
                start = bounds[u]
                allocate_one(led, u, rows[start:min(bounds[u + 1], start + MAX_CANDIDATES)])
    return _result(txn, inv, led, as_of)


def _excluded_pairs(txn: pl.DataFrame, inv: pl.DataFrame, exclude: pl.DataFrame | None) -> pl.DataFrame:
    schema = {"t": pl.UInt32, "i": pl.UInt32}
    if exclude is None or exclude.is_empty():
        return pl.DataFrame(schema=schema)
    return (exclude.select("txn_id", "invoice_number")
            .join(txn.select("t", "txn_id"), on="txn_id").join(inv.select("i", "invoice_number"), on="invoice_number")
            .select(pl.col("t").cast(pl.UInt32), pl.col("i").cast(pl.UInt32)).unique())


def _result(txn: pl.DataFrame, inv: pl.DataFrame, led: Ledger, as_of: dt.date | None) -> ReconcileResult:
    as_of = as_of or (txn["booked_on"].max() if len(txn) else dt.date.today())
    m = led.matches
    matches = pl.DataFrame({
        "t": [x[0] for x in m], "i": [x[1] for x in m], "amount_applied": [x[2] for x in m],
        "rule": [x[3] for x in m], "confidence": [x[4] for x in m],
    }, schema={"t": pl.UInt32, "i": pl.UInt32, "amount_applied": pl.Int64, "rule": pl.String,
               "confidence": pl.Int32})
    matches = (matches.with_row_index("seq")
               .join(txn.select("t", "txn_id"), on="t", how="left")
               .join(inv.select("i", "invoice_number", "currency"), on="i", how="left")
               .sort("seq").select("txn_id", "invoice_number", "amount_applied", "currency", "rule", "confidence"))
    e = led.exceptions
    exceptions = pl.DataFrame({
        "t": [x[0] for x in e], "reason": [x[1] for x in e], "suggestions": [x[2] for x in e],
        "unallocated": [x[3] for x in e]},
        schema={"t": pl.UInt32, "reason": pl.String, "suggestions": pl.String, "unallocated": pl.Int64})
    exceptions = (exceptions.with_row_index("seq")
                  .join(txn.select("t", "txn_id", "currency", "booked_on"), on="t", how="left").sort("seq")
                  .with_columns((pl.lit(as_of) - pl.col("booked_on")).dt.total_days().alias("age_days"))
                  .select("txn_id", "reason", "suggestions", "unallocated", "currency", "booked_on", "age_days"))
    return ReconcileResult(matches, exceptions, _summary(txn, inv, matches, exceptions, as_of))


def _sum_by_currency(frame: pl.DataFrame, value: str) -> dict[str, str]:
    from tourstack.money import from_minor

    if frame.is_empty():
        return {}
    rows = frame.group_by("currency").agg(pl.col(value).sum()).sort("currency").rows()
    return {c: str(from_minor(int(v), c)) for c, v in rows}


def _summary(txn, inv, matches, exceptions, as_of) -> dict:
    """Counts are of transactions, each once (an allocation split over several invoices, or a
    partial allocation with an exception for the rest, is one matched transaction). Money keeps
    its currency: matched and refunded amounts in the invoice's, unallocated amounts in the
    transaction's, with payments (inflows) and refunds (outflows, negative like in matches.csv)
    apart, never netted. No transactions: match_rate is null (nothing to rate)."""
    matched_ids = matches["txn_id"].unique()
    unmatched_ids = exceptions.filter(~pl.col("txn_id").is_in(matched_ids.implode()))["txn_id"].unique()
    reasons = dict(sorted(exceptions.group_by("reason").len().rows()))
    n = len(txn)
    applied = matches.filter(pl.col("amount_applied") > 0)
    refunds = matches.filter(pl.col("amount_applied") < 0)
    open_ = exceptions.filter(pl.col("reason") != "duplicate")
    return {
        "as_of": as_of.isoformat(),
        "auto_match_threshold": AUTO_MATCH / 100,
        "transactions": n,
        "receivables": len(inv),
        "transactions_matched": len(matched_ids),
        "transactions_unmatched": len(unmatched_ids),
        "match_rate": round(len(matched_ids) / n, 6) if n else None,
        "allocations": len(matches),
        "exceptions": len(exceptions),
        "exceptions_by_reason": reasons,
        "duplicates": reasons.get("duplicate", 0),
        "amount_matched": _sum_by_currency(applied, "amount_applied"),
        "amount_refunded": _sum_by_currency(refunds, "amount_applied"),
        "amount_unmatched": _sum_by_currency(open_.filter(pl.col("unallocated") > 0), "unallocated"),
        "amount_unmatched_refunds": _sum_by_currency(open_.filter(pl.col("unallocated") < 0), "unallocated"),
        "amount_duplicate": _sum_by_currency(exceptions.filter(pl.col("reason") == "duplicate"), "unallocated"),
    }
