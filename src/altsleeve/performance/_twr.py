"""Time-weighted return: chain-linked Modified Dietz between valuations, exact when they are daily.

Owns :func:`time_weighted_return` (values and net flows per date in, sub-period and linked
returns out), :class:`TimeWeightedReturn`, and :func:`sleeve_series`, which turns a cash-flow
table of many funds into the private sleeve's values and flows. Pure computation.

Conventions. A value ``V_t`` is measured at the end of day ``t``, after that day's flows; a net
flow ``F_t`` (positive into the portfolio) happens at the end of its day. Between valuations
``t0 < t1`` the return is Modified Dietz (day-weighted):

    r = (V_t1 - V_t0 - sum F) / (V_t0 + sum w F),    w = (t1 - t) / (t1 - t0)

over the flows dated in ``(t0, t1]`` (a flow on ``t1`` has weight 0). When every flow falls on
a valuation date this is the exact time-weighted return, ``r = (V_t1 - F_t1) / V_t0 - 1``.
Sub-period returns are chain-linked, ``R = prod(1 + r) - 1``, and annualised over ACT/365F
years, ``(1 + R) ** (365 / days) - 1``. References: Dietz, P. O. (1966), *Pension Funds:
Measuring Investment Performance*, Free Press; the day-weighted form is the Modified Dietz
method that the CFA Institute's GIPS standards accept for periods between valuations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from altsleeve.performance._flows import DAYS_PER_YEAR, _days, fund_flows, group_sum


@dataclass(frozen=True)
class TimeWeightedReturn:
    """A chain-linked time-weighted return.

    Attributes
    ----------
    periods : DataFrame
        One row per sub-period: ``start``, ``end`` (dates), ``value_start``, ``value_end``,
        ``net_flow`` (dollars), ``weighted_flow`` (dollars, the Modified Dietz weights
        applied) and ``return`` (decimal over the sub-period; NaN where the denominator is not
        positive).
    cumulative : float
        Linked return over the whole span (decimal).
    annualised : float
        ``(1 + cumulative) ** (365 / days) - 1`` (decimal a year, ACT/365F).
    days : int
        Calendar days from the first to the last valuation.
    method : str
        ``"exact"`` when every flow fell on a valuation date, else ``"modified_dietz"``.
    """

    periods: pd.DataFrame
    cumulative: float
    annualised: float
    days: int
    method: str


def time_weighted_return(values: pd.Series, flows: pd.Series | None = None) -> TimeWeightedReturn:
    """Chain-linked time-weighted return from values and net flows.

    Parameters
    ----------
    values : Series
        Portfolio value (dollars) at the end of each valuation date, after that day's flows,
        indexed by date; at least two dates, no date twice.
    flows : Series, optional
        Net flows into the portfolio (dollars; negative out) indexed by date, at the end of
        their day; several on one date are summed. Flows on or before the first valuation are
        part of the starting value and ignored.

    Returns
    -------
    TimeWeightedReturn
        Sub-period returns, the linked return and its annualised rate.

    Raises
    ------
    ValueError
        Fewer than two valuations, a date twice, a value or flow that is not finite, or a flow
        after the last valuation.

    Examples
    --------
    >>> import pandas as pd
    >>> v = pd.Series([100.0, 121.0], index=pd.to_datetime(["2020-01-01", "2021-01-01"]))
    >>> round(time_weighted_return(v).cumulative, 4)
    0.21
    """
    vday = _days(values.index)
    order = np.argsort(vday, kind="stable")
    vday, v = vday[order], values.to_numpy(np.float64)[order]
    if len(vday) < 2:
        raise ValueError("a time-weighted return needs at least two valuations")
    if (np.diff(vday) == 0).any():
        raise ValueError("a valuation date appears twice")
    if not np.isfinite(v).all():
        raise ValueError("values must be finite")
    n = len(vday) - 1
    flow_sum = np.zeros(n)
    weighted = np.zeros(n)
    if flows is not None and len(flows):
        fday = _days(flows.index)
        f = flows.to_numpy(np.float64)
        if not np.isfinite(f).all():
            raise ValueError("flows must be finite")
        if (fday > vday[-1]).any():
            raise ValueError("a flow is dated after the last valuation")
        keep = fday > vday[0]
        fday, f = fday[keep], f[keep]
        period = np.searchsorted(vday, fday, side="left") - 1
        w = (vday[period + 1] - fday) / (vday[period + 1] - vday[period])
        flow_sum = group_sum(period, f, n)
        weighted = group_sum(period, f * w, n)
        exact = bool((w == 0).all())
    else:
        exact = True
    denom = v[:-1] + weighted
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(denom > 0, (v[1:] - v[:-1] - flow_sum) / denom, np.nan)
    days = int(vday[-1] - vday[0])
    cumulative = float(np.prod(1.0 + r) - 1.0)
    annualised = float((1.0 + cumulative) ** (DAYS_PER_YEAR / days) - 1.0) if days else np.nan
    dates = vday.astype("datetime64[D]").astype("datetime64[ns]")
    periods = pd.DataFrame(
        {
            "start": dates[:-1],
            "end": dates[1:],
            "value_start": v[:-1],
            "value_end": v[1:],
            "net_flow": flow_sum,
            "weighted_flow": weighted,
            "return": r,
        }
    )
    return TimeWeightedReturn(
        periods=periods,
        cumulative=cumulative,
        annualised=annualised,
        days=days,
        method="exact" if exact else "modified_dietz",
    )


def sleeve_series(cashflows: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """The private sleeve's values and net flows from its funds' cash-flow table.

    The sleeve is valued on its first date and on every date on which any of its funds has a
    ``nav`` row. On such a date each live fund counts at its last ``nav`` on or before it, rolled
    forward with its calls since (added) and distributions since (subtracted); a fund without a
    ``nav`` yet counts at its calls less distributions. A fund whose history ends before the
    sleeve's last date leaves the sleeve on its end date at its value, which counts as a flow
    out. Calls are flows in, distributions flows out.

    Parameters
    ----------
    cashflows : DataFrame
        As for :func:`performance_table`.

    Returns
    -------
    values : Series
        The sleeve's value (dollars) at the end of each valuation date.
    flows : Series
        Net flows into the sleeve (dollars) per date: calls - distributions - leaving values,
        up to the last valuation date (later flows have no valuation to end their period).

    Raises
    ------
    ValueError
        A malformed table, or no ``nav`` row after the sleeve's first date.
    """
    ff = fund_flows(cashflows)
    n_rows = len(ff.day)
    net = ff.call - ff.distribution
    # Value of each fund after each of its rows: the last nav, rolled forward with cash since.
    within = np.cumsum(net)
    within -= np.repeat(within[ff.first_row] - net[ff.first_row], np.diff(ff.offsets))
    has_nav = ~np.isnan(ff.nav)
    pos = np.where(has_nav, np.arange(n_rows), -1)
    last_nav = np.maximum.accumulate(pos)
    own = last_nav >= ff.first_row[ff.fund]  # a nav of the same fund on or before the row
    anchor = np.where(own, np.nan_to_num(ff.nav)[np.maximum(last_nav, 0)], 0.0)
    since = np.where(own, within - within[np.maximum(last_nav, 0)], within)
    after = anchor + since
    change = after.copy()
    change[1:] -= np.where(ff.fund[1:] == ff.fund[:-1], after[:-1], 0.0)

    end = ff.day[ff.last_row]
    last_day = int(end.max())
    leaves = end < last_day
    exit_value = after[ff.last_row][leaves]
    days = np.concatenate([ff.day, end[leaves]])
    all_days, inv = np.unique(days, return_inverse=True)
    level = np.cumsum(group_sum(inv, np.concatenate([change, -exit_value]), len(all_days)))
    flow = group_sum(inv, np.concatenate([net, -exit_value]), len(all_days))

    start_day = int(ff.day[ff.first_row].min())
    valued = np.isin(all_days, ff.day[has_nav]) & (all_days > start_day)
    valued[0] = True  # the first date: the day's net calls (or its nav rows)
    if valued.sum() < 2:
        raise ValueError("the sleeve has no nav row after its first date")
    stamp = all_days.astype("datetime64[D]").astype("datetime64[ns]")
    values = pd.Series(level[valued], index=pd.DatetimeIndex(stamp[valued]))
    upto = all_days <= all_days[valued][-1]
    flows = pd.Series(flow[upto], index=pd.DatetimeIndex(stamp[upto]))
    return values, flows
