"""Candidate (transaction, invoice) pairs and their static evidence, computed column-wise.

Why candidates before allocation: the expensive part (finding references in free text, typo
neighbours, amount look-ups, name similarity) is set-based and vectorises in polars; only the
allocation, which must see what earlier payments already settled, is sequential (allocate.py).

Evidence per pair:
  ref_kind   3 invoice number, 2 booking ref or virtual account TSVA<booking_ref>,
             1 a reference within one edit of either (typo), 4 a partial reading of an
             invoice number (prefix, year or padding missing; mentions.py), 0 none (amount look-up)
  name_sim   0..100 similarity of the counterparty to the agency or the customer
  amt_inv / gross_inv   the transaction's amount and its gross (amount + fee) in the invoice's
             currency (FX at the booking date when the currencies differ)
"""

from __future__ import annotations

import polars as pl

from tourstack.reconcile.fxrates import FxConverter
from tourstack.reconcile.mentions import structured_reference
from tourstack.reconcile.text import (
    MIN_FUZZY_LEN,
    VIRTUAL_ACCOUNT_PREFIX,
    deletion_variants,
    name_similarity,
    norm_ref,
    osa_distance,
    tokens,
)

AMOUNT_WINDOW_BEFORE_DAYS = 30   # a payment may precede its invoice (pro-forma, deposits)
AMOUNT_WINDOW_AFTER_DAYS = 180   # ... and follow its due date by months
MAX_RUN = 16  # booking refs, virtual accounts and joined invoice numbers are shorter
NUMBER_RE = r"[A-Z]{2,5}(?:[ /\-_.]{0,2}\d+){1,3}"  # INV/2025-26/000123, INV 2025 26 123
CANDIDATE_SCHEMA = {"t": pl.UInt32, "i": pl.UInt32, "ref_kind": pl.Int8}


def reference_keys(inv: pl.DataFrame) -> pl.DataFrame:
    """key -> (invoice index, kind) for invoice numbers, booking refs and virtual accounts."""
    num = inv.select(pl.col("i"), norm_ref(pl.col("invoice_number")).alias("key"), pl.lit(3, pl.Int8).alias("kind"))
    bk = inv.filter(pl.col("booking_ref") != "").select(
        pl.col("i"), norm_ref(pl.col("booking_ref")).alias("key"), pl.lit(2, pl.Int8).alias("kind"))
    va = bk.with_columns((pl.lit(VIRTUAL_ACCOUNT_PREFIX) + pl.col("key")).alias("key"))
    return pl.concat([num, bk, va]).filter(pl.col("key").str.len_chars() >= 4)


def transaction_tokens(txn: pl.DataFrame) -> pl.DataFrame:
    """Reference-like tokens, the whole reference column, and, because banks glue the payer's
    remarks to their own fields with `-`, `*` or `/`, every alphanumeric run and every number
    written as letters followed by digit groups (`EXP/2024-25/000907` inside `GMBH-/INV/EXP/...`)."""
    text = pl.concat_str(pl.col("reference"), pl.lit(" "), pl.col("description"))
    upper = text.str.to_uppercase()
    whole_ref = norm_ref(pl.col("reference"))
    # runs of a booking ref's or a joined number's length (long gateway ids are whole tokens already)
    runs = upper.str.extract_all(r"[A-Z0-9]+").list.eval(
        pl.element().filter(pl.element().str.len_chars().is_between(4, MAX_RUN)))
    numbers = upper.str.extract_all(NUMBER_RE).list.eval(pl.element().str.replace_all(r"[^A-Z0-9]", ""))
    return (txn.select(pl.col("t"), tokens(text).alias("token"), whole_ref.alias("whole"), runs.alias("runs"),
                       numbers.alias("numbers"))
            .with_columns(pl.concat_list(pl.col("token"), pl.col("whole"), pl.col("runs"), pl.col("numbers")))
            .select("t", "token").explode("token").drop_nulls()
            .filter(pl.col("token").str.len_chars() >= 4).unique())


