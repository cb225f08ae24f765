"""Destination discovery: similar destinations, popular in a season, trending, side by side.

Why from the operational database on request, not a trained snapshot: the catalogue has tens of
destinations, and each answer is one or two grouped queries over bookings and quote requests
(milliseconds), so the figures are as fresh as the last booking. Everything here is an
aggregate over all agencies; a destination's booking counts are shown only when at least
`MIN_AGENCIES` agencies make them up, so no answer reveals one agency's sales.
"""

from tourstack.discovery.destinations import (
    MIN_AGENCIES,
    Comparison,
    PopularDestination,
    SimilarDestination,
    TrendingDestination,
    compare,
    popular_in_season,
    similar_destinations,
    trending,
)
from tourstack.discovery.seasons import SEASONS, Season, season_of

__all__ = [
    "MIN_AGENCIES", "SEASONS", "Comparison", "PopularDestination", "Season", "SimilarDestination",
    "TrendingDestination", "compare", "popular_in_season", "season_of", "similar_destinations", "trending",
]
