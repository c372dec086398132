"""The fee reports as data: the stack gross to net and the break-even, ready for JSON.

The assumptions a committee must see next to each figure (the representative gross case, the
benchmark and its source, the private weight, the alternative's cost) travel with it. It calls
:func:`gross_to_net` and :func:`breakeven` and computes no fee itself.

Owns assembling :func:`fee_stack_report` and :func:`breakeven_report` (plain dicts: dollars,
bp a year, decimal returns) from a vehicle and a fee stack. Drawing them as tables is
:mod:`altsleeve.views.fees`. Must not print, and must not import rich or the ledger.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from altsleeve.common.jsonvalues import finite
from altsleeve.fees._breakeven import breakeven
from altsleeve.fees._gross import benchmark_return
from altsleeve.fees._layers import FeeStack, sample_stack_path, vehicle_layers
from altsleeve.fees._stack import (
    LayerFigures,
    RouteResult,
    gross_to_net,
    representative_cases,
)

if TYPE_CHECKING:
    from altsleeve.fund import Vehicle

#: The representative funds' first day; only day counts matter (ACT/365).
CASE_START = "2010-01-01"


def private_weight_of(vehicle: Vehicle) -> float:
    """The private sleeve's glide-path target at inception (0.10 if the vehicle has none)."""
    sleeve = vehicle.private_sleeve
    if sleeve is None:
        return 0.10
    return vehicle.targets(vehicle.vehicle.inception)[sleeve.id]


def _layer_row(x: LayerFigures) -> dict[str, Any]:
    s = x.spec
    return {
        "key": s.key,
        "level": s.level,
        "name": s.name,
        "basis": s.basis,
        "rate": s.rate,
        "terms": s.terms,
        "active": s.active,
        "dollars": finite(x.dollars),
        "bp_per_year": finite(x.bp_per_year),
        "irr_after": finite(x.irr_after),
        "drag_bp": finite(x.drag_bp),
    }


def _route(r: RouteResult) -> dict[str, Any]:
    return {
        "fund_id": r.fund_id,
        "kind": r.kind,
        "weight": r.weight,
        "size": r.size,
        "gross_irr": finite(r.gross.irr),
        "gross_multiple": finite(r.gross.multiple),
        "net_irr": finite(r.net.irr),
        "net_multiple": finite(r.net.multiple),
        "nav_years": finite(r.nav_years),
        "total_drag_bp": finite(1e4 * (r.gross.irr - r.net.irr)),
        "layers": [_layer_row(x) for x in r.layers],
        "notes": r.notes,
    }


def fee_stack_report(
    vehicle: Vehicle,
    stack: FeeStack,
    *,
    gross_return: float = 0.15,
    horizon_years: int = 10,
    sleeve_size: float | None = None,
    evergreen_path: str = "constant",
    history_first: int = 199901,
) -> dict[str, Any]:
    """The fee stack on the representative gross case, as a JSON-ready dict.

    Parameters
    ----------
    vehicle : Vehicle
        Gives the vehicle's bp layers (``[[fees]]``) and, by default, the sleeve's size
        (initial assets times the private target at inception).
    stack : FeeStack
        The private layers.
    gross_return : float, default 0.15
        Every fund's gross return a year (drawdown: deals' gross IRR; evergreen: annualised).
    horizon_years : int, default 10
        The representative funds' life.
    sleeve_size : float, optional
        Dollars in the sleeve, split by the funds' weights.
    evergreen_path : {"constant", "history"}
        Shape of the evergreen gross path.
    history_first : int
        First month (``YYYYMM``) of the history shape.
    """
    weight = private_weight_of(vehicle)
    size = sleeve_size if sleeve_size is not None else vehicle.vehicle.initial_assets * weight
    v_layers = vehicle_layers(vehicle.fees)
    cases = representative_cases(
        stack,
        gross_return,
        sleeve_size=size,
        horizon_years=horizon_years,
        evergreen_path=evergreen_path,
        history_first=history_first,
    )
    res = gross_to_net(stack, v_layers, cases)
    shape = (
        "constant quarterly growth"
        if evergreen_path == "constant"
        else f"the Fama-French market's quarterly shape from {history_first // 100}-"
        f"{history_first % 100:02d}, shifted to that level"
    )
    return {
        "vehicle": vehicle.vehicle.id,
        "stack": stack.stack.name,
        "currency": stack.stack.currency,
        "assumptions": {
            "gross_return": gross_return,
            "horizon_years": horizon_years,
            "sleeve_size": size,
            "private_weight": weight,
            "evergreen_path": evergreen_path,
            "start": CASE_START,
            "day_count": "ACT/365",
            "case": (
                f"Representative gross case (stylised, not the sample book): every fund returns "
                f"{100 * gross_return:.2f}% a year gross over {horizon_years} years. Drawdown "
                f"funds: equal deals every six months through the investment period costing 85% "
                f"of the commitment, each held (horizon - investment period + 0.5) years, outcomes "
                f"dispersed around a common growth rate (one total loss) solved so the deals' "
                f"gross XIRR is exactly that level. Evergreen funds: one subscription, {shape}."
            ),
        },
        "sleeve": {
            "gross_irr": finite(res.gross_irr),
            "net_irr": finite(res.net_irr),
            "total_drag_bp": finite(1e4 * (res.gross_irr - res.net_irr)),
            "total_dollars": finite(res.total_dollars),
            "total_bp_per_year": finite(res.total_bp_per_year),
            "nav_years": finite(res.nav_years),
            "layers": [_layer_row(x) for x in res.sleeve],
        },
        "routes": [_route(r) for r in res.routes],
    }


