"""``altsleeve demo``: the whole pipeline on the SYNTHETIC sample book, step by step.

Thin: calls :func:`altsleeve.workflows.demo.run_demo` and prints its result.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
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
from altsleeve.cli.report import (
    _write_evidence,
)
from altsleeve.cli.valuation import (
    _backtest_table,
)
from altsleeve.common.progress import ProgressFn
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import (
    Ledger,
)
from altsleeve.performance import max_drawdown
from altsleeve.valuation._metrics import report_table
from altsleeve.workflows import pit
from altsleeve.workflows.fund import (
    dilution_report,
    record_breaches,
    strike_range,
)
from altsleeve.workflows.marketdata import load_market_data
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.samplebook import (
    book_summary,
    build_sample_book,
    sample_book_flows,
)
from altsleeve.workflows.valuation import (
    make_valuers,
    run_backtest,
    write_valuations,
)


@app.command()
def demo(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the demo's ledger.")] = Path(
        "demo-output"
    ),
    seed: Annotated[int, typer.Option("--seed", help="Sample book seed.")] = 2045,
    as_json: JsonOpt = False,
) -> None:
    """The whole pipeline on the sample book, from a fresh ledger, step by step."""
    started = time.perf_counter()
    # 1. A fresh ledger in the output folder.
    out_dir.mkdir(parents=True, exist_ok=True)
    db = out_dir / "altsleeve.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    with Ledger(db, create=True) as led, _progress(not as_json) as prog:
        # 2. Real public-market history from arch's data files.
        market = load_market_data(led, prog)
        # 3. The synthetic sample book, driven by those real paths.
        book = build_sample_book(led, seed, prog)
        # 4. What the book looked like on the last day of the data.
        summary = book_summary(led, dt.date(2018, 12, 31))
        # 5. Daily NAV: every method strictly as of each business day, scored against the truth.
        backtest = run_backtest(
            inputs_from_ledger(led),
            make_valuers(["stale", "proxy", "nowcast"]),
            truth=led.synthetic_truth()[["holding_id", "date", "value"]],
            flows=sample_book_flows(led),
            progress=prog,
        )
        # 6. The operations step: record December 2018's nowcast values in the ledger.
        recorded = write_valuations(led, "2018-12-03", "2018-12-31", ["nowcast"], progress=prog)
        # 7. Fund accounting: strike the vehicle's unit price every business day, 1999-2018.
        vehicle = Vehicle.from_toml(sample_vehicle_path())
        struck = strike_range(led, vehicle, None, "2018-12-31", progress=prog)
        nav_path = _nav_path_summary(pit.strikes(led, vehicle.vehicle.id))
        breaches = record_breaches(led, vehicle.vehicle.id)
        # 8. Dilution: wealth moved between trading and staying participants, per method.
        dil = dilution_report(led, vehicle, progress=prog)
        # 9. Liquidity stress: the 2008-09 replay, the book as it is and at its 10% target
        #    with a 5% and a 20% liquid buffer.
        stress_2008 = _demo_stress(led, vehicle, prog)
        # 10. Fees: the sample vehicle's fee stack, gross to net, and the break-even excess
        #     return the sleeve needs over its benchmark.
        prog("fee stack and break-even", 0, 1)
        fee_report = _demo_fees()
        prog("fee stack and break-even", 1, 1)
        # 11. Participant outcomes: savers' real wealth at 65 with and without the sleeve.
        outcomes_report = _demo_outcomes(out_dir / "outcomes", prog)
        # 12. Check the audit chain end to end.
        check = led.verify(prog)
        # 13. The fiduciary evidence file for the committee, as known on 2018-12-31.
        evidence = _write_evidence(
            led,
            db,
            vehicle.vehicle.id,
            _sample_policy(),
            dt.date(2018, 12, 31),
            None,
            None,
            None,
            10_000,
            2045,
            out_dir / "evidence",
            True,
            prog,
        )
    result = {
        "ledger": str(db),
        "market_series": len(market.series),
        "book_id": book.book_id,
        "synthetic_note": book.description,
        "ledger_ok": check.ok,
        "head_hash": check.head_hash,
        "summary": summary,
        "backtest": backtest.report,
        "valuations_recorded": recorded["nowcast"].written,
        "strike": {"days": struck.days, "first": struck.first, "last": struck.last},
        "nav_path": nav_path,
        "limit_breaches": {
            str(k): int(v) for k, v in breaches.groupby("limit_name").size().items()
        },
        "dilution": dil,
        "stress_2008": stress_2008,
        "fees": fee_report,
        "outcomes": outcomes_report,
        "evidence": evidence,
        "seconds": round(time.perf_counter() - started, 1),
    }
    (out_dir / "summary.json").write_text(_json_text(result))
    if as_json:
        _emit_json(result)
        return
    _print_demo(result)


def _sample_policy() -> Path:
    from altsleeve.report import sample_policy_path

    return sample_policy_path()


def _demo_fees() -> dict[str, Any]:
    """The sample vehicle's fee stack and break-even (``altsleeve.fees.sample_fee_report``)."""
    from altsleeve.fees import sample_fee_report

    return sample_fee_report()


