"""``altsleeve value``, ``nav backtest`` and ``valuation test``: daily values of private holdings.

Thin: each calls :mod:`altsleeve.workflows.valuation`; documents come from
:mod:`altsleeve.views.valuation`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    _check_order,
    _check_recorded_by,
    _check_valuation_days,
    _emit_json,
    _parse_date,
    _parse_time,
    _progress,
    _too_early,
    app,
    nav_app,
    out,
    valuation_app,
)
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows import valuation as valuation_uc
from altsleeve.workflows.samplebook import read_flows
from altsleeve.workflows.valuation import (
    inputs_from_files,
    ledger_backtest_inputs,
    read_truth,
    run_valuation_test,
    value_holdings,
)


@nav_app.command("backtest")
def nav_backtest(
    db: DbOpt = DEFAULT_DB,
    holdings: Annotated[
        Path | None, typer.Option("--holdings", help="holding_id, asset_class, proxy[, ...].")
    ] = None,
    statements: Annotated[
        Path | None, typer.Option("--statements", help="holding_id, as_of, known_on, nav.")
    ] = None,
    cashflows: Annotated[
        Path | None, typer.Option("--cashflows", help="holding_id, date, kind, amount.")
    ] = None,
    proxies: Annotated[Path | None, typer.Option("--proxies", help="series, date, level.")] = None,
    truth: Annotated[
        Path | None, typer.Option("--truth", help="holding_id, date, value (synthetic books).")
    ] = None,
    flows: Annotated[
        Path | None,
        typer.Option(
            "--flows",
            help="date, flow: daily net flow as a fraction of the vehicle (default: the sample "
            "book's orders, else a steady 0.04%/day).",
        ),
    ] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day YYYY-MM-DD.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day YYYY-MM-DD.")] = None,
    method: Annotated[
        str, typer.Option("--method", help="Comma-separated: stale,proxy,nowcast,nowcast-ph.")
    ] = "stale,proxy,nowcast",
    proxy_beta: Annotated[
        str, typer.Option("--proxy-beta", help="Beta of the proxy method, or 'estimate'.")
    ] = "1.0",
    appraisal: Annotated[
        str,
        typer.Option(
            "--appraisal",
            help="The nowcasts' smoothing model: geltner, moving_average or auto.",
        ),
    ] = "geltner",
    out_dir: Annotated[Path, typer.Option("--out", help="Output folder.")] = Path(
        "backtest-output"
    ),
    as_json: JsonOpt = False,
) -> None:
    """Run every method strictly as of each business day; write estimates.csv and the scores."""
    _check_order(start, end, "--from", "--to")
    files = [holdings, statements, cashflows, proxies]
    truth_frame = flows_series = None
    with _progress(not as_json) as prog:
        if any(f is not None for f in files):
            if not all(f is not None for f in files):
                raise InputError(
                    [
                        Problem(
                            "<args>",
                            "--holdings, --statements, --cashflows and --proxies go together",
                            column="--holdings",
                        )
                    ]
                )
            assert holdings and statements and cashflows and proxies
            prog("reading and validating the input files", 0, 1)
            inputs = inputs_from_files(holdings, statements, cashflows, proxies)
        else:
            with Ledger(db, read_only=True) as led:
                inputs, truth_frame, flows_series = ledger_backtest_inputs(
                    led, with_truth=truth is None, with_flows=flows is None
                )
        days = inputs.calendar()
        if days.empty:
            raise InputError([Problem("<inputs>", "no prices of the holdings' proxy series")])
        if end and pd.Timestamp(end) < days[0]:
            raise _too_early("--to", end, "the first day with prices of the proxies", days[0])
        if truth is not None:
            truth_frame = read_truth(truth)
        if flows is not None:
            flows_series = read_flows(flows)
        res = valuation_uc.nav_backtest(
            inputs,
            [m.strip() for m in method.split(",") if m.strip()],
            out_dir,
            proxy_beta=proxy_beta,
            appraisal=appraisal,
            start=start,
            end=end,
            truth=truth_frame,
            flows=flows_series,
            progress=prog,
        )
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(
        f"{res.rows:,} estimates for {res.holdings} holdings written to {out_dir / 'estimates.csv'}"
    )
    if res.table is not None:
        _backtest_table(res.table)
    else:
        out.print("No truth given: estimates only (pass --truth to score them).")


def _backtest_table(table: Any) -> None:
    t = Table(title="Backtest against the truth (daily log error; truth is synthetic)")
    cols = [
        ("rmse", "RMSE", "{:.4f}"),
        ("mae", "MAE", "{:.4f}"),
        ("bias", "bias", "{:+.4f}"),
        ("coverage", "90% cover", "{:.1%}"),
        ("true_up_mean_abs", "true-up", "{:.4f}"),
        ("dilution_bp_per_year", "dilution bp/yr", "{:.1f}"),
    ]
    extra = [c for c in table.columns if c.startswith("rmse_20")]
    t.add_column("method")
    for _, head, _f in cols:
        t.add_column(head, justify="right")
    for c in extra:
        t.add_column(f"RMSE {c[5:]}", justify="right")
    for method, row in table.iterrows():
        cells = [str(method)]
        for key, _, fmt in cols:
            v = row.get(key)
            cells.append("n/a" if v is None or v != v else fmt.format(v))
        cells += [f"{row[c]:.4f}" for c in extra]
        t.add_row(*cells)
    out.print(t)


@app.command()
def value(
    db: DbOpt = DEFAULT_DB,
    date: Annotated[str | None, typer.Option("--date", help="One day YYYY-MM-DD.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First day.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last day.")] = None,
    method: Annotated[str, typer.Option("--method", help="Comma-separated methods.")] = "nowcast",
    as_recorded: Annotated[
        str | None,
        typer.Option("--as-recorded", help="Use only inputs recorded by this UTC time."),
    ] = None,
    appraisal: Annotated[
        str,
        typer.Option(
            "--appraisal",
            help="The nowcasts' smoothing model: geltner, moving_average or auto.",
        ),
    ] = "geltner",
    as_json: JsonOpt = False,
) -> None:
    """Value every holding on each business day and record it in the ledger (versioned)."""
    if date and (start or end):
        raise InputError(
            [Problem("<args>", "give --date or --from/--to, not both", column="--date")]
        )
    if not date and not (start and end):
        raise InputError(
            [Problem("<args>", "give --date D or both --from and --to", column="--date")]
        )
    first, last = (date, date) if date else (start, end)
    assert first and last
    first_opt, last_opt = ("--date", "--date") if date else ("--from", "--to")
    _check_order(first, last, first_opt, last_opt)
    rec = _parse_time(as_recorded, "--as-recorded") if as_recorded else None
    methods = [m.strip() for m in method.split(",") if m.strip()]
    with Ledger(db) as led, _progress(not as_json) as prog:
        _check_valuation_days(led, last, last_opt, rec)
        res = value_holdings(
            led, first, last, methods, recorded_at=rec, appraisal=appraisal, progress=prog
        )
    if as_json:
        _emit_json(res.to_dict())
        return
    for m, r in res.written.items():
        out.print(
            f"{m}: {r.new} new, {r.restated} restated (new versions), {r.unchanged} "
            f"unchanged daily values"
        )
    for m, v in res.last_day.items():
        out.print(f"{m}: private holdings valued at ${v / 1e6:,.1f}m on {last}")


@valuation_app.command("test")
def valuation_test_cmd(
    db: DbOpt = DEFAULT_DB,
    as_of: Annotated[str, typer.Option("--as-of", help="Knowledge date YYYY-MM-DD.")] = "",
    period: Annotated[
        str,
        typer.Option(
            "--period",
            help="Q (the quarter of --as-of), A (its year), YYYYQn or YYYY; ends by --as-of.",
        ),
    ] = "Q",
    policy: Annotated[
        Path | None,
        typer.Option("--policy", help="Committee policy TOML (default: the shipped sample)."),
    ] = None,
    recorded_by: Annotated[
        str | None,
        typer.Option("--recorded-by", help="Ignore what the ledger recorded after this UTC time."),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out", help="Folder for the CSV tables and board-summary.md/.html (and annual)."
        ),
    ] = None,
    annual: Annotated[
        bool,
        typer.Option("--annual", help="Also the annual assessment of --as-of's year (with --out)."),
    ] = False,
    record: Annotated[
        bool,
        typer.Option(
            "--record",
            help="Record the challenges as open exceptions (scope valuation), each once.",
        ),
    ] = False,
    per_holding: Annotated[
        bool,
        typer.Option(
            "--per-holding",
            help="Value the policy's nowcast classes with nowcast-ph (each holding's own "
            "parameters, listed per position).",
        ),
    ] = False,
    as_json: JsonOpt = False,
) -> None:
    """Valuation testing pack: every fair-valued position, back-test at arrival, challenges."""
    if not as_of:
        raise InputError([Problem("<args>", "give --as-of YYYY-MM-DD", column="--as-of")])
    day = _parse_date(as_of, "--as-of")
    if annual and out_dir is None:
        raise InputError([Problem("<args>", "--annual writes to --out DIR", column="--annual")])
    cutoff = _parse_time(recorded_by, "--recorded-by") if recorded_by else None
    with Ledger(db, read_only=not record) as led, _progress(not as_json) as prog:
        if cutoff is not None:
            _check_recorded_by(led, cutoff, "--recorded-by")
        _check_valuation_days(led, day.isoformat(), "--as-of", None)
        run_ = run_valuation_test(
            led,
            day,
            period,
            policy=policy,
            recorded_at=cutoff,
            per_holding=per_holding,
            annual=annual,
            record=record,
            progress=prog,
        )
    res, year, recorded = run_.pack, run_.annual, run_.recorded
    pack = res.to_dict()
    files: list[str] = []
    if out_dir is not None:
        from altsleeve.views.valuation import (
            write_documents,
            write_tables,
        )

        cmd = (
            f"altsleeve valuation test --as-of {day} --period {period}"
            + (f" --recorded-by {recorded_by}" if recorded_by else "")
            + (" --per-holding" if per_holding else "")
        )
        try:
            written = write_tables(pack, out_dir)
            written += write_documents(
                pack, out_dir, annual=None if year is None else year.to_dict(), command=cmd
            )
        except OSError as exc:
            raise InputError(
                [Problem(str(out_dir), f"cannot write the pack: {exc}", column="--out")]
            ) from None
        files = [str(f) for f in written]
        run_ = dataclasses.replace(run_, files=files)
    if as_json:
        _emit_json(run_.to_dict())
        return
    s = pack["summary"]
    t = Table(title=f"Fair-valued positions on {day} ({s['positions']}; every holding above zero)")
    for col in (
        "holding",
        "class",
        "method",
        "value",
        "band",
        "last mark",
        "days",
        "marks",
        "parameters",
    ):
        t.add_column(col)
    for r in pack["coverage"]:
        p = r["params"]
        ptxt = ", ".join(
            f"{k} {v:.3g}" if isinstance(v, float) else f"{k} {v}"
            for k, v in p.items()
            if k not in ("prior", "pooled")
        )
        t.add_row(
            r["holding_id"],
            r["asset_class"],
            r["method"],
            f"{r['value'] / 1e6:,.2f}m",
            f"{r['lower'] / 1e6:,.2f}-{r['upper'] / 1e6:,.2f}m",
            str(r["last_mark_as_of"] or "-"),
            str(r["days_since_mark"] if r["days_since_mark"] is not None else "-"),
            str(r["marks"]),
            escape(ptxt) or "-",
        )
    out.print(t)
    b = Table(title=f"Back-test at arrival, marks known {res.start}..{res.end} (log error)")
    for col in ("class", "marks", "bias", "median", "mean abs", "rms", "inside band"):
        b.add_column(col)

    def pc(x: Any) -> str:
        return "n/a" if x is None else f"{x:+.1%}"

    for r in (
        pack["bias_by_class"]
        + [{"asset_class": "by days since mark:", "n": ""}]
        + [{**r, "asset_class": r["days_since_mark"]} for r in pack["bias_by_days"]]
    ):
        if r["n"] == "":
            b.add_row(r["asset_class"], "", "", "", "", "", "")
            continue
        b.add_row(
            str(r["asset_class"]),
            str(r["n"]),
            pc(r["bias"]),
            pc(r["median"]),
            "n/a" if r["mae"] is None else f"{r['mae']:.1%}",
            "n/a" if r["rmse"] is None else f"{r['rmse']:.1%}",
            "n/a" if r["inside_band"] is None else f"{r['inside_band']:.0%}",
        )
    out.print(b)
    c = Table(title=f"Price challenges for the valuation committee ({len(pack['challenges'])})")
    for col in (
        "holding",
        "class",
        "mark as of",
        "known on",
        "mark",
        "daily value",
        "band",
        "error",
        "status",
        "reason",
    ):
        c.add_column(col)
    for r in pack["challenges"]:
        c.add_row(
            r["holding_id"],
            r["asset_class"],
            str(r["mark_as_of"]),
            str(r["known_on"]),
            f"{r['mark'] / 1e6:,.2f}m",
            f"{r['estimate'] / 1e6:,.2f}m",
            f"{r['lower'] / 1e6:,.2f}-{r['upper'] / 1e6:,.2f}m",
            pc(r["log_error"]),
            r["status"],
            r["reason"],
        )
    out.print(c)
    out.print(
        f"{s['positions']} positions, {s['marks_tested']} marks tested, {s['challenges']} "
        f"challenge(s), {s['failures']} failure(s)"
    )
    for f in pack["failures"]:
        if f["kind"] != "challenge":
            out.print(f"  {f['kind']}: {f['subject']}: {f['detail']}", markup=False)
    if recorded is not None:
        out.print(
            f"recorded {recorded['recorded']} challenge(s) as open exceptions (scope valuation); "
            f"{recorded['already']} already recorded (altsleeve exceptions list)"
        )
    for f in files:
        out.print(f"wrote {f}")