def exact_reference(tok: pl.DataFrame, keys: pl.DataFrame) -> pl.DataFrame:
    return (tok.join(keys, left_on="token", right_on="key", how="inner")
            .select("t", "i", pl.col("kind").alias("ref_kind")))


def fuzzy_reference(tok: pl.DataFrame, keys: pl.DataFrame, matched_tokens: pl.DataFrame | None,
                    plausible: tuple[pl.DataFrame, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Tokens (those that matched nothing exactly, unless `matched_tokens` is None) within one
    edit (OSA) of a key other than themselves."""
    probe = tok if matched_tokens is None else tok.join(matched_tokens, on=["t", "token"], how="anti")
    probe = (probe
             # a typo'd number or booking ref has letters and digits (a bare digit run is
             # never one edit from a whole invoice number)
             .filter((pl.col("token").str.len_chars() >= MIN_FUZZY_LEN)
                     & pl.col("token").str.contains(r"\d") & pl.col("token").str.contains(r"[A-Z]"))
             .with_columns(pl.col("token").str.strip_prefix(VIRTUAL_ACCOUNT_PREFIX)))
    if probe.is_empty():
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    if plausible is not None:
        txn, inv = plausible
        probe = probe.join(txn.select("t", "t_agency"), on="t")
        keys = keys.join(inv.select("i", "agency_idx"), on="i")
    else:
        probe = probe.with_columns(pl.lit(-1, pl.Int64).alias("t_agency"))
        keys = keys.with_columns(pl.lit(-1, pl.Int64).alias("agency_idx"))
    probe_v = deletion_variants(probe, "token")
    base = keys.filter(~((pl.col("kind") == 2) & pl.col("key").str.starts_with(VIRTUAL_ACCOUNT_PREFIX)))
    key_v = deletion_variants(base, "key", keep=probe_v.select("variant").unique())
    # Sequential invoice numbers have dozens of one-edit neighbours that exist: a payer known
    # as an agency is compared with that agency's references only; an unknown payer with all.
    known = probe_v.filter(pl.col("t_agency") >= 0)
    unknown = probe_v.filter(pl.col("t_agency") < 0)
    cols = ["t", "token", "i", "key", "kind"]
    pairs = pl.concat([
        known.join(key_v, left_on=["variant", "t_agency"], right_on=["variant", "agency_idx"]).select(cols),
        unknown.join(key_v, on="variant").select(cols),
    ]).unique()
    if pairs.is_empty():
        return pl.DataFrame(schema=CANDIDATE_SCHEMA)
    dist = osa_distance(pairs["token"].to_list(), pairs["key"].to_list())
    pairs = pairs.with_columns(pl.Series("dist", dist, dtype=pl.Int32))
    return (pairs.filter(pl.col("dist") == 1)
            .select("t", "i", pl.lit(1, pl.Int8).alias("ref_kind")))


def amount_lookup(txn: pl.DataFrame, inv: pl.DataFrame, without: pl.Series) -> pl.DataFrame:
    """Same-currency amount (or amount + fee) equal to the amount due, inside the date window."""
    probe = txn.filter(~pl.col("t").is_in(without.implode()) & (pl.col("amount") > 0))
    keyed = pl.concat([
        probe.select("t", "currency", "booked_on", pl.col("amount").alias("key")),
        probe.filter(pl.col("fee") > 0).select("t", "currency", "booked_on",
                                               (pl.col("amount") + pl.col("fee")).alias("key")),
    ])
    joined = keyed.join(inv.select("i", "currency", "amount_due", "issued_on", "due_on", "agency_idx"),
                        left_on=["currency", "key"], right_on=["currency", "amount_due"], how="inner")
    # A payer recognised as an agency pays that agency's invoices (same-amount invoices are
    # common); an unrecognised payer may be a traveller paying directly: keep all.
    joined = joined.join(probe.select("t", "t_agency"), on="t", how="left").filter(
        (pl.col("t_agency") < 0) | (pl.col("t_agency") == pl.col("agency_idx")))
    days = (pl.col("booked_on") - pl.col("issued_on")).dt.total_days()
    late = (pl.col("booked_on") - pl.col("due_on")).dt.total_days()
    return (joined.filter((days >= -AMOUNT_WINDOW_BEFORE_DAYS) & (late <= AMOUNT_WINDOW_AFTER_DAYS))
            .select("t", "i", pl.lit(0, pl.Int8).alias("ref_kind")))


def _with_names(cand: pl.DataFrame, txn: pl.DataFrame, inv: pl.DataFrame) -> pl.DataFrame:
    """Payer similarity to the agency, or to the traveller when the agency does not fit."""
    pairs = cand.select("t", "i").join(txn.select("t", "cp_name"), on="t").join(
        inv.select("i", "agency_name", "customer_norm"), on="i")
    agency = pairs.select("cp_name", "agency_name").unique()
    agency = agency.with_columns(pl.Series("sim_a", name_similarity(agency["cp_name"].to_list(),
                                                                  agency["agency_name"].to_list()), dtype=pl.Int32))
    pairs = pairs.join(agency, on=["cp_name", "agency_name"], how="left")
    weak = pairs.filter(pl.col("sim_a") < 90).select("cp_name", "customer_norm").unique()
    weak = weak.with_columns(pl.Series("sim_c", name_similarity(weak["cp_name"].to_list(),
                                                              weak["customer_norm"].to_list()), dtype=pl.Int32))
    return (pairs.join(weak, on=["cp_name", "customer_norm"], how="left")
            .select("t", "i", pl.max_horizontal("sim_a", pl.col("sim_c").fill_null(0)).alias("name_sim")))


def _with_amounts(cand: pl.DataFrame, txn: pl.DataFrame, inv: pl.DataFrame, fx: FxConverter) -> pl.DataFrame:
    frame = cand.join(txn.select("t", "amount", "fee", pl.col("currency").alias("t_cur"), "booked_on"), on="t").join(
        inv.select("i", pl.col("currency").alias("i_cur")), on="i")
    same = frame.filter(pl.col("t_cur") == pl.col("i_cur")).with_columns(
        pl.col("amount").alias("amt_inv"), (pl.col("amount") + pl.col("fee")).alias("gross_inv"))
    cross = frame.filter(pl.col("t_cur") != pl.col("i_cur"))
    if not cross.is_empty():
        # One factor per (from, to, day) triple from tourstack.fx; the multiplication and the
        # single half-even rounding run as Decimal columns (38 digits, 18 places: no float).
        triples = cross.select("t_cur", "i_cur", "booked_on").unique()
        factors = [fx.factor(src, dst, on) for src, dst, on in triples.rows()]
        triples = triples.with_columns(pl.Series("factor", factors, dtype=pl.Decimal(38, 18)))
        to_dst = lambda minor: (minor.cast(pl.Decimal(38, 0)) * pl.col("factor")).round(0).cast(pl.Int64)  # noqa: E731
        cross = (cross.join(triples, on=["t_cur", "i_cur", "booked_on"], how="left")
                 .filter(pl.col("factor").is_not_null())
                 .with_columns(to_dst(pl.col("amount")).alias("amt_inv"),
                               to_dst(pl.col("amount") + pl.col("fee")).alias("gross_inv")))
    else:
        cross = same.clear()
    both = pl.concat([same, cross.select(same.columns)])
    return both.select("t", "i", "amt_inv", "gross_inv", (pl.col("t_cur") != pl.col("i_cur")).alias("fx"))


def build(txn: pl.DataFrame, inv: pl.DataFrame, fx: FxConverter) -> pl.DataFrame:
    """All candidate pairs with their evidence, one row per (t, i)."""
    keys = reference_keys(inv)
    tok = transaction_tokens(txn)
    exact = exact_reference(tok, keys)
    matched = tok.join(keys.select(pl.col("key").alias("token")), on="token", how="semi").select("t", "token")
    # A typo can turn one valid number into another: where no exact reference agrees on the
    # amount (same currency, amount or amount + fee = due), probe the matched tokens too.
    agree = (exact.join(inv.select("i", "amount_due", pl.col("currency").alias("i_cur")), on="i")
             .join(txn.select("t", "amount", "fee", "currency"), on="t")
             .filter((pl.col("currency") == pl.col("i_cur"))
                     & ((pl.col("amount") == pl.col("amount_due"))
                        | (pl.col("amount") + pl.col("fee") == pl.col("amount_due"))))
             .select("t").unique())
    matched = matched.join(agree, on="t", how="semi")
    fuzzy = fuzzy_reference(tok, keys, matched, plausible=(txn, inv))
    # Numbers written with other separators, padding or fiscal year, or glued to the narration's
    # other fields (mentions.py); only where no whole token named an invoice or booking exactly.
    unnamed = pl.concat([txn.join(exact.select("t").unique(), on="t", how="anti"), _names_more(txn, inv, exact)])
    structured = structured_reference(unnamed, inv)
    with_ref = pl.concat([exact.select(CANDIDATE_SCHEMA.keys()).cast(CANDIDATE_SCHEMA),
                          fuzzy.cast(CANDIDATE_SCHEMA), structured.cast(CANDIDATE_SCHEMA)])
    by_amount = amount_lookup(txn, inv, with_ref["t"].unique()).cast(CANDIDATE_SCHEMA)
    # one row per pair, its strongest evidence: number/booking > partial reading > typo > amount
    strength = pl.col("ref_kind").replace_strict({0: 0, 1: 1, 4: 2, 2: 3, 3: 4}, return_dtype=pl.Int8)
    cand = (pl.concat([with_ref, by_amount]).group_by("t", "i")
            .agg(pl.col("ref_kind").sort_by(strength).last()))
    return evidence(cand, txn, inv, fx)


def _names_more(txn: pl.DataFrame, inv: pl.DataFrame, exact: pl.DataFrame) -> pl.DataFrame:
    """Lines that name invoices exactly but bring more than every one of them (same currency;
    a converted line always), or name only other agencies' invoices than the payer's: a batch
    written in mixed forms (`INV/2024-25/002636 002582 002619`, `INV-1157, INV/2025-26/001076`)
    names the rest in the other forms, and a foreign payer's `/INV/2025-26/000274` (the SWIFT
    code word for an invoice, not our domestic series) names its own `EXP/2025-26/000274`, so
    these lines are read for the other forms too. A payment for less than a named invoice of
    its own payer (a deposit, a balance) is not."""
    named = exact.filter(pl.col("ref_kind") == 3)
    if named.is_empty():
        return txn.clear()
    more = (named.join(inv.select("i", "amount_due", "agency_idx", pl.col("currency").alias("i_cur")), on="i")
            .join(txn.select("t", "amount", "fee", "currency", "t_agency"), on="t")
            .group_by("t").agg(((pl.col("currency") != pl.col("i_cur"))
                                | (pl.col("amount") + pl.col("fee").fill_null(0) > pl.col("amount_due"))
                                | ((pl.col("t_agency") >= 0) & (pl.col("t_agency") != pl.col("agency_idx")))).all()
                               .alias("more"))
            .filter(pl.col("more")).select("t"))
    return txn.join(more, on="t", how="semi")


def evidence(cand: pl.DataFrame, txn: pl.DataFrame, inv: pl.DataFrame, fx: FxConverter) -> pl.DataFrame:
    if cand.is_empty():
        return cand.with_columns(pl.lit(0, pl.Int32).alias("name_sim"), pl.lit(0, pl.Int64).alias("amt_inv"),
                                 pl.lit(0, pl.Int64).alias("gross_inv"), pl.lit(False).alias("fx"))
    return cand.join(_with_names(cand, txn, inv), on=["t", "i"]).join(
        _with_amounts(cand, txn, inv, fx), on=["t", "i"], how="inner")
