"""Point-in-time calibration of the Takahashi-Alexander model to one holding's own history.

Owns two steps: :func:`quarterly_history`, which folds a holding's cash flows and GP statements
into one row per quarter of the fund's life using only what was known on a given day, and
:func:`calibrate`, which fits the five Takahashi & Alexander (2002) parameters (a constant rate of
contribution RC, life L, bow B, growth G, yield Y) to that history by weighted least squares.
Pure computation on frames handed in; must not do I/O, must not import the ledger, the sample
book or the command line, and must not change the model itself (that belongs to
:mod:`altsleeve.pacing._takahashi`, whose :func:`project_commitment` is the only model used here).

Point in time: a row enters the history only if it is dated on or before ``as_of`` and was known
on or before ``as_of`` (``known_on <= as_of``); of several versions of a statement, the latest one
known by ``as_of`` is kept. Only complete quarters (quarter end ``<= as_of``) are returned, so a
partly elapsed quarter never looks like a quarter with small flows.

Reference: Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling",
*The Journal of Portfolio Management* 28(2), 90-100.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np
import pandas as pd
from scipy.optimize import least_squares

from altsleeve.pacing._takahashi import FloatArray, TakahashiAlexanderParams, project_arrays

#: Anything :class:`pandas.Timestamp` reads as a day.
DateLike: TypeAlias = str | dt.date | np.datetime64

#: Column order of :func:`quarterly_history`'s result.
HISTORY_COLUMNS: tuple[str, ...] = ("quarter", "quarter_end", "call", "distribution", "nav")

#: Default prior for drawdown funds: buyout-like (RC 25 %/yr, L 12 yr, B 2.5, G 10 %/yr, Y 0).
BUYOUT_PRIOR = TakahashiAlexanderParams(
    rate_of_contribution=(0.25,), life=12.0, bow=2.5, growth=0.10, yield_=0.0
)

#: Bounds of (RC, L, B, G, Y): RC decimal/yr, L years, B unitless, G decimal/yr, Y decimal/yr.
_LOWER = np.array([0.01, 2.0, 0.5, -0.5, 0.0])
_UPPER = np.array([1.0, 30.0, 10.0, 1.0, 0.5])
#: Typical scale of each parameter: the unit of the prior penalty and of the optimiser's steps.
_SCALE = np.array([0.10, 5.0, 1.0, 0.10, 0.05])
#: Starting points relative to the prior: (factor on L and B, least starting Y).
_STARTS: tuple[tuple[float, float], ...] = ((1.0, 0.0), (0.7, 0.0), (1.4, 0.0), (1.0, 0.05))


@dataclass(frozen=True)
class CalibrationResult:
    """Fitted Takahashi-Alexander parameters and the quality of the fit.

    Attributes
    ----------
    params : TakahashiAlexanderParams
        Fitted parameters; ``rate_of_contribution`` holds one constant annual rate.
    fit_rmse_calls : float
        Root mean square error of the quarterly calls, decimal of the commitment.
    fit_rmse_distributions : float
        Same for the quarterly distributions (fees excluded), decimal of the commitment.
    fit_rmse_nav : float
        RMSE of the quarter-end reported NAVs, decimal of the commitment; NaN if none is known.
    n_quarters : int
        Quarters of history fitted.
    as_of : pandas.Timestamp
        The day the history was taken as known (point in time of the calibration).

    """

    params: TakahashiAlexanderParams
    fit_rmse_calls: float
    fit_rmse_distributions: float
    fit_rmse_nav: float
    n_quarters: int
    as_of: pd.Timestamp


def _day(value: DateLike, name: str) -> pd.Timestamp:
    """Parse ``value`` as a day (midnight); raise :class:`ValueError` if it is not one."""
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        raise ValueError(f"{name} = {value!r} is not a date")
    return ts.normalize()


def _days(column: pd.Series) -> pd.Series:
    """Dates of a column as normalised datetimes."""
    days: pd.Series = pd.to_datetime(column).dt.normalize()
    return days


def _quarter_number(days: pd.Series, first: pd.Timestamp) -> pd.Series:
    """1-based quarter of the fund's life of each day, quarter 1 the one containing ``first``."""
    ordinal: pd.Series = days.dt.year * 4 + days.dt.quarter - 1
    return ordinal - (first.year * 4 + first.quarter - 1) + 1


