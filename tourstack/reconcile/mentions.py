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
                .with_columns(pl.int_range(pl.len()).over("t").alias("start"), pl.len().over("t").alias("n")))
    grams = []
    acc = pl.col("piece")
    for length in range(1, MAX_GRAM + 1):
        if length > 1:
            acc = pl.concat_str(acc, pl.lit("|"), pl.col("piece").shift(-(length - 1)).over("t"))
        grams.append(exploded.select("t", "start", pl.lit(length, pl.Int32).alias("length"),
                                     acc.alias("gram"), pl.col("piece").shift(-(length - 1)).over("t").alias("last"),
                                     (pl.col("start") + length == pl.col("n")).alias("at_end")))
    out = pl.concat(grams).drop_nulls("gram").filter(pl.col("last").str.contains(r"^\d+$"))
    # the piece after the gram: "25" followed by "26" is the fiscal year 2025-26, not invoice 25
    after = exploded.select("t", (pl.col("start") - 1).alias("prev"), pl.col("piece").alias("next"),
                            pl.col("piece").shift(-1).over("t").alias("next2"))
    out = out.with_columns((pl.col("start") + pl.col("length") - 1).alias("prev")).join(
        after, on=["t", "prev"], how="left")
    is_year = _fiscal_year(pl.col("last"), pl.col("next"), pl.col("next2"))
    return out.with_columns(is_year.alias("is_year")).drop("last", "prev", "next", "next2")


def _fiscal_year(piece: pl.Expr, following: pl.Expr, then: pl.Expr) -> pl.Expr:
    """`25-26/2286` or `2025-26/2286`: a piece followed by the next year's two digits and then a
    number opens an Indian fiscal year (April to March), so it is a year and no sequence number.
    (Two consecutive invoice numbers, `68 69`, are not followed by a third number as a rule.)"""
    year = piece.cast(pl.Int64, strict=False)
    after = following.cast(pl.Int64, strict=False)
    two = (piece.str.len_chars() == 2) | ((piece.str.len_chars() == 4) & year.is_between(1990, 2099))
    return (two & (following.str.len_chars() == 2) & (after == (year + 1) % 100)
            & then.str.contains(r"^\d+$")).fill_null(False)


def structured_reference(txn: pl.DataFrame, inv: pl.DataFrame) -> pl.DataFrame:
    """Candidates (t, i, ref_kind) from invoice numbers written in any of the usual forms."""
    schema = {"t": pl.UInt32, "i": pl.UInt32, "ref_kind": pl.Int8}
    if txn.is_empty() or inv.is_empty():
        return pl.DataFrame(schema=schema)
    keys = invoice_keys(inv)
    width = padding_width(inv)
    cut = txn.select("t", _cut_tail(pl.col("description"), width).alias("tail")).filter(pl.col("tail").is_not_null())
    grams = text_grams(txn)
    hits = grams.join(keys, left_on="gram", right_on="key", how="inner")
    # a number the statement cut (`INV/2025-26/0004` of 000466) is no reading of invoice 4
    hits = hits.join(cut.select("t", pl.lit(True).alias("cut")), on="t", how="left").filter(
        ~(pl.col("at_end") & pl.col("cut").fill_null(False)))
    cuts = cut_reference(txn, inv, cut)
    if hits.is_empty():
        return cuts
    full = hits.filter(pl.col("full"))
    # partial readings inside a run that matched a full key are the same mention read worse,
    # unless that key is another agency's than the recognised payer's: a foreign payer's
    # `/INV/2025-26/000274` is the SWIFT code word and its own `EXP/2025-26/000274`
    own = (full.join(txn.select("t", "t_agency"), on="t").join(inv.select("i", "agency_idx"), on="i")
           .filter((pl.col("t_agency") < 0) | (pl.col("t_agency") == pl.col("agency_idx"))))
    spans = own.select("t", pl.col("start").alias("s0"), (pl.col("start") + pl.col("length")).alias("s1")).unique()
    # a year read as a sequence number (`INV/25-26/2286` is not invoice 25) is no reading
    partial = hits.filter(~pl.col("full") & ~pl.col("is_year"))
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
        booking, cuts,
    ]).unique()


