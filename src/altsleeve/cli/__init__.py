"""The ``altsleeve`` command line: a thin Typer layer over the library.

Owns argument parsing, human tables (rich) and ``--json`` output (strict JSON: ``null`` for NaN
and infinities), progress bars, and the exit codes: 0 ok, 2 bad input (every problem printed,
nothing written; a missing ledger, an early or inverted date and a held lock are bad input), 1
internal error (one line; the traceback only with ``--debug``). Only ``ledger init`` and ``demo``
create a ledger; commands that only read open it read-only. Must not hold logic that a library
call could not do in three lines: each command calls ``altsleeve.ledger`` or
``altsleeve.workflows``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import sys
import time
import traceback
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from altsleeve import __version__
from altsleeve.common.jsonvalues import plain
from altsleeve.common.progress import ProgressFn
from altsleeve.errors import InputError, Problem
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import (
    DEFAULT_DB,
    FORMATS,
    KNOWLEDGE_TABLES,
    Ledger,
    export_frame,
    ingest_file,
    write_export,
)
from altsleeve.ledger._ingest import check_file
from altsleeve.marketdata import SERIES_IDS, arch_levels
from altsleeve.performance import max_drawdown
from altsleeve.valuation._metrics import report_table
from altsleeve.workflows import pit
from altsleeve.workflows.fund import (
    StrikeStoppedError,
    dilution_report,
    record_breaches,
    strike_diff,
    strike_range,
)
from altsleeve.workflows.marketdata import load_market_data
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.samplebook import (
    book_summary,
    build_sample_book,
    read_flows,
    sample_book_flows,
)
from altsleeve.workflows.valuation import (
    inputs_from_files,
    make_valuers,
    read_truth,
    record_challenges,
    run_backtest,
    valuation_test,
    write_valuations,
)
from altsleeve.workflows.vehicles import (
    VEHICLE_ENV,
    registered_vehicle,
    resolve_vehicle_id,
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
app.add_typer(ledger_app, name="ledger")
app.add_typer(marketdata_app, name="marketdata")
app.add_typer(nav_app, name="nav")
strike_app = typer.Typer(
    help="Strike the vehicle's daily unit price (and `strike diff` after a restrike)."
)
app.add_typer(strike_app, name="strike")
pacing_app = typer.Typer(
    help="Commitment pacing: the planner (`pacing plan`) and its backtest.", no_args_is_help=True
)
app.add_typer(pacing_app, name="pacing")
stress_app = typer.Typer(
    help="Stress tests: scenarios (`stress --scenario`), `stress size-buffer`, `stress montecarlo`."
)
app.add_typer(stress_app, name="stress")
fees_app = typer.Typer(
    help="Fees: the fee stack gross to net (`fees stack`) and the break-even (`fees breakeven`).",
    no_args_is_help=True,
)
app.add_typer(fees_app, name="fees")
vehicle_app = typer.Typer(
    help="Vehicles as ledger data: register a definition (versioned, effective from a date), "
    "list them, show one.",
    no_args_is_help=True,
)
app.add_typer(vehicle_app, name="vehicle")
exceptions_app = typer.Typer(
    help="Exceptions the strike and the price checks found, and accepting one with a reason.",
    no_args_is_help=True,
)
app.add_typer(exceptions_app, name="exceptions")
valuation_app = typer.Typer(
    help="Test the daily fair values (SEC Rule 2a-5 style): back-test, challenges, board pack.",
    no_args_is_help=True,
)
app.add_typer(valuation_app, name="valuation")

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


class IngestKind(StrEnum):
    """File kinds that ``altsleeve ingest`` accepts."""

    holdings = "holdings"
    statements = "statements"
    cashflows = "cashflows"
    series = "series"
    prices = "prices"
    orders = "orders"


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


# -- ingest ------------------------------------------------------------------------------------
@app.command()
def ingest(
    kind: Annotated[IngestKind, typer.Argument(help="What the file holds.")],
    file: Annotated[Path, typer.Argument(help="CSV (.csv, .csv.gz) or Parquet file.")],
    db: DbOpt = DEFAULT_DB,
    restate: Annotated[
        bool, typer.Option("--restate", help="Record differing rows as new versions.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the audit log).")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Validate only; write nothing.")
    ] = False,
    accept_move: Annotated[
        bool,
        typer.Option(
            "--accept-move",
            help="Record prices that move beyond their series' tolerance (needs --reason); "
            "each is kept as an accepted exception.",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Validate a file completely, then append it to the ledger in one transaction."""
    if accept_move and not reason:
        raise InputError([Problem("<args>", "--accept-move needs --reason", column="--reason")])
    if restate and not (reason or "").strip():
        raise InputError(
            [
                Problem(
                    "<args>",
                    "--restate needs --reason TEXT: why the rows are restated (kept in the audit "
                    "log)",
                    column="--reason",
                )
            ]
        )
    with Ledger(db, read_only=dry_run) as led, _progress(not as_json) as prog:
        if dry_run:
            checked = check_file(led, kind.value, file, accept_move=accept_move, progress=prog)
            res: dict[str, Any] = {
                "kind": kind.value,
                "file": str(file),
                "rows": checked.row_count,
                "valid": True,
                "written": 0,
            }
        else:
            rep = ingest_file(
                led,
                kind.value,
                file,
                restate=restate,
                reason=reason,
                accept_move=accept_move,
                progress=prog,
            )
            r = rep.result
            res = {
                "kind": rep.kind,
                "file": rep.path,
                "sha256": rep.sha256,
                "rows": rep.rows_read,
                "new": r.new,
                "restated": r.restated,
                "unchanged": r.unchanged,
                "batch_id": r.batch_id,
            }
    if as_json:
        _emit_json(res)
    elif dry_run:
        out.print(f"{file}: {res['rows']} rows valid ({kind.value}); nothing written")
    elif res["batch_id"] is None:
        out.print(f"{file}: no changes ({res['unchanged']} rows already recorded)")
    else:
        out.print(
            f"{file}: {res['new']} new, {res['restated']} restated, {res['unchanged']} unchanged "
            f"rows of {kind.value} (batch {res['batch_id']})"
        )


