"""Slack's slash command `/tourstack`: public, authenticated by Slack's signing secret.

The raw body is verified before anything is parsed (tourstack.messaging.slash): a missing or
wrong signature, or a timestamp older than five minutes, answers 401 and nothing is read or
stored; so does every request while TOURSTACK_SLACK_SIGNING_SECRET is unset. Answers are
ephemeral JSON within Slack's 3 s: a booking is one indexed read; `kpi today` asks the metrics
layer and, when the warehouse has not answered within `KPI_WAIT_S`, replies "working on it"
at once and posts the numbers to the command's `response_url` when they arrive.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import logging
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, Request
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep, SettingsDep
from api.problems import ApiProblem
from api.schemas.common import problem_responses
from tourstack.messaging import slash

router = APIRouter(prefix="/slack", tags=["slack"])
log = logging.getLogger("api.slack")
KPI_WAIT_S = 2.0
_pool = concurrent.futures.ThreadPoolExecutor(max_workers=2, thread_name_prefix="slack-kpi")

KpiSource = Callable[[dt.date], dict[str, Any]]


def get_kpi_source(settings: SettingsDep) -> KpiSource:
    """Today's numbers through the semantic layer on the configured warehouse (the report
    builder's source: the same metrics the dashboards and reports use)."""
    def kpis(day: dt.date) -> dict[str, Any]:
        from reports.builder.source import source_from_settings

        return slash.day_metrics(source_from_settings(settings).run, day)
    return kpis


KpiSourceDep = Annotated[KpiSource, Depends(get_kpi_source)]


def _post_later(response_url: str, future: concurrent.futures.Future, day: dt.date) -> None:
    def deliver(done: concurrent.futures.Future) -> None:
        from slack_sdk import WebhookClient

        try:
            body = slash.kpi_answer(day, done.result())
        except Exception as exc:  # the warehouse failed: say so rather than stay silent
            log.warning("slack kpi failed: %s", type(exc).__name__)
            body = slash.ephemeral("The KPIs are not available right now (the warehouse did not answer).")
        try:
            WebhookClient(response_url, timeout=10).send_dict({**body, "replace_original": True})
        except Exception as exc:
            log.warning("slack response_url post failed: %s", type(exc).__name__)
    future.add_done_callback(deliver)


@router.post("/commands", responses=problem_responses(401))
async def slack_command(request: Request, session: SessionDep, settings: SettingsDep,
                        kpis: KpiSourceDep) -> dict[str, Any]:
    """`/tourstack booking BK…`, `/tourstack kpi today`; anything else answers the usage."""
    body = await request.body()
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    if not secret or not slash.signature_valid(secret, body, request.headers.get("x-slack-request-timestamp"),
                                               request.headers.get("x-slack-signature")):
        raise ApiProblem(401, "missing, stale or invalid Slack signature", slug="unauthorized",
                         title="Unauthorized")
    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items()}
    command = slash.parse(form.get("text", ""))
    if command.name == "booking":
        return await run_in_threadpool(slash.booking_answer, session, command.argument)
    if command.name == "kpi":
        day = dt.datetime.now(dt.UTC).date()
        future = _pool.submit(kpis, day)
        try:
            values = await run_in_threadpool(future.result, KPI_WAIT_S)
        except concurrent.futures.TimeoutError:
            if form.get("response_url"):
                _post_later(form["response_url"], future, day)
                return slash.ephemeral("Working on today's KPIs: they follow in a moment.")
            return slash.ephemeral("The warehouse is slow to answer: try again in a minute.")
        except Exception as exc:
            log.warning("slack kpi failed: %s", type(exc).__name__)
            return slash.ephemeral("The KPIs are not available right now (the warehouse did not answer).")
        return slash.kpi_answer(day, values)
    return slash.usage(command.argument)
