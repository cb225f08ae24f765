"""The `recommendations` section of tourstack/search/search.yaml, the one configuration file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class RecommendConfig:
    popularity_window_days: int
    min_agencies: int
    neighbours: int
    list_length: int
    test_days: int
    als: dict[str, float]  # factors, iterations, regularization, alpha (implicit ALS)


def parse_recommend_config(raw: dict[str, Any]) -> RecommendConfig:
    section = raw["recommendations"]
    config = RecommendConfig(
        popularity_window_days=int(section["popularity_window_days"]), min_agencies=int(section["min_agencies"]),
        neighbours=int(section["neighbours"]), list_length=int(section["list_length"]),
        test_days=int(section["test_days"]), als=dict(section["als"]),
    )
    if config.min_agencies < 2:
        raise ValueError("recommendations.min_agencies must be at least 2: one agency's pairs are its own")
    return config


@lru_cache(maxsize=1)
def recommend_config() -> RecommendConfig:
    text = resources.files("tourstack.search").joinpath("search.yaml").read_text("utf-8")
    return parse_recommend_config(yaml.safe_load(text))
