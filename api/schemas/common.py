"""Shapes shared by every resource: money, pages, problems."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

import datetime as dt
import re

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StringConstraints, WithJsonSchema

from tourstack.money import from_minor

T = TypeVar("T")

# Every id column of the operational schema is INTEGER (int4 on PostgreSQL; amounts are the
# BIGINT ones): an id above 2**31 - 1 cannot exist, and PostgreSQL refuses to compare an int4
# column with it, so such an id is invalid input (422), not a lookup that fails with a 500.
# Used by every path, query and body id (tests/unit/api/test_input_bounds.py checks both).
DB_ID_MAX = 2**31 - 1
DbId = Annotated[int, Field(ge=1, le=DB_ID_MAX)]


def _bounded_txn_key(key: str) -> str:
    if int(key.partition(":")[2]) > DB_ID_MAX:
        raise ValueError(f"the id in a transaction key is at most {DB_ID_MAX}")
    return key


# A reconciled transaction, "<kind>:<id>": ASCII digits only (str.isdigit also accepts "²").
TxnKey = Annotated[str, StringConstraints(pattern=r"^(bank|payment|refund):[1-9][0-9]{0,9}$"),
                   AfterValidator(_bounded_txn_key)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    """Pydantic reads 0 or "1700000000" as a Unix timestamp; a client that sends a number where
    a date belongs has a bug, and silently getting 1970-01-01 hides it."""
    if isinstance(value, str) and not _ISO_DATE.fullmatch(value):
        raise ValueError("a date is written YYYY-MM-DD")
    if isinstance(value, (int, float, bool)):
        raise ValueError("a date is written YYYY-MM-DD, not as a number")
    return value


# Every date a client sends or reads: ISO 8601 calendar dates only.
IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_only)]

# A wall-clock time at a place (opening hours, a visit's start): the place's own time zone, so
# no offset. JSON Schema's "format": "time" is RFC 3339 full-time, which requires an offset,
# and would declare every such value invalid; the schema says what is really sent.
LocalTime = Annotated[dt.time, WithJsonSchema({
    "type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
    "description": "local time at the place, HH:MM[:SS], no UTC offset", "example": "09:30:00"})]

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
DecimalString = Annotated[
    str, StringConstraints(pattern=r"^-?\d{1,15}(\.\d{1,6})?$", max_length=24)
]
UnsignedDecimalString = Annotated[str, StringConstraints(pattern=r"^\d{1,15}(\.\d{1,6})?$", max_length=24)]
# A percentage with at most two decimals, e.g. "30" or "12.5".
PercentString = Annotated[str, StringConstraints(pattern=r"^\d{1,3}(\.\d{1,2})?$", max_length=6)]


class Money(BaseModel):
    """An amount as a decimal string in major units, with its ISO 4217 currency."""

    model_config = ConfigDict(json_schema_extra={"example": {"amount": "1234.50", "currency": "INR"}})

    amount: str
    currency: str

    @classmethod
    def of(cls, minor: int, currency: str) -> Money:
        return cls(amount=str(from_minor(minor, currency)), currency=currency)


class MoneyIn(BaseModel):
    """Money in a request: the amount must be a decimal string, never a JSON number."""

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"example": {"amount": "1234.50", "currency": "INR"}}
    )

    amount: DecimalString
    currency: CurrencyCode


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="pass as `cursor` to get the next page; null on the last page"
    )


class Problem(BaseModel):
    """RFC 9457 problem details (`application/problem+json`)."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    instance: str
    request_id: str | None = None
    errors: list[dict[str, Any]] | None = None


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {
        status: {"model": Problem, "content": {"application/problem+json": {}}}
        for status in statuses
    }


class AuditEventFields(BaseModel):
    # One step of a maker-checker workflow as the audit trail records it (tourstack.approvals);
    # each resource names its own subclass so the published schema keeps one name per resource.
    action: str
    from_status: str | None
    to_status: str
    actor_role: str | None
    actor_key_id: int | None
    actor_staff_user_id: int | None
    occurred_at: dt.datetime
    note: str | None