# -- market data -------------------------------------------------------------------------------
@marketdata_app.command("load")
def marketdata_load(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Load arch's S&P 500, NASDAQ, Fama-French, AAA/BAA and core CPI data, plus derived indices."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        res = load_market_data(led, prog)
    if as_json:
        _emit_json(res.series)
        return
    _series_table(res.series, f"Market data in {db} ({res.rows_written} rows written)")


@marketdata_app.command("register")
def marketdata_register(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV/Parquet: series, description, unit, frequency, asset_type"
            "[, move_tolerance, source]."
        ),
    ],
    db: DbOpt = DEFAULT_DB,
    restate: Annotated[
        bool, typer.Option("--restate", help="Record changed metadata as new versions.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the audit log).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register your own price series (what each is, its unit, frequency and tolerance)."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        rep = ingest_file(led, "series", file, restate=restate, reason=reason, progress=prog)
    res = {
        "file": rep.path,
        "sha256": rep.sha256,
        "rows": rep.rows_read,
        "new": rep.result.new,
        "restated": rep.result.restated,
        "unchanged": rep.result.unchanged,
        "batch_id": rep.result.batch_id,
    }
    if as_json:
        _emit_json(res)
        return
    out.print(
        f"{file}: {res['new']} series registered, {res['restated']} restated, "
        f"{res['unchanged']} unchanged (see `altsleeve marketdata list`)"
    )


@marketdata_app.command("list")
def marketdata_list(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """List the price series in the ledger with their provenance."""
    with Ledger(db, read_only=True) as led:
        snap = led.as_known_on(dt.date(2100, 12, 31), tables=("series", "prices"))
    prices = snap.prices.groupby("series_id")["date"].agg(["min", "max", "count"])
    rows = []
    for _, s in snap.series.iterrows():
        sid = s["series_id"]
        p = prices.loc[sid] if sid in prices.index else None
        rows.append(
            {
                "series_id": sid,
                "description": s["description"],
                "asset_type": None if pd.isna(s.get("asset_type")) else s.get("asset_type"),
                "unit": s["unit"],
                "frequency": s["frequency"],
                "first": p["min"].date().isoformat() if p is not None else "",
                "last": p["max"].date().isoformat() if p is not None else "",
                "rows": int(p["count"]) if p is not None else 0,
                "source": s["source"],
                "file_sha256": s["file_sha256"],
            }
        )
    if as_json:
        _emit_json(rows)
        return
    _series_table(rows, f"Price series in {db}")


def _series_table(rows: Sequence[dict[str, Any]], title: str) -> None:
    t = Table(title=title)
    cols = ("series_id", "asset_type", "unit", "frequency", "first", "last", "rows", "description")
    for c in cols:
        t.add_column(c, justify="right" if c == "rows" else "left", overflow="fold")
    for r in rows:
        cells = {c: str(r.get(c, "") or "") for c in cols}
        # the first sentence of the description (--json has all of it)
        first = re.split(r"(?<=[.;])\s", cells["description"], maxsplit=1)[0]
        cells["description"] = first.removesuffix(";")
        t.add_row(*(cells[c] for c in cols))
    out.print(t)


# -- sample book -------------------------------------------------------------------------------
@app.command()
def sample(
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same book.")] = 2045,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Build the SYNTHETIC sample book (private funds driven by real index paths)."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        res = build_sample_book(led, seed, prog)
    summary = {
        "book_id": res.book_id,
        "seed": res.seed,
        "synthetic": True,
        "description": res.description,
        "written": {k: v.written for k, v in res.results.items()},
        "unchanged": {k: v.unchanged for k, v in res.results.items()},
    }
    if as_json:
        _emit_json(summary)
        return
    out.print(f"[bold]{res.book_id}[/bold] (seed {seed}): {res.description}")
    t = Table(title="Rows recorded")
    t.add_column("table")
    t.add_column("written", justify="right")
    t.add_column("already there", justify="right")
    for k, v in res.results.items():
        t.add_row(k, str(v.written), str(v.unchanged))
    out.print(t)


# -- ledger ------------------------------------------------------------------------------------
@ledger_app.command("init")
def ledger_init(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Create an empty ledger (with its folders); the only command besides `demo` that does."""
    existed = db.exists()
    with Ledger(db, create=True) as led:
        version = led.schema_version
    res = {"db": str(db), "created": not existed, "schema_version": version}
    if as_json:
        _emit_json(res)
    elif existed:
        out.print(
            f"{db} is already an altsleeve ledger (schema version {version}); nothing to create"
        )
    else:
        out.print(f"created an empty ledger at {db} (schema version {version})")


@ledger_app.command("verify")
def ledger_verify(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Check the audit hash chain and every row against it; exit 1 if anything was altered."""
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        rep = led.verify(prog)
    if as_json:
        _emit_json(
            {
                "ok": rep.ok,
                "entries": rep.entries,
                "rows": rep.rows,
                "head_hash": rep.head_hash,
                "problems": rep.problems,
            }
        )
    elif rep.ok:
        out.print(
            f"ledger OK: {rep.entries} audit entries, {rep.rows} rows; head hash {rep.head_hash}"
        )
    else:
        for p in rep.problems:
            err.print(f"[red]TAMPERED[/red] {p}")
        err.print(f"ledger verification FAILED: {len(rep.problems)} problems")
    if not rep.ok:
        raise typer.Exit(1)


@ledger_app.command("status")
def ledger_status(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Rows and keys per table, schema version and the newest audit entry."""
    with Ledger(db, read_only=True) as led:
        counts = led.counts()
        version = led.schema_version
        log = led.audit_log(limit=1)
    head = log.iloc[0].to_dict() if len(log) else {}
    res = {
        "db": str(db),
        "schema_version": version,
        "tables": counts,
        "last_entry": {
            k: head.get(k) for k in ("seq", "recorded_at", "action", "target_table", "source")
        },
    }
    if as_json:
        _emit_json(res)
        return
    t = Table(title=f"Ledger {db} (schema version {version})")
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("keys", justify="right")
    for name, c in counts.items():
        t.add_row(name, str(c["rows"]), str(c["keys"]))
    out.print(t)


@ledger_app.command("log")
def ledger_log(
    db: DbOpt = DEFAULT_DB,
    limit: Annotated[int, typer.Option("--limit", help="Newest N entries.")] = 20,
    as_json: JsonOpt = False,
) -> None:
    """The audit log, newest first: who wrote what, from which file, with which hash."""
    with Ledger(db, read_only=True) as led:
        log = led.audit_log(limit=limit)
    cols = ["seq", "recorded_at", "action", "target_table", "n_rows", "source", "entry_hash"]
    if as_json:
        _emit_json(log.to_dict(orient="records"))
        return
    t = Table(title=f"Audit log of {db}")
    for c in cols:
        t.add_column(c)
    for _, r in log.iterrows():
        t.add_row(*(str(r[c])[:16] + "…" if c == "entry_hash" else str(r[c]) for c in cols))
    out.print(t)


@ledger_app.command("export")
def ledger_export(
    table: Annotated[str, typer.Argument(help=f"One of {', '.join(KNOWLEDGE_TABLES)}.")],
    db: DbOpt = DEFAULT_DB,
    as_known_on: Annotated[
        str | None, typer.Option("--as-known-on", help="Knowledge date YYYY-MM-DD.")
    ] = None,
    recorded_at: Annotated[
        str | None, typer.Option("--recorded-at", help="Only what was recorded by this UTC time.")
    ] = None,
    with_bookkeeping: Annotated[
        bool,
        typer.Option(
            "--with-bookkeeping",
            help="Also write version, recorded_at and batch_id (for audit; ingest refuses them).",
        ),
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--out", help="Write CSV or Parquet here (default: stdout).")
    ] = None,
) -> None:
    """Export a table exactly as known on a date (latest version of each key known then).

    holdings, statements, cashflows, prices and orders come out in their ingest format, so
    `altsleeve ingest KIND` takes the file back (every row unchanged).
    """
    if table not in KNOWLEDGE_TABLES:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"unknown table {table!r}; expected one of {', '.join(KNOWLEDGE_TABLES)}",
                    column="TABLE",
                )
            ]
        )
    day = _parse_date(as_known_on, "--as-known-on") if as_known_on else None
    rec = _parse_time(recorded_at, "--recorded-at") if recorded_at else None
    with Ledger(db, read_only=True) as led:
        frame = export_frame(
            led,
            table,
            known_on=day or dt.date(2100, 12, 31),
            recorded_at=rec,
            with_bookkeeping=with_bookkeeping,
        )
        if frame.empty and (day is not None or rec is not None):
            _explain_empty_export(led, table, day, rec)
    text = write_export(frame, output, dates_as_dates=table in FORMATS)
    if output is None:
        sys.stdout.write(text)


def _explain_empty_export(
    led: Ledger, table: str, day: dt.date | None, rec: dt.datetime | None
) -> None:
    """Refuse a date that empties a table with rows: it is before anything in it was known."""
    every = led.history(table)
    if every.empty:
        return  # an empty table exports as its header, whatever the date
    if rec is not None and not (every["recorded_at"] <= pd.Timestamp(rec)).any():
        first = pd.Timestamp(every["recorded_at"].min())
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"nothing in {table} was recorded by {rec} (the first row was recorded at "
                    f"{first})",
                    column="--recorded-at",
                )
            ]
        )
    known = every["known_on"] if "known_on" in every.columns else every["recorded_at"]
    first_known = pd.Timestamp(known.min()).date()
    raise InputError(
        [
            Problem(
                "<args>",
                f"nothing in {table} was known on {day} (the first fact was known on "
                f"{first_known})",
                column="--as-known-on",
            )
        ]
    )


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


@nav_app.command("backtest")
def nav_backtest(
    db: DbOpt = DEFAULT_DB,
    holdings: Annotated[
        Path | None, typer.Option("--holdings", help="holding_id, asset_class, proxy[, ...].")
    ] = None,
    statements: Annotated[
        Path | None, typer.Option("--statements", help="holding_id, as_of, known_on, nav.")
    ] = None,
    cashflows: Annotated[
        Path | None, typer.Option("--cashflows", help="holding_id, date, kind, amount.")
    ] = None,
    proxies: Annotated[Path | None, typer.Option("--proxies", help="series, date, level.")] = None,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="holding_id, date, value (synthetic books).")
    ] = None,
    flows: Annotated[
        Path | None,
        typer.Option(
            "--flows",
            help="date, flow: daily net flow as a fraction of the vehicle (default: the sample "
            "book's orders, else a steady 0.04%/day).",
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="Comma-separated: stale,proxy,nowcast,nowcast-ph.")
    ] = "stale,proxy,nowcast",
    proxy_beta: Annotated[
        str, typer.Option("--proxy-beta", help="Beta of the proxy method, or 'estimate'.")
    ] = "1.0",
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path(
        "backtest-output"
    ),
    as_json: JsonOpt = False,
) -> None:
    """Run every method strictly as of each business day; write estimates.csv and the scores."""
    _check_order(start, end, "--from", "--to")
    files = [holdings, statements, cashflows, proxies]
    truth_frame = flows_series = None
    with _progress(not as_json) as prog:
        if any(f is not None for f in files):
            if not all(f is not None for f in files):
                raise InputError(
                    [
                        Problem(
                            "<args>",
                            "--holdings, --statements, --cashflows and --proxies go together",
                            column="--holdings",
                        )
                    ]
                )
            assert holdings and statements and cashflows and proxies
            prog("reading and validating the input files", 0, 1)
            inputs = inputs_from_files(holdings, statements, cashflows, proxies)
        else:
            with Ledger(db, read_only=True) as led:
                inputs = inputs_from_ledger(led)
                t = led.synthetic_truth()
                if truth is None and not t.empty:
                    truth_frame = t[["holding_id", "date", "value"]]
                if flows is None:
                    flows_series = sample_book_flows(led)
        days = inputs.calendar()
        if days.empty:
            raise InputError([Problem("<inputs>", "no prices of the holdings' proxy series")])
        if end and pd.Timestamp(end) < days[0]:
            raise _too_early("--to", end, "the first day with prices of the proxies", days[0])
        if truth is not None:
            truth_frame = read_truth(truth)
        if flows is not None:
            flows_series = read_flows(flows)
        valuers = make_valuers([m.strip() for m in method.split(",") if m.strip()], proxy_beta)
        res = run_backtest(
            inputs,
            valuers,
            start=start,
            end=end,
            truth=truth_frame,
            flows=flows_series,
            progress=prog,
        )
        out_dir.mkdir(parents=True, exist_ok=True)
        prog("writing estimates.csv", 0, 1)
        res.estimates[["holding_id", "date", "method", "value", "lower", "upper"]].to_csv(
            out_dir / "estimates.csv", index=False, date_format="%Y-%m-%d", float_format="%.2f"
        )
        res.estimates.to_parquet(out_dir / "estimates_detail.parquet", index=False)
        if res.report is not None and res.table is not None:
            (out_dir / "report.json").write_text(_json_text(res.report))
            res.table.to_csv(out_dir / "report.csv")
        prog("written", 1, 1)
    summary = {
        "out": str(out_dir),
        "rows": len(res.estimates),
        "holdings": int(res.estimates["holding_id"].nunique()),
        "methods": sorted(set(res.estimates["method"])),
        "report": res.report,
    }
    if as_json:
        _emit_json(summary)
        return
    out.print(
        f"{summary['rows']:,} estimates for {summary['holdings']} holdings written to "
        f"{out_dir / 'estimates.csv'}"
    )
    if res.table is not None:
        _backtest_table(res.table)
    else:
        out.print("No truth given: estimates only (pass --truth to score them).")


def _backtest_table(table: Any) -> None:
    t = Table(title="Backtest against the truth (daily log error; truth is synthetic)")
    cols = [
        ("rmse", "RMSE", "{:.4f}"),
        ("mae", "MAE", "{:.4f}"),
        ("bias", "bias", "{:+.4f}"),
        ("coverage", "90% cover", "{:.1%}"),
        ("true_up_mean_abs", "true-up", "{:.4f}"),
        ("dilution_bp_per_year", "dilution bp/yr", "{:.1f}"),
    ]
    extra = [c for c in table.columns if c.startswith("rmse_20")]
    t.add_column("method")
    for _, head, _f in cols:
        t.add_column(head, justify="right")
    for c in extra:
        t.add_column(f"RMSE {c[5:]}", justify="right")
    for method, row in table.iterrows():
        cells = [str(method)]
        for key, _, fmt in cols:
            v = row.get(key)
            cells.append("n/a" if v is None or v != v else fmt.format(v))
        cells += [f"{row[c]:.4f}" for c in extra]
        t.add_row(*cells)
    out.print(t)


@app.command()
def value(
    db: DbOpt = DEFAULT_DB,
    date: Annotated[str | None, typer.Option("--date", help="One day YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    method: Annotated[str, typer.Option("--method", help="Comma-separated methods.")] = "nowcast",
    as_recorded: Annotated[
        str | None,
        typer.Option("--as-recorded", help="Use only inputs recorded by this UTC time."),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Value every holding on each business day and record it in the ledger (versioned)."""
    if date and (start or end):
        raise InputError(
            [Problem("<args>", "give --date or --from/--to, not both", column="--date")]
        )
    if not date and not (start and end):
        raise InputError(
            [Problem("<args>", "give --date D or both --from and --to", column="--date")]
        )
    first, last = (date, date) if date else (start, end)
    assert first and last
    first_opt, last_opt = ("--date", "--date") if date else ("--from", "--to")
    _check_order(first, last, first_opt, last_opt)
    rec = _parse_time(as_recorded, "--as-recorded") if as_recorded else None
    methods = [m.strip() for m in method.split(",") if m.strip()]
    with Ledger(db) as led, _progress(not as_json) as prog:
        _check_valuation_days(led, last, last_opt, rec)
        res = write_valuations(led, first, last, methods, recorded_at=rec, progress=prog)
        snap = led.as_known_on(_parse_date(last, last_opt), tables=("valuations",)).valuations
    day = snap[snap["date"] == snap["date"].max()] if len(snap) else snap
    last_day = {str(m): float(g["value"].sum()) for m, g in day.groupby("method")}
    summary: dict[str, Any] = {
        "from": first,
        "to": last,
        "written": {
            m: {
                "new": r.new,
                "restated": r.restated,
                "unchanged": r.unchanged,
                "batch_id": r.batch_id,
            }
            for m, r in res.items()
        },
        "last_day": {m: float(g["value"].sum()) for m, g in day.groupby("method")}
        if len(day)
        else {},
    }
    if as_json:
        _emit_json(summary)
        return
    for m, r in res.items():
        out.print(
            f"{m}: {r.new} new, {r.restated} restated (new versions), {r.unchanged} "
            f"unchanged daily values"
        )
    for m, v in last_day.items():
        out.print(f"{m}: private holdings valued at ${v / 1e6:,.1f}m on {last}")


@valuation_app.command("test")
def valuation_test_cmd(
    db: DbOpt = DEFAULT_DB,
    as_of: Annotated[str, typer.Option("--as-of", help="Knowledge date YYYY-MM-DD.")] = "",
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="Q (the quarter of --as-of), A (its year), YYYYQn or YYYY; ends by --as-of.",
        ),
    ] = "Q",
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Committee policy TOML (default: the shipped sample)."),
    ] = None,
    recorded_by: Annotated[
        str | None,
        typer.Option("--recorded-by", help="Ignore what the ledger recorded after this UTC time."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the CSV tables and board-summary.md/.html (and annual)."
        ),
    ] = None,
    annual: Annotated[
        bool,
        typer.Option("--annual", help="Also the annual assessment of --as-of's year (with --out)."),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record the challenges as open exceptions (scope valuation), each once.",
        ),
    ] = False,
    per_holding: Annotated[
        bool,
        typer.Option(
            "--per-holding",
            help="Value the policy's nowcast classes with nowcast-ph (each holding's own "
            "parameters, listed per position).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Valuation testing pack: every fair-valued position, back-test at arrival, challenges."""
    if not as_of:
        raise InputError([Problem("<args>", "give --as-of YYYY-MM-DD", column="--as-of")])
    day = _parse_date(as_of, "--as-of")
    if annual and out_dir is None:
        raise InputError([Problem("<args>", "--annual writes to --out DIR", column="--annual")])
    cutoff = _parse_time(recorded_by, "--recorded-by") if recorded_by else None
    recorded: dict[str, int] | None = None
    with Ledger(db, read_only=not record) as led, _progress(not as_json) as prog:
        if cutoff is not None:
            _check_recorded_by(led, cutoff, "--recorded-by")
        _check_valuation_days(led, day.isoformat(), "--as-of", None)
        kw: dict[str, Any] = {"policy": policy, "recorded_at": cutoff, "per_holding": per_holding}
        res = valuation_test(led, day, period, progress=prog, **kw)
        year = valuation_test(led, day, "A", progress=prog, **kw) if annual else None
        if record:
            recorded = record_challenges(led, res, policy)
    pack = res.to_dict()
    files: list[str] = []
    if out_dir is not None:
        from altsleeve.views.valuation import (
            write_documents,
            write_tables,
        )

        cmd = (
            f"altsleeve valuation test --as-of {day} --period {period}"
            + (f" --recorded-by {recorded_by}" if recorded_by else "")
            + (" --per-holding" if per_holding else "")
        )
        try:
            written = write_tables(pack, out_dir)
            written += write_documents(
                pack, out_dir, annual=None if year is None else year.to_dict(), command=cmd
            )
        except OSError as exc:
            raise InputError(
                [Problem(str(out_dir), f"cannot write the pack: {exc}", column="--out")]
            ) from None
        files = [str(f) for f in written]
    if as_json:
        _emit_json({**pack, "files": files, "recorded": recorded})
        return
    s = pack["summary"]
    t = Table(title=f"Fair-valued positions on {day} ({s['positions']}; every holding above zero)")
    for col in (
        "holding",
        "class",
        "method",
        "value",
        "band",
        "last mark",
        "days",
        "marks",
        "parameters",
    ):
        t.add_column(col)
    for r in pack["coverage"]:
        p = r["params"]
        ptxt = ", ".join(
            f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
            for k, v in p.items()
            if k not in ("prior", "pooled")
        )
        t.add_row(
            r["holding_id"],
            r["asset_class"],
            r["method"],
            f"{r['value'] / 1e6:,.2f}m",
            f"{r['lower'] / 1e6:,.2f}-{r['upper'] / 1e6:,.2f}m",
            str(r["last_mark_as_of"] or "-"),
            str(r["days_since_mark"] if r["days_since_mark"] is not None else "-"),
            str(r["marks"]),
            escape(ptxt) or "-",
        )
    out.print(t)
    b = Table(title=f"Back-test at arrival, marks known {res.start}..{res.end} (log error)")
    for col in ("class", "marks", "bias", "median", "mean abs", "rms", "inside band"):
        b.add_column(col)

    def pc(x: Any) -> str:
        return "n/a" if x is None else f"{x:+.1%}"

    for r in (
        pack["bias_by_class"]
        + [{"asset_class": "by days since mark:", "n": ""}]
        + [{**r, "asset_class": r["days_since_mark"]} for r in pack["bias_by_days"]]
    ):
        if r["n"] == "":
            b.add_row(r["asset_class"], "", "", "", "", "", "")
            continue
        b.add_row(
            str(r["asset_class"]),
            str(r["n"]),
            pc(r["bias"]),
            pc(r["median"]),
            "n/a" if r["mae"] is None else f"{r['mae']:.1%}",
            "n/a" if r["rmse"] is None else f"{r['rmse']:.1%}",
            "n/a" if r["inside_band"] is None else f"{r['inside_band']:.0%}",
        )
    out.print(b)
    c = Table(title=f"Price challenges for the valuation committee ({len(pack['challenges'])})")
    for col in (
        "holding",
        "class",
        "mark as of",
        "known on",
        "mark",
        "daily value",
        "band",
        "error",
        "status",
        "reason",
    ):
        c.add_column(col)
    for r in pack["challenges"]:
        c.add_row(
            r["holding_id"],
            r["asset_class"],
            str(r["mark_as_of"]),
            str(r["known_on"]),
            f"{r['mark'] / 1e6:,.2f}m",
            f"{r['estimate'] / 1e6:,.2f}m",
            f"{r['lower'] / 1e6:,.2f}-{r['upper'] / 1e6:,.2f}m",
            pc(r["log_error"]),
            r["status"],
            r["reason"],
        )
    out.print(c)
    out.print(
        f"{s['positions']} positions, {s['marks_tested']} marks tested, {s['challenges']} "
        f"challenge(s), {s['failures']} failure(s)"
    )
    for f in pack["failures"]:
        if f["kind"] != "challenge":
            out.print(f"  {f['kind']}: {f['subject']}: {f['detail']}", markup=False)
    if recorded is not None:
        out.print(
            f"recorded {recorded['recorded']} challenge(s) as open exceptions (scope valuation); "
            f"{recorded['already']} already recorded (altsleeve exceptions list)"
        )
    for f in files:
        out.print(f"wrote {f}")


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


@strike_app.callback(invoke_without_command=True)
def strike(
    ctx: typer.Context,
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    date: Annotated[str | None, typer.Option("--date", help="One day YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    restrike: Annotated[
        bool, typer.Option("--restrike", help="Record differing days as new versions.")
    ] = False,
    reason: Annotated[str, typer.Option("--reason", help="Why (kept with the strike).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Strike each business day: price, value, book flows, accrue fees, NAV, fill orders."""
    if ctx.invoked_subcommand is not None:
        return
    if restrike and not reason:
        raise InputError([Problem("<args>", "--restrike needs --reason", column="--reason")])
    first, last = _day_range(date, start, end)
    with Ledger(db) as led, _progress(not as_json) as prog:
        vid = resolve_vehicle_id(led, vehicle)
        _check_after_launch(
            led,
            registered_vehicle(led, vid),
            last,
            "--date" if date else "--to",
            after_launch_day=False,
        )
        try:
            run_ = strike_range(
                led, vid, first, last, restrike=restrike, reason=reason, progress=prog
            )
        except StrikeStoppedError as exc:
            if as_json:
                _emit_json(exc.run.to_dict())
            raise
        done = pit.strikes(led, vid)
    tail = done.tail(1)
    summary: dict[str, Any] = {
        **run_.to_dict(),
        "nav_per_unit": float(tail["nav_per_unit"].iloc[0]) if len(tail) else None,
        "net_assets": float(tail["net_assets"].iloc[0]) if len(tail) else None,
    }
    if as_json:
        _emit_json(summary)
        return
    out.print(
        f"{vid}: struck {run_.days} days {run_.first}..{run_.last}: "
        f"{run_.new} new, {run_.restruck} restruck, {run_.unchanged} unchanged; "
        f"{run_.breaches} limit breaches"
        + (f"; {run_.carried} price(s) carried forward" if run_.carried else "")
        + (f"; {run_.accepted} accepted exception(s)" if run_.accepted else "")
    )
    if len(tail):
        out.print(
            f"Last strike {tail['date'].iloc[0].date()}: NAV per unit "
            f"{summary['nav_per_unit']:.4f}, net assets ${summary['net_assets'] / 1e6:,.1f}m"
        )


@strike_app.command("diff")
def strike_diff_cmd(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    date: Annotated[str, typer.Option("--date", help="The day restruck.")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Old versus new figures of a restruck day, component by component."""
    if not date:
        raise InputError([Problem("<args>", "give --date D", column="--date")])
    _parse_date(date, "--date")
    with Ledger(db, read_only=True) as led:
        vid = resolve_vehicle_id(led, vehicle)
        diff = strike_diff(led, vid, date)
    if as_json:
        _emit_json(diff.to_dict(orient="records"))
        return
    t = Table(title=f"{vid} on {date}: strike versions compared")
    for c in diff.columns:
        t.add_column(str(c), justify="left" if c == "component" else "right")
    for r in diff.itertuples(index=False):
        t.add_row(
            *("" if x is None else f"{x:,.4f}" if isinstance(x, float) else str(x) for x in r)
        )
    out.print(t)


@app.command()
def limits(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Limit breaches found by the latest strikes: private cap, cash floor, uncurable band."""
    with Ledger(db, read_only=True) as led:
        v = registered_vehicle(led, vehicle)
        b = record_breaches(led, v.vehicle.id)
    if as_json:
        _emit_json(
            b.drop(columns=["recorded_at", "batch_id"], errors="ignore").to_dict(orient="records")
        )
        return
    if b.empty:
        out.print(f"{v.vehicle.id}: no limit breaches recorded")
        return
    t = Table(title=f"{v.vehicle.id}: limit breaches (days)")
    for c in ("limit", "days", "first", "last", "worst value", "threshold"):
        t.add_column(c, justify="left" if c == "limit" else "right")
    for name, g in b.groupby("limit_name"):
        worst = g["value"].min() if name == "cash_floor" else g["value"].max()
        t.add_row(
            str(name),
            str(len(g)),
            str(g["date"].min().date()),
            str(g["date"].max().date()),
            f"{worst:.2%}",
            f"{g['threshold'].iloc[0]:.2%}",
        )
    out.print(t)


@app.command()
def dilution(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Wealth moved between trading and staying participants by each valuation method's NAV."""
    if end:
        _parse_date(end, "--to")
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        v = registered_vehicle(led, vehicle)
        if end:
            _check_after_launch(led, v, end, "--to", after_launch_day=True)
        rep = dilution_report(led, v, end=end, progress=prog)
    if as_json:
        _emit_json(rep)
        return
    _dilution_table(rep)


def _dilution_table(rep: dict[str, Any]) -> None:
    ends = rep.get("truth_ends")
    stop = ""
    if rep.get("stopped_at_truth"):
        stop = f", stopped at its end (asked to {rep['to']})"
    t = Table(
        title=f"Dilution {rep['first']}..{rep['last']}: wealth moved away from staying "
        f"participants (truth is synthetic{f', it ends {ends}' if ends else ''}{stop})"
    )
    for c in ("method", "dollars", "bp a year", "gross $", "gross bp a year"):
        t.add_column(c, justify="left" if c == "method" else "right")
    for m, x in rep["methods"].items():
        t.add_row(
            m,
            f"{x['dollars'] / 1e6:+,.2f}m",
            f"{x['bp_per_year']:+.2f}",
            f"{x['gross_dollars'] / 1e6:,.2f}m",
            f"{x['gross_bp_per_year']:.2f}",
        )
    out.print(t)
    if rep.get("gross_is"):
        out.print(
            f"Exact: {rep['exact']}. Gross: {rep['gross_is']}. Years "
            f"{rep.get('day_count', 'ACT/365.25')}.",
            markup=False,
        )
    if rep.get("note"):
        out.print(f"Note: dilution {rep['note']}.", markup=False)


# -- vehicles ----------------------------------------------------------------------------------
@vehicle_app.command("register")
def vehicle_register(
    file: Annotated[Path, typer.Argument(help="The vehicle's TOML file (docs/vehicle.md).")],
    db: DbOpt = DEFAULT_DB,
    effective: Annotated[
        str | None,
        typer.Option(
            "--effective",
            help="First day the definition applies to (default: the inception, for the first).",
        ),
    ] = None,
    known_on: Annotated[
        str | None,
        typer.Option("--known-on", help="When it became known (default: the effective date)."),
    ] = None,
    restate: Annotated[
        bool,
        typer.Option("--restate", help="Correct the definition recorded for that date."),
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the audit log).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Record a vehicle's definition in the ledger (a change: --effective DATE)."""
    from altsleeve.workflows.vehicles import register_vehicle

    eff = _parse_date(effective, "--effective") if effective else None
    known = _parse_date(known_on, "--known-on") if known_on else None
    with Ledger(db) as led:
        reg = register_vehicle(
            led, file, effective=eff, known_on=known, restate=restate, reason=reason
        )
    res = reg.to_dict()
    if as_json:
        _emit_json(res)
        return
    if reg.result.batch_id is None:
        out.print(
            f"{reg.vehicle_id}: this definition is already registered (effective "
            f"{reg.effective}); nothing written"
        )
    else:
        what = "restated" if reg.result.restated else "registered"
        out.print(
            f"{reg.vehicle_id}: definition {what}, effective {reg.effective} (known on "
            f"{reg.known_on}), sha256 {reg.sha256[:16]}…"
        )


@vehicle_app.command("list")
def vehicle_list(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """The registered vehicles and each definition (effective date, version, fees, cap)."""
    from altsleeve.workflows.vehicles import vehicle_table

    with Ledger(db, read_only=True) as led:
        rows = vehicle_table(led)
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        out.print("no vehicle registered (altsleeve vehicle register FILE)")
        return
    t = Table(title=f"Vehicles in {db}")
    cols = ("vehicle", "effective", "version", "known_on", "private_max", "fee_bp_per_year", "name")
    for c in cols:
        t.add_column(c)
    for r in rows:
        t.add_row(*(str(r[c]) for c in cols))
    out.print(t)


@vehicle_app.command("show")
def vehicle_show(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="The definition in force on this day.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """A registered vehicle's definition (in force on --date, default the latest) as JSON."""
    from altsleeve.workflows.vehicles import definition_on

    day = _parse_date(date, "--date") if date else None
    with Ledger(db, read_only=True) as led:
        vid = resolve_vehicle_id(led, vehicle)
        d = definition_on(led, vid, day)
    res = {
        **d.provenance(),
        "known_on": d.known_on.isoformat(),
        "definition": json.loads(d.vehicle.to_json()),
    }
    _emit_json(res)


# -- exceptions --------------------------------------------------------------------------------
@exceptions_app.command("list")
def exceptions_list(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    status: Annotated[
        str, typer.Option("--status", help="open, accepted, resolved or all.")
    ] = "all",
    as_json: JsonOpt = False,
) -> None:
    """Exceptions found by the strike, the price checks and valuation tests, latest status."""
    from altsleeve.workflows.fund import (
        PRICES_SCOPE,
        exceptions_table,
    )
    from altsleeve.workflows.valuation import VALUATION_SCOPE

    if status not in ("open", "accepted", "resolved", "all"):
        raise InputError(
            [
                Problem(
                    "<args>", "--status must be open, accepted, resolved or all", column="--status"
                )
            ]
        )
    with Ledger(db, read_only=True) as led:
        vid = resolve_vehicle_id(led, vehicle)
        ex = exceptions_table(led, (vid, PRICES_SCOPE, VALUATION_SCOPE))
    if status != "all":
        ex = ex[ex["status"] == status]
    rows = [
        {
            "scope": r["scope"],
            "date": pd.Timestamp(r["date"]).date().isoformat(),
            "kind": r["kind"],
            "subject": r["subject"],
            "status": r["status"],
            "version": int(r["version"]),
            "value": None if pd.isna(r["value"]) else float(r["value"]),
            "threshold": None if pd.isna(r["threshold"]) else float(r["threshold"]),
            "reason": r["reason"],
            "detail": json.loads(str(r["detail"])),
            "recorded_at": str(r["recorded_at"]),
        }
        for r in ex.to_dict("records")
    ]
    if as_json:
        _emit_json(rows)
        return
    if not rows:
        out.print(f"{vid}: no {'' if status == 'all' else status + ' '}exceptions")
        return
    t = Table(title=f"{vid}: exceptions ({status})")
    for c in ("date", "kind", "subject", "status", "value", "threshold", "reason / finding"):
        t.add_column(c, justify="right" if c in ("value", "threshold") else "left")
    for r in rows:
        t.add_row(
            r["date"],
            r["kind"],
            r["subject"],
            r["status"],
            "" if r["value"] is None else f"{r['value']:.4f}",
            "" if r["threshold"] is None else f"{r['threshold']:.4f}",
            escape(r["reason"] or r["detail"].get("message", "")),
        )
    out.print(t)


@exceptions_app.command("accept")
def exceptions_accept(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    date: Annotated[str, typer.Option("--date", help="The day of the exception.")] = "",
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="price_move, missing_price, nav_move, or price_challenge (valuation test).",
        ),
    ] = "",
    subject: Annotated[
        str | None, typer.Option("--subject", help="The series (default: the only one that day).")
    ] = None,
    reason: Annotated[str, typer.Option("--reason", help="Why it is right (kept).")] = "",
    as_json: JsonOpt = False,
) -> None:
    """Accept an open exception with a reason, so the strike can go on past it."""
    from altsleeve.workflows.fund import exceptions_table

    if not date:
        raise InputError([Problem("<args>", "give --date D", column="--date")])
    day = _parse_date(date, "--date")
    if kind not in ("price_move", "missing_price", "nav_move", "price_challenge"):
        raise InputError(
            [
                Problem(
                    "<args>",
                    "--kind must be price_move, missing_price, nav_move or price_challenge",
                    column="--kind",
                )
            ]
        )
    if not reason.strip():
        raise InputError([Problem("<args>", "an acceptance needs --reason", column="--reason")])
    with Ledger(db) as led:
        if kind == "price_challenge":  # the valuation committee's, not a vehicle's
            from altsleeve.workflows.valuation import VALUATION_SCOPE

            vid = VALUATION_SCOPE
        else:
            vid = resolve_vehicle_id(led, vehicle)
        ex = exceptions_table(led, (vid,))
        hits = ex[
            (pd.to_datetime(ex["date"]) == pd.Timestamp(day))
            & (ex["kind"] == kind)
            & (ex["status"] == "open")
        ]
        if subject is not None:
            hits = hits[hits["subject"] == subject]
        if len(hits) != 1:
            found = ", ".join(sorted(set(hits["subject"]))) or "none"
            raise InputError(
                [
                    Problem(
                        "<args>",
                        f"{len(hits)} open {kind} exception(s) of {vid} on {day} (subjects: "
                        f"{found}); give --subject"
                        if len(hits) > 1
                        else f"no open {kind} exception of {vid} on {day}"
                        + (f" for {subject}" if subject else "")
                        + " (see `altsleeve exceptions list --status open`)",
                        column="--subject" if len(hits) > 1 else "--date",
                    )
                ]
            )
        row = hits.iloc[0].to_dict()
        new = {
            c: row[c]
            for c in (
                "scope",
                "date",
                "kind",
                "subject",
                "value",
                "threshold",
                "detail",
                "known_on",
            )
        }
        new.update(status="accepted", reason=reason.strip())
        res = led.append(
            "exceptions",
            pd.DataFrame([new]),
            action="accept",
            source=f"exceptions accept {vid}",
            restate=True,
            detail={"reason": reason.strip()},
        )
    summary = {
        "vehicle": vid,
        "date": day.isoformat(),
        "kind": kind,
        "subject": str(row["subject"]),
        "status": "accepted",
        "reason": reason.strip(),
        "batch_id": res.batch_id,
    }
    if as_json:
        _emit_json(summary)
        return
    then = (
        "the valuation committee's resolution is kept"
        if kind == "price_challenge"
        else "strike again to go on past it"
    )
    out.print(f"{vid}: {kind} of {row['subject']} on {day} accepted ({reason.strip()}); {then}")


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


@pacing_app.command("plan")
def pacing_plan(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    as_of: AsOfOpt = None,
    years: Annotated[int, typer.Option("--years", help="Years of commitments to plan.")] = 10,
    lead_years: Annotated[
        int, typer.Option("--lead-years", help="Years after which a commitment aims at target.")
    ] = 3,
    mix: Annotated[
        str | None,
        typer.Option("--mix", help="Class split, e.g. buyout=0.5,private_credit=0.5."),
    ] = None,
    net_assets: Annotated[
        float | None, typer.Option("--net-assets", help="Override the struck net assets ($).")
    ] = None,
    net_flow: Annotated[
        float | None,
        typer.Option("--net-flow", help="Net participant flow a year, decimal of net assets."),
    ] = None,
    paths: PathsOpt = 2000,
    seed: SeedOpt = 0,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for the chart (and plan.json).")
    ] = None,
    chart_format: Annotated[str, typer.Option("--format", help="png or svg.")] = "png",
    as_json: JsonOpt = False,
) -> None:
    """Recommend commitments per year and asset class to hold the private target."""
    from altsleeve.pacing import PlannerSettings
    from altsleeve.pacing._outlook import history_used
    from altsleeve.views.pacing import plan_chart
    from altsleeve.workflows.pacing import (
        ledger_market,
        ledger_state,
        plan_as_of,
        vehicle_facts,
    )

    if chart_format not in ("png", "svg"):
        raise InputError([Problem("<args>", "--format must be png or svg", column="--format")])
    v = _vehicle(db, vehicle)
    settings = _settings(paths, seed)
    base = PlannerSettings()
    try:
        planner = PlannerSettings(
            years=years,
            lead_years=lead_years,
            net_flow_rate=net_flow or 0.0,
            fee_rate=sum(f.bp_per_year for f in v.fees) / 1e4,
            mix=_mix(mix) or base.mix,
        )
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc))]) from None
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        day = _as_of_day(led, v, as_of)
        na, flow = net_assets, net_flow
        if na is None or flow is None:
            facts = vehicle_facts(led, v, day)
            na = facts.net_assets if na is None else na
            flow = facts.net_flow_rate if flow is None else flow
        planner = dataclasses.replace(planner, net_flow_rate=flow)
        prog("reading the book as known on " + day.isoformat(), 0, 3)
        state = ledger_state(led, day)
        market = ledger_market(led, day)
        prog(f"projecting {len(state)} holdings x {paths} paths", 1, 3)
        plan = plan_as_of(state, market, v, day, na, settings, planner)
        prog("plan ready", 3, 3)
    result: dict[str, Any] = {
        "vehicle": v.vehicle.id,
        "as_of": day.isoformat(),
        "net_assets": na,
        "net_flow_rate": flow,
        "holdings": len(state),
        "private_nav_known": float(state["nav"].sum()) if len(state) else 0.0,
        "unfunded_known": float((state["commitment"] - state["paid_in"]).clip(lower=0).sum())
        if len(state)
        else 0.0,
        "paths": paths,
        "seed": seed,
        "history": history_used(v),
        "commitments": plan.commitments.to_dict(orient="records"),
        "yearly": plan.yearly.to_dict(orient="records"),
        "share": plan.share.reset_index().to_dict(orient="records"),
    }
    chart = None
    if out_dir is not None:
        chart = plan_chart(
            plan,
            out_dir / f"pacing-plan-{day.isoformat()}.{chart_format}",
            f"{v.vehicle.id}: private share with the plan as of {day} ({paths} bootstrap paths "
            "of the real 1926+ history; funds' values projected, not observed)",
        )
        (out_dir / f"pacing-plan-{day.isoformat()}.json").write_text(_json_text(result))
        result["chart"] = str(chart)
    if as_json:
        _emit_json(result)
        return
    out.print(
        f"{v.vehicle.id} as of {day}: net assets ${na / 1e6:,.1f}m, {len(state)} private holdings "
        f"(NAV known ${result['private_nav_known'] / 1e6:,.1f}m, unfunded "
        f"${result['unfunded_known'] / 1e6:,.1f}m), net flow {flow:+.1%} a year"
    )
    t = Table(title="Recommended commitments ($m) and projected outcome (medians over paths)")
    classes = list(dict.fromkeys(plan.commitments["asset_class"]))
    for c in ["year", *classes, "total", "share", "target", "P(>max)", "overcommit", "unf/liq"]:
        t.add_column(c, justify="right")
    for r in plan.yearly.to_dict(orient="records"):
        row = plan.commitments[plan.commitments["year"] == r["year"]]
        t.add_row(
            f"{r['year']} ({pd.Timestamp(r['year_end']).year})",
            *(
                f"{row.loc[row['asset_class'] == c, 'commitment'].sum() / 1e6:,.1f}"
                for c in classes
            ),
            f"{r['commitment'] / 1e6:,.1f}",
            f"{r['median_share']:.1%}",
            f"{r['target']:.1%}",
            f"{r['p_above_max']:.0%}",
            f"{r['overcommitment_ratio']:.2f}",
            f"{r['unfunded_to_liquid_median']:.1%}",
        )
    out.print(t)
    _history_line(result["history"])
    if chart is not None:
        out.print(f"Chart: {chart}")


@app.command()
def calls(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    as_of: AsOfOpt = None,
    paths: PathsOpt = 2000,
    seed: SeedOpt = 0,
    top: Annotated[int, typer.Option("--top", help="Holdings listed per window.")] = 10,
    as_json: JsonOpt = False,
) -> None:
    """Expected capital calls and distributions over the next 30, 90 and 365 days, with ranges.

    Calls and distributions the GPs have noticed (known on the date, dated after it) are certain
    and shown apart; the model's projection of each holding is reduced by them (docs/pacing.md).
    """
    from altsleeve.marketdata import history_statement
    from altsleeve.pacing._outlook import (
        cashflow_calendar,
        scenarios_as_of,
    )
    from altsleeve.workflows.pacing import (
        ledger_market,
        ledger_noticed,
        ledger_state,
    )

    settings = _settings(paths, seed)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        v = registered_vehicle(led, vehicle)
        day = _as_of_day(led, v, as_of)
        prog("reading the book as known on " + day.isoformat(), 0, 2)
        state = ledger_state(led, day)
        if state.empty:
            raise InputError(
                [Problem(str(led.path), f"no live private holding on {day}", column="--as-of")]
            )
        notices = ledger_noticed(led, day)
        scen = scenarios_as_of(ledger_market(led, day), pd.Timestamp(day), paths, 6, seed=seed)
        prog(f"projecting {len(state)} holdings x {paths} paths", 1, 2)
        cal = cashflow_calendar(state, scen, settings, pd.Timestamp(day), noticed=notices)
        prog("calendar ready", 2, 2)
    history = history_statement((), private=True)
    noticed_rows: list[dict[str, Any]] = [
        {
            "holding_id": str(r["holding_id"]),
            "date": pd.Timestamp(r["date"]).date().isoformat(),
            "kind": str(r["kind"]),
            "amount": float(r["amount"]),
            "known_on": pd.Timestamp(r["known_on"]).date().isoformat(),
        }
        for r in cal.noticed.to_dict(orient="records")
    ]
    if as_json:
        _emit_json(
            {
                "as_of": day.isoformat(),
                "paths": paths,
                "sleeve": cal.sleeve.to_dict(orient="records"),
                "holdings": cal.holdings.to_dict(orient="records"),
                "noticed": noticed_rows,
                "history": history,
            }
        )
        return
    any_notice = bool(noticed_rows)
    t = Table(title=f"Private sleeve cash flows after {day} ($m; ranges over {paths} paths)")
    for c in ("window", "kind", "mean", "5%", "median", "95%"):
        t.add_column(c, justify="right")
    labels = {
        "call": "calls, all" if any_notice else "call",
        "noticed_call": "  noticed (certain)",
        "model_call": "  model, beyond notices",
        "distribution": "distributions, all" if any_notice else "distribution",
        "noticed_distribution": "  noticed (certain)",
        "model_distribution": "  model, beyond notices",
        "net": "net",
    }
    order: tuple[str, ...] = ("call", "distribution", "net")
    if any_notice:
        order = ("call", "noticed_call", "model_call", "distribution", "noticed_distribution")
        order = (*order, "model_distribution", "net")
    rows = cal.sleeve.set_index(["days", "kind"])
    for days in dict.fromkeys(cal.sleeve["days"]):
        for kind in order:
            r = rows.loc[(days, kind)]
            t.add_row(
                f"{days} d (to {r['until']})",
                labels[kind],
                f"{r['mean'] / 1e6:,.1f}",
                f"{r['q05'] / 1e6:,.1f}",
                f"{r['q50'] / 1e6:,.1f}",
                f"{r['q95'] / 1e6:,.1f}",
                end_section=kind == order[-1],
            )
    out.print(t)
    if any_notice:
        t3 = Table(title=f"Noticed by the GPs on or before {day}, dated after it (certain, $m)")
        for c in ("holding", "kind", "date", "amount", "known on"):
            t3.add_column(c, justify="left" if c in ("holding", "kind") else "right")
        for n in sorted(noticed_rows, key=lambda x: (x["holding_id"], x["date"], x["kind"])):
            t3.add_row(
                str(n["holding_id"]),
                str(n["kind"]),
                str(n["date"]),
                f"{float(n['amount']) / 1e6:,.2f}",
                str(n["known_on"]),
            )
        out.print(t3)
    h = cal.holdings[(cal.holdings["days"] == 90) & (cal.holdings["kind"] == "call")]
    h = h.sort_values(["mean", "holding_id"], ascending=[False, True]).head(top)
    if len(h):
        t2 = Table(title="Largest expected calls in the next 90 days ($m; noticed calls included)")
        for c in ("holding", "mean", "5%", "95%", "noticed"):
            t2.add_column(c, justify="left" if c == "holding" else "right")
        for r in h.to_dict(orient="records"):
            t2.add_row(
                str(r["holding_id"]),
                f"{r['mean'] / 1e6:,.2f}",
                f"{r['q05'] / 1e6:,.2f}",
                f"{r['q95'] / 1e6:,.2f}",
                f"{r['noticed'] / 1e6:,.2f}",
            )
        out.print(t2)
    out.print(
        "Noticed: known on the date and dated after it, counted in full in each window holding "
        "its date; each holding's projected flows in a window are reduced by its notices there "
        "(floored at zero), so nothing is counted twice (docs/pacing.md).",
        markup=False,
    )
    _history_line(history)


@app.command()
def liquidity(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    date: Annotated[
        str | None, typer.Option("--date", help="Day YYYY-MM-DD (default: the last strike).")
    ] = None,
    stress_multiplier: Annotated[
        float,
        typer.Option(
            "--stress-multiplier",
            help="Multiplier on the trailing redemption rate (Q1 2020: 1.59% vs 0.50%, ~3x).",
        ),
    ] = 3.0,
    plan_withdrawal: Annotated[
        float,
        typer.Option(
            "--plan-withdrawal",
            help="Plan-level withdrawal in horizons of 30+ days, share of net assets.",
        ),
    ] = 0.05,
    call_quantile: Annotated[
        float, typer.Option("--call-quantile", help="Quantile of projected capital calls.")
    ] = 0.95,
    secondary_discount: Annotated[
        float,
        typer.Option("--secondary-discount", help="Discount on a secondary sale (drawdown)."),
    ] = 0.30,
    highly_liquid_min: Annotated[
        float | None,
        typer.Option(
            "--highly-liquid-min",
            help="Highly liquid minimum, share of net assets (default: the vehicle file's).",
        ),
    ] = None,
    paths: PathsOpt = 2000,
    seed: SeedOpt = 0,
    as_json: JsonOpt = False,
) -> None:
    """Liquidity profile: SEC Rule 22e-4 buckets, limits and coverage of stressed needs."""
    from altsleeve.liquidity import LiquidityAssumptions
    from altsleeve.workflows.liquidity import profile_from_ledger

    day = _parse_date(date, "--date") if date else None
    if highly_liquid_min is not None and not 0.0 <= highly_liquid_min <= 1.0:
        raise InputError(
            [Problem("<args>", "a share of net assets in [0, 1]", column="--highly-liquid-min")]
        )
    try:
        assumptions = LiquidityAssumptions(
            stress_multiplier=stress_multiplier,
            plan_withdrawal=plan_withdrawal,
            call_quantile=call_quantile,
            secondary_discount=secondary_discount,
        )
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc))]) from None
    _settings(paths, seed)
    v = _vehicle(db, vehicle)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        prof = profile_from_ledger(
            led,
            v,
            day,
            assumptions=assumptions,
            highly_liquid_min=highly_liquid_min,
            paths=paths,
            seed=seed,
            progress=prog,
        )
    if as_json:
        _emit_json(prof.to_dict())
        return
    _liquidity_tables(prof)


def _signed_m(dollars: float) -> str:
    return f"{'-' if dollars < 0 else '+'}${abs(dollars) / 1e6:,.1f}m"


def _liquidity_tables(prof: Any) -> None:
    src, lim, unf, a = prof.sources, prof.limits, prof.unfunded, prof.assumptions
    na = prof.net_assets
    strike_ = src.get("strike", {})
    out.print(
        f"{src.get('vehicle', '')} on {prof.day.date()} (as known that day): net assets "
        f"${na / 1e6:,.1f}m, NAV per unit {strike_.get('nav_per_unit', float('nan')):.4f} "
        f"(strike version {strike_.get('version', '?')})"
    )
    t = Table(title="Liquidity buckets (SEC Rule 22e-4)")
    for c in ("bucket", "$m", "share of net assets", "positions"):
        t.add_column(c, justify="left" if c == "bucket" else "right")
    for r in prof.buckets.to_dict(orient="records"):
        t.add_row(
            str(r["bucket"]), f"{r['dollars'] / 1e6:,.1f}", f"{r['share']:.2%}", str(r["positions"])
        )
    out.print(t)
    t = Table(title="Limits")
    for c in ("limit", "figure", "threshold", "headroom", "status"):
        t.add_column(c, justify="left" if c in ("limit", "status") else "right")
    t.add_row(
        "private share (cap)",
        f"{lim['private_share']:.2%}",
        f"max {lim['private_max']:.2%}",
        f"{lim['private_headroom']:+.2%} ({_signed_m(lim['private_headroom_dollars'])})",
        "[red]BREACH[/red]" if lim["private_breach"] else "ok",
    )
    t.add_row(
        "highly liquid share (minimum)",
        f"{lim['highly_liquid_share']:.2%}",
        f"min {lim['highly_liquid_min']:.2%}",
        f"{lim['highly_liquid_share'] - lim['highly_liquid_min']:+.2%} "
        f"({_signed_m(lim['highly_liquid_surplus'])})",
        "[red]BREACH[/red]" if lim["highly_liquid_breach"] else "ok",
    )
    t.add_row(
        "unfunded commitments",
        f"${unf['dollars'] / 1e6:,.1f}m ({unf['share_of_net_assets']:.2%})",
        "",
        f"{unf['over_highly_liquid']:.2%} of highly liquid",
        f"{unf['holdings']} funds",
    )
    out.print(t)
    cov = prof.coverage.to_dict(orient="records")
    t = Table(title="Coverage: liquid assets over stressed needs ($m)")
    t.add_column("", justify="left")
    for r in cov:
        t.add_column(f"{r['label']} (to {r['until']})", justify="right")
    q = f"{a.call_quantile:.0%}"
    lines = (
        ("liquid assets reachable", "liquid"),
        (f"stressed redemptions (x{a.stress_multiplier:g})", "redemptions"),
        ("plan-level withdrawal", "plan_withdrawal"),
        ("capital calls noticed (certain)", "noticed_calls"),
        (f"further capital calls ({q} quantile)", "calls"),
        ("fees payable", "fees_payable"),
        ("rebalancing to the glide path", "rebalancing"),
        ("stressed needs", "needs"),
    )
    for label, key in lines:
        t.add_row(label, *(f"{r[key] / 1e6:,.1f}" for r in cov))
    t.add_row("[bold]coverage ratio[/bold]", *(f"[bold]{r['ratio']:,.2f}x[/bold]" for r in cov))
    t.add_row("cash sleeve alone / needs", *(f"{r['cash_ratio']:,.2f}x" for r in cov))
    out.print(t)
    notices = src.get("noticed_calls", [])
    if notices:
        t = Table(title="Capital calls noticed by the GPs, dated within the horizons (certain)")
        for c in ("holding", "date", "$m", "known on"):
            t.add_column(c, justify="left" if c == "holding" else "right")
        for n in notices:
            t.add_row(n["holding_id"], n["date"], f"{n['amount'] / 1e6:,.2f}", n["known_on"])
        out.print(t)
    pos = prof.positions
    pos = pos[(pos["value"] > 0.0) | (pos["unfunded"] > 0.0)]
    reach = [c for c in pos.columns if c.startswith("reach_")]
    t = Table(title="Positions: bucket, calendar days to cash and dollars reachable by ($m)")
    for c in ("position", "type", "value", "share", "bucket", "days: first", "all"):
        left = c in ("position", "type", "bucket")
        t.add_column(c, justify="left" if left else "right", no_wrap=left)
    for c in reach:
        t.add_column(c.removeprefix("reach_"), justify="right")
    t.add_column("unfunded", justify="right")

    def _days(x: float) -> str:
        return "never" if pd.isna(x) else f"{x:,.0f}"

    types = src.get("sleeve_asset_types", {})

    def _type(r: dict[str, Any]) -> str:
        if r["vehicle_type"]:
            return str(r["vehicle_type"])
        what = types.get(str(r["position"]))
        return f"{r['kind']} ({what})" if what and what != r["kind"] else str(r["kind"])

    for r in pos.to_dict(orient="records"):
        t.add_row(
            str(r["position"]),
            _type(r),
            f"{r['value'] / 1e6:,.1f}",
            f"{r['share']:.2%}",
            str(r["bucket"]),
            _days(r["days_to_cash"]),
            _days(r["days_to_all"]),
            *(f"{r[c] / 1e6:,.1f}" for c in reach),
            f"{r['unfunded'] / 1e6:,.1f}",
        )
    out.print(t)
    for kind, terms in dict(zip(pos["vehicle_type"], pos["terms"], strict=True)).items():
        if kind:
            out.print(f"  {kind}: {terms}", markup=False)
    red = src.get("redemptions", {})
    later = src.get("later_vintages_left_out", {})
    avg_na = red.get("average_net_assets", 0.0)
    out.print(
        f"Redemptions: ${red.get('dollars', 0.0) / 1e6:,.1f}m in the {red.get('covered_days', 0)} "
        f"days to the date over average net assets ${avg_na / 1e6:,.1f}m"
        f" = {prof.redemption_rate:.2%} a year, x{a.stress_multiplier:g} under stress. "
        f"Plan-level withdrawal {a.plan_withdrawal:.0%} of net assets in horizons of "
        f"{a.plan_withdrawal_days}+ days (a CIT may require notice, OCC 12 CFR 9.18). Calls: "
        f"{q} quantile of {src.get('calls', {}).get('paths', '?')} paths. "
        f"{len(later.get('holdings', []))} commitments of later vintages "
        f"(${later.get('commitment', 0.0) / 1e6:,.1f}m) not yet made, left out.",
        markup=False,
    )
    _history_line(src.get("calls", {}).get("history", {}))


@pacing_app.command("backtest")
def pacing_backtest(
    vehicle: VehicleFileOpt = None,
    start_year: Annotated[int, typer.Option("--start-year", help="First planned year.")] = 2003,
    paths: PathsOpt = 300,
    seed: SeedOpt = 0,
    book_seed: Annotated[int, typer.Option("--book-seed", help="Sample book seed.")] = 2045,
    as_json: JsonOpt = False,
) -> None:
    """Follow the planner on the SYNTHETIC sample book from a year and compare constant plans."""
    from altsleeve.workflows.pacing import (
        compare_strategies,
    )

    v = _file_vehicle(vehicle)
    settings = _settings(paths, seed)
    with _progress(not as_json) as prog:
        res = compare_strategies(
            arch_levels(SERIES_IDS),
            v,
            start_year=start_year,
            seed=book_seed,
            settings=settings,
            progress=prog,
        )
    if as_json:
        _emit_json(res)
        return
    t = Table(
        title=f"{v.vehicle.id}: pacing backtest {start_year}-2018 on the SYNTHETIC sample book "
        "(true values; real market paths)"
    )
    for c in (
        "strategy",
        "committed $m",
        "in band",
        "days > max",
        "days < band",
        "mean |gap|",
        "max share",
    ):
        t.add_column(c, justify="left" if c == "strategy" else "right")
    for r in res["strategies"]:
        s = r["summary"]
        t.add_row(
            r["label"],
            f"{s['committed'] / 1e6:,.0f}",
            f"{s['share_in_band']:.1%}",
            f"{s['days_above_max']:,.0f}",
            f"{s['days_below_lower']:,.0f}",
            f"{s['mean_abs_gap']:.2%}",
            f"{s['max_share']:.1%}",
        )
    out.print(t)


ScenarioOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--scenario",
        help="A built-in scenario id (`altsleeve stress list`) or a scenario TOML file; repeat "
        "for several. Default: gfc-2008-09.",
    ),
]
ShockOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--shock",
        help="Extra shock laid over every scenario, KIND=VALUE: equity=-0.4, calls=1.5, "
        "distributions=0.25, redemptions=3, purchases=0.5, secondary=0.3, gate=0.05, "
        "plan_withdrawal=0.1@2009-01-15. Repeatable.",
    ),
]
BufferOpt = Annotated[
    float | None,
    typer.Option("--buffer", help="Liquid buffer: the cash sleeve's weight (0.05 = 5%)."),
]
PrivateShareOpt = Annotated[
    float | None,
    typer.Option(
        "--private-share",
        help="Private share of net assets on the first day (the book is scaled to it).",
    ),
]


