"""`tourstack route solve FILE.json`: order stops from a travel-time matrix.

FILE holds {"durations": N x N, "start": i, "end": j | null, "time_windows": [[open, close], ...]
(optional), "service": [...] (optional)}, or is a TSPLIB instance (`.tsp`, `.atsp`: a closed
tour from node 1, whose "order" is then in TSPLIB's 1-based node numbers). The answer on stdout is JSON
{"order": [...], "total": travel cost of that order, "feasible": bool}; `--details` adds the
violating stops, service start times, the method and whether optimality is proven.

Bad input (unreadable file, non-square matrix, negative durations, bad indices, wrong window
count) is a user error: one clear line on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import typer
from rich.console import Console

route_app = typer.Typer(help="Route optimisation: order stops with time windows.", no_args_is_help=True)
err_console = Console(stderr=True)

USAGE_ERROR = 2


def _fail(message: str) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(USAGE_ERROR)


def _number(value: float) -> float | int:
    rounded = round(value, 6)
    return int(rounded) if math.isfinite(rounded) and rounded == int(rounded) else rounded


@route_app.command()
def solve(
    file: Path = typer.Argument(..., help="JSON problem file", dir_okay=False),
    time_limit: float | None = typer.Option(
        None, "--time-limit", help="seconds of search for large instances"
    ),
    details: bool = typer.Option(False, "--details", help="also print violations, times and method"),
) -> None:
    """Best order from start through every node to end (null end: open path; end == start: tour)."""
    from tourstack.routing.problem import RouteInputError
    from tourstack.routing.solver import solve_route

    if time_limit is not None and time_limit <= 0:
        raise _fail("--time-limit must be positive")
    if file.suffix.lower() in (".tsp", ".atsp"):
        _solve_tsplib(file, time_limit, details)
        return
    try:
        data = json.loads(file.read_text())
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise _fail(f"{file} is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise _fail("the problem must be a JSON object with durations, start and end")
    unknown = set(data) - {"durations", "start", "end", "time_windows", "service"}
    if unknown:
        raise _fail(f"unknown keys: {', '.join(sorted(unknown))}")
    if "durations" not in data:
        raise _fail("missing key: durations")
    try:
        solution = solve_route(
            data["durations"],
            start=data.get("start", 0),
            end=data.get("end"),
            time_windows=data.get("time_windows"),
            service=data.get("service"),
            time_limit_s=time_limit,
        )
    except RouteInputError as exc:
        raise _fail(str(exc)) from None
    out: dict[str, object] = {
        "order": solution.order,
        "total": _number(solution.total),
        "feasible": solution.feasible,
    }
    if details:
        out |= {
            "violations": solution.violations,
            "begins": [_number(t) for t in solution.begins],
            "method": solution.method,
            "optimal": solution.optimal,
        }
    typer.echo(json.dumps(out))


def _solve_tsplib(file: Path, time_limit: float | None, details: bool) -> None:
    from tourstack.routing import tsplib
    from tourstack.routing.solver import solve_route

    try:
        instance = tsplib.read(file)
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from None
    except tsplib.TsplibError as exc:
        raise _fail(f"{file}: {exc}") from None
    solution = solve_route(instance.weights.astype(float), start=0, end=0, time_limit_s=time_limit)
    out: dict[str, object] = {"name": instance.name, "order": [v + 1 for v in solution.order],
                              "total": _number(solution.total), "feasible": solution.feasible}
    if details:
        out |= {"method": solution.method, "optimal": solution.optimal}
    typer.echo(json.dumps(out))


def register(app: typer.Typer) -> None:
    app.add_typer(route_app, name="route")
