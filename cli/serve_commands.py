"""`tourstack serve` runs the API; `tourstack apikey ...` issues and revokes API keys."""

from __future__ import annotations

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)

apikey_app = typer.Typer(help="Issue and revoke API keys.", no_args_is_help=True)


def serve(
    host: str | None = typer.Option(None, help="defaults to TOURSTACK_API_HOST"),
    port: int | None = typer.Option(None, help="defaults to TOURSTACK_API_PORT"),
    reload: bool = typer.Option(False, "--reload", help="restart on code changes (development)"),
) -> None:
    """Serve the HTTP API with uvicorn."""
    import uvicorn

    from api.observability import configure_logging
    from tourstack.settings import get_settings

    settings = get_settings()
    configure_logging(json_logs=settings.log_json)
    uvicorn.run(
        "api.app:create_app",
        factory=True,
        host=host or settings.api_host,
        port=port or settings.api_port,
        reload=reload,
        log_config=None,  # keep our structured logging
        access_log=False,  # the app logs each request with its request id
    )


@apikey_app.command("create")
def create_key(
    role: str = typer.Option(..., help="agent, ops, finance or admin"),
    name: str = typer.Option(..., help="what the key is for, e.g. 'Sunrise Travels booking tool'"),
    agency_code: str | None = typer.Option(None, help="required for agent keys"),
    agent_email: str | None = typer.Option(None, help="bind an agent key to one agent"),
    staff_email: str | None = typer.Option(None, help="bind a staff key to one staff user"),
    database_url: str | None = typer.Option(None, help="defaults to TOURSTACK_DATABASE_URL"),
) -> None:
    """Create a key and print it once: only its hash is stored."""
    from sqlalchemy import select

    from tourstack.auth import KeyIssueError, issue_key
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.models import Agency, Agent, StaffUser
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            agency_id = agent_id = staff_user_id = None
            if agency_code is not None:
                agency_id = session.scalar(select(Agency.id).where(Agency.code == agency_code))
                if agency_id is None:
                    err_console.print(f"[red]no agency with code {agency_code!r}[/red]")
                    raise typer.Exit(1)
            if agent_email is not None:
                agent_id = session.scalar(select(Agent.id).where(Agent.email == agent_email))
                if agent_id is None:
                    err_console.print(f"[red]no agent with e-mail {agent_email!r}[/red]")
                    raise typer.Exit(1)
            if staff_email is not None:
                staff_user_id = session.scalar(
                    select(StaffUser.id).where(StaffUser.email == staff_email)
                )
                if staff_user_id is None:
                    err_console.print(f"[red]no staff user with e-mail {staff_email!r}[/red]")
                    raise typer.Exit(1)
            try:
                plain, row = issue_key(
                    session, role, name, agency_id=agency_id, agent_id=agent_id,
                    staff_user_id=staff_user_id,
                )
            except KeyIssueError as exc:
                err_console.print(f"[red]{exc}[/red]")
                raise typer.Exit(1) from None
            session.commit()
    finally:
        engine.dispose()
    err_console.print(
        f"created {row.role} key {row.prefix} (id {row.id}); store it now, it is not shown again:"
    )
    # The key alone on stdout, so scripts can capture it.
    typer.echo(plain)


@apikey_app.command("revoke")
def revoke(
    prefix: str = typer.Argument(..., help="the key's prefix (the part after `ts_`)"),
    database_url: str | None = typer.Option(None, help="defaults to TOURSTACK_DATABASE_URL"),
) -> None:
    """Revoke a key by its prefix; requests with it are refused from now on."""
    from sqlalchemy import select

    from tourstack.auth import revoke_key
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.db.models import ApiKey
    from tourstack.settings import get_settings

    engine = make_engine(database_url or get_settings().operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            key_id = session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix))
            if key_id is None:
                err_console.print(f"[red]no key with prefix {prefix!r}[/red]")
                raise typer.Exit(1)
            revoke_key(session, key_id)
            session.commit()
    finally:
        engine.dispose()
    console.print(f"[green]key {prefix} revoked[/green]")


def register(app: typer.Typer) -> None:
    app.command()(serve)
    app.add_typer(apikey_app, name="apikey")
