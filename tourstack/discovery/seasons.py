"""The four seasons of the India Meteorological Department, by month.

Why IMD's and not the calendar's: the operator's trips are mostly in India, where "winter",
"summer", "monsoon" and "post-monsoon" decide travel (the monsoon empties Rajasthan and fills
Kerala's off-season deals); the sites' `best_season` months are written the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Season:
    name: str
    label: str
    months: tuple[int, ...]


SEASONS: dict[str, Season] = {
    s.name: s for s in (
        Season("winter", "winter (December to February)", (12, 1, 2)),
        Season("summer", "summer (March to May)", (3, 4, 5)),
        Season("monsoon", "the monsoon (June to September)", (6, 7, 8, 9)),
        Season("post_monsoon", "the post-monsoon (October and November)", (10, 11)),
    )
}


def season_of(day: dt.date) -> Season:
    return next(s for s in SEASONS.values() if day.month in s.months)