def _scenarios(names: list[str] | None, shocks: list[str] | None) -> list[Any]:
    from altsleeve.liquidity import load_scenario, parse_shock

    chosen = [load_scenario(n) for n in (names or ["gfc-2008-09"])]
    if shocks:
        try:
            extra = [parse_shock(s) for s in shocks]
        except ValueError as exc:
            raise InputError([Problem("<args>", str(exc), column="--shock")]) from None
        chosen = [s.with_shocks(extra, suffix="+shocks") for s in chosen]
    return chosen


def _design(v: Vehicle, buffer: float | None, share: float | None) -> Any:
    from altsleeve.liquidity import Design

    try:
        return Design(v, buffer=buffer, private_share=share)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--buffer")]) from None


def _stress_summary_table(results: Sequence[Any], *, synthetic: bool = True) -> None:
    rows = [
        ("survives (no shortfall, never above the cap)", "survives", "yes/no"),
        ("private share: start", "private_share_start", "pct"),
        ("private share: peak", "private_share_peak", "pct"),
        ("  on", "private_share_peak_date", "text"),
        ("private maximum (cap)", "private_max", "pct"),
        ("days above the cap", "days_above_cap", "int"),
        ("  first day above", "first_day_above_cap", "text"),
        ("private above glide target, most ($m)", "unrebalanced_max", "m"),
        ("  as a share of net assets", "unrebalanced_max_share", "pct"),
        ("days cash below its floor", "days_cash_below_floor", "int"),
        ("shortfall days (cash and liquid sleeves exhausted)", "shortfall_days", "int"),
        ("largest shortfall ($m)", "shortfall_max", "m"),
        ("forced sales of liquid sleeves ($m)", "forced_liquid_sales", "m"),
        ("secondary sales at NAV ($m)", "secondary_sold", "m"),
        ("  discount cost ($m)", "secondary_cost", "m"),
        ("capital calls ($m)", "calls", "m"),
        ("distributions ($m)", "distributions", "m"),
        ("participant redemptions ($m)", "redemptions", "m"),
        ("  of which plan withdrawals ($m)", "plan_withdrawals", "m"),
        ("  plan withdrawals still queued ($m)", "queued_withdrawal_end", "m"),
        ("moved to leaving participants by the NAV ($m)", "to_leavers", "m"),
        ("cost borne by staying participants ($m)", "stayers_cost", "m"),
        ("NAV per unit: start -> end", "nav", "nav"),
        ("worst drawdown of the unit price", "max_drawdown", "pct"),
    ]
    t = Table(
        title="Stress test: what happened to the vehicle"
        + (" (private book SYNTHETIC)" if synthetic else "")
    )
    t.add_column("measure")
    for r in results:
        t.add_column(str(r.scenario), justify="right")
    for label, key, kind in rows:
        cells = []
        for r in results:
            s = r.summary
            if kind == "nav":
                cells.append(f"{s['nav_start']:.3f} -> {s['nav_end']:.3f}")
                continue
            val = s[key]
            if val is None:
                cells.append("-")
            elif kind == "pct":
                cells.append(f"{100 * val:.1f}%")
            elif kind == "m":
                cells.append(f"{val / 1e6:,.1f}")
            elif kind == "int":
                cells.append(f"{val:,}")
            elif kind == "yes/no":
                cells.append("yes" if val else "NO")
            else:
                cells.append(str(val))
        t.add_row(label, *cells)
    out.print(t)


