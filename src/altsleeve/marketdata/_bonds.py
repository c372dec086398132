"""Bond arithmetic: par-bond duration and convexity, and yield-to-return conversion.

Owns the pure functions that turn a monthly series of yields into the monthly total returns of a
constant-maturity par bond (duration + convexity approximation), and the exact repricing used to
check that approximation. Pure functions of floats, arrays and Series: must not read files,
touch the ledger or write anything.

Sources
-------
- Modified duration and convexity of a par bond with semiannual coupons: Tuckman & Serrat,
  *Fixed Income Securities*, 3rd ed., eqs. (4.45) and (4.52); the same definitions are in
  Fabozzi, *Bond Markets, Analysis and Strategies*, ch. 4 ("Bond price volatility").
- Yield-to-return conversion ``r_t = carry - D * dy + 0.5 * C * dy**2``: Swinkels, L. (2019),
  "Treasury Bond Return Data Starting in 1962", *Data* 4(3), 91 (its data set was later extended
  as "International government bond returns since 1947").
"""

from __future__ import annotations

from typing import overload

import numpy as np
import numpy.typing as npt
import pandas as pd

FloatArray = npt.NDArray[np.float64]

#: Below this absolute yield (decimal) the closed forms lose precision (they divide by ``y``
#: and ``y**2``); the direct cash-flow sum is used instead.
_SMALL_YIELD = 1e-3


def _n_periods(maturity_years: float, freq: int) -> int:
    """Return the number of coupon periods ``maturity_years * freq``, checked to be whole."""
    if freq < 1:
        raise ValueError(f"freq must be a positive integer, got {freq}")
    n = maturity_years * freq
    if maturity_years <= 0 or abs(n - round(n)) > 1e-9:
        raise ValueError(
            f"maturity_years * freq must be a positive whole number, got {maturity_years} * {freq}"
        )
    return round(n)


def _cash_flow_measures(y: FloatArray, maturity_years: float, freq: int) -> tuple[FloatArray, ...]:
    """Price, modified duration and convexity of a par bond by direct cash-flow sums.

    ``P = sum_k CF_k z**-k``, ``D = sum_k CF_k t_k z**-(k+1) / P``,
    ``C = sum_k CF_k t_k (t_k + 1/freq) z**-(k+2) / P`` with ``z = 1 + y/freq``,
    ``t_k = k/freq``, coupon ``CF_k = y/freq`` plus 1 at maturity (Tuckman & Serrat, ch. 4).
    """
    n = _n_periods(maturity_years, freq)
    k = np.arange(1, n + 1, dtype=np.float64)
    t = k / freq
    yy = y[..., None]
    z = 1.0 + yy / freq
    cf = np.broadcast_to(yy / freq, (*yy.shape[:-1], n)).copy()
    cf[..., -1] += 1.0
    disc = z ** (-k)
    price = (cf * disc).sum(axis=-1)
    duration = (cf * t * disc / z).sum(axis=-1) / price
    convexity = (cf * t * (t + 1.0 / freq) * disc / z**2).sum(axis=-1) / price
    return price, duration, convexity


@overload
def par_bond_modified_duration(y: float, maturity_years: float, freq: int = 2) -> float: ...
@overload
def par_bond_modified_duration(
    y: FloatArray, maturity_years: float, freq: int = 2
) -> FloatArray: ...
def par_bond_modified_duration(
    y: float | FloatArray, maturity_years: float, freq: int = 2
) -> float | FloatArray:
    """Modified duration of a bond priced at par.

    For a bond whose coupon equals its yield (so its price is 1 per 1 of face value), on a coupon
    date, the closed form is

    ``D = (1 - (1 + y/freq) ** (-freq * M)) / y``

    (Tuckman & Serrat, *Fixed Income Securities*, eq. 4.45, semiannual case; Fabozzi, *Bond
    Markets, Analysis and Strategies*, ch. 4). ``D = -(1/P) dP/dy`` with ``y`` compounded
    ``freq`` times a year. At ``y = 0`` the limit is ``M``; near zero a direct cash-flow sum is
    used to avoid cancellation.

    Parameters
    ----------
    y : float or numpy.ndarray
        Yield to maturity in decimals (0.06 for 6%), compounded ``freq`` times a year.
    maturity_years : float
        Maturity ``M`` in years; ``M * freq`` must be a whole number.
    freq : int, default 2
        Coupons per year (2: semiannual).

    Returns
    -------
    float or numpy.ndarray
        Modified duration in years (price change per unit change in decimal yield), with the
        shape of ``y``. NaN yields give NaN.

    Examples
    --------
    >>> round(par_bond_modified_duration(0.06, 20.0), 4)
    11.5574
    """
    n = _n_periods(maturity_years, freq)
    arr = np.asarray(y, dtype=np.float64)
    small = np.abs(arr) < _SMALL_YIELD
    safe = np.where(small, 1.0, arr)
    out = (1.0 - (1.0 + safe / freq) ** (-n)) / safe
    if small.any():
        out = np.where(small, _cash_flow_measures(arr, maturity_years, freq)[1], out)
    return out if isinstance(y, np.ndarray) else float(out)


