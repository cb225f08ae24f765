"""The recommenders: popularity (the baseline), item-item co-occurrence with lift, implicit ALS.

Each answers two questions over catalogue sites:
- `also_booked(sites)`: "agencies who booked these also booked ...": the sites most often in the
  same booking as the given ones;
- `for_agency(history)`: a personalised list for an agency, from the sites its past bookings
  included (counts per site).

Cold start: a site nobody booked together with another, or an agency without history, gets the
popular sites; every list is filled up with them, so a list is never shorter than asked while
the catalogue has sites.

Why co-occurrence counts distinct agencies: a pair of sites counts only when at least
`min_agencies` different agencies booked them together, so a list shown to one agency never
points at a combination only one other agency sells (see docs/recommendations.md).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from tourstack.recommend.interactions import Interactions

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # implicit warns (and slows) otherwise


@dataclass(frozen=True)
class Catalogue:
    """Site ids and their column in every matrix."""

    sites: np.ndarray

    @classmethod
    def of(cls, *interactions: Interactions, extra: Iterable[int] = ()) -> Catalogue:
        ids = set(int(s) for s in extra)
        for part in interactions:
            ids.update(int(s) for s in np.unique(part.site))
        return cls(np.array(sorted(ids), dtype=np.int64))

    def columns(self, sites: np.ndarray) -> np.ndarray:
        return np.searchsorted(self.sites, sites)

    def known(self, sites: Iterable[int]) -> np.ndarray:
        wanted = np.array(sorted(set(int(s) for s in sites)), dtype=np.int64)
        if not len(wanted):
            return wanted
        cols = np.minimum(self.columns(wanted), len(self.sites) - 1)
        return cols[self.sites[cols] == wanted]


def _rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    unique, rows = np.unique(keys, return_inverse=True)
    return unique, rows


def basket_matrix(interactions: Interactions, catalogue: Catalogue) -> sp.csr_matrix:
    """bookings x sites, 1 where the booking included the site."""
    _, rows = _rows(interactions.booking)
    cols = catalogue.columns(interactions.site)
    m = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(rows.max(initial=-1) + 1, len(catalogue.sites)))
    m.data[:] = 1.0
    return m


def agency_histories(interactions: Interactions) -> dict[int, dict[int, int]]:
    """agency -> site -> bookings of the agency that included the site."""
    out: dict[int, dict[int, int]] = {}
    for agency, site in zip(interactions.agency.tolist(), interactions.site.tolist(), strict=True):
        sites = out.setdefault(agency, {})
        sites[site] = sites.get(site, 0) + 1
    return out


def _top(scores: np.ndarray, n: int, exclude: np.ndarray, fill: np.ndarray) -> list[int]:
    """Columns of the n best positive scores, not excluded, then `fill` order for the rest."""
    scores = scores.astype(float).copy()
    scores[exclude] = -np.inf
    order = [int(c) for c in np.argsort(-scores, kind="stable") if scores[c] > 0][:n]
    taken = set(order) | set(int(c) for c in exclude)
    for c in fill:
        if len(order) >= n:
            break
        if int(c) not in taken:
            order.append(int(c))
            taken.add(int(c))
    return order


class Popularity:
    """Sites by distinct bookings in the `window_days` before `now`: what everyone books."""

    name = "popularity"

    def __init__(self, interactions: Interactions, catalogue: Catalogue, now: dt.datetime, window_days: int) -> None:
        self.catalogue = catalogue
        since = now - dt.timedelta(days=window_days)
        recent = interactions.from_(since).before(now)
        counts = np.bincount(catalogue.columns(recent.site), minlength=len(catalogue.sites)).astype(float)
        # Ties (and sites unseen in the window) in order of all-time bookings, then id.
        total = np.bincount(catalogue.columns(interactions.site), minlength=len(catalogue.sites))
        self.scores = counts + total / (total.max(initial=0) + 1.0)
        self.order = np.argsort(-self.scores, kind="stable")

    def also_booked(self, sites: Iterable[int], n: int) -> list[int]:
        return self._ids(_top(self.scores, n, self.catalogue.known(sites), self.order))

    def for_agency(self, history: Mapping[int, int], n: int) -> list[int]:
        return self._ids(_top(self.scores, n, np.array([], dtype=np.int64), self.order))

    def _ids(self, cols: list[int]) -> list[int]:
        return [int(self.catalogue.sites[c]) for c in cols]


class CoOccurrence(Popularity):
    """Item-item: sites in the same booking. `lift` = P(x and y) / (P(x) P(y)); a neighbour is
    ranked by `count / sqrt(count_x count_y)` (cosine), which keeps lift's correction for
    popular sites without letting a pair seen twice outrank one seen a hundred times."""

    name = "co-occurrence"

    def __init__(self, interactions: Interactions, catalogue: Catalogue, now: dt.datetime, window_days: int,
                 *, min_agencies: int) -> None:
        super().__init__(interactions, catalogue, now, window_days)
        baskets = basket_matrix(interactions, catalogue)
        together = (baskets.T @ baskets).tocsr()
        agencies = sp.csr_matrix(together.shape)
        for agency in np.unique(interactions.agency):
            own = basket_matrix(interactions._where(interactions.agency == agency), catalogue)
            pairs = (own.T @ own).tocsr()
            pairs.data[:] = 1.0
            agencies = agencies + pairs
        self.bookings = baskets.shape[0]
        self.counts = np.asarray(baskets.sum(axis=0)).ravel()
        together = together.multiply(agencies >= min_agencies).tocsr()
        together.setdiag(0)
        together.eliminate_zeros()
        self.together = together
        norm = np.sqrt(np.maximum(self.counts, 1.0))
        self.similarity = sp.diags(1.0 / norm) @ together @ sp.diags(1.0 / norm)

    def neighbours(self, site: int, n: int) -> list[tuple[int, int, float]]:
        """(site, bookings with both, lift) of the n closest sites to `site`."""
        cols = self.catalogue.known([site])
        if not len(cols):
            return []
        x = int(cols[0])
        row = self.similarity.getrow(x).toarray().ravel()
        out = []
        for y in _top(row, n, np.array([x]), np.array([], dtype=np.int64)):
            both = int(self.together[x, y])
            lift = both * self.bookings / (self.counts[x] * self.counts[y])
            out.append((int(self.catalogue.sites[y]), both, round(float(lift), 2)))
        return out

    def also_booked(self, sites: Iterable[int], n: int) -> list[int]:
        cols = self.catalogue.known(sites)
        scores = np.asarray(self.similarity[cols].sum(axis=0)).ravel() if len(cols) else np.zeros(len(self.counts))
        return self._ids(_top(scores, n, cols, self.order))

    def for_agency(self, history: Mapping[int, int], n: int) -> list[int]:
        weights = np.zeros(len(self.counts))
        for site, count in history.items():
            cols = self.catalogue.known([site])
            if len(cols):
                weights[cols[0]] = np.log1p(count)
        scores = self.similarity.T @ weights
        return self._ids(_top(scores, n, np.array([], dtype=np.int64), self.order))


class ImplicitALS(Popularity):
    """Matrix factorisation of the agencies x sites booking counts (PyPI `implicit`, CPU)."""

    name = "implicit ALS"

    def __init__(self, interactions: Interactions, catalogue: Catalogue, now: dt.datetime, window_days: int,
                 *, factors: float, iterations: float, regularization: float, alpha: float, seed: int = 42) -> None:
        from implicit.als import AlternatingLeastSquares

        super().__init__(interactions, catalogue, now, window_days)
        self.agencies, rows = _rows(interactions.agency)
        cols = catalogue.columns(interactions.site)
        counts = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(self.agencies), len(catalogue.sites)))
        self.alpha = alpha
        self.matrix = (counts * alpha).tocsr()
        self.model = AlternatingLeastSquares(
            factors=int(factors), iterations=int(iterations), regularization=regularization, random_state=seed,
            use_gpu=False, calculate_training_loss=False,
        )
        self.model.fit(self.matrix, show_progress=False)

    def also_booked(self, sites: Iterable[int], n: int) -> list[int]:
        cols = self.catalogue.known(sites)
        if not len(cols):
            return super().also_booked(sites, n)
        factors = np.asarray(self.model.item_factors)
        unit = factors / np.maximum(np.linalg.norm(factors, axis=1, keepdims=True), 1e-9)
        scores = unit @ unit[cols].sum(axis=0)
        return self._ids(_top(np.maximum(scores, 0), n, cols, self.order))

    def for_agency(self, history: Mapping[int, int], n: int) -> list[int]:
        weights = np.zeros(len(self.catalogue.sites))
        for site, count in history.items():
            cols = self.catalogue.known([site])
            if len(cols):
                weights[cols[0]] = count
        if not weights.any():
            return super().for_agency(history, n)
        user = sp.csr_matrix(weights * self.alpha)
        ids, _scores = self.model.recommend(0, user, N=n, recalculate_user=True, filter_already_liked_items=False)
        return self._ids(_top(_as_scores(ids, len(weights)), n, np.array([], dtype=np.int64), self.order))


def _as_scores(ranked: np.ndarray, size: int) -> np.ndarray:
    scores = np.zeros(size)
    scores[np.asarray(ranked, dtype=np.int64)] = np.arange(len(ranked), 0, -1)
    return scores
