"""Shipped climate normals (sourced, never invented) and the warnings and packing rules."""

from __future__ import annotations

import csv
import datetime as dt

from tourstack.weather import day_weather
from tourstack.weather.advice import packing_list, warnings_for
from tourstack.weather.normals import DATA, MEASURES, month_normals, unsourced_destinations

TODAY = dt.date(2026, 1, 10)


def test_every_shipped_figure_names_its_source_and_covers_twelve_months():
    rows = list(csv.DictReader(DATA.open()))
    assert rows and all(r["source"].strip() and r["measure"] in MEASURES for r in rows)
    per_series: dict[tuple[str, str], set[int]] = {}
    for r in rows:
        per_series.setdefault((r["destination"], r["measure"]), set()).add(int(r["month"]))
    assert all(months == set(range(1, 13)) for months in per_series.values())


def test_delhi_in_june_is_a_labelled_climate_normal_with_its_gaps_named():
    june = day_weather("Delhi", 28.61, 77.21, dt.date(2026, 6, 3), 6, today=TODAY)
    assert june.kind == "climate_normal" and june.label.startswith("Climate normal")
    assert june.tmax_c == 39 and june.rain_mm == 81
    assert "IMD" in june.sources[0]
    assert set(june.missing) == {"rain_days", "humidity_pct"}  # not published in the source we ship


def test_a_destination_without_published_normals_says_so_instead_of_inventing_numbers():
    agra = day_weather("Agra", 27.17, 78.04, dt.date(2026, 5, 1), 5, today=TODAY)
    assert agra.kind == "unavailable" and agra.tmax_c is None
    assert "no published climate normals" in agra.note
    assert month_normals("Agra", 5) is None
    assert unsourced_destinations(["Delhi", "Agra"]) == ["Agra"]


def test_heat_rain_and_monsoon_warnings():
    may = day_weather("Delhi", 28.61, 77.21, None, 5, today=TODAY)
    august = day_weather("Delhi", 28.61, 77.21, None, 8, today=TODAY)
    january = day_weather("Delhi", 28.61, 77.21, None, 1, today=TODAY)
    assert {w.kind for w in warnings_for(may, "IN")} == {"extreme_heat"}
    assert {w.kind for w in warnings_for(august, "IN")} == {"heavy_rain", "monsoon"}
    assert warnings_for(january, "IN") == []
    paris_june = day_weather("Paris", 48.86, 2.35, None, 6, today=TODAY)
    assert warnings_for(paris_june, "FR") == []


def test_packing_list_follows_weather_and_activities():
    may = day_weather("Delhi", 28.61, 77.21, None, 5, today=TODAY)
    jan = day_weather("Delhi", 28.61, 77.21, None, 1, today=TODAY)
    hot = dict(packing_list([may], ["religious", "fort"], "IN"))
    assert "Oral rehydration salts" in hot and "Comfortable walking shoes" in hot
    assert "Clothing covering shoulders and knees, and a scarf" in hot
    assert not any("Warm layer" in item for item in hot)
    cold = dict(packing_list([jan], ["museum"], "IN"))
    assert any("Warm layer" in item for item in cold)
    assert "Clothing covering shoulders and knees, and a scarf" not in cold
    assert packing_list([jan], ["museum"], "IN") == packing_list([jan], ["museum"], "IN")
