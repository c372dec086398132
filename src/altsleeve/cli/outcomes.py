"""``altsleeve outcomes``: savers' wealth at retirement with and without the sleeve.

Thin: calls :func:`altsleeve.workflows.outcomes.savers_outcomes` and prints its ``to_dict()``;
tables and charts from :mod:`altsleeve.views.outcomes`.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from altsleeve.cli._app import (
    JsonOpt,
    SchedulerOpt,
    VehicleFileOpt,
    WorkersOpt,
    _emit_json,
    _progress,
    app,
    out,
)
from altsleeve.errors import InputError, Problem


# -- participant outcomes ----------------------------------------------------------------------
class Funding(StrEnum):
    """Where the sleeve's weight comes from (``altsleeve outcomes --funding``)."""

    equity = "equity"
    bonds = "bonds"
    both = "both"


@app.command()
def outcomes(
    vehicle: VehicleFileOpt = None,
    params: Annotated[
        Path | None,
        typer.Option("--params", help="Outcomes parameter TOML (default: the shipped defaults)."),
    ] = None,
    fee_stack: Annotated[
        Path | None,
        typer.Option("--fee-stack", help="Fee stack TOML (default: the parameter file's)."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Use the history known on YYYY-MM-DD (default: all)."),
    ] = None,
    paths: Annotated[int, typer.Option("--paths", help="Savers' paths per cohort.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Root seed (same seed, same result).")] = 0,
    funding: Annotated[
        Funding | None,
        typer.Option("--funding", help="Fund the sleeve from equity, bonds or both (pro rata)."),
    ] = None,
    workers: WorkersOpt = None,
    scheduler: SchedulerOpt = None,
    chunk: Annotated[
        int | None,
        typer.Option("--chunk", help="Paths per Dask task (whole blocks; default one block)."),
    ] = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="Folder for outcomes.json and the charts.")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Savers' real wealth at retirement with and without the private sleeve (Monte Carlo)."""
    from altsleeve.views.outcomes import (
        render,
        write_outputs,
    )
    from altsleeve.workflows.outcomes import savers_outcomes

    if chunk is not None and chunk < 1:
        raise InputError([Problem("<args>", "--chunk must be at least 1", column="--chunk")])
    with _progress(not as_json) as prog:
        res = savers_outcomes(
            vehicle,
            params,
            fee_stack,
            as_of,
            paths=paths,
            seed=seed,
            funding=funding.value if funding is not None else None,
            workers=workers,
            scheduler=scheduler,
            chunk_paths=chunk,
            progress=prog,
        )
        files = []
        if out_dir is not None:
            prog(f"writing outcomes.json and charts to {out_dir}", 0, 1)
            try:
                files = write_outputs(res.payload, res.block, out_dir)
            except OSError as exc:
                raise InputError(
                    [Problem(str(out_dir), f"cannot write the outputs: {exc}", column="--out")]
                ) from None
    if as_json:
        _emit_json(res.to_dict())
        return
    render(res.to_dict(), out)
    for f in files:
        out.print(f"wrote {f}")
