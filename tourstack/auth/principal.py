"""Who is calling, and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    AGENT = "agent"
    OPS = "ops"
    FINANCE = "finance"
    ADMIN = "admin"


ROLES: tuple[str, ...] = tuple(role.value for role in Role)


class Permission(StrEnum):
    BOOKINGS_READ = "bookings:read"
    QUOTES_READ = "quotes:read"
    QUOTES_CREATE = "quotes:create"
    # Book a quote, change a booking's trip or contacts, cancel it (agents: their agency's).
    BOOKINGS_MANAGE = "bookings:manage"
    # Operator-internal numbers: supplier cost and margin. Agents never see them.
    COSTS_READ = "costs:read"
    API_KEYS_MANAGE = "api_keys:manage"
    # Agents read only their own agency's issued documents; the routes enforce that scope.
    INVOICES_READ = "invoices:read"
    # Draft, submit, approve, issue, void and credit invoices (finance and admin).
    INVOICES_MANAGE = "invoices:manage"
    # Supplier dues and payouts: operator-internal; ops read them, agents never do.
    SETTLEMENT_READ = "settlement:read"
    # Propose, approve, reject and mark supplier payouts paid (finance and admin).
    SETTLEMENT_MANAGE = "settlement:manage"
    # Itineraries: agents read and work on their own agency's drafts; staff on all.
    ITINERARIES_READ = "itineraries:read"
    # Generate, edit, lock, regenerate (costs AI budget) and approve drafts.
    ITINERARIES_MANAGE = "itineraries:manage"
    # AI-written descriptions, captions and e-mails.
    CONTENT_GENERATE = "content:generate"
    # Payment plans and payments; agents only for their own agency's bookings.
    PAYMENTS_READ = "payments:read"
    PAYMENTS_CREATE = "payments:create"
    # Ask for a refund (ops, finance); approving one above the threshold is finance's.
    REFUNDS_REQUEST = "refunds:request"
    REFUNDS_APPROVE = "refunds:approve"
    # Chargebacks: read and record outcomes (finance and admin).
    DISPUTES_MANAGE = "disputes:manage"
    # Reconciliation: the decision trail and a transaction's matches (ops read them too) ...
    RECONCILIATION_READ = "reconciliation:read"
    # ... and the manual steps and the exception queue (finance and admin).
    RECONCILIATION_MANAGE = "reconciliation:manage"
    # Stored gateway webhook events: list, requeue, read the refused-signature tallies (finance
    # and admin). The deliveries themselves are signed by the gateway, not keyed.
    WEBHOOKS_MANAGE = "webhooks:manage"
    # Company-wide analytics (dashboards, metrics, report runs): staff only, since aggregate
    # figures span every agency and cannot be scoped to one.
    ANALYTICS_READ = "analytics:read"
    # Save, delete and schedule reports (recipients get company-wide figures by e-mail).
    REPORTS_MANAGE = "reports:manage"
    # The messaging outbox: read deliveries and dead letters (ops, finance) and replay them
    # (ops and admin). Messages carry customers' contact details: staff only.
    MESSAGES_READ = "messages:read"
    MESSAGES_MANAGE = "messages:manage"
    # Accounting sync (QuickBooks, Xero): connection states and queues (finance, admin), and
    # connecting a company (finance, admin). Company-wide books: never agents or ops.
    ACCOUNTING_READ = "accounting:read"
    ACCOUNTING_MANAGE = "accounting:manage"


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(
        {
            Permission.BOOKINGS_READ,
            Permission.QUOTES_READ,
            Permission.QUOTES_CREATE,
            Permission.BOOKINGS_MANAGE,
            Permission.INVOICES_READ,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_CREATE,
            Permission.ITINERARIES_READ,
            Permission.ITINERARIES_MANAGE,
            Permission.CONTENT_GENERATE,
        }
    ),
    Role.OPS: frozenset(
        {
            Permission.BOOKINGS_READ,
            Permission.QUOTES_READ,
            Permission.QUOTES_CREATE,
            Permission.BOOKINGS_MANAGE,
            Permission.COSTS_READ,
            Permission.INVOICES_READ,
            Permission.SETTLEMENT_READ,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_CREATE,
            Permission.REFUNDS_REQUEST,
            Permission.RECONCILIATION_READ,
            Permission.ITINERARIES_READ,
            Permission.ITINERARIES_MANAGE,
            Permission.CONTENT_GENERATE,
            Permission.ANALYTICS_READ,
            Permission.REPORTS_MANAGE,
            Permission.MESSAGES_READ,
            Permission.MESSAGES_MANAGE,
        }
    ),
    Role.FINANCE: frozenset(
        {
            Permission.BOOKINGS_READ,
            Permission.QUOTES_READ,
            Permission.COSTS_READ,
            Permission.INVOICES_READ,
            Permission.INVOICES_MANAGE,
            Permission.SETTLEMENT_READ,
            Permission.SETTLEMENT_MANAGE,
            Permission.PAYMENTS_READ,
            Permission.PAYMENTS_CREATE,
            Permission.REFUNDS_REQUEST,
            Permission.REFUNDS_APPROVE,
            Permission.DISPUTES_MANAGE,
            Permission.RECONCILIATION_READ,
            Permission.RECONCILIATION_MANAGE,
            Permission.WEBHOOKS_MANAGE,
            Permission.ITINERARIES_READ,
            Permission.ANALYTICS_READ,
            Permission.REPORTS_MANAGE,
            Permission.MESSAGES_READ,
            Permission.ACCOUNTING_READ,
            Permission.ACCOUNTING_MANAGE,
        }
    ),
    Role.ADMIN: frozenset(Permission),
}


def has_permission(role: str, permission: Permission | str) -> bool:
    """True when `role` grants `permission`; unknown roles grant nothing."""
    try:
        return Permission(permission) in ROLE_PERMISSIONS[Role(role)]
    except ValueError:
        return False


@dataclass(frozen=True, slots=True)
class Principal:
    """The caller behind a verified API key.

    An agent principal always carries `agency_id` and must only see that agency's rows; staff
    principals (ops, finance, admin) have no agency and see everything their role permits.
    """

    key_id: int
    role: str
    agency_id: int | None = None
    agent_id: int | None = None
    staff_user_id: int | None = None

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role: {self.role!r}")
        if self.role == Role.AGENT and self.agency_id is None:
            raise ValueError("an agent principal needs an agency")

    @property
    def is_agent(self) -> bool:
        return self.role == Role.AGENT

    @property
    def scope_agency_id(self) -> int | None:
        """The agency every query must be limited to, or None for staff (all agencies)."""
        return self.agency_id if self.is_agent else None

    def can(self, permission: Permission | str) -> bool:
        return has_permission(self.role, permission)
