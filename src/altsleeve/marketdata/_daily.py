"""Point-in-time daily interpolation of monthly total-return indices on a business-day calendar.

Owns the rule that turns a monthly return series (known only at month ends) into a daily level
that, on each business day, uses only what was known that day: simple accrual at a known annual
carry rate inside the month, and the month's full return on its last business day. The result
is an interpolation for valuing and stress-testing, not a traded daily index. Pure functions:
must not read files, touch the ledger or write anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from altsleeve.marketdata._bonds import bond_returns_from_yields
from altsleeve.marketdata._cash import tbill_returns

#: Day count for the within-month accrual: ACT/365.
DAYS_PER_YEAR = 365.0


def _month_codes(index: pd.DatetimeIndex) -> np.ndarray:
    """Integer month number ``year * 12 + month - 1`` of each date."""
    return np.asarray(index.year * 12 + index.month - 1, dtype=np.int64)


def _by_month(series: pd.Series, name: str) -> pd.Series:
    """Re-key a series indexed by dates (any day in the month) by integer month code."""
    if not isinstance(series.index, pd.DatetimeIndex):
        raise ValueError(f"{name} must be indexed by dates")
    codes = _month_codes(series.index)
    if len(np.unique(codes)) != len(codes):
        raise ValueError(f"{name} has more than one value in a month")
    return pd.Series(
        series.to_numpy(dtype=np.float64, na_value=np.nan), index=codes, dtype=np.float64
    )


def point_in_time_daily_index(
    calendar: pd.DatetimeIndex,
    carry_annual: pd.Series,
    monthly_returns: pd.Series,
    base: float = 100.0,
) -> pd.Series:
    """Daily index on a business-day calendar, built from what is known on each day.

    For business day ``t`` in month ``m``, with ``A_m`` the last business day of month ``m-1``
    (for the calendar's first month: the last calendar day of the previous month) and
    ``L(A_m)`` the level there:

    - ``L(t) = L(A_m) * (1 + c_m * (t - A_m) / 365)`` (simple ACT/365 accrual at the annual carry
      ``c_m``, which must be known at the start of month ``m``);
    - on the last business day ``E_m`` of month ``m``, if the month's return ``R_m`` is given,
      ``L(E_m) = L(A_m) * (1 + R_m)`` instead, so at month ends the daily index equals the
      monthly index rebased to ``base`` at ``A_first``.

    ``L(A_first) = base``. Months after the end of ``carry_annual`` reuse its last rate
    (extrapolation at the last known rate); months with no ``R_m`` (NaN or absent, e.g. after
    the end of the monthly data) keep accruing at ``c_m`` through their last business day and
    the next month starts from there. A last calendar row that is not its month's last weekday
    (a truncated calendar) is not treated as a month end.

    Point in time by construction: ``L(t)`` depends only on ``c`` and ``R`` for months up to
    ``m``, and on ``R_m`` only at ``t = E_m``; so removing the inputs after month ``m`` leaves
    every level through ``E_m`` unchanged, and removing ``R_{m+1}`` alone leaves month ``m+1``
    unchanged except at ``E_{m+1}``.

    Parameters
    ----------
    calendar : pandas.DatetimeIndex
        Business days (midnight, timezone-naive), increasing, with at least one day in every
        month between its first and last date.
    carry_annual : pandas.Series
        Annual simple carry rate in decimals for each month (indexed by any date in that month),
        known at the month's start. Must cover the calendar's first month.
    monthly_returns : pandas.Series
        Each month's total return in decimals (indexed by any date in that month); NaN or
        absent where not (yet) known.
    base : float, default 100.0
        Level at ``A_first``, the month end before the calendar's first day.

    Returns
    -------
    pandas.Series
        Daily levels (float64) indexed by ``calendar``.

    Raises
    ------
    ValueError
        If the calendar is not increasing, skips a month, or a month in it has no carry rate
        (before the first given rate).

    Notes
    -----
    The within-month path is an interpolation at the carry rate; the month's price change
    (e.g. a bond's duration effect, known only once the month's yield is known) arrives in one
    step on the month's last business day.
    """
    cal = pd.DatetimeIndex(calendar)
    if len(cal) == 0:
        return pd.Series([], index=cal, dtype=np.float64)
    if not cal.is_monotonic_increasing or cal.has_duplicates:
        raise ValueError("calendar must be strictly increasing")
    row_month = _month_codes(cal)
    months = np.arange(row_month[0], row_month[-1] + 1)
    if not np.isin(months, row_month).all():
        raise ValueError("calendar skips a whole month")
    pos = row_month - row_month[0]  # month position of each row

    # Carry per month: given rates, forward-filled past the end; none may be missing at the start.
    carry = _by_month(carry_annual, "carry_annual").dropna().sort_index()
    carry_m = carry.reindex(months).ffill().to_numpy()
    if np.isnan(carry_m).any():
        raise ValueError("carry_annual does not cover the calendar's first month")
    ret_m = _by_month(monthly_returns, "monthly_returns").reindex(months).to_numpy()

    # Last business day of each month, and the anchor A_m (the previous month's last business day).
    last_row = np.searchsorted(row_month, months, side="right") - 1
    dates = cal.to_numpy(dtype="datetime64[ns]")
    month_end = dates[last_row]
    first_anchor = (cal[0] - pd.offsets.MonthEnd(1)).to_datetime64()
    anchor = np.concatenate([[first_anchor], month_end[:-1]]).astype("datetime64[ns]")
    is_end_row = np.zeros(len(cal), dtype=bool)
    is_end_row[last_row] = True
    final = cal[-1]
    if final != final + pd.offsets.BMonthEnd(0):  # a truncated calendar: not a month end
        is_end_row[-1] = False
    month_closed = is_end_row[last_row]

    # Growth of each month from A_m to E_m, and the anchor levels L(A_m).
    span_days = (month_end - anchor) / np.timedelta64(1, "D")
    use_return = month_closed & ~np.isnan(ret_m)
    growth = np.where(use_return, 1.0 + ret_m, 1.0 + carry_m * span_days / DAYS_PER_YEAR)
    anchor_level = base * np.concatenate([[1.0], np.cumprod(growth[:-1])])

    # Rows.
    days = (dates - anchor[pos]) / np.timedelta64(1, "D")
    accrued = anchor_level[pos] * (1.0 + carry_m[pos] * days / DAYS_PER_YEAR)
    closed = anchor_level[pos] * (1.0 + ret_m[pos])
    level = np.where(is_end_row & use_return[pos], closed, accrued)
    return pd.Series(level, index=cal, name="level", dtype=np.float64)


def bond_daily_index(
    yields_pct: pd.Series,
    calendar: pd.DatetimeIndex,
    maturity_years: float = 20.0,
    base: float = 100.0,
) -> pd.Series:
    """Point-in-time daily total-return index of a constant-maturity par bond.

    Month ``m``'s return ``R_m`` comes from :func:`bond_returns_from_yields` (duration +
    convexity, Swinkels 2019, *Data* 4(3), 91); the carry inside month ``m`` is
    ``c_m = y_{m-1} / 100``, last month's average yield, known at the end of month ``m-1``.
    Both feed :func:`point_in_time_daily_index`. The month's average yield ``y_m`` is used on
    the month's last business day, when its last daily input exists.

    Parameters
    ----------
    yields_pct : pandas.Series
        Consecutive monthly yields in percent, indexed by a date in each month (e.g. the 1st).
    calendar : pandas.DatetimeIndex
        Business days; its first month needs the previous month's yield.
    maturity_years : float, default 20.0
        Constant maturity of the par bond, years.
    base : float, default 100.0
        Level at the month end before the calendar's first day.

    Returns
    -------
    pandas.Series
        Daily levels indexed by ``calendar``.
    """
    dates = pd.DatetimeIndex(yields_pct.index)
    returns = bond_returns_from_yields(yields_pct, maturity_years=maturity_years, convexity=True)
    next_month = dates + pd.offsets.MonthEnd(0) + pd.Timedelta(days=1)  # 1st of month m+1
    carry = pd.Series(  # y_{m-1} serves month m
        yields_pct.to_numpy(dtype=np.float64, na_value=np.nan) / 100.0, index=next_month
    )
    return point_in_time_daily_index(calendar, carry, returns, base=base)


def tbill_daily_index(
    rf_pct: pd.Series, calendar: pd.DatetimeIndex, base: float = 100.0
) -> pd.Series:
    """Point-in-time daily total-return index of one-month T-bills.

    The carry inside month ``m`` is the month's own bill rate as an annual simple rate,
    ``c_m = RF_m / 100 * 12`` (a one-month bill's yield is fixed when it is bought at the
    start of the month); ``R_m = RF_m / 100`` (Kenneth R. French Data Library). Months after the
    last ``RF`` accrue at the last known rate (:func:`point_in_time_daily_index`).

    Parameters
    ----------
    rf_pct : pandas.Series
        Monthly T-bill returns in percent, indexed by a date in each month.
    calendar : pandas.DatetimeIndex
        Business days.
    base : float, default 100.0
        Level at the month end before the calendar's first day.

    Returns
    -------
    pandas.Series
        Daily levels indexed by ``calendar``.
    """
    carry = rf_pct.astype(np.float64) / 100.0 * 12.0
    return point_in_time_daily_index(calendar, carry, tbill_returns(rf_pct), base=base)
