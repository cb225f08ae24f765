"""Who paid: the agency a transaction's counterparty, or failing that its narration, names.

Why not the fully normalised name alone: travel agencies are named alike ("Amber Trips" and
"Amber Voyages", "Tusker Voyages Pvt. Ltd." and "Tusker Tours & Travels Private Limited"), so
the trade word is what tells two businesses apart; only legal forms are noise. But the bank
cuts the remitter's name to the width of its field ("GOLDEN TRIANGLE JOUR") and payers spell
their own names with other trade words, so a payer is recognised, in this order, when its name:
  1. equals an agency's name without legal forms;
  2. is the start of exactly one agency's name (cut to 10+ characters by the statement width);
  3. reduces (trade words dropped too) to a core name that only one agency has;
  4. is within 90 % (edit ratio) of one agency's name.
Where the counterparty column is empty or unrecognised, the narration's fields (split at the
separators banks put between them: `-`, `*`, `/`) are tried the same way; exactly one agency
must come out. The recognised field then stands in for the counterparty in name similarity.
"""

from __future__ import annotations

import re

import polars as pl
from rapidfuzz import fuzz, process

from tourstack.reconcile.text import _LEGAL, norm_name

NAME_CUTOFF = 90
MIN_CUT_PREFIX = 10
_LEGAL_ONLY = (r"\b(LTD|LIMITED|PVT|PRIVATE|P|GMBH|LLC|INC|CO|CORP|SARL|SRL|SA|SAS|BV|B V|AG|PLC|LLP|FZE|FZCO|FZ|"
               r"THE|AND|M S)\b")


def norm_legal(expr: pl.Expr) -> pl.Expr:
    """'Tusker Tours & Travels Pvt. Ltd.' -> 'TUSKER TOURS TRAVELS': only legal forms dropped."""
    return (expr.str.to_uppercase().str.replace_all(r"[^A-Z0-9 ]", " ").str.replace_all(_LEGAL_ONLY, " ")
            .str.replace_all(r"\s+", " ").str.strip_chars())


def _legal(text: str) -> str:
    text = re.sub(r"[^A-Z0-9 ]", " ", text.upper())
    return re.sub(r"\s+", " ", re.sub(_LEGAL_ONLY, " ", text)).strip()


class PayerIndex:
    def __init__(self, keys: list[str], cores: list[str]) -> None:
        self.keys = keys
        self.exact = {k: n for n, k in enumerate(keys)}
        by_core: dict[str, set[int]] = {}
        for n, core in enumerate(cores):
            if core:
                by_core.setdefault(core, set()).add(n)
        self.core = {c: next(iter(s)) for c, s in by_core.items() if len(s) == 1}
        self._cache: dict[str, int] = {}

    def lookup(self, name: str) -> int:
        """Agency index for a name as written, or -1."""
        if name in self._cache:
            return self._cache[name]
        found = self._lookup(name)
        self._cache[name] = found
        return found

    def _lookup(self, name: str) -> int:
        key = _legal(name)
        if not key:
            return -1
        if key in self.exact:
            return self.exact[key]
        if len(key) >= MIN_CUT_PREFIX:
            starts = [n for n, k in enumerate(self.keys) if k.startswith(key)]
            if len(starts) == 1:
                return starts[0]
            if len(starts) > 1:
                return -1
        core_text = re.sub(r"\s+", " ", re.sub(_LEGAL, " ", re.sub(r"[^A-Z0-9 ]", " ", name.upper()))).strip()
        if core_text in self.core:
            return self.core[core_text]
        best = process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=2)
        if len(best) == 1 or (len(best) == 2 and best[0][1] > best[1][1]):
            return best[0][2]
        return -1


def narration_fields(text: str) -> list[str]:
    """Name-like fields of a narration: no digits, six letters or more."""
    return [f.strip() for f in re.split(r"[-*/|]", text or "") if len(f.strip()) >= 6 and not re.search(r"\d", f)]


def recognise(txn: pl.DataFrame, index: PayerIndex) -> pl.DataFrame:
    """Adds t_agency (agency index or -1) and replaces an empty cp_name by the narration's name."""
    payers = txn.select("counterparty").unique()
    mapped = [index.lookup(c) if c else -1 for c in payers["counterparty"].fill_null("").to_list()]
    payers = payers.with_columns(pl.Series("t_agency", mapped, dtype=pl.Int64))
    txn = txn.join(payers, on="counterparty", how="left", nulls_equal=True).with_columns(
        pl.col("t_agency").fill_null(-1))
    unknown = txn.filter(pl.col("t_agency") < 0).select("t", "description")
    if unknown.is_empty():
        return txn
    agency, name = [], []
    for text in unknown["description"].fill_null("").to_list():
        hits = {index.lookup(f): f for f in narration_fields(text)}
        hits.pop(-1, None)
        if len(hits) == 1:
            (a, f), = hits.items()
            agency.append(a)
            name.append(f)
        else:
            agency.append(-1)
            name.append(None)
    found = unknown.select("t").with_columns(pl.Series("n_agency", agency, dtype=pl.Int64),
                                             pl.Series("n_name", name, dtype=pl.String))
    txn = txn.join(found, on="t", how="left")
    return txn.with_columns(
        pl.when(pl.col("n_agency") >= 0).then(pl.col("n_agency")).otherwise(pl.col("t_agency")).alias("t_agency"),
        pl.when((pl.col("n_agency") >= 0) & (pl.col("cp_name") == ""))
        .then(norm_name(pl.col("n_name").fill_null(""))).otherwise(pl.col("cp_name")).alias("cp_name"),
    ).drop("n_agency", "n_name")
