"""Recommendations on a time split of the bookings: co-occurrence and implicit ALS beside popularity.

    .venv/bin/tourstack seed --size demo --database-url sqlite:///var/bench-recommend.db --reset
    .venv/bin/python -m bench.recommendations --database-url sqlite:///var/bench-recommend.db

Trains on bookings before the cut (the newest booking minus `recommendations.test_days` of
search.yaml) and scores hit rate@10 / NDCG@10 on the bookings after it (tourstack.recommend.evaluation).
The figures are deterministic for a given database (fixed seeds), so one run is the median.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from tourstack.recommend.config import recommend_config
from tourstack.recommend.evaluation import evaluate_also_booked, evaluate_personal
from tourstack.recommend.interactions import load_interactions
from tourstack.recommend.models import Catalogue, CoOccurrence, ImplicitALS, Popularity


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    args = parser.parse_args()
    config = recommend_config()
    with Session(create_engine(args.database_url)) as session:
        interactions = load_interactions(session)
    newest = interactions.booked_at.max().astype(dt.datetime)
    cut = newest - dt.timedelta(days=config.test_days)
    train, test = interactions.before(cut), interactions.from_(cut)
    catalogue = Catalogue.of(interactions)
    window = config.popularity_window_days
    print(f"cut {cut:%Y-%m-%d}: train {len(train)} (booking, site) rows, test {len(test)}; {len(catalogue.sites)} sites")
    models = [
        lambda: Popularity(train, catalogue, cut, window),
        lambda: CoOccurrence(train, catalogue, cut, window, min_agencies=config.min_agencies),
        lambda: ImplicitALS(train, catalogue, cut, window, **config.als),
    ]
    print("| model | personal hit@10 | personal NDCG@10 | also-booked hit@10 | also-booked NDCG@10 | train + score s |")
    print("|---|---|---|---|---|---|")
    for build in models:
        started = time.perf_counter()
        model = build()
        personal, together = evaluate_personal(model, train, test), evaluate_also_booked(model, test)
        print(f"| {model.name} | {personal.hit_rate:.3f} | {personal.ndcg:.3f} | {together.hit_rate:.3f} "
              f"| {together.ndcg:.3f} | {time.perf_counter() - started:.1f} |")
    print(f"cases: personal {personal.cases}, also booked {together.cases}")


if __name__ == "__main__":
    main()