def _stress_monthly(result: Any) -> None:
    d = result.daily.set_index("date")
    g = d.resample("ME")
    m = pd.DataFrame(
        {
            "share": g["private_share"].last(),
            "peak": g["private_share"].max(),
            "cash": g["cash_share"].min(),
            "above": g["breach_private_max"].sum(),
            "calls": g["calls"].sum(),
            "dists": g["distributions"].sum(),
            "red": g["redemptions"].sum(),
            "forced": g["forced_liquid_sales"].sum(),
            "secondary": g["secondary_sold"].sum(),
            "unreb": g["unrebalanced"].max(),
        }
    ).dropna(subset=["share"])
    t = Table(title=f"{result.scenario}: month by month ($m; shares of net assets)")
    for c in (
        "month",
        "private end",
        "private peak",
        "cash low",
        "days > cap",
        "calls",
        "distrib.",
        "redeemed",
        "forced sales",
        "secondary",
        "not rebalanced",
    ):
        t.add_column(c, justify="left" if c == "month" else "right")
    for day, r in m.iterrows():
        t.add_row(
            pd.Timestamp(str(day)).strftime("%Y-%m"),
            f"{100 * r['share']:.1f}%",
            f"{100 * r['peak']:.1f}%",
            f"{100 * r['cash']:.1f}%",
            f"{int(r['above'])}",
            f"{r['calls'] / 1e6:,.1f}",
            f"{r['dists'] / 1e6:,.1f}",
            f"{r['red'] / 1e6:,.1f}",
            f"{r['forced'] / 1e6:,.1f}",
            f"{r['secondary'] / 1e6:,.1f}",
            f"{r['unreb'] / 1e6:,.1f}",
        )
    out.print(t)


