"""Who buys and who works: agencies, agents, staff users, API keys, and marketing spend.

Why weights on agencies: a few large agencies bring most business (a Zipf-like tail), which is
what concentration and churn KPIs need to show something interesting.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from tourstack.demo.catalogue import DATA, read_rows
from tourstack.demo.config import Plan
from tourstack.demo.fx import CUR_INDEX
from tourstack.demo.util import nullable, rng_for, ts

ROLES = ("ops", "sales", "finance", "admin")
CHANNELS = ("agency_referral", "google_ads", "meta_ads", "instagram", "email", "trade_fair", "organic", "repeat")
CHANNEL_P = (0.34, 0.16, 0.12, 0.08, 0.07, 0.05, 0.1, 0.08)
PAID_CHANNELS = {"google_ads": 1.0, "meta_ads": 0.7, "instagram": 0.45, "email": 0.12, "trade_fair": 0.5,
                 "affiliate": 0.25}
GST_STATE = {"MH": "27", "DL": "07", "KA": "29", "TN": "33", "TG": "36", "WB": "19", "GJ": "24",
             "RJ": "08", "KL": "32", "PB": "03", "CH": "04", "UP": "09"}


def names() -> dict[str, list[str]]:
    out, key = {}, None
    for line in (DATA / "names.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            key = line.strip("[]")
        elif line.strip():
            sep = "|" if "|" in line else None
            out.setdefault(key, []).extend(w.strip() for w in line.split(sep))
    return out


@dataclass
class Parties:
    agency_country: list[str]
    agency_currency: np.ndarray
    agency_weight: np.ndarray
    agency_onboard_day: np.ndarray
    agency_name: list[str]
    agent_offsets: np.ndarray
    agent_counts: np.ndarray
    staff_role: np.ndarray
    tables: dict[str, dict]


def build_parties(plan: Plan) -> Parties:
    rng = rng_for(plan.seed, 3)
    words = names()
    cities = read_rows("agency_cities.csv")
    weights = np.array([float(c["weight"]) for c in cities])
    n = plan.n_agencies
    city_idx = rng.choice(len(cities), size=n, p=weights / weights.sum())
    city_idx[: len(cities)] = np.arange(len(cities))  # every market is represented
    used, agency_names = set(), []
    for i in range(n):
        base = f"{words['agency_word'][rng.integers(len(words['agency_word']))]} " \
               f"{words['agency_suffix'][rng.integers(len(words['agency_suffix']))]}"
        name = base if base not in used else f"{base} {cities[city_idx[i]]['city']}"
        name = name if name not in used else f"{name} {i + 1}"
        used.add(name)
        agency_names.append(name)
    country = [cities[c]["country_code"] for c in city_idx]
    currency = [cities[c]["currency"] for c in city_idx]
    state = [cities[c]["state_code"] or None for c in city_idx]
    onboard_day = np.where(rng.random(n) < 0.8, rng.integers(-1500, -10, n), rng.integers(0, 540, n))
    slug = [nm.lower().replace(" ", "").replace("&", "and").replace(".", "")[:28] for nm in agency_names]
    tax_ids = []
    for i in range(n):
        kind = cities[city_idx[i]]["tax_kind"]
        pan = "".join(chr(65 + x) for x in rng.integers(0, 26, 5)) + f"{rng.integers(1000, 9999)}" + chr(65 + rng.integers(26))
        if kind == "gstin":
            tax_ids.append(f"{GST_STATE[state[i]]}{pan}1Z{rng.integers(0, 10)}")
        elif kind == "vat" and country[i] == "GB":
            tax_ids.append(f"GB{rng.integers(100_000_000, 999_999_999)}")
        elif kind == "vat":
            tax_ids.append(f"{country[i]}{rng.integers(10**9, 10**10 - 1)}")
        elif kind == "trn":
            tax_ids.append(f"100{rng.integers(10**11, 10**12 - 1)}")
        elif kind == "uen":
            tax_ids.append(f"2019{rng.integers(10000, 99999)}{chr(65 + rng.integers(26))}")
        else:
            tax_ids.append(f"{rng.integers(10, 99)}-{rng.integers(1_000_000, 9_999_999)}")
    a_created = ts(plan.start, onboard_day, rng.integers(3 * 3600, 13 * 3600, n))
    a_deleted = rng.random(n) < 0.02
    a_deleted_at = ts(plan.start, np.full(n, plan.days - 20), np.full(n, 36_000))
    agencies = {
        "id": np.arange(1, n + 1),
        "code": [f"AG{i + 1:04d}" for i in range(n)],
        "name": agency_names,
        "country_code": country,
        "state_code": state,
        "city": [cities[c]["city"] for c in city_idx],
        "email": [f"bookings@{s}.example.com" for s in slug],
        "phone": [f"{cities[c]['phone_prefix']} {rng.integers(2_000_0000, 9_999_9999)}" for c in city_idx],
        "currency": currency,
        "commission_tier": rng.choice(["standard", "silver", "gold", "platinum"], size=n, p=[0.55, 0.25, 0.15, 0.05]),
        "tax_id": tax_ids,
        "onboarded_on": (np.datetime64(plan.start, "D") + onboard_day.astype("timedelta64[D]")),
        "created_at": a_created,
        "updated_at": np.where(a_deleted, a_deleted_at, a_created),
        "deleted_at": nullable(a_deleted_at, ~a_deleted),
    }
    agency_weight = rng.zipf(1.6, n).clip(1, 60).astype(np.float64) * rng.uniform(0.6, 1.4, n)

    # Agents: 2..14 per agency, joined after the agency was onboarded.
    agent_counts = np.clip(np.rint(2 + agency_weight * 0.8), 2, 14).astype(np.int64)
    agent_offsets = np.concatenate([[0], np.cumsum(agent_counts)[:-1]])
    na = int(agent_counts.sum())
    agent_agency = np.repeat(np.arange(n), agent_counts)
    first = words["first"]
    last = words["last"]
    fi, li = rng.integers(0, len(first), na), rng.integers(0, len(last), na)
    join_day = onboard_day[agent_agency] + rng.integers(0, 200, na) * (np.arange(na) != agent_offsets[agent_agency])
    g_created = ts(plan.start, join_day, rng.integers(3 * 3600, 13 * 3600, na))
    g_deleted = rng.random(na) < 0.02
    g_deleted_at = ts(plan.start, np.full(na, plan.days - 5), np.full(na, 40_000))
    agents = {
        "id": np.arange(1, na + 1),
        "agency_id": agent_agency + 1,
        "name": [f"{first[a]} {last[b]}" for a, b in zip(fi, li)],
        "email": [f"{first[a].lower()}.{last[b].lower()}.{k + 1}@{slug[agent_agency[k]]}.example.com"
                  for k, (a, b) in enumerate(zip(fi, li))],
        "phone": [f"+{rng.integers(30, 99)} {rng.integers(7_000_000_000, 9_999_999_999)}" for _ in range(na)],
        "is_active": ~g_deleted & (rng.random(na) > 0.03),
        "joined_on": (np.datetime64(plan.start, "D") + join_day.astype("timedelta64[D]")),
        "created_at": g_created,
        "updated_at": np.where(g_deleted, g_deleted_at, g_created),
        "deleted_at": nullable(g_deleted_at, ~g_deleted),
    }

    roles = np.array(["ops"] * 16 + ["sales"] * 10 + ["finance"] * 8 + ["admin"] * 4)
    ns = len(roles)
    si, sl = rng.integers(0, len(first), ns), rng.integers(0, len(last), ns)
    s_created = ts(plan.start, rng.integers(-900, 200, ns), rng.integers(3 * 3600, 12 * 3600, ns))
    staff = {
        "id": np.arange(1, ns + 1),
        "name": [f"{first[a]} {last[b]}" for a, b in zip(si, sl)],
        "email": [f"{first[a].lower()}.{last[b].lower()}{k + 1}@tourstack.example.com" for k, (a, b) in enumerate(zip(si, sl))],
        "role": roles,
        "created_at": s_created,
        "updated_at": s_created,
    }

    keys = _api_keys(plan, rng, roles, s_created, agent_agency, g_created)
    spend = _marketing(plan, rng)
    return Parties(
        agency_country=country,
        agency_currency=np.array([CUR_INDEX[c] for c in currency]),
        agency_weight=agency_weight,
        agency_onboard_day=onboard_day,
        agency_name=agency_names,
        agent_offsets=agent_offsets,
        agent_counts=agent_counts,
        staff_role=roles,
        tables={"agencies": agencies, "agents": agents, "staff_users": staff, "api_keys": keys,
                "marketing_spend": spend},
    )


def _api_keys(plan, rng, roles, s_created, agent_agency, g_created) -> dict:
    """Keys for finance/admin/ops staff and for some agents; only a SHA-256 of the secret is kept."""
    staff_idx = np.flatnonzero(np.isin(roles, ["admin", "finance", "ops"]))[:20]
    agent_idx = np.sort(rng.choice(len(agent_agency), size=min(60, len(agent_agency)), replace=False))
    rows = []
    for s in staff_idx:
        rows.append((f"staff-{roles[s]}-{s + 1}", str(roles[s]), None, None, int(s) + 1, s_created[s]))
    for g in agent_idx:
        rows.append((f"agent-{g + 1}", "agent", int(agent_agency[g]) + 1, int(g) + 1, None, g_created[g]))
    n = len(rows)
    prefixes = [f"ts_{plan.seed % 997:03d}{i:05d}" for i in range(n)]
    secrets = [f"demo-secret-{plan.seed}-{i}" for i in range(n)]
    created = np.array([r[5] for r in rows], dtype="datetime64[us]")
    revoked = rng.random(n) < 0.05
    last_used = ts(plan.start, np.full(n, plan.days - 1) - rng.integers(0, 30, n), rng.integers(0, 86_400, n))
    return {
        "id": np.arange(1, n + 1),
        "name": [r[0] for r in rows],
        "prefix": prefixes,
        "key_hash": [hashlib.sha256(s.encode()).hexdigest() for s in secrets],
        "role": [r[1] for r in rows],
        "agency_id": nullable(np.array([r[2] or 0 for r in rows]), np.array([r[2] is None for r in rows])),
        "agent_id": nullable(np.array([r[3] or 0 for r in rows]), np.array([r[3] is None for r in rows])),
        "staff_user_id": nullable(np.array([r[4] or 0 for r in rows]), np.array([r[4] is None for r in rows])),
        "revoked_at": nullable(np.maximum(created, last_used), ~revoked),
        "last_used_at": nullable(np.maximum(created, last_used), np.zeros(n, dtype=bool)),
        "created_at": created,
        "updated_at": np.maximum(created, last_used),
    }


def _marketing(plan: Plan, rng) -> dict:
    """Monthly spend per paid channel in INR, growing with the business and its seasons."""
    months = np.arange(np.datetime64(plan.start, "M"), np.datetime64(plan.as_of, "M") + 1)
    monthly_inr = max(plan.bookings, 1) / 36 * 900.0  # about 900 INR of spend per booking
    rows = {"channel": [], "month": [], "amount_minor": [], "currency": [], "created_at": []}
    for k, m in enumerate(months):
        month_no = int(m.astype(np.int64) % 12 + 1)
        season = 1.25 if month_no in (8, 9, 10, 11, 12, 1) else 0.85
        growth = 1.15 ** (k / 12)
        for ch, share in PAID_CHANNELS.items():
            amount = monthly_inr * share / sum(PAID_CHANNELS.values()) * season * growth * rng.uniform(0.8, 1.2)
            rows["channel"].append(ch)
            rows["month"].append(m.astype("datetime64[D]"))
            rows["amount_minor"].append(int(round(amount)) * 100)
            rows["currency"].append("INR")
            booked = (m + 1).astype("datetime64[D]").astype("datetime64[us]") + np.timedelta64(3 * 86_400 + 36_000, "s")
            rows["created_at"].append(min(booked, np.datetime64(plan.end.replace(tzinfo=None), "us") - np.timedelta64(1, "s")))
    n = len(rows["channel"])
    rows["id"] = np.arange(1, n + 1)
    rows["month"] = np.array(rows["month"], dtype="datetime64[D]")
    rows["amount_minor"] = np.array(rows["amount_minor"], dtype=np.int64)
    rows["created_at"] = np.array(rows["created_at"], dtype="datetime64[us]")
    rows["updated_at"] = rows["created_at"]
    return rows