def padding_width(inv: pl.DataFrame) -> int:
    """How many digits our invoice numbers pad their sequence to (`000123`: 6)."""
    seq = inv["invoice_number"].str.extract(r"(\d+)\D*$")
    padded = seq.filter(seq.str.starts_with("0"))
    return int(padded.str.len_chars().max() or 0)


def _cut_tail(description: pl.Expr, width: int) -> pl.Expr:
    """The digits a narration ends on when they start with a padding zero but are shorter than
    our padding: the statement width cut the number there (`...-BALANCE INV/2025-26/0004`)."""
    tail = description.str.to_uppercase().str.extract(r"[A-Z]{2,5}[ /\-]*(?:\d+[ /\-]+)*(0\d*)$")
    return pl.when(tail.str.len_chars() < width).then(tail)


def cut_reference(txn: pl.DataFrame, inv: pl.DataFrame, cut: pl.DataFrame) -> pl.DataFrame:
    """A number cut by the statement width names every invoice of the payer's whose number
    starts with what survived: the same series and fiscal year, the padded sequence beginning
    with the digits left. Only for a recognised payer (its own invoices, so few). One such
    invoice is named like the whole number (ref_kind 3); of several, the one the amount pays
    in full is a partial reading (ref_kind 4), the others are no evidence."""
    schema = {"t": pl.UInt32, "i": pl.UInt32, "ref_kind": pl.Int8}
    if cut.is_empty():
        return pl.DataFrame(schema=schema)
    pieces = _canon_pieces(pl.col("description"))
    lead = pl.concat_str(pieces.list.get(-4, null_on_oob=True), pl.lit("|"), pieces.list.get(-3, null_on_oob=True),
                         pl.lit("|"), pieces.list.get(-2, null_on_oob=True))
    probe = (txn.join(cut, on="t").filter(pl.col("t_agency") >= 0)
             .select("t", "t_agency", "booked_on", "tail", lead.alias("lead")))
    inv_pieces = _canon_pieces(pl.col("invoice_number"))
    head = inv_pieces.list.slice(0, inv_pieces.list.len() - 1).list.join("|")
    numbers = inv.select("i", "agency_idx", "issued_on", head.alias("lead"),
                         pl.col("invoice_number").str.extract(r"(\d+)\D*$").alias("seq"))
    numbers = pl.concat([numbers, numbers.with_columns(
        pl.col("lead").str.replace(r"\|(?:19|20)(\d\d)\|", "|$1|"))]).unique()
    found = (probe.join(numbers, left_on=["t_agency", "lead"], right_on=["agency_idx", "lead"])
             .filter(pl.col("seq").str.starts_with(pl.col("tail"))
                     & ((pl.col("issued_on") - pl.col("booked_on")).dt.total_days() <= UNIQUE_ISSUE_DAYS)))
    # one invoice left: named as surely as by the whole number; several: only the one the
    # amount pays in full is a reading (a deposit on one of them is anybody's guess)
    found = found.with_columns(pl.col("i").n_unique().over("t").alias("n")).join(
        inv.select("i", "amount_due", pl.col("currency").alias("i_cur")), on="i").join(
        txn.select("t", "amount", "fee", "currency"), on="t")
    pays = (pl.col("currency") == pl.col("i_cur")) & (
        (pl.col("amount") == pl.col("amount_due")) | (pl.col("amount") + pl.col("fee") == pl.col("amount_due")))
    found = found.filter((pl.col("n") == 1) | pays)
    return found.select(pl.col("t").cast(pl.UInt32), pl.col("i").cast(pl.UInt32),
                        pl.when(pl.col("n") == 1).then(3).otherwise(PARTIAL).cast(pl.Int8).alias("ref_kind"))


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
