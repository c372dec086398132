"""Total-return indices from monthly returns: the Fama-French market and the one-month T-bill.

Owns turning percent returns into decimal returns and compounding decimal returns into an index.
Pure functions of Series: must not read files, touch the ledger or write anything.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def market_total_returns(mkt_rf_pct: pd.Series, rf_pct: pd.Series) -> pd.Series:
    """Monthly total return of the Fama-French market portfolio.

    ``r_t = (MktRF_t + RF_t) / 100``: the factor ``Mkt-RF`` is the value-weighted market return
    in excess of the one-month T-bill rate ``RF``, both in percent (Kenneth R. French Data
    Library, "Fama/French 3 Factors", description of ``Mkt-RF``).

    Parameters
    ----------
    mkt_rf_pct : pandas.Series
        Monthly market excess returns in percent.
    rf_pct : pandas.Series
        Monthly one-month T-bill returns in percent, same index.

    Returns
    -------
    pandas.Series
        Monthly total returns in decimals, same index.
    """
    return (mkt_rf_pct + rf_pct) / 100.0


def tbill_returns(rf_pct: pd.Series) -> pd.Series:
    """Monthly return of one-month T-bills, ``r_t = RF_t / 100``.

    ``RF`` is the one-month Treasury bill rate for the month, as a monthly return in percent
    (Kenneth R. French Data Library, from Ibbotson Associates); it is set by the bill bought at
    the start of the month.

    Parameters
    ----------
    rf_pct : pandas.Series
        Monthly T-bill returns in percent.

    Returns
    -------
    pandas.Series
        Monthly returns in decimals, same index.
    """
    return rf_pct / 100.0


def index_from_returns(returns: pd.Series, base: float = 100.0) -> pd.Series:
    """Compound periodic returns into an index that starts at ``base``.

    ``I_0 = base`` and ``I_t = I_{t-1} * (1 + r_t)``. The first return must be NaN (the base
    period, e.g. the first yield date of a yield-derived series); use
    :func:`prepend_base_period` to add a base period before a return series.

    Parameters
    ----------
    returns : pandas.Series
        Decimal returns; the first is NaN, none of the others is.
    base : float, default 100.0
        Index level on the first date.

    Returns
    -------
    pandas.Series
        Index levels (float64), same index as ``returns``.

    Raises
    ------
    ValueError
        If the first return is not NaN or a later one is.
    """
    values = returns.to_numpy(dtype=np.float64, na_value=np.nan)
    if len(values) == 0:
        return pd.Series([], index=returns.index, dtype=np.float64, name=returns.name)
    if not np.isnan(values[0]) or np.isnan(values[1:]).any():
        raise ValueError("the first return must be NaN (base period) and no later one may be")
    growth = np.concatenate([[1.0], 1.0 + values[1:]])
    return pd.Series(base * np.cumprod(growth), index=returns.index, name=returns.name)


def prepend_base_period(returns: pd.Series) -> pd.Series:
    """Put a NaN return one month before the first, as the base period of an index.

    Parameters
    ----------
    returns : pandas.Series
        Monthly returns indexed by month-end dates (``DatetimeIndex``), no NaN.

    Returns
    -------
    pandas.Series
        The same returns with a NaN first entry at the last calendar day of the month before
        the first date.
    """
    index = pd.DatetimeIndex(returns.index)
    base_date = index[0] - pd.offsets.MonthEnd(1)
    head = pd.Series([np.nan], index=pd.DatetimeIndex([base_date]), dtype=np.float64)
    out = pd.concat([head, returns.astype(np.float64)])
    out.name = returns.name
    return out
