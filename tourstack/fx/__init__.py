"""Foreign exchange: EUR-based reference rates from interchangeable sources, and conversions
that carry their provenance (rate, rate date, source, and whether the rate was carried forward).

    from tourstack.fx import EcbOfflineSource, convert
    convert(Money("100", "GBP"), "INR", date(2025, 3, 9), EcbOfflineSource()).stated
    # 'ECB reference rate of 2025-03-07 (Friday); 2025-03-09 is not a publication day'
"""

from tourstack.fx.convert import Conversion, convert
from tourstack.fx.db import DbRateSource, sync_rates
from tourstack.fx.ecb import EcbLiveSource, EcbOfflineSource, bundled_history, parse_ecb_xml
from tourstack.fx.errors import FxError, FxSourceError, RateNotAvailableError, UnknownCurrencyError
from tourstack.fx.oxr import OxrSource
from tourstack.fx.rates import AED_PER_USD, EurRate, RateLookup, RateSource, RateTable
from tourstack.fx.sources import SOURCE_NAMES, SYNC_SOURCE_NAMES, make_source

__all__ = [
    "AED_PER_USD",
    "Conversion",
    "DbRateSource",
    "EcbLiveSource",
    "EcbOfflineSource",
    "EurRate",
    "FxError",
    "FxSourceError",
    "OxrSource",
    "RateLookup",
    "RateNotAvailableError",
    "RateSource",
    "RateTable",
    "SOURCE_NAMES",
    "SYNC_SOURCE_NAMES",
    "UnknownCurrencyError",
    "bundled_history",
    "convert",
    "make_source",
    "parse_ecb_xml",
    "sync_rates",
]
