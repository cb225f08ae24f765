"""Invoice numbers as payers write them: separator-, padding- and fiscal-year-insensitive keys.

Why: a bank assembles the narration from the payment message with dashes or stars between the
fields (`NEFT CR-HDFC0001234-ACME TRAVELS P LTD-INV 2025-26 000123`), so a whole-token search
never sees `INV/2025-26/000123` on its own; and the payer's finance team writes our number
`INV/2025-26/000123` as `INV 2025-26 000123`, `INV-2025-26-123`, `INV/25-26/123`, `INV202526123`,
`2025-26/000123`, `INV 123`, `BILL 123` or `000123`, with `O` for `0`. Splitting the text into
alphanumeric pieces and comparing runs of 1-4 consecutive pieces with the invoice number's own
pieces (digit groups without leading zeros, a four-digit year also as its last two digits) finds
every one of these forms with one hash join.

Two strengths:
  full     prefix, year groups and sequence all present (or the whole number run together):
           names exactly one invoice, like the number written out (ref_kind 3);
  partial  the prefix or the year dropped, or the sequence alone: names every invoice sharing
           the sequence number (series, fiscal years), so it is evidence of ref_kind 4
           (`partial_reference`, scored like a typo) and needs the amount or the payer to agree. A payer recognised as an agency is
           compared with that agency's invoices only; a bare number also needs three digits.
A partial reading inside a longer run that already matched a full key is dropped (it is the
same mention read less carefully).
"""

from __future__ import annotations

import polars as pl

PARTIAL = 4  # ref_kind of a partial reading (candidates.py: weaker than a typo-free number)
MAX_GRAM = 4
MIN_BARE_DIGITS = 3
UNIQUE_ISSUE_DAYS = 7  # a partial reading may name an invoice issued up to a week after the payment
# an amount printed in the narration ("AED 3,308.89") is not a reference
_AMOUNT_RE = r"\b\d{1,3}(?:,\d{3})*\.\d{2}\b|\b\d+\.\d{2}\b"


def _canon_pieces(expr: pl.Expr) -> pl.Expr:
    """Upper-case text -> list of canonical pieces: digit runs without leading zeros, `O` read as
    0 inside digit runs, a word `ABC123` split into its letters and its digits."""
    spaced = (expr.str.to_uppercase().str.replace_all(_AMOUNT_RE, " ")
              # INV2454 -> INV 2454 (letters then digits only; booking refs like TB4K2M9XQ stay)
              .str.replace_all(r"\b([A-Z]{2,5})(\d+)\b", "$1 $2"))
    return spaced.str.extract_all(r"[A-Z0-9]+").list.eval(
        pl.when(pl.element().str.contains(r"^[0-9O]+$") & pl.element().str.contains(r"\d"))
        .then(pl.element().str.replace_all("O", "0").str.strip_chars_start("0").replace("", "0"))
        .otherwise(pl.element()))


def invoice_keys(inv: pl.DataFrame) -> pl.DataFrame:
    """(i, key, full) for every form of every invoice number (column-wise: 1M invoices)."""
    p = _canon_pieces(pl.col("invoice_number"))
    base = inv.select(
        "i", p.alias("p"),
        pl.col("invoice_number").str.replace_all(r"\D", "").str.strip_chars_start("0").alias("digits"),
    ).filter(pl.col("p").list.len() > 0).with_columns(
        pl.col("p").list.last().alias("seq"),
        pl.when(~pl.col("p").list.first().str.contains(r"^\d+$")).then(pl.col("p").list.first()).alias("prefix"),
    ).filter(pl.col("seq").str.contains(r"^\d+$"))
    base = base.with_columns(
        pl.when(pl.col("prefix").is_not_null()).then(pl.col("p").list.slice(1)).otherwise(pl.col("p"))
        .list.join("|").alias("rest"))
    base = base.with_columns(
        # a four-digit year followed by another group may be written with two digits
        pl.col("rest").str.replace(r"^(?:19|20)(\d\d)\|(.+\|)", "$1|$2").alias("rest_short"))
    has_prefix, has_middle = pl.col("prefix").is_not_null(), pl.col("rest") != pl.col("seq")
    forms = []
    for rest in ("rest", "rest_short"):
        r = pl.col(rest)
        forms += [
            (pl.when(has_prefix).then(pl.concat_str(pl.col("prefix"), pl.lit("|"), r)).otherwise(r), True),
            (pl.when(has_prefix).then(pl.concat_str(pl.col("prefix"), pl.lit("|"), r.str.replace_all("|", "",
                                                                                              literal=True))), True),
            (pl.when(has_prefix & has_middle).then(r), False),             # 2024-25/2454
        ]
    forms += [
        (pl.when(has_prefix & (pl.col("digits") != "")).then(
            pl.concat_str(pl.col("prefix"), pl.lit("|"), pl.col("digits"))), True),   # INV202425002454
        (pl.when(has_prefix & has_middle).then(pl.concat_str(pl.col("prefix"), pl.lit("|"), pl.col("seq"))),
         False),                                                                        # INV 2454
        (pl.when(pl.col("seq").str.len_chars() >= MIN_BARE_DIGITS).then(pl.col("seq")), False),  # 2454, BILL 2454
    ]
    keys = pl.concat([base.select(pl.col("i").cast(pl.UInt32), expr.alias("key"), pl.lit(full).alias("full"))
                      for expr, full in forms]).drop_nulls("key")
    # a form that is full for one invoice and partial for another keeps both rows
    return keys.unique()


