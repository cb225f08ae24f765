"""Tax on invoice lines: India GST (CGST+SGST, IGST, zero-rated export) and foreign VAT.

Rules, for an operator registered for GST in India:
- customer in India, same state as the operator -> intra_state: CGST and SGST, half the rate each;
- customer in India, another state -> inter_state: IGST at the full rate;
- customer abroad -> export: zero-rated (supply under LUT, no tax charged), unless the operator
  is registered for VAT in that country (`vat_registered_countries`), in which case the
  country's rate from `vat_rates` applies (regime vat).

Rounding: each component of each line is computed from the line's net amount in minor units and
rounded half-even (tourstack.money.ROUNDING) on its own, so CGST and SGST are always equal, and
the invoice's totals are plain sums of its lines: they tie out by construction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from tourstack.invoicing.errors import InvalidInvoice
from tourstack.money import ROUNDING

INDIA = "IN"
# Tour operator services without input tax credit: 5 % (notification 11/2017, item 23).
DEFAULT_GST_RATE_BPS = 500
TOUR_OPERATOR_SAC = "998555"
DEFAULT_VAT_RATES_BPS: Mapping[str, int] = MappingProxyType(
    {"GB": 2000, "FR": 2000, "DE": 1900, "IT": 2200, "ES": 2100, "NL": 2100, "AE": 500,
     "SG": 900, "TH": 700, "AU": 1000, "JP": 1000}
)

INTRA_STATE, INTER_STATE, EXPORT, VAT = "intra_state", "inter_state", "export", "vat"
REGIMES = (INTRA_STATE, INTER_STATE, EXPORT, VAT)


@dataclass(frozen=True)
class Seller:
    """The operator as printed on its documents; `state_code` decides intra- vs inter-state."""

    name: str = "Tourstack Journeys Pvt Ltd"
    address_lines: tuple[str, ...] = ("14 Hawa Mahal Road", "Jaipur 302002, Rajasthan, India")
    gstin: str = "08AABCT1234F1Z5"
    state_code: str = "RJ"
    gst_state_number: str = "08"  # the first two digits of the GSTIN
    city: str = "Jaipur"
    pincode: str = "302002"
    email: str = "accounts@tourstack.example"
    phone: str = "+91 141 400 0000"


@dataclass(frozen=True)
class InvoicingConfig:
    """Everything invoicing needs to know about the operator; built from settings by callers."""

    seller: Seller = field(default_factory=Seller)
    gst_rate_bps: int = DEFAULT_GST_RATE_BPS
    sac_code: str = TOUR_OPERATOR_SAC
    vat_rates_bps: Mapping[str, int] = field(default_factory=lambda: DEFAULT_VAT_RATES_BPS)
    vat_registered_countries: frozenset[str] = frozenset()
    payment_terms_days: int = 15
    invoice_series: str = "INV"
    credit_note_series: str = "CN"


@dataclass(frozen=True)
class TaxTreatment:
    """How an invoice is taxed: its regime, place of supply and component rates (basis points)."""

    regime: str
    place_of_supply: str
    cgst_bps: int = 0
    sgst_bps: int = 0
    igst_bps: int = 0
    vat_bps: int = 0

    @property
    def rate_bps(self) -> int:
        return self.cgst_bps + self.sgst_bps + self.igst_bps + self.vat_bps


@dataclass(frozen=True)
class LineTax:
    cgst_minor: int = 0
    sgst_minor: int = 0
    igst_minor: int = 0
    vat_minor: int = 0

    @property
    def total_minor(self) -> int:
        return self.cgst_minor + self.sgst_minor + self.igst_minor + self.vat_minor


def treatment_for(config: InvoicingConfig, country_code: str, state_code: str | None) -> TaxTreatment:
    """The tax treatment of a customer in `country_code` / `state_code`."""
    country = country_code.upper()
    if country == INDIA:
        if not state_code:
            raise InvalidInvoice("an Indian customer needs a state code (GST place of supply)")
        state = state_code.upper()
        if state == config.seller.state_code.upper():
            if config.gst_rate_bps % 2:
                raise InvalidInvoice("the GST rate must split evenly into CGST and SGST")
            half = config.gst_rate_bps // 2
            return TaxTreatment(INTRA_STATE, state, cgst_bps=half, sgst_bps=half)
        return TaxTreatment(INTER_STATE, state, igst_bps=config.gst_rate_bps)
    if country in config.vat_registered_countries:
        rate = config.vat_rates_bps.get(country)
        if rate is None:
            raise InvalidInvoice(f"no VAT rate configured for {country}")
        return TaxTreatment(VAT, country, vat_bps=rate)
    return TaxTreatment(EXPORT, country)


def _component(net_minor: int, bps: int) -> int:
    if bps == 0:
        return 0
    return int((Decimal(net_minor) * bps / Decimal(10_000)).quantize(Decimal(1), rounding=ROUNDING))


def line_tax(net_minor: int, treatment: TaxTreatment) -> LineTax:
    """Tax components of one line, each rounded half-even in minor units."""
    return LineTax(
        cgst_minor=_component(net_minor, treatment.cgst_bps),
        sgst_minor=_component(net_minor, treatment.sgst_bps),
        igst_minor=_component(net_minor, treatment.igst_bps),
        vat_minor=_component(net_minor, treatment.vat_bps),
    )


def treatment_of_invoice(regime: str | None, place: str | None, line_rate_bps: int) -> TaxTreatment:
    """Rebuild the treatment of an existing invoice line (for credit notes against it)."""
    regime = regime or EXPORT
    if regime == INTRA_STATE:
        half = line_rate_bps // 2
        return TaxTreatment(regime, place or "", cgst_bps=half, sgst_bps=line_rate_bps - half)
    if regime == INTER_STATE:
        return TaxTreatment(regime, place or "", igst_bps=line_rate_bps)
    if regime == VAT:
        return TaxTreatment(regime, place or "", vat_bps=line_rate_bps)
    return TaxTreatment(regime, place or "")
