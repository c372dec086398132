"""``altsleeve ingest``, ``ledger``, ``vehicle`` and ``exceptions``: the ledger's commands.

Thin: each parses its options, calls one use case of :mod:`altsleeve.workflows.ledger`,
:mod:`~altsleeve.workflows.vehicles` or :mod:`~altsleeve.workflows.fund` and prints its result
(a table drawn from it, or ``--json``: its ``to_dict()``).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    VehicleOpt,
    _emit_json,
    _parse_date,
    _parse_time,
    _progress,
    app,
    err,
    exceptions_app,
    ledger_app,
    out,
    vehicle_app,
)
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
    FORMATS,
    KNOWLEDGE_TABLES,
    Ledger,
    write_export,
)
from altsleeve.workflows import ledger as uc
from altsleeve.workflows.fund import (
    accept_exception,
    check_acceptance,
    check_exception_status,
    list_exceptions,
)
from altsleeve.workflows.vehicles import list_vehicles, show_vehicle


class IngestKind(StrEnum):
    """File kinds that ``altsleeve ingest`` accepts."""

    holdings = "holdings"
    statements = "statements"
    cashflows = "cashflows"
    series = "series"
    prices = "prices"
    orders = "orders"


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
    uc.check_ingest_options(restate=restate, reason=reason, accept_move=accept_move)
    with Ledger(db, read_only=dry_run) as led, _progress(not as_json) as prog:
        res = uc.ingest(
            led,
            kind.value,
            file,
            restate=restate,
            reason=reason,
            accept_move=accept_move,
            dry_run=dry_run,
            progress=prog,
        )
    if as_json:
        _emit_json(res.to_dict())
    elif dry_run:
        out.print(f"{file}: {res.rows} rows valid ({kind.value}); nothing written")
    elif res.batch_id is None:
        out.print(f"{file}: no changes ({res.unchanged} rows already recorded)")
    else:
        out.print(
            f"{file}: {res.new} new, {res.restated} restated, {res.unchanged} unchanged "
            f"rows of {kind.value} (batch {res.batch_id})"
        )


# -- ledger ------------------------------------------------------------------------------------
@ledger_app.command("init")
def ledger_init(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Create an empty ledger (with its folders); the only command besides `demo` that does."""
    res = uc.init_ledger(db)
    if as_json:
        _emit_json(res.to_dict())
    elif not res.created:
        out.print(
            f"{db} is already an altsleeve ledger (schema version {res.schema_version}); "
            "nothing to create"
        )
    else:
        out.print(f"created an empty ledger at {db} (schema version {res.schema_version})")


@ledger_app.command("verify")
def ledger_verify(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Check the audit hash chain and every row against it; exit 1 if anything was altered."""
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        rep = uc.verify_ledger(led, prog)
    if as_json:
        _emit_json(rep.to_dict())
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
        res = uc.ledger_status(led)
    if as_json:
        _emit_json(res.to_dict())
        return
    t = Table(title=f"Ledger {db} (schema version {res.schema_version})")
    t.add_column("table")
    t.add_column("rows", justify="right")
    t.add_column("keys", justify="right")
    for name, c in res.tables.items():
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
        log = uc.audit_log(led, limit)
    if as_json:
        _emit_json(log.to_dict())
        return
    t = Table(title=f"Audit log of {db}")
    for c in uc.LOG_COLUMNS:
        t.add_column(c)
    for r in log.entries:
        t.add_row(
            *(str(r[c])[:16] + "…" if c == "entry_hash" else str(r[c]) for c in uc.LOG_COLUMNS)
        )
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
    uc.check_export_table(table)
    day = _parse_date(as_known_on, "--as-known-on") if as_known_on else None
    rec = _parse_time(recorded_at, "--recorded-at") if recorded_at else None
    with Ledger(db, read_only=True) as led:
        res = uc.export_table(
            led, table, known_on=day, recorded_at=rec, with_bookkeeping=with_bookkeeping
        )
    text = write_export(res.frame, output, dates_as_dates=table in FORMATS)
    if output is None:
        sys.stdout.write(text)


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
    with Ledger(db, read_only=True) as led:
        res = list_vehicles(led)
    rows = res.rows
    if as_json:
        _emit_json(res.to_dict())
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
    day = _parse_date(date, "--date") if date else None
    with Ledger(db, read_only=True) as led:
        res = show_vehicle(led, vehicle, day)
    _emit_json(res.to_dict())


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
    check_exception_status(status)
    with Ledger(db, read_only=True) as led:
        res = list_exceptions(led, vehicle, status)
    rows, vid = res.rows, res.vehicle_id
    if as_json:
        _emit_json(res.to_dict())
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
    if not date:
        raise InputError([Problem("<args>", "give --date D", column="--date")])
    day = _parse_date(date, "--date")
    check_acceptance(kind, reason)
    with Ledger(db) as led:
        res = accept_exception(led, vehicle, day, kind, reason, subject)
    if as_json:
        _emit_json(res.to_dict())
        return
    then = (
        "the valuation committee's resolution is kept"
        if kind == "price_challenge"
        else "strike again to go on past it"
    )
    out.print(f"{res.vehicle}: {kind} of {res.subject} on {day} accepted ({res.reason}); {then}")
