"""``altsleeve liquidity`` and ``stress``: the Rule 22e-4 profile, stress replays and Monte Carlo.

Thin: each parses its options and calls one use case of :mod:`altsleeve.workflows.liquidity`,
:mod:`altsleeve.workflows.stress` or :mod:`altsleeve.workflows.stress_montecarlo`, then prints its
``to_dict()`` or draws it with :mod:`altsleeve.views.liquidity` or :mod:`altsleeve.views.stress`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from altsleeve.cli._app import (
    AsOfOpt,
    DbOpt,
    JsonOpt,
    PathsOpt,
    SchedulerOpt,
    SeedOpt,
    VehicleOpt,
    WorkersOpt,
    _emit_json,
    _json_text,
    _parse_date,
    _progress,
    _settings,
    _vehicle,
    app,
    out,
    stress_app,
)
from altsleeve.errors import InputError, Problem
from altsleeve.fund import (
    Vehicle,
)
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows.liquidity import liquidity_assumptions


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
    from altsleeve.views.liquidity import render_profile
    from altsleeve.workflows.liquidity import profile_from_ledger

    day = _parse_date(date, "--date") if date else None
    if highly_liquid_min is not None and not 0.0 <= highly_liquid_min <= 1.0:
        raise InputError(
            [Problem("<args>", "a share of net assets in [0, 1]", column="--highly-liquid-min")]
        )
    assumptions = liquidity_assumptions(
        stress_multiplier=stress_multiplier,
        plan_withdrawal=plan_withdrawal,
        call_quantile=call_quantile,
        secondary_discount=secondary_discount,
        source="<args>",
    )
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
    render_profile(prof, out)


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
    from altsleeve.views.stress import render_stress
    from altsleeve.workflows.stress import stress_scenarios

    v = _vehicle(db, vehicle)
    chosen = _scenarios(scenario, shock)
    design = _design(v, buffer, private_share)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        rep = stress_scenarios(led, design, chosen, daily=daily, progress=prog)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for r in rep.runs:
            r.result.daily.to_csv(out_dir / f"{r.result.scenario}-daily.csv", index=False)
        (out_dir / "stress.json").write_text(_json_text(rep.to_dict()))
    if as_json:
        _emit_json(rep.to_dict())
        return
    render_stress(rep, out, monthly=monthly)
    if out_dir is not None:
        out.print(f"Daily rows and stress.json written to {out_dir}")


@stress_app.command("list")
def stress_list(as_json: JsonOpt = False) -> None:
    """The built-in stress scenarios (shipped TOML files, documented in docs/stress.md)."""
    from altsleeve.views.stress import scenario_list_table
    from altsleeve.workflows.stress import builtin_scenarios

    rows = builtin_scenarios()
    if as_json:
        _emit_json(rows.to_dict())
        return
    scenario_list_table(rows, out)


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
    from altsleeve.views.stress import sizing_tables
    from altsleeve.workflows.stress import stress_size_buffer as size_buffer

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
        sizing = size_buffer(
            led,
            design,
            chosen,
            max_buffer=max_buffer,
            tolerance=tolerance,
            criteria=crit,
            progress=prog,
        )
    if as_json:
        _emit_json(sizing.to_dict())
        return
    sizing_tables(sizing, out)


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
    from altsleeve.views.stress import render_montecarlo
    from altsleeve.workflows.stress_montecarlo import montecarlo_report

    try:
        settings = MonteCarloSettings(n_paths=paths, years=years, seed=seed)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc))]) from None
    if chunk < 1:
        raise InputError([Problem("<args>", "--chunk must be at least 1", column="--chunk")])
    day = _parse_date(as_of, "--as-of") if as_of else None
    design = _design(_vehicle(db, vehicle), buffer, private_share)
    with Ledger(db, read_only=True) as led, _progress(not as_json) as prog:
        rep = montecarlo_report(
            led,
            design,
            as_of=day,
            settings=settings,
            workers=workers,
            scheduler=scheduler,
            chunk_paths=chunk,
            progress=prog,
        )
    if as_json:
        _emit_json(rep.to_dict())
        return
    render_montecarlo(rep.to_dict(), out)
