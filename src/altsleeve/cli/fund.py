"""``altsleeve strike``, ``strike diff``, ``limits`` and ``dilution``: the vehicle's unit price.

Thin: each calls :mod:`altsleeve.workflows.fund`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.table import Table

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    VehicleOpt,
    _check_after_launch,
    _day_range,
    _emit_json,
    _parse_date,
    _progress,
    app,
    out,
    strike_app,
)
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows import fund as fund_uc
from altsleeve.workflows.fund import StrikeStoppedError
from altsleeve.workflows.vehicles import (
    registered_vehicle,
    resolve_vehicle_id,
)


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
            res = fund_uc.strike_vehicle(
                led, vid, first, last, restrike=restrike, reason=reason, progress=prog
            )
        except StrikeStoppedError as exc:
            if as_json:
                _emit_json(exc.run.to_dict())
            raise
    if as_json:
        _emit_json(res.to_dict())
        return
    run_ = res.run
    out.print(
        f"{vid}: struck {run_.days} days {run_.first}..{run_.last}: "
        f"{run_.new} new, {run_.restruck} restruck, {run_.unchanged} unchanged; "
        f"{run_.breaches} limit breaches"
        + (f"; {run_.carried} price(s) carried forward" if run_.carried else "")
        + (f"; {run_.accepted} accepted exception(s)" if run_.accepted else "")
    )
    if res.nav_per_unit is not None and res.net_assets is not None:
        out.print(
            f"Last strike {res.last_strike}: NAV per unit "
            f"{res.nav_per_unit:.4f}, net assets ${res.net_assets / 1e6:,.1f}m"
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
        diff = fund_uc.diff_strike(led, vehicle, date)
    if as_json:
        _emit_json(diff.to_dict())
        return
    t = Table(title=f"{diff.vehicle_id} on {date}: strike versions compared")
    for c in diff.columns:
        t.add_column(c, justify="left" if c == "component" else "right")
    for r in diff.rows:
        t.add_row(
            *(
                "" if x is None else f"{x:,.4f}" if isinstance(x, float) else str(x)
                for x in (r[c] for c in diff.columns)
            )
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
        res = fund_uc.limit_breaches(led, vehicle)
    if as_json:
        _emit_json(res.to_dict())
        return
    if not res.rows:
        out.print(f"{res.vehicle_id}: no limit breaches recorded")
        return
    t = Table(title=f"{res.vehicle_id}: limit breaches (days)")
    for c in ("limit", "days", "first", "last", "worst value", "threshold"):
        t.add_column(c, justify="left" if c == "limit" else "right")
    for lim in res.by_limit:
        t.add_row(
            lim.limit,
            str(lim.days),
            str(lim.first),
            str(lim.last),
            f"{lim.worst:.2%}",
            f"{lim.threshold:.2%}",
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
        rep = fund_uc.dilution(led, v, end=end, progress=prog)
    if as_json:
        _emit_json(rep.to_dict())
        return
    _dilution_table(rep.to_dict())


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
