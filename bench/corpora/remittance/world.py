"""The operator's book: agencies (who they are, how their finance teams behave) and invoices.

Numbers follow the operator's GST-compliant scheme: one series for domestic invoices
(`INV/2025-26/000123`) and one for exports of services (`EXP/2025-26/000045`), each gapless per
fiscal year (April-March), so a bare "123" can be either series or either fiscal year. Booking
references are scrambled (`TB4K2M9XQ`) and a booking occasionally has a second, supplementary
invoice under the same reference.

Amounts: domestic tour packages carry 5 % GST on a taxable value that is rarely round; some
agencies buy fixed-price packages quoted GST-inclusive, so their totals are round; an agency
repeating a package for several groups gets identical invoices. Exports are zero-rated.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

START = dt.date(2025, 2, 1)     # first invoice (the tail of FY 2024-25)
END = dt.date(2026, 3, 31)      # last invoice (end of FY 2025-26)

_PLACE = ["Sunrise", "Blue Lotus", "Himalayan", "Royal", "Golden Triangle", "Saffron", "Kerala", "Incredible",
          "Wanderlust", "Safari", "Orchid", "Peacock", "Heritage", "Spice Route", "Silver Sands", "Lotus",
          "Trident", "Paradise", "Emerald", "Monsoon", "Rajputana", "Deccan", "Coromandel", "Malabar",
          "Kailash", "Ganga", "Thar", "Konkan", "Nilgiri", "Indus", "Shivalik", "Vista", "Horizon", "Compass",
          "Odyssey", "Pilgrim", "Marigold", "Jasmine", "Banyan", "Tusker", "Elephanta", "Amber", "Sapphire"]
_TRADE = ["Holidays", "Tours", "Travels", "Tours & Travels", "Journeys", "Voyages", "Trips", "Destinations",
          "Expeditions", "Leisure", "Travel Services", "Tourism"]
_FOREIGN_PLACE = ["Alpine", "Nordic", "Atlas", "Mistral", "Baltic", "Danube", "Riviera", "Thames", "Highland",
                  "Oasis", "Falcon", "Desert Rose", "Pearl", "Meridian", "Cascade", "Zenith", "Aurora", "Polaris",
                  "Sirocco", "Tamarind", "Kestrel", "Orient", "Marco Polo", "Silk Road", "Globe"]
_FIRST = ["Rajesh", "Amit", "Suresh", "Priya", "Anita", "Vikram", "Sanjay", "Neha", "Rohit", "Kavita", "Manoj",
          "Deepak", "Pooja", "Arun", "Sunita", "Rahul", "Meera", "Ashok", "Nikhil", "Farhan", "Harpreet"]
_LAST = ["Sharma", "Verma", "Gupta", "Mehta", "Iyer", "Nair", "Reddy", "Patel", "Shah", "Kapoor", "Malhotra",
         "Bansal", "Agarwal", "Khan", "Singh", "Joshi", "Menon", "Pillai", "Chopra", "Sethi", "Bhatia"]
_TRAVELLER_FIRST = _FIRST + ["Claire", "Hans", "Emma", "Oliver", "Sophie", "Luca", "Fatima", "Omar", "Noah",
                             "Mia", "Jack", "Chloe", "Yusuf", "Aisha", "Lars", "Ingrid"]
_TRAVELLER_LAST = _LAST + ["Dubois", "Muller", "Smith", "Brown", "Rossi", "Schmidt", "Al Mansoori", "Jensen",
                           "Taylor", "Martin", "Haddad", "Larsen"]

# Where foreign agencies sit: legal forms, their account currency and the invoice currencies.
_FOREIGN = {  # country: (legal forms, account currency, invoice currencies with weights)
    "DE": (["GmbH", "Reisen GmbH", "Touristik GmbH"], "EUR", {"EUR": 0.8, "USD": 0.2}),
    "FR": (["SARL", "Voyages SAS"], "EUR", {"EUR": 0.85, "USD": 0.15}),
    "NL": (["B.V.", "Reizen B.V."], "EUR", {"EUR": 0.7, "USD": 0.3}),
    "GB": (["Ltd", "Travel Ltd", "Holidays Limited"], "GBP", {"GBP": 0.75, "USD": 0.15, "EUR": 0.1}),
    "AE": (["Tourism LLC", "Travel & Tourism L.L.C.", "Holidays FZE"], "AED", {"USD": 0.55, "AED": 0.45}),
    "US": (["LLC", "Travel Inc.", "Tours LLC"], "USD", {"USD": 1.0}),
}
_FOREIGN_SHARE = {"DE": 0.2, "FR": 0.1, "NL": 0.08, "GB": 0.22, "AE": 0.25, "US": 0.15}


@dataclass
class Agency:
    code: str
    legal_name: str          # as on our invoices
    account_name: str        # the account holder name their bank sends
    country: str             # IN or the foreign country
    account_currency: str
    invoice_currencies: dict[str, float]
    weight: float            # share of our invoices
    # finance-team habits
    ref_style: str           # careful | sloppy | booking | silent
    batch_payer: bool        # pays several invoices in one transfer on a payment run
    run_every_days: int      # payment-run cycle of a batch payer
    tds_rate: float          # 0, 0.01 or 0.02 (domestic only)
    tds_on_gross: bool       # deducts on the GST-inclusive amount by mistake
    personal_payer: str | None   # pays from the proprietor's personal account
    group_payer: str | None      # pays from a group treasury company
    fx_habit: str            # invoice_ccy | own_ccy_day | own_ccy_monthly (foreign agencies)
    charges: str             # OUR | SHA | BEN (foreign wires)
    email: str
    invoices: list = field(default_factory=list)

    @property
    def domestic(self) -> bool:
        return self.country == "IN"


@dataclass
class Invoice:
    number: str
    series: str
    fiscal_year: int
    seq: int
    booking_ref: str
    agency: Agency
    customer_name: str
    amount: int              # minor units, GST included
    taxable: int             # minor units, before GST
    currency: str
    issued: dt.date
    due: dt.date
    twin_of: str | None = None   # identical amount to this earlier invoice of the same agency


def fiscal_year(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def fy_label(year: int) -> str:
    return f"{year}-{(year + 1) % 100:02d}"


def _upper_account_name(rng: random.Random, legal: str) -> str:
    name = legal.upper().replace(".", "").replace(",", "")
    if rng.random() < 0.7:
        name = name.replace("PRIVATE LIMITED", rng.choice(["PVT LTD", "PVT LTD", "P LTD", "PRIVATE LTD"]))
    if rng.random() < 0.4:
        name = name.replace("&", "AND")
    return name


def _domestic_agency(rng: random.Random, code: str, used: set[str]) -> Agency:
    while True:
        trade = f"{rng.choice(_PLACE)} {rng.choice(_TRADE)}"
        if trade not in used:
            used.add(trade)
            break
    form = rng.choices(["Private Limited", "Pvt. Ltd.", "LLP", ""], [0.45, 0.15, 0.1, 0.3])[0]
    legal = f"{trade} {form}".strip()
    proprietor = f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"
    is_company = form != ""
    tds = 0.0
    if rng.random() < (0.45 if is_company else 0.15):
        tds = 0.02 if is_company else 0.01
    return Agency(
        code=code, legal_name=legal, account_name=_upper_account_name(rng, legal), country="IN",
        account_currency="INR", invoice_currencies={"INR": 1.0}, weight=0.0,
        ref_style=rng.choices(["careful", "sloppy", "booking", "silent"], [0.4, 0.38, 0.1, 0.12])[0],
        batch_payer=rng.random() < (0.45 if is_company else 0.1), run_every_days=rng.choice([7, 7, 14, 15, 30]),
        tds_rate=tds, tds_on_gross=rng.random() < 0.15,
        personal_payer=(proprietor.upper() if not is_company and rng.random() < 0.4 else None),
        group_payer=(f"{trade.split()[0].upper()} GROUP HOLDINGS PVT LTD" if is_company and rng.random() < 0.06
                     else None),
        fx_habit="invoice_ccy", charges="OUR",
        email=f"accounts@{trade.split()[0].lower()}{rng.choice(['holidays', 'tours', 'travel'])}.in",
    )


def _foreign_agency(rng: random.Random, code: str, used: set[str]) -> Agency:
    country = rng.choices(list(_FOREIGN_SHARE), list(_FOREIGN_SHARE.values()))[0]
    forms, account_ccy, inv_ccys = _FOREIGN[country]
    while True:
        base = f"{rng.choice(_FOREIGN_PLACE)} {rng.choice(['Travel', 'Tours', 'Journeys', 'Expeditions', 'Holidays'])}"
        if base not in used:
            used.add(base)
            break
    legal = f"{base} {rng.choice(forms)}"
    return Agency(
        code=code, legal_name=legal, account_name=legal.upper().replace(".", ""), country=country,
        account_currency=account_ccy, invoice_currencies=inv_ccys, weight=0.0,
        ref_style=rng.choices(["careful", "sloppy", "booking", "silent"], [0.5, 0.32, 0.08, 0.1])[0],
        batch_payer=rng.random() < 0.3, run_every_days=rng.choice([14, 30, 30]),
        tds_rate=0.0, tds_on_gross=False, personal_payer=None,
        group_payer=(f"{base.split()[0].upper()} HOLDING {rng.choice(['AG', 'LTD', 'GROUP'])}"
                     if rng.random() < 0.08 else None),
        fx_habit=rng.choices(["invoice_ccy", "own_ccy_day", "own_ccy_monthly"], [0.55, 0.25, 0.2])[0],
        charges=rng.choices(["SHA", "OUR", "BEN"], [0.6, 0.3, 0.1])[0],
        email=f"finance@{base.split()[0].lower().replace(' ', '')}-travel.com",
    )


def make_agencies(rng: random.Random, count: int) -> list[Agency]:
    """About 70 % Indian agencies; a long tail of sizes (a few agencies send most of the business)."""
    used: set[str] = set()
    agencies = []
    for i in range(count):
        code = f"AG{i + 1:04d}"
        agency = _domestic_agency(rng, code, used) if rng.random() < 0.7 else _foreign_agency(rng, code, used)
        agency.weight = 1.0 / (i + 1) ** 0.85 * rng.uniform(0.6, 1.4)
        agencies.append(agency)
    rng.shuffle(agencies)
    return agencies


def _booking_ref(rng: random.Random, used: set[str]) -> str:
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    while True:
        ref = "TB" + "".join(rng.choice(alphabet) for _ in range(7))
        if ref not in used:
            used.add(ref)
            return ref


def _issue_day(rng: random.Random) -> dt.date:
    span = (END - START).days
    while True:
        day = START + dt.timedelta(days=rng.randrange(span + 1))
        peak = day.month in (10, 11, 12, 1, 2, 3)
        if day.weekday() < 6 and rng.random() < (1.0 if peak else 0.65):
            return day


def _amount(rng: random.Random, currency: str, agency: Agency) -> tuple[int, int]:
    """(total, taxable) in minor units."""
    median = {"INR": 95_000, "USD": 2_600, "EUR": 2_400, "GBP": 2_100, "AED": 9_500}[currency]
    major = math.exp(rng.gauss(math.log(median), 0.75))
    major = min(max(major, median / 8), median * 18)
    if currency == "INR":
        if rng.random() < 0.16:  # a fixed-price package quoted GST-inclusive
            total = round(major / 5000) * 5000 * 100 or 2_500_000
            return total, round(total / 1.05)
        taxable = round(major * 100 / 1.05)
        return taxable + round(taxable * 0.05), taxable
    if rng.random() < 0.2:  # a quoted round price
        total = max(round(major / 50) * 50, 50) * 100
    else:
        total = round(major * 100)
    return total, total


def make_invoices(rng: random.Random, agencies: list[Agency], count: int) -> list[Invoice]:
    weights = [a.weight for a in agencies]
    refs: set[str] = set()
    drafts = []
    for _ in range(count):
        agency = rng.choices(agencies, weights)[0]
        currency = rng.choices(list(agency.invoice_currencies), list(agency.invoice_currencies.values()))[0]
        drafts.append((_issue_day(rng), agency, currency))
    drafts.sort(key=lambda d: d[0])
    counters: dict[tuple[str, int], int] = {("INV", 2024): 2_431, ("EXP", 2024): 688}  # FY 2024-25 ran since April
    invoices: list[Invoice] = []
    last_of_agency: dict[tuple[str, str], list[Invoice]] = {}
    for issued, agency, currency in drafts:
        series = "INV" if agency.domestic else "EXP"
        fy = fiscal_year(issued)
        seq = counters.get((series, fy), 0) + 1
        counters[(series, fy)] = seq
        total, taxable = _amount(rng, currency, agency)
        twin_of = None
        recent = [i for i in last_of_agency.get((agency.code, currency), []) if (issued - i.issued).days <= 60]
        if recent and rng.random() < 0.12:  # the same package again for another group
            twin = rng.choice(recent)
            total, taxable, twin_of = twin.amount, twin.taxable, twin.number
        supplementary = bool(invoices) and rng.random() < 0.04
        if supplementary:
            prior = [i for i in agency.invoices if (issued - i.issued).days <= 45]
            supplementary = bool(prior)
        booking = rng.choice(prior).booking_ref if supplementary else _booking_ref(rng, refs)
        pax = rng.choice([1, 2, 2, 2, 3, 4, 4, 6, 8, 12, 16, 24])
        who = f"{rng.choice(_TRAVELLER_FIRST)} {rng.choice(_TRAVELLER_LAST)}"
        customer = f"{rng.choice(['Mr.', 'Ms.', 'Mrs.', 'Dr.'])} {who}" + (f" x {pax}" if pax > 1 else "")
        terms = rng.choice([7, 15, 15, 30, 30, 45])
        inv = Invoice(f"{series}/{fy_label(fy)}/{seq:06d}", series, fy, seq, booking, agency, customer, total,
                      taxable, currency, issued, issued + dt.timedelta(days=terms), twin_of)
        invoices.append(inv)
        agency.invoices.append(inv)
        last_of_agency.setdefault((agency.code, currency), []).append(inv)
    return invoices
