"""Weather warnings and a rules-based packing list.

Rules, not a model: a customer must be able to see why an item is on the list, and the same
trip must always give the same list. Thresholds: extreme heat at a daily maximum of 38 C (IMD
declares a heatwave in the plains from 40 C; 38 C already calls for midday breaks), heavy
rain at 50 mm forecast in a day or 200 mm normal in the month, and the south-west monsoon
months of the markets where it sets the calendar. Cyclone warnings come only from the
provider's relayed alerts; no cyclone climatology is shipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tourstack.weather.service import DayWeather

EXTREME_HEAT_C = 38.0
HEAVY_RAIN_DAY_MM = 50.0
HEAVY_RAIN_MONTH_MM = 200.0
COLD_NIGHT_C = 10.0
HUMID_PCT = 75.0
MONSOON_MONTHS = {"IN": {6, 7, 8, 9}, "TH": {5, 6, 7, 8, 9, 10}}

COVERED_CATEGORIES = {"religious", "ghat", "memorial"}
WALKING_CATEGORIES = {"fort", "palace", "monument", "walking_tour", "city_tour", "market", "nature", "park",
                      "landmark", "photography", "cycling", "desert_safari"}
WATER_CATEGORIES = {"beach", "boat", "lake", "spa"}


@dataclass(frozen=True)
class Warning:
    kind: str  # extreme_heat | heavy_rain | monsoon | provider_alert
    message: str


def warnings_for(day: DayWeather, country_code: str | None) -> list[Warning]:
    out: list[Warning] = []
    if day.tmax_c is not None and day.tmax_c >= EXTREME_HEAT_C:
        out.append(Warning("extreme_heat", f"Extreme heat: highs around {day.tmax_c:.0f} C. Plan outdoor "
                                           "visits early, rest at midday and drink water often."))
    heavy = HEAVY_RAIN_DAY_MM if day.kind == "forecast" else HEAVY_RAIN_MONTH_MM
    if day.rain_mm is not None and day.rain_mm >= heavy:
        when = "forecast for the day" if day.kind == "forecast" else "normal for the month"
        out.append(Warning("heavy_rain", f"Heavy rain: {day.rain_mm:.0f} mm {when}. Expect delays on the road."))
    if day.month in MONSOON_MONTHS.get((country_code or "").upper(), set()):
        out.append(Warning("monsoon", "Monsoon season: showers can be sudden and heavy; keep the afternoon flexible."))
    out.extend(Warning("provider_alert", alert) for alert in day.alerts)
    return out


def packing_list(days: Iterable[DayWeather], categories: Iterable[str], country_code: str | None) -> list[tuple[str, str]]:
    """(item, why) pairs, in a stable order, from the trip's weather and planned activities."""
    days, cats = list(days), {c for c in categories if c}
    items: dict[str, str] = {}

    def add(item: str, why: str) -> None:
        items.setdefault(item, why)

    add("Passport, visa and travel insurance papers", "always")
    highs = [d.tmax_c for d in days if d.tmax_c is not None]
    lows = [d.tmin_c for d in days if d.tmin_c is not None]
    if highs and max(highs) >= 30:
        add("Sun hat, sunglasses and SPF 50 sunscreen", f"highs up to {max(highs):.0f} C")
        add("Refillable water bottle", f"highs up to {max(highs):.0f} C")
    if highs and max(highs) >= EXTREME_HEAT_C:
        add("Oral rehydration salts", "extreme heat expected")
    if lows and min(lows) <= COLD_NIGHT_C:
        add("Warm layer (fleece or light jacket) for mornings and evenings", f"lows down to {min(lows):.0f} C")
    if any(w.kind in ("heavy_rain", "monsoon") for d in days for w in warnings_for(d, country_code)) or \
            any(d.kind == "forecast" and (d.rain_mm or 0) >= 5 for d in days):
        add("Compact umbrella or rain jacket", "rain expected")
        add("Quick-drying clothes and sandals", "rain expected")
    if any((d.humidity_pct or 0) >= HUMID_PCT for d in days):
        add("Light, breathable cotton or linen clothing", "humid")
    if any(d.kind == "unavailable" for d in days):
        add("Layers for changeable weather", "no weather data for part of the trip")
    if cats & COVERED_CATEGORIES:
        add("Clothing covering shoulders and knees, and a scarf", "temples and sacred sites on the plan")
        add("Socks for sites where shoes come off", "temples and sacred sites on the plan")
    if cats & WALKING_CATEGORIES:
        add("Comfortable walking shoes", "forts, old towns and markets on the plan")
    if cats & WATER_CATEGORIES:
        add("Swimwear and a quick-dry towel", "beach, lake or boat on the plan")
    if "desert_safari" in cats:
        add("Scarf or buff against sand and dust", "desert safari on the plan")
    add("Power adapter for local sockets", f"sockets in {country_code or 'the destination'}")
    return list(items.items())
