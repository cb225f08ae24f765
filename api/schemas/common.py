"""Shapes shared by every resource: money, pages, problems."""

from __future__ import annotations

from typing import Annotated, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from tourstack.money import from_minor

T = TypeVar("T")

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
