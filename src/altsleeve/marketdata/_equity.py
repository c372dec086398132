"""Point-in-time daily total-return indices of the shipped equity price indices.

Owns the dividend yield implied by the Fama-French market total return and a daily price index,
and the daily total-return index built from them (``SP500_TR``, ``NASDAQ_TR``). The shipped
S&P 500 and NASDAQ Composite are price indices without dividends; the private funds' returns
include income, so comparisons against a price index are tilted by about the dividend yield.
Pure functions: must not read files, touch the ledger or write anything.

Method (``docs/marketdata.md``)
-------------------------------
For month ``m`` with a known Fama-French market total return ``M_m = (Mkt-RF + RF) / 100`` and
the price index's month-end to month-end return ``P_m`` (last close of ``m`` over the last close
of ``m - 1``), the implied dividend return is ``d_m = M_m - P_m``. The annual yield used in
month ``m`` is ``y_m = max(0, 12 * mean(d_{m-k}, k = 1..K))`` over the trailing ``K`` months
(``window_months``, at least ``min_months`` of them), times ``yield_scale``: only months that
ended before month ``m`` starts, so ``y_m`` is known on its first day. Months after the last
Fama-French month reuse the last known yield; months before ``min_months`` trailing months exist
use a yield of 0 (the index is then the price index: stated, not filled in).

On business day ``t`` (previous business day ``t-1``) in month ``m``::

    TR_t = TR_{t-1} * (1 + P_t / P_{t-1} - 1 + y_m * days(t - t-1) / 365)

``TR`` equals the price index on the first day. Point in time: ``TR_t`` depends only on prices
up to ``t`` and Fama-French months before ``t``'s month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Day count of the dividend accrual: ACT/365.
DAYS_PER_YEAR = 365.0

#: Trailing months averaged into the implied yield, and the fewest that give a yield (with 12, the
#: 1999-2000 window gave up to 10%: the small-cap rally, not dividends; 18 keeps it under 4%).
YIELD_WINDOW_MONTHS = 36
YIELD_MIN_MONTHS = 18

#: NASDAQ Composite's dividend yield as a share of the market's implied yield (an assumption:
#: the tech-heavy NASDAQ Composite paid about half the broad market's yield over 1999-2018; its
#: own implied yield from the Fama-French market is swamped by tracking differences).
NASDAQ_YIELD_SCALE = 0.5


def _month_codes(index: pd.DatetimeIndex) -> np.ndarray:
    return np.asarray(index.year * 12 + index.month - 1, dtype=np.int64)


def implied_dividend_yield(
    prices: pd.Series,
    market_returns: pd.Series,
    *,
    window_months: int = YIELD_WINDOW_MONTHS,
    min_months: int = YIELD_MIN_MONTHS,
    yield_scale: float = 1.0,
) -> pd.Series:
    """Annual dividend yield per month of a price index, implied by the market total return.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes of a price index, indexed by increasing business days.
    market_returns : pandas.Series
        Monthly market total return in decimals (``(Mkt-RF + RF) / 100``), indexed by a date in
        each month; known at the month's end.
    window_months : int
        Trailing months averaged (``K``).
    min_months : int
        Fewest trailing months that give a yield; before that the yield is 0.
    yield_scale : float
        Factor on the implied yield (1 for the S&P 500; :data:`NASDAQ_YIELD_SCALE` for NASDAQ).

    Returns
    -------
    pandas.Series
        Annual yield (decimal, >= 0) for every month of ``prices``, indexed by the month's first
        calendar day; the yield of month ``m`` uses only months that ended before ``m``.
    """
    if window_months < 1 or not 1 <= min_months <= window_months or yield_scale < 0:
        raise ValueError("need window_months >= min_months >= 1 and yield_scale >= 0")
    idx = pd.DatetimeIndex(prices.index)
    if not idx.is_monotonic_increasing or idx.has_duplicates:
        raise ValueError("prices must be indexed by increasing, unique dates")
    codes = _month_codes(idx)
    values = prices.to_numpy(dtype=np.float64)
    months = np.arange(codes[0], codes[-1] + 1)
    last_close = pd.Series(values, index=codes).groupby(level=0).last().reindex(months)
    price_ret = last_close / last_close.shift(1) - 1.0  # NaN for the first month
    mkt = pd.Series(
        market_returns.to_numpy(dtype=np.float64),
        index=_month_codes(pd.DatetimeIndex(market_returns.index)),
    )
    mkt = mkt[~mkt.index.duplicated(keep="last")].reindex(months)
    implied = mkt - price_ret  # NaN where either is unknown
    # month m uses months m-K .. m-1 (known at the start of m)
    trailing = implied.shift(1).rolling(window_months, min_periods=min_months).mean()
    last_known = int(np.flatnonzero(mkt.notna().to_numpy())[-1]) if mkt.notna().any() else -1
    yearly = (12.0 * trailing).clip(lower=0.0) * yield_scale
    # after the last Fama-French month: the last yield known (its window stops there)
    if last_known >= 0 and last_known + 2 < len(months):
        yearly.iloc[last_known + 2 :] = yearly.iloc[last_known + 1]
    yearly = yearly.fillna(0.0)
    starts = pd.DatetimeIndex(
        [pd.Timestamp(int(c) // 12, int(c) % 12 + 1, 1) for c in months], name="month"
    )
    return pd.Series(yearly.to_numpy(dtype=np.float64), index=starts, name="dividend_yield")


def total_return_daily_index(prices: pd.Series, yields: pd.Series) -> pd.Series:
    """Daily total-return index: price returns plus the month's yield accrued ACT/365.

    Parameters
    ----------
    prices : pandas.Series
        Daily closes of a price index (increasing business days).
    yields : pandas.Series
        Annual yield per month (decimal), indexed by a date in the month
        (:func:`implied_dividend_yield`); must cover every month of ``prices``.

    Returns
    -------
    pandas.Series
        Daily levels indexed like ``prices``; equal to the price on the first day.
    """
    idx = pd.DatetimeIndex(prices.index)
    p = prices.to_numpy(dtype=np.float64)
    y = pd.Series(
        yields.to_numpy(dtype=np.float64), index=_month_codes(pd.DatetimeIndex(yields.index))
    )
    y_day = y.reindex(_month_codes(idx)).to_numpy()
    if np.isnan(y_day).any():
        raise ValueError("yields do not cover every month of prices")
    days = np.diff(idx.to_numpy(dtype="datetime64[D]")).astype(np.float64)
    growth = p[1:] / p[:-1] + y_day[1:] * days / DAYS_PER_YEAR
    level = p[0] * np.concatenate([[1.0], np.cumprod(growth)])
    return pd.Series(level, index=idx, name="level", dtype=np.float64)
