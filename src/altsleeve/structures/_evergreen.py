"""Evergreen private funds: the lagged monthly NAV, redemption gates and the carried queue.

Owns :class:`EvergreenTerms`, :func:`known_nav` (the last monthly NAV a holder knows on a day,
given the reporting lag) and :func:`evergreen_redemptions` (per redemption window: requests, gate
capacity, paid, queue carried to the next window first in first out or pro rata, and the
vehicle's part of each). Pure computation; must not import the ledger, the command line or other
altsleeve engines, nor value the fund (NAVs are inputs).

Sources: typical market practice in evergreen (perpetual, semi-liquid) private funds' offering
documents, not a rule: monthly NAV reported some weeks after month end; redemptions at month or
quarter ends with notice; a fund-level gate of about 2% of NAV a month and 5% a quarter (both
may apply); requests above the gate prorated and, in many funds, carried to the next window.

Units: dollars; gates are shares of NAV (decimals); lags are calendar days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from altsleeve.structures._common import refuse

QueueRule = Literal["fifo", "pro_rata"]


@dataclass(frozen=True)
class EvergreenTerms:
    """An evergreen fund's redemption terms (typical market practice, all configurable).

    Attributes
    ----------
    window_months : int, default 1
        Months between redemption windows (1 monthly, 3 quarterly).
    monthly_gate : float or None, default 0.02
        Most paid in one calendar month, a share of the window's NAV; ``None`` = no monthly gate.
    quarterly_gate : float or None, default 0.05
        Most paid in one calendar quarter, a share of the window's NAV; ``None`` = none.
    queue : {"fifo", "pro_rata"}, default "pro_rata"
        How carried requests are served: ``fifo`` pays older windows' requests first (pro rata
        within a window); ``pro_rata`` prorates every outstanding request alike.
    carry : bool, default True
        Unpaid requests carry to the next window; False drops them (the holder must ask again).
    nav_lag_days : int, default 25
        Days after month end when the month's NAV is reported.
    notice_days : int, default 30
        Days before a window by which a request must be in.
    payment_lag_days : int, default 30
        Days from the window to payment.
    label : str
        Names the terms in error messages.
    """

    window_months: int = 1
    monthly_gate: float | None = 0.02
    quarterly_gate: float | None = 0.05
    queue: QueueRule = "pro_rata"
    carry: bool = True
    nav_lag_days: int = 25
    notice_days: int = 30
    payment_lag_days: int = 30
    label: str = "<evergreen terms>"

    def __post_init__(self) -> None:
        faults: list[tuple[str | None, str]] = []
        if self.window_months not in (1, 3, 6, 12):
            faults.append(("window_months", f"{self.window_months}: 1, 3, 6 or 12"))
        for name in ("monthly_gate", "quarterly_gate"):
            gate = getattr(self, name)
            if gate is not None and not 0 < gate <= 1:
                faults.append((name, f"{gate}: a share of NAV in (0, 1]"))
        if self.queue not in ("fifo", "pro_rata"):
            faults.append(("queue", f"{self.queue!r}: 'fifo' or 'pro_rata'"))
        for name in ("nav_lag_days", "notice_days", "payment_lag_days"):
            if getattr(self, name) < 0:
                faults.append((name, "must be >= 0"))
        refuse(self.label, faults)


def known_nav(nav: pd.Series, lag_days: int, on: pd.DatetimeIndex) -> pd.DataFrame:
    """The latest monthly NAV known on each day of ``on``.

    A NAV as of month end ``m`` becomes known on ``m + lag_days``; a day before any NAV is known
    gets NaN.

    Parameters
    ----------
    nav : pandas.Series
        NAV by as-of date (month ends), dollars, ascending.
    lag_days : int
        Reporting lag, calendar days.
    on : pandas.DatetimeIndex
        Days asked about.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``on``: ``as_of`` (the NAV's date), ``known_on`` and ``nav``.
    """
    table = pd.DataFrame(
        {
            "as_of": pd.DatetimeIndex(nav.index),
            "known_on": pd.DatetimeIndex(nav.index) + pd.Timedelta(days=lag_days),
            "nav": nav.to_numpy(dtype=float),
        }
    ).sort_values("known_on")
    asked = pd.DataFrame({"day": pd.DatetimeIndex(on)})
    merged = pd.merge_asof(asked, table, left_on="day", right_on="known_on", direction="backward")
    return merged.set_index("day")[["as_of", "known_on", "nav"]]


def _serve(entries: list[list[float]], capacity: float, rule: QueueRule) -> tuple[float, float]:
    """Pay ``capacity`` to queue ``entries`` ([vehicle, others] per cohort, oldest first) in place.

    Returns the vehicle's and the others' payments.
    """
    paid_v = paid_o = 0.0
    if rule == "pro_rata":
        total = sum(v + o for v, o in entries)
        ratio = min(1.0, capacity / total) if total > 0 else 0.0
        for e in entries:
            pv, po = e[0] * ratio, e[1] * ratio
            e[0] -= pv
            e[1] -= po
            paid_v += pv
            paid_o += po
        return paid_v, paid_o
    left = capacity
    for e in entries:
        cohort = e[0] + e[1]
        if cohort <= 0 or left <= 0:
            continue
        ratio = min(1.0, left / cohort)
        pv, po = e[0] * ratio, e[1] * ratio
        e[0] -= pv
        e[1] -= po
        paid_v += pv
        paid_o += po
        left -= pv + po
    return paid_v, paid_o


def evergreen_redemptions(terms: EvergreenTerms, windows: pd.DataFrame) -> pd.DataFrame:
    """Run redemption requests through the gates and the queue, window by window.

    At each window ``t`` (in date order) the gate capacity is::

        cap_t = min(monthly_gate * NAV_t - paid earlier in t's calendar month,
                    quarterly_gate * NAV_t - paid earlier in t's calendar quarter)

    (a missing gate is no limit). New requests join the queue as a cohort; the fund pays
    ``min(cap_t, outstanding)``: ``pro_rata`` scales every outstanding request by
    ``min(1, cap_t / outstanding)``; ``fifo`` pays cohorts oldest first, prorating the vehicle
    and the other holders within a cohort. What is left carries to the next window (or is
    dropped when ``carry`` is False).

    Parameters
    ----------
    terms : EvergreenTerms
        Gates, queue rule and carry.
    windows : pandas.DataFrame
        One row per window, indexed by the window date (ascending): ``nav`` (the fund's NAV the
        window is struck at, dollars), ``vehicle`` (the vehicle's new request, dollars) and
        ``others`` (every other holder's new requests together, dollars).

    Returns
    -------
    pandas.DataFrame
        Indexed by window: ``nav``, ``new_requests``, ``carried_in``, ``requested`` (new +
        carried), ``gate_capacity``, ``paid``, ``queued`` (carried to the next window),
        ``dropped`` (unpaid and not carried), ``vehicle_requested`` (new), ``vehicle_outstanding``
        (new + carried), ``vehicle_paid``, ``vehicle_queued``, ``vehicle_share`` (of ``paid``),
        ``payment_date``.

    Raises
    ------
    InputError
        Missing columns, a negative request or NAV, or unsorted dates.
    """
    faults: list[tuple[str | None, str]] = []
    missing = {"nav", "vehicle", "others"} - set(windows.columns)
    if missing:
        faults.append((None, f"windows lack columns {sorted(missing)}"))
    elif (windows[["nav", "vehicle", "others"]].to_numpy(dtype=float) < 0).any():
        faults.append((None, "NAV and requests must be >= 0"))
    if not pd.DatetimeIndex(windows.index).is_monotonic_increasing:
        faults.append((None, "window dates must ascend"))
    refuse(terms.label, faults)

    queue: list[list[float]] = []
    paid_month: dict[tuple[int, int], float] = {}
    paid_quarter: dict[tuple[int, int], float] = {}
    rows: list[dict[str, object]] = []
    navs = windows["nav"].to_numpy(dtype=float)
    vehicle = windows["vehicle"].to_numpy(dtype=float)
    others = windows["others"].to_numpy(dtype=float)
    for i, day in enumerate(pd.DatetimeIndex(windows.index)):
        nav, new_v, new_o = float(navs[i]), float(vehicle[i]), float(others[i])
        carried_in = sum(v + o for v, o in queue)
        carried_v = sum(v for v, _ in queue)
        queue.append([new_v, new_o])
        month, quarter = (day.year, day.month), (day.year, (day.month - 1) // 3)
        caps = [np.inf]
        if terms.monthly_gate is not None:
            caps.append(terms.monthly_gate * nav - paid_month.get(month, 0.0))
        if terms.quarterly_gate is not None:
            caps.append(terms.quarterly_gate * nav - paid_quarter.get(quarter, 0.0))
        cap = max(0.0, float(min(caps)))
        pv, po = _serve(queue, cap, terms.queue)
        paid = pv + po
        paid_month[month] = paid_month.get(month, 0.0) + paid
        paid_quarter[quarter] = paid_quarter.get(quarter, 0.0) + paid
        left_v = sum(v for v, _ in queue)
        left = sum(v + o for v, o in queue)
        dropped = 0.0
        if not terms.carry:
            dropped, left, left_v = left, 0.0, 0.0
            queue = []
        else:
            queue = [e for e in queue if e[0] + e[1] > 1e-9]
        rows.append(
            {
                "window": day,
                "nav": nav,
                "new_requests": new_v + new_o,
                "carried_in": carried_in,
                "requested": carried_in + new_v + new_o,
                "gate_capacity": cap,
                "paid": paid,
                "queued": left,
                "dropped": dropped,
                "vehicle_requested": new_v,
                "vehicle_outstanding": carried_v + new_v,
                "vehicle_paid": pv,
                "vehicle_queued": left_v,
                "vehicle_share": pv / paid if paid > 0 else 0.0,
                "payment_date": (day + pd.Timedelta(days=terms.payment_lag_days)).date(),
            }
        )
    return pd.DataFrame(rows).set_index("window")


def evergreen_windows(terms: EvergreenTerms, first: dt.date, end: dt.date) -> list[dt.date]:
    """Window dates every ``terms.window_months`` months from ``first`` up to ``end``.

    Month ends stay month ends when ``first`` is one (Mar 31, Jun 30, ...).
    """
    month_end = (pd.Timestamp(first) + pd.offsets.MonthEnd(0)).date() == first
    out: list[dt.date] = []
    k = 0
    while True:
        d = pd.Timestamp(first) + pd.DateOffset(months=k * terms.window_months)
        if month_end:
            d = d + pd.offsets.MonthEnd(0)
        if d.date() > end:
            return out
        out.append(d.date())
        k += 1
