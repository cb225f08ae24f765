"""Rate sources by name, for the CLI and the Dagster job (which take the name from the user
or the run config). Configuration arrives as arguments: this module reads no settings.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from tourstack.fx.db import DbRateSource
from tourstack.fx.ecb import ECB_BASE_URL, EcbLiveSource, EcbOfflineSource
from tourstack.fx.oxr import OXR_BASE_URL, OxrSource
from tourstack.fx.rates import RateSource

SOURCE_NAMES = ("ecb-offline", "ecb-live", "oxr", "db")
SYNC_SOURCE_NAMES = ("ecb-offline", "ecb-live", "oxr")


def make_source(
    name: str,
    *,
    bind: Engine | Session | None = None,
    ecb_base_url: str = ECB_BASE_URL,
    oxr_app_id: str | None = None,
    oxr_base_url: str = OXR_BASE_URL,
    client: httpx.Client | None = None,
    today: Callable[[], dt.date] = dt.date.today,
) -> RateSource:
    if name == "ecb-offline":
        return EcbOfflineSource()
    if name == "ecb-live":
        return EcbLiveSource(ecb_base_url, client=client, today=today)
    if name == "oxr":
        return OxrSource(oxr_app_id, oxr_base_url, client=client, today=today)
    if name == "db":
        if bind is None:
            raise ValueError("the db source needs a database engine or session")
        return DbRateSource(bind)
    raise ValueError(f"unknown rate source {name!r}; choose one of {', '.join(SOURCE_NAMES)}")
