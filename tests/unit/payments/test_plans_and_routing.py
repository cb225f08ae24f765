"""Fast tests: exact allocation, the breaker's state machine, routing and fallback."""

from __future__ import annotations

import pytest

from tests.fakes.memory_gateway import MemoryGateway
from tourstack.payments import (
    CircuitBreaker,
    GatewayDeclined,
    Invalid,
    NoGatewayAvailable,
    PaymentRequest,
    PaymentRouter,
    RouteRule,
    split_deposit,
    split_equal,
)
from tourstack.payments.plans import allocate
from tourstack.payments.runtime import parse_rules


@pytest.mark.parametrize("total", [1, 7, 100, 99_999, 120_000_01, 10**12 + 3])
@pytest.mark.parametrize("parts", [1, 2, 3, 7, 12])
def test_installments_never_lose_a_minor_unit(total, parts):
    amounts = split_equal(total, parts)
    assert sum(amounts) == total and max(amounts) - min(amounts) <= 1


def test_deposit_rounds_half_up_and_balance_takes_the_rest():
    assert split_deposit(100_00, 3000) == (30_00, 70_00)
    assert split_deposit(5, 3000) == (2, 3)  # 1.5 -> 2
    assert split_deposit(3, 3333) == (1, 2)
    with pytest.raises(Invalid):
        split_deposit(100, 0)


def test_allocation_is_a_waterfall():
    assert allocate([30, 70], 50) == [30, 20]
    assert allocate([30, 70], 0) == [0, 0]
    assert allocate([30, 70], 500) == [30, 70]


def test_breaker_opens_after_threshold_and_half_opens_after_cooldown():
    now = [0.0]
    breaker = CircuitBreaker(threshold=3, cooldown_seconds=10, clock=lambda: now[0])
    for _ in range(2):
        breaker.record_failure("stripe")
    assert breaker.state("stripe") == "closed"
    breaker.record_failure("stripe")
    assert breaker.state("stripe") == "open" and not breaker.allow("stripe")
    now[0] = 10
    assert breaker.state("stripe") == "half_open"
    breaker.record_failure("stripe")
    assert breaker.state("stripe") == "open"
    now[0] = 25
    breaker.record_success("stripe")
    assert breaker.state("stripe") == "closed"


def _router(**gateways) -> PaymentRouter:
    return PaymentRouter(gateways, CircuitBreaker(threshold=2, cooldown_seconds=60))


def _request(currency="INR", key="k1", amount=10_000) -> PaymentRequest:
    return PaymentRequest(amount, currency, key, "BK1")


def test_default_rules_route_by_currency():
    router = _router(stripe=MemoryGateway("stripe"), razorpay=MemoryGateway("razorpay"), paypal=MemoryGateway("paypal"))
    assert router.create(_request("INR")).gateway == "razorpay"
    assert router.create(_request("EUR")).gateway == "stripe"
    assert router.create(_request("AUD")).gateway == "paypal"
    assert router.create(_request("INR"), prefer="paypal").gateway == "paypal"  # reorders the rule's own


def test_a_preference_cannot_route_around_the_rules():
    stripe, razorpay = MemoryGateway("stripe"), MemoryGateway("razorpay")
    router = _router(stripe=stripe, razorpay=razorpay, paypal=MemoryGateway("paypal"))
    with pytest.raises(Invalid, match="stripe does not take INR"):
        router.create(_request("INR"), prefer="stripe")
    with pytest.raises(Invalid):
        router.create(_request("USD"), prefer="razorpay")  # e.g. method "upi" on a USD booking
    assert stripe.calls == razorpay.calls == 0


def test_rules_by_country_and_amount_from_json():
    rules = parse_rules('[{"currencies": ["USD"], "countries": ["IN"], "max_minor": 5000, "gateways": ["razorpay"]},'
                        ' {"gateways": ["stripe"]}]')
    router = PaymentRouter({"stripe": MemoryGateway("stripe"), "razorpay": MemoryGateway("razorpay")},
                           CircuitBreaker(), rules)
    assert router.create(_request("USD", amount=5000), country="IN").gateway == "razorpay"
    assert router.create(_request("USD", amount=5001), country="IN").gateway == "stripe"
    assert router.create(_request("USD", amount=10), country="US").gateway == "stripe"
    assert RouteRule(("x",)).matches("ANY", None, 1)


def test_fallback_and_breaker_skip_a_down_gateway():
    down, paypal = MemoryGateway("razorpay", outcome="down"), MemoryGateway("paypal")
    router = _router(razorpay=down, paypal=paypal)
    for i in range(3):
        assert router.create(_request(key=f"k{i}")).gateway == "paypal"
    assert down.calls == 2 and router.breaker.state("razorpay") == "open"
    paypal.outcome = "down"
    with pytest.raises(NoGatewayAvailable) as info:
        router.create(_request(key="k9"))
    assert info.value.skipped == ["razorpay"] and info.value.tried == ["paypal"]


def test_a_decline_is_final_not_a_fallback():
    declined, paypal = MemoryGateway("razorpay", outcome="declined"), MemoryGateway("paypal")
    router = _router(razorpay=declined, paypal=paypal)
    with pytest.raises(GatewayDeclined):
        router.create(_request())
    assert paypal.calls == 0 and router.breaker.state("razorpay") == "closed"


def test_half_open_breaker_lets_one_probe_through_the_router():
    now = [1000.0]
    razorpay, paypal = MemoryGateway("razorpay", outcome="down"), MemoryGateway("paypal")
    router = PaymentRouter({"razorpay": razorpay, "paypal": paypal},
                           CircuitBreaker(threshold=2, cooldown_seconds=60, clock=lambda: now[0]))
    for i in range(3):
        assert router.create(_request(key=f"a{i}")).gateway == "paypal"
    assert razorpay.calls == 2 and router.breaker.state("razorpay") == "open"

    now[0] += 60  # half-open: the next payment probes Razorpay; it is still down
    assert router.create(_request(key="probe1")).gateway == "paypal"
    assert razorpay.calls == 3 and router.breaker.state("razorpay") == "open"
    assert router.create(_request(key="skip")).gateway == "paypal" and razorpay.calls == 3

    now[0] += 60
    razorpay.outcome = "succeeded"  # the probe succeeds: closed again, Razorpay takes payments
    assert router.create(_request(key="probe2")).gateway == "razorpay"
    assert router.breaker.state("razorpay") == "closed"
    assert router.create(_request(key="after")).gateway == "razorpay" and razorpay.calls == 5
