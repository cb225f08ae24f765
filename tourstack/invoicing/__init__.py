"""Invoicing: drafts from bookings, approval workflow, gapless numbering, GST/VAT, credit notes,
payment status and the printable/exportable documents.

Service functions take a Session, flush, and leave the commit to the caller (the API route or
job), so a failure anywhere rolls back the whole step, including a number taken for it.
"""

from tourstack.invoicing.credit_notes import CreditLineInput, create_credit_note, creditable_minor
from tourstack.invoicing.document import InvoiceDocument, load_document
from tourstack.invoicing.drafts import create_draft, lines_from_booking
from tourstack.invoicing.errors import (
    BookingNotFound,
    CreditLimitExceeded,
    IllegalTransition,
    InvalidInvoice,
    InvoiceConflict,
    InvoiceNotFound,
    InvoicingError,
    SeparationOfDuties,
)
from tourstack.approvals import SYSTEM, Actor
from tourstack.invoicing.events import list_events
from tourstack.invoicing.fiscal import fiscal_year, fiscal_year_label, format_number
from tourstack.invoicing.lines import LineInput, parse_amount
from tourstack.invoicing.numbering import next_number
from tourstack.invoicing.payments import (
    Balance,
    derived_status,
    invoice_balance,
    is_overdue,
    overdue_invoices,
    refresh_all_payment_statuses,
    refresh_payment_status,
)
from tourstack.invoicing.queries import (
    InvoiceFilters,
    credit_notes_of,
    get_invoice,
    invoice_lines,
    list_invoices,
)
from tourstack.invoicing.tax import InvoicingConfig, Seller, TaxTreatment, line_tax, treatment_for
from tourstack.invoicing.workflow import approve, issue, reject, submit, void

__all__ = [
    "SYSTEM", "Actor", "Balance", "BookingNotFound", "CreditLimitExceeded",
    "CreditLineInput", "IllegalTransition", "InvalidInvoice", "InvoiceConflict",
    "InvoiceDocument", "InvoiceFilters", "InvoiceNotFound", "InvoicingConfig", "InvoicingError",
    "LineInput", "SeparationOfDuties", "Seller", "TaxTreatment", "approve", "create_credit_note",
    "create_draft", "credit_notes_of", "creditable_minor", "derived_status", "fiscal_year",
    "fiscal_year_label", "format_number", "get_invoice", "invoice_balance", "invoice_lines",
    "is_overdue", "issue", "line_tax", "lines_from_booking", "list_events", "list_invoices",
    "load_document", "next_number", "overdue_invoices", "parse_amount", "refresh_all_payment_statuses", "refresh_payment_status",
    "reject", "submit", "treatment_for", "void",
]
