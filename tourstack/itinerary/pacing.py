"""Rules of thumb that turn a request into planner parameters: which catalogue categories
serve which interest, how busy a day may be per travel style, and what a budget level allows.

Why in one place: the offline planner, the prompt sent to language models and the quality
checks all apply the same rules, so a plan from any provider is judged by the same yardstick.
"""

from __future__ import annotations

from dataclasses import dataclass

INTEREST_CATEGORIES: dict[str, frozenset[str]] = {
    "culture": frozenset({"fort", "palace", "monument", "museum", "religious", "landmark",
                          "walking_tour", "performance", "city_tour", "memorial", "ghat", "workshop"}),
    "history": frozenset({"fort", "palace", "monument", "museum", "memorial", "landmark",
                          "walking_tour"}),
    "food": frozenset({"food_tour", "cooking_class", "market"}),
    "shopping": frozenset({"market", "shopping"}),
    "nature": frozenset({"nature", "park", "lake", "beach", "boat", "desert_safari", "cycling"}),
    "relaxation": frozenset({"spa", "wellness", "beach", "park", "lake", "boat"}),
    "adventure": frozenset({"desert_safari", "cycling", "theme_park", "boat"}),
    "nightlife": frozenset({"performance", "food_tour", "market"}),
    "spiritual": frozenset({"religious", "ghat"}),
    "photography": frozenset({"photography", "landmark", "lake", "ghat", "palace"}),
}


@dataclass(frozen=True, slots=True)
class Pace:
    max_activities: int  # sites per day
    max_activity_minutes: int  # time spent at sites per day
    day_start: int  # minutes after midnight
    day_end: int
    lunch_minutes: int
    dinner_minutes: int
    buffer_minutes: int  # slack after each stop


PACES: dict[str, Pace] = {
    "relaxed": Pace(3, 330, 9 * 60 + 30, 21 * 60 + 30, 90, 90, 20),
    "moderate": Pace(4, 450, 9 * 60, 22 * 60, 60, 75, 10),
    "fast_paced": Pace(5, 600, 8 * 60, 22 * 60 + 30, 45, 60, 5),
}


@dataclass(frozen=True, slots=True)
class BudgetRule:
    max_price_level: int  # highest site price level allowed
    hotel_stars: int  # preferred hotel star rating
    # Meal cost per person as a share (basis points) of the cheapest hotel night in town:
    # currency-free, so it scales with the destination's price level.
    lunch_bps: int
    dinner_bps: int


BUDGETS: dict[str, BudgetRule] = {
    "budget": BudgetRule(2, 3, 800, 1200),
    "moderate": BudgetRule(3, 4, 1500, 2500),
    "luxury": BudgetRule(4, 5, 3000, 5000),
}


def categories_for(interests: list[str]) -> frozenset[str]:
    out: set[str] = set()
    for interest in interests:
        out |= INTEREST_CATEGORIES.get(str(interest), frozenset())
    return frozenset(out)


def rooms_for(adults: int, children: int) -> int:
    """Double rooms: two adults each, children share (one extra room per three children)."""
    return max(1, -(-adults // 2) + children // 3)


def vehicles_for(travellers: int) -> int:
    return max(1, -(-travellers // 4))
