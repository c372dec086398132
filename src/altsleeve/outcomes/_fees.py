"""Every private fee layer as a monthly, path-by-path charge on the savers' return paths.

Owns translating a fee stack (:class:`altsleeve.fees.FeeStack`) into :class:`FeeLayerModel`
rows, and the vectorised monthly fee step that charges them across paths. Pure computation on
arrays: must not read files or draw random numbers.

Each layer is charged like the fees engine's evergreen arithmetic
(:func:`altsleeve.fees.evergreen_fees`), month by month on a NAV per unit that starts at 1:

```
post_t = NAV_{t-1} * (1 + r_t - m / 12)               management on the opening NAV
at a crystallisation month (every 12, or every 3 for quarterly):
  T     = max(HWM, B * (1 + h)^(months / 12))         hurdle with a high-water mark
  fee_t = k * max(post_t - T, 0)                      (with catch-up:
          max(min(k * (post_t - max(HWM, B)), post_t - T), 0))
  NAV_t = post_t - fee_t;  HWM = max(HWM, NAV_t);  B = NAV_t
```

so a path's net return is ``r_t - m / 12 - fee_t / NAV_{t-1}``. A test checks it equals
:func:`altsleeve.fees.evergreen_fees` on monthly periods.

Translation (``docs/outcomes.md``):

- an evergreen fund's management fee on NAV and its incentive: as written in the stack;
- a drawdown fund's management fee on commitments (then invested capital) has no NAV rate of
  its own: it is converted to the NAV rate that takes the same dollars a year in the fees
  engine's representative fund (:func:`altsleeve.fees.representative_cases`,
  :func:`altsleeve.fees.run_route`) at the fund's expected gross return;
- a drawdown fund's carry (and a fund of funds' carry) becomes an annual incentive over the
  preferred return with a high-water mark (:func:`altsleeve.fees.carry_as_incentive`), the
  engine's own stand-in for a whole-fund waterfall on a NAV path. It has **no clawback**: carry
  crystallised in a good year is never returned, the high-water mark only stops new carry until
  the loss is made good, so on a path that ends below an earlier peak it takes more than a
  whole-fund waterfall with clawback would (stated in each layer's ``note`` and ``clawback``);
- the fund-of-funds layer applies to the sleeve; the vehicle's basis-point layers apply to the
  whole account, with or without the sleeve, and are not private layers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from altsleeve.fees import (
    Carry,
    DrawdownFund,
    EvergreenFund,
    FeeStack,
    Incentive,
    carry_as_incentive,
    representative_cases,
    run_route,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class FeeLayerModel:
    """One private fee layer on a NAV path.

    Attributes
    ----------
    name : str
        ``<fund id>`` or ``fund-of-funds``.
    management : float
        Management fee a year of NAV (decimal).
    incentive : float
        Incentive rate (decimal share of the gain; 0 for none).
    hurdle : float
        Hurdle a year (decimal).
    high_water_mark : bool
        Whether the threshold is at least the high-water mark.
    catch_up : bool
        Full catch-up above the hurdle.
    every_months : int
        Months between crystallisations (12 annual, 3 quarterly).
    note : str
        Where the figures come from, in words.
    clawback : bool
        Always False: carry crystallised on the paths is never returned (module docstring).
    """

    name: str
    management: float
    incentive: float = 0.0
    hurdle: float = 0.0
    high_water_mark: bool = True
    catch_up: bool = False
    every_months: int = 12
    note: str = ""
    clawback: bool = False

    def scaled(self, multiplier: float) -> FeeLayerModel:
        """The same layer with its management and incentive rates times ``multiplier``."""
        return replace(
            self,
            management=self.management * multiplier,
            incentive=min(self.incentive * multiplier, 1.0),
        )


def _incentive_terms(inc: Incentive | None) -> dict[str, object]:
    if inc is None:
        return {}
    return {
        "incentive": float(inc.rate),
        "hurdle": float(inc.hurdle),
        "high_water_mark": bool(inc.high_water_mark),
        "catch_up": bool(inc.catch_up),
        "every_months": 12 if inc.crystallisation == "annual" else 3,
    }


def _carry_terms(c: Carry | None) -> dict[str, object]:
    return _incentive_terms(carry_as_incentive(c)) if c is not None else {}


def drawdown_nav_rate(stack: FeeStack, fund: DrawdownFund, gross_return: float) -> float:
    """A drawdown fund's management fee as a rate a year of NAV, from the fees engine.

    Runs the fees engine's representative fund (:func:`altsleeve.fees.representative_cases`)
    at ``gross_return`` a year and divides the dollars its management layer takes by the NAV-years
    the fund carried (ACT/365).
    """
    if fund.management is None:
        return 0.0
    case = representative_cases(stack, gross_return, start=dt.date(2010, 1, 1))[fund.id]
    route = run_route(fund, stack, [], case)
    layer = next(x for x in route.layers if x.spec.key == "fund.management")
    return float(layer.dollars / route.nav_years) if route.nav_years > 0 else 0.0


def fund_layers(
    stack: FeeStack, gross_returns: dict[str, float]
) -> tuple[dict[str, FeeLayerModel], FeeLayerModel | None]:
    """Each fund's layer and the fund-of-funds layer, translated for monthly paths.

    Parameters
    ----------
    stack : FeeStack
        The sleeve's fee stack.
    gross_returns : dict
        Expected gross return a year per fund id (for a drawdown fund's NAV-equivalent rate).

    Returns
    -------
    tuple
        ``({fund id: layer}, fund-of-funds layer or None)``.
    """
    out: dict[str, FeeLayerModel] = {}
    for f in stack.funds:
        if isinstance(f, EvergreenFund):
            m = float(f.management.rate) if f.management is not None else 0.0
            out[f.id] = FeeLayerModel(
                f.id,
                m,
                note="evergreen: management on NAV and incentive as in the stack",
                **_incentive_terms(f.incentive),  # type: ignore[arg-type]
            )
        else:
            g = gross_returns[f.id]
            m = drawdown_nav_rate(stack, f, g)
            out[f.id] = FeeLayerModel(
                f.id,
                m,
                note=(
                    f"drawdown: management on commitments as {1e4 * m:.0f} bp a year of NAV "
                    f"(fees engine's representative fund at {100 * g:.1f}% gross); carry as an "
                    "annual incentive over the preferred return with a high-water mark, no "
                    "clawback (carry taken in a good year is never returned)"
                ),
                **_carry_terms(f.carry),  # type: ignore[arg-type]
            )
    fof = stack.fund_of_funds
    fof_layer = None
    if fof is not None:
        m = float(fof.management.rate) if fof.management is not None else 0.0
        fof_layer = FeeLayerModel(
            fof.name,
            m,
            note="fund of funds: management on NAV; carry as an annual incentive, no clawback",
            **_carry_terms(fof.carry),  # type: ignore[arg-type]
        )
    return out, fof_layer


@dataclass
class FeeState:
    """Per-path NAV per unit, high-water mark and crystallisation base of a layer, shape (M, n).

    ``net`` and ``scratch`` are the layer's work buffers, reused month after month so that the
    monthly step allocates nothing outside crystallisation months.
    """

    nav: FloatArray
    hwm: FloatArray
    base: FloatArray
    net: FloatArray
    scratch: FloatArray

    @classmethod
    def start(cls, m: int, n: int) -> FeeState:
        """Every path at NAV 1 (the subscription), HWM 1, base 1."""
        return cls(
            np.ones((m, n)), np.ones((m, n)), np.ones((m, n)), np.empty((m, n)), np.empty((m, n))
        )


@dataclass(frozen=True)
class LayerRates:
    """A layer's monthly rates for each fee multiplier, as columns ``(M, 1)``."""

    management_monthly: FloatArray
    incentive: FloatArray
    hurdle_factor: float
    high_water_mark: bool
    catch_up: bool
    every_months: int
    charges_incentive: bool

    @classmethod
    def of(cls, layer: FeeLayerModel, multipliers: FloatArray) -> LayerRates:
        """Rates of ``layer`` scaled by each multiplier (the first is usually 1)."""
        mult = np.asarray(multipliers, dtype=np.float64)[:, None]
        inc = np.minimum(layer.incentive * mult, 1.0)
        return cls(
            management_monthly=layer.management * mult / 12.0,
            incentive=inc,
            hurdle_factor=float((1.0 + layer.hurdle) ** (layer.every_months / 12.0)),
            high_water_mark=layer.high_water_mark,
            catch_up=layer.catch_up,
            every_months=max(int(layer.every_months), 1),
            charges_incentive=bool(np.any(inc > 0.0)),
        )


def fee_step(r: FloatArray, state: FeeState, rates: LayerRates, month: int) -> FloatArray:
    """Charge one month of a layer on every path; returns the net returns, shape (M, n).

    The returned array is the layer's own buffer (``state.net``): the next call overwrites it.

    Parameters
    ----------
    r : numpy.ndarray, shape (M, n) or (n,)
        Gross (before this layer) decimal returns of the month, > -1.
    state : FeeState
        Updated in place.
    rates : LayerRates
        The layer for each multiplier.
    month : int
        0-based month since the subscription; crystallises when ``(month + 1)`` is a multiple of
        ``every_months``.
    """
    net = state.net
    np.subtract(r, rates.management_monthly, out=net)
    np.maximum(net, -1.0, out=net)
    crystallise = rates.charges_incentive and (month + 1) % rates.every_months == 0
    if not crystallise:
        np.multiply(state.nav, net, out=state.scratch)
        state.nav += state.scratch
        return net
    post = state.nav * (1.0 + net)
    threshold = state.base * rates.hurdle_factor
    if rates.high_water_mark:
        threshold = np.maximum(state.hwm, threshold)
    if rates.catch_up:
        start = np.maximum(state.hwm, state.base) if rates.high_water_mark else state.base
        fee = np.maximum(np.minimum(rates.incentive * (post - start), post - threshold), 0.0)
    else:
        fee = rates.incentive * np.maximum(post - threshold, 0.0)
    net -= fee / state.nav
    state.nav = post - fee
    state.hwm = np.maximum(state.hwm, state.nav)
    state.base = state.nav.copy()
    return net
