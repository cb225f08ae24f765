"""`tourstack itinerary generate`: a day-by-day plan from the command line.

Uses the operational database's catalogue; OpenAI when a key is configured (or asked for with
--provider openai), the offline planner otherwise. Generation records are written like the
API's; --save also stores the plan as a draft itinerary. Bad input is one line on stderr and
exit code 2.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

itinerary_app = typer.Typer(help="Generate and inspect itineraries.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)
USAGE_ERROR = 2


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


@itinerary_app.command()
def generate(
    destination: str = typer.Option(..., "--destination", "-d", help="catalogue destination, e.g. Jaipur"),
    days: int = typer.Option(3, "--days", min=1, max=21),
    budget: str = typer.Option("moderate", "--budget", help="budget | moderate | luxury"),
    interests: str = typer.Option("culture", "--interests", help="comma-separated, e.g. culture,food"),
    style: str = typer.Option("moderate", "--style", help="fast_paced | moderate | relaxed"),
    travellers: str = typer.Option("couple", "--travellers", help="family | couple | solo | group"),
    adults: int | None = typer.Option(None, "--adults", min=1),
    children: int | None = typer.Option(None, "--children", min=0),
    start: str | None = typer.Option(None, "--start", help="first day, YYYY-MM-DD"),
    provider: str = typer.Option("auto", "--provider", help="auto | offline | openai"),
    as_json: bool = typer.Option(False, "--json", help="print the plan as JSON"),
    save: bool = typer.Option(False, "--save", help="store it as a draft itinerary"),
    database_url: str | None = typer.Option(None, help="defaults to the operational DB"),
) -> None:
    """Generate a plan, e.g. --destination Jaipur --days 3 --interests culture,food --style relaxed."""
    from pydantic import ValidationError

    from tourstack.itinerary.factory import ItineraryServices
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.itinerary import (
        BudgetExhausted,
        GenerationFailed,
        Travellers,
        TripRequest,
        UnknownDestination,
        service,
    )
    from tourstack.settings import get_settings

    settings = get_settings()
    try:
        base = Travellers.of(travellers)  # type: ignore[arg-type]
        crowd = Travellers(kind=base.kind, adults=adults or base.adults,
                           children=children if children is not None else base.children)
        trip = TripRequest(
            destination=destination, days=days, budget=budget, style=style, travellers=crowd,
            interests=[i.strip() for i in interests.split(",") if i.strip()],
            start_date=dt.date.fromisoformat(start) if start else None,
        )
    except (ValidationError, ValueError, KeyError) as exc:
        raise _fail(f"invalid request: {str(exc).splitlines()[0]}") from None
    if provider not in ("auto", "offline", "openai"):
        raise _fail("--provider must be auto, offline or openai")
    ai = ItineraryServices.from_settings(settings)
    if provider == "openai" and not ai.config.enabled:
        raise _fail("--provider openai needs TOURSTACK_OPENAI_API_KEY")
    engine = make_engine(database_url or settings.operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                if save:
                    itinerary, gen = service.generate_draft(session, trip, ai.providers(provider), budget=ai.budget)
                else:
                    gen = service.plan_trip(session, trip, ai.providers(provider), budget=ai.budget)
                    itinerary = None
            except UnknownDestination as exc:
                raise _fail(str(exc)) from None
            except (BudgetExhausted, GenerationFailed) as exc:
                raise _fail(str(exc)) from None
            session.commit()
    finally:
        engine.dispose()
    plan = gen.plan
    if as_json:
        data = plan.model_dump(mode="json") | {"itinerary_id": itinerary.id if itinerary else None}
        console.print_json(data=data)
        return
    console.print(f"[bold]{plan.title}[/bold]  ({gen.provider}{' ' + gen.model if gen.model else ''})")
    console.print(plan.summary, soft_wrap=True)
    for day in plan.days:
        table = Table(title=f"{day.title}{'  ' + day.date.isoformat() if day.date else ''}",
                      title_justify="left", show_lines=False)
        for col in ("slot", "time", "what", "cost", "ok"):
            table.add_column(col, justify="right" if col == "cost" else "left")
        for item in day.items:
            when = f"{item.starts_at:%H:%M}-{item.ends_at:%H:%M}" if item.starts_at and item.ends_at else ""
            table.add_row(item.slot, when, f"{item.kind}: {item.name}",
                          f"{item.estimated_cost} {item.currency}", "✓" if item.verified else "?")
        console.print(table)
    console.print(f"Total: [bold]{plan.total} {plan.currency}[/bold]")
    for warning in plan.warnings:
        console.print(f"[yellow]note:[/yellow] {warning}", soft_wrap=True)
    if itinerary is not None:
        console.print(f"Saved as draft itinerary {itinerary.id}.")


@itinerary_app.command()
def pdf(
    reference: str = typer.Argument(..., help="itinerary id (42) or booking reference"),
    out: Path = typer.Option(..., "--out", "-o", help="where to write the PDF"),
    today: str | None = typer.Option(None, "--today", help="date the forecast horizon counts from, YYYY-MM-DD"),
    database_url: str | None = typer.Option(None, help="defaults to the operational DB"),
) -> None:
    """Write the customer's trip document, e.g. `tourstack itinerary pdf 42 --out trip.pdf`."""
    from reports.itinerary.pdf import render_pdf
    from tourstack.db.engine import make_engine, make_sessionmaker
    from tourstack.itinerary import ItineraryNotFound
    from tourstack.itinerary.tripdoc import build_document, resolve_itinerary
    from tourstack.itinerary.tripdoc_services import providers_from_settings
    from tourstack.settings import get_settings

    try:
        as_of = dt.date.fromisoformat(today) if today else dt.date.today()
    except ValueError:
        raise _fail(f"--today must be YYYY-MM-DD, not {today!r}") from None
    if out.exists() and out.is_dir():
        raise _fail(f"--out {out} is a directory")
    settings = get_settings()
    engine = make_engine(database_url or settings.operational_url)
    try:
        with make_sessionmaker(engine)() as session:
            try:
                itinerary, booking_ref = resolve_itinerary(session, reference, agency_id=None)
            except ItineraryNotFound:
                raise _fail(f"no itinerary or booking {reference!r}") from None
            doc = build_document(session, itinerary, today=as_of, providers=providers_from_settings(settings),
                                 booking_ref=booking_ref)
        data = render_pdf(doc)
    finally:
        engine.dispose()
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    console.print(f"Wrote {out} ({len(doc.days)} days, {len(data) // 1024} kB).")


def register(app: typer.Typer) -> None:
    app.add_typer(itinerary_app, name="itinerary")
