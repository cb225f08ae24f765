"""A trained snapshot: the lists the API serves, computed once from the bookings and saved.

Why precomputed lists in one JSON file: the catalogue is a few hundred sites and the agencies a
few hundred, so every answer fits in a small file that the API reads without numpy, and a new
training replaces it with one atomic rename (readers see the old snapshot or the new one).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from tourstack.errors import Conflict
from tourstack.recommend.config import RecommendConfig, recommend_config
from tourstack.recommend.interactions import Interactions, load_interactions
from tourstack.recommend.models import Catalogue, CoOccurrence, agency_histories

SNAPSHOT_VERSION = 1


def snapshot_path(search_dir: Path) -> Path:
    """Where the snapshot lives: beside the search indexes (TOURSTACK_SEARCH_DIR)."""
    return search_dir / "recommendations.json"


class NotTrained(Conflict):
    """No snapshot has been trained yet (run the `recommendations` Dagster asset)."""


@dataclass(frozen=True)
class Snapshot:
    trained_at: str
    bookings: int
    popular: list[int]
    # site -> [(site, bookings with both, lift)], only pairs booked together by min_agencies agencies
    neighbours: dict[int, list[tuple[int, int, float]]]
    agencies: dict[int, list[int]]  # agency -> its personal list (from its own history)

    def also_booked(self, site: int, limit: int) -> list[tuple[int, int | None, float | None]]:
        """(site, bookings with both, lift): the neighbours, then popular sites (cold start)."""
        out = [(s, both, lift) for s, both, lift in self.neighbours.get(site, [])][:limit]
        taken = {site} | {s for s, _, _ in out}
        out += [(s, None, None) for s in self.popular if s not in taken][: limit - len(out)]
        return out

    def for_agency(self, agency: int, limit: int) -> tuple[list[int], bool]:
        """The agency's list and whether it is personal (False: no history, the popular list)."""
        own = self.agencies.get(agency)
        return ((own or self.popular)[:limit], bool(own))


def train_snapshot(session: Session, now: dt.datetime | None = None, config: RecommendConfig | None = None) -> Snapshot:
    return snapshot_from(load_interactions(session), now or dt.datetime.now(dt.UTC), config or recommend_config())


def snapshot_from(interactions: Interactions, now: dt.datetime, config: RecommendConfig) -> Snapshot:
    catalogue = Catalogue.of(interactions)
    n = config.list_length
    if not len(catalogue.sites):
        return Snapshot(now.isoformat(), 0, [], {}, {})
    model = CoOccurrence(interactions, catalogue, now, config.popularity_window_days, min_agencies=config.min_agencies)
    neighbours = {}
    for site in catalogue.sites.tolist():
        near = model.neighbours(site, config.neighbours)
        if near:
            neighbours[site] = near
    return Snapshot(
        trained_at=now.isoformat(), bookings=int(len(set(interactions.booking.tolist()))),
        popular=model._ids([int(c) for c in model.order[:n]]), neighbours=neighbours,
        agencies={agency: model.for_agency(history, n) for agency, history in agency_histories(interactions).items()},
    )


def save_snapshot(snapshot: Snapshot, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"version": SNAPSHOT_VERSION, "trained_at": snapshot.trained_at, "bookings": snapshot.bookings,
            "popular": snapshot.popular,
            "neighbours": {str(k): [list(v) for v in vs] for k, vs in snapshot.neighbours.items()},
            "agencies": {str(k): v for k, v in snapshot.agencies.items()}}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, separators=(",", ":")), "utf-8")
    os.replace(tmp, path)
    return path


def load_snapshot(path: Path) -> Snapshot:
    try:
        body = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise NotTrained("no recommendations trained yet; run the Dagster asset `recommendations`") from None
    if body.get("version") != SNAPSHOT_VERSION:
        raise NotTrained("the recommendations snapshot is from another version; train it again")
    return Snapshot(
        trained_at=body["trained_at"], bookings=int(body["bookings"]), popular=[int(s) for s in body["popular"]],
        neighbours={int(k): [(int(s), int(b), float(lift)) for s, b, lift in vs] for k, vs in body["neighbours"].items()},
        agencies={int(k): [int(s) for s in v] for k, v in body["agencies"].items()},
    )
