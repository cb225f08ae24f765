"""Payments: gateways behind one interface, routing with fallback, plans, refunds, disputes,
webhooks and retries. Nothing here imports FastAPI, Dagster or the settings module."""

from tourstack.payments.bank_matching import match_bank_lines
from tourstack.payments.bank_transfer import BankAccount, virtual_account_reference
from tourstack.payments.breaker import CircuitBreaker, MemoryStore, RedisStore
from tourstack.payments.errors import (
    Conflict,
    ExceedsRemaining,
    IdempotencyKeyReused,
    Invalid,
    NotFound,
    PaymentInProgress,
    PaymentsError,
)
from tourstack.payments.gateway import (
    Gateway,
    GatewayDeclined,
    GatewayError,
    GatewayPayment,
    GatewayUnavailable,
    InvalidSignature,
    PaymentRequest,
    WebhookDelivery,
)
from tourstack.payments.invoice_link import refresh_booking_invoices
from tourstack.payments.plans import (
    PlanTerms,
    create_plan,
    current_plan,
    outstanding_minor,
    plan_installments,
    received_minor,
    refresh_booking,
    split_deposit,
    split_equal,
)
from tourstack.payments.refunds import (
    approve_refund,
    get_refund,
    open_dispute,
    record_manual_refund,
    request_refund,
    resolve_dispute,
)
from tourstack.payments.retry import retry_due_payments, run_payments_maintenance, schedule_retry
from tourstack.payments.routing import NoGatewayAvailable, PaymentRouter, RouteRule
from tourstack.payments.runtime import (
    GatewayConfig,
    PaymentsRuntime,
    build_gateways,
    build_runtime,
    config_from_settings,
)
from tourstack.payments.service import (
    PaymentInput,
    PaymentResult,
    capture_payment,
    get_payment,
    list_payments,
    take_payment,
)
from tourstack.payments.webhooks import dead_lettered_count, list_events, receive, requeue, retry_events

__all__ = [
    "BankAccount", "CircuitBreaker", "Conflict", "ExceedsRemaining", "Gateway", "GatewayConfig", "GatewayDeclined",
    "GatewayError", "GatewayPayment", "GatewayUnavailable", "IdempotencyKeyReused", "Invalid",
    "InvalidSignature", "MemoryStore", "NoGatewayAvailable", "NotFound", "PaymentInProgress",
    "PaymentInput", "PaymentRequest", "PaymentResult", "PaymentRouter", "PaymentsError",
    "PaymentsRuntime", "PlanTerms", "RedisStore", "RouteRule", "WebhookDelivery", "approve_refund",
    "build_gateways", "build_runtime", "capture_payment", "config_from_settings", "create_plan",
    "current_plan", "dead_lettered_count", "get_payment", "get_refund", "list_events", "list_payments",
    "match_bank_lines", "open_dispute", "outstanding_minor", "plan_installments", "receive",
    "received_minor", "record_manual_refund", "refresh_booking", "refresh_booking_invoices",
    "request_refund", "requeue", "resolve_dispute", "retry_due_payments", "retry_events",
    "run_payments_maintenance", "schedule_retry", "split_deposit", "split_equal", "take_payment",
    "virtual_account_reference",
]
