"""Reading a supplier's rate sheet into rates: item, season, validity, currency, price per unit
and occupancy, from an XLSX or CSV attachment, a PDF table or a table typed in the body.

Why one line reader for every source: suppliers lay their sheets out long (one row per
occupancy), wide (a column per occupancy) or as text whose columns a PDF glues together
("Shoulder01-07-202730/09/2027"). Each row is read as text by what its pieces look like (a season
word, two dates, an occupancy, a unit, a currency, then the prices), and the header row says
which price is which occupancy. Spreadsheet cells are joined with " | ", so a cell boundary is
never lost. Values are read, never evaluated: openpyxl with `data_only` (cached values, no
formulas run) and pypdf's text only.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from tourstack.inbox.dates import DATE, fold, match_date
from tourstack.inbox.parse import ParsedMail

SEASONS = (  # longest first: "off season" before "season"
    ("peak", (r"peak", r"high\s*season", r"haute\s*saison", r"hauptsaison", r"hochsaison")),
    ("shoulder", (r"shoulder", r"mid\s*season", r"moyenne\s*saison", r"zwischensaison", r"mittelsaison")),
    ("low", (r"off[\s-]*season", r"low", r"lean", r"basse\s*saison", r"nebensaison", r"tiefsaison")),
)
OCCUPANCIES = (("single", r"single|sgl|einzel(?:zimmer)?|ez|simple|individuelle"),
               ("double", r"double|dbl|twin|doppel(?:zimmer)?|dz"),
               ("triple", r"triple|tpl|dreibett"))
UNITS = (("per_night", r"per\s*night|par\s*nuit|pro\s*nacht|/\s*night|nightly"),
         ("per_day", r"per\s*day|par\s*jour|pro\s*tag|/\s*day|full\s*day"),
         ("per_person", r"per\s*person|par\s*personne|pro\s*person|per\s*pax|/\s*pax"),
         ("per_trip", r"per\s*(?:trip|transfer|vehicle)|par\s*(?:trajet|transfert|v[ée]hicule)|pro\s*fahrt"))
CURRENCIES = ("INR", "EUR", "USD", "GBP", "CHF", "AED", "THB", "SGD", "JPY")
_SYMBOLS = {"₹": "INR", "€": "EUR", "$": "USD", "£": "GBP"}
HEADER_WORDS = re.compile(r"room|item|service|prestation|leistung|zimmer|chambre|category|categorie|season|saison|"
                          r"rate|price|prix|preis|tarif|from|valid|du\b|von\b|occupancy|unit|unit[ée]", re.IGNORECASE)
# Every digit of an amount is kept ("11395.555" stays that, to be refused at approval, never cut).
AMOUNT = re.compile(r"(?<![\d.,])(\d{1,3}(?:[,.\u202f ]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?)(?![\d])")
MAX_ROWS = 5_000  # a sheet longer than this is not a rate sheet; what is read of it stays bounded


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

    def as_json(self) -> dict:
        return {"item": self.item, "season": self.season, "valid_from": self.valid_from.isoformat(),
                "valid_to": self.valid_to.isoformat(), "currency": self.currency, "price": str(self.price),
                "unit": self.unit, "occupancy": self.occupancy}


def _first(pairs, text: str) -> tuple[str | None, re.Match | None]:
    best = (None, None)
    for name, pattern in pairs:
        if isinstance(pattern, tuple):
            pattern = "|".join(pattern)
        match = re.search(rf"(?:{pattern})", text, re.IGNORECASE)
        if match and (best[1] is None or match.start() < best[1].start()):
            best = (name, match)
    return best


def amount(text: str) -> Decimal | None:
    """'9,140', '9.140' and '9 140' are thousands; '186,50' has a decimal comma, '9.140,50' and
    '9,140.50' both separators; '11395.555' keeps its three decimals."""
    raw = text.replace("\u202f", " ").strip()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+|\d{1,3}(?: \d{3})+", raw):
        raw = re.sub(r"[,. ]", "", raw)
    elif re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+,\d+", raw):
        raw = re.sub(r"[. ]", "", raw).replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:[, ]\d{3})+\.\d+", raw):
        raw = re.sub(r"[, ]", "", raw)
    elif re.fullmatch(r"\d+[.,]\d+|\d+", raw):
        raw = raw.replace(",", ".")
    else:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None
    return value if value > 0 else None


def currency_in(text: str) -> str | None:
    for code in CURRENCIES:
        if re.search(rf"\b{code}\b", text):
            return code
    return next((code for symbol, code in _SYMBOLS.items() if symbol in text), None)


def unit_in(text: str) -> str | None:
    return _first(UNITS, text)[0]


@dataclass
class Header:
    occupancies: list[str]  # the order of the price columns of a wide sheet
    currency: str | None
    unit: str | None


def _header(line: str) -> Header | None:
    if DATE.search(line) or len(HEADER_WORDS.findall(line)) < 2:
        return None
    occupancies = [name for name, pattern in OCCUPANCIES
                   if re.search(rf"\b(?:{pattern})\b", line, re.IGNORECASE)]
    if re.search(r"occupancy|belegung|occupation", line, re.IGNORECASE):
        occupancies = []  # a long sheet: the occupancy is a column of its own
    positions = sorted(occupancies, key=lambda n: re.search(dict(OCCUPANCIES)[n], line, re.IGNORECASE).start())
    return Header(positions, currency_in(line), unit_in(line))


def _rates_of_line(line: str, header: Header, currency: str | None, unit: str | None) -> list[Rate]:
    dates = [(m, match_date(m)) for m in DATE.finditer(line)]
    dates = [(m, d) for m, d in dates if d is not None]
    if len(dates) < 2:
        return []
    (first, start), (second, end) = dates[0], dates[1]
    head, tail = line[:first.start()], line[second.end():]
    season, season_match = _first(SEASONS, fold(head))
    item_text = head[:season_match.start()] if season_match else head
    item = re.sub(r"[|;,\s]+$", "", re.sub(r"^[|;,\s]+", "", item_text)).strip()
    item = re.sub(r"\s*\|\s*", " ", item).strip()
    if not item or start > end:
        return []
    occupancy, occ_match = _first([(n, rf"\b(?:{p})\b") for n, p in OCCUPANCIES], tail)
    row_unit = unit_in(tail) or unit
    row_currency = currency_in(tail) or header.currency or currency
    cleaned = tail
    for pattern in [p for _, p in UNITS] + [rf"\b(?:{p})\b" for _, p in OCCUPANCIES] + list(CURRENCIES):
        cleaned = re.sub(pattern, " ", cleaned, flags=re.IGNORECASE)
    prices = [p for p in (amount(m.group(1)) for m in AMOUNT.finditer(cleaned)) if p is not None]
    if not prices or row_currency is None:
        return []
    if occupancy is not None or not header.occupancies:
        pairs = [(occupancy, prices[-1])]
    else:
        pairs = list(zip(header.occupancies, prices[-len(header.occupancies):]))
    default_unit = "per_night" if any(o for o, _ in pairs) else "per_trip"
    return [Rate(item[:200], season, start, end, row_currency, price, row_unit or default_unit, occ)
            for occ, price in pairs]


def read_lines(lines: list[str], context: str) -> list[Rate]:
    """Rates from rows of text; `context` (title rows, the mail) gives currency and unit defaults."""
    currency, unit = currency_in(context), unit_in(context)
    header, seen_header, wrapped, out = Header([], None, None), False, "", []
    for line in lines[:MAX_ROWS]:
        if (found := _header(line)) is not None:
            header, seen_header, wrapped = found, True, ""
            unit = found.unit or unit
            continue
        if not DATE.search(line):
            currency = currency_in(line) or currency  # "Currency: INR | net rates" above the table
            # A PDF wraps a long item name: "Doppelzimmer" alone, then "Superior  Hauptsaison ...".
            words = line.strip()
            wrapped = words if seen_header and re.fullmatch(r"[^\d|;]{2,40}", words) and len(words.split()) <= 4 \
                and currency_in(words) is None else ""
            continue
        rates = _rates_of_line(f"{wrapped} {line.strip()}" if wrapped else line, header, currency, unit)
        wrapped = ""
        out += rates
    return out


def _cell(value) -> str:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    return "" if value is None else str(value).strip()


def _xlsx_lines(data: bytes) -> list[str]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    lines = []
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True, max_row=MAX_ROWS):
                cells = [_cell(v) for v in row]
                if any(cells):
                    lines.append(" | ".join(cells))
    finally:
        book.close()
    return lines


def _csv_lines(data: bytes) -> list[str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
    return [" | ".join(c.strip() for c in row) for row in csv.reader(io.StringIO(text), dialect) if any(row)]


def _pdf_lines(data: bytes) -> list[str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        return []
    return [line for page in reader.pages[:20] for line in page.extract_text(extraction_mode="layout").splitlines()
            if line.strip()]


def extract(mail: ParsedMail) -> list[Rate]:
    """Every rate of the message's sheets; the body's typed table when no attachment has one."""
    context = f"{mail.subject}\n{mail.text}"
    rates: list[Rate] = []
    for attachment in mail.attachments:
        name = attachment.filename.lower()
        try:
            if name.endswith(".xlsx"):
                lines = _xlsx_lines(attachment.data)
            elif name.endswith(".csv") or attachment.content_type == "text/csv":
                lines = _csv_lines(attachment.data)
            elif name.endswith(".pdf") or attachment.content_type == "application/pdf":
                lines = _pdf_lines(attachment.data)
            else:
                continue
        except Exception:  # a sheet that cannot be read yields no rates; the message keeps it
            continue
        rates += read_lines(lines, context)
    if not rates:
        rates = read_lines(mail.text.splitlines(), context)
    return rates