@overload
def par_bond_convexity(y: float, maturity_years: float, freq: int = 2) -> float: ...
@overload
def par_bond_convexity(y: FloatArray, maturity_years: float, freq: int = 2) -> FloatArray: ...
def par_bond_convexity(
    y: float | FloatArray, maturity_years: float, freq: int = 2
) -> float | FloatArray:
    """Convexity of a bond priced at par.

    With ``z = 1 + y/freq`` and ``n = freq * M``, the closed form for a par bond on a coupon date
    is

    ``C = (2 / y**2) * (1 - z**(-n)) - (2 * M) / (y * z**(n + 1))``

    (Tuckman & Serrat, *Fixed Income Securities*, eq. 4.52, semiannual case; the definition
    ``C = (1/P) d2P/dy2`` is Fabozzi's, *Bond Markets, Analysis and Strategies*, ch. 4). At
    ``y = 0`` the limit is ``M * (M + 1/freq)``; near zero a direct cash-flow sum is used.

    Parameters
    ----------
    y : float or numpy.ndarray
        Yield to maturity in decimals, compounded ``freq`` times a year.
    maturity_years : float
        Maturity ``M`` in years; ``M * freq`` must be a whole number.
    freq : int, default 2
        Coupons per year.

    Returns
    -------
    float or numpy.ndarray
        Convexity in years squared, with the shape of ``y``.

    Examples
    --------
    >>> round(par_bond_convexity(0.06, 20.0), 2)
    186.83
    """
    n = _n_periods(maturity_years, freq)
    arr = np.asarray(y, dtype=np.float64)
    small = np.abs(arr) < _SMALL_YIELD
    safe = np.where(small, 1.0, arr)
    z = 1.0 + safe / freq
    out = (2.0 / safe**2) * (1.0 - z ** (-n)) - (2.0 * maturity_years) / (safe * z ** (n + 1))
    if small.any():
        out = np.where(small, _cash_flow_measures(arr, maturity_years, freq)[2], out)
    return out if isinstance(y, np.ndarray) else float(out)


