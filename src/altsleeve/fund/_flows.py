"""Participant flows over a trailing window: the one definition of the vehicle's flow rates.

Owns turning the vehicle's orders and struck net assets into purchase, redemption and net flow
rates a year over a trailing window, as known on a day: the liquidity profile's redemption rate
(SEC Rule 22e-4 stress), the liquidity Monte Carlo's contribution and redemption rates and the
pacing planner's net flow all come from :func:`trailing_flows`. Pure computation on frames; must
not read the ledger.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

DateLike = dt.date | str | pd.Timestamp


@dataclass(frozen=True)
class TrailingFlows:
    """Participant purchases and redemptions over a trailing window, as rates a year.

    Attributes
    ----------
    purchase_rate, redemption_rate : float
        ``amount / average_net_assets x 365 / covered_days``, decimals a year.
    net_rate : float
        ``purchase_rate - redemption_rate``.
    purchases, redemptions : float
        Orders of each kind dated in the window (and on or after the first strike) and known by
        the day, dollars.
    average_net_assets : float
        Mean of the net assets struck in the window, dollars.
    covered_days : int
        Calendar days of the window the vehicle existed: the window, or fewer for a vehicle
        first struck inside it (its first strike's day counted).
    purchase_orders, redemption_orders : int
        Orders of each kind counted.
    """

    purchase_rate: float
    redemption_rate: float
    net_rate: float
    purchases: float
    redemptions: float
    average_net_assets: float
    covered_days: int
    purchase_orders: int
    redemption_orders: int


def trailing_flows(
    orders: pd.DataFrame,
    strikes: pd.DataFrame,
    day: DateLike,
    *,
    window_days: int = 365,
) -> TrailingFlows:
    """The vehicle's purchase, redemption and net flow rates over the window to ``day``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The vehicle's participant orders: ``date``, ``kind`` (purchase / redemption), ``amount``
        (dollars), optionally ``known_on``. Rows dated or known after ``day`` are ignored.
    strikes : pandas.DataFrame
        The vehicle's struck days: ``date``, ``net_assets`` (dollars). Days after ``day`` are
        ignored.
    day : date-like
        The last day of the window.
    window_days : int, default 365
        Calendar days of the trailing window ``(day - window_days, day]``.

    Returns
    -------
    TrailingFlows
        Rates of 0 when nothing was struck in the window.

    Examples
    --------
    >>> strikes = pd.DataFrame({"date": ["2018-01-02", "2018-12-31"], "net_assets": [100.0, 100.0]})
    >>> orders = pd.DataFrame({"date": ["2018-06-01", "2018-07-02"],
    ...                        "kind": ["purchase", "redemption"], "amount": [10.0, 4.0]})
    >>> f = trailing_flows(orders, strikes, "2018-12-31")
    >>> f.covered_days, round(f.purchase_rate, 4), round(f.net_rate, 4)
    (364, 0.1003, 0.0602)
    """
    end = pd.Timestamp(day).normalize()
    start = end - pd.Timedelta(days=window_days)
    s_dates = pd.to_datetime(strikes["date"]) if len(strikes) else pd.Series(dtype="M8[ns]")
    struck = strikes[(s_dates <= end).to_numpy()] if len(strikes) else strikes
    in_window = (
        struck[(pd.to_datetime(struck["date"]) > start).to_numpy()] if len(struck) else struck
    )
    if len(in_window) == 0:
        return TrailingFlows(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0, 0, 0)
    first = pd.Timestamp(pd.to_datetime(struck["date"]).min())
    covered = min(window_days, int((end - first).days) + 1)
    o = orders
    if len(o):
        o_dates = pd.to_datetime(o["date"])
        keep = (o_dates > start) & (o_dates >= first) & (o_dates <= end)
        if "known_on" in o.columns:
            keep &= pd.to_datetime(o["known_on"]) <= end
        o = o[keep.to_numpy()]
    kinds = o["kind"].astype(str) if len(o) else pd.Series(dtype=str)
    bought = o[(kinds == "purchase").to_numpy()] if len(o) else o
    sold = o[(kinds == "redemption").to_numpy()] if len(o) else o
    purchases = float(bought["amount"].astype(float).sum()) if len(bought) else 0.0
    redemptions = float(sold["amount"].astype(float).sum()) if len(sold) else 0.0
    avg = float(in_window["net_assets"].astype(float).mean())
    p_rate = purchases / avg * 365.0 / covered if avg > 0.0 else 0.0
    r_rate = redemptions / avg * 365.0 / covered if avg > 0.0 else 0.0
    return TrailingFlows(
        p_rate,
        r_rate,
        p_rate - r_rate,
        purchases,
        redemptions,
        avg,
        covered,
        len(bought),
        len(sold),
    )