def text_grams(txn: pl.DataFrame) -> pl.DataFrame:
    """(t, start, length, gram) for runs of 1..MAX_GRAM canonical pieces ending in digits."""
    text = pl.concat_str(pl.col("reference"), pl.lit(" "), pl.col("description"))
    exploded = (txn.select("t", _canon_pieces(text).alias("piece"))
                .explode("piece").drop_nulls("piece")
                .with_columns(pl.int_range(pl.len()).over("t").alias("start")))
    grams = []
    acc = pl.col("piece")
    for length in range(1, MAX_GRAM + 1):
        if length > 1:
            acc = pl.concat_str(acc, pl.lit("|"), pl.col("piece").shift(-(length - 1)).over("t"))
        grams.append(exploded.select("t", "start", pl.lit(length, pl.Int32).alias("length"),
                                     acc.alias("gram"), pl.col("piece").shift(-(length - 1)).over("t").alias("last")))
    out = pl.concat(grams).drop_nulls("gram").filter(pl.col("last").str.contains(r"^\d+$"))
    return out.drop("last")


def structured_reference(txn: pl.DataFrame, inv: pl.DataFrame) -> pl.DataFrame:
    """Candidates (t, i, ref_kind) from invoice numbers written in any of the usual forms."""
    schema = {"t": pl.UInt32, "i": pl.UInt32, "ref_kind": pl.Int8}
    if txn.is_empty() or inv.is_empty():
        return pl.DataFrame(schema=schema)
    keys = invoice_keys(inv)
    grams = text_grams(txn)
    hits = grams.join(keys, left_on="gram", right_on="key", how="inner")
    if hits.is_empty():
        return pl.DataFrame(schema=schema)
    full = hits.filter(pl.col("full"))
    # partial readings inside a run that matched a full key are the same mention read worse
    spans = full.select("t", pl.col("start").alias("s0"), (pl.col("start") + pl.col("length")).alias("s1")).unique()
    partial = hits.filter(~pl.col("full"))
    inside = (partial.join(spans, on="t", how="inner")
              .filter((pl.col("start") >= pl.col("s0")) & (pl.col("start") + pl.col("length") <= pl.col("s1")))
              .select("t", "start", "length").unique())
    partial = partial.join(inside, on=["t", "start", "length"], how="anti")
    # partial keys: a recognised payer pays its own agency's invoices
    # and an invoice issued (well) after the payment is no reading of it
    partial = (partial.join(txn.select("t", "t_agency", "booked_on"), on="t")
               .join(inv.select("i", "agency_idx", "issued_on"), on="i")
               .filter((pl.col("t_agency") < 0) | (pl.col("t_agency") == pl.col("agency_idx")))
               .filter((pl.col("issued_on") - pl.col("booked_on")).dt.total_days() <= UNIQUE_ISSUE_DAYS))
    # A reading of two pieces or more ("2024-25/002452", "INV 2452") that leaves one invoice
    # names it as surely as the full number; a bare number stays partial (cheque numbers,
    # account numbers and the like are bare numbers too).
    unique = (partial.filter(pl.col("length") >= 2).group_by("t", "start", "length")
              .agg(pl.col("i").n_unique().alias("n"), pl.col("i").first())
              .filter(pl.col("n") == 1).select("t", "i", pl.lit(3, pl.Int8).alias("ref_kind")))
    booking = booking_reference(txn, inv)
    return pl.concat([
        full.select(pl.col("t").cast(pl.UInt32), "i", pl.lit(3, pl.Int8).alias("ref_kind")),
        partial.select(pl.col("t").cast(pl.UInt32), "i", pl.lit(PARTIAL, pl.Int8).alias("ref_kind")),
        unique.select(pl.col("t").cast(pl.UInt32), pl.col("i").cast(pl.UInt32), "ref_kind"),
        booking,
    ]).unique()


def booking_reference(txn: pl.DataFrame, inv: pl.DataFrame) -> pl.DataFrame:
    """Booking refs split by a space ("TB 79AFLJG", as the net-banking remarks field allows):
    two adjacent pieces that join into a booking ref (ref_kind 2)."""
    text = pl.concat_str(pl.col("reference"), pl.lit(" "), pl.col("description")).str.to_uppercase()
    pieces = (txn.select("t", text.str.extract_all(r"[A-Z0-9]+").alias("piece")).explode("piece")
              .drop_nulls("piece"))
    pairs = pieces.select("t", (pl.col("piece") + pl.col("piece").shift(-1).over("t")).alias("key")).drop_nulls()
    keys = inv.filter(pl.col("booking_ref") != "").select(
        "i", pl.col("booking_ref").str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "").alias("key"))
    return (pairs.join(keys.filter(pl.col("key").str.len_chars() >= 6), on="key")
            .select(pl.col("t").cast(pl.UInt32), pl.col("i").cast(pl.UInt32), pl.lit(2, pl.Int8).alias("ref_kind")))
