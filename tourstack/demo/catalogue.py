"""Destinations, sites (real landmarks plus local activities), opening hours and crowd levels.

Why data files: the catalogue is reference data an analyst may want to read or extend; it
lives in tourstack/demo/data/*.csv, not in Python literals. Landmarks carry their real
coordinates; activities are templated per destination and placed near its centre.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tourstack.demo.fx import CUR_INDEX, FxTable
from tourstack.demo.util import nullable, rng_for, ts
from tourstack.money import to_minor

DATA = Path(__file__).parent / "data"


def read_rows(name: str, free_last: bool = False) -> list[dict[str, str]]:
    """CSV rows; with free_last the last column may contain unquoted commas (descriptions)."""
    with open(DATA / name, encoding="utf-8") as fh:
        if not free_last:
            return list(csv.DictReader(fh))
        header = fh.readline().strip().split(",")
        rows = []
        for line in fh:
            if line.strip():
                rows.append(dict(zip(header, line.rstrip("\n").split(",", len(header) - 1))))
        return rows


@dataclass
class Catalogue:
    dest_name: list[str]
    dest_country: list[str]
    dest_currency: np.ndarray  # currency index per destination
    dest_cost_factor: np.ndarray
    dest_weight: np.ndarray
    dest_peak: np.ndarray  # (n_dest, 13) bool, month 1..12
    site_dest: np.ndarray
    site_name: list[str]
    site_price: np.ndarray
    site_duration: np.ndarray
    site_offsets: np.ndarray
    site_counts: np.ndarray
    site_weight: np.ndarray  # int64 draw weight per site: popularity squared, 0 once soft-deleted
    tables: dict[str, dict]


def _hhmm(text: str) -> dt.time:
    h, m = text.split(":")
    return dt.time(int(h), int(m))


def _nice_price(major: float, currency: str) -> int:
    step = 50 if currency in ("INR", "THB") else 1
    value = max(step, round(major / step) * step)
    return to_minor(str(value), currency)


def build_catalogue(seed: int, start: dt.date, fx: FxTable) -> Catalogue:
    rng = rng_for(seed, 1)
    created = ts(start, np.zeros(1, dtype=np.int64), np.zeros(1))[0] - np.timedelta64(400, "D")
    dests = read_rows("destinations.csv")
    nd = len(dests)
    peak = np.zeros((nd, 13), dtype=bool)
    for i, d in enumerate(dests):
        for m in d["peak_months"].split(","):
            peak[i, int(m)] = True
    destinations = {
        "id": np.arange(1, nd + 1),
        "name": [d["name"] for d in dests],
        "country_code": [d["country_code"] for d in dests],
        "country_name": [d["country_name"] for d in dests],
        "region": [d["region"] for d in dests],
        "city": [d["city"] for d in dests],
        "latitude": np.array([float(d["latitude"]) for d in dests]),
        "longitude": np.array([float(d["longitude"]) for d in dests]),
        "timezone": [d["timezone"] for d in dests],
        "currency": [d["currency"] for d in dests],
        "created_at": np.full(nd, created),
        "updated_at": np.full(nd, created),
    }
    by_name = {d["name"]: i for i, d in enumerate(dests)}

    sites: list[dict] = []
    for row in read_rows("landmarks.csv", free_last=True):
        di = by_name[row["destination"]]
        sites.append({
            "dest": di, "name": row["name"], "category": row["category"],
            "lat": float(row["latitude"]), "lon": float(row["longitude"]),
            "duration": int(row["duration_min"]),
            "price": to_minor(row["price"], dests[di]["currency"]),
            "level": int(row["price_level"]), "popularity": int(row["popularity"]),
            "opens": row["opens"], "closes": row["closes"], "closed": row["closed_days"],
            "description": row["description"].strip(),
        })
    for tpl in read_rows("activities.csv", free_last=True):
        only = set(filter(None, tpl["only_in"].split("|")))
        for di, d in enumerate(dests):
            if only and d["name"] not in only:
                continue
            cur = d["currency"]
            local = float(tpl["price_eur"]) * float(d["cost_factor"]) * fx.reference(cur)
            sites.append({
                "dest": di, "name": tpl["name"].format(city=d["name"]), "category": tpl["category"],
                "lat": round(float(d["latitude"]) + rng.normal(0, 0.015), 6),
                "lon": round(float(d["longitude"]) + rng.normal(0, 0.015), 6),
                "duration": int(tpl["duration_min"]), "price": _nice_price(local, cur),
                "level": int(tpl["price_level"]),
                "popularity": int(np.clip(int(tpl["popularity"]) + rng.integers(-12, 13), 5, 100)),
                "opens": tpl["opens"], "closes": tpl["closes"], "closed": tpl["closed_days"],
                "description": tpl["description"].strip().format(city=d["name"]),
            })
    sites.sort(key=lambda s: s["dest"])  # stable: landmarks before activities per destination
    ns = len(sites)
    site_dest = np.array([s["dest"] for s in sites])
    deleted = rng.random(ns) < 0.01
    site_created = np.full(ns, created) + rng.integers(0, 300, ns).astype("timedelta64[D]")
    site_deleted = np.where(deleted, ts(start, rng.integers(30, 700, ns), rng.integers(0, 86_400, ns)),
                            np.datetime64("NaT"))

    site_table = {
        "id": np.arange(1, ns + 1),
        "destination_id": site_dest + 1,
        "name": [s["name"] for s in sites],
        "category": [s["category"] for s in sites],
        "latitude": np.array([s["lat"] for s in sites]),
        "longitude": np.array([s["lon"] for s in sites]),
        "typical_duration_minutes": np.array([s["duration"] for s in sites]),
        "price_minor": np.array([s["price"] for s in sites], dtype=np.int64),
        "price_currency": [dests[s["dest"]]["currency"] for s in sites],
        "price_level": np.array([s["level"] for s in sites]),
        "best_season": [dests[s["dest"]]["peak_months"] for s in sites],
        "popularity": np.array([s["popularity"] for s in sites]),
        "description": [s["description"] for s in sites],
        "created_at": site_created,
        "updated_at": np.where(deleted, site_deleted, site_created),
        "deleted_at": nullable(site_deleted, ~deleted),
    }
    hours_rows, crowd_rows = _hours_and_crowds(rng, sites, site_created)
    counts = np.bincount(site_dest, minlength=nd)
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return Catalogue(
        dest_name=[d["name"] for d in dests],
        dest_country=[d["country_code"] for d in dests],
        dest_currency=np.array([CUR_INDEX[d["currency"]] for d in dests]),
        dest_cost_factor=np.array([float(d["cost_factor"]) for d in dests]),
        dest_weight=np.array([float(d["weight"]) for d in dests]),
        dest_peak=peak,
        site_dest=site_dest,
        site_name=site_table["name"],
        site_price=site_table["price_minor"],
        site_duration=site_table["typical_duration_minutes"],
        site_offsets=offsets,
        site_counts=counts,
        # Squared so the landmarks people come for dominate sales, as their crowd levels do.
        site_weight=np.where(deleted, 0, site_table["popularity"].astype(np.int64) ** 2),
        tables={"destinations": destinations, "sites": site_table,
                "site_opening_hours": hours_rows, "site_crowd_levels": crowd_rows},
    )


def pick_sites(cat: Catalogue, rng: np.random.Generator, dest: np.ndarray) -> np.ndarray:
    """A site index of each destination in `dest`, drawn in proportion to site_weight.

    Why integer weights: one integer draw per element below its destination's total weight,
    located in the global running sum, picks exactly by weight with no float edge cases.
    Soft-deleted sites weigh 0 and are never drawn, so sales never point at a retired site.
    """
    running = np.cumsum(cat.site_weight)
    before = running[cat.site_offsets] - cat.site_weight[cat.site_offsets]
    total = np.add.reduceat(cat.site_weight, cat.site_offsets)
    draw = rng.integers(0, total[dest]) if len(dest) else np.zeros(0, dtype=np.int64)
    return np.searchsorted(running, before[dest] + draw, side="right")


def _hours_and_crowds(rng, sites, site_created):
    """One opening window per open weekday; crowd level per open weekday and hour."""
    h = {"site_id": [], "weekday": [], "opens_at": [], "closes_at": [], "created_at": []}
    c = {"site_id": [], "weekday": [], "hour": [], "crowd_level": [], "created_at": []}
    for i, s in enumerate(sites):
        closed = {int(x) for x in s["closed"].split("|") if x}
        opens, closes = _hhmm(s["opens"]), _hhmm(s["closes"])
        first = opens.hour
        last = closes.hour if closes.minute == 0 else closes.hour + 1
        last = min(last, 24)
        peak_hour = rng.uniform(11, 16) if last - first > 4 else (first + last) / 2
        for wd in range(1, 8):
            if wd in closed:
                continue
            h["site_id"].append(i + 1)
            h["weekday"].append(wd)
            h["opens_at"].append(opens.strftime("%H:%M:%S"))
            h["closes_at"].append(closes.strftime("%H:%M:%S"))
            h["created_at"].append(site_created[i])
            weekend = 1.2 if wd in (6, 7) else 1.0
            for hour in range(first, last):
                shape = np.exp(-((hour + 0.5 - peak_hour) ** 2) / 18.0)
                level = s["popularity"] * weekend * (0.25 + 0.75 * shape) + rng.normal(0, 4)
                c["site_id"].append(i + 1)
                c["weekday"].append(wd)
                c["hour"].append(hour)
                c["crowd_level"].append(int(np.clip(round(level), 0, 100)))
                c["created_at"].append(site_created[i])
    for table in (h, c):
        n = len(table["site_id"])
        table["id"] = np.arange(1, n + 1)
        table["created_at"] = np.array(table["created_at"], dtype="datetime64[us]")
        table["updated_at"] = table["created_at"]
    return h, c
