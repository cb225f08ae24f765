"""Which gateway takes a payment, and falling back to the next when one is down.

Rules are a small ordered table (first match wins) on currency, payer country and amount;
each names the gateways to try in order. The default: INR through Razorpay, USD/EUR/GBP
through Stripe, PayPal for everything else and as the fallback of both. Settings can replace
the table (TOURSTACK_PAYMENTS_ROUTING, JSON) without a deploy.

Fallback only happens for availability failures (`GatewayUnavailable`): the next gateway in
the rule is tried and the failure is counted by the circuit breaker, which makes later
payments skip an open gateway without waiting for its timeout. A decline is final: it is the
payer's problem, and retrying it elsewhere would look like card testing.

A caller's preferred gateway (or the one its payment method implies) only reorders the rule's
own candidates: a gateway the rules do not allow for the payment is refused (422), so the
preference can never route around the table.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from tourstack.payments.breaker import CircuitBreaker
from tourstack.payments.errors import Invalid
from tourstack.payments.gateway import (
    Gateway,
    GatewayPayment,
    GatewayUnavailable,
    PaymentRequest,
)

log = logging.getLogger("tourstack.payments.routing")


@dataclass(frozen=True)
class RouteRule:
    gateways: tuple[str, ...]
    currencies: frozenset[str] = frozenset()  # empty: any
    countries: frozenset[str] = frozenset()  # empty: any
    min_minor: int | None = None
    max_minor: int | None = None

    def matches(self, currency: str, country: str | None, amount_minor: int) -> bool:
        return (
            (not self.currencies or currency in self.currencies)
            and (not self.countries or (country or "") in self.countries)
            and (self.min_minor is None or amount_minor >= self.min_minor)
            and (self.max_minor is None or amount_minor <= self.max_minor)
        )

    @classmethod
    def from_dict(cls, raw: Mapping) -> RouteRule:
        return cls(
            gateways=tuple(raw["gateways"]),
            currencies=frozenset(c.upper() for c in raw.get("currencies", ())),
            countries=frozenset(c.upper() for c in raw.get("countries", ())),
            min_minor=raw.get("min_minor"), max_minor=raw.get("max_minor"),
        )


DEFAULT_RULES: tuple[RouteRule, ...] = (
    RouteRule(("razorpay", "paypal"), currencies=frozenset({"INR"})),
    RouteRule(("stripe", "paypal"), currencies=frozenset({"USD", "EUR", "GBP"})),
    RouteRule(("paypal",)),
)


class NoGatewayAvailable(Exception):
    """Every candidate gateway is down or its breaker is open."""

    def __init__(self, tried: Sequence[str], skipped: Sequence[str]) -> None:
        super().__init__(f"no payment gateway available (tried: {', '.join(tried) or '-'}; "
                         f"breaker open: {', '.join(skipped) or '-'})")
        self.tried = list(tried)
        self.skipped = list(skipped)


@dataclass
class PaymentRouter:
    gateways: Mapping[str, Gateway]
    breaker: CircuitBreaker
    rules: Sequence[RouteRule] = field(default=DEFAULT_RULES)

    def candidates(self, currency: str, country: str | None, amount_minor: int) -> list[str]:
        for rule in self.rules:
            if rule.matches(currency, country, amount_minor):
                return [g for g in rule.gateways if g in self.gateways]
        return []

    def create(self, request: PaymentRequest, *, country: str | None = None,
               prefer: str | None = None) -> GatewayPayment:
        """Create the payment on the first healthy gateway; `prefer` (one of the rule's
        candidates, else Invalid) goes first."""
        order = self.candidates(request.currency, country, request.amount_minor)
        if prefer:
            if prefer not in order:
                raise Invalid(f"{prefer} does not take {request.currency} payments of this kind "
                              f"(available: {', '.join(order) or 'none'})")
            order = [prefer] + [g for g in order if g != prefer]
        tried: list[str] = []
        skipped: list[str] = []
        for name in order:
            if not self.breaker.allow(name):
                skipped.append(name)
                continue
            tried.append(name)
            try:
                result = self.gateways[name].create_payment(request)
            except GatewayUnavailable as exc:
                self.breaker.record_failure(name)
                log.warning("gateway %s unavailable, falling back: %s", name, exc)
                continue
            self.breaker.record_success(name)
            return result
        raise NoGatewayAvailable(tried, skipped)
