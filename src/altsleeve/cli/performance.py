"""``altsleeve perf``: IRR, multiples and public-market equivalents of the funds.

Thin: calls :mod:`altsleeve.workflows.performance`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    VehicleOpt,
    _emit_json,
    _parse_date,
    _vehicle,
    app,
    out,
)
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    DEFAULT_DB,
)


@app.command()
def perf(
    cashflows: Annotated[
        Path | None,
        typer.Option(
            "--cashflows",
            help="CSV or Parquet: fund_id, date, kind (call|distribution|nav), amount ($ >= 0).",
        ),
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="CSV or Parquet: date, level.")
    ] = None,
    index_series: Annotated[
        str | None,
        typer.Option("--index-series", help="Index series of the ledger's prices (FF_MKT_TR)."),
    ] = None,
    from_ledger: Annotated[
        bool,
        typer.Option("--from-ledger", help="Measure the ledger's book instead of --cashflows."),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Knowledge date of the ledger reads, YYYY-MM-DD (with --from-ledger, default: "
            "the vehicle's last strike).",
        ),
    ] = None,
    vehicle: VehicleOpt = None,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Fund performance: IRR, TVPI, DPI, RVPI, public-market equivalents (KS, LN, PME+, alpha)."""
    from altsleeve.performance import (
        performance_table,
        pooled_cashflows,
        sleeve_series,
        time_weighted_return,
    )
    from altsleeve.workflows.performance import perf_inputs

    day = _parse_date(as_of, "--as-of") if as_of else None
    inp = perf_inputs(
        cashflows=cashflows,
        index=index,
        index_series=index_series,
        from_ledger=from_ledger,
        db=db,
        as_of=day,
        vehicle_id=_vehicle(db, vehicle).vehicle.id if from_ledger and day is None else None,
    )
    try:
        table = performance_table(inp.cashflows, inp.index)
    except ValueError as exc:
        raise InputError([Problem(inp.source, str(exc))]) from None
    keys = ("irr", "tvpi", "dpi", "rvpi", "ks_pme", "ln_pme", "pme_plus", "direct_alpha")
    if as_json:
        _emit_json(
            [
                {"fund_id": r["fund_id"]} | {k: None if r[k] != r[k] else float(r[k]) for k in keys}
                for r in table.to_dict(orient="records")
            ]
        )
        return
    pooled = performance_table(pooled_cashflows(inp.cashflows), inp.index)
    rows = [*table.to_dict(orient="records"), *pooled.to_dict(orient="records")]

    def pct(x: float) -> str:
        return "n/a" if x != x else f"{x:.1%}"

    def mult(x: float) -> str:
        return "n/a" if x != x else f"{x:.2f}x"

    t = Table(title=f"Fund performance to each fund's end date ({inp.source})")
    for c in ("fund", "from", "to", "paid $m", "dist $m", "NAV $m", "IRR", "TVPI"):
        t.add_column(c, justify="left" if c == "fund" else "right")
    for c in ("DPI", "RVPI", "KS-PME", "LN-PME", "PME+", "Direct α"):
        t.add_column(c, justify="right")
    for i, r in enumerate(rows):
        t.add_row(
            "pooled" if i == len(table) else str(r["fund_id"]),
            f"{r['start']:%Y-%m}",
            f"{r['end']:%Y-%m}",
            f"{r['pic'] / 1e6:,.1f}",
            f"{r['distributed'] / 1e6:,.1f}",
            f"{r['nav'] / 1e6:,.1f}",
            pct(r["irr"]),
            mult(r["tvpi"]),
            mult(r["dpi"]),
            mult(r["rvpi"]),
            "n/a" if r["ks_pme"] != r["ks_pme"] else f"{r['ks_pme']:.2f}",
            pct(r["ln_pme"]),
            pct(r["pme_plus"]),
            "n/a" if r["direct_alpha"] != r["direct_alpha"] else f"{r['direct_alpha']:+.1%}",
            end_section=i == len(table) - 1,
        )
    out.print(t)
    if inp.index is not None:
        out.print(
            f"Index: {inp.index_name}. KS-PME above 1 and Direct α above 0 mean the fund beat "
            "the index; LN-PME and PME+ are the IRRs of the index on the fund's own flows, to "
            "compare with its IRR."
        )
    else:
        out.print("No index given (--index or --index-series): public-market equivalents n/a.")
    out.print(
        "Rates are a year, compounded annually over ACT/365F days (pyxirr's XIRR). Pooled: all "
        "funds as one; a fund that ends early leaves at its NAV. $m: millions of dollars."
    )
    try:
        twr = time_weighted_return(*sleeve_series(inp.cashflows))
    except ValueError as exc:
        out.print(f"Sleeve time-weighted return: n/a ({exc}).")
    else:
        p = twr.periods
        how = "exact" if twr.method == "exact" else "chain-linked Modified Dietz"
        out.print(
            f"Sleeve time-weighted return {p['start'].iloc[0]:%Y-%m-%d} to "
            f"{p['end'].iloc[-1]:%Y-%m-%d}: {twr.annualised:+.2%} a year "
            f"({twr.cumulative:+.1%} in all; {how} over {len(p)} periods between NAV dates, "
            "NAVs rolled forward with cash between statements)."
        )
    for note in inp.notes:
        out.print(f"Note: {note}.")
