"""The pacing plan as a chart (matplotlib): commitments per year and the projected private share.

Owns drawing a :class:`~altsleeve.pacing.PacingPlan` (chart) and the terminal tables of
``pacing plan``, ``calls`` and ``pacing backtest``. Must not compute a figure the results lack.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from altsleeve.pacing import (
    PacingPlan,
)
from altsleeve.views.notes import history_note
from altsleeve.workflows.pacing import CallsCalendar, PacingBacktestResult, PacingPlanResult


def plan_chart(plan: PacingPlan, path: Path, title: str) -> Path:
    """Draw the plan (private share bands, target, band, maximum; commitments) to PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    share = plan.share
    fig, (ax, bx) = plt.subplots(
        2, 1, figsize=(10, 7), sharex=False, gridspec_kw={"height_ratios": [3, 1]}
    )
    x = share.index
    ax.fill_between(x, share["q05"], share["q95"], alpha=0.2, color="C0", label="5-95%")
    ax.fill_between(x, share["q25"], share["q75"], alpha=0.35, color="C0", label="25-75%")
    ax.plot(x, share["q50"], color="C0", label="median with plan")
    ax.plot(x, share["median_no_plan"], color="0.5", ls=":", label="median, no new commitment")
    ax.plot(x, share["target"], color="k", label="target")
    ax.plot(x, share["lower"], color="k", ls="--", lw=0.8, label="band")
    ax.plot(x, share["max"], color="C3", ls="--", label="maximum")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("private share of net assets")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=3)
    by_year = plan.commitments.pivot_table(
        index="year", columns="asset_class", values="commitment", aggfunc="sum"
    )
    (by_year / 1e6).plot(kind="bar", stacked=True, ax=bx, width=0.8)
    bx.set_ylabel("commitments ($m)")
    bx.set_xlabel("plan year")
    bx.legend(fontsize=7, ncol=5)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def plan_tables(res: PacingPlanResult, console: Console) -> None:
    """The recommended commitments per year and class and the projected outcome (medians)."""
    console.print(
        f"{res.vehicle} as of {res.as_of}: net assets ${res.net_assets / 1e6:,.1f}m, "
        f"{res.holdings} private holdings "
        f"(NAV known ${res.private_nav_known / 1e6:,.1f}m, unfunded "
        f"${res.unfunded_known / 1e6:,.1f}m), net flow {res.net_flow_rate:+.1%} a year"
    )
    t = Table(title="Recommended commitments ($m) and projected outcome (medians over paths)")
    rows = res.plan.commitments.to_dict(orient="records")
    classes = list(dict.fromkeys(str(c["asset_class"]) for c in rows))
    by_cell = {(c["year"], str(c["asset_class"])): float(c["commitment"]) for c in rows}
    for c in ["year", *classes, "total", "share", "target", "P(>max)", "overcommit", "unf/liq"]:
        t.add_column(c, justify="right")
    for r in res.plan.yearly.to_dict(orient="records"):
        t.add_row(
            f"{r['year']} ({pd.Timestamp(r['year_end']).year})",
            *(f"{by_cell.get((r['year'], c), 0.0) / 1e6:,.1f}" for c in classes),
            f"{r['commitment'] / 1e6:,.1f}",
            f"{r['median_share']:.1%}",
            f"{r['target']:.1%}",
            f"{r['p_above_max']:.0%}",
            f"{r['overcommitment_ratio']:.2f}",
            f"{r['unfunded_to_liquid_median']:.1%}",
        )
    console.print(t)
    note = history_note(res.history)
    if note:
        console.print(note, markup=False)


def calls_tables(cal: CallsCalendar, console: Console, *, top: int = 10) -> None:
    """The sleeve's flows by window, the notices, and the ``top`` holdings' expected calls."""
    any_notice = bool(cal.noticed)
    t = Table(
        title=f"Private sleeve cash flows after {cal.as_of} ($m; ranges over {cal.paths} paths)"
    )
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
    console.print(t)
    if any_notice:
        t3 = Table(
            title=f"Noticed by the GPs on or before {cal.as_of}, dated after it (certain, $m)"
        )
        for c in ("holding", "kind", "date", "amount", "known on"):
            t3.add_column(c, justify="left" if c in ("holding", "kind") else "right")
        for n in sorted(cal.noticed, key=lambda x: (x["holding_id"], x["date"], x["kind"])):
            t3.add_row(
                str(n["holding_id"]),
                str(n["kind"]),
                str(n["date"]),
                f"{float(n['amount']) / 1e6:,.2f}",
                str(n["known_on"]),
            )
        console.print(t3)
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
        console.print(t2)
    console.print(
        "Noticed: known on the date and dated after it, counted in full in each window holding "
        "its date; each holding's projected flows in a window are reduced by its notices there "
        "(floored at zero), so nothing is counted twice (docs/pacing.md).",
        markup=False,
    )
    note = history_note(cal.history)
    if note:
        console.print(note, markup=False)


def backtest_table(res: PacingBacktestResult, vehicle: str, console: Console) -> None:
    """The planner and the constant plans side by side."""
    t = Table(
        title=f"{vehicle}: pacing backtest {res.start_year}-2018 on the SYNTHETIC sample book "
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
    for r in res.strategies:
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
    console.print(t)
