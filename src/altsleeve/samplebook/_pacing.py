"""The sample book's commitment sizing, point in time, and the generator's mirror of the vehicle.

Owns :func:`vehicle_path` (the TDF2045 vehicle's daily net assets and private share from the
book's flows, true fund values and the liquid sleeves' returns, as the strike computes them but
with the private funds at their true value) and :func:`decide_commitment` (one January's
commitment under :class:`~altsleeve.samplebook.PacingParams`). Pure numpy; must not import the
ledger, the fund engine or the workflows.

The rule (``docs/sample-book.md`` section 2b, ``docs/pacing.md``)::

    C*_y   = max(0, (n T - sum_q E_q / NA_q) / sum_q u_q / NA_q)          planner figure
    C_fb   = C*_y + k (T - w_now) NA_now                                   feedback on the gap
    C_y    = C_{y-1} + s (C_fb - C_{y-1}), |C_y - C_{y-1}| <= m NA_now      smoothing
    C_y    = min(C_y, min_q (G NA_q - E_q) / u_q),  C_y >= 0               cap guard

``E_q`` is the existing funds' expected NAV ``q`` quarters on (Takahashi-Alexander from their
known state, class defaults), ``u_q`` that of one dollar committed now in the year's funds' mix,
``NA_q = NA_now (1 + expected_return + net flow rate - fee)^(q/4)``, the sums over the quarters
one to ``lead_years`` years on (the planner's ``aim="average"``), ``T`` the target, ``k`` the
feedback, ``s`` the smoothing, ``m`` the step bound and ``G`` the cap guard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from altsleeve.pacing import (
    class_defaults,
    project_commitment,
    project_from_state,
    to_period_growth,
    to_period_rate,
)
from altsleeve.samplebook._params import PacingParams

FloatArray = NDArray[np.float64]


def vehicle_path(
    liquid_returns: FloatArray,
    year_fraction: FloatArray,
    net_orders: FloatArray,
    private_flows: FloatArray,
    private_value: FloatArray,
    pacing: PacingParams,
) -> tuple[FloatArray, FloatArray]:
    """Daily net assets and private share of the vehicle (the generator's mirror of the strike).

    ``L_t = L_{t-1} (1 + r_t) - fee dt_t NA_{t-1} + orders_t + private_flows_t`` and
    ``NA_t = L_t + P_t``, ``L_0 = initial_assets``: the liquid part earns the liquid mix's
    daily return, pays the vehicle fee on all net assets, receives the participants' net
    orders and the funds' distributions and pays their calls and fees; ``P`` is the funds'
    true value. Solved without a loop over days (a linear recursion).

    Parameters
    ----------
    liquid_returns : ndarray of float
        Daily simple return of the liquid mix (0 on the first day), shape ``(T,)``.
    year_fraction : ndarray of float
        ACT/365 years since the previous business day.
    net_orders : ndarray of float
        Purchases less redemptions each day, dollars.
    private_flows : ndarray of float
        Distributions less calls less fees each day, dollars.
    private_value : ndarray of float
        The funds' true value at each day's end, dollars.
    pacing : PacingParams
        ``initial_assets`` and ``vehicle_fee``.

    Returns
    -------
    tuple of ndarray
        Net assets and private share (``P / NA``) each day.
    """
    fee_dt = pacing.vehicle_fee * year_fraction
    prev_private = np.concatenate([[0.0], private_value[:-1]])
    a = 1.0 + liquid_returns - fee_dt
    b = net_orders + private_flows - fee_dt * prev_private
    a[0] = 1.0  # the first day: the seed assets plus that day's flows
    growth = np.cumprod(a)
    liquid = growth * (pacing.initial_assets + np.cumsum(b / growth))
    net_assets = liquid + private_value
    share = np.divide(
        private_value, net_assets, out=np.zeros_like(net_assets), where=net_assets > 0
    )
    return net_assets, share


@dataclass(frozen=True)
class FundState:
    """What is known of one committed fund on a decision day (for the projection)."""

    asset_class: str
    drawdown: bool
    commitment: float
    paid_in: float
    value: float
    age_quarters: int


def _perpetual_path(value: float, asset_class: str, n: int) -> FloatArray:
    d = class_defaults(asset_class)
    g = to_period_growth(d.growth, 4) - to_period_rate(d.yield_, 4)
    return np.asarray(value * (1.0 + g) ** np.arange(1, n + 1), dtype=np.float64)


def _expected_nav(state: FundState, n: int) -> FloatArray:
    if not state.drawdown:
        return _perpetual_path(state.value, state.asset_class, n)
    proj = project_from_state(
        class_defaults(state.asset_class),
        state.commitment,
        paid_in=state.paid_in,
        nav=state.value,
        age_periods=state.age_quarters,
        n_periods=n,
    )
    return np.asarray(proj["nav"].to_numpy(dtype=np.float64))


def _unit_nav(mix: list[tuple[str, bool, float]], n: int) -> FloatArray:
    out = np.zeros(n)
    for asset_class, drawdown, weight in mix:
        if drawdown:
            proj = project_commitment(
                class_defaults(asset_class), 1.0, periods_per_year=4, n_periods=n
            )
            out += weight * proj["nav"].to_numpy(dtype=np.float64)
        else:
            out += (
                weight * _perpetual_path(1.0, asset_class, n) / _perpetual_path(1.0, asset_class, 1)
            )
    return out


def decide_commitment(
    pacing: PacingParams,
    net_assets: float,
    share: float,
    net_flow_rate: float,
    funds: list[FundState],
    mix: list[tuple[str, bool, float]],
    previous: float | None,
) -> dict[str, float]:
    """One January's commitment (the module docstring's rule), from what is known then.

    Parameters
    ----------
    pacing : PacingParams
        The rule's parameters.
    net_assets, share : float
        The vehicle's net assets (dollars) and private share on the last business day before.
    net_flow_rate : float
        Participants' net orders over the past year over the average net assets (decimal).
    funds : list of FundState
        The funds committed so far, as known then.
    mix : list of (asset_class, drawdown, weight)
        The year's funds and their shares of the commitment (weights sum to 1).
    previous : float or None
        Last year's commitment (None in the first year: no smoothing).

    Returns
    -------
    dict
        ``planner`` (C*), ``feedback`` (the added term), ``cap_bound`` and ``commitment``
        (dollars).
    """
    n = 4 * pacing.lead_years
    q = np.arange(1, n + 1)
    growth = pacing.expected_return + net_flow_rate - pacing.vehicle_fee
    na = net_assets * (1.0 + max(growth, -0.5)) ** (q / 4.0)
    existing = np.zeros(n)
    for f in funds:
        existing += _expected_nav(f, n)
    unit = _unit_nav(mix, n)
    window = slice(3, n)  # quarters 4 .. 4 * lead_years: one year on to lead_years on
    denom = float(np.sum(unit[window] / na[window]))
    need = pacing.target * (n - 3) - float(np.sum(existing[window] / na[window]))
    planner = max(need / denom, 0.0) if denom > 0 else 0.0
    # no realised gap before the first commitment (the planner figure already fills it)
    feedback = 0.0 if previous is None else pacing.feedback * (pacing.target - share) * net_assets
    wanted = max(planner + feedback, 0.0)
    if previous is None or wanted <= previous:
        amount = wanted  # a cut is not smoothed: the cap comes first
    else:  # a rise: partial adjustment, at most max_step of net assets a year
        amount = previous + min(
            pacing.smoothing * (wanted - previous), pacing.max_step * net_assets
        )
    positive = unit > 0
    room = (pacing.cap_guard * na - existing)[positive] / unit[positive]
    cap_bound = max(float(room.min()), 0.0) if room.size else 0.0
    amount = float(min(max(amount, 0.0), cap_bound))
    return {
        "planner": float(planner),
        "feedback": float(feedback),
        "cap_bound": cap_bound,
        "commitment": amount,
    }
