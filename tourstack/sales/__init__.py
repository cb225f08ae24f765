"""Sales: scoped, paginated reads of bookings and quotes, and turning a request into a quote.

Every read takes `agency_id`: pass the caller's agency for an agent (rows of other agencies are
invisible, exactly as if they did not exist) and None for staff.
"""

from tourstack.sales.errors import (
    CurrencyMismatch,
    InvalidAmount,
    InvalidCurrency,
    InvalidValidity,
    QuoteRequestNotFound,
    QuoteRequestNotOpen,
    SalesError,
    WrongAgency,
)
from tourstack.sales.pagination import InvalidCursor, Page, decode_cursor, encode_cursor
from tourstack.sales.queries import (
    BookingFilters,
    QuoteFilters,
    get_booking_by_ref,
    get_quote,
    list_booking_items,
    list_bookings,
    list_quotes,
)
from tourstack.sales.quotes import create_quote, next_quote_number

__all__ = [
    "BookingFilters", "CurrencyMismatch", "InvalidAmount", "InvalidCurrency", "InvalidCursor",
    "InvalidValidity", "Page", "QuoteFilters", "QuoteRequestNotFound", "QuoteRequestNotOpen",
    "SalesError", "WrongAgency", "create_quote", "decode_cursor", "encode_cursor",
    "get_booking_by_ref", "get_quote", "list_booking_items", "list_bookings", "list_quotes",
    "next_quote_number",
]
