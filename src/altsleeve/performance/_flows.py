"""Many funds' dated cash flows, grouped once into flat arrays, and index levels on their dates.

Owns :class:`FundFlows` (one row per fund and date, funds in contiguous blocks, CSR style) built
from a long table of ``fund_id, date, kind, amount`` rows, the rules that make a fund's history
(the last ``nav`` row ends it), the ACT/365F year fractions, and the as-of lookup of an index
level on each date. Pure computation; must not read files or the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: The kinds of row in a cash-flow table. Amounts are positive dollars; the kind gives the sign.
KINDS: tuple[str, ...] = ("call", "distribution", "nav")

#: Days in a year for every year fraction here: ACT/365F (as pyxirr's XIRR by default).
DAYS_PER_YEAR = 365.0

#: Columns a cash-flow table must have.
CASHFLOW_COLUMNS: tuple[str, ...] = ("fund_id", "date", "kind", "amount")


@dataclass(frozen=True)
class FundFlows:
    """Dated cash flows of many funds, one row per (fund, date), funds in contiguous blocks.

    Rows are sorted by fund (``fund_ids`` order) then date. Fund ``i`` owns rows
    ``offsets[i]:offsets[i + 1]``; its last row is its end date (the date of its last ``nav``
    row, or of its last flow when it has none).

    Attributes
    ----------
    fund_ids : ndarray of str, shape (n_funds,)
        Fund identifiers, sorted.
    offsets : ndarray of int64, shape (n_funds + 1,)
        Start of each fund's block of rows, and the row count at the end.
    fund : ndarray of int64, shape (n_rows,)
        The fund (position in ``fund_ids``) of each row.
    day : ndarray of int64, shape (n_rows,)
        Each row's date as days since 1970-01-01.
    call : ndarray of float64, shape (n_rows,)
        Capital called on that date (dollars >= 0; several calls on one date are summed).
    distribution : ndarray of float64, shape (n_rows,)
        Distributions paid on that date (dollars >= 0).
    nav : ndarray of float64, shape (n_rows,)
        The fund's value at the end of that date, after its flows (dollars); NaN without a
        ``nav`` row on that date.
    end_nav : ndarray of float64, shape (n_funds,)
        The value on the end date (the last ``nav`` row; 0 for a fund without one).
    """

    fund_ids: NDArray[np.object_]
    offsets: IntArray
    fund: IntArray
    day: IntArray
    call: FloatArray
    distribution: FloatArray
    nav: FloatArray
    end_nav: FloatArray

    @property
    def n_funds(self) -> int:
        """Number of funds."""
        return len(self.fund_ids)

    @property
    def first_row(self) -> IntArray:
        """Row of each fund's first date, shape (n_funds,)."""
        return self.offsets[:-1]

    @property
    def last_row(self) -> IntArray:
        """Row of each fund's end date, shape (n_funds,)."""
        return self.offsets[1:] - 1

    @property
    def net(self) -> FloatArray:
        """Net cash flow to the investor on each row: distribution - call (dollars)."""
        return self.distribution - self.call

    def years(self) -> FloatArray:
        """ACT/365F years from each fund's first date to each row's date, shape (n_rows,)."""
        first = self.day[self.first_row][self.fund]
        return (self.day - first).astype(np.float64) / DAYS_PER_YEAR

    def per_fund(self, values: FloatArray) -> FloatArray:
        """Sum row values per fund, shape (n_funds,)."""
        return group_sum(self.fund, values, self.n_funds)

    def dates(self, rows: IntArray | None = None) -> NDArray[np.datetime64]:
        """Rows' dates as ``datetime64[D]`` (all rows by default)."""
        d = self.day if rows is None else self.day[rows]
        return d.astype("datetime64[D]")


def group_sum(group: IntArray, weights: FloatArray, n: int) -> FloatArray:
    """Sum ``weights`` per group (``np.bincount`` typed as float64), shape (n,)."""
    return np.asarray(np.bincount(group, weights=weights, minlength=n), dtype=np.float64)


def _days(values: object) -> IntArray:
    """Dates (datetime64, Timestamps, ``date`` or ISO strings) as int64 days since 1970-01-01."""
    stamps = pd.to_datetime(pd.Series(values), errors="raise")
    return np.asarray(stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]"), np.int64)


