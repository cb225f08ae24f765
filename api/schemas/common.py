"""Shapes shared by every resource: money, pages, problems."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

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

CurrencyCode = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
DecimalString = Annotated[
    str, StringConstraints(pattern=r"^-?\d{1,15}(\.\d{1,6})?$", max_length=24)
]


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
