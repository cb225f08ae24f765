"""Accounting connections as the API shows them: states and dates, never a token."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ConnectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    provider: Literal["quickbooks", "xero"]
    status: Literal["not_connected", "pending", "connected", "expired", "revoked"] = Field(
        description="expired / revoked: a person must reconnect (`tourstack accounting connect`)")
    tenant_id: str | None = Field(description="QuickBooks realmId or Xero tenantId")
    tenant_name: str | None
    access_expires_at: dt.datetime | None
    refresh_expires_at: dt.datetime | None
    connected_at: dt.datetime | None
    last_refreshed_at: dt.datetime | None
    refresh_count: int
    last_error: str | None


class ConsentOut(BaseModel):
    provider: Literal["quickbooks", "xero"]
    consent_url: str = Field(description="open it, approve; the provider redirects to the callback")


class SyncErrorOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider: str
    entity: str
    local_id: int | None
    code: str = Field(description="the provider's fault code (quickbooks-6140, xero-validation) or ours (unmapped-tax-code)")
    message: str = Field(description="the provider's own words")
    attempts: int
    status: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ConflictOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    provider: str
    entity: str
    local_id: int
    remote_id: str
    status: Literal["open", "kept_ours", "took_theirs"]
    created_at: dt.datetime
    resolved_at: dt.datetime | None


class ConflictResolveIn(BaseModel):
    keep: Literal["ours", "theirs"] = Field(description="ours: the next sync pushes ours over theirs; "
                                                        "theirs: leave their edit until ours changes")


class CurrencyTotalOut(BaseModel):
    currency: str
    ours_minor: int = Field(description="our total in minor units of the currency (voided documents excluded)")
    theirs_minor: int


class EntityTotalsOut(BaseModel):
    entity: Literal["customer", "invoice", "credit_note", "payment", "vendor", "bill", "bill_payment"]
    ours_count: int
    theirs_count: int
    totals: list[CurrencyTotalOut]


class SyncDifferenceOut(BaseModel):
    entity: str = Field(description="an entity, or `receivable` / `payable` for a balance that does not tie out")
    kind: Literal["missing", "unknown", "amount", "currency", "status", "receivable", "payable"]
    label: str
    ours: str | None
    theirs: str | None


class PartyBalanceOut(BaseModel):
    party: str = Field(description="the customer (agency) or vendor (supplier), as we name it there")
    currency: str
    ours_minor: int
    theirs_minor: int


class SyncReportOut(BaseModel):
    """`tourstack report finance accounting-sync` as JSON: our books against the provider's."""

    provider: Literal["quickbooks", "xero"]
    as_of: dt.date
    clean: bool = Field(description="true when no difference remains")
    entities: list[EntityTotalsOut]
    receivables: list[PartyBalanceOut] = Field(description="ours: invoices - credit notes - payments sent; "
                                                           "theirs: open balances less unapplied credit")
    payables: list[PartyBalanceOut] = Field(description="ours: bills - bill payments sent; theirs: open bill balances")
    differences: list[SyncDifferenceOut]

    @classmethod
    def of(cls, result) -> SyncReportOut:  # noqa: ANN001 (tourstack.accounting.sync_report.SyncReconciliation)
        return cls(
            provider=result.provider, as_of=result.as_of, clean=result.clean,
            entities=[EntityTotalsOut(entity=entity, ours_count=t.ours_count, theirs_count=t.theirs_count, totals=[
                CurrencyTotalOut(currency=c, ours_minor=t.ours_total.get(c, 0), theirs_minor=t.theirs_total.get(c, 0))
                for c in sorted(set(t.ours_total) | set(t.theirs_total))]) for entity, t in result.entities.items()],
            receivables=[PartyBalanceOut(party=p, currency=c, ours_minor=o, theirs_minor=t)
                         for p, c, o, t in result.receivables],
            payables=[PartyBalanceOut(party=p, currency=c, ours_minor=o, theirs_minor=t)
                      for p, c, o, t in result.payables],
            differences=[SyncDifferenceOut(entity=d.entity, kind=d.kind, label=d.label, ours=d.ours, theirs=d.theirs)
                         for d in result.differences])