def _check_one_holding(frame: pd.DataFrame, name: str) -> None:
    """Raise :class:`ValueError` if ``frame`` mixes several ``holding_id`` values."""
    if "holding_id" in frame.columns and frame["holding_id"].nunique(dropna=True) > 1:
        raise ValueError(f"{name} holds more than one holding_id; pass one holding at a time")


def quarterly_history(
    cashflows: pd.DataFrame,
    statements: pd.DataFrame,
    as_of: DateLike,
    first_call: DateLike | None = None,
) -> pd.DataFrame:
    """Fold one holding's cash flows and statements into quarters, as known on ``as_of``.

    Parameters
    ----------
    cashflows : pandas.DataFrame
        Columns ``date``, ``kind`` (``call``, ``distribution`` or ``fee``) and ``amount``
        (dollars; positive by convention, the absolute value is used), optionally ``known_on``
        (default: ``date``) and ``holding_id`` (a single value).
    statements : pandas.DataFrame
        GP marks: columns ``as_of`` (the NAV date), ``known_on`` and ``nav`` (dollars), optionally
        ``version`` and ``holding_id``. Several rows for one NAV date are versions; the one with the
        highest ``version`` (then latest ``known_on``) among those known by ``as_of`` is used.
    as_of : date-like
        The day of the calibration: only rows with ``known_on <= as_of`` and dated
        ``<= as_of`` are used, and only quarters ending on or before it are returned.
    first_call : date-like, optional
        Start of the fund's life; default the date of the first call known by ``as_of``.
        Quarter 1 is the calendar quarter containing it; flows dated before it are dropped.

    Returns
    -------
    pandas.DataFrame
        One row per complete quarter since the first call, columns ``quarter`` (int, 1..n),
        ``quarter_end`` (Timestamp), ``call`` and ``distribution`` (dollars in the quarter, fees
        excluded) and ``nav`` (reported NAV dated at that quarter end, dollars, NaN if none is
        known). ``attrs["as_of"]`` holds ``as_of``. Empty if no call is known and no
        ``first_call`` is given.

    """
    day = _day(as_of, "as_of")
    _check_one_holding(cashflows, "cashflows")
    _check_one_holding(statements, "statements")

    cf = cashflows.copy()
    cf["date"] = _days(cf["date"])
    cf["known_on"] = _days(cf["known_on"]) if "known_on" in cf.columns else cf["date"]
    cf = cf[(cf["known_on"] <= day) & (cf["date"] <= day)]
    cf = cf[cf["kind"].isin(["call", "distribution"])]

    if first_call is not None:
        first = _day(first_call, "first_call")
    else:
        calls = cf.loc[cf["kind"] == "call", "date"]
        if calls.empty:
            return _empty_history(day)
        first = pd.Timestamp(calls.min())

    n = (day.year * 4 + day.quarter) - (first.year * 4 + first.quarter) + 1
    if n > 0 and pd.Period(day, freq="Q").end_time.normalize() > day:
        n -= 1  # the quarter containing as_of is not complete
    if n <= 0:
        return _empty_history(day)

    quarter = np.arange(1, n + 1, dtype=np.int64)
    ends = pd.period_range(start=pd.Period(first, freq="Q"), periods=n, freq="Q")
    quarter_end = pd.DatetimeIndex(ends.end_time).normalize()

    q = _quarter_number(cf["date"], first)
    amount = cf["amount"].astype(float).abs()
    call = np.zeros(n)
    dist = np.zeros(n)
    for kind, target in (("call", call), ("distribution", dist)):
        keep = (cf["kind"] == kind) & (q >= 1) & (q <= n)
        sums = amount[keep].groupby(q[keep]).sum()
        target[sums.index.to_numpy(dtype=np.int64) - 1] = sums.to_numpy(dtype=np.float64)

    st = statements.copy()
    nav = np.full(n, np.nan)
    if not st.empty:
        st["as_of"] = _days(st["as_of"])
        st["known_on"] = _days(st["known_on"])
        st = st[(st["known_on"] <= day) & (st["as_of"] <= day)]
        order = ["as_of", "known_on"]
        if "version" in st.columns:
            order.insert(1, "version")
        st = st.sort_values(order, kind="stable").drop_duplicates("as_of", keep="last")
        position = pd.Series(np.arange(n), index=quarter_end)
        on_quarter_end = st[st["as_of"].isin(quarter_end)]
        idx = position.loc[pd.DatetimeIndex(on_quarter_end["as_of"])].to_numpy()
        nav[idx] = on_quarter_end["nav"].astype(float).to_numpy()

    out = pd.DataFrame(
        {
            "quarter": quarter,
            "quarter_end": quarter_end,
            "call": call,
            "distribution": dist,
            "nav": nav,
        },
        columns=list(HISTORY_COLUMNS),
    )
    out.attrs["as_of"] = day
    return out