def breakeven_report(
    vehicle: Vehicle,
    stack: FeeStack,
    *,
    benchmark: float | None = None,
    beta: float = 1.0,
    private_weight: float | None = None,
    alternative_bp: float = 5.0,
    same_wrapper: bool = True,
    horizon_years: int = 10,
    evergreen_path: str = "constant",
    history_first: int = 199901,
) -> dict[str, Any]:
    """The break-even per layer, cumulative, as a JSON-ready dict.

    ``benchmark`` (decimal a year) defaults to the real history: the monthly series
    ``rf_t + beta (market_t - rf_t)`` of the Fama-French market and T-bill returns over
    1927-01..2018-11, compounded and annualised (:func:`benchmark_return`; 9.89% a year for
    ``beta = 1``). ``private_weight`` defaults to the
    vehicle's private target at inception. See :func:`breakeven` for the comparison:
    ``same_wrapper`` (the default) asks the sleeve's question, against the same vehicle without
    the sleeve, where only the vehicle layers' incremental part is the sleeve's cost; False asks
    the vehicle's question, against an index target-date fund. Either way
    ``vehicle_vs_index_tdf`` gives the vehicle-level line: the break-even for the whole vehicle,
    wrapper and all, to match an index target-date fund at ``alternative_bp``.
    """
    if benchmark is None:
        info = benchmark_return(beta)
        bench: dict[str, Any] = {
            "value": info.value,
            "market": info.market,
            "risk_free": info.risk_free,
            "beta": info.beta,
            "months": info.months,
            "first": info.first,
            "last": info.last,
            "source": info.source,
            "file_sha256": info.file_sha256,
            "text": (
                f"{100 * info.value:.2f}% a year: "
                + (
                    "the Fama-French US market's total return"
                    if beta == 1.0
                    else f"each month T-bills + beta {beta:g} x (market - T-bills), compounded "
                    f"(market {100 * info.market:.2f}%, T-bills {100 * info.risk_free:.2f}% a "
                    "year)"
                )
                + f", annualised over {info.first}..{info.last} (real history)"
            ),
        }
        b = info.value
    else:
        b = benchmark
        bench = {"value": b, "source": "given", "text": f"{100 * b:.2f}% a year (given)"}
    w = private_weight if private_weight is not None else private_weight_of(vehicle)
    v_layers = vehicle_layers(vehicle.fees)
    res = breakeven(
        stack,
        v_layers,
        benchmark=b,
        private_weight=w,
        alternative_bp=alternative_bp,
        same_wrapper=same_wrapper,
        horizon_years=horizon_years,
        evergreen_path=evergreen_path,
        history_first=history_first,
    )
    vehicle_bp = sum(x.bp_per_year for x in v_layers)
    incremental_bp = sum(x.incremental_bp for x in v_layers)
    alternative = (
        f"the same vehicle without the sleeve (its index funds at {alternative_bp:g} bp; its "
        f"base vehicle layers, {vehicle_bp - incremental_bp:g} bp, charged in both; the "
        f"{incremental_bp:g} bp the sleeve adds are the sleeve's cost)"
        if same_wrapper
        else f"an index target-date fund at {alternative_bp:g} bp a year all-in (the vehicle's "
        "liquid sleeves cost the same; the vehicle layers are charged on all its assets)"
    )
    return {
        "vehicle": vehicle.vehicle.id,
        "stack": stack.stack.name,
        "benchmark": bench,
        "private_weight": w,
        "alternative_bp": alternative_bp,
        "same_wrapper": same_wrapper,
        "alternative": alternative,
        "horizon_years": horizon_years,
        "evergreen_path": evergreen_path,
        "rows": [
            {
                "key": r.spec.key,
                "level": r.spec.level,
                "name": r.spec.name,
                "rate": r.spec.rate,
                "excess": finite(r.excess),
                "excess_bp": finite(1e4 * r.excess),
                "increment_bp": finite(1e4 * r.increment),
                "required_net": finite(r.required_net),
                "required_gross": finite(b + r.excess),
            }
            for r in res.rows
        ],
        "total_excess_bp": finite(1e4 * res.total),
        "vehicle_bp": vehicle_bp,
        "incremental_bp": incremental_bp,
        "vehicle_vs_index_tdf": {
            "excess_bp": finite(1e4 * res.vehicle_vs_index),
            "required_gross": finite(b + res.vehicle_vs_index),
            "alternative_bp": alternative_bp,
            "text": (
                f"this vehicle vs an index target-date fund at {alternative_bp:g} bp: for the "
                f"whole vehicle, with its {vehicle_bp:g} bp of vehicle layers on all its assets, "
                "to match it, the sleeve must beat the benchmark by "
                f"{_bp_text(1e4 * res.vehicle_vs_index)} bp a year gross (a vehicle-level "
                "figure: the base vehicle layers are charged with or without the sleeve)"
            ),
        },
    }


def _bp_text(x: float) -> str:
    return "n/a" if not math.isfinite(x) else f"{x:+,.0f}"


def sample_fee_report() -> dict[str, Any]:
    """The sample vehicle's fee stack and break-even with the defaults (for ``altsleeve demo``).

    Returns ``{"stack": fee_stack_report(...), "breakeven": breakeven_report(...)}`` for
    ``tdf2045.toml`` and ``sample_stack.toml``; render with :func:`render_fee_report`.
    """
    from altsleeve.fund import (
        Vehicle,
        sample_vehicle_path,
    )

    vehicle = Vehicle.from_toml(sample_vehicle_path())
    stack = FeeStack.from_toml(sample_stack_path())
    return {
        "stack": fee_stack_report(vehicle, stack),
        "breakeven": breakeven_report(vehicle, stack),
    }
