"""Gateway-feed fixtures: a tiny seeded operational database (seeded once per module, copied per
test) and an empty DuckDB warehouse per test."""

from __future__ import annotations

import shutil

import pytest

from tests.pipeline_helpers import seed_tiny
from tourstack.db.engine import make_engine
from tourstack.ingest.load import DuckDBWarehouse


@pytest.fixture(scope="module")
def seeded_template(migrated_template, tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("seeded") / "operational.db"
    shutil.copyfile(migrated_template, path)
    seed_tiny(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def engine(seeded_template, tmp_path):
    target = tmp_path / "operational.db"
    shutil.copyfile(seeded_template, target)
    engine = make_engine(f"sqlite:///{target}")
    yield engine
    engine.dispose()


@pytest.fixture
def warehouse(tmp_path):
    wh = DuckDBWarehouse(str(tmp_path / "warehouse.duckdb"))
    yield wh
    wh.close()
