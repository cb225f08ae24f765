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
