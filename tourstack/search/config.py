"""The search configuration: one YAML file (search.yaml beside this module) read into types.

Why one file: relevance is tuned by changing boosts, synonyms, typo rules and ranking weights
together, and both backends must apply the same values, so they read them from one place
rather than each carrying its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml

Scope = Literal["none", "agency", "agency_or_shared"]

# Fields every document of every index carries besides its configured ones.
ID, AGENCY, SIGNAL, NAME_SORT = "id", "agency_id", "rank_signal", "name_sort"
# Suffix of the field holding a text field's analysed words (what the engines match on).
TERMS_SUFFIX = "__terms"


@dataclass(frozen=True)
class SortSpec:
    field: str
    descending: bool


@dataclass(frozen=True)
class IndexSpec:
    name: str
    title: str
    text: dict[str, int]
    facets: tuple[str, ...]
    numbers: tuple[str, ...]
    sorts: dict[str, SortSpec]
    scope: Scope
    exact: frozenset[str] = frozenset()  # text fields matched without typo tolerance
    # Identifiers typed as people type them ("tb 7enecnp", "TB-C0YG-4Y7", "TBO3T01YX"): a query
    # that compacts to one identifier-shaped word is searched as that word, with the letters
    # the identifier alphabet never uses read as the digits they are mistaken for.
    identifier_confusables: dict[str, str] = field(default_factory=dict)
    identifier_prefix: str = ""  # the letters every identifier starts with ("tb"), kept as letters

    @property
    def sort_names(self) -> tuple[str, ...]:
        return ("relevance", *self.sorts)


@dataclass(frozen=True)
class Ranking:
    popularity: float
    bookings_365d: float
    rating: float
    bookings_cap: int

    def signal(self, *, popularity: int = 0, bookings_365d: int = 0, rating_x10: int = 0) -> int:
        """0..100: the shares of popularity (0..100), recent bookings (capped) and rating (0..50)."""
        bookings = min(bookings_365d, self.bookings_cap) * 100 / self.bookings_cap
        score = (
            self.popularity * max(0, min(popularity, 100))
            + self.bookings_365d * bookings
            + self.rating * max(0, min(rating_x10, 50)) * 2
        )
        return round(score)


@dataclass(frozen=True)
class SearchConfig:
    language: str
    typos: tuple[tuple[int, int], ...]  # (min_length, distance), ascending by length
    max_query_chars: int
    max_query_words: int
    synonyms: tuple[tuple[str, ...], ...]
    ranking: Ranking
    indexes: dict[str, IndexSpec] = field(default_factory=dict)

    def typo_distance(self, word: str) -> int:
        distance = 0
        for min_length, allowed in self.typos:
            if len(word) >= min_length:
                distance = allowed
        return distance

    def index(self, name: str) -> IndexSpec:
        return self.indexes[name]


def _index(name: str, raw: dict[str, Any]) -> IndexSpec:
    sorts = {
        key: SortSpec(field=value["field"], descending=value.get("order", "asc") == "desc")
        for key, value in (raw.get("sorts") or {}).items()
    }
    if "relevance" in sorts:
        raise ValueError(f"index {name}: 'relevance' is the built-in sort")
    scope = raw.get("scope", "none")
    if scope not in ("none", "agency", "agency_or_shared"):
        raise ValueError(f"index {name}: unknown scope {scope!r}")
    text = {str(k): int(v) for k, v in raw["text"].items()}
    if raw["title"] not in text:
        raise ValueError(f"index {name}: the title field must be a searched text field")
    exact = frozenset(raw.get("exact") or ())
    if not exact <= text.keys():
        raise ValueError(f"index {name}: exact fields must be searched text fields")
    confusables = {str(k).lower(): str(v).lower() for k, v in (raw.get("identifier_confusables") or {}).items()}
    if confusables and not (exact and raw.get("identifier_prefix")):
        raise ValueError(f"index {name}: identifier_confusables need an exact field and an identifier_prefix")
    if any(len(k) != 1 or len(v) != 1 for k, v in confusables.items()):
        raise ValueError(f"index {name}: identifier_confusables map one character to one character")
    return IndexSpec(
        name=name, title=raw["title"], text=text, facets=tuple(raw.get("facets") or ()),
        numbers=tuple(raw.get("numbers") or ()), sorts=sorts, scope=scope, exact=exact,
        identifier_confusables=confusables, identifier_prefix=str(raw.get("identifier_prefix") or "").lower(),
    )


def parse_config(raw: dict[str, Any]) -> SearchConfig:
    analysis = raw["analysis"]
    typos = tuple(sorted((int(r["min_length"]), int(r["distance"])) for r in analysis["typos"]))
    groups = []
    for group in raw.get("synonyms") or ():
        words = tuple(str(word).strip().lower() for word in group)
        if any(" " in word for word in words) or len(words) < 2:
            raise ValueError(f"a synonym group lists two or more single words: {group!r}")
        groups.append(words)
    ranking = Ranking(**raw["ranking"])
    return SearchConfig(
        language=analysis.get("language", "english"), typos=typos,
        max_query_chars=int(analysis["max_query_chars"]),
        max_query_words=int(analysis["max_query_words"]),
        synonyms=tuple(groups), ranking=ranking,
        indexes={name: _index(name, spec) for name, spec in raw["indexes"].items()},
    )


def load_config(path: Path | None = None) -> SearchConfig:
    """The configuration at `path`, or the one shipped with the package."""
    if path is None:
        text = resources.files("tourstack.search").joinpath("search.yaml").read_text("utf-8")
    else:
        text = path.read_text("utf-8")
    return parse_config(yaml.safe_load(text))


@lru_cache(maxsize=1)
def default_config() -> SearchConfig:
    return load_config()
