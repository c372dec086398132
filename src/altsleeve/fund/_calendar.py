"""The vehicle's business days: the sessions of an exchange calendar.

Owns turning a calendar code (``XNYS``, the New York Stock Exchange) and a date range into the
days the vehicle strikes, using ``exchange_calendars`` (its holidays and unscheduled closures,
e.g. 2001-09-11..14, 2012-10-29..30, national days of mourning). The calendar is explicit: it
never comes from the dates a price file happens to have, so a missing price is seen as missing.
Pure: no ledger, no files.
"""

from __future__ import annotations

import datetime as dt
import warnings
from functools import lru_cache

import pandas as pd


@lru_cache(maxsize=1)
def _names() -> frozenset[str]:
    import exchange_calendars as xc

    return frozenset(xc.get_calendar_names(include_aliases=True))


def known_calendar(code: str) -> bool:
    """Whether ``exchange_calendars`` knows the calendar ``code`` (e.g. ``"XNYS"``)."""
    return code in _names()


@lru_cache(maxsize=16)
def _sessions(code: str, first_year: int, last_year: int) -> pd.DatetimeIndex:
    import exchange_calendars as xc

    with warnings.catch_warnings():
        # exchange_calendars reads Series.values of tz-aware times, which pandas 3.1 deprecates
        warnings.filterwarnings("ignore", message="Series.values returning an ndarray")
        cal = xc.get_calendar(code, start=f"{first_year}-01-01", end=f"{last_year}-12-31")
    days = pd.DatetimeIndex(cal.sessions)
    if days.tz is not None:
        days = days.tz_localize(None)
    return pd.DatetimeIndex(days.normalize().astype("datetime64[ns]"))


def business_days(
    code: str, start: dt.date | str | pd.Timestamp, end: dt.date | str | pd.Timestamp
) -> pd.DatetimeIndex:
    """The calendar's sessions in ``[start, end]`` (tz-naive midnight timestamps, ascending).

    Parameters
    ----------
    code : str
        An ``exchange_calendars`` calendar code, e.g. ``"XNYS"``.
    start, end : date-like
        The range, both ends included.

    Examples
    --------
    >>> [d.date().isoformat() for d in business_days("XNYS", "2001-09-07", "2001-09-18")]
    ['2001-09-07', '2001-09-10', '2001-09-17', '2001-09-18']
    """
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if e < s:
        return pd.DatetimeIndex([], dtype="datetime64[ns]")
    days = _sessions(code, s.year, max(e.year, s.year))
    return days[(days >= s) & (days <= e)]
