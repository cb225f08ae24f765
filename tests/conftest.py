"""Shared fixtures: throwaway operational databases on SQLite and on a real PostgreSQL.

PostgreSQL tests are marked `postgres`. When TOURSTACK_REQUIRE_POSTGRES=1 (CI sets it), an
unreachable server fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_ADMIN_URL = os.environ.get("TOURSTACK_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_reachable() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.OperationalError as exc:
        return str(exc).strip()


@pytest.fixture(scope="session")
def pg_admin_url() -> str:
    problem = _pg_reachable()
    if problem:
        if os.environ.get("TOURSTACK_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"PostgreSQL is required but unreachable at {PG_ADMIN_URL}: {problem}")
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    return PG_ADMIN_URL


def pytest_configure(config: pytest.Config) -> None:
    """Refuse `--dist loadgroup` with a pytest whose test ids pytest-xdist cannot tag.

    xdist groups tests by writing the group into `Item._nodeid`; pytest 9.2 keeps the id in
    `_id` instead, and the groups are then silently lost: expensive module fixtures (warehouse
    builds) run once per worker and per split module and the suite takes twice as long."""
    if getattr(config, "workerinput", None) is not None or config.getoption("dist", "no") != "loadgroup":
        return
    from _pytest.nodes import Node

    if "_nodeid" not in getattr(Node, "__slots__", ("_nodeid",)):
        raise pytest.UsageError(
            "this pytest stores test ids where pytest-xdist's loadgroup cannot tag them, so "
            "xdist_group would be ignored; install the pytest version pinned in pyproject.toml")


_TESTS = Path(__file__).resolve().parent
_SERVICE_FIXTURES = frozenset({"pg_admin_url", "pg_url", "make_pg_database"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The folder says what a test needs: tests/unit/ no services, tests/integration/ real
    PostgreSQL, Redis, SMTP or HTTP fakes (marked `integration` here), tests/e2e/ the pipeline
    (marked `slow`). A unit test that asks for PostgreSQL is refused, so the rule cannot erode."""
    misplaced = []
    for item in items:
        kind = Path(str(item.path)).resolve().relative_to(_TESTS).parts[0]
        if kind == "integration":
            item.add_marker(pytest.mark.integration)
        elif kind == "e2e":
            item.add_marker(pytest.mark.slow)
        elif kind == "unit" and _SERVICE_FIXTURES & set(getattr(item, "fixturenames", ())):
            misplaced.append(item.nodeid)
    if misplaced:
        raise pytest.UsageError("these tests need PostgreSQL and belong under tests/integration/: "
                                + ", ".join(misplaced))


def _with_database(admin_url: str, name: str) -> str:
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture
def make_pg_database(pg_admin_url: str) -> Iterator:
    """Factory: creates empty databases (or copies of `template`) and drops them after the test."""
    created: list[str] = []

    def factory(prefix: str = "ts_test", template: str | None = None) -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        copy_of = f' TEMPLATE "{template}"' if template else ""  # a copy of a database nobody is using
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"{copy_of}')
        created.append(name)
        return _with_database(pg_admin_url, name)

    yield factory
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        for name in created:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def pg_url(make_pg_database) -> str:
    return make_pg_database()


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'operational.db'}"


@pytest.fixture
def migrated_sqlite_url(sqlite_url: str) -> str:
    from tourstack.db.migrate import upgrade

    upgrade(sqlite_url)
    return sqlite_url


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> str:
    """One SQLite file migrated to head per test session; tests get copies (much faster than
    running every migration per test)."""
    path = tmp_path_factory.mktemp("template") / "operational.db"
    from tourstack.db.migrate import upgrade

    upgrade(f"sqlite:///{path}")
    return str(path)


@pytest.fixture
def db_url(migrated_template: str, tmp_path) -> str:
    target = tmp_path / "operational.db"
    shutil.copyfile(migrated_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def session(db_url: str) -> Iterator:
    from tourstack.db.engine import make_engine, make_sessionmaker

    engine = make_engine(db_url)
    with make_sessionmaker(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture(scope="session")
def chromium() -> str:
    """Path of the system Chromium; skips without one unless TOURSTACK_REQUIRE_CHROMIUM=1 (CI)."""
    from reports.render.png import chromium_path

    path = chromium_path()
    if path is None:
        if os.environ.get("TOURSTACK_REQUIRE_CHROMIUM") == "1":
            pytest.fail("Chromium is required (TOURSTACK_REQUIRE_CHROMIUM=1) but not installed")
        pytest.skip("no Chromium on this machine")
    return path


@pytest.fixture(scope="session")
def tiny_warehouse(tmp_path_factory):
    """The tiny book built once per session into DuckDB, shared read-only (tests/tiny_book.py)."""
    from tests.tiny_book import build_duckdb_book

    return build_duckdb_book(tmp_path_factory.mktemp("tiny_warehouse"))


@pytest.fixture(scope="session")
def pg_tiny_warehouse(tiny_warehouse, pg_admin_url, tmp_path_factory) -> Iterator:
    """The same book built once per session into a PostgreSQL warehouse, shared read-only."""
    from tests.tiny_book import build_postgres_book

    name = f"ts_tiny_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(pg_admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield build_postgres_book(tiny_warehouse, pg_admin_url, name, tmp_path_factory.mktemp("pg_tiny"))
    finally:
        with psycopg.connect(pg_admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