@stress_app.callback(invoke_without_command=True)
def stress(
    ctx: typer.Context,
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    scenario: ScenarioOpt = None,
    shock: ShockOpt = None,
    buffer: BufferOpt = None,
    private_share: PrivateShareOpt = None,
    monthly: Annotated[
        bool, typer.Option("--monthly/--no-monthly", help="Print the month-by-month table.")
    ] = True,
    out_dir: Annotated[
        Path | None,
        typer.Option("--out", help="Write <scenario>-daily.csv and stress.json to this folder."),
    ] = None,
    daily: Annotated[
        bool, typer.Option("--daily", help="Include the daily rows in --json.")
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Run the vehicle's daily strike through stress scenarios and report day by day."""
    if ctx.invoked_subcommand is not None:
        return
    from altsleeve.marketdata import PRIVATE_GROWTH_TYPE, history_statement, long_history
    from altsleeve.workflows.stress import (
        equity_series,
        prepare,
    )

    v = _vehicle(db, vehicle)
    chosen = _scenarios(scenario, shock)
    design = _design(v, buffer, private_share)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        run_ = prepare(led, v, chosen, prog)
        results = []
        for k, s in enumerate(chosen, start=1):
            prog(f"striking {s.id}", k, len(chosen))
            results.append(run_stress_one(run_, design, s))
        synthetic = not led.synthetic_books().empty
    projected = any(s.base.kind == "projection" for s in chosen)
    moves = list(equity_series(v))
    payload: dict[str, Any] = {
        "vehicle": v.vehicle.id,
        "synthetic_note": "private values and flows come from the SYNTHETIC sample book"
        if synthetic
        else None,
        "equity_shock_moves": moves,
        "history": history_statement((), private=True) if projected else {},
        "results": [
            {
                "scenario": r.scenario,
                "title": s.scenario.title,
                "design": r.design,
                "summary": r.summary,
                **({"daily": plain(r.daily.to_dict(orient="records"))} if daily else {}),
            }
            for r, s in zip(results, chosen, strict=True)
        ],
    }
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for r in results:
            r.daily.to_csv(out_dir / f"{r.scenario}-daily.csv", index=False)
        (out_dir / "stress.json").write_text(_json_text(payload))
    if as_json:
        _emit_json(payload)
        return
    for s, r in zip(chosen, results, strict=True):
        out.print(f"[bold]{s.scenario.title or s.id}[/bold]: {r.design['path']}")
    if any(sh.kind == "equity" for s in chosen for sh in s.shocks):
        moved = ", ".join(moves) or "none (no sleeve of asset type equity)"
        out.print(f"Equity shocks move the vehicle's equity sleeves' series: {moved}", markup=False)
    _stress_summary_table(results, synthetic=synthetic)
    if monthly:
        for r in results:
            _stress_monthly(r)
    if payload["history"]:
        out.print(
            "Projection base: flat markets; the private book follows its expected path from its "
            f"state, its growth linked to {long_history(PRIVATE_GROWTH_TYPE).label} at that "
            "history's mean.",
            markup=False,
        )
    if out_dir is not None:
        out.print(f"Daily rows and stress.json written to {out_dir}")


def run_stress_one(run_: Any, design: Any, scenario: Any) -> Any:
    """One scenario of a prepared run on a design."""
    from altsleeve.liquidity import run_stress

    return run_stress(design, run_.paths[scenario.id], scenario)


@stress_app.command("list")
def stress_list(as_json: JsonOpt = False) -> None:
    """The built-in stress scenarios (shipped TOML files, documented in docs/stress.md)."""
    from altsleeve.liquidity import builtin_scenario_paths, load_scenario

    rows: list[dict[str, Any]] = []
    for sid, path in builtin_scenario_paths().items():
        s = load_scenario(sid)
        base = (
            f"replay {s.base.start}..{s.base.end}"
            if s.base.kind == "replay"
            else f"projection {s.base.days} days"
        )
        rows.append(
            {
                "id": sid,
                "title": s.scenario.title,
                "base": base,
                "shocks": [sh.kind for sh in s.shocks],
                "file": str(path),
            }
        )
    if as_json:
        _emit_json(rows)
        return
    t = Table(title="Built-in stress scenarios")
    for c in ("id", "base", "shocks", "title"):
        t.add_column(c)
    for r in rows:
        t.add_row(str(r["id"]), str(r["base"]), ", ".join(r["shocks"]) or "-", str(r["title"]))
    out.print(t)


@stress_app.command("size-buffer")
def stress_size_buffer(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    scenario: ScenarioOpt = None,
    shock: ShockOpt = None,
    private_share: PrivateShareOpt = None,
    criteria: Annotated[
        str,
        typer.Option(
            "--criteria",
            help="What a design must avoid, comma-separated: shortfall, cap, forced_sales.",
        ),
    ] = "shortfall,cap",
    max_buffer: Annotated[
        float, typer.Option("--max-buffer", help="Largest buffer searched.")
    ] = 0.40,
    tolerance: Annotated[
        float, typer.Option("--tolerance", help="Precision of the search (share).")
    ] = 0.0025,
    as_json: JsonOpt = False,
) -> None:
    """The smallest liquid buffer, and the largest private share, that survive the scenarios."""
    from altsleeve.liquidity import CRITERIA
    from altsleeve.workflows.stress import (
        prepare,
        run_size_buffer,
        sizing_json,
    )

    crit = [c.strip() for c in criteria.split(",") if c.strip()]
    bad = sorted(set(crit) - set(CRITERIA))
    if bad or not crit:
        raise InputError(
            [
                Problem(
                    "<args>", f"unknown criteria {bad}: use {sorted(CRITERIA)}", column="--criteria"
                )
            ]
        )
    v = _vehicle(db, vehicle)
    chosen = _scenarios(scenario, shock)
    design = _design(v, None, private_share)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        run_ = prepare(led, v, chosen, prog)
        prog("searching buffers and private shares", 0, 1)
        sizing = run_size_buffer(run_, design, hi=max_buffer, tolerance=tolerance, criteria=crit)
        prog("sizing done", 1, 1)
    payload = {
        "vehicle": v.vehicle.id,
        "scenarios": [s.id for s in chosen],
        "private_share_start": private_share,
        **sizing_json(sizing),
    }
    if as_json:
        _emit_json(payload)
        return
    what = " and ".join(crit)
    start = "the book as it is" if private_share is None else f"{100 * private_share:.1f}%"
    if sizing.buffer is None:
        out.print(
            f"No liquid buffer up to {100 * max_buffer:.0f}% avoids {what} in "
            f"{', '.join(s.id for s in chosen)} with the private sleeve at {start}."
        )
    else:
        out.print(
            f"Smallest liquid buffer avoiding {what} in {', '.join(s.id for s in chosen)} "
            f"(private sleeve at {start}): [bold]{100 * sizing.buffer:.2f}%[/bold] of net assets"
        )
    at = max_buffer if sizing.buffer is None else sizing.buffer
    if sizing.private_share is None:
        out.print(f"No starting private share survives at a {100 * at:.2f}% buffer.")
    else:
        out.print(
            f"Largest starting private share that survives at a {100 * at:.2f}% buffer: "
            f"[bold]{100 * sizing.private_share:.2f}%[/bold] (cap "
            f"{100 * v.private.max:.0f}%; search precision {100 * tolerance:.2f} pt)"
        )
    t = Table(title="Designs tried")
    for c in (
        "buffer",
        "private share",
        "scenario",
        "survives",
        "peak private",
        "days > cap",
        "shortfall days",
        "forced sales $m",
    ):
        t.add_column(c, justify="right")
    for r in sizing.trials.to_dict(orient="records"):
        ps = r["private_share"]
        t.add_row(
            f"{100 * r['buffer']:.2f}%",
            "book" if ps is None or ps != ps else f"{100 * ps:.2f}%",
            str(r["scenario"]),
            "yes" if r["survives"] else "no",
            f"{100 * r['private_share_peak']:.1f}%",
            f"{r['days_above_cap']:,}",
            f"{r['shortfall_days']:,}",
            f"{r['forced_liquid_sales'] / 1e6:,.1f}",
        )
    out.print(t)


@app.command()
def perf(
    cashflows: Annotated[
        Path | None,
        typer.Option(
            "--cashflows",
            help="CSV or Parquet: fund_id, date, kind (call|distribution|nav), amount ($ >= 0).",
        ),
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="CSV or Parquet: date, level.")
    ] = None,
    index_series: Annotated[
        str | None,
        typer.Option("--index-series", help="Index series of the ledger's prices (FF_MKT_TR)."),
    ] = None,
    from_ledger: Annotated[
        bool,
        typer.Option("--from-ledger", help="Measure the ledger's book instead of --cashflows."),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Knowledge date of the ledger reads, YYYY-MM-DD (with --from-ledger, default: "
            "the vehicle's last strike).",
        ),
    ] = None,
    vehicle: VehicleOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Fund performance: IRR, TVPI, DPI, RVPI, public-market equivalents (KS, LN, PME+, alpha)."""
    from altsleeve.performance import (
        performance_table,
        pooled_cashflows,
        sleeve_series,
        time_weighted_return,
    )
    from altsleeve.workflows.performance import perf_inputs

    day = _parse_date(as_of, "--as-of") if as_of else None
    inp = perf_inputs(
        cashflows=cashflows,
        index=index,
        index_series=index_series,
        from_ledger=from_ledger,
        db=db,
        as_of=day,
        vehicle_id=_vehicle(db, vehicle).vehicle.id if from_ledger and day is None else None,
    )
    try:
        table = performance_table(inp.cashflows, inp.index)
    except ValueError as exc:
        raise InputError([Problem(inp.source, str(exc))]) from None
    keys = ("irr", "tvpi", "dpi", "rvpi", "ks_pme", "ln_pme", "pme_plus", "direct_alpha")
    if as_json:
        _emit_json(
            [
                {"fund_id": r["fund_id"]} | {k: None if r[k] != r[k] else float(r[k]) for k in keys}
                for r in table.to_dict(orient="records")
            ]
        )
        return
    pooled = performance_table(pooled_cashflows(inp.cashflows), inp.index)
    rows = [*table.to_dict(orient="records"), *pooled.to_dict(orient="records")]

    def pct(x: float) -> str:
        return "n/a" if x != x else f"{x:.1%}"

    def mult(x: float) -> str:
        return "n/a" if x != x else f"{x:.2f}x"

    t = Table(title=f"Fund performance to each fund's end date ({inp.source})")
    for c in ("fund", "from", "to", "paid $m", "dist $m", "NAV $m", "IRR", "TVPI"):
        t.add_column(c, justify="left" if c == "fund" else "right")
    for c in ("DPI", "RVPI", "KS-PME", "LN-PME", "PME+", "Direct α"):
        t.add_column(c, justify="right")
    for i, r in enumerate(rows):
        t.add_row(
            "pooled" if i == len(table) else str(r["fund_id"]),
            f"{r['start']:%Y-%m}",
            f"{r['end']:%Y-%m}",
            f"{r['pic'] / 1e6:,.1f}",
            f"{r['distributed'] / 1e6:,.1f}",
            f"{r['nav'] / 1e6:,.1f}",
            pct(r["irr"]),
            mult(r["tvpi"]),
            mult(r["dpi"]),
            mult(r["rvpi"]),
            "n/a" if r["ks_pme"] != r["ks_pme"] else f"{r['ks_pme']:.2f}",
            pct(r["ln_pme"]),
            pct(r["pme_plus"]),
            "n/a" if r["direct_alpha"] != r["direct_alpha"] else f"{r['direct_alpha']:+.1%}",
            end_section=i == len(table) - 1,
        )
    out.print(t)
    if inp.index is not None:
        out.print(
            f"Index: {inp.index_name}. KS-PME above 1 and Direct α above 0 mean the fund beat "
            "the index; LN-PME and PME+ are the IRRs of the index on the fund's own flows, to "
            "compare with its IRR."
        )
    else:
        out.print("No index given (--index or --index-series): public-market equivalents n/a.")
    out.print(
        "Rates are a year, compounded annually over ACT/365F days (pyxirr's XIRR). Pooled: all "
        "funds as one; a fund that ends early leaves at its NAV. $m: millions of dollars."
    )
    try:
        twr = time_weighted_return(*sleeve_series(inp.cashflows))
    except ValueError as exc:
        out.print(f"Sleeve time-weighted return: n/a ({exc}).")
    else:
        p = twr.periods
        how = "exact" if twr.method == "exact" else "chain-linked Modified Dietz"
        out.print(
            f"Sleeve time-weighted return {p['start'].iloc[0]:%Y-%m-%d} to "
            f"{p['end'].iloc[-1]:%Y-%m-%d}: {twr.annualised:+.2%} a year "
            f"({twr.cumulative:+.1%} in all; {how} over {len(p)} periods between NAV dates, "
            "NAVs rolled forward with cash between statements)."
        )
    for note in inp.notes:
        out.print(f"Note: {note}.")


# -- fees ------------------------------------------------------------------------------------
StackOpt = Annotated[
    Path | None,
    typer.Option("--stack", help="Fee stack TOML (default: the sample stack shipped)."),
]
HorizonOpt = Annotated[
    int, typer.Option("--horizon", min=2, max=40, help="Life of the representative funds, years.")
]
EvergreenPathOpt = Annotated[
    str,
    typer.Option(
        "--evergreen-path",
        help="Evergreen funds' gross path: constant, or history (the real market's shape from "
        "1999, shifted to the level).",
    ),
]


def _fee_inputs(vehicle: Path | None, stack: Path | None, path: str) -> tuple[Vehicle, Any]:
    from altsleeve.fees import (
        FeeStack,
        sample_stack_path,
    )

    if path not in ("constant", "history"):
        raise InputError(
            [Problem("<args>", "use 'constant' or 'history'", column="--evergreen-path")]
        )
    return _file_vehicle(vehicle), FeeStack.from_toml(stack or sample_stack_path())


@fees_app.command("stack")
def fees_stack(
    vehicle: VehicleFileOpt = None,
    stack: StackOpt = None,
    gross: Annotated[
        float,
        typer.Option("--gross", min=-0.5, max=1.0, help="Every fund's gross return a year."),
    ] = 0.15,
    horizon: HorizonOpt = 10,
    sleeve_size: Annotated[
        float | None,
        typer.Option(
            "--sleeve-size", min=1.0, help="Dollars in the sleeve (default: assets x target)."
        ),
    ] = None,
    evergreen_path: EvergreenPathOpt = "constant",
    as_json: JsonOpt = False,
) -> None:
    """The fee stack layer by layer: basis, rate, terms, dollars, bp a year, IRR gross -> net."""
    from altsleeve.fees import fee_stack_report
    from altsleeve.views.fees import render_stack

    v, s = _fee_inputs(vehicle, stack, evergreen_path)
    try:
        rep = fee_stack_report(
            v,
            s,
            gross_return=gross,
            horizon_years=horizon,
            sleeve_size=sleeve_size,
            evergreen_path=evergreen_path,
        )
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--gross")]) from None
    if as_json:
        _emit_json(rep)
        return
    render_stack(rep, out)


@fees_app.command("breakeven")
def fees_breakeven(
    vehicle: VehicleFileOpt = None,
    stack: StackOpt = None,
    benchmark: Annotated[
        float | None,
        typer.Option(
            "--benchmark",
            min=-0.5,
            max=1.0,
            help="Benchmark's return a year (default: the Fama-French market, 1927-2018).",
        ),
    ] = None,
    beta: Annotated[
        float,
        typer.Option(
            "--beta",
            min=0.0,
            max=5.0,
            help="Benchmark: the monthly series rf + beta (mkt - rf), compounded.",
        ),
    ] = 1.0,
    private_weight: Annotated[
        float | None,
        typer.Option(
            "--private-weight",
            min=0.001,
            max=1.0,
            help="Sleeve's share of the vehicle (default: its private target at inception).",
        ),
    ] = None,
    alternative_bp: Annotated[
        float,
        typer.Option(
            "--alternative-bp",
            min=0.0,
            max=500.0,
            help="The index funds' cost, bp/yr (the liquid sleeves and the index TDF).",
        ),
    ] = 5.0,
    same_wrapper: Annotated[
        bool,
        typer.Option(
            "--same-wrapper/--index-tdf",
            help="The sleeve's question (default): against the same vehicle without the sleeve, "
            "which pays the base vehicle layers too (only the incremental ones are the sleeve's "
            "cost). --index-tdf: the vehicle's question, against an index target-date fund "
            "(also shown as its own vehicle-level line).",
        ),
    ] = True,
    horizon: HorizonOpt = 10,
    evergreen_path: EvergreenPathOpt = "constant",
    as_json: JsonOpt = False,
) -> None:
    """The gross excess return a year the sleeve needs, after each fee layer, to break even."""
    from altsleeve.fees import breakeven_report
    from altsleeve.views.fees import render_breakeven

    v, s = _fee_inputs(vehicle, stack, evergreen_path)
    rep = breakeven_report(
        v,
        s,
        benchmark=benchmark,
        beta=beta,
        private_weight=private_weight,
        alternative_bp=alternative_bp,
        same_wrapper=same_wrapper,
        horizon_years=horizon,
        evergreen_path=evergreen_path,
    )
    if as_json:
        _emit_json(rep)
        return
    render_breakeven(rep, out)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's ledger.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Sample book seed.")] = 2045,
    as_json: JsonOpt = False,
) -> None:
    """The whole pipeline on the sample book, from a fresh ledger, step by step."""
    started = time.perf_counter()
    # 1. A fresh ledger in the output folder.
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "altsleeve.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with Ledger(db, create=True) as led, _progress(not as_json) as prog:
        # 2. Real public-market history from arch's data files.
        market = load_market_data(led, prog)
        # 3. The synthetic sample book, driven by those real paths.
        book = build_sample_book(led, seed, prog)
        # 4. What the book looked like on the last day of the data.
        summary = book_summary(led, dt.date(2018, 12, 31))
        # 5. Daily NAV: every method strictly as of each business day, scored against the truth.
        backtest = run_backtest(
            inputs_from_ledger(led),
            make_valuers(["stale", "proxy", "nowcast"]),
            truth=led.synthetic_truth()[["holding_id", "date", "value"]],
            flows=sample_book_flows(led),
            progress=prog,
        )
        # 6. The operations step: record December 2018's nowcast values in the ledger.
        recorded = write_valuations(led, "2018-12-03", "2018-12-31", ["nowcast"], progress=prog)
        # 7. Fund accounting: strike the vehicle's unit price every business day, 1999-2018.
        vehicle = Vehicle.from_toml(sample_vehicle_path())
        struck = strike_range(led, vehicle, None, "2018-12-31", progress=prog)
        nav_path = _nav_path_summary(pit.strikes(led, vehicle.vehicle.id))
        breaches = record_breaches(led, vehicle.vehicle.id)
        # 8. Dilution: wealth moved between trading and staying participants, per method.
        dil = dilution_report(led, vehicle, progress=prog)
        # 9. Liquidity stress: the 2008-09 replay, the book as it is and at its 10% target
        #    with a 5% and a 20% liquid buffer.
        stress_2008 = _demo_stress(led, vehicle, prog)
        # 10. Fees: the sample vehicle's fee stack, gross to net, and the break-even excess
        #     return the sleeve needs over its benchmark.
        prog("fee stack and break-even", 0, 1)
        fee_report = _demo_fees()
        prog("fee stack and break-even", 1, 1)
        # 11. Participant outcomes: savers' real wealth at 65 with and without the sleeve.
        outcomes_report = _demo_outcomes(out_dir / "outcomes", prog)
        # 12. Check the audit chain end to end.
        check = led.verify(prog)
        # 13. The fiduciary evidence file for the committee, as known on 2018-12-31.
        evidence = _write_evidence(
            led,
            db,
            vehicle.vehicle.id,
            _sample_policy(),
            dt.date(2018, 12, 31),
            None,
            None,
            None,
            10_000,
            2045,
            out_dir / "evidence",
            True,
            prog,
        )
    result = {
        "ledger": str(db),
        "market_series": len(market.series),
        "book_id": book.book_id,
        "synthetic_note": book.description,
        "ledger_ok": check.ok,
        "head_hash": check.head_hash,
        "summary": summary,
        "backtest": backtest.report,
        "valuations_recorded": recorded["nowcast"].written,
        "strike": {"days": struck.days, "first": struck.first, "last": struck.last},
        "nav_path": nav_path,
        "limit_breaches": {
            str(k): int(v) for k, v in breaches.groupby("limit_name").size().items()
        },
        "dilution": dil,
        "stress_2008": stress_2008,
        "fees": fee_report,
        "outcomes": outcomes_report,
        "evidence": evidence,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out_dir / "summary.json").write_text(_json_text(result))
    if as_json:
        _emit_json(result)
        return
    _print_demo(result)


def _sample_policy() -> Path:
    from altsleeve.report import sample_policy_path

    return sample_policy_path()


def _demo_fees() -> dict[str, Any]:
    """The sample vehicle's fee stack and break-even (``altsleeve.fees.sample_fee_report``)."""
    from altsleeve.fees import sample_fee_report

    return sample_fee_report()


def _demo_outcomes(out_dir: Path, prog: ProgressFn) -> dict[str, Any]:
    """Savers' outcomes for the demo: 10,000 paths per cohort in process, charts in ``out_dir``."""
    from altsleeve.views.outcomes import write_outputs
    from altsleeve.workflows.outcomes import (
        load_inputs,
        prepare_inputs,
        result_json,
        simulate,
    )

    inputs = load_inputs()
    how = inputs.params.private.funding
    prep = prepare_inputs(inputs, 2045, how)
    result = simulate(prep, 10_000, workers=0, progress=prog)
    payload = result_json(inputs, prep, result, n_paths=10_000, seed=2045, funding=how)
    prog(f"participant outcomes: charts to {out_dir}", 0, 1)
    write_outputs(payload, result, out_dir)
    return {**payload, "folder": str(out_dir)}


def _demo_stress(led: Ledger, vehicle: Vehicle, prog: ProgressFn) -> list[dict[str, Any]]:
    """The 2008-09 replay for the demo: the book as it is, then 10% private with 5% / 20% cash."""
    from altsleeve.liquidity import Design, load_scenario, run_stress
    from altsleeve.workflows.stress import prepare

    scenario = load_scenario("gfc-2008-09")
    run_ = prepare(led, vehicle, [scenario], prog)
    path = run_.paths[scenario.id]
    out_rows = []
    designs = (
        ("book as it is, 2% cash", Design(vehicle)),
        ("10% private, 5% buffer", Design(vehicle, buffer=0.05, private_share=0.10)),
        ("10% private, 20% buffer", Design(vehicle, buffer=0.20, private_share=0.10)),
    )
    for k, (label, design) in enumerate(designs, start=1):
        prog(f"2008-09 stress replay: {label}", k, len(designs))
        out_rows.append({"design": label, **run_stress(design, path, scenario).summary})
    return out_rows


def _nav_path_summary(strikes: Any) -> dict[str, Any]:
    """Year-end NAV per unit, the annualised return and the worst drawdown of a strike history.

    The annualised return is ``(last / first) ^ (365 / days) - 1`` (ACT/365F), the day count of
    every rate in :mod:`altsleeve.performance`.
    """
    if strikes.empty:
        return {}
    s = strikes.set_index(pd.DatetimeIndex(strikes["date"]))
    nav = s["nav_per_unit"].astype(float)
    comps = [json.loads(c) for c in s["components"]]
    share = pd.Series([c.get("weight_private", 0.0) for c in comps], index=s.index)
    year_end = nav.groupby(nav.index.year).tail(1)
    rows = []
    prev = float(nav.iloc[0])
    for day, v in year_end.items():
        rows.append(
            {
                "year": str(pd.Timestamp(day).year),
                "nav": float(v),
                "return": float(v) / prev - 1,
                "net_assets": float(s.loc[day, "net_assets"]),
                "private_share": float(share.loc[day]),
            }
        )
        prev = float(v)
    years = (nav.index[-1] - nav.index[0]).days / 365.0  # ACT/365F, as altsleeve.performance
    return {
        "first_nav": float(nav.iloc[0]),
        "last_nav": float(nav.iloc[-1]),
        "annualised": float((nav.iloc[-1] / nav.iloc[0]) ** (1 / years) - 1),
        "max_drawdown": max_drawdown(nav.to_numpy()),
        "year_ends": rows,
    }


def _print_demo(res: dict[str, Any]) -> None:
    s = res["summary"]
    t = Table(title=f"Sample book as known on {s['as_of']} (private funds are SYNTHETIC)")
    cols = [
        ("asset_class", "asset class", "{}"),
        ("funds", "funds", "{}"),
        ("vintages", "vintages", "{}"),
        ("commitment_musd", "committed $m", "{:,.1f}"),
        ("calls_musd", "called $m", "{:,.1f}"),
        ("distributions_musd", "distributed $m", "{:,.1f}"),
        ("statements", "GP marks", "{}"),
        ("median_lag_days", "median lag d", "{:.0f}"),
        ("last_reported_nav_musd", "last GP NAV $m", "{:,.1f}"),
        ("true_nav_musd_synthetic", "true NAV $m*", "{:,.1f}"),
    ]
    for _, head, _f in cols:
        left = head == "asset class"
        t.add_column(head, justify="left" if left else "right", no_wrap=left)
    for r in s["by_asset_class"]:
        t.add_row(*(f.format(r[k]) for k, _, f in cols))
    out.print(t)
    o = s["orders"]
    out.print(
        f"Participant orders: purchases ${o['purchases_musd']:,.1f}m, redemptions "
        f"${o['redemptions_musd']:,.1f}m over {o['days']} days."
    )
    out.print("* true NAV comes from the synthetic truth table, which no estimator reads.")
    if res.get("backtest"):
        _backtest_table(report_table(res["backtest"]))
        out.print(
            "Daily NAV backtest 1999-2018 of the 30 synthetic funds: each method strictly as known "
            "each day. RMSE of the daily log error; dilution = wealth moved between trading and "
            "staying participants (docs/valuation.md)."
        )
        out.print(
            f"Recorded {res['valuations_recorded']:,} nowcast daily values (Dec 2018) in "
            "the ledger's valuations table."
        )
    if res.get("nav_path"):
        p = res["nav_path"]
        t = Table(
            title=f"TDF2045 daily strike {res['strike']['first']}..{res['strike']['last']} "
            f"({res['strike']['days']:,} days): NAV per unit at year ends"
        )
        for c in ("year", "NAV/unit", "return", "net assets $m", "private share"):
            t.add_column(c, justify="right")
        for r in p["year_ends"]:
            t.add_row(
                r["year"],
                f"{r['nav']:.3f}",
                f"{r['return']:+.1%}",
                f"{r['net_assets'] / 1e6:,.0f}",
                f"{r['private_share']:.1%}",
            )
        out.print(t)
        out.print(
            f"NAV per unit {p['first_nav']:.3f} -> {p['last_nav']:.3f}: "
            f"{p['annualised']:+.2%} a year after fees; worst drawdown {p['max_drawdown']:.1%}."
        )
        lb = res.get("limit_breaches") or {}
        out.print(
            "Limit breaches (days): " + (", ".join(f"{k} {v:,}" for k, v in lb.items()) or "none")
        )
    if res.get("dilution"):
        _dilution_table(res["dilution"])
    if res.get("stress_2008"):
        t = Table(
            title="2008-09 stress replay (real markets, synthetic private book; docs/stress.md)"
        )
        for c in (
            "design",
            "peak private (day)",
            "days > 15% cap",
            "forced sales $m",
            "lowest cash",
            "worst drawdown",
            "stayers' cost $m",
        ):
            t.add_column(c, justify="left" if c == "design" else "right")
        for r in res["stress_2008"]:
            t.add_row(
                str(r["design"]),
                f"{r['private_share_peak']:.1%} ({r['private_share_peak_date']})",
                f"{r['days_above_cap']:,}",
                f"{r['forced_liquid_sales'] / 1e6:,.1f}",
                f"{r['cash_share_min']:.1%}",
                f"{r['max_drawdown']:.1%}",
                f"{r['stayers_cost'] / 1e6:,.1f}",
            )
        out.print(t)
    if res.get("fees"):
        from altsleeve.views.fees import render_fee_report

        render_fee_report(res["fees"], out)
    if res.get("outcomes"):
        from altsleeve.views.outcomes import render

        render(res["outcomes"], out)
        out.print(f"Outcome charts and outcomes.json: {res['outcomes']['folder']}")
    out.print(f"Market series loaded: {res['market_series']}. Ledger: {res['ledger']}")
    state = "OK" if res["ledger_ok"] else "FAILED"
    out.print(
        f"Ledger verify: {state} (head hash {res['head_hash'][:16]}…). "
        f"Demo took {res['seconds']} s."
    )
    ev = res.get("evidence")
    if ev:
        c = ev["counts"]
        out.print(
            f"Fiduciary evidence file: {c['pass']} checks pass, {c['warn']} warn, {c['fail']} "
            f"fail, {c['info']} info; {ev['triggers_fired']} monitoring trigger(s) fired."
        )
        if ev.get("pdf_note"):
            out.print(ev["pdf_note"])
        for key in ("json", "pdf"):
            if ev.get(key):
                out.print(f"  {key.upper()}: {ev[key]}")
        out.print(f"[bold]Evidence report: {ev['html']}[/bold]")


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


def _mc_pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def _mc_tables(s: dict[str, Any]) -> None:
    st, fl, mk = s["start"], s["flows"], s["market"]
    liquid = sum(v for k, v in st["sleeves"].items() if k != "cash")
    cash = st["sleeves"].get("cash", 0.0)
    na = st["net_assets"]
    out.print(
        f"[bold]{s['label']}[/bold]: net assets ${na / 1e6:,.1f}m; private "
        f"${st['private'] / 1e6:,.1f}m ({_mc_pct(st['private_share'])}, cap "
        f"{_mc_pct(st['private_max'])}), cash ${cash / 1e6:,.1f}m ({_mc_pct(cash / na)}), liquid "
        f"sleeves ${liquid / 1e6:,.1f}m; unfunded ${st['unfunded'] / 1e6:,.1f}m in "
        f"{st['holdings']} holdings"
    )
    out.print(
        f"Flows a year: contributions {_mc_pct(fl['contribution_rate'])}, redemptions "
        f"{_mc_pct(fl['redemption_rate'])} (x{fl['stress_multiplier']:g} in a quarter whose "
        f"equity return is below {_mc_pct(fl['stress_threshold'])}: "
        f"{_mc_pct(fl['stress_quarter_share'])} of simulated quarters), plan withdrawals "
        f"{fl['withdrawal_rate']:g} a year of {_mc_pct(fl['withdrawal_min'])}-"
        f"{_mc_pct(fl['withdrawal_max'])}, fees {1e4 * st['fee_rate']:.0f} bp. {fl['source']}."
    )
    out.print(
        f"Markets: stationary bootstrap (mean block {mk['block_quarters']:g} quarters) of "
        f"{mk['source_quarters']} real quarters {mk['source_start']}..{mk['source_end']}. "
        f"{s['paths']:,} paths x {s['years']} years, quarterly to {s['last_quarter_end']}, seed "
        f"{s['seed']}."
    )
    _history_line(s["provenance"].get("history", {}))
    t = Table(title="Probability within the horizon (paths; ± one standard error)")
    for c in (
        "horizon",
        "shortfall",
        "buffer exhausted",
        "cap breach",
        "peak private share q50 / q95 / q99",
        "worst quarterly net outflow q50 / q95 / q99",
    ):
        t.add_column(c, justify="right")
    for h in s["horizons"]:
        cells = []
        for event in ("shortfall", "buffer_exhausted", "cap_breach"):
            e = h[event]
            cells.append(
                f"{100 * e['probability']:.2f}% ± {100 * e['standard_error']:.2f} ({e['paths']:,})"
            )
        peak, worst = h["peak_private_share"], h["worst_net_outflow_share"]
        t.add_row(
            f"{h['years']} y ({h['quarters']} q)",
            *cells,
            " / ".join(_mc_pct(peak[q]) for q in ("q50", "q95", "q99")),
            " / ".join(_mc_pct(worst[q]) for q in ("q50", "q95", "q99")),
        )
    out.print(t)
    sec = s["secondary_sales"]
    out.print(
        "shortfall: the quarter's net outflow exceeds cash plus the liquid sleeves; buffer "
        "exhausted: it exceeds the cash sleeve (liquid sleeves sold outside a rebalance); cap "
        "breach: private share above the cap at a quarter end. Paths with a secondary sale "
        f"after a shortfall: {sec['paths']:,}; with redemptions left unpaid: "
        f"{sec['paths_unpaid']:,}. The private book runs off (no new commitments)."
    )


@stress_app.command("montecarlo")
def stress_montecarlo_cmd(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    as_of: AsOfOpt = None,
    paths: Annotated[int, typer.Option("--paths", help="Monte Carlo paths.")] = 10_000,
    years: Annotated[int, typer.Option("--years", help="Years simulated, by quarter.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Root seed (same seed, same result).")] = 0,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    chunk: Annotated[
        int, typer.Option("--chunk", help="Paths per Dask task (best a multiple of 1,000).")
    ] = 10_000,
    buffer: BufferOpt = None,
    private_share: PrivateShareOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Chance of a shortfall, an exhausted cash buffer or a cap breach within 1, 3, 10 years."""
    from altsleeve.liquidity import MonteCarloSettings
    from altsleeve.workflows.stress_montecarlo import (
        result_json,
        stress_montecarlo,
    )

    try:
        settings = MonteCarloSettings(n_paths=paths, years=years, seed=seed)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc))]) from None
    if chunk < 1:
        raise InputError([Problem("<args>", "--chunk must be at least 1", column="--chunk")])
    day = _parse_date(as_of, "--as-of") if as_of else None
    design = _design(_vehicle(db, vehicle), buffer, private_share)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        result = stress_montecarlo(
            led,
            design,
            as_of=day,
            settings=settings,
            workers=workers,
            scheduler=scheduler,
            chunk_paths=chunk,
            progress=prog,
        )
    payload = result_json(result)
    if as_json:
        _emit_json(payload)
        return
    _mc_tables(payload)


# -- participant outcomes ----------------------------------------------------------------------
class Funding(StrEnum):
    """Where the sleeve's weight comes from (``altsleeve outcomes --funding``)."""

    equity = "equity"
    bonds = "bonds"
    both = "both"


@app.command()
def outcomes(
    vehicle: VehicleFileOpt = None,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="Outcomes parameter TOML (default: the shipped defaults)."),
    ] = None,
    fee_stack: Annotated[
        Path | None,
        typer.Option("--fee-stack", help="Fee stack TOML (default: the parameter file's)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use the history known on YYYY-MM-DD (default: all)."),
    ] = None,
    paths: Annotated[int, typer.Option("--paths", help="Savers' paths per cohort.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Root seed (same seed, same result).")] = 0,
    funding: Annotated[
        Funding | None,
        typer.Option("--funding", help="Fund the sleeve from equity, bonds or both (pro rata)."),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    chunk: Annotated[
        int | None,
        typer.Option("--chunk", help="Paths per Dask task (whole blocks; default one block)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for outcomes.json and the charts.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Savers' real wealth at retirement with and without the private sleeve (Monte Carlo)."""
    from altsleeve.views.outcomes import (
        render,
        write_outputs,
    )
    from altsleeve.workflows.outcomes import (
        load_inputs,
        prepare_inputs,
        result_json,
        simulate,
    )

    if chunk is not None and chunk < 1:
        raise InputError([Problem("<args>", "--chunk must be at least 1", column="--chunk")])
    with _progress(not as_json) as prog:
        prog("reading the vehicle, parameters, fee stack and history", 0, 1)
        inputs = load_inputs(vehicle, params, fee_stack, as_of)
        how = funding.value if funding is not None else inputs.params.private.funding
        prep = prepare_inputs(inputs, seed, how)
        result = simulate(
            prep, paths, workers=workers, scheduler=scheduler, chunk_paths=chunk, progress=prog
        )
        payload = result_json(inputs, prep, result, n_paths=paths, seed=seed, funding=how)
        files = []
        if out_dir is not None:
            prog(f"writing outcomes.json and charts to {out_dir}", 0, 1)
            try:
                files = write_outputs(payload, result, out_dir)
            except OSError as exc:
                raise InputError(
                    [Problem(str(out_dir), f"cannot write the outputs: {exc}", column="--out")]
                ) from None
    if as_json:
        _emit_json(payload)
        return
    render(payload, out)
    for f in files:
        out.print(f"wrote {f}")


@app.command()
def report(
    db: DbOpt = DEFAULT_DB,
    vehicle: VehicleOpt = None,
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Committee policy TOML (default: the shipped sample)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Knowledge date YYYY-MM-DD (default: the last strike recorded by --recorded-by).",
        ),
    ] = None,
    recorded_by: Annotated[
        str | None,
        typer.Option(
            "--recorded-by",
            help="Ignore what the ledger recorded after this UTC time, ISO "
            "(default: everything recorded; the appendix prints the value used).",
        ),
    ] = None,
    fee_stack: Annotated[
        Path | None,
        typer.Option("--fee-stack", help="Fee stack TOML (default: the shipped sample)."),
    ] = None,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="Outcomes parameter TOML (default: the shipped one)."),
    ] = None,
    paths: Annotated[
        int, typer.Option("--paths", help="Savers' Monte Carlo paths per cohort.")
    ] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Root seed of the outcomes.")] = 2045,
    out_dir: Annotated[
        Path, typer.Option("--out", help="Folder for evidence.html, evidence.pdf, evidence.json.")
    ] = Path("evidence"),
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write the PDF.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """The fiduciary evidence file: HTML, PDF and JSON for the plan committee's minutes."""
    from altsleeve.report import sample_policy_path

    if paths < 100:
        raise InputError([Problem("<args>", "at least 100 paths", column="--paths")])
    cutoff = None
    if recorded_by is not None:
        try:
            cutoff = dt.datetime.fromisoformat(recorded_by)
        except ValueError:
            raise InputError(
                [Problem("<args>", f"not an ISO time: {recorded_by!r}", column="--recorded-by")]
            ) from None
    ppath = policy or sample_policy_path()
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        if cutoff is not None:
            _check_recorded_by(led, cutoff, "--recorded-by")
        vid = resolve_vehicle_id(led, vehicle, recorded_at=cutoff)
        v = registered_vehicle(led, vid, recorded_at=cutoff)
        if as_of:
            day = _parse_date(as_of, "--as-of")
        elif cutoff is not None:  # the last strike recorded by the cutoff
            day = pit.last_struck_day(led, v.vehicle.id, recorded_at=cutoff)
        else:
            day = _as_of_day(led, v, None)
        files = _write_evidence(
            led,
            db,
            vid,
            ppath,
            day,
            cutoff,
            fee_stack,
            params,
            paths,
            seed,
            out_dir,
            pdf,
            prog,
        )
    if as_json:
        _emit_json(files)
        return
    for key in ("html", "pdf", "json"):
        if files.get(key):
            out.print(f"wrote {files[key]}")
    if files.get("pdf_note"):
        out.print(files["pdf_note"])
    out.print(
        f"Checks: {files['counts']['pass']} pass, {files['counts']['warn']} warn, "
        f"{files['counts']['fail']} fail, {files['counts']['info']} info; "
        f"{files['triggers_fired']} trigger(s) fired."
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


def _write_evidence(
    led: Ledger,
    db: Path,
    vehicle: str,
    policy: Path,
    day: dt.date,
    cutoff: dt.datetime | None,
    fee_stack: Path | None,
    params: Path | None,
    paths: int,
    seed: int,
    out_dir: Path,
    pdf: bool,
    prog: ProgressFn,
) -> dict[str, Any]:
    """Gather the evidence as known on ``day`` and write the three files to ``out_dir``."""
    from altsleeve.views.evidence import write_report
    from altsleeve.workflows.evidence import (
        EvidenceInputs,
        gather,
    )

    inp = EvidenceInputs(
        db=db,
        vehicle=vehicle,
        policy=policy,
        as_of=day,
        recorded_by=cutoff,
        fee_stack=fee_stack,
        outcome_params=params,
        paths=paths,
        seed=seed,
    )
    try:  # refuse an unusable --out before the minute of gathering, not after
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(out_dir), f"cannot write the report: {exc}", column="--out")]
        ) from None
    ev = gather(led, inp, prog)
    prog(f"writing the evidence file to {out_dir}", 0, 1)
    try:
        files = write_report(ev.payload, out_dir, pdf=pdf)
    except OSError as exc:
        raise InputError(
            [Problem(str(out_dir), f"cannot write the report: {exc}", column="--out")]
        ) from None
    prog(f"writing the evidence file to {out_dir}", 1, 1)
    return {
        "html": str(files.html),
        "pdf": None if files.pdf is None else str(files.pdf),
        "json": str(files.json),
        "pdf_note": files.pdf_note,
        "counts": ev.payload["summary"]["status_counts"],
        "triggers_fired": ev.payload["summary"]["triggers_fired"],
    }


# -- entry point -------------------------------------------------------------------------------
def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (0 ok, 2 bad input, 1 internal error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="altsleeve", standalone_mode=True)
    except SystemExit as exc:  # usage errors (2), typer.Exit, --help
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except InputError as exc:
        for p in exc.render().splitlines():
            err.print(f"error: {p}", markup=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True)
        return 1
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


__all__ = ["app", "main", "run"]
