"""``altsleeve marketdata`` and ``sample``: real market history and the SYNTHETIC sample book.

Thin: each calls :mod:`altsleeve.workflows.marketdata` or :mod:`altsleeve.workflows.samplebook`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from altsleeve.cli._app import (
    DbOpt,
    JsonOpt,
    _emit_json,
    _progress,
    app,
    marketdata_app,
    out,
)
from altsleeve.ledger import (
    DEFAULT_DB,
    Ledger,
)
from altsleeve.workflows.marketdata import list_series, load_market_data, register_series
from altsleeve.workflows.samplebook import (
    build_sample_book,
)


# -- market data -------------------------------------------------------------------------------
@marketdata_app.command("load")
def marketdata_load(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Load arch's S&P 500, NASDAQ, Fama-French, AAA/BAA and core CPI data, plus derived indices."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        res = load_market_data(led, prog)
    if as_json:
        _emit_json(res.to_dict())
        return
    _series_table(res.series, f"Market data in {db} ({res.rows_written} rows written)")


@marketdata_app.command("register")
def marketdata_register(
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV/Parquet: series, description, unit, frequency, asset_type"
            "[, move_tolerance, source]."
        ),
    ],
    db: DbOpt = DEFAULT_DB,
    restate: Annotated[
        bool, typer.Option("--restate", help="Record changed metadata as new versions.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (kept in the audit log).")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Register your own price series (what each is, its unit, frequency and tolerance)."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        res = register_series(led, file, restate=restate, reason=reason, progress=prog)
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(
        f"{file}: {res.new} series registered, {res.restated} restated, "
        f"{res.unchanged} unchanged (see `altsleeve marketdata list`)"
    )


@marketdata_app.command("list")
def marketdata_list(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """List the price series in the ledger with their provenance."""
    with Ledger(db, read_only=True) as led:
        res = list_series(led)
    if as_json:
        _emit_json(res.to_dict())
        return
    _series_table(res.rows, f"Price series in {db}")


def _series_table(rows: Sequence[dict[str, Any]], title: str) -> None:
    t = Table(title=title)
    cols = ("series_id", "asset_type", "unit", "frequency", "first", "last", "rows", "description")
    for c in cols:
        t.add_column(c, justify="right" if c == "rows" else "left", overflow="fold")
    for r in rows:
        cells = {c: str(r.get(c, "") or "") for c in cols}
        # the first sentence of the description (--json has all of it)
        first = re.split(r"(?<=[.;])\s", cells["description"], maxsplit=1)[0]
        cells["description"] = first.removesuffix(";")
        t.add_row(*(cells[c] for c in cols))
    out.print(t)


# -- sample book -------------------------------------------------------------------------------
@app.command()
def sample(
    seed: Annotated[int, typer.Option("--seed", help="Random seed; same seed, same book.")] = 2045,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Build the SYNTHETIC sample book (private funds driven by real index paths)."""
    with Ledger(db) as led, _progress(not as_json) as prog:
        res = build_sample_book(led, seed, prog)
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(f"[bold]{res.book_id}[/bold] (seed {seed}): {res.description}")
    t = Table(title="Rows recorded")
    t.add_column("table")
    t.add_column("written", justify="right")
    t.add_column("already there", justify="right")
    for k, v in res.results.items():
        t.add_row(k, str(v.written), str(v.unchanged))
    out.print(t)
