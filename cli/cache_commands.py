"""`tourstack cache warm|flush`: fill the API's Redis response cache with the common reads, or
invalidate all of it (raises the epoch; entries then expire by their TTL)."""

from __future__ import annotations

import typer
from rich.console import Console

cache_app = typer.Typer(help="API response cache (Redis): warm or invalidate.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)


def _app():
    from api.app import create_app
    from tourstack.settings import get_settings

    settings = get_settings().model_copy(update={"api_cache": True})
    return create_app(settings=settings)


@cache_app.command("warm")
def warm_command(agencies: int = typer.Option(20, min=0, help="agent scopes to warm: the busiest agencies")) -> None:
    """Ask the common list reads once per staff role and per busy agency."""
    import anyio

    from api.cache.warm import principals, warm

    app = _app()
    if not app.state.response_cache.store.ping():
        err_console.print("the cache's Redis does not answer (TOURSTACK_API_CACHE_URL / TOURSTACK_REDIS_URL)")
        raise typer.Exit(1)
    with app.state.database.sessionmaker() as session:
        who = principals(session, agencies)
    report = anyio.run(warm, app, who)
    app.state.database.dispose()
    console.print(f"warmed {report.requests} reads for {len(who)} scopes: "
                  f"status {dict(report.statuses)}, cache {dict(report.cache)}")


@cache_app.command("flush")
def flush_command() -> None:
    """Invalidate every entry (an epoch bump; nothing is scanned or deleted)."""
    from api.cache.store import EPOCH

    app = _app()
    app.state.response_cache.store.bump([EPOCH])
    console.print("response cache invalidated")


def register(app: typer.Typer) -> None:
    app.add_typer(cache_app, name="cache")