def _empty_history(day: pd.Timestamp) -> pd.DataFrame:
    """An empty history frame with the right columns and ``attrs["as_of"]``."""
    out = pd.DataFrame(
        {
            "quarter": pd.Series(dtype=np.int64),
            "quarter_end": pd.Series(dtype="datetime64[ns]"),
            "call": pd.Series(dtype=np.float64),
            "distribution": pd.Series(dtype=np.float64),
            "nav": pd.Series(dtype=np.float64),
        }
    )
    out.attrs["as_of"] = day
    return out


def _params(x: FloatArray) -> TakahashiAlexanderParams:
    """Parameters from the vector ``(RC, L, B, G, Y)``."""
    return TakahashiAlexanderParams(
        rate_of_contribution=(float(x[0]),),
        life=float(x[1]),
        bow=float(x[2]),
        growth=float(x[3]),
        yield_=float(x[4]),
    )


def _model(x: FloatArray, n: int) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Quarterly calls, distributions and NAVs per unit of commitment for parameters ``x``."""
    call, distribution, nav, _, _ = project_arrays(
        np.array([x[0]], dtype=np.float64),
        float(x[1]),
        float(x[2]),
        float(x[3]),
        float(x[4]),
        1.0,
        4,
        n,
    )
    return call, distribution, nav


def _rmse(residual: FloatArray) -> float:
    """Root mean square of ``residual``; NaN when it is empty."""
    return float(np.sqrt(np.mean(residual**2))) if residual.size else math.nan


def calibrate(
    history: pd.DataFrame,
    commitment: float,
    *,
    prior: TakahashiAlexanderParams | None = None,
    vehicle_type: str = "drawdown",
    prior_weight: float = 1e-5,
    weights: tuple[float, float, float] = (1.0, 1.0, 0.5),
) -> CalibrationResult:
    """Fit the Takahashi-Alexander parameters to a quarterly history by weighted least squares.

    The model (Takahashi & Alexander 2002, run quarterly by :func:`project_commitment` with
    ``periods_per_year=4``) has five free parameters ``x = (RC, L, B, G, Y)``: one constant annual
    rate of contribution RC (used every year), life L (years), bow B, annual growth G and annual
    yield Y (decimals). With ``c_q, d_q, v_q`` the observed call, distribution and reported NAV of
    quarter ``q`` divided by the commitment, and ``C_q(x), D_q(x), V_q(x)`` the model's per unit
    of commitment, the fit minimises (``scipy.optimize.least_squares``, trust-region reflective
    with bounds)::

        sum_q w_c^2 (C_q - c_q)^2 + w_d^2 (D_q - d_q)^2
        + sum_{q: v_q known} w_v^2 (V_q - v_q)^2
        + prior_weight * sum_k ((x_k - prior_k) / s_k)^2

    Weights ``(w_c, w_d, w_v) = weights``, default ``(1, 1, 0.5)``: flows count fully; NAVs, which
    are levels carrying the accumulated error of all earlier flows and the GP's smoothing, count
    half. The prior term, with scales ``s = (0.10, 5 yr, 1, 0.10, 0.05)``, is weak: at the default
    ``prior_weight = 1e-5`` a one-scale deviation costs as much as a single quarter missed by
    about 0.3 % of the commitment, so a long history overrides it while a short one (whose flows
    say little about L, B, G or Y) stays near it. Y is the least identified parameter (it only
    binds while ``(t/L)^B < Y``, early in the life when the NAV is small), so the prior holds it
    more than the others. Bounds: RC in ``[0.01, 1]``, L in ``[2, 30]`` years,
    B in ``[0.5, 10]``, G in ``[-0.5, 1]``, Y in ``[0, 0.5]``. The fit starts from the prior, from
    ``(0.7 L, 0.7 B)`` and ``(1.4 L, 1.4 B)`` (the model is not convex in L and B), and from the
    prior with ``Y = max(Y, 0.05)`` (at ``Y = 0`` the floor ``max(Y, (t/L)^B)`` is inactive and its
    gradient zero, so a fit started there never finds a yield), and keeps the lowest cost.

    Default prior, buyout-like (in the spirit of the paper's illustrations): RC 25 %/yr, L 12
    years, B 2.5, G 10 %/yr, Y 0 (:data:`BUYOUT_PRIOR`). A prior whose RC schedule has several
    years contributes the mean of the schedule as its constant RC.

    Parameters
    ----------
    history : pandas.DataFrame
        Output of :func:`quarterly_history`: ``quarter``, ``quarter_end``, ``call``,
        ``distribution`` (dollars) and ``nav`` (dollars, NaN where unknown), quarters 1..n.
    commitment : float
        The holding's commitment in dollars (> 0); all series are fitted as fractions of it.
    prior : TakahashiAlexanderParams, optional
        Parameters the fit is weakly pulled towards; default :data:`BUYOUT_PRIOR`.
    vehicle_type : str, default "drawdown"
        Only ``"drawdown"``: the model describes closed-end commitments, not perpetual vehicles.
    prior_weight : float, default 1e-5
        Strength of the prior penalty (>= 0; 0 disables it).
    weights : tuple of float, default (1.0, 1.0, 0.5)
        Weights of the call, distribution and NAV residuals (unitless).

    Returns
    -------
    CalibrationResult
        Fitted parameters, unweighted RMSEs of calls, distributions and NAVs (decimal of the
        commitment), the number of quarters and ``history.attrs["as_of"]`` (else the last
        quarter end). With no quarter of history the prior is returned with NaN RMSEs.

    """
    if vehicle_type != "drawdown":
        raise ValueError(f"vehicle_type = {vehicle_type!r}: only 'drawdown' is modelled")
    if not (math.isfinite(commitment) and commitment > 0.0):
        raise ValueError(f"commitment = {commitment} must be a positive number of dollars")
    if not (math.isfinite(prior_weight) and prior_weight >= 0.0):
        raise ValueError(f"prior_weight = {prior_weight} must be non-negative")
    prior = BUYOUT_PRIOR if prior is None else prior
    n = len(history)
    if "as_of" in history.attrs:
        as_of = _day(history.attrs["as_of"], "history.attrs['as_of']")
    elif n:
        as_of = _day(history["quarter_end"].iloc[-1], "last quarter_end")
    else:
        raise ValueError("an empty history needs attrs['as_of'] (use quarterly_history)")
    if n == 0:
        return CalibrationResult(prior, math.nan, math.nan, math.nan, 0, as_of)
    if not np.array_equal(history["quarter"].to_numpy(), np.arange(1, n + 1)):
        raise ValueError("history must hold quarters 1..n in order")

    c_obs = history["call"].to_numpy(dtype=np.float64) / commitment
    d_obs = history["distribution"].to_numpy(dtype=np.float64) / commitment
    v_all = history["nav"].to_numpy(dtype=np.float64) / commitment
    known = np.isfinite(v_all)
    v_obs = v_all[known]
    w_c, w_d, w_v = weights

    x_prior = np.array(
        [
            float(np.mean(prior.rate_of_contribution)),
            prior.life,
            prior.bow,
            prior.growth,
            prior.yield_,
        ]
    )
    x_prior = np.clip(x_prior, _LOWER, _UPPER)
    root_w = math.sqrt(prior_weight)

    def residuals(x: FloatArray) -> FloatArray:
        c, d, v = _model(x, n)
        return np.concatenate(
            (
                w_c * (c - c_obs),
                w_d * (d - d_obs),
                w_v * (v[known] - v_obs),
                root_w * (x - x_prior) / _SCALE,
            )
        )

    best = None
    for factor, yield_start in _STARTS:
        x0 = x_prior.copy()
        x0[1:3] *= factor
        x0[4] = max(x0[4], yield_start)
        x0 = np.clip(x0, _LOWER + 1e-9, _UPPER - 1e-9)
        fit = least_squares(
            residuals,
            x0,
            bounds=(_LOWER, _UPPER),
            x_scale=_SCALE,
            method="trf",
            xtol=1e-10,
            ftol=1e-12,
            gtol=1e-12,
        )
        if best is None or fit.cost < best.cost:
            best = fit
    assert best is not None
    x_hat = np.asarray(best.x, dtype=np.float64)

    c, d, v = _model(x_hat, n)
    return CalibrationResult(
        params=_params(x_hat),
        fit_rmse_calls=_rmse(c - c_obs),
        fit_rmse_distributions=_rmse(d - d_obs),
        fit_rmse_nav=_rmse(v[known] - v_obs),
        n_quarters=n,
        as_of=as_of,
    )
