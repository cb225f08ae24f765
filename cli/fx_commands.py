"""`tourstack fx convert` and `tourstack fx sync`: FX conversions with provenance, and loading
reference rates into the operational `fx_rates` table.

Bad input (an amount that is not a number, an unknown currency, a date without a rate) is a
user error: one clear line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal, InvalidOperation

import typer
from rich.console import Console

fx_app = typer.Typer(help="Foreign exchange: convert amounts and sync reference rates.", no_args_is_help=True)
console = Console()
err_console = Console(stderr=True)

USAGE_ERROR = 2


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


def _parse_date(text: str | None, option: str) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _fail(f"{option} must be a date like 2025-03-07, got {text!r}") from None


# "1250.50", "-3", "1,250.50" (commas only as thousands separators: "1,5" is refused, since
# it reads as one and a half in much of the world).
_AMOUNT = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


def _parse_amount(text: str) -> Decimal:
    cleaned = text.strip()
    if not _AMOUNT.match(cleaned):
        raise _fail(f"amount must be a number like 1250.50 or 1,250.50, got {text!r}")
    try:
        value = Decimal(cleaned.replace(",", ""))
    except InvalidOperation:
        raise _fail(f"amount must be a number, got {text!r}") from None
    return value


def _database_url(database_url: str | None) -> str:
    from tourstack.settings import get_settings

    return database_url or get_settings().operational_url


@fx_app.command()
def convert(
    amount: str = typer.Argument(..., help="amount in FROM, e.g. 1250.50"),
    from_currency: str = typer.Argument(..., metavar="FROM", help="ISO 4217 code, e.g. GBP"),
    to_currency: str = typer.Argument(..., metavar="TO", help="ISO 4217 code, e.g. INR"),
    on: str | None = typer.Option(None, "--on", help="rate date (YYYY-MM-DD); default today"),
    source: str = typer.Option("ecb-offline", "--source", help="ecb-offline | db"),
    database_url: str | None = typer.Option(None, help="for --source db; defaults to the operational DB"),
    as_json: bool = typer.Option(False, "--json", help="print one JSON object instead of text"),
) -> None:
    """Convert AMOUNT from one currency to another and show the rate, its date and source.

    AMOUNT must fit FROM's minor unit exactly (75000.50 JPY is refused, not rounded)."""
    from tourstack.db.engine import make_engine
    from tourstack.fx import FxError, convert as fx_convert, make_source
    from tourstack.money import CurrencyError, Money, exact_amount

    value = _parse_amount(amount)
    day = _parse_date(on, "--on")
    from_code, to_code = from_currency.strip().upper(), to_currency.strip().upper()
    if source not in ("ecb-offline", "db"):
        raise _fail(f"--source must be ecb-offline or db, got {source!r}")
    try:
        original = Money(exact_amount(value, from_code), from_code)
    except CurrencyError as exc:
        raise _fail(str(exc)) from None
    engine = make_engine(_database_url(database_url)) if source == "db" else None
    try:
        rates = make_source(source, bind=engine)
        result = fx_convert(original, to_code, day, rates)
    except (FxError, CurrencyError) as exc:
        raise _fail(str(exc)) from None
    finally:
        if engine is not None:
            engine.dispose()
    if as_json:
        typer.echo(json.dumps(_as_document(amount, result)))
        return
    console.print(f"{result.original} = [bold]{result.converted}[/bold]", highlight=False)
    console.print(f"rate: 1 {from_code} = {result.rate.normalize():f} {to_code}", highlight=False)
    console.print(f"rate date: {result.rate_date.isoformat()}", highlight=False)
    console.print(f"source: {result.source}", highlight=False)
    console.print(result.stated, highlight=False, soft_wrap=True)


def _as_document(given: str, result) -> dict[str, object]:
    """The conversion as JSON: amounts and the rate as decimal strings (never JSON numbers, which
    most readers parse as binary floats)."""
    return {
        "amount_given": given.strip(),
        "amount": format(result.original.amount, "f"),
        "currency": result.original.currency,
        "converted_amount": format(result.converted.amount, "f"),
        "converted_currency": result.converted.currency,
        "rate": format(result.rate.normalize(), "f"),
        "rate_date": result.rate_date.isoformat(),
        "requested_date": result.requested_date.isoformat(),
        "carried_forward": result.is_carried_forward,
        "source": result.source,
        "note": result.stated,
    }


@fx_app.command()
def sync(
    source: str = typer.Option("ecb-offline", "--source", help="ecb-offline | ecb-live | oxr"),
    start: str = typer.Option(..., "--start", help="first rate date (YYYY-MM-DD)"),
    end: str | None = typer.Option(None, "--end", help="last rate date; default today"),
    database_url: str | None = typer.Option(None, help="defaults to TOURSTACK_DATABASE_URL"),
) -> None:
    """Load EUR-based reference rates into the operational fx_rates table (idempotent)."""
    from tourstack.db.engine import make_engine
    from tourstack.fx import SYNC_SOURCE_NAMES, FxError, make_source, sync_rates
    from tourstack.settings import get_settings

    first, last = _parse_date(start, "--start"), _parse_date(end, "--end")
    if last < first:
        raise _fail(f"--end {last} is before --start {first}")
    if source not in SYNC_SOURCE_NAMES:
        raise _fail(f"--source must be one of {', '.join(SYNC_SOURCE_NAMES)}, got {source!r}")
    settings = get_settings()
    engine = make_engine(_database_url(database_url))
    try:
        rates = make_source(
            source,
            ecb_base_url=settings.ecb_base_url,
            oxr_app_id=settings.oxr_app_id.get_secret_value() if settings.oxr_app_id else None,
            oxr_base_url=settings.oxr_base_url,
        )
        with console.status(f"syncing {source} rates {first} .. {last}"):
            written = sync_rates(engine, rates, first, last)
    except FxError as exc:
        raise _fail(str(exc)) from None
    finally:
        engine.dispose()
    console.print(f"[green]{written} fx_rates rows inserted or updated[/green] ({source}, {first} .. {last})")


def register(app: typer.Typer) -> None:
    app.add_typer(fx_app, name="fx")
