"""The command line's shared parts: apps, consoles, options, progress bars, date and vehicle checks.

Owns what every command needs and no command owns: the root app and its sub-apps, the ``--db``,
``--json`` and ``--vehicle`` options, the ``--json`` printer, the progress bar on stderr, and the
checks of dates and ranges that name the option at fault. Must not hold a use case.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from altsleeve import __version__
from altsleeve.common.jsonvalues import plain
from altsleeve.common.progress import ProgressFn
from altsleeve.errors import InputError, Problem
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import (
    Ledger,
)
from altsleeve.workflows import pit
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.vehicles import (
    VEHICLE_ENV,
    registered_vehicle,
)

app = typer.Typer(
    help="altsleeve: run a private-markets sleeve inside a daily-valued 401(k) vehicle.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
ledger_app = typer.Typer(help="Inspect, verify and export the ledger.", no_args_is_help=True)
marketdata_app = typer.Typer(
    help="Real public-market history shipped with the arch package.", no_args_is_help=True
)
nav_app = typer.Typer(
    help="Daily NAV estimates of quarterly-reported holdings: backtests.", no_args_is_help=True
)
strike_app = typer.Typer(
    help="Strike the vehicle's daily unit price (and `strike diff` after a restrike)."
)
pacing_app = typer.Typer(
    help="Commitment pacing: the planner (`pacing plan`) and its backtest.", no_args_is_help=True
)
stress_app = typer.Typer(
    help="Stress tests: scenarios (`stress --scenario`), `stress size-buffer`, `stress montecarlo`."
)
fees_app = typer.Typer(
    help="Fees: the fee stack gross to net (`fees stack`) and the break-even (`fees breakeven`).",
    no_args_is_help=True,
)
vehicle_app = typer.Typer(
    help="Vehicles as ledger data: register a definition (versioned, effective from a date), "
    "list them, show one.",
    no_args_is_help=True,
)
exceptions_app = typer.Typer(
    help="Exceptions the strike and the price checks found, and accepting one with a reason.",
    no_args_is_help=True,
)
valuation_app = typer.Typer(
    help="Test the daily fair values (SEC Rule 2a-5 style): back-test, challenges, board pack.",
    no_args_is_help=True,
)

_WIDTH = None if sys.stdout.isatty() else 140
out = Console(highlight=False, soft_wrap=True, width=_WIDTH)
err = Console(stderr=True, highlight=False, width=None if sys.stderr.isatty() else 120)

DbOpt = Annotated[
    Path,
    typer.Option(
        "--db",
        envvar="ALTSLEEVE_DB",
        help="Ledger file (DuckDB); `altsleeve ledger init` creates one.",
        show_default=True,
    ),
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the result as JSON on stdout.")]


def _json_text(obj: Any) -> str:
    """Strict JSON (RFC 8259): NaN and infinities become null, dates ISO; the CLI's one encoder.

    ``allow_nan=False`` makes a non-finite float that slipped past :func:`plain` fail loudly.
    """
    return json.dumps(plain(obj), indent=2, default=str, allow_nan=False)


def _emit_json(obj: Any) -> None:
    sys.stdout.write(_json_text(obj) + "\n")


@contextmanager
def _progress(enabled: bool = True) -> Iterator[ProgressFn]:
    """Progress on stderr as a ``ProgressFn``: a rich bar on a terminal, else one line per step."""
    if not enabled:
        yield lambda _d, _c, _t: None
        return
    started = time.perf_counter()
    if not err.is_terminal:
        last = [""]

        def log_step(description: str, _completed: int, _total: int) -> None:
            if description != last[0]:
                last[0] = description
                err.print(f"[{time.perf_counter() - started:6.1f}s] {description}", markup=False)

        yield log_step
        return
    with Progress(
        TextColumn("{task.description:<42}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task: TaskID = bar.add_task("starting", total=1)

        def update(description: str, completed: int, total: int) -> None:
            bar.update(task, description=description, completed=completed, total=max(total, 1))
            if completed >= total:
                bar.console.print(f"[green]✓[/green] {description}")

        yield update


def _version_callback(value: bool) -> None:
    if value:
        out.print(f"altsleeve {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Show version."),
    ] = False,
) -> None:
    """altsleeve: daily NAV, fund accounting, pacing, liquidity, fees and fiduciary evidence."""


def _parse_time(text: str, option: str) -> dt.datetime:
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise InputError(
            [Problem("<args>", f"{text!r} is not an ISO date-time", column=option)]
        ) from exc


def _parse_date(text: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise InputError(
            [Problem("<args>", f"{text!r} is not an ISO date YYYY-MM-DD", column=option)]
        ) from exc


# -- valuation ---------------------------------------------------------------------------------
PathOpt = Annotated[Path | None, typer.Option(help="CSV or Parquet file.")]


def _check_order(first: str | None, last: str | None, first_opt: str, last_opt: str) -> None:
    """Parse a day range's ends and refuse one that ends before it starts."""
    a = _parse_date(first, first_opt) if first else None
    b = _parse_date(last, last_opt) if last else None
    if a is not None and b is not None and a > b:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{first_opt} {a} is after {last_opt} {b}: the range ends before it starts",
                    column=first_opt,
                )
            ]
        )


def _too_early(option: str, day: dt.date | str, what: str, first: Any) -> InputError:
    return InputError(
        [
            Problem(
                "<args>",
                f"{option} {day} is before {pd.Timestamp(first).date()}, {what}",
                column=option,
            )
        ]
    )


