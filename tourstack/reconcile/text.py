"""Normalising references and names, and finding reference-like tokens in free text.

Why a deletion index for typos: comparing every unmatched token with every open reference is
quadratic (50k x 1M). Two strings within one edit (substitution, insertion, deletion or adjacent
transposition) always share a string obtained by deleting at most one character from each, so
joining token-deletions to key-deletions finds every candidate with a hash join; the candidates
are then verified with an exact OSA distance (rapidfuzz) and false neighbours dropped.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

VIRTUAL_ACCOUNT_PREFIX = "TSVA"
TOKEN_RE = r"[A-Z0-9][A-Z0-9\-/_]{3,}[A-Z0-9]"
MIN_FUZZY_LEN = 6
MAX_TOKEN_LEN = 24
_LEGAL = (r"\b(LTD|LIMITED|PVT|PRIVATE|GMBH|LLC|INC|CO|CORP|SARL|SRL|SA|SAS|BV|AG|PLC|LLP|"
          r"THE|AND|TRAVELS?|TOURS?|HOLIDAYS?|TRVL|VOYAGES?|TRIPS?|JOURNEYS?|EXPEDITIONS?|DMC)\b")


PART_PAYMENT_RE = r"\b(?:ADVANCE|ADV|DEPOSIT|INSTAL+MENT|INST|PART(?:IAL)? PAYMENT|PART PYMT|TOKEN AMOUNT)\b"


def part_payment(text: pl.Expr) -> pl.Expr:
    """The payer's remarks call the payment a part of an invoice ("ADVANCE HOLIDAY PKG",
    "INSTALMENT", "DEPOSIT"): agencies pay deposits and installments with such a word and no
    number, so the amount says nothing about which invoice, nor that it settles any."""
    return text.str.to_uppercase().str.contains(PART_PAYMENT_RE).fill_null(False)


def norm_ref(expr: pl.Expr) -> pl.Expr:
    """'inv-2025/00123 ' -> 'INV202500123': case, separators and spaces do not identify."""
    return expr.str.to_uppercase().str.replace_all(r"[^A-Z0-9]", "")


def norm_name(expr: pl.Expr) -> pl.Expr:
    """'Aurora Travel Ltd.' and 'AURORA TRAVELS LIMITED' -> 'AURORA'; legal forms are noise."""
    return (expr.str.to_uppercase().str.replace_all(r"[^A-Z0-9 ]", " ")
            .str.replace_all(_LEGAL, " ").str.replace_all(r"\s+", " ").str.strip_chars())


def tokens(text: pl.Expr) -> pl.Expr:
    """Reference-like tokens (normalised) in upper-cased text; list column."""
    return (text.str.to_uppercase().str.extract_all(TOKEN_RE)
            .list.eval(pl.element().str.replace_all(r"[^A-Z0-9]", "")))


def deletion_variants(frame: pl.DataFrame, column: str, max_len: int = MAX_TOKEN_LEN,
                      keep: pl.DataFrame | None = None) -> pl.DataFrame:
    """Rows of `frame` repeated with `column` itself and each one-character deletion as 'variant'.

    With `keep` (a frame with a 'variant' column), only variants present in it are returned; the
    filter is a hash semi-join per deletion position, so the large side never materialises whole.
    """
    col = pl.col(column)
    lazy = frame.lazy()  # one query: polars runs the positions in parallel instead of in turn
    parts = [lazy.with_columns(col.alias("variant"))]
    for i in range(max_len):
        parts.append(lazy.filter(col.str.len_chars() > i).with_columns(
            pl.concat_str(col.str.slice(0, i), col.str.slice(i + 1)).alias("variant")))
    if keep is not None:
        kept = keep.lazy()
        parts = [part.join(kept, on="variant", how="semi") for part in parts]
    return pl.concat(parts).collect()


def osa_distance(a: list[str], b: list[str]) -> list[int]:
    if not a:
        return []
    return process.cpdist(a, b, scorer=OSA.distance, workers=-1).tolist()


def name_similarity(a: list[str], b: list[str]) -> list[int]:
    """Pairwise 0..100 token-set similarity of normalised names (0 when either is empty)."""
    if not a:
        return []
    scores = process.cpdist(a, b, scorer=fuzz.token_set_ratio, workers=-1, dtype="int32")
    empty = np.array([not x or not y for x, y in zip(a, b, strict=True)])
    scores[empty] = 0
    return scores.tolist()
