"""``altsleeve liquidity`` and ``stress``: the Rule 22e-4 profile, stress replays and Monte Carlo.

Thin: each calls :mod:`altsleeve.workflows.liquidity`, :mod:`altsleeve.workflows.stress` or
:mod:`altsleeve.workflows.stress_montecarlo`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.table import Table

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
    _history_line,
    _json_text,
    _parse_date,
    _progress,
    _settings,
    _vehicle,
    app,
    out,
    stress_app,
)
from altsleeve.common.jsonvalues import plain
from altsleeve.errors import InputError, Problem
from altsleeve.fund import (
    Vehicle,
)
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)


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
