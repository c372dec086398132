"""``altsleeve fees stack`` and ``fees breakeven``: the fee stack gross to net and the break-even.

Thin: each calls one use case of :mod:`altsleeve.workflows.fees` and prints its ``to_dict()``
or draws it with :mod:`altsleeve.views.fees`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from altsleeve.cli._app import (
    JsonOpt,
    VehicleFileOpt,
    _emit_json,
    fees_app,
    out,
)
from altsleeve.errors import InputError, Problem

# -- fees ------------------------------------------------------------------------------------
StackOpt = Annotated[
    Path | None,
    typer.Option("--stack", help="Fee stack TOML (default: the sample stack shipped)."),
]
HorizonOpt = Annotated[
    int, typer.Option("--horizon", min=2, max=40, help="Life of the representative funds, years.")
]
EvergreenPathOpt = Annotated[
    str,
    typer.Option(
        "--evergreen-path",
        help="Evergreen funds' gross path: constant, or history (the real market's shape from "
        "1999, shifted to the level).",
    ),
]


def _check_path(path: str) -> None:
    if path not in ("constant", "history"):
        raise InputError(
            [Problem("<args>", "use 'constant' or 'history'", column="--evergreen-path")]
        )


@fees_app.command("stack")
def fees_stack(
    vehicle: VehicleFileOpt = None,
    stack: StackOpt = None,
    gross: Annotated[
        float,
        typer.Option("--gross", min=-0.5, max=1.0, help="Every fund's gross return a year."),
    ] = 0.15,
    horizon: HorizonOpt = 10,
    sleeve_size: Annotated[
        float | None,
        typer.Option(
            "--sleeve-size", min=1.0, help="Dollars in the sleeve (default: assets x target)."
        ),
    ] = None,
    evergreen_path: EvergreenPathOpt = "constant",
    as_json: JsonOpt = False,
) -> None:
    """The fee stack layer by layer: basis, rate, terms, dollars, bp a year, IRR gross -> net."""
    from altsleeve.views.fees import render_stack
    from altsleeve.workflows.fees import fee_files, fee_stack

    _check_path(evergreen_path)
    v, s = fee_files(vehicle, stack)
    try:
        res = fee_stack(
            v,
            s,
            gross=gross,
            horizon=horizon,
            sleeve_size=sleeve_size,
            evergreen_path=evergreen_path,
        )
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--gross")]) from None
    if as_json:
        _emit_json(res.to_dict())
        return
    render_stack(res.report, out)


@fees_app.command("breakeven")
def fees_breakeven(
    vehicle: VehicleFileOpt = None,
    stack: StackOpt = None,
    benchmark: Annotated[
        float | None,
        typer.Option(
            "--benchmark",
            min=-0.5,
            max=1.0,
            help="Benchmark's return a year (default: the Fama-French market, 1927-2018).",
        ),
    ] = None,
    beta: Annotated[
        float,
        typer.Option(
            "--beta",
            min=0.0,
            max=5.0,
            help="Benchmark: the monthly series rf + beta (mkt - rf), compounded.",
        ),
    ] = 1.0,
    private_weight: Annotated[
        float | None,
        typer.Option(
            "--private-weight",
            min=0.001,
            max=1.0,
            help="Sleeve's share of the vehicle (default: its private target at inception).",
        ),
    ] = None,
    alternative_bp: Annotated[
        float,
        typer.Option(
            "--alternative-bp",
            min=0.0,
            max=500.0,
            help="The index funds' cost, bp/yr (the liquid sleeves and the index TDF).",
        ),
    ] = 5.0,
    same_wrapper: Annotated[
        bool,
        typer.Option(
            "--same-wrapper/--index-tdf",
            help="The sleeve's question (default): against the same vehicle without the sleeve, "
            "which pays the base vehicle layers too (only the incremental ones are the sleeve's "
            "cost). --index-tdf: the vehicle's question, against an index target-date fund "
            "(also shown as its own vehicle-level line).",
        ),
    ] = True,
    horizon: HorizonOpt = 10,
    evergreen_path: EvergreenPathOpt = "constant",
    as_json: JsonOpt = False,
) -> None:
    """The gross excess return a year the sleeve needs, after each fee layer, to break even."""
    from altsleeve.views.fees import render_breakeven
    from altsleeve.workflows.fees import fee_breakeven, fee_files

    _check_path(evergreen_path)
    v, s = fee_files(vehicle, stack)
    res = fee_breakeven(
        v,
        s,
        benchmark=benchmark,
        beta=beta,
        private_weight=private_weight,
        alternative_bp=alternative_bp,
        same_wrapper=same_wrapper,
        horizon=horizon,
        evergreen_path=evergreen_path,
    )
    if as_json:
        _emit_json(res.to_dict())
        return
    render_breakeven(res.report, out)