def fund_flows(cashflows: pd.DataFrame) -> FundFlows:
    """Group a long cash-flow table by fund and date, once.

    Parameters
    ----------
    cashflows : DataFrame
        Columns ``fund_id`` (str), ``date`` (date-like), ``kind`` (``call``, ``distribution`` or
        ``nav``) and ``amount`` (dollars >= 0; the kind gives the sign). A ``nav`` row is the
        fund's value at the end of that date; the last one ends the fund's history. Other
        columns are ignored.

    Returns
    -------
    FundFlows
        One row per fund and date; several calls (or distributions) on one date are summed.

    Raises
    ------
    ValueError
        A column is missing, a kind is unknown, an amount is negative or not finite, a fund has
        two ``nav`` rows on one date, or a call or distribution is dated after the fund's last
        ``nav`` row (which ends its history).
    """
    missing = [c for c in CASHFLOW_COLUMNS if c not in cashflows.columns]
    if missing:
        raise ValueError(f"cash-flow table lacks column(s) {', '.join(missing)}")
    kind = cashflows["kind"].astype(str).to_numpy()
    kind_code = np.full(len(kind), -1, np.int64)
    for i, k in enumerate(KINDS):
        kind_code[kind == k] = i
    if (kind_code < 0).any():
        bad = sorted(set(kind[kind_code < 0]))[:5]
        raise ValueError(f"unknown kind(s) {bad}; expected one of {', '.join(KINDS)}")
    amount = cashflows["amount"].to_numpy(np.float64)
    if not np.isfinite(amount).all() or (amount < 0).any():
        raise ValueError("amounts must be finite dollars >= 0 (the kind gives the sign)")
    codes, uniques = pd.factorize(cashflows["fund_id"].astype(str), sort=True)
    fund_ids = np.asarray(uniques, dtype=object)
    n_funds = len(fund_ids)
    day = _days(cashflows["date"])
    code = np.asarray(codes, np.int64)

    order = np.lexsort((day, code))
    code_s, day_s, kind_s, amt_s = code[order], day[order], kind_code[order], amount[order]
    new = np.ones(len(order), bool)
    new[1:] = (code_s[1:] != code_s[:-1]) | (day_s[1:] != day_s[:-1])
    row = np.cumsum(new) - 1
    n_rows = int(row[-1]) + 1 if len(row) else 0
    call = group_sum(row, np.where(kind_s == 0, amt_s, 0.0), n_rows)
    dist = group_sum(row, np.where(kind_s == 1, amt_s, 0.0), n_rows)
    is_nav = kind_s == 2
    if (np.bincount(row[is_nav], minlength=n_rows) > 1).any():
        twice = np.flatnonzero(np.bincount(row[is_nav], minlength=n_rows) > 1)
        where = [
            f"{fund_ids[code_s[new][r]]} {np.datetime64(int(day_s[new][r]), 'D')}"
            for r in twice[:5]
        ]
        raise ValueError(f"two nav rows on one date: {', '.join(where)}")
    nav = np.full(n_rows, np.nan)
    nav[row[is_nav]] = amt_s[is_nav]
    fund = code_s[new]
    rday = day_s[new]
    offsets = np.zeros(n_funds + 1, np.int64)
    offsets[1:] = np.cumsum(np.bincount(fund, minlength=n_funds))

    # The last nav row ends a fund's history: nothing may follow it.
    last_nav = np.full(n_funds, -1, np.int64)
    nav_rows = np.flatnonzero(~np.isnan(nav))
    np.maximum.at(last_nav, fund[nav_rows], nav_rows)
    has_nav = last_nav >= 0
    late = has_nav & (last_nav < offsets[1:] - 1)
    if late.any():
        names = ", ".join(str(f) for f in fund_ids[late][:5])
        raise ValueError(
            f"{int(late.sum())} fund(s) have flows after their last nav row, which ends the "
            f"fund's history: {names}"
        )
    end_nav = np.where(has_nav, nav[np.maximum(last_nav, 0)], 0.0)
    return FundFlows(
        fund_ids=fund_ids,
        offsets=offsets,
        fund=fund,
        day=rday,
        call=call,
        distribution=dist,
        nav=nav,
        end_nav=end_nav,
    )


def index_levels(index: pd.Series, days: IntArray | Sequence[int]) -> FloatArray:
    """The index level on each date: the last level dated on or before it (forward fill).

    Parameters
    ----------
    index : Series
        Index levels (> 0, e.g. a total-return index) indexed by date, one level per date.
    days : array of int64
        Dates as days since 1970-01-01.

    Returns
    -------
    ndarray of float64
        The level known on each date; NaN for a date before the index's first date.

    Raises
    ------
    ValueError
        The index is empty, has a date twice, or a level that is not a finite number > 0.
    """
    if index.empty:
        raise ValueError("the index has no levels")
    idx_days = _days(index.index)
    levels = index.to_numpy(np.float64)
    if not np.isfinite(levels).all() or (levels <= 0).any():
        raise ValueError("index levels must be finite numbers > 0")
    order = np.argsort(idx_days, kind="stable")
    idx_days, levels = idx_days[order], levels[order]
    if (np.diff(idx_days) == 0).any():
        raise ValueError("the index has a date twice")
    pos = np.searchsorted(idx_days, np.asarray(days, np.int64), side="right") - 1
    return np.where(pos >= 0, levels[np.maximum(pos, 0)], np.nan)
