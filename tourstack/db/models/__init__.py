"""Every operational table, imported so `Base.metadata` knows them all."""

from tourstack.db.models.itinerary import AiGeneration, ItineraryRevision
from tourstack.db.models.accounting import (
    AccountingConflict,
    AccountingConnection,
    AccountingMapping,
    AccountingRemotePayment,
    AccountingSyncError,
    AccountingWebhookDelivery,
)
from tourstack.db.models.bankfiles import BankStatementImport
from tourstack.db.models.bookings import BookingRequest
from tourstack.db.models.executive_email import ExecutiveEmail
from tourstack.db.models.messaging import OutboxMessage
from tourstack.db.models.whatsapp import WhatsAppContact, WhatsAppMessage

from tourstack.db.models.catalogue import (
    Destination,
    Site,
    SiteCrowdLevel,
    SiteOpeningHours,
    Supplier,
    SupplierRate,
)
from tourstack.db.models.crm import Agency, Agent, ApiKey, Customer, StaffTask, StaffUser
from tourstack.db.models.finance import (
    BankStatementLine,
    Dispute,
    FxRate,
    Installment,
    Invoice,
    InvoiceLine,
    MarketingSpend,
    Payment,
    PaymentPlan,
    Refund,
    SettlementBatch,
    SupplierPayout,
)
from tourstack.db.models.inbox import (
    InboxConfirmation,
    InboxInboundToken,
    InboxMessage,
    InboxStagedRate,
    InboxTask,
)
from tourstack.db.models.invoicing import InvoiceCounter, InvoiceEvent
from tourstack.db.models.messaging import CalendarEvent, MessageThread, OutboxMessage, OutboxRateSlot
from tourstack.db.models.payments import WebhookEvent
from tourstack.db.models.reconciliation import (
    ReconciliationDecision,
    ReconciliationException,
    ReconciliationMatch,
)
from tourstack.db.models.reporting import ReportSchedule, SavedReport
from tourstack.db.models.supplier_payouts import SupplierPayoutEvent, SupplierPayoutItem
from tourstack.db.models.sales import (
    Booking,
    BookingItem,
    CustomerRating,
    Itinerary,
    ItineraryDay,
    ItineraryItem,
    Quote,
    QuoteRequest,
)

__all__ = [
    "WhatsAppContact",
    "WhatsAppMessage",
    "AccountingConflict", "AccountingConnection", "AccountingMapping", "AccountingRemotePayment",
    "AccountingSyncError", "AccountingWebhookDelivery",
    "OutboxMessage",
    "InboxConfirmation", "InboxInboundToken", "InboxMessage", "InboxStagedRate", "InboxTask",
    "Agency", "Agent", "AiGeneration", "ApiKey", "BankStatementImport", "BankStatementLine",
    "Booking", "BookingItem", "BookingRequest", "Customer", "CustomerRating", "Destination", "Dispute",
    "ExecutiveEmail", "FxRate", "Installment", "Invoice", "InvoiceCounter", "InvoiceEvent",
    "InvoiceLine", "Itinerary", "ItineraryDay", "ItineraryItem", "ItineraryRevision",
    "CalendarEvent", "MarketingSpend", "MessageThread", "OutboxMessage", "OutboxRateSlot", "Payment", "PaymentPlan", "Quote", "QuoteRequest", "ReconciliationDecision",
    "ReconciliationException", "ReconciliationMatch", "Refund", "ReportSchedule", "SavedReport",
    "SettlementBatch", "Site", "SiteCrowdLevel", "SiteOpeningHours", "StaffTask", "StaffUser",
    "Supplier", "SupplierPayout", "SupplierPayoutEvent", "SupplierPayoutItem", "SupplierRate",
    "WebhookEvent",
]
