"""Request and response bodies of /api/v1/reports. A report spec travels as a JSON object in the
shape of `reports.builder.ReportSpec` (see docs/reports.md); it is validated by that model so
errors name the field. Numbers in report rows are strings when they are decimals (money, ratios,
% change), so no amount passes through a JSON float."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from api.schemas.common import DbId, IsoDate

SPEC_EXAMPLE = {
    "title": "Monthly revenue", "metrics": ["revenue", "bookings"], "dimensions": ["metric_time"],
    "grain": "month", "date_range": {"relative": "last_12_months"}, "comparison": "previous_year",
    "chart": {"type": "line", "x": "metric_time", "y": ["revenue"]},
}


class MetricOut(BaseModel):
    name: str
    label: str | None
    description: str | None
    type: str


class DimensionOut(BaseModel):
    name: str
    type: str
    description: str | None


class ColumnOut(BaseModel):
    name: str
    label: str
    kind: str = Field(description="date, text, boolean, integer, money, ratio or percent")
    role: str = Field(description="dimension, metric, previous, delta or pct_change")


class PeriodOut(BaseModel):
    start: IsoDate
    end: IsoDate


class ReportOut(BaseModel):
    title: str
    as_of: IsoDate
    grain: str | None
    period: PeriodOut | None
    previous_period: PeriodOut | None
    period_text: str
    filters_text: str
    columns: list[ColumnOut]
    rows: list[list[str | int | bool | None]] = Field(
        description="one list per row in column order; decimals and dates as strings")


class SavedReportCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=200)
    spec: dict[str, Any] = Field(json_schema_extra={"example": SPEC_EXAMPLE})


class SavedReportUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = Field(default=None, min_length=1, max_length=200)
    spec: dict[str, Any] | None = None


class SavedReportOut(BaseModel):
    id: int
    name: str
    owner_key_id: int
    spec: dict[str, Any]
    created_at: dt.datetime
    updated_at: dt.datetime


class ScheduleCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    saved_report_id: DbId
    cron: str = Field(max_length=100, description="five fields, e.g. '0 7 * * 1' (Mondays 07:00)")
    timezone: str = Field(default="UTC", max_length=64, description="IANA name, e.g. Asia/Kolkata")
    recipients: list[str] = Field(min_length=1, max_length=50)
    format: Literal["csv", "xlsx", "pdf"] = "pdf"
    active: StrictBool = True


class ScheduleUpdate(BaseModel):
    """PATCH body: only the fields given change. `active: false` pauses, `true` resumes (the next
    run is then the next cron time from now; missed runs are not caught up)."""

    model_config = ConfigDict(extra="forbid")
    cron: str | None = Field(default=None, max_length=100)
    timezone: str | None = Field(default=None, max_length=64)
    recipients: list[str] | None = Field(default=None, min_length=1, max_length=50)
    format: Literal["csv", "xlsx", "pdf"] | None = None
    active: StrictBool | None = None


class ScheduleOut(BaseModel):
    id: int
    saved_report_id: int
    cron: str
    timezone: str
    recipients: list[str]
    format: str
    active: bool
    last_run_at: dt.datetime | None
    next_run_at: dt.datetime | None
    last_status: str | None = Field(description="sent, failed, or disabled (the owner key was revoked "
                                                "or no longer manages reports); null before the first run")
    last_error: str | None
