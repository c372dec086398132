"""``altsleeve demo``: the whole pipeline on the SYNTHETIC sample book, step by step.

Thin: calls :func:`altsleeve.workflows.demo.run_demo` and prints its result.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from altsleeve.cli._app import (
    JsonOpt,
    _emit_json,
    _json_text,
    _progress,
    app,
    out,
)
from altsleeve.cli.fund import (
    _dilution_table,
)
from altsleeve.cli.valuation import (
    _backtest_table,
)
from altsleeve.valuation._metrics import report_table
from altsleeve.views.demo import write_documents
from altsleeve.workflows.demo import run_demo


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's ledger.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Sample book seed.")] = 2045,
    as_json: JsonOpt = False,
) -> None:
    """The whole pipeline on the sample book, from a fresh ledger, step by step."""
    with _progress(not as_json) as prog:
        result = write_documents(run_demo(out_dir, seed, prog), prog)
    (out_dir / "summary.json").write_text(_json_text(result.to_dict()))
    if as_json:
        _emit_json(result.to_dict())
        return
    _print_demo(result.to_dict())


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
