"""``altsleeve perf``: IRR, multiples and public-market equivalents of the funds.

Thin: calls :func:`altsleeve.workflows.performance.performance` and prints its ``to_dict()`` or
draws it with :mod:`altsleeve.views.performance`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
    from altsleeve.views.performance import render_performance
    from altsleeve.workflows.performance import performance

    day = _parse_date(as_of, "--as-of") if as_of else None
    res = performance(
        cashflows=cashflows,
        index=index,
        index_series=index_series,
        from_ledger=from_ledger,
        db=db,
        as_of=day,
        vehicle_id=_vehicle(db, vehicle).vehicle.id if from_ledger and day is None else None,
    )
    if as_json:
        _emit_json(res.to_dict())
        return
    render_performance(res, out)
