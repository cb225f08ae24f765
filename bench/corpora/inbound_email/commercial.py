"""Rate sheets and supplier invoices (docs/inbound-email.md, "What they send")."""

from __future__ import annotations

import random
from decimal import Decimal

from bench.corpora.inbound_email.dates import money
from bench.corpora.inbound_email.mime import Written
from bench.corpora.inbound_email.sheets import (
    body_table,
    csv_sheet,
    invoice_pdf,
    make_rates,
    pdf_table,
    xlsx,
)
from bench.corpora.inbound_email.world import ROOMS, VEHICLES, Booking, Sender, code

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rate_sheet(s: Sender, rng: random.Random, layout: str) -> tuple[Written, dict]:
    """layout: xlsx_long, xlsx_wide, csv, pdf or body (transport and guides type it in the mail)."""
    year = "2027-28"
    rooms = rng.sample(ROOMS[s.lang], k=min(2, len(ROOMS[s.lang])))
    if layout == "body":
        rates = make_rates(rng.sample(VEHICLES, 2), "INR", "per_day", [None], rng, base=2800)
    elif layout == "csv":
        unit = "per_day" if s.kind in ("transport", "dmc", "guide") else "per_night"
        items = rng.sample(VEHICLES, 2) if s.kind == "transport" else (
            ["Reiseleitung ganztags", "Transfer Flughafen"] if s.lang == "de" else
            ["Guide journée", "Transfert aéroport"] if s.lang == "fr" else ["Full-day guide", "Airport transfer"])
        rates = make_rates(items, s.currency, unit, [None], rng, base=1800 if s.currency == "INR" else 90)
    else:
        occ = ["single", "double"] if layout != "xlsx_long" or rng.random() < 0.5 else ["double"]
        rates = make_rates(rooms, s.currency, "per_night", occ, rng, base=6500 if s.currency == "INR" else 140)
    title = f"{s.name} - rates {year}"
    att = []
    if layout == "xlsx_long":
        att = [(f"{s.name.replace(' ', '_')}_Rates_{year}.xlsx", XLSX, xlsx(rates, s.lang, rng, title, wide=False))]
    elif layout == "xlsx_wide":
        att = [(f"Tariff {year}.xlsx", XLSX, xlsx(rates, s.lang, rng, title, wide=True))]
    elif layout == "csv":
        att = [(rng.choice(["rates.csv", f"Preisliste_{year}.csv", f"tarifs_{year}.csv"]), "text/csv",
                csv_sheet(rates, s.lang, rng))]
    elif layout == "pdf":
        att = [(f"Tarifs {year}.pdf" if s.lang == "fr" else f"Rates {year}.pdf", "application/pdf",
                pdf_table(rates, s.lang, rng, title))]
    if s.lang == "de":
        subject = rng.choice([f"Preisliste {year}", f"Neue Preise Saison {year} - {s.name}", "Nettopreise 2027/28"])
        body = (f"Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Nettopreise für die Saison {year} "
                f"in {s.currency}. Die Preise gelten vorbehaltlich Verfügbarkeit.")
    elif s.lang == "fr":
        subject = rng.choice([f"Tarifs {year} - {s.name}", "Nos nouveaux tarifs 2027-2028", "Grille tarifaire 2027/28"])
        body = (f"Bonjour,\n\nVeuillez trouver ci-joint nos tarifs nets {year} en {s.currency}, "
                "sous réserve de disponibilité.")
    elif s.lang == "hi":
        subject = rng.choice([f"rates {year}", f"Naye rates {year} - {s.name}", "revised tariff"])
        body = "Namaste Sir,\n\nNaye rates bhej rahe hain, " + (
            "neeche diye hain:\n\n" + body_table(rates, s.lang, rng) + "\n\nToll, parking extra. GST 5% extra."
            if layout == "body" else "attached hai. Please check karke confirm karein.")
    else:
        subject = rng.choice([f"Contract rates {year} - {s.name}", f"Rate sheet {year}", f"Revised tariff {year}"])
        body = ("Dear Team,\n\n" + (
            "Please find our rates for the coming season below (per vehicle per day, 250 km):\n\n"
            + body_table(rates, s.lang, rng) if layout == "body" else
            f"Please find attached our contracted net rates for {year} in {s.currency}, taxes extra."))
    return Written(s, subject, body, s.lang, attachments=att), {"rates": [r.label() for r in rates]}


def invoice(s: Sender, b: Booking, rng: random.Random) -> tuple[Written, dict]:
    number = rng.choice([f"INV/2027/{rng.randrange(100, 999):04d}", f"2027-{rng.randrange(1000, 9999)}",
                         f"F-2027-{rng.randrange(100, 999):04d}", code(rng, "TI", 5)])
    nights = (b.check_out - b.check_in).days
    per = Decimal(rng.randrange(30, 120) * 100) if s.currency == "INR" else Decimal(rng.randrange(90, 260))
    net = per * nights
    tax_label, rate = {"INR": ("GST 12%", Decimal("0.12")), "EUR": ("MwSt/TVA 10%", Decimal("0.10")),
                       "CHF": ("MwSt 3.8%", Decimal("0.038"))}[s.currency]
    tax = (net * rate).quantize(Decimal("0.01"))
    total = net + tax
    amount = money(total, s.currency, s.lang, rng)
    pdf = invoice_pdf(number, s.name, [(f"Accommodation {b.ref} x {nights}", net)], s.currency, tax_label, tax, s.lang, rng)
    att = [(f"Invoice_{number.replace('/', '-')}.pdf", "application/pdf", pdf)]
    if s.lang == "de":
        subject = rng.choice([f"Rechnung Nr. {number}", f"Ihre Rechnung {number} zu {b.ref}"])
        body = (f"Sehr geehrte Damen und Herren,\n\nanbei erhalten Sie unsere Rechnung Nr. {number} über "
                f"{s.currency} {amount} für die Buchung {b.ref}. Zahlbar innerhalb von 14 Tagen ohne Abzug.")
    elif s.lang == "fr":
        subject = rng.choice([f"Facture {number}", f"Facture n° {number} - dossier {b.ref}"])
        body = (f"Bonjour,\n\nVeuillez trouver ci-joint notre facture n° {number} d'un montant de {amount} "
                f"{s.currency} TTC pour le dossier {b.ref}. Règlement à 30 jours.")
    elif s.lang == "hi":
        subject = rng.choice([f"Bill - {b.ref}", f"invoice {number}", f"Payment pending - bill {number}"])
        body = (f"Sir,\n\n{b.ref} ({b.lead[1]} ji) ka bill attach kar raha hoon, bill no. {number}. "
                f"Total Rs {amount}/- . Payment jaldi kar dijiye.")
    else:
        subject = rng.choice([f"Invoice {number} for {b.ref}", f"Tax invoice {number}", f"Invoice - {b.lead[1]} - {b.ref}"])
        body = (f"Dear Accounts Team,\n\nPlease find attached our invoice {number} for the services provided to "
                f"your guests {b.lead[1]} (ref {b.ref}).\nAmount due: {s.currency} {amount} (incl. {tax_label}).\n"
                "Kindly remit within 15 days to the account in the invoice.")
    w = Written(s, subject, body, s.lang, attachments=att)
    return w, {"invoice_number": number, "amount": str(total), "currency": s.currency, "booking_ref": b.ref}
