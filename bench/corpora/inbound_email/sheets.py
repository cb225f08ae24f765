"""Rate sheets and invoices as files: XLSX with a title block, wide occupancy columns or a notes
row; CSV with `;` and decimal commas; PDF with a ruled table (rendered by WeasyPrint); tables
typed into the body. Each sheet is written from a list of rates, which is also the answer key."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass
from decimal import Decimal

from bench.corpora.inbound_email.dates import money, written

SEASON_WORDS = {"en": {"peak": "Peak", "shoulder": "Shoulder", "low": "Low"},
                "hi": {"peak": "Peak", "shoulder": "Shoulder", "low": "Off season"},
                "de": {"peak": "Hauptsaison", "shoulder": "Zwischensaison", "low": "Nebensaison"},
                "fr": {"peak": "Haute saison", "shoulder": "Moyenne saison", "low": "Basse saison"}}
OCCUPANCY_WORDS = {"en": {"single": "Single", "double": "Double", "triple": "Triple"},
                   "hi": {"single": "Single", "double": "Double", "triple": "Triple"},
                   "de": {"single": "EZ", "double": "DZ", "triple": "Dreibett"},
                   "fr": {"single": "Simple", "double": "Double", "triple": "Triple"}}
PERIODS = [("peak", dt.date(2027, 10, 1), dt.date(2028, 3, 31)), ("shoulder", dt.date(2027, 7, 1), dt.date(2027, 9, 30)),
           ("low", dt.date(2027, 4, 1), dt.date(2027, 6, 30))]


@dataclass(frozen=True)
class Rate:
    item: str
    season: str | None
    valid_from: dt.date
    valid_to: dt.date
    currency: str
    price: Decimal
    unit: str
    occupancy: str | None

    def label(self) -> dict:
        return {"item": self.item, "season": self.season, "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat(), "currency": self.currency, "price": str(self.price),
                "unit": self.unit, "occupancy": self.occupancy}


def make_rates(items: list[str], currency: str, unit: str, occupancies: list[str | None], rng: random.Random,
               base: int) -> list[Rate]:
    rates = []
    for n, item in enumerate(items):
        for season, start, end in PERIODS:
            factor = {"peak": Decimal("1.4"), "shoulder": Decimal("1.1"), "low": Decimal("1")}[season]
            for k, occ in enumerate(occupancies):
                raw = Decimal(base + n * base // 3 + k * base // 4) * factor + rng.randrange(0, 9) * 10
                cents = Decimal("0.50") if currency != "INR" and rng.random() < 0.3 else Decimal(0)
                rates.append(Rate(item, season, start, end, currency, raw.quantize(Decimal(1)) + cents, unit, occ))
    return rates


def _groups(rates: list[Rate]) -> list[tuple[tuple, dict]]:
    """Rates grouped into wide rows (item, season) with one price per occupancy."""
    rows: dict[tuple, dict] = {}
    for r in rates:
        rows.setdefault((r.item, r.season, r.valid_from, r.valid_to), {})[r.occupancy] = r.price
    return list(rows.items())


def xlsx(rates: list[Rate], lang: str, rng: random.Random, title: str, wide: bool) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = {"de": "Preise", "fr": "Tarifs"}.get(lang, "Rates")
    ws.append([title])
    ws.append([f"Currency: {rates[0].currency} | net rates, taxes extra" if lang in ("en", "hi")
               else f"Währung: {rates[0].currency}, Nettopreise" if lang == "de" else f"Devise : {rates[0].currency}, prix nets"])
    ws.append([])
    seasons, occ = SEASON_WORDS[lang], OCCUPANCY_WORDS[lang]
    head = {"en": ["Room Category", "Season", "Valid From", "Valid To"], "hi": ["Room Type", "Season", "From", "To"],
            "de": ["Zimmerkategorie", "Saison", "Gültig ab", "Gültig bis"],
            "fr": ["Catégorie", "Saison", "Du", "Au"]}[lang]
    as_date = rng.random() < 0.6   # real date cells, or text typed as the sender writes dates
    cell = (lambda d: d) if as_date else (lambda d: written(d, lang, rng))
    if wide:
        occupancies = [o for o in ("single", "double", "triple") if any(r.occupancy == o for r in rates)]
        ws.append(head + [occ[o] for o in occupancies])
        for (item, season, start, end), prices in _groups(rates):
            ws.append([item, seasons[season], cell(start), cell(end)] + [prices.get(o) for o in occupancies])
    else:
        ws.append(head + [{"de": "Belegung", "fr": "Occupation"}.get(lang, "Occupancy"),
                          {"de": "Preis", "fr": "Prix"}.get(lang, "Rate")])
        for r in rates:
            ws.append([r.item, seasons[r.season], cell(r.valid_from), cell(r.valid_to),
                       occ[r.occupancy] if r.occupancy else "", r.price])
    ws.append([])
    ws.append(["Notes: extra bed 30% of double rate; rates subject to availability."])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_sheet(rates: list[Rate], lang: str, rng: random.Random) -> bytes:
    sep = ";" if lang in ("de", "fr") else ","
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=sep)
    if lang == "de":
        w.writerow(["Leistung", "Saison", "Gültig ab", "Gültig bis", "Einheit", "Währung", "Preis"])
    elif lang == "fr":
        w.writerow(["Prestation", "Saison", "Du", "Au", "Unité", "Devise", "Prix"])
    else:
        w.writerow(["Vehicle/Service", "Season", "Valid From", "Valid To", "Unit", "Currency", "Rate"])
    unit_words = {"per_day": {"de": "pro Tag", "fr": "par jour"}.get(lang, "per day"),
                  "per_night": {"de": "pro Nacht", "fr": "par nuit"}.get(lang, "per night"),
                  "per_person": {"de": "pro Person", "fr": "par personne"}.get(lang, "per person")}
    for r in rates:
        price = money(r.price, r.currency, lang, rng) if lang in ("de", "fr") else f"{r.price}"
        w.writerow([r.item, SEASON_WORDS[lang][r.season], written(r.valid_from, lang, rng),
                    written(r.valid_to, lang, rng), unit_words[r.unit], r.currency, price])
    return buf.getvalue().encode("utf-8-sig" if rng.random() < 0.5 else "utf-8")


def pdf_table(rates: list[Rate], lang: str, rng: random.Random, title: str) -> bytes:
    from weasyprint import HTML

    occ = OCCUPANCY_WORDS[lang]
    occupancies = [o for o in ("single", "double", "triple") if any(r.occupancy == o for r in rates)]
    head = {"fr": ["Type de chambre", "Saison", "Du", "Au"], "de": ["Zimmer", "Saison", "Von", "Bis"]}.get(
        lang, ["Room", "Season", "From", "To"])
    cur = rates[0].currency
    cells = "".join(f"<th>{h}</th>" for h in head + [f"{occ[o]} ({cur})" for o in occupancies])
    body = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in [item, SEASON_WORDS[lang][season], written(start, lang, rng),
                                                   written(end, lang, rng)]
                         + [money(prices[o], cur, lang, rng) for o in occupancies]) + "</tr>"
        for (item, season, start, end), prices in _groups(rates))
    html = (f"<html><body style='font-family:DejaVu Sans;font-size:10pt'><h2>{title}</h2>"
            f"<table style='border-collapse:collapse' border='1' cellpadding='5'><tr>{cells}</tr>{body}</table>"
            "<p>Prix nets par chambre et par nuit, petit-déjeuner inclus.</p></body></html>")
    return HTML(string=html).write_pdf()


def body_table(rates: list[Rate], lang: str, rng: random.Random) -> str:
    """A rate card typed into the mail: `|`-separated or space-aligned columns."""
    seasons = SEASON_WORDS[lang]
    pipe = rng.random() < 0.5
    head = ["Vehicle", "Season", "Valid from", "Valid to", "Rate per day"]
    lines = []
    for r in rates:
        row = [r.item, seasons[r.season], written(r.valid_from, "en", rng), written(r.valid_to, "en", rng),
               f"{'Rs ' if rng.random() < 0.5 else 'INR '}{money(r.price, r.currency, 'en', rng)}"]
        lines.append(row)
    if pipe:
        return "\n".join(" | ".join(r) for r in [head] + lines)
    widths = [max(len(r[i]) for r in [head] + lines) + 3 for i in range(len(head))]
    return "\n".join("".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in [head] + lines)


def invoice_pdf(number: str, supplier: str, lines: list[tuple[str, Decimal]], currency: str, tax_label: str,
                tax: Decimal, lang: str, rng: random.Random) -> bytes:
    from weasyprint import HTML

    rows = "".join(f"<tr><td>{d}</td><td>{money(a, currency, lang, rng)}</td></tr>" for d, a in lines)
    total = sum((a for _, a in lines), Decimal(0)) + tax
    html = (f"<html><body style='font-family:DejaVu Sans'><h1>{supplier}</h1><h2>Invoice / Rechnung / Facture "
            f"{number}</h2><table border='1' cellpadding='4'>{rows}<tr><td>{tax_label}</td>"
            f"<td>{money(tax, currency, lang, rng)}</td></tr><tr><td><b>Total {currency}</b></td>"
            f"<td><b>{money(total, currency, lang, rng)}</b></td></tr></table></body></html>")
    return HTML(string=html).write_pdf()
