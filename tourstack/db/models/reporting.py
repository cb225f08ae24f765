"""Saved report specs and their e-mail schedules.

Why the spec is stored as JSON rather than columns: it is validated by
`reports.builder.spec.ReportSpec` on every load, so it can grow fields without a migration.
`owner_key_id` is the API key that saved it (names are unique per owner); a schedule belongs to
its saved report and is deleted with it. Times are UTC; `timezone` is the IANA zone the cron
expression is read in, and `next_run_at` (UTC) is what the scheduler polls.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tourstack.db.base import Base, Timestamps, UTCDateTime


class SavedReport(Timestamps, Base):
    __tablename__ = "saved_reports"
    __table_args__ = (UniqueConstraint("owner_key_id", "name", name="uq_saved_reports_owner_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id"), index=True)
    owner_role: Mapped[str] = mapped_column(String(16))
    spec: Mapped[dict[str, Any]] = mapped_column(JSON)

    schedules: Mapped[list[ReportSchedule]] = relationship(
        back_populates="saved_report", cascade="all, delete-orphan", passive_deletes=True)


class ReportSchedule(Timestamps, Base):
    """`format`: csv, xlsx or pdf. `last_status`: sent or failed (None before the first run)."""

    __tablename__ = "report_schedules"

    id: Mapped[int] = mapped_column(primary_key=True)
    saved_report_id: Mapped[int] = mapped_column(
        ForeignKey("saved_reports.id", ondelete="CASCADE"), index=True)
    cron: Mapped[str] = mapped_column(String(100))
    timezone: Mapped[str] = mapped_column(String(64))
    recipients: Mapped[list[str]] = mapped_column(JSON)
    format: Mapped[str] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    next_run_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    last_status: Mapped[str | None] = mapped_column(String(16))
    last_error: Mapped[str | None] = mapped_column(String(500))

    saved_report: Mapped[SavedReport] = relationship(back_populates="schedules")
