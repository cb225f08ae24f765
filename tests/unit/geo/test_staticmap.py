"""The day's route map: valid standalone SVG, stops numbered in visiting order, no network."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from tourstack.geo.staticmap import MapStop, route_svg
from tourstack.routing import LatLon

NS = {"svg": "http://www.w3.org/2000/svg"}
HOTEL = MapStop("The Delhi Heritage", LatLon(28.60, 77.22), "hotel")
STOPS = [HOTEL, MapStop("Red Fort", LatLon(28.6562, 77.2410)), MapStop("Jama Masjid", LatLon(28.6507, 77.2334)),
         MapStop("Qutub Minar", LatLon(28.5245, 77.1855)), HOTEL]


def test_route_svg_numbers_sites_in_order_and_draws_the_legs():
    root = ET.fromstring(route_svg(STOPS, title="Day 1"))
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert [t for t in texts if t and t.isdigit()] == ["1", "2", "3"]
    assert texts.count("The Delhi Heritage") == 1 and "Qutub Minar" in texts
    line = root.find(".//svg:polyline", NS)
    assert line is not None and len(line.get("points").split()) == len(STOPS)
    assert any(t and t.endswith("km") for t in texts)  # a scale bar


def test_the_locator_inset_draws_natural_earth_outlines_and_fetches_nothing():
    svg = route_svg(STOPS)
    root = ET.fromstring(svg)
    assert len(root.findall(".//svg:path", NS)) > 3  # India and its neighbours
    assert "href" not in svg and "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_a_single_stop_and_no_stops():
    assert ET.fromstring(route_svg([MapStop("Only", LatLon(1.3521, 103.8198))])) is not None
    assert route_svg([]) == ""
