"""The SEC Rule 22e-4 liquidity profile as terminal tables (rich).

Owns drawing a :class:`~altsleeve.liquidity.LiquidityProfile` (``altsleeve liquidity``): its
buckets, limits, coverage of stressed needs, noticed calls and positions. Must not compute a
figure the profile lacks.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from altsleeve.liquidity import LiquidityProfile
from altsleeve.views.notes import history_note


def _signed_m(dollars: float) -> str:
    return f"{'-' if dollars < 0 else '+'}${abs(dollars) / 1e6:,.1f}m"


def render_profile(prof: LiquidityProfile, console: Console) -> None:
    """The profile's tables: buckets, limits, coverage, notices, positions, and its notes."""
    src, lim, unf, a = prof.sources, prof.limits, prof.unfunded, prof.assumptions
    na = prof.net_assets
    strike_ = src.get("strike", {})
    console.print(
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
    console.print(t)
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
        f"{lim['highly_liquid_headroom']:+.2%} ({_signed_m(lim['highly_liquid_surplus'])})",
        "[red]BREACH[/red]" if lim["highly_liquid_breach"] else "ok",
    )
    t.add_row(
        "unfunded commitments",
        f"${unf['dollars'] / 1e6:,.1f}m ({unf['share_of_net_assets']:.2%})",
        "",
        f"{unf['over_highly_liquid']:.2%} of highly liquid",
        f"{unf['holdings']} funds",
    )
    console.print(t)
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
    console.print(t)
    notices = src.get("noticed_calls", [])
    if notices:
        t = Table(title="Capital calls noticed by the GPs, dated within the horizons (certain)")
        for c in ("holding", "date", "$m", "known on"):
            t.add_column(c, justify="left" if c == "holding" else "right")
        for n in notices:
            t.add_row(n["holding_id"], n["date"], f"{n['amount'] / 1e6:,.2f}", n["known_on"])
        console.print(t)
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

    def _type(r: dict[Any, Any]) -> str:
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
    console.print(t)
    for kind, terms in dict(zip(pos["vehicle_type"], pos["terms"], strict=True)).items():
        if kind:
            console.print(f"  {kind}: {terms}", markup=False)
    red = src.get("redemptions", {})
    later = src.get("later_vintages_left_out", {})
    avg_na = red.get("average_net_assets", 0.0)
    console.print(
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
    note = history_note(src.get("calls", {}).get("history", {}))
    if note:
        console.print(note, markup=False)
