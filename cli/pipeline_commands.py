"""`tourstack demo`, `refresh`, `ui` and `docs`: the warehouse pipeline from the command line.

This module is the composition root for the pipeline commands: it imports the Dagster code
location lazily, inside each command, so the domain package never depends on it at import.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

console = Console()


def prepare_environment() -> Path:
    """Point DAGSTER_HOME and dbt at the configured embedded files before Dagster loads."""
    from tourstack.settings import get_settings

    settings = get_settings()
    settings.home.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("TOURSTACK_DUCKDB_PATH", str(settings.duckdb_file))
    from orchestration.run import dagster_home

    home = dagster_home(settings.home)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _recover_dead_runs() -> None:
    """Fail runs whose process died (a killed refresh) and free their pool slots, so this run
    does not wait forever on a slot no live process holds (orchestration/recovery.py)."""
    from dagster import DagsterInstance

    from orchestration.recovery import recover_dead_runs

    with DagsterInstance.get() as instance:
        for run in recover_dead_runs(instance):
            console.print(f"[yellow]{run.describe()}[/yellow]", soft_wrap=True)


def _materialize(full_refresh: bool) -> float:
    from dagster import DagsterInstance

    from orchestration.recovery import Owner, SlotWatcher
    from orchestration.run import materialize_platform

    from tourstack.settings import get_settings

    # dbt's own progress lines (hundreds per build) go to a log file, not the terminal; every
    # event is still stored for the Dagster UI.
    log_dir = get_settings().home / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"pipeline-{time.strftime('%Y%m%dT%H%M%S')}.log"
    terminal = Console(file=sys.stdout)  # the real stdout: the block below redirects sys.stdout
    activity = "materialising: ingest -> raw checks -> dbt build"
    started = time.perf_counter()
    with terminal.status(activity) as status, \
            log_path.open("w", encoding="utf-8") as log, contextlib.redirect_stdout(log):

        def waiting(line: str | None, first_time: bool) -> None:
            # A refresh blocked on the warehouse_writer slot says who holds it (once per holder)
            # and keeps saying so on the status line until the slot is free.
            if first_time:
                terminal.print(line, soft_wrap=True)
            status.update(line or activity)

        def recovered(run) -> None:
            terminal.print(f"[yellow]{run.describe()}[/yellow]", soft_wrap=True)

        watcher = SlotWatcher(Owner.current(), waiting, recovered)
        watcher.start()
        try:
            result = materialize_platform(
                full_refresh=full_refresh,
                instance=DagsterInstance.get(),
                raise_on_error=False,
                log_level="WARNING",
            )
        finally:
            watcher.stop()
    elapsed = time.perf_counter() - started
    console.print(f"dbt output: {log_path}", soft_wrap=True)
    if not result.success:
        failed = [e.step_key for e in result.all_events if e.is_step_failure]
        console.print(f"[red]pipeline failed[/red] in steps: {', '.join(failed) or 'see Dagster UI'}")
        raise typer.Exit(1)
    checks = [e for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    failed_checks = [e for e in checks if not e.event_specific_data.passed]
    if failed_checks:
        console.print(f"[yellow]{len(failed_checks)} of {len(checks)} checks failed[/yellow]")
    return elapsed


def _reconcile() -> None:
    from dagster import DagsterInstance

    from orchestration.run import run_reconciliation

    with console.status("reconciling payments and bank lines against invoices"):
        result = run_reconciliation(instance=DagsterInstance.get())
    (materialization,) = [
        e.event_specific_data.materialization for e in result.get_asset_materialization_events()
    ]
    meta = materialization.metadata
    console.print(
        f"reconciliation: {meta['transactions'].value:,} transactions, match rate "
        f"{meta['match_rate'].value:.1%}, {meta['exceptions'].value:,} exceptions queued"
    )


def _publish(as_of: str) -> dict[str, str]:
    """Dashboards and the daily executive e-mail for `as_of`; returns where to find them."""
    from dagster import DagsterInstance

    from orchestration.run import publish_analytics

    with console.status("writing dashboards and the daily executive e-mail"):
        result = publish_analytics(as_of=as_of, instance=DagsterInstance.get())
    found: dict[str, str] = {}
    for event in result.get_asset_materialization_events():
        mat = event.event_specific_data.materialization
        meta = {k: v.value for k, v in mat.metadata.items()}
        if mat.asset_key.path == ["dashboards"]:
            found["dashboards"] = str(meta["index"])
        elif mat.asset_key.path == ["daily_executive_email"]:
            where = meta.get("delivered_to") or meta["eml"]
            found["executive e-mail"] = f"{where} ({meta['status']}{': ' + meta['reason'] if meta['reason'] else ''})"
    for step in (e.step_key for e in result.all_events if e.is_step_failure):
        console.print(f"[red]{step} failed[/red]: see the Dagster UI")
    return found


def _search_indexes() -> dict[str, str]:
    """Every search index rebuilt from the operational database; returns where they are."""
    from dagster import DagsterInstance

    from orchestration.run import build_search_indexes

    with console.status("building the search indexes"):
        result = build_search_indexes(instance=DagsterInstance.get())
    for step in (e.step_key for e in result.all_events if e.is_step_failure):
        console.print(f"[red]{step} failed[/red]: see the Dagster UI")
        return {}
    materialized = {e.event_specific_data.materialization.asset_key.path[-1]: e.event_specific_data.materialization
                    for e in result.get_asset_materialization_events()}
    indexes = materialized["search_indexes"].metadata
    locations, backend = indexes["locations"].value, indexes["backend"].value
    found = {f"search ({backend})": ", ".join(f"{name} {where}" for name, where in locations.items())}
    if "recommendations" in materialized:
        found["recommendations"] = str(materialized["recommendations"].metadata["path"].value)
    return found


def _mart_counts() -> list[tuple[str, str, int]]:
    from tourstack.settings import get_settings
    from tourstack.warehouse import connect, mart_row_counts

    settings = get_settings()
    url = settings.warehouse_url.get_secret_value() if settings.warehouse_url else None
    conn = connect(settings.warehouse, duckdb_path=settings.duckdb_file, postgres_url=url)
    try:
        return mart_row_counts(conn)
    finally:
        conn.close()


def _print_summary(elapsed: float, published: dict[str, str] | None = None) -> None:
    from tourstack.settings import get_settings

    settings = get_settings()
    table = Table(title="Marts")
    table.add_column("schema")
    table.add_column("model")
    table.add_column("rows", justify="right")
    for schema, name, rows in _mart_counts():
        table.add_row(schema, name, f"{rows:,}")
    console.print(table)
    where = settings.duckdb_file if settings.warehouse == "duckdb" else "PostgreSQL (TOURSTACK_WAREHOUSE_URL)"
    console.print(f"pipeline time: {elapsed:.1f} s")
    console.print(f"warehouse: [bold]{where}[/bold]")
    console.print(f"operational database: {settings.operational_url.split('@')[-1]}")
    for label, where in (published or {}).items():
        console.print(f"{label + ':':<18} [bold]{where}[/bold]", soft_wrap=True)  # keep paths whole
    console.print("Dagster UI: [bold]tourstack ui[/bold] (http://127.0.0.1:3000)")
    console.print("dbt docs:   [bold]tourstack docs[/bold] (http://127.0.0.1:8080)")
    console.print("API:        [bold]tourstack serve[/bold] (http://127.0.0.1:8000/api/v1/docs)")
    console.print("Search:     [bold]tourstack serve[/bold], then http://127.0.0.1:8000/search (sign in with an API key)")


def demo(
    size: str = typer.Option("demo", help="named demo size (tiny, small, demo, large)"),
    seed: int = typer.Option(7, help="random seed: the same seed gives the same data"),
) -> None:
    """Migrate, seed realistic data, materialise the warehouse, write the dashboards, send the
    daily executive e-mail to the outbox and print where to look."""
    from tourstack.db.migrate import upgrade
    from tourstack.demo import seed as seed_demo
    from tourstack.demo.ai_activity import run_ai_activity
    from tourstack.demo.config import make_plan
    from tourstack.settings import get_settings

    prepare_environment()
    _recover_dead_runs()
    settings = get_settings()
    console.rule("1/4 operational database")
    upgrade(settings.operational_url)
    plan = make_plan(size, seed=seed)  # the period ends yesterday, the last complete day
    seed_demo(settings.operational_url, size, seed=seed, as_of=plan.as_of, progress=True, reset=True)
    _reconcile()
    ai = run_ai_activity(settings.operational_url, seed=seed, as_of=plan.as_of)
    console.print(f"AI itineraries: {ai.drafted} drafted for quote requests, {ai.approved} approved")
    from reports.itinerary.samples import write_samples

    samples = write_samples(settings.operational_url, settings.home / "itineraries", limit=2)
    console.print(f"Trip documents: {len(samples)} sample PDFs in {settings.home / 'itineraries'}")
    _booking_flow(settings)
    console.rule("2/4 warehouse")
    elapsed = _materialize(full_refresh=True)
    console.rule("3/4 dashboards, executive e-mail and search indexes")
    published = _publish(plan.as_of.isoformat())  # the e-mail reports the demo's last day
    published.update(_search_indexes())
    console.rule("4/4 summary")
    _print_summary(elapsed, published)


def _booking_flow(settings) -> None:
    """Book, change and cancel through the booking service; the messages land in var/outbox/.
    A demo whose data offers no open quote skips it (and says so) rather than fail."""
    from tourstack.demo.booking_flow import run_booking_flow

    try:
        flow = run_booking_flow(settings)
    except Exception as exc:  # the demo goes on: this step only illustrates the messaging
        console.print(f"[yellow]Booking messages skipped: {type(exc).__name__}: {exc}[/yellow]")
        return
    if not flow.booked:
        console.print("Booking messages: no open quote to book")
        return
    console.print(f"Booking messages: booked {', '.join(flow.booked)}, changed {flow.updated}, cancelled "
                  f"{flow.cancelled or '-'}; {flow.sent} messages in {settings.outbox_dir}")


def refresh(
    full_refresh: bool = typer.Option(False, "--full-refresh", help="rebuild raw tables"),
) -> None:
    """Run the warehouse refresh job once (incremental unless --full-refresh)."""
    prepare_environment()
    _recover_dead_runs()
    elapsed = _materialize(full_refresh=full_refresh)
    _print_summary(elapsed)


def ui(port: int = typer.Option(3000)) -> None:
    """Open the Dagster UI on the Tourstack code location."""
    home = prepare_environment()
    console.print(f"DAGSTER_HOME={home}")
    subprocess.run(
        [sys.executable, "-m", "dagster", "dev", "-m", "orchestration.definitions", "-p", str(port)],
        check=False,
    )


def docs(port: int = typer.Option(8080)) -> None:
    """Generate and serve the dbt docs site (models, columns, tests, lineage)."""
    prepare_environment()
    from orchestration.defs.dbt.project import DBT_PROJECT_DIR

    dbt = [sys.executable, "-m", "dbt.cli.main"]
    common = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    subprocess.run([*dbt, "docs", "generate", *common], check=True)
    subprocess.run([*dbt, "docs", "serve", "--port", str(port), *common], check=False)


def register(app: typer.Typer) -> None:
    app.command()(demo)
    app.command()(refresh)
    app.command()(ui)
    app.command()(docs)
