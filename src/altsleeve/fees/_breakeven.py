"""Break-even: the gross excess return a year the private sleeve needs after its fee layers.

Owns the comparison and the root-finding (Brent, ``scipy.optimize.brentq``). Pure, given the
benchmark's return (``_gross.benchmark_return`` reads it from the real history).

The vehicle holds ``w`` in the private sleeve and ``1 - w`` in liquid index sleeves that cost
``c`` a year (the same as an index fund); the vehicle's own bp layers ``V_k`` (those among
layers ``1..k``) are charged on all its net assets, and ``I_k <= V_k`` is their incremental part,
what the vehicle charges only because it holds the sleeve (``VehicleLayer.incremental_bp``; the
base ``V_k - I_k`` it charges with or without the sleeve). ``s_k(e)`` is the sleeve's net return
a year after layers ``1..k`` (pooled XIRR, ACT/365) when every fund returns ``b + e`` a year
gross (:func:`representative_cases`). The vehicle's return less the alternative's:

```
the sleeve's question (default, same_wrapper=True): the same vehicle without the sleeve,
    which pays the base vehicle layers too:      D_k(e) = w (s_k(e) - (b - c - V_k)) - I_k
the vehicle's question (same_wrapper=False): an index target-date fund at c all-in:
                                                 D_k(e) = w (s_k(e) - (b - c)) - (1 - w) V_k
```

The break-even after layers ``1..k`` is the ``e`` with ``D_k(e) = 0``; the sleeve's vehicle
layers are inside ``s_k``. Each row's increment is what that layer adds. In the sleeve's
question a base vehicle fee cancels but for timing and an incremental one costs ``I / w``; in the
vehicle's question every vehicle bp charged on the liquid ``1 - w`` must be earned back by the
sleeve, ``(1 - w) / w`` times over (at a 1% sleeve the 35 bp wrapper and trustee alone would
need 35% a year), which is why it is a vehicle-level figure
(:attr:`BreakevenResult.vehicle_vs_index`), not the sleeve's cost (issue 17). With a constant
benchmark ``b``, a net IRR equal to ``b`` is a Kaplan-Schoar PME of 1.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scipy.optimize import brentq

from altsleeve.fees._layers import FeeStack, VehicleLayer
from altsleeve.fees._stack import LayerSpec, gross_to_net, representative_cases


@dataclass(frozen=True)
class BreakevenRow:
    """The break-even after layers ``1..k``.

    Attributes
    ----------
    spec : LayerSpec
        The layer ``k`` (the first row, ``gross``, has no fees).
    excess : float
        Gross excess return a year over the benchmark needed (decimal; NaN if not found).
    increment : float
        What layer ``k`` adds to the row before (decimal).
    required_net : float
        The sleeve's net return a year that makes the vehicle match the alternative.
    """

    spec: LayerSpec
    excess: float
    increment: float
    required_net: float


@dataclass(frozen=True)
class BreakevenResult:
    """Break-even per layer, cumulative, and the assumptions it rests on.

    ``rows`` answer the question ``same_wrapper`` names (module docstring);
    ``vehicle_vs_index`` is the vehicle-level figure, whatever ``same_wrapper``: the gross excess
    the sleeve needs after every layer for the whole vehicle (wrapper and all) to match an index
    target-date fund at ``alternative_bp``.
    """

    benchmark: float
    private_weight: float
    alternative_bp: float
    same_wrapper: bool
    horizon_years: int
    evergreen_path: str
    rows: list[BreakevenRow]
    vehicle_vs_index: float = math.nan

    @property
    def total(self) -> float:
        """The break-even after every layer."""
        return self.rows[-1].excess


def _gap(
    w: float, s: float, b: float, c: float, v: float, same_wrapper: bool, inc: float = 0.0
) -> float:
    if same_wrapper:
        return w * (s - (b - c - v)) - inc
    return w * (s - (b - c)) - (1.0 - w) * v


def _solve(f: Callable[[float], float], bracket: tuple[float, float], xtol: float) -> float:
    """Brent's root of ``f`` in ``bracket``; NaN when ``f`` keeps one sign there."""
    try:
        return float(brentq(f, *bracket, xtol=xtol))
    except ValueError:
        return math.nan


def required_net(
    benchmark: float,
    private_weight: float,
    alternative: float,
    vehicle: float,
    same_wrapper: bool,
    incremental: float = 0.0,
) -> float:
    """The sleeve's net return a year that zeroes the vehicle's gap to the alternative.

    ``vehicle`` and ``incremental`` are decimals a year (all the vehicle layers, and the part of
    them the sleeve adds); ``incremental`` counts only in the sleeve's question
    (``same_wrapper``): ``b - c - V + I / w``; the index question gives ``b - c + (1 - w) V / w``.
    """
    if same_wrapper:
        return benchmark - alternative - vehicle + incremental / private_weight
    return benchmark - alternative + (1.0 - private_weight) * vehicle / private_weight