def _demo_outcomes(out_dir: Path, prog: ProgressFn) -> dict[str, Any]:
    """Savers' outcomes for the demo: 10,000 paths per cohort in process, charts in ``out_dir``."""
    from altsleeve.views.outcomes import write_outputs
    from altsleeve.workflows.outcomes import (
        load_inputs,
        prepare_inputs,
        result_json,
        simulate,
    )

    inputs = load_inputs()
    how = inputs.params.private.funding
    prep = prepare_inputs(inputs, 2045, how)
    result = simulate(prep, 10_000, workers=0, progress=prog)
    payload = result_json(inputs, prep, result, n_paths=10_000, seed=2045, funding=how)
    prog(f"participant outcomes: charts to {out_dir}", 0, 1)
    write_outputs(payload, result, out_dir)
    return {**payload, "folder": str(out_dir)}


def _demo_stress(led: Ledger, vehicle: Vehicle, prog: ProgressFn) -> list[dict[str, Any]]:
    """The 2008-09 replay for the demo: the book as it is, then 10% private with 5% / 20% cash."""
    from altsleeve.liquidity import Design, load_scenario, run_stress
    from altsleeve.workflows.stress import prepare

    scenario = load_scenario("gfc-2008-09")
    run_ = prepare(led, vehicle, [scenario], prog)
    path = run_.paths[scenario.id]
    out_rows = []
    designs = (
        ("book as it is, 2% cash", Design(vehicle)),
        ("10% private, 5% buffer", Design(vehicle, buffer=0.05, private_share=0.10)),
        ("10% private, 20% buffer", Design(vehicle, buffer=0.20, private_share=0.10)),
    )
    for k, (label, design) in enumerate(designs, start=1):
        prog(f"2008-09 stress replay: {label}", k, len(designs))
        out_rows.append({"design": label, **run_stress(design, path, scenario).summary})
    return out_rows


def _nav_path_summary(strikes: Any) -> dict[str, Any]:
    """Year-end NAV per unit, the annualised return and the worst drawdown of a strike history.

    The annualised return is ``(last / first) ^ (365 / days) - 1`` (ACT/365F), the day count of
    every rate in :mod:`altsleeve.performance`.
    """
    if strikes.empty:
        return {}
    s = strikes.set_index(pd.DatetimeIndex(strikes["date"]))
    nav = s["nav_per_unit"].astype(float)
    comps = [json.loads(c) for c in s["components"]]
    share = pd.Series([c.get("weight_private", 0.0) for c in comps], index=s.index)
    year_end = nav.groupby(nav.index.year).tail(1)
    rows = []
    prev = float(nav.iloc[0])
    for day, v in year_end.items():
        rows.append(
            {
                "year": str(pd.Timestamp(day).year),
                "nav": float(v),
                "return": float(v) / prev - 1,
                "net_assets": float(s.loc[day, "net_assets"]),
                "private_share": float(share.loc[day]),
            }
        )
        prev = float(v)
    years = (nav.index[-1] - nav.index[0]).days / 365.0  # ACT/365F, as altsleeve.performance
    return {
        "first_nav": float(nav.iloc[0]),
        "last_nav": float(nav.iloc[-1]),
        "annualised": float((nav.iloc[-1] / nav.iloc[0]) ** (1 / years) - 1),
        "max_drawdown": max_drawdown(nav.to_numpy()),
        "year_ends": rows,
    }


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