@overload
def par_bond_exact_return(
    y_prev: float, y_now: float, maturity_years: float, freq: int = 2, months: int = 1
) -> float: ...
@overload
def par_bond_exact_return(
    y_prev: FloatArray | float,
    y_now: FloatArray,
    maturity_years: float,
    freq: int = 2,
    months: int = 1,
) -> FloatArray: ...
@overload
def par_bond_exact_return(
    y_prev: FloatArray,
    y_now: FloatArray | float,
    maturity_years: float,
    freq: int = 2,
    months: int = 1,
) -> FloatArray: ...
def par_bond_exact_return(
    y_prev: float | FloatArray,
    y_now: float | FloatArray,
    maturity_years: float,
    freq: int = 2,
    months: int = 1,
) -> float | FloatArray:
    """Exact holding-period return of a par bond repriced at a new yield.

    Buy at par (price 1), on a coupon date, a bond with coupon rate ``y_prev`` and maturity
    ``M``. ``months`` later its maturity is ``M - months/12``; price it at yield ``y_now``
    and add the coupon accrued over the ``months`` (the full, "dirty" price):

    ``1 + r = sum_k CF_k * (1 + y_now/freq) ** (-freq * (k/freq - months/12))``

    with ``CF_k = y_prev/freq`` and ``1`` added at ``k = freq*M``; this equals the clean price
    (street convention) plus linear accrual ``y_prev * months / 12``. Coupons falling due inside
    the holding period (``months >= 12/freq``) are added at face value, not reinvested. This is
    the exact repricing behind the duration/convexity approximation of
    :func:`bond_returns_from_yields` (Swinkels 2019, *Data* 4(3), 91; Tuckman & Serrat ch. 4).

    Parameters
    ----------
    y_prev : float or numpy.ndarray
        Yield (and coupon rate) at purchase, decimals.
    y_now : float or numpy.ndarray
        Yield at the end of the holding period, decimals; broadcast against ``y_prev``.
    maturity_years : float
        Maturity ``M`` at purchase, years; ``M * freq`` must be a whole number.
    freq : int, default 2
        Coupons per year.
    months : int, default 1
        Holding period in months, ``0 <= months < 12 * M``.

    Returns
    -------
    float or numpy.ndarray
        Total return over the holding period, decimal (0.01 for +1%).

    Examples
    --------
    >>> round(par_bond_exact_return(0.06, 0.06, 20.0), 6)  # (1.03)**(1/6) - 1
    0.004939
    """
    n = _n_periods(maturity_years, freq)
    if not 0 <= months < 12 * maturity_years:
        raise ValueError(f"months must be in [0, 12 * maturity_years), got {months}")
    yp = np.asarray(y_prev, dtype=np.float64)[..., None]
    yn = np.asarray(y_now, dtype=np.float64)[..., None]
    k = np.arange(1, n + 1, dtype=np.float64)
    t = k / freq - months / 12.0
    shape = (*np.broadcast_shapes(yp.shape, yn.shape)[:-1], n)
    cf = np.broadcast_to(yp / freq, shape).copy()
    cf[..., -1] += 1.0
    disc = np.where(t > 0, (1.0 + yn / freq) ** (-freq * np.maximum(t, 0.0)), 1.0)
    out = (cf * disc).sum(axis=-1) - 1.0
    if isinstance(y_prev, np.ndarray) or isinstance(y_now, np.ndarray):
        return np.asarray(out, dtype=np.float64)
    return float(out)


def bond_returns_from_yields(
    yields_pct: pd.Series, maturity_years: float = 20.0, convexity: bool = True
) -> pd.Series:
    """Monthly total returns of a constant-maturity par bond from a monthly yield series.

    Each month the bond is bought at par at last month's yield and repriced at this month's
    yield (Swinkels 2019, "Treasury Bond Return Data Starting in 1962", *Data* 4(3), 91):

    ``r_t = y_{t-1}/12 - D_{t-1} * (y_t - y_{t-1}) + 0.5 * C_{t-1} * (y_t - y_{t-1})**2``

    with ``y`` in decimals and ``D_{t-1}``, ``C_{t-1}`` the modified duration and convexity of
    a par bond of maturity ``maturity_years`` with semiannual coupons at yield ``y_{t-1}``
    (:func:`par_bond_modified_duration`, :func:`par_bond_convexity`). The carry ``y/12`` is
    simple; the exact one-month carry of a semiannual bond is ``(1 + y/2)**(1/6) - 1``, lower
    by about 0.6 bp a month at 6% (see :func:`par_bond_exact_return`).

    Parameters
    ----------
    yields_pct : pandas.Series
        Consecutive monthly yields in percent (5.35 for 5.35%). If indexed by dates, the
        months must be consecutive.
    maturity_years : float, default 20.0
        Constant maturity ``M`` of the bond, years.
    convexity : bool, default True
        Include the convexity term; ``False`` gives the duration-only approximation.

    Returns
    -------
    pandas.Series
        Monthly returns in decimals, same index as ``yields_pct``; the first is NaN (no previous
        yield), and a NaN yield makes the returns that use it NaN.

    Raises
    ------
    ValueError
        If a date index skips or repeats a month.
    """
    if isinstance(yields_pct.index, pd.DatetimeIndex) and len(yields_pct) > 1:
        months = yields_pct.index.year * 12 + yields_pct.index.month
        if not (np.diff(np.asarray(months)) == 1).all():
            raise ValueError("yields_pct must hold consecutive months")
    y = yields_pct.to_numpy(dtype=np.float64, na_value=np.nan) / 100.0
    y_prev = y[:-1]
    dy = np.diff(y)
    r = y_prev / 12.0 - par_bond_modified_duration(y_prev, maturity_years) * dy
    if convexity:
        r = r + 0.5 * par_bond_convexity(y_prev, maturity_years) * dy**2
    out = np.concatenate([[np.nan], r])
    return pd.Series(out, index=yields_pct.index, name=yields_pct.name, dtype=np.float64)
