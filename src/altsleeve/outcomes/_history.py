"""The real monthly history the savers' paths resample: equity, cash, bonds, credit, inflation.

Owns turning the ``arch`` series (:func:`altsleeve.marketdata.load_arch_market_data`) into one
frame of monthly decimal returns, strictly as known on the as-of date. Pure: must not read files
itself, touch the ledger or write anything.

Columns (each a month's decimal return, indexed by the calendar month it measures):

- ``equity``: Fama-French value-weighted market, total return (``FF_MKT_TR``: Mkt-RF + RF);
- ``cash``: one-month T-bill (``CASH_TBILL``: RF);
- ``bonds``: a 20-year Aaa par bond from Moody's Aaa yields (``BOND_AAA_TR``);
- ``credit``: the same from Moody's Baa yields (``BOND_BAA_TR``);
- ``inflation``: core CPI (``CORE_CPI``), the month's change.

A month enters only when every one of its five figures was known on the as-of date (each row's
``known_on``: FF at the month end, yields at the month end, core CPI on the 15th of the next
month) and it is on or after ``first_month``; so adding later data never changes the history of
an earlier as-of date.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from altsleeve.marketdata import LONG_HISTORY, SeriesData

#: History column -> the marketdata series whose levels give it: equity, cash and bonds are the
#: long real history of their asset type (:data:`altsleeve.marketdata.LONG_HISTORY`, the one
#: table every model shares), credit the Baa bond, inflation core CPI.
HISTORY_SERIES: dict[str, str] = {
    "equity": LONG_HISTORY["equity"].series_id,
    "cash": LONG_HISTORY["cash"].series_id,
    "bonds": LONG_HISTORY["bond"].series_id,
    "credit": "BOND_BAA_TR",
    "inflation": "CORE_CPI",
}
COLUMNS: tuple[str, ...] = tuple(HISTORY_SERIES)


def monthly_history(
    series: Sequence[SeriesData],
    as_of: pd.Timestamp | str | None = None,
    first_month: str = "1957-02",
) -> pd.DataFrame:
    """Monthly decimal returns of :data:`COLUMNS`, the months complete and known on ``as_of``.

    Parameters
    ----------
    series : sequence of SeriesData
        At least the series named in :data:`HISTORY_SERIES` (levels with ``date`` and
        ``known_on``).
    as_of : date-like, optional
        Knowledge date; default: every row.
    first_month : str
        The first month kept (``YYYY-MM``).

    Returns
    -------
    pandas.DataFrame
        One row per month (a monthly ``PeriodIndex``), the five columns, no gaps allowed.

    Raises
    ------
    ValueError
        A series is missing, fewer than 24 months are left, or the months are not consecutive.
    """
    by_id = {s.meta.series_id: s for s in series}
    missing = [sid for sid in HISTORY_SERIES.values() if sid not in by_id]
    if missing:
        raise ValueError(f"market series missing for the outcomes history: {missing}")
    cutoff = pd.Timestamp(as_of) if as_of is not None else None
    cols: dict[str, pd.Series] = {}
    for col, sid in HISTORY_SERIES.items():
        d = by_id[sid].data
        if cutoff is not None:
            d = d[d["known_on"] <= cutoff]
        level = pd.Series(d["level"].to_numpy(float), index=pd.PeriodIndex(d["date"], freq="M"))
        level = level[~level.index.duplicated(keep="last")].sort_index()
        ret = level / level.shift(1) - 1.0
        # a return only between consecutive months
        ordinal = np.asarray([p.ordinal for p in level.index], dtype=np.int64)
        first = ordinal[0] - 2 if len(ordinal) else 0
        consecutive = pd.Series(np.diff(ordinal, prepend=first) == 1, index=level.index)
        cols[col] = ret[consecutive]
    frame = pd.concat(cols, axis=1, join="inner").dropna()
    frame = frame[frame.index >= pd.Period(first_month, freq="M")]
    if len(frame) < 24:
        when = cutoff.date().isoformat() if cutoff is not None else "any date"
        raise ValueError(f"only {len(frame)} months of history known on {when}; need 24")
    ordinals = np.asarray([p.ordinal for p in frame.index], dtype=np.int64)
    if np.any(np.diff(ordinals) != 1):
        raise ValueError("the outcomes history has a gap between months")
    return frame
