"""Dates and amounts as each kind of sender writes them (docs/inbound-email.md)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"],
}


def written(day: dt.date, lang: str, rng: random.Random) -> str:
    """One of the ways a sender of that language writes a calendar date (always with the year)."""
    if lang == "de":
        return rng.choice([f"{day:%d.%m.%Y}", f"{day.day}. {MONTHS['de'][day.month - 1]} {day.year}"])
    if lang == "fr":
        return rng.choice([f"{day:%d/%m/%Y}", f"{day.day} {MONTHS['fr'][day.month - 1]} {day.year}"])
    month = MONTHS["en"][day.month - 1]
    return rng.choice([f"{day:%d/%m/%Y}", f"{day.day} {month} {day.year}", f"{day.isoformat()}",
                       f"{day:%d-%m-%Y}", f"{day.day:02d}-{month}-{day.year}"])


def money(amount: Decimal, currency: str, lang: str, rng: random.Random) -> str:
    """An amount with the sender's grouping and decimal marks (Indian lakhs, 1.234,50, 1 234,50)."""
    whole, cents = f"{amount:.2f}".split(".")
    if lang == "de":
        grouped = f"{int(whole):,}".replace(",", ".")
        return f"{grouped},{cents}"
    if lang == "fr":
        grouped = f"{int(whole):,}".replace(",", "\u202f" if rng.random() < 0.5 else " ")
        return f"{grouped},{cents}"
    if currency == "INR" and rng.random() < 0.6:
        return _lakhs(int(whole)) + (f".{cents}" if cents != "00" or rng.random() < 0.5 else "")
    return f"{int(whole):,}.{cents}"


def _lakhs(n: int) -> str:
    s = str(n)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    groups = []
    while len(head) > 2:
        groups.insert(0, head[-2:])
        head = head[:-2]
    if head:
        groups.insert(0, head)
    return ",".join(groups + [tail])
