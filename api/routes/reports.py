"""The report builder: metrics catalogue, run and export report specs, saved reports, schedules.

Staff only: running and reading need `analytics:read`, saving, deleting and scheduling need
`reports:manage` (agents have neither: company-wide figures cannot be scoped to one agency).
Saved reports and schedules are visible to their owner (the API key that saved them) and to
admins; anyone else gets 404. A spec that does not validate is a 422 problem naming the field.
Schedules are created, changed (PATCH: cron, timezone, recipients, format; `active` pauses and
resumes) and deleted by `reports:manage` keys; recipients must be in
TOURSTACK_REPORT_RECIPIENT_DOMAINS when that allow-list is set.
The warehouse comes from the `get_report_source` dependency (settings by default; tests and
other deployments override it).
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Query, Request, Response, status

from api.deps import CanManageReports, CanReadAnalytics, SessionDep, SettingsDep
from api.problems import ApiProblem
from api.schemas.common import DbId, IsoDate, problem_responses
from api.schemas.reports import (
    SPEC_EXAMPLE,
    ColumnOut,
    DimensionOut,
    MetricOut,
    PeriodOut,
    ReportOut,
    SavedReportCreate,
    SavedReportOut,
    SavedReportUpdate,
    ScheduleCreate,
    ScheduleOut,
    ScheduleUpdate,
)
from tourstack.auth import Principal
from tourstack.metrics import MetricQueryError
from reports.builder import FORMATS, ReportResult, ReportSource, SourceError, SpecError, filename, parse_spec, render, run_report
from reports.builder import store

router = APIRouter(prefix="/reports", tags=["reports"])
log = logging.getLogger("api.reports")

SpecBody = Annotated[dict[str, Any], Body(description="a report spec (docs/reports.md)", examples=[SPEC_EXAMPLE])]
AsOf = Annotated[IsoDate | None, Query(description="reference day of relative ranges (default: today)")]


def get_report_source(request: Request) -> ReportSource:
    """app.state.report_source when set, else the configured warehouse and the dbt project's
    semantic manifest (TOURSTACK_SEMANTIC_MANIFEST overrides its path)."""
    source = getattr(request.app.state, "report_source", None)
    if source is None:
        from reports.builder import source_from_settings

        settings = request.app.state.settings
        source = source_from_settings(settings, settings.semantic_manifest)
        request.app.state.report_source = source
    return source


SourceDep = Annotated[ReportSource, Depends(get_report_source)]


def _owner(principal: Principal) -> store.Owner:
    return store.Owner(key_id=principal.key_id, role=principal.role)


def _layer(source: ReportSource):
    try:
        return source.layer()
    except (SourceError, FileNotFoundError) as exc:
        raise ApiProblem(503, str(exc), slug="warehouse-unavailable") from None


def _run(spec_data: Any, source: ReportSource, as_of: dt.date | None) -> ReportResult:
    try:
        return run_report(parse_spec(spec_data), source, as_of=as_of)
    except (SpecError, MetricQueryError) as exc:
        raise ApiProblem(422, str(exc), slug="invalid-report-spec", title="Invalid report spec") from None
    except (SourceError, FileNotFoundError) as exc:
        raise ApiProblem(503, str(exc), slug="warehouse-unavailable") from None


def _json_value(value: Any) -> str | int | bool | None:
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _report_out(result: ReportResult) -> ReportOut:
    period = lambda p: PeriodOut.model_validate(p, from_attributes=True) if p else None  # noqa: E731
    return ReportOut(
        title=result.title, as_of=result.as_of, grain=result.grain, period=period(result.period),
        previous_period=period(result.previous), period_text=result.describe_period(),
        filters_text=result.describe_filters(),
        columns=[ColumnOut.model_validate(c, from_attributes=True) for c in result.columns],
        rows=[[_json_value(v) for v in row] for row in result.rows],
    )


def _download(result: ReportResult, fmt: str) -> Response:
    content = render(result, fmt)
    return Response(content, media_type=FORMATS[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{filename(result, fmt)}"'})


# --- catalogue, run, export --------------------------------------------------------------------

@router.get("/metrics", response_model=list[MetricOut], responses=problem_responses(401, 403, 503))
def list_metrics(_: CanReadAnalytics, source: SourceDep) -> list[MetricOut]:
    return [MetricOut.model_validate(m, from_attributes=True) for m in _layer(source).metrics()]


@router.get("/dimensions", response_model=list[DimensionOut], responses=problem_responses(401, 403, 422, 503))
def list_dimensions(
    _: CanReadAnalytics, source: SourceDep,
    metrics: Annotated[list[str], Query(min_length=1, max_length=10,
                                        description="metric names; repeat or comma-separate")],
) -> list[DimensionOut]:
    names = [n.strip() for item in metrics for n in item.split(",") if n.strip()]
    try:
        dims = _layer(source).dimensions(names)
    except MetricQueryError as exc:
        raise ApiProblem(422, str(exc)) from None
    return [DimensionOut.model_validate(d, from_attributes=True) for d in dims]


@router.post("/run", response_model=ReportOut, responses=problem_responses(401, 403, 422, 503))
def run(spec: SpecBody, _: CanReadAnalytics, source: SourceDep, as_of: AsOf = None) -> ReportOut:
    return _report_out(_run(spec, source, as_of))


@router.post("/export", responses={200: {"content": {m: {} for m in FORMATS.values()}},
                                   **problem_responses(401, 403, 422, 503)})
def export(
    spec: SpecBody, _: CanReadAnalytics, source: SourceDep,
    format: Annotated[str, Query(pattern="^(csv|xlsx|pdf)$")] = "csv", as_of: AsOf = None,
) -> Response:
    return _download(_run(spec, source, as_of), format)


# --- saved reports -------------------------------------------------------------------------------

@router.post("/saved", status_code=status.HTTP_201_CREATED, response_model=SavedReportOut,
             responses=problem_responses(401, 403, 409, 422))
def create_saved(body: SavedReportCreate, session: SessionDep, principal: CanManageReports,
                 source: SourceDep) -> SavedReportOut:
    _check_spec(body.spec, source)
    try:
        row = store.save_report(session, _owner(principal), body.name, body.spec)
    except store.ReportStoreError:
        session.rollback()
        raise
    except SpecError as exc:
        raise ApiProblem(422, str(exc), slug="invalid-report-spec", title="Invalid report spec") from None
    session.commit()
    log.info("saved report", extra={"saved_report_id": row.id, "key_id": principal.key_id})
    return SavedReportOut.model_validate(row, from_attributes=True)


def _check_spec(data: dict[str, Any], source: SourceDep) -> None:
    """Reject specs that name undeclared metrics or dimensions before they are stored."""
    from reports.builder import validate

    try:
        validate(parse_spec(data), source)
    except SpecError as exc:
        raise ApiProblem(422, str(exc), slug="invalid-report-spec", title="Invalid report spec") from None
    except (SourceError, FileNotFoundError) as exc:
        raise ApiProblem(503, str(exc), slug="warehouse-unavailable") from None


@router.get("/saved", response_model=list[SavedReportOut], responses=problem_responses(401, 403))
def list_saved(session: SessionDep, principal: CanReadAnalytics,
               all: Annotated[bool, Query(description="admins: every owner's reports")] = False,
               ) -> list[SavedReportOut]:
    return [SavedReportOut.model_validate(r, from_attributes=True)
            for r in store.list_reports(session, _owner(principal), everyone=all)]


@router.get("/saved/{report_id}", response_model=SavedReportOut, responses=problem_responses(401, 403, 404))
def get_saved(report_id: DbId, session: SessionDep, principal: CanReadAnalytics) -> SavedReportOut:
    try:
        return SavedReportOut.model_validate(store.get_report(session, _owner(principal), report_id),
                                            from_attributes=True)
    except store.ReportStoreError:
        raise


@router.put("/saved/{report_id}", response_model=SavedReportOut, responses=problem_responses(401, 403, 404, 409, 422))
def update_saved(report_id: DbId, body: SavedReportUpdate, session: SessionDep, principal: CanManageReports,
                 source: SourceDep) -> SavedReportOut:
    if body.spec is not None:
        _check_spec(body.spec, source)
    try:
        row = store.update_report(session, _owner(principal), report_id, name=body.name, spec=body.spec)
    except store.ReportStoreError:
        session.rollback()
        raise
    session.commit()
    return SavedReportOut.model_validate(row, from_attributes=True)


@router.delete("/saved/{report_id}", status_code=status.HTTP_204_NO_CONTENT, responses=problem_responses(401, 403, 404))
def delete_saved(report_id: DbId, session: SessionDep, principal: CanManageReports) -> Response:
    try:
        store.delete_report(session, _owner(principal), report_id)
    except store.ReportStoreError:
        session.rollback()
        raise
    session.commit()
    log.info("deleted saved report", extra={"saved_report_id": report_id, "key_id": principal.key_id})
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _saved_result(report_id: int, session, principal: Principal, source: ReportSource,
                  as_of: dt.date | None) -> ReportResult:
    try:
        row = store.get_report(session, _owner(principal), report_id)
    except store.ReportStoreError:
        raise
    return _run(row.spec, source, as_of)


@router.post("/saved/{report_id}/run", response_model=ReportOut, responses=problem_responses(401, 403, 404, 422, 503))
def run_saved(report_id: DbId, session: SessionDep, principal: CanReadAnalytics, source: SourceDep,
              as_of: AsOf = None) -> ReportOut:
    return _report_out(_saved_result(report_id, session, principal, source, as_of))


@router.post("/saved/{report_id}/export", responses={200: {"content": {m: {} for m in FORMATS.values()}},
                                                     **problem_responses(401, 403, 404, 422, 503)})
def export_saved(report_id: DbId, session: SessionDep, principal: CanReadAnalytics, source: SourceDep,
                 format: Annotated[str, Query(pattern="^(csv|xlsx|pdf)$")] = "csv",
                 as_of: AsOf = None) -> Response:
    return _download(_saved_result(report_id, session, principal, source, as_of), format)


# --- schedules -----------------------------------------------------------------------------------

@router.post("/schedules", status_code=status.HTTP_201_CREATED, response_model=ScheduleOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def create_schedule(body: ScheduleCreate, session: SessionDep, principal: CanManageReports,
                    settings: SettingsDep) -> ScheduleOut:
    try:
        row = store.create_schedule(session, _owner(principal), body.saved_report_id, cron=body.cron,
                                    timezone=body.timezone, recipients=body.recipients,
                                    format=body.format, active=body.active,
                                    allowed_domains=settings.report_recipient_domains)
    except store.ReportStoreError:
        session.rollback()
        raise
    session.commit()
    log.info("report schedule", extra={"schedule_id": row.id, "key_id": principal.key_id})
    return ScheduleOut.model_validate(row, from_attributes=True)


@router.get("/schedules", response_model=list[ScheduleOut], responses=problem_responses(401, 403, 404))
def list_schedules(session: SessionDep, principal: CanReadAnalytics,
                   saved_report_id: DbId | None = None) -> list[ScheduleOut]:
    try:
        return [ScheduleOut.model_validate(r, from_attributes=True)
                for r in store.list_schedules(session, _owner(principal), saved_report_id)]
    except store.ReportStoreError:
        raise


@router.get("/schedules/{schedule_id}", response_model=ScheduleOut, responses=problem_responses(401, 403, 404))
def get_schedule(schedule_id: DbId, session: SessionDep, principal: CanReadAnalytics) -> ScheduleOut:
    try:
        return ScheduleOut.model_validate(store.get_schedule(session, _owner(principal), schedule_id),
                                         from_attributes=True)
    except store.ReportStoreError:
        raise


@router.patch("/schedules/{schedule_id}", response_model=ScheduleOut,
              responses=problem_responses(401, 403, 404, 409, 422))
def update_schedule(schedule_id: DbId, body: ScheduleUpdate, session: SessionDep, principal: CanManageReports,
                    settings: SettingsDep) -> ScheduleOut:
    """Change a schedule, pause it (`{"active": false}`) or resume it (`{"active": true}`)."""
    try:
        row = store.update_schedule(session, _owner(principal), schedule_id,
                                    allowed_domains=settings.report_recipient_domains,
                                    **body.model_dump(exclude_unset=True))
    except store.ReportStoreError:
        session.rollback()
        raise
    session.commit()
    log.info("report schedule updated", extra={"schedule_id": row.id, "key_id": principal.key_id,
                                               "fields": sorted(body.model_fields_set)})
    return ScheduleOut.model_validate(row, from_attributes=True)


@router.delete("/schedules/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT,
               responses=problem_responses(401, 403, 404))
def delete_schedule(schedule_id: DbId, session: SessionDep, principal: CanManageReports) -> Response:
    try:
        store.delete_schedule(session, _owner(principal), schedule_id)
    except store.ReportStoreError:
        session.rollback()
        raise
    session.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)
