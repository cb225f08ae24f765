"""Recommendations over catalogue sites (issue 14): "also booked" and an agency's personal list.

Trained from the bookings in the operational database (`train_snapshot`), saved as one JSON
snapshot the API reads; configured in the `recommendations` section of
tourstack/search/search.yaml. See docs/recommendations.md.
"""

from tourstack.recommend.config import RecommendConfig, recommend_config
from tourstack.recommend.store import (
    NotTrained, Snapshot, load_snapshot, save_snapshot, snapshot_path,
    train_snapshot,
)

__all__ = ["NotTrained", "RecommendConfig", "Snapshot", "load_snapshot", "recommend_config", "save_snapshot",
           "snapshot_path", "train_snapshot"]
