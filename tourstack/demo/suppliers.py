"""Suppliers of every kind per destination and their seasonal contracted rates.

Why a base unit cost per supplier: booking items are priced from the same base x season x
yearly uplift as the supplier_rates rows, so costs in bookings agree with the contracts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from tourstack.demo.catalogue import Catalogue
from tourstack.demo.fx import CURRENCIES, FxTable
from tourstack.demo.util import nullable, rng_for, ts

KINDS = ("hotel", "transport", "guide", "activity")
# Per destination: hotels by star (3, 3, 4, 4, 5, 5), then 3 transport, 3 guides, 3 activity vendors.
LAYOUT = [("hotel", 3), ("hotel", 3), ("hotel", 4), ("hotel", 4), ("hotel", 5), ("hotel", 5)] + [
    ("transport", None)] * 3 + [("guide", None)] * 3 + [("activity", None)] * 3
BASE_EUR = {("hotel", 3): 70.0, ("hotel", 4): 120.0, ("hotel", 5): 240.0,
            ("transport", None): 65.0, ("guide", None): 45.0, ("activity", None): 30.0}
UNIT = {"hotel": "per_night", "transport": "per_day", "guide": "per_day", "activity": "per_person"}
SERVICE = {"hotel": "Double room, breakfast included", "transport": "Air-conditioned car with driver",
           "guide": "Licensed English-speaking guide, full day", "activity": "Guided group experience"}
SEASON_MULT = {"peak": 1.25, "shoulder": 1.0, "low": 0.8}
YEARLY_UPLIFT = 1.05
HOTEL_WORDS = ["Palace", "Residency", "Grand", "Heritage", "Royal", "Garden", "Lakeview", "Regency",
               "Boutique", "Pearl", "Imperial", "Orchid"]
TRANSPORT_WORDS = ["Cabs & Coaches", "Car Rentals", "Travel Wheels", "Chauffeurs", "Transfers"]
GUIDE_WORDS = ["Guides Collective", "Heritage Guides", "Story Walks", "Local Experts"]
ACTIVITY_WORDS = ["Experiences", "Adventures", "Culture Club", "Discoveries"]
CONTACTS = ["Ravi Kumar", "Sunita Rao", "Ahmed Khan", "Mei Tan", "Somchai P.", "Claire Dubois",
            "James Carter", "Priya Nair", "Omar Haddad", "Anita Shah", "Lucas Martin", "Grace Lee"]


@dataclass
class Suppliers:
    dest: np.ndarray
    kind: np.ndarray  # index into KINDS
    star: np.ndarray  # 0 for non-hotels
    currency: np.ndarray  # currency index
    base_cost: np.ndarray  # local minor units per unit, before season and yearly uplift
    name: list[str]
    offsets: np.ndarray  # (n_dest, 4) first supplier of each kind
    counts: np.ndarray  # (n_dest, 4)
    tables: dict[str, dict]


def season_of(cat: Catalogue, dest: np.ndarray, month: np.ndarray) -> np.ndarray:
    """0 peak, 1 shoulder (month next to a peak month), 2 low."""
    peak = cat.dest_peak[dest, month]
    prev_m = (month - 2) % 12 + 1
    next_m = month % 12 + 1
    shoulder = cat.dest_peak[dest, prev_m] | cat.dest_peak[dest, next_m]
    return np.where(peak, 0, np.where(shoulder, 1, 2))


SEASON_NAMES = np.array(["peak", "shoulder", "low"])
SEASON_FACTORS = np.array([SEASON_MULT["peak"], SEASON_MULT["shoulder"], SEASON_MULT["low"]])


def unit_cost(sup: "Suppliers", cat: Catalogue, supplier: np.ndarray, service_date: np.ndarray,
              start: dt.date) -> np.ndarray:
    """Contracted unit cost (local minor units) of a supplier on each service date."""
    month = service_date.astype("datetime64[M]").astype(np.int64) % 12 + 1
    year = service_date.astype("datetime64[Y]").astype(np.int64) + 1970 - start.year
    season = season_of(cat, sup.dest[supplier], month)
    value = sup.base_cost[supplier] * SEASON_FACTORS[season] * YEARLY_UPLIFT ** np.maximum(year, 0)
    return np.maximum(np.rint(value / 100.0) * 100, 100).astype(np.int64)


def build_suppliers(seed: int, start: dt.date, end: dt.date, cat: Catalogue, fx: FxTable) -> Suppliers:
    rng = rng_for(seed, 2)
    rows = []
    for d, dname in enumerate(cat.dest_name):
        cur = CURRENCIES[cat.dest_currency[d]]
        for j, (kind, star) in enumerate(LAYOUT):
            base = BASE_EUR[(kind, star)] * cat.dest_cost_factor[d] * fx.reference(cur) * rng.uniform(0.85, 1.15)
            if kind == "hotel":
                name = f"Hotel {HOTEL_WORDS[(d * 7 + j) % len(HOTEL_WORDS)]} {dname}"
                if j % 2:
                    name = f"The {dname} {HOTEL_WORDS[(d * 5 + j) % len(HOTEL_WORDS)]}"
            elif kind == "transport":
                name = f"{dname} {TRANSPORT_WORDS[(d + j) % len(TRANSPORT_WORDS)]}"
            elif kind == "guide":
                name = f"{dname} {GUIDE_WORDS[(d + j) % len(GUIDE_WORDS)]}"
            else:
                name = f"{dname} {ACTIVITY_WORDS[(d + j) % len(ACTIVITY_WORDS)]}"
            name = f"{name} #{j + 1}" if any(r["name"] == name for r in rows) else name
            rows.append({"dest": d, "kind": KINDS.index(kind), "star": star or 0, "cur": cat.dest_currency[d],
                         "base": round(base * 100), "name": name})
    n = len(rows)
    dest = np.array([r["dest"] for r in rows])
    kind = np.array([r["kind"] for r in rows])
    offsets = np.zeros((len(cat.dest_name), 4), dtype=np.int64)
    counts = np.zeros((len(cat.dest_name), 4), dtype=np.int64)
    for d in range(len(cat.dest_name)):
        for k in range(4):
            members = np.flatnonzero((dest == d) & (kind == k))
            offsets[d, k], counts[d, k] = members[0], len(members)
    created = ts(start, rng.integers(-700, -30, n), rng.integers(0, 86_400, n))
    deleted = rng.random(n) < 0.02
    deleted_at = ts(start, rng.integers(200, 900, n), rng.integers(0, 86_400, n))
    contact = [CONTACTS[i] for i in rng.integers(0, len(CONTACTS), n)]
    names = [r["name"] for r in rows]
    slug = [nm.lower().replace(" ", "").replace("#", "").replace("&", "and")[:30] for nm in names]
    star = np.array([r["star"] for r in rows])
    lat0 = np.array(cat.tables["destinations"]["latitude"])[dest]
    lon0 = np.array(cat.tables["destinations"]["longitude"])[dest]
    located = (kind == 0) | (kind == 3)
    suppliers = {
        "id": np.arange(1, n + 1),
        "destination_id": dest + 1,
        "name": names,
        "kind": [KINDS[k] for k in kind],
        "currency": [CURRENCIES[r["cur"]] for r in rows],
        "payment_terms_days": rng.choice([7, 15, 30, 45], size=n, p=[0.2, 0.35, 0.35, 0.1]),
        "contact_name": contact,
        "contact_email": [f"{c.split()[0].lower()}@{s}.example.com" for c, s in zip(contact, slug)],
        "contact_phone": [f"+{rng.integers(10, 99)} {rng.integers(1_000_000_000, 9_999_999_999)}" for _ in range(n)],
        "star_rating": nullable(star, star == 0),
        "latitude": nullable(np.round(lat0 + rng.normal(0, 0.02, n), 6), ~located),
        "longitude": nullable(np.round(lon0 + rng.normal(0, 0.02, n), 6), ~located),
        "created_at": created,
        "updated_at": np.where(deleted, deleted_at, created),
        "deleted_at": nullable(deleted_at, ~deleted),
    }
    sup = Suppliers(dest=dest, kind=kind, star=star, currency=np.array([r["cur"] for r in rows]),
                    base_cost=np.array([r["base"] for r in rows], dtype=np.float64), name=names,
                    offsets=offsets, counts=counts, tables={"suppliers": suppliers})
    sup.tables["supplier_rates"] = _rates(sup, cat, start, end, created)
    return sup


def _rates(sup: Suppliers, cat: Catalogue, start: dt.date, end: dt.date, created) -> dict:
    """One row per supplier and run of months sharing a season, per calendar year."""
    out = {k: [] for k in ("supplier_id", "service_name", "unit", "cost_minor", "currency",
                           "valid_from", "valid_to", "season", "created_at")}
    first_year = start.year
    # Next year's contracts are signed each October; include them once signed.
    last_year = end.year + (1 if dt.date(end.year, 10, 1) <= end else 0)
    for s in range(len(sup.dest)):
        for year in range(first_year, last_year + 1):
            months = np.arange(1, 13)
            seasons = season_of(cat, np.full(12, sup.dest[s]), months)
            m = 0
            while m < 12:
                m2 = m
                while m2 + 1 < 12 and seasons[m2 + 1] == seasons[m]:
                    m2 += 1
                valid_from = dt.date(year, m + 1, 1)
                valid_to = (dt.date(year + (m2 == 11), (m2 + 1) % 12 + 1, 1) - dt.timedelta(days=1))
                day = np.array([valid_from], dtype="datetime64[D]")
                out["supplier_id"].append(s + 1)
                out["service_name"].append(SERVICE[KINDS[sup.kind[s]]])
                out["unit"].append(UNIT[KINDS[sup.kind[s]]])
                out["cost_minor"].append(int(unit_cost(sup, cat, np.array([s]), day, start)[0]))
                out["currency"].append(CURRENCIES[sup.currency[s]])
                out["valid_from"].append(valid_from)
                out["valid_to"].append(valid_to)
                out["season"].append(str(SEASON_NAMES[seasons[m]]))
                contract = np.datetime64(dt.date(year - 1, 10, 1), "us") + np.timedelta64(s * 3600, "s")
                out["created_at"].append(max(contract, created[s]))
                m = m2 + 1
    n = len(out["supplier_id"])
    out["id"] = np.arange(1, n + 1)
    out["cost_minor"] = np.array(out["cost_minor"], dtype=np.int64)
    out["valid_from"] = np.array(out["valid_from"], dtype="datetime64[D]")
    out["valid_to"] = np.array(out["valid_to"], dtype="datetime64[D]")
    out["created_at"] = np.array(out["created_at"], dtype="datetime64[us]")
    out["updated_at"] = out["created_at"]
    return out
