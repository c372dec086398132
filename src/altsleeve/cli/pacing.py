"""``altsleeve pacing plan``, ``pacing backtest`` and ``calls``: commitments and the calls calendar.

Thin: each calls :mod:`altsleeve.workflows.pacing`; the chart comes from
:mod:`altsleeve.views.pacing`.
"""

from __future__ import annotations

import dataclasses
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
    SeedOpt,
    VehicleFileOpt,
    VehicleOpt,
    _as_of_day,
    _emit_json,
    _file_vehicle,
    _history_line,
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
from altsleeve.marketdata import SERIES_IDS, arch_levels
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
