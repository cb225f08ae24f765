"""The catalogue's coordinates against the dbt seed of country bounds the warehouse test uses."""

from __future__ import annotations

import csv
from pathlib import Path

from tourstack.geo import basemap

ROOT = Path(__file__).resolve().parents[3]
BOUNDS = {r["country_code"]: r for r in csv.DictReader((ROOT / "dbt_project/seeds/country_bounds.csv").open())}
DEMO = ROOT / "tourstack/demo/data"


def _inside(code: str, lat: float, lon: float, margin: float = 0.1) -> bool:
    b = BOUNDS[code]
    return (float(b["min_lat"]) - margin <= lat <= float(b["max_lat"]) + margin
            and float(b["min_lon"]) - margin <= lon <= float(b["max_lon"]) + margin)


def test_every_demo_destination_and_landmark_lies_inside_its_country():
    countries = {r["name"]: r["country_code"] for r in csv.DictReader((DEMO / "destinations.csv").open())}
    for r in csv.DictReader((DEMO / "destinations.csv").open()):
        assert _inside(r["country_code"], float(r["latitude"]), float(r["longitude"])), r["name"]
    for r in csv.DictReader((DEMO / "landmarks.csv").open()):
        lat, lon = float(r["latitude"]), float(r["longitude"])
        assert (lat, lon) != (0.0, 0.0), r["name"]
        assert _inside(countries[r["destination"]], lat, lon), (r["destination"], r["name"])


def test_the_bounds_reject_a_site_placed_in_the_wrong_country():
    assert not _inside("IN", 48.8584, 2.2945)  # the Eiffel Tower filed under Delhi
    assert not _inside("GB", 0.0, 0.0)


def test_natural_earth_outlines_decode_to_the_countries_we_sell():
    rings = basemap.country_rings()
    name, india = rings[basemap.ISO_NUMERIC["IN"]]
    assert name == "India"
    xs = [x for ring in india for x, _ in ring]
    ys = [y for ring in india for _, y in ring]
    # the 1:110m outline agrees with the 1:50m seed to within a few tenths of a degree
    assert abs(min(xs) - float(BOUNDS["IN"]["min_lon"])) < 0.5 and abs(max(ys) - float(BOUNDS["IN"]["max_lat"])) < 0.5
    near_delhi = {n for _, n, _ in basemap.rings_near(77.21, 28.61, 1.0)}
    assert near_delhi == {"India"}
