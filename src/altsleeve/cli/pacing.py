"""``altsleeve pacing plan``, ``pacing backtest`` and ``calls``: commitments and the calls calendar.

Thin: each parses its options, calls one use case of :mod:`altsleeve.workflows.pacing`
(:func:`~altsleeve.workflows.pacing.pacing_plan`,
:func:`~altsleeve.workflows.pacing.calls_calendar`,
:func:`~altsleeve.workflows.pacing.pacing_backtest`) and prints its ``to_dict()`` or draws it
with :mod:`altsleeve.views.pacing`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from altsleeve.cli._app import (
    AsOfOpt,
    DbOpt,
    JsonOpt,
    PathsOpt,
    SeedOpt,
    VehicleFileOpt,
    VehicleOpt,
    _as_of_day,
    _emit_json,
    _file_vehicle,
    _json_text,
    _mix,
    _progress,
    _settings,
    _vehicle,
    app,
    out,
    pacing_app,
)
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows.vehicles import (
    registered_vehicle,
)


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
    from altsleeve.views.pacing import plan_chart, plan_tables
    from altsleeve.workflows.pacing import pacing_plan, planner_settings

    if chart_format not in ("png", "svg"):
        raise InputError([Problem("<args>", "--format must be png or svg", column="--format")])
    v = _vehicle(db, vehicle)
    settings = _settings(paths, seed)
    try:
        planner = planner_settings(
            v, years=years, lead_years=lead_years, mix=_mix(mix), net_flow_rate=net_flow
        )
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc))]) from None
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        day = _as_of_day(led, v, as_of)
        res = pacing_plan(
            led,
            v,
            day,
            planner=planner,
            settings=settings,
            net_assets=net_assets,
            net_flow_rate=net_flow,
            progress=prog,
        )
    if out_dir is not None:
        chart = plan_chart(
            res.plan,
            out_dir / f"pacing-plan-{day.isoformat()}.{chart_format}",
            f"{v.vehicle.id}: private share with the plan as of {day} ({paths} bootstrap paths "
            "of the real 1926+ history; funds' values projected, not observed)",
        )
        (out_dir / f"pacing-plan-{day.isoformat()}.json").write_text(_json_text(res.to_dict()))
        res = dataclasses.replace(res, chart=str(chart))
    if as_json:
        _emit_json(res.to_dict())
        return
    plan_tables(res, out)
    if res.chart is not None:
        out.print(f"Chart: {res.chart}")


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
    from altsleeve.views.pacing import calls_tables
    from altsleeve.workflows.pacing import calls_calendar

    settings = _settings(paths, seed)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        v = registered_vehicle(led, vehicle)
        day = _as_of_day(led, v, as_of)
        cal = calls_calendar(led, day, settings=settings, progress=prog)
    if as_json:
        _emit_json(cal.to_dict())
        return
    calls_tables(cal, out, top=top)


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
    from altsleeve.views.pacing import backtest_table
    from altsleeve.workflows.pacing import pacing_backtest as backtest

    v = _file_vehicle(vehicle)
    settings = _settings(paths, seed)
    with _progress(not as_json) as prog:
        res = backtest(
            v, start_year=start_year, book_seed=book_seed, settings=settings, progress=prog
        )
    if as_json:
        _emit_json(res.to_dict())
        return
    backtest_table(res, v.vehicle.id, out)
