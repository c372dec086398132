"""The Takahashi-Alexander ("Yale") model of a commitment's calls, distributions and NAV.

Owns the deterministic core of Takahashi & Alexander (2002): the rate-of-contribution schedule, the
bow-shaped rate of distribution, the conversion of annual rates to per-period rates, the one-step
helpers that stochastic simulators reuse, and a vectorised deterministic projection of one
commitment. Pure computation on floats and NumPy arrays; must not do I/O, must not import the
ledger or the sample book, and holds no random numbers.

Model (Takahashi & Alexander 2002, eqs. for contributions, distributions and NAV), in years::

    C_t   = RC_t * (CC - PIC_{t-1})                    capital call in year t
    RD_t  = max(Y, (t / L) ** B)                       rate of distribution in year t
    D_t   = RD_t * NAV_{t-1} * (1 + G)                 distribution in year t
    NAV_t = NAV_{t-1} * (1 + G) + C_t - D_t            net asset value at the end of year t

with CC the commitment (dollars), PIC paid-in capital (dollars), RC_t the rate of contribution of
the fund's t-th year (decimal of the unfunded commitment), L the fund's life (years), B the bow
factor, G the annual growth rate (decimal) and Y the yield (decimal, a floor on the rate of
distribution for income-producing assets).

Reference: Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling",
*The Journal of Portfolio Management* 28(2), 90-100 (Yale University Investments Office working
paper, January 2001). The ``max(Y, (t/L)**B)`` form of the rate of distribution is the reading
used by most public implementations; the paper's text presents the yield as a minimum rate of
distribution. Two documented adaptations, both off the annual, in-life path the paper describes:

* ``periods_per_year > 1``: annual rates become per-period rates by compounding,
  ``r_p = 1 - (1 - r_annual) ** (1 / n)`` for RC and RD, and ``g_p = (1 + G) ** (1 / n) - 1``;
  the age ``t`` is measured at the end of each period (ACT/365 years are not used: periods are
  equal fractions of a year).
* ``calls_stop_at_life=True`` (default): once ``t >= L`` (rate of distribution 1) no more capital
  is called and the unfunded commitment lapses, so the NAV ends at exactly zero. With ``False``
  the paper's recursion runs unchanged and the final year's call stays in the NAV.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import overload

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

#: Column order of :func:`project_commitment`'s result.
PROJECTION_COLUMNS: tuple[str, ...] = (
    "period",
    "call",
    "distribution",
    "nav",
    "paid_in",
    "unfunded",
)


@dataclass(frozen=True)
class TakahashiAlexanderParams:
    """Parameters of the Takahashi-Alexander model for one fund (Takahashi & Alexander 2002).

    Attributes
    ----------
    rate_of_contribution : tuple[float, ...]
        RC by year of the fund's life: element ``k`` is the decimal share of the unfunded
        commitment called in year ``k + 1``; the last element repeats for later years
        (e.g. ``(0.25, 0.333, 0.5)``, the paper's illustration for venture capital).
    life : float
        L, the fund's life in years (> 0); the rate of distribution reaches 1 at ``t = L``.
    bow : float
        B, the bow factor (> 0); higher values push distributions later in the life.
    growth : float
        G, the annual growth rate of NAV, decimal (> -1).
    yield_ : float
        Y, the annual yield, decimal in ``[0, 1]``: a floor on the rate of distribution.

    """

    rate_of_contribution: tuple[float, ...]
    life: float
    bow: float
    growth: float
    yield_: float = 0.0

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on a parameter outside its domain."""
        if len(self.rate_of_contribution) == 0:
            raise ValueError("rate_of_contribution needs at least one year")
        for k, rc in enumerate(self.rate_of_contribution):
            if not (math.isfinite(rc) and 0.0 <= rc <= 1.0):
                raise ValueError(f"rate_of_contribution[{k}] = {rc} is not in [0, 1]")
        if not (math.isfinite(self.life) and self.life > 0.0):
            raise ValueError(f"life = {self.life} must be a positive number of years")
        if not (math.isfinite(self.bow) and self.bow > 0.0):
            raise ValueError(f"bow = {self.bow} must be positive")
        if not (math.isfinite(self.growth) and self.growth > -1.0):
            raise ValueError(f"growth = {self.growth} must be greater than -1")
        if not (math.isfinite(self.yield_) and 0.0 <= self.yield_ <= 1.0):
            raise ValueError(f"yield_ = {self.yield_} is not in [0, 1]")


@overload
def to_period_rate(annual_rate: float, periods_per_year: int) -> float: ...
@overload
def to_period_rate(annual_rate: FloatArray, periods_per_year: int) -> FloatArray: ...
def to_period_rate(annual_rate: float | FloatArray, periods_per_year: int) -> float | FloatArray:
    """Convert an annual rate of contribution or distribution to a per-period rate.

    ``r_p = 1 - (1 - r_annual) ** (1 / periods_per_year)``: applying ``r_p`` to a balance in
    each of ``periods_per_year`` periods removes the share ``r_annual`` of it over a year.

    Parameters
    ----------
    annual_rate : float or ndarray of float
        Decimal annual rate(s) in ``[0, 1]``.
    periods_per_year : int
        Periods in a year (1 annual, 4 quarterly).

    Returns
    -------
    float or ndarray of float
        The per-period rate(s), same shape as ``annual_rate``; 1 stays 1 and 0 stays 0.

    """
    if periods_per_year < 1:
        raise ValueError(f"periods_per_year = {periods_per_year} must be at least 1")
    if periods_per_year == 1:
        return annual_rate
    if isinstance(annual_rate, np.ndarray):
        remaining = np.clip(1.0 - annual_rate, 0.0, 1.0)
        return np.asarray(1.0 - remaining ** (1.0 / periods_per_year), dtype=np.float64)
    remaining_share = max(0.0, min(1.0, 1.0 - float(annual_rate)))
    return 1.0 - float(remaining_share ** (1.0 / periods_per_year))


def to_period_growth(annual_growth: float, periods_per_year: int) -> float:
    """Convert an annual growth rate G to a per-period rate ``(1 + G) ** (1/n) - 1``.

    Parameters
    ----------
    annual_growth : float
        Decimal annual growth (> -1).
    periods_per_year : int
        Periods in a year (1 annual, 4 quarterly).

    Returns
    -------
    float
        Decimal growth per period.

    """
    if periods_per_year < 1:
        raise ValueError(f"periods_per_year = {periods_per_year} must be at least 1")
    return float((1.0 + annual_growth) ** (1.0 / periods_per_year) - 1.0)


def contribution_rate(rate_of_contribution: tuple[float, ...], year: int) -> float:
    """Annual rate of contribution RC for the fund's ``year`` (1-based; last value repeats).

    Parameters
    ----------
    rate_of_contribution : tuple of float
        RC by year of life, decimal (see :class:`TakahashiAlexanderParams`).
    year : int
        Year of the fund's life, 1 for the first year.

    Returns
    -------
    float
        Decimal share of the unfunded commitment called in that year.

    """
    if year < 1:
        raise ValueError(f"year = {year} must be at least 1")
    return rate_of_contribution[min(year, len(rate_of_contribution)) - 1]


@overload
def ta_call(rc: float, commitment: float, paid_in: float) -> float: ...
@overload
def ta_call(rc: FloatArray, commitment: float | FloatArray, paid_in: FloatArray) -> FloatArray: ...
def ta_call(
    rc: float | FloatArray, commitment: float | FloatArray, paid_in: float | FloatArray
) -> float | FloatArray:
    """Capital call ``C = RC * (CC - PIC)`` (Takahashi & Alexander 2002).

    Parameters
    ----------
    rc : float or ndarray of float
        Rate of contribution for the period, decimal in ``[0, 1]`` (already per period).
    commitment : float or ndarray of float
        CC, the commitment in dollars.
    paid_in : float or ndarray of float
        PIC, capital paid in before this call, in dollars.

    Returns
    -------
    float or ndarray of float
        The call in dollars, never negative and never more than the unfunded commitment.

    """
    unfunded = np.maximum(np.asarray(commitment, dtype=np.float64) - paid_in, 0.0)
    call = np.clip(rc, 0.0, 1.0) * unfunded
    if isinstance(call, np.ndarray) and call.ndim > 0:
        return np.asarray(call, dtype=np.float64)
    return float(call)


@overload
def ta_distribution_rate(t_years: float, life: float, bow: float, yield_: float) -> float: ...
@overload
def ta_distribution_rate(
    t_years: FloatArray, life: float, bow: float, yield_: float
) -> FloatArray: ...
def ta_distribution_rate(
    t_years: float | FloatArray, life: float, bow: float, yield_: float
) -> float | FloatArray:
    """Annual rate of distribution ``RD = max(Y, (t / L) ** B)`` (Takahashi & Alexander 2002).

    Parameters
    ----------
    t_years : float or ndarray of float
        Age of the fund in years at the end of the period (``t >= 0``).
    life : float
        L, the fund's life in years.
    bow : float
        B, the bow factor.
    yield_ : float
        Y, the annual yield (decimal), a floor on the rate.

    Returns
    -------
    float or ndarray of float
        Decimal annual share of the grown NAV distributed; 1 from ``t >= L`` on.

    """
    ratio = np.clip(np.asarray(t_years, dtype=np.float64) / life, 0.0, 1.0)
    rate = np.maximum(yield_, ratio**bow)
    if isinstance(rate, np.ndarray) and rate.ndim > 0:
        return np.asarray(rate, dtype=np.float64)
    return float(rate)


def project_arrays(
    schedule_annual: FloatArray,
    life: float,
    bow: float,
    growth: float,
    yield_: float,
    commitment: float,
    periods_per_year: int,
    n: int,
    *,
    calls_stop_at_life: bool = True,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """The arithmetic of :func:`project_commitment` on plain arrays (no validation, no frame).

    Returns ``(call, distribution, nav, paid_in, unfunded)`` for periods ``1..n`` in dollars;
    the calibrator's inner loop calls it directly (same numbers as the DataFrame version).
    """
    period = np.arange(1, n + 1, dtype=np.int64)
    age = period / periods_per_year  # years at the end of each period
    year = np.ceil(age - 1e-12).astype(np.int64)  # 1-based year of life of each period
    schedule = np.asarray(schedule_annual, dtype=np.float64)
    rc_annual = schedule[np.minimum(year, schedule.size) - 1]
    rc = to_period_rate(rc_annual, periods_per_year)
    rd = to_period_rate(ta_distribution_rate(age, life, bow, yield_), periods_per_year)
    if calls_stop_at_life:
        rc = np.where(age >= life - 1e-12, 0.0, rc)
    g = to_period_growth(growth, periods_per_year)

    # Calls: unfunded_p = CC * prod_{j<=p} (1 - rc_j); C_p = unfunded_{p-1} - unfunded_p.
    unfunded = commitment * np.cumprod(1.0 - rc)
    unfunded_before = np.concatenate(([commitment], unfunded[:-1]))
    call = unfunded_before - unfunded
    paid_in = commitment - unfunded

    # NAV: M[p, s] = prod_{j=s+1..p} a_j (s <= p), NAV = M @ C. Exact with zeros in a.
    a = (1.0 - rd) * (1.0 + g)
    tiles = np.tile(a[:, None], (1, n))
    tiles[np.triu_indices(n)] = 1.0  # rows j <= column s contribute a factor 1
    m = np.tril(np.cumprod(tiles, axis=0))
    nav = m @ call
    nav_before = np.concatenate(([0.0], nav[:-1]))
    distribution = rd * (1.0 + g) * nav_before
    nav = np.maximum(nav, 0.0)

    return call, distribution, nav, paid_in, unfunded


def project_commitment(
    params: TakahashiAlexanderParams,
    commitment: float,
    periods_per_year: int = 1,
    n_periods: int | None = None,
    *,
    calls_stop_at_life: bool = True,
) -> pd.DataFrame:
    """Project one commitment's calls, distributions and NAV with the Takahashi-Alexander model.

    Deterministic and vectorised (no Python loop over periods): calls follow from the cumulative
    product of ``1 - RC``, and the linear NAV recursion ``NAV_p = a_p NAV_{p-1} + C_p`` with
    ``a_p = (1 - RD_p)(1 + g)`` is solved as a lower-triangular matrix product.

    Parameters
    ----------
    params : TakahashiAlexanderParams
        RC schedule, life, bow, growth and yield (annual).
    commitment : float
        CC, the commitment in dollars (>= 0).
    periods_per_year : int, default 1
        1 for the paper's annual model, 4 for quarters (rates converted as in the module notes).
    n_periods : int, optional
        Number of periods to project; default ``ceil(life * periods_per_year)`` (to end of life).
    calls_stop_at_life : bool, default True
        Stop calling capital once ``t >= L``; ``False`` runs the paper's recursion unchanged.

    Returns
    -------
    pandas.DataFrame
        One row per period ``1..n_periods`` with columns ``period`` (int), ``call``,
        ``distribution``, ``nav`` (end of period), ``paid_in`` (cumulative calls) and
        ``unfunded`` (commitment less paid-in), all float dollars.

    Examples
    --------
    >>> p = TakahashiAlexanderParams((0.25, 0.5), life=3, bow=2.0, growth=0.10)
    >>> project_commitment(p, 100.0)["call"].round(2).tolist()
    [25.0, 37.5, 0.0]

    """
    if not (math.isfinite(commitment) and commitment >= 0.0):
        raise ValueError(f"commitment = {commitment} must be a non-negative number of dollars")
    if periods_per_year < 1:
        raise ValueError(f"periods_per_year = {periods_per_year} must be at least 1")
    n = math.ceil(params.life * periods_per_year - 1e-9) if n_periods is None else n_periods
    if n < 0:
        raise ValueError(f"n_periods = {n} must not be negative")

    period = np.arange(1, n + 1, dtype=np.int64)
    call, distribution, nav, paid_in, unfunded = project_arrays(
        np.asarray(params.rate_of_contribution, dtype=np.float64),
        params.life,
        params.bow,
        params.growth,
        params.yield_,
        commitment,
        periods_per_year,
        n,
        calls_stop_at_life=calls_stop_at_life,
    )
    return pd.DataFrame(
        {
            "period": period,
            "call": call,
            "distribution": distribution,
            "nav": nav,
            "paid_in": paid_in,
            "unfunded": unfunded,
        },
        columns=list(PROJECTION_COLUMNS),
    )


def project_from_state(
    params: TakahashiAlexanderParams,
    commitment: float,
    *,
    paid_in: float,
    nav: float,
    age_periods: int,
    n_periods: int,
    periods_per_year: int = 4,
    calls_stop_at_life: bool = True,
) -> pd.DataFrame:
    """Continue the Takahashi-Alexander recursion from a holding's known state.

    The same rates as :func:`project_commitment` for the periods after ``age_periods`` (the
    periods of life already elapsed), applied to the known ``paid_in`` (dollars called so far)
    and ``nav`` (dollars, e.g. the last reported NAV rolled to the start) instead of the model's
    own past: ``C = rc (CC - PIC)``, ``D = rd (1 + g) NAV_prev``,
    ``NAV = NAV_prev (1 + g) + C - D`` (Takahashi & Alexander 2002).

    Returns
    -------
    DataFrame
        ``period`` (counted from the state, 1..n), ``call``, ``distribution``, ``nav``,
        ``paid_in``, ``unfunded`` in dollars.
    """
    if n_periods < 0 or age_periods < 0:
        raise ValueError("n_periods and age_periods must not be negative")
    period = np.arange(1, n_periods + 1, dtype=np.int64)
    age = (age_periods + period) / periods_per_year
    year = np.ceil(age - 1e-12).astype(np.int64)
    schedule = np.asarray(params.rate_of_contribution, dtype=np.float64)
    rc = to_period_rate(schedule[np.minimum(year, schedule.size) - 1], periods_per_year)
    if calls_stop_at_life:
        rc = np.where(age >= params.life - 1e-12, 0.0, rc)
    rd = to_period_rate(
        ta_distribution_rate(age, params.life, params.bow, params.yield_), periods_per_year
    )
    g = to_period_growth(params.growth, periods_per_year)
    calls = np.zeros(n_periods)
    dists = np.zeros(n_periods)
    navs = np.zeros(n_periods)
    pic = np.zeros(n_periods)
    p, v = float(paid_in), float(nav)
    for i in range(n_periods):
        c = float(rc[i]) * max(commitment - p, 0.0)
        d = float(rd[i]) * (1.0 + g) * v
        v = max(v * (1.0 + g) + c - d, 0.0)
        p += c
        calls[i], dists[i], navs[i], pic[i] = c, d, v, p
    return pd.DataFrame(
        {
            "period": period,
            "call": calls,
            "distribution": dists,
            "nav": navs,
            "paid_in": pic,
            "unfunded": np.maximum(commitment - pic, 0.0),
        },
        columns=list(PROJECTION_COLUMNS),
    )