def breakeven(
    stack: FeeStack,
    vehicle: Sequence[VehicleLayer],
    *,
    benchmark: float,
    private_weight: float,
    alternative_bp: float = 5.0,
    same_wrapper: bool = True,
    horizon_years: int = 10,
    evergreen_path: str = "constant",
    history_first: int = 199901,
    start: dt.date = dt.date(2010, 1, 1),
    bracket: tuple[float, float] = (-0.5, 1.0),
    xtol: float = 1e-7,
) -> BreakevenResult:
    """The gross excess return a year the sleeve needs, after each layer cumulatively.

    Parameters
    ----------
    stack : FeeStack
        The private layers.
    vehicle : sequence of VehicleLayer
        The vehicle's bp layers, in order.
    benchmark : float
        The benchmark's return a year (decimal), e.g. ``benchmark_return().value``.
    private_weight : float
        The sleeve's share of the vehicle, ``0 < w <= 1``.
    alternative_bp : float, default 5
        The index-fund alternative's cost, bp a year (also the liquid sleeves' cost).
    same_wrapper : bool, default True
        The sleeve's question: compare with the same vehicle without the sleeve (it pays the
        base vehicle layers too; only their incremental part is the sleeve's cost). False: the
        vehicle's question, against an index target-date fund at ``alternative_bp``.
    horizon_years : int, default 10
        Life of the representative funds.
    evergreen_path : {"constant", "history"}
        Shape of the evergreen funds' gross path (:func:`representative_cases`).
    history_first : int, default 199901
        First month (``YYYYMM``) of the history shape.
    start : datetime.date
        First day of the representative funds (only day counts matter).
    bracket : (float, float)
        Search interval for the excess return (decimals a year).
    xtol : float
        Brent's tolerance on the excess (1e-7 = 0.001 bp).

    Returns
    -------
    BreakevenResult
        One row for the gross case (no fees) and one per layer.
    """
    if not 0.0 < private_weight <= 1.0:
        raise ValueError(f"private weight must be in (0, 1], not {private_weight}")
    c = alternative_bp / 1e4
    cache: dict[float, list[float]] = {}

    def nets(e: float) -> list[float]:
        if e not in cache:
            cases = representative_cases(
                stack,
                benchmark + e,
                horizon_years=horizon_years,
                start=start,
                evergreen_path=evergreen_path,
                history_first=history_first,
            )
            res = gross_to_net(stack, vehicle, cases)
            cache[e] = [res.gross_irr, *(x.irr_after for x in res.sleeve)]
        return cache[e]

    probe = gross_to_net(
        stack,
        vehicle,
        representative_cases(
            stack,
            benchmark,
            horizon_years=horizon_years,
            start=start,
            evergreen_path=evergreen_path,
            history_first=history_first,
        ),
    )
    specs = [LayerSpec("gross", "-", "no fees", "-", "-", "gross", False)]
    specs += [x.spec for x in probe.sleeve]
    bp_by_key = {f"vehicle.{v.name}": v.bp_per_year / 1e4 for v in vehicle}
    inc_by_key = {f"vehicle.{v.name}": v.incremental_bp / 1e4 for v in vehicle}
    rows: list[BreakevenRow] = []
    v_k = i_k = 0.0
    prev = math.nan
    for k, spec in enumerate(specs):
        v_k += bp_by_key.get(spec.key, 0.0)
        i_k += inc_by_key.get(spec.key, 0.0)
        target = required_net(benchmark, private_weight, c, v_k, same_wrapper, i_k)

        def gap(e: float, k: int = k, v: float = v_k, inc: float = i_k) -> float:
            return _gap(private_weight, nets(e)[k], benchmark, c, v, same_wrapper, inc)

        excess = _solve(gap, bracket, xtol)
        rows.append(BreakevenRow(spec, excess, excess - prev if k else math.nan, target))
        prev = excess
    if same_wrapper:
        last = len(specs) - 1
        vehicle_vs_index = _solve(
            lambda e: _gap(private_weight, nets(e)[last], benchmark, c, v_k, False),
            bracket,
            xtol,
        )
    else:
        vehicle_vs_index = rows[-1].excess
    return BreakevenResult(
        benchmark,
        private_weight,
        alternative_bp,
        same_wrapper,
        horizon_years,
        evergreen_path,
        rows,
        vehicle_vs_index,
    )
