"""The book's business-day calendar and its calendar quarters.

Owns turning the S&P 500's trading dates into NumPy arrays the simulators index by position:
days, ACT/365 year fractions between business days, and each calendar quarter's first and last
business day and calendar end date. Pure; must not draw random numbers or touch the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
DateArray = NDArray[np.datetime64]


@dataclass(frozen=True)
class Calendar:
    """Business days of the book and their calendar quarters.

    Attributes
    ----------
    days : ndarray of datetime64[D]
        Business days, increasing (the S&P 500 trading dates).
    year_fraction : ndarray of float
        ACT/365 years from the previous business day (0 for the first day).
    quarter_of_day : ndarray of int
        Position in ``quarter_ids`` of each day's calendar quarter.
    quarter_ids : ndarray of int
        ``year * 4 + (month - 1) // 3`` of each quarter touched by the calendar, increasing.
    quarter_first : ndarray of int
        Position (in ``days``) of each quarter's first business day.
    quarter_last : ndarray of int
        Position of each quarter's last business day (the GP's mark day).
    quarter_end : ndarray of datetime64[D]
        Calendar end date of each quarter (Mar 31, Jun 30, Sep 30, Dec 31).
    quarter_complete : ndarray of bool
        Whether the quarter's calendar end lies on or before the calendar's last day.

    """

    days: DateArray
    year_fraction: FloatArray
    quarter_of_day: IntArray
    quarter_ids: IntArray
    quarter_first: IntArray
    quarter_last: IntArray
    quarter_end: DateArray
    quarter_complete: NDArray[np.bool_]

    @property
    def n_days(self) -> int:
        """Number of business days."""
        return int(self.days.size)

    def quarter_number(self, q: int) -> int:
        """Quarter of the year, 1-4, of the quarter at position ``q``."""
        return int(self.quarter_ids[q] % 4) + 1

    def year_days(self, year: int) -> IntArray:
        """Positions of the business days in calendar ``year``."""
        years = self.days.astype("datetime64[Y]").astype(np.int64) + 1970
        return np.flatnonzero(years == year).astype(np.int64)


def build_calendar(index: pd.DatetimeIndex, days_per_year: float) -> Calendar:
    """Build the :class:`Calendar` of a business-day index.

    Parameters
    ----------
    index : pandas.DatetimeIndex
        Tz-naive, increasing, unique dates (any time of day is dropped).
    days_per_year : float
        ACT/365 denominator (365).

    Returns
    -------
    Calendar
        The calendar's arrays.

    """
    days = index.to_numpy().astype("datetime64[D]")
    gaps = np.diff(days).astype(np.int64).astype(np.float64)
    year_fraction = np.concatenate(([0.0], gaps / days_per_year))
    months = days.astype("datetime64[M]").astype(np.int64)  # months since 1970-01
    qid = (months // 12 + 1970) * 4 + (months % 12) // 3
    quarter_ids, first, quarter_of_day = np.unique(qid, return_index=True, return_inverse=True)
    last = np.concatenate((first[1:] - 1, [days.size - 1]))
    end_month = (quarter_ids // 4 - 1970) * 12 + (quarter_ids % 4) * 3 + 3  # month after end
    quarter_end = end_month.astype("datetime64[M]").astype("datetime64[D]") - np.timedelta64(1, "D")
    return Calendar(
        days=days,
        year_fraction=year_fraction.astype(np.float64),
        quarter_of_day=quarter_of_day.astype(np.int64),
        quarter_ids=quarter_ids.astype(np.int64),
        quarter_first=first.astype(np.int64),
        quarter_last=last.astype(np.int64),
        quarter_end=quarter_end,
        quarter_complete=quarter_end <= days[-1],
    )
