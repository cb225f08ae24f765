"""Bank transfer: a per-booking virtual account reference the payer quotes on the transfer.

There is no API to call: "creating" a payment shows the payer our account and the reference
`TSVA<booking_ref>`; the payment completes when a bank statement line carrying that reference
arrives (see tourstack.payments.bank_matching). Refunds are paid out by hand from the bank, so
`refund` records a pending refund for finance to execute; finance then records it paid with the
bank's reference (`tourstack.payments.refunds.record_manual_refund`,
`POST /api/v1/refunds/{id}/mark-paid`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tourstack.payments.gateway import (
    GatewayDeclined,
    GatewayPayment,
    GatewayRefund,
    PaymentRequest,
    WebhookDelivery,
    WebhookNotice,
)

NAME = "bank_transfer"
PREFIX = "TSVA"


def virtual_account_reference(booking_ref: str) -> str:
    return f"{PREFIX}{booking_ref.replace('-', '').upper()}"


@dataclass(frozen=True)
class BankAccount:
    beneficiary: str
    account_number: str
    ifsc: str = ""
    iban: str = ""
    swift: str = ""


class BankTransferGateway:
    name = NAME

    def __init__(self, account: BankAccount) -> None:
        self._account = account

    def create_payment(self, request: PaymentRequest) -> GatewayPayment:
        ref = virtual_account_reference(request.reference)
        return GatewayPayment(
            gateway=NAME, reference=ref, status="pending", amount_minor=request.amount_minor,
            currency=request.currency, method="bank_transfer",
            next_action={"type": "bank_transfer", "reference": ref,
                         "beneficiary": self._account.beneficiary,
                         "account_number": self._account.account_number,
                         "ifsc": self._account.ifsc, "iban": self._account.iban,
                         "swift": self._account.swift},
        )

    def capture(self, payment_reference: str, amount_minor: int, currency: str,
                details: dict[str, str]) -> GatewayPayment:
        raise GatewayDeclined(NAME, "a bank transfer completes when the bank line arrives")

    def fetch(self, payment_reference: str) -> GatewayPayment:
        raise GatewayDeclined(NAME, "bank transfers are known from bank statements only")

    def refund(self, payment: GatewayPayment, amount_minor: int, idempotency_key: str,
               reason: str) -> GatewayRefund:
        return GatewayRefund(NAME, f"manual-{idempotency_key[:50]}", "pending", amount_minor, payment.currency)

    def find_refund(self, payment: GatewayPayment, idempotency_key: str) -> GatewayRefund | None:
        return None

    def verify_webhook(self, body: bytes, headers: dict[str, str]) -> WebhookDelivery:
        raise GatewayDeclined(NAME, "bank transfers have no webhooks")

    def normalise_webhook(self, event_id: str, payload: str) -> WebhookNotice:
        raise GatewayDeclined(NAME, "bank transfers have no webhooks")
