"""Stress tests as terminal tables (rich): scenario summaries, months, buffer sizing, Monte Carlo.

Owns drawing what :mod:`altsleeve.workflows.stress` and
:mod:`altsleeve.workflows.stress_montecarlo` return. Must not compute a figure the results lack.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

from altsleeve.liquidity import StressResult
from altsleeve.views.notes import history_note
from altsleeve.workflows.stress import BufferSizing, ScenarioList, ScenarioRun, StressReport


def summary_table(
    results: Sequence[StressResult], console: Console, *, synthetic: bool = True
) -> None:
    """The scenarios side by side: what happened to the vehicle in each."""
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
    console.print(t)


def monthly_table(run: ScenarioRun, console: Console) -> None:
    """One scenario month by month (:func:`~altsleeve.workflows.stress.monthly`)."""
    t = Table(title=f"{run.result.scenario}: month by month ($m; shares of net assets)")
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
    for r in run.monthly.to_dict(orient="records"):
        t.add_row(
            str(r["month"]),
            f"{100 * r['private_share_end']:.1f}%",
            f"{100 * r['private_share_peak']:.1f}%",
            f"{100 * r['cash_share_low']:.1f}%",
            f"{int(r['days_above_cap'])}",
            f"{r['calls'] / 1e6:,.1f}",
            f"{r['distributions'] / 1e6:,.1f}",
            f"{r['redemptions'] / 1e6:,.1f}",
            f"{r['forced_liquid_sales'] / 1e6:,.1f}",
            f"{r['secondary_sold'] / 1e6:,.1f}",
            f"{r['unrebalanced_max'] / 1e6:,.1f}",
        )
    console.print(t)


def render_stress(rep: StressReport, console: Console, *, monthly: bool = True) -> None:
    """``altsleeve stress``: each run's path, the summary table and (``monthly``) its months."""
    from altsleeve.marketdata import PRIVATE_GROWTH_TYPE, long_history

    for r in rep.runs:
        console.print(f"[bold]{r.title or r.result.scenario}[/bold]: {r.result.design['path']}")
    if rep.equity_shocked:
        moved = ", ".join(rep.equity_shock_moves) or "none (no sleeve of asset type equity)"
        console.print(
            f"Equity shocks move the vehicle's equity sleeves' series: {moved}", markup=False
        )
    summary_table([r.result for r in rep.runs], console, synthetic=rep.synthetic)
    if monthly:
        for r in rep.runs:
            monthly_table(r, console)
    if rep.history:
        console.print(
            "Projection base: flat markets; the private book follows its expected path from its "
            f"state, its growth linked to {long_history(PRIVATE_GROWTH_TYPE).label} at that "
            "history's mean.",
            markup=False,
        )


def scenario_list_table(scenarios: ScenarioList, console: Console) -> None:
    """The built-in stress scenarios."""
    t = Table(title="Built-in stress scenarios")
    for c in ("id", "base", "shocks", "title"):
        t.add_column(c)
    for r in scenarios.scenarios:
        t.add_row(r.id, r.base, ", ".join(r.shocks) or "-", r.title)
    console.print(t)


def sizing_tables(sizing: BufferSizing, console: Console) -> None:
    """What the buffer search found and the designs it tried."""
    what = " and ".join(sizing.sizing.criteria)
    start = (
        "the book as it is"
        if sizing.private_share_start is None
        else f"{100 * sizing.private_share_start:.1f}%"
    )
    if sizing.sizing.buffer is None:
        console.print(
            f"No liquid buffer up to {100 * sizing.sizing.hi:.0f}% avoids {what} in "
            f"{', '.join(sizing.scenarios)} with the private sleeve at {start}."
        )
    else:
        console.print(
            f"Smallest liquid buffer avoiding {what} in {', '.join(sizing.scenarios)} "
            f"(private sleeve at {start}): [bold]{100 * sizing.sizing.buffer:.2f}%[/bold] "
            "of net assets"
        )
    at = sizing.sizing.hi if sizing.sizing.buffer is None else sizing.sizing.buffer
    if sizing.sizing.private_share is None:
        console.print(f"No starting private share survives at a {100 * at:.2f}% buffer.")
    else:
        console.print(
            f"Largest starting private share that survives at a {100 * at:.2f}% buffer: "
            f"[bold]{100 * sizing.sizing.private_share:.2f}%[/bold] (cap "
            f"{100 * sizing.private_max:.0f}%; search precision "
            f"{100 * sizing.sizing.tolerance:.2f} pt)"
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
    for r in sizing.sizing.trials.to_dict(orient="records"):
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
    console.print(t)


def _mc_pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def render_montecarlo(s: dict[str, Any], console: Console) -> None:
    """The Monte Carlo's start, flows, markets and its probabilities by horizon (``to_dict()``)."""
    st, fl, mk = s["start"], s["flows"], s["market"]
    liquid, cash = st["liquid_sleeves"], st["cash"]
    na = st["net_assets"]
    console.print(
        f"[bold]{s['label']}[/bold]: net assets ${na / 1e6:,.1f}m; private "
        f"${st['private'] / 1e6:,.1f}m ({_mc_pct(st['private_share'])}, cap "
        f"{_mc_pct(st['private_max'])}), cash ${cash / 1e6:,.1f}m "
        f"({_mc_pct(st['cash_share'])}), liquid "
        f"sleeves ${liquid / 1e6:,.1f}m; unfunded ${st['unfunded'] / 1e6:,.1f}m in "
        f"{st['holdings']} holdings"
    )
    console.print(
        f"Flows a year: contributions {_mc_pct(fl['contribution_rate'])}, redemptions "
        f"{_mc_pct(fl['redemption_rate'])} (x{fl['stress_multiplier']:g} in a quarter whose "
        f"equity return is below {_mc_pct(fl['stress_threshold'])}: "
        f"{_mc_pct(fl['stress_quarter_share'])} of simulated quarters), plan withdrawals "
        f"{fl['withdrawal_rate']:g} a year of {_mc_pct(fl['withdrawal_min'])}-"
        f"{_mc_pct(fl['withdrawal_max'])}, fees {1e4 * st['fee_rate']:.0f} bp. {fl['source']}."
    )
    console.print(
        f"Markets: stationary bootstrap (mean block {mk['block_quarters']:g} quarters) of "
        f"{mk['source_quarters']} real quarters {mk['source_start']}..{mk['source_end']}. "
        f"{s['paths']:,} paths x {s['years']} years, quarterly to {s['last_quarter_end']}, seed "
        f"{s['seed']}."
    )
    note = history_note(s["provenance"].get("history", {}))
    if note:
        console.print(note, markup=False)
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
    console.print(t)
    sec = s["secondary_sales"]
    console.print(
        "shortfall: the quarter's net outflow exceeds cash plus the liquid sleeves; buffer "
        "exhausted: it exceeds the cash sleeve (liquid sleeves sold outside a rebalance); cap "
        "breach: private share above the cap at a quarter end. Paths with a secondary sale "
        f"after a shortfall: {sec['paths']:,}; with redemptions left unpaid: "
        f"{sec['paths_unpaid']:,}. The private book runs off (no new commitments)."
    )