def _check_recorded_by(led: Ledger, cutoff: dt.datetime, option: str) -> None:
    """Refuse a recorded-time cutoff before the ledger's first write: it would see nothing."""
    log = led.audit_log()
    if log.empty:
        return
    first = pd.Timestamp(log["recorded_at"].min())
    if pd.Timestamp(cutoff) < first:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{option} {cutoff} is before the ledger's first write ({first}): nothing was "
                    "recorded by then",
                    column=option,
                )
            ]
        )


def _check_valuation_days(
    led: Ledger, last: str, option: str, recorded_at: dt.datetime | None
) -> None:
    """Refuse a range that ends before the first business day the holdings can be valued on."""
    if recorded_at is not None:
        _check_recorded_by(led, recorded_at, "--as-recorded")
    try:
        inputs = inputs_from_ledger(led, recorded_at=recorded_at)
    except InputError:
        if recorded_at is None:
            raise
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"no holdings were recorded in the ledger by {recorded_at}",
                    column="--as-recorded",
                )
            ]
        ) from None
    days = inputs.calendar()
    if days.empty:
        raise InputError(
            [Problem(str(led.path), "no prices of the holdings' proxy series to value with")]
        )
    if pd.Timestamp(last) < days[0]:
        raise _too_early(
            option, last, "the first day with prices of the holdings' proxies", days[0]
        )


# -- fund accounting ---------------------------------------------------------------------------
VehicleOpt = Annotated[
    str | None,
    typer.Option(
        "--vehicle",
        envvar=VEHICLE_ENV,
        help="A registered vehicle's id (default: $ALTSLEEVE_VEHICLE, or the only one).",
    ),
]
VehicleFileOpt = Annotated[
    Path | None,
    typer.Option("--vehicle", help="Vehicle TOML (default: the sample 2045 CIT shipped)."),
]


def _file_vehicle(path: Path | None) -> Vehicle:
    return Vehicle.from_toml(path or sample_vehicle_path())


def _vehicle(db: Path, given: str | None, day: dt.date | None = None) -> Vehicle:
    """The registered vehicle a command means, as defined on ``day`` (default: latest)."""
    with Ledger(db, read_only=True) as led:
        return registered_vehicle(led, given, day)


def _day_range(date: str | None, start: str | None, end: str | None) -> tuple[str | None, str]:
    if date and (start or end):
        raise InputError(
            [Problem("<args>", "give --date or --from/--to, not both", column="--date")]
        )
    if date:
        _parse_date(date, "--date")
        return date, date
    if not end:
        raise InputError(
            [Problem("<args>", "give --date D, or --to D (with --from)", column="--to")]
        )
    _check_order(start, end, "--from", "--to")
    return start, end


def _check_after_launch(
    led: Ledger, v: Vehicle, last: str, option: str, *, after_launch_day: bool
) -> None:
    """Refuse a last day before the vehicle's first business day (its launch, or the day after).

    The strike starts on the launch day; the dilution measures the days after it.
    """
    from altsleeve.fund import business_days
    from altsleeve.workflows.fund import launch_day

    launch = launch_day(v)
    nxt = business_days(v.vehicle.calendar, launch, launch + pd.Timedelta(days=15))
    first = nxt[1] if after_launch_day else nxt[0]
    if pd.Timestamp(last) < first:
        what = "after its launch" if after_launch_day else "(its launch)"
        raise _too_early(option, last, f"{v.vehicle.id}'s first business day {what}", first)


# -- demo --------------------------------------------------------------------------------------
def _mix(text: str | None) -> tuple[tuple[str, float], ...] | None:
    """Parse ``--mix buyout=0.4,private_credit=0.6``."""
    if not text:
        return None
    pairs: list[tuple[str, float]] = []
    for part in text.split(","):
        name, _, weight = part.partition("=")
        try:
            pairs.append((name.strip(), float(weight)))
        except ValueError:
            raise InputError(
                [Problem("<args>", f"--mix: {part!r} is not CLASS=WEIGHT", column="--mix")]
            ) from None
    return tuple(pairs)


def _settings(paths: int, seed: int) -> Any:
    from altsleeve.pacing import StochasticSettings

    try:
        return StochasticSettings(n_paths=paths, seed=seed)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--paths")]) from None


PathsOpt = Annotated[int, typer.Option("--paths", help="Scenario paths (bootstrap draws).")]
SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed of the scenarios.")]
WorkersOpt = Annotated[
    int | None,
    typer.Option("--workers", help="Local Dask workers (default: one per core; 0: in process)."),
]
SchedulerOpt = Annotated[
    str | None,
    typer.Option("--scheduler", help="Address of a running Dask scheduler to use instead."),
]
AsOfOpt = Annotated[
    str | None, typer.Option("--as-of", help="Day of the state YYYY-MM-DD (default: last strike).")
]


def _as_of_day(led: Ledger, vehicle: Vehicle, as_of: str | None) -> dt.date:
    if as_of:
        return _parse_date(as_of, "--as-of")
    strikes = pit.strikes(led, vehicle.vehicle.id)
    if strikes.empty:
        raise InputError(
            [
                Problem(
                    str(led.path),
                    "no strike yet: give --as-of or run `altsleeve strike`",
                    column="--as-of",
                )
            ]
        )
    return pd.Timestamp(strikes["date"].iloc[-1]).date()


# -- stress montecarlo -------------------------------------------------------------------------
def _history_line(history: dict[str, str]) -> None:
    """Print which shipped real series each asset type was bootstrapped from."""
    if history:
        out.print(
            "Long history by asset type (the book's own series are too short to bootstrap): "
            + "; ".join(f"{k}: {v}" for k, v in history.items())
            + ".",
            markup=False,
        )
