"""Scoring of daily NAV estimates against a (synthetic) true value.

Owns the back-test measures of DOMAIN.md section 2 ("honest validation"): the daily log error of
each method's estimate against the true value, its RMSE, MAE and bias overall, by days since the
quarter end and in crisis windows, the size of the true-up jumps, the coverage of the stated
intervals, and the dilution that trading at the estimated NAV would have caused. Pure functions on
DataFrames and NumPy arrays, vectorised (no loop over rows).

Must not hold estimator logic, must not do I/O, and must never be imported by an estimator: the
truth it reads is synthetic and known only to validation code.

Conventions: dollars are the vehicle's currency as floats; errors and returns are decimals (a log
error of 0.01 is about 1%); dates are compared at day resolution (any ``datetime64`` unit, times of
day dropped); a "day count" is calendar days; a year is 365.25 days.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
DateLike = str | dt.date | np.datetime64 | pd.Timestamp

#: Columns an ``estimates`` frame must have (one row per holding, date and method).
ESTIMATE_COLUMNS: tuple[str, ...] = (
    "holding_id",
    "date",
    "method",
    "value",
    "lower",
    "upper",
    "true_up",
    "new_statement",
)

#: Columns a ``truth`` frame must have (one row per holding and date).
TRUTH_COLUMNS: tuple[str, ...] = ("holding_id", "date", "value")

#: Columns of :func:`log_errors`'s result, in order.
LOG_ERROR_COLUMNS: tuple[str, ...] = (
    "holding_id",
    "date",
    "method",
    "value",
    "lower",
    "upper",
    "truth",
    "log_error",
    "covered",
    "days_since_quarter_end",
    "true_up",
    "new_statement",
)

#: Crisis windows of DOMAIN.md section 2 (inclusive calendar dates).
CRISIS_WINDOWS: Mapping[str, tuple[DateLike, DateLike]] = MappingProxyType(
    {"2000-02": ("2000-01-01", "2002-12-31"), "2008-09": ("2008-01-01", "2009-12-31")}
)

#: Edges of the days-since-quarter-end buckets: ``0-30``, ``31-60``, ``61-92``.
DAY_BUCKETS: tuple[int, ...] = (0, 30, 60, 92)

#: A window counts as covered when a method's evaluation rows start no later than this many
#: calendar days after the window's first day and end no earlier than this many days before its
#: last day (so that a window starting on a holiday such as 1 January is not lost).
WINDOW_SLACK_DAYS = 7

_DAYS_PER_YEAR = 365.25
_DAY_OFFSET = 2**31  # shifts day numbers (days since 1970-01-01) to non-negative int32 range


@dataclass(frozen=True)
class ErrorStats:
    """Summary of daily log errors ``log(estimate / truth)``.

    Attributes
    ----------
    n : int
        Number of non-NaN log errors summarised.
    rmse : float
        Root mean square log error, decimal (NaN when ``n == 0``).
    mae : float
        Mean absolute log error, decimal (NaN when ``n == 0``).
    bias : float
        Mean log error, decimal; positive means the estimates overstate (NaN when ``n == 0``).

    """

    n: int
    rmse: float
    mae: float
    bias: float


# ---------------------------------------------------------------------------------------------
# Small helpers
# ---------------------------------------------------------------------------------------------


def _require_columns(frame: pd.DataFrame, columns: Sequence[str], name: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{name} is missing column(s) {missing}; it needs {list(columns)}")


def _day_numbers(values: pd.Series | pd.Index, name: str) -> tuple[IntArray, BoolArray]:
    """Days since 1970-01-01 of each date (any ``datetime64`` unit) and a mask of non-missing."""
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        raise ValueError(f"{name} must hold dates without a time zone")
    if not pd.api.types.is_datetime64_dtype(values.dtype):
        values = pd.to_datetime(values)
    days = np.asarray(values.to_numpy()).astype("datetime64[D]")
    ok = ~np.isnat(days)
    return days.view(np.int64), ok


def _to_day(value: DateLike) -> int:
    return int(pd.Timestamp(value).to_datetime64().astype("datetime64[D]").view(np.int64))


def _iso(day: int) -> str:
    return str(np.datetime64(day, "D"))


def _floats(values: pd.Series) -> FloatArray:
    return np.asarray(values.to_numpy(dtype=np.float64, na_value=np.nan), dtype=np.float64)


def _quarter_start(days: IntArray) -> IntArray:
    """Day number of the first day of each day's calendar quarter."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").view(np.int64)
    first_month = months - months % 3  # 1970-01 (month 0) starts a quarter
    return first_month.astype("datetime64[M]").astype("datetime64[D]").view(np.int64)


def _days_since_quarter_end(days: IntArray) -> IntArray:
    """Calendar days since the latest calendar quarter end on or before each day.

    Parameters
    ----------
    days : ndarray of int64
        Dates as day numbers (days since 1970-01-01).

    Returns
    -------
    ndarray of int64
        0 on 31 March, 30 June, 30 September and 31 December; 1 on the day after; at most 91
        (the day before the end of a 92-day quarter). Same shape as ``days``.

    """
    days = np.asarray(days, dtype=np.int64)
    if days.size == 0:
        return np.zeros(0, dtype=np.int64)
    d0 = int(days.min())
    span = np.arange(d0, int(days.max()) + 1, dtype=np.int64)  # computed once per calendar day
    since = span - _quarter_start(span) + 1
    next_day = span + 1
    table = np.where(_quarter_start(next_day) == next_day, 0, since)
    return table[days - d0]


def _bucket_labels(edges: Sequence[int]) -> list[str]:
    return [f"{edges[0] if i == 0 else edges[i] + 1}-{edges[i + 1]}" for i in range(len(edges) - 1)]


def _check_buckets(day_buckets: Sequence[int]) -> IntArray:
    edges = np.asarray(day_buckets, dtype=np.int64)
    if edges.ndim != 1 or edges.size < 2 or np.any(np.diff(edges) <= 0) or edges[0] < 0:
        raise ValueError(
            f"day_buckets = {tuple(day_buckets)} must be at least two increasing non-negative "
            "day counts"
        )
    return edges


def _group_stats(codes: IntArray, n_groups: int, e: FloatArray) -> list[ErrorStats]:
    """:class:`ErrorStats` of ``e`` per group code ``0 .. n_groups - 1`` (NaN skipped)."""
    ok = ~np.isnan(e)
    c, x = codes[ok], e[ok]
    n = np.bincount(c, minlength=n_groups)
    s1 = np.bincount(c, weights=x, minlength=n_groups)
    s2 = np.bincount(c, weights=x * x, minlength=n_groups)
    sa = np.bincount(c, weights=np.abs(x), minlength=n_groups)
    out: list[ErrorStats] = []
    for g in range(n_groups):
        k = int(n[g])
        if k == 0:
            out.append(ErrorStats(0, math.nan, math.nan, math.nan))
        else:
            out.append(ErrorStats(k, math.sqrt(s2[g] / k), float(sa[g] / k), float(s1[g] / k)))
    return out


# ---------------------------------------------------------------------------------------------
# Join of estimates and truth
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Joined:
    """The evaluation rows of a join, as arrays (row ``i`` is ``estimates`` row ``rows[i]``)."""

    estimates: pd.DataFrame
    rows: IntArray
    holding: IntArray  # holding code (position among the truth's holdings)
    method: IntArray  # method code (position in method_names)
    method_names: list[str]  # methods with at least one evaluation row, in order of appearance
    day: IntArray  # day number
    value: FloatArray
    lower: FloatArray
    upper: FloatArray
    truth: FloatArray
    log_error: FloatArray
    covered: BoolArray
    days_since_quarter_end: IntArray
    true_up: FloatArray
    new_statement: BoolArray

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame with :data:`LOG_ERROR_COLUMNS`."""
        est, rows = self.estimates, self.rows
        return pd.DataFrame(
            {
                "holding_id": est["holding_id"].array.take(rows),
                "date": est["date"].array.take(rows),
                "method": est["method"].array.take(rows),
                "value": self.value,
                "lower": self.lower,
                "upper": self.upper,
                "truth": self.truth,
                "log_error": self.log_error,
                "covered": self.covered,
                "days_since_quarter_end": self.days_since_quarter_end,
                "true_up": self.true_up,
                "new_statement": self.new_statement,
            },
            copy=False,
        )


def _join(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    floor_fraction: float,
    commitment: pd.Series | None,
) -> _Joined:
    _require_columns(estimates, ESTIMATE_COLUMNS, "estimates")
    _require_columns(truth, TRUTH_COLUMNS, "truth")
    if not (math.isfinite(floor_fraction) and floor_fraction > 0.0):
        raise ValueError(f"floor_fraction = {floor_fraction} must be a positive number")

    # Truth: integer key (holding code, day) sorted for a binary-search join.
    t_code, t_ids = pd.factorize(truth["holding_id"])
    t_code = np.asarray(t_code, dtype=np.int64)
    t_day, t_ok = _day_numbers(truth["date"], "truth['date']")
    t_value = _floats(truth["value"])
    t_ok &= t_code >= 0
    t_rows = np.flatnonzero(t_ok)
    t_key = (t_code[t_rows] << 32) | (t_day[t_rows] + _DAY_OFFSET)
    if t_key.size > 1 and np.all(t_key[1:] > t_key[:-1]):
        order = np.arange(t_key.size)
    else:
        order = np.argsort(t_key, kind="stable")
    sorted_key = t_key[order]
    if sorted_key.size > 1 and np.any(sorted_key[1:] == sorted_key[:-1]):
        dup = t_rows[order[np.flatnonzero(sorted_key[1:] == sorted_key[:-1])[0]]]
        raise ValueError(
            "truth has more than one row for holding_id "
            f"{truth['holding_id'].iloc[dup]!r} on {_iso(int(t_day[dup]))}"
        )

    # Evaluation floor per holding (dollars).
    n_ids = len(t_ids)
    max_true = (
        pd.Series(t_value[t_rows]).groupby(t_code[t_rows]).max().reindex(range(n_ids)).to_numpy()
    )
    floor = floor_fraction * np.asarray(max_true, dtype=np.float64)
    if commitment is not None:
        com = _floats(pd.Series(commitment).reindex(pd.Index(t_ids)))
        usable = np.isfinite(com) & (com > 0.0)
        floor = np.where(usable, floor_fraction * com, floor)

    m_code_all, m_names_all = pd.factorize(estimates["method"])
    m_code_all = np.asarray(m_code_all, dtype=np.int64)
    if np.any(m_code_all < 0):
        raise ValueError("estimates has rows without a method")

    # Estimates: holding codes via their (few) distinct ids, then the binary-search join.
    e_code0, e_ids = pd.factorize(estimates["holding_id"])
    to_truth = np.asarray(pd.Index(t_ids).get_indexer(pd.Index(e_ids)), dtype=np.int64)
    e_code0 = np.asarray(e_code0, dtype=np.int64)
    e_code = np.where(e_code0 >= 0, to_truth[np.maximum(e_code0, 0)], -1)
    e_day, e_ok = _day_numbers(estimates["date"], "estimates['date']")
    e_ok &= e_code >= 0
    e_key = np.where(e_ok, (e_code << 32) | (e_day + _DAY_OFFSET), -1)
    if sorted_key.size:
        pos = np.minimum(np.searchsorted(sorted_key, e_key), sorted_key.size - 1)
        hit = e_ok & (sorted_key[pos] == e_key)
        t_pos = np.where(hit, t_rows[order[pos]], t_value.size)
    else:
        hit = np.zeros(e_key.size, dtype=bool)
        t_pos = np.full(e_key.size, t_value.size, dtype=np.int64)

    # Evaluation rows: a true value that is positive and at least the holding's floor. The NaN
    # appended to each array is what a row without a match (index -1 or one past the end) reads.
    true_all = np.append(t_value, np.nan)[t_pos]
    floor_all = np.append(floor, np.nan)[e_code]
    keep = hit & (true_all > 0.0) & (true_all >= floor_all)
    rows = np.flatnonzero(keep)

    value = _floats(estimates["value"])[rows]
    lower = _floats(estimates["lower"])[rows]
    upper = _floats(estimates["upper"])[rows]
    true_v = true_all[rows]
    day = e_day[rows]
    m_code = m_code_all[rows]
    present = np.bincount(m_code, minlength=len(m_names_all)) > 0
    renumber = np.cumsum(present) - 1
    new_statement = estimates["new_statement"].to_numpy(dtype=bool, na_value=False)[rows]
    return _Joined(
        estimates=estimates,
        rows=rows,
        holding=e_code[rows],
        method=renumber[m_code],
        method_names=[str(m) for m, p in zip(m_names_all, present, strict=True) if p],
        day=day,
        value=value,
        lower=lower,
        upper=upper,
        truth=true_v,
        log_error=np.log(np.maximum(value, floor_all[rows]) / true_v),  # NaN value stays NaN
        covered=(lower <= true_v) & (true_v <= upper),
        days_since_quarter_end=_days_since_quarter_end(day),
        true_up=_floats(estimates["true_up"])[rows],
        new_statement=new_statement,
    )


def log_errors(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    floor_fraction: float = 0.01,
    commitment: pd.Series | None = None,
) -> pd.DataFrame:
    """Daily log error of every estimate against the true value, on the evaluation rows.

    Estimates and truth are inner-joined on ``(holding_id, date)`` (dates at day resolution). A
    row is an *evaluation row* when its true value is positive and at least the holding's floor::

        floor_h = floor_fraction * commitment[h]        when commitment is given and positive
        floor_h = floor_fraction * max_t truth[h, t]    otherwise

    Estimates below the floor are clipped to it before the log,
    ``log_error = log(max(value, floor_h) / truth)``. Both rules keep a liquidating fund's tail
    (true value falling to cents, where any estimate is off by a large log error) from dominating
    the statistics; the same rule applies to every method, so comparisons stay fair.

    Parameters
    ----------
    estimates : DataFrame
        ``holding_id`` (str), ``date`` (datetime64), ``method`` (str), ``value``, ``lower``,
        ``upper`` (dollars: the estimate and its stated interval), ``true_up`` (dollars: the
        change in the day's value caused by information first known that day, 0 on other days),
        ``new_statement`` (bool: a GP statement became known that day). One row per holding,
        date and method (not checked). Other columns are ignored.
    truth : DataFrame
        ``holding_id``, ``date``, ``value`` (true value in dollars; synthetic). One row per
        holding and date.
    floor_fraction : float, default 0.01
        Floor as a decimal share of the holding's commitment (or of its largest true value).
    commitment : Series, optional
        Commitment in dollars indexed by ``holding_id``. Holdings missing from it, or with a
        commitment that is NaN or not positive, use the largest-true-value rule.

    Returns
    -------
    DataFrame
        Columns :data:`LOG_ERROR_COLUMNS`: the estimate's ``holding_id, date, method, value,
        lower, upper``; ``truth`` (dollars); ``log_error`` (decimal); ``covered`` (bool,
        ``lower <= truth <= upper``); ``days_since_quarter_end`` (int, calendar days since the
        latest calendar quarter end on or before the date, 0 on a quarter end); ``true_up``
        (dollars) and ``new_statement`` (bool). One row per evaluation row, in the order of
        ``estimates``, with a fresh ``RangeIndex``.

    Raises
    ------
    ValueError
        A required column is missing, ``floor_fraction`` is not positive, a date column has a
        time zone, or ``truth`` has two rows for one holding and date.

    Notes
    -----
    NaN behaviour: a NaN ``value`` gives a NaN ``log_error`` (the row is kept, and skipped by
    :func:`error_stats`); a NaN ``lower`` or ``upper`` makes ``covered`` False; a missing
    ``new_statement`` counts as False and a NaN ``true_up`` stays NaN. Truth rows with a missing
    holding, date or value, and estimates without a matching truth row, are dropped.

    """
    return _join(estimates, truth, floor_fraction=floor_fraction, commitment=commitment).frame()


def error_stats(log_error: pd.Series) -> ErrorStats:
    """RMSE, MAE and bias of daily log errors.

    Parameters
    ----------
    log_error : Series of float
        Log errors ``log(estimate / truth)``, decimals. NaN values are skipped; infinite values
        propagate (they cannot arise from :func:`log_errors`, which clips at a positive floor).

    Returns
    -------
    ErrorStats
        ``n`` non-NaN errors, ``rmse = sqrt(mean(e**2))``, ``mae = mean(|e|)``,
        ``bias = mean(e)``, all decimals; NaN statistics when ``n == 0``.

    """
    e = _floats(pd.Series(log_error))
    return _group_stats(np.zeros(e.size, dtype=np.int64), 1, e)[0]


# ---------------------------------------------------------------------------------------------
# Dilution
# ---------------------------------------------------------------------------------------------


def dilution(sleeve_error: pd.Series, flows: pd.Series) -> tuple[float, float]:
    """Wealth moved between trading and staying participants by a mispriced sleeve, bp a year.

    Participants who trade at an estimated NAV that differs from the true value move wealth
    between themselves and those who stay. On day ``t`` the amount, as a decimal share of the
    sleeve's true value, is ``flows_t * sleeve_error_t / (1 + max(flows_t, 0))``. Traders who buy
    (``flows_t > 0``) at an overstated NAV (``sleeve_error_t > 0``) pay too much, so wealth goes
    to the stayers::

        moved_t      = flows_t * sleeve_error_t / (1 + max(flows_t, 0))
        to_traders_t = -moved_t
        gross        = 1e4 * sum_t |moved_t| / years
        signed       = 1e4 * sum_t to_traders_t / years

    The factor ``1 / (1 + f)`` is the exact ``U / (U + P / NAV)`` for a net purchase ``f`` of
    the net assets: the buyers' new units share the mispricing they bring (issue 17; the
    first-order ``f e`` overstates it). A net redemption needs none. The flows here are **net**
    daily flows, so ``gross`` is the wealth moved by each day's net flow: purchases and
    redemptions of one day are netted before it (``altsleeve.fund.dilution_report``, which has
    both, counts them apart).

    Parameters
    ----------
    sleeve_error : Series of float
        Indexed by date: the value-weighted relative mispricing of the sleeve,
        ``sum_h(value - truth) / sum_h(truth)`` (decimal; see :func:`sleeve_error_by_date`).
        NaN days are skipped.
    flows : Series of float
        Indexed by date (unique): the vehicle's net participant flow as a decimal share of its net
        assets (+ purchases, - redemptions). A NaN flow counts as 0.

    Returns
    -------
    gross : float
        Basis points of the sleeve's true value a year moved in either direction (>= 0).
    to_traders : float
        Basis points a year moved to the traders (negative: the stayers gained).

    Raises
    ------
    ValueError
        ``flows`` has two values for one date.

    Notes
    -----
    The sums run over the dates present in both indexes (dates compared at day resolution; a
    date missing from ``flows`` would contribute 0 anyway), and
    ``years = (last date - first date).days / 365.25`` over those dates (ACT/365.25). Both
    results are NaN when fewer than two such dates exist (no span to annualise over).

    This is the measure of DOMAIN.md section 2, "sum over days of
    flow_t * (NAV_est_t - NAV_true_t) / NAV_true_t", annualised; the concept is the stale-pricing
    dilution of mutual funds.

    References
    ----------
    Zitzewitz, E. (2003), "Who Cares About Shareholders? Arbitrage-Proofing Mutual Funds",
    *Journal of Law, Economics, and Organization* 19(2), 245-280.
    Greene, J. T. and Hodges, C. W. (2002), "The Dilution Impact of Daily Fund Flows on Open-End
    Mutual Funds", *Journal of Financial Economics* 65(1), 131-158.

    """
    err = _floats(pd.Series(sleeve_error))
    e_day, e_ok = _day_numbers(pd.Index(sleeve_error.index), "sleeve_error's index")
    f_day, f_ok = _day_numbers(pd.Index(flows.index), "flows' index")
    f_val = _floats(pd.Series(flows))
    f_day, f_val = f_day[f_ok], f_val[f_ok]
    f_index = pd.Index(f_day)
    if not f_index.is_unique:
        raise ValueError("flows has more than one value for a date")
    keep = e_ok & ~np.isnan(err)
    e_day, err = e_day[keep], err[keep]
    pos = np.asarray(f_index.get_indexer(pd.Index(e_day)), dtype=np.int64)
    both = pos >= 0
    if np.count_nonzero(both) < 2:
        return math.nan, math.nan
    span = int(e_day[both].max() - e_day[both].min())
    if span <= 0:
        return math.nan, math.nan
    years = span / _DAYS_PER_YEAR
    f_both = np.nan_to_num(f_val[pos[both]], nan=0.0)
    moved = f_both * err[both] / (1.0 + np.maximum(f_both, 0.0))
    return float(1e4 * np.abs(moved).sum() / years), float(1e4 * -moved.sum() / years)


def _sleeve_error_arrays(
    method: IntArray, n_methods: int, day: IntArray, value: FloatArray, truth: FloatArray
) -> tuple[IntArray, FloatArray, BoolArray]:
    """Dense (method x day) sleeve error: first day number, errors and a mask of days with data."""
    ok = ~np.isnan(value)
    if not np.any(ok):
        empty = np.zeros((n_methods, 0), dtype=np.float64)
        return np.zeros(1, dtype=np.int64), empty, empty.astype(bool)
    d0 = int(day[ok].min())
    width = int(day[ok].max()) - d0 + 1
    cell = method[ok] * width + (day[ok] - d0)
    size = n_methods * width
    num = np.bincount(cell, weights=value[ok] - truth[ok], minlength=size)
    den = np.bincount(cell, weights=truth[ok], minlength=size)
    has = np.bincount(cell, minlength=size) > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        err = num / den
    return (
        np.array([d0], dtype=np.int64),
        err.reshape(n_methods, width),
        (has & (den > 0)).reshape(n_methods, width),
    )


def sleeve_error_by_date(errors: pd.DataFrame) -> pd.DataFrame:
    """Value-weighted relative mispricing of the sleeve per date and method.

    Parameters
    ----------
    errors : DataFrame
        The result of :func:`log_errors` (``date``, ``method``, ``value`` and ``truth`` used).

    Returns
    -------
    DataFrame
        Indexed by date (``datetime64``, one row per date with any evaluation row), one column
        per method (in order of first appearance): ``sum_h(value - truth) / sum_h(truth)`` over
        that method's evaluation rows of the day, a decimal. Rows with a NaN ``value`` are left
        out of both sums; a date without rows for a method is NaN.

    """
    codes, names = pd.factorize(errors["method"])
    day, _ = _day_numbers(errors["date"], "errors['date']")
    d0, err, has = _sleeve_error_arrays(
        np.asarray(codes, dtype=np.int64),
        len(names),
        day,
        _floats(errors["value"]),
        _floats(errors["truth"]),
    )
    used = np.flatnonzero(has.any(axis=0))
    index = pd.DatetimeIndex((d0[0] + used).astype("datetime64[D]"), name="date")
    values = np.where(has[:, used], err[:, used], np.nan).T
    return pd.DataFrame(values, index=index, columns=pd.Index([str(m) for m in names]))


# ---------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------


def backtest_report(
    estimates: pd.DataFrame,
    truth: pd.DataFrame,
    *,
    flows: pd.Series | None = None,
    commitment: pd.Series | None = None,
    floor_fraction: float = 0.01,
    windows: Mapping[str, tuple[DateLike, DateLike]] = CRISIS_WINDOWS,
    day_buckets: Sequence[int] = DAY_BUCKETS,
) -> dict[str, dict[str, Any]]:
    """Back-test every method's daily estimates against the true value.

    Parameters
    ----------
    estimates : DataFrame
        Stacked estimates of one or more methods, as for :func:`log_errors`.
    truth : DataFrame
        ``holding_id, date, value`` (dollars), as for :func:`log_errors`.
    flows : Series, optional
        The vehicle's daily net participant flow, a decimal share of its net assets, indexed by
        date. Without it the dilution figures are None.
    commitment : Series, optional
        Commitments in dollars by ``holding_id``, for the evaluation floor.
    floor_fraction : float, default 0.01
        Evaluation floor as a decimal share (see :func:`log_errors`).
    windows : mapping of str to (date, date), default :data:`CRISIS_WINDOWS`
        Named inclusive date ranges. A window is reported for a method only when that method's
        evaluation rows span it (within :data:`WINDOW_SLACK_DAYS` days at each end).
    day_buckets : sequence of int, default (0, 30, 60, 92)
        Increasing edges of the days-since-quarter-end buckets: labels ``"0-30"``, ``"31-60"``,
        ``"61-92"`` (first bucket ``[e0, e1]``, then ``[e_{i-1} + 1, e_i]``). Days outside every
        bucket are counted in none.

    Returns
    -------
    dict of str to dict
        Keyed by method (order of first appearance), each with:

        - ``overall``: :class:`ErrorStats` as a dict (``n, rmse, mae, bias``; decimals of log
          error) over the evaluation rows;
        - ``by_days_since_quarter_end``: the same per bucket label (``n == 0`` and NaN
          statistics for an empty bucket);
        - ``windows``: the same per covered window (absent windows were not covered);
        - ``true_up_mean_abs``: mean of ``|log(value / (value - true_up))|`` over the evaluation
          rows with ``new_statement``, decimal, skipping rows where ``value <= 0``,
          ``value - true_up <= 0`` or either is NaN (NaN when none is left);
        - ``true_up_count``: the number of rows in that mean;
        - ``coverage``: share of evaluation rows with ``lower <= truth <= upper`` (a missing
          bound counts as not covered; NaN when the method states no interval at all);
        - ``dilution_bp_per_year`` and ``dilution_to_traders_bp_per_year``: see
          :func:`dilution`, on the method's :func:`sleeve_error_by_date` (None when ``flows``
          is None; NaN when fewer than two dates overlap the flows);
        - ``n_holdings``: distinct holdings among the evaluation rows;
        - ``first``, ``last``: ISO dates of the first and last evaluation rows.

    Raises
    ------
    ValueError
        As :func:`log_errors`; bad ``day_buckets``; a window that ends before it starts; or
        ``flows`` with two values for one date.

    Notes
    -----
    The statistics skip NaN log errors (estimates that are NaN), so ``overall["n"]`` can be
    smaller than the number of evaluation rows; ``coverage``, ``n_holdings``, ``first`` and
    ``last`` count every evaluation row. Everything is computed with array operations
    (``numpy.bincount``) on the joined rows; a method with no evaluation row does not appear.

    """
    edges = _check_buckets(day_buckets)
    labels = _bucket_labels([int(x) for x in edges])
    spans = {name: (_to_day(a), _to_day(b)) for name, (a, b) in windows.items()}
    for name, (a, b) in spans.items():
        if b < a:
            raise ValueError(f"window {name!r} ends ({_iso(b)}) before it starts ({_iso(a)})")

    joined = _join(estimates, truth, floor_fraction=floor_fraction, commitment=commitment)
    m_code = joined.method
    m_names = joined.method_names
    n_m = len(m_names)
    day = joined.day
    e = joined.log_error
    value = joined.value
    true_v = joined.truth

    overall = _group_stats(m_code, n_m, e)

    # Days since quarter end: bucket i holds edges[i] < d <= edges[i + 1] (first bucket from e0).
    dsq = joined.days_since_quarter_end
    bucket = np.searchsorted(edges[1:], dsq, side="left")
    in_bucket = (dsq >= edges[0]) & (bucket < len(labels))
    nb = len(labels)
    by_bucket = _group_stats(m_code[in_bucket] * nb + bucket[in_bucket], n_m * nb, e[in_bucket])

    # First and last day and distinct holdings per method.
    first = np.full(n_m, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n_m, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, m_code, day)
    np.maximum.at(last, m_code, day)
    n_ids = int(joined.holding.max()) + 1 if day.size else 0
    seen = np.bincount(m_code * n_ids + joined.holding, minlength=n_m * n_ids) > 0
    n_holdings = seen.reshape(n_m, n_ids).sum(axis=1)

    # Windows, reported only where the method's rows span them.
    window_stats: dict[str, list[ErrorStats]] = {}
    for name, (a, b) in spans.items():
        mask = (day >= a) & (day <= b)
        window_stats[name] = _group_stats(m_code[mask], n_m, e[mask])

    # True-up jumps on statement days.
    tu = joined.true_up
    base = value - tu
    ok_tu = joined.new_statement & (value > 0.0) & (base > 0.0)
    jump = np.abs(np.log(value[ok_tu] / base[ok_tu]))
    tu_n = np.bincount(m_code[ok_tu], minlength=n_m)
    tu_sum = np.bincount(m_code[ok_tu], weights=jump, minlength=n_m)

    # Coverage.
    lower = joined.lower
    upper = joined.upper
    rows_n = np.bincount(m_code, minlength=n_m)
    cov_n = np.bincount(m_code, weights=joined.covered.astype(np.float64), minlength=n_m)
    has_interval = ~np.isnan(lower) & ~np.isnan(upper)
    stated = np.bincount(m_code, weights=has_interval.astype(np.float64), minlength=n_m)

    # Dilution on the sleeve's value-weighted error.
    dil: list[tuple[float | None, float | None]] = [(None, None)] * n_m
    if flows is not None:
        d0, err, has = _sleeve_error_arrays(m_code, n_m, day, value, true_v)
        for m in range(n_m):
            used = np.flatnonzero(has[m])
            series = pd.Series(
                err[m, used], index=pd.DatetimeIndex((d0[0] + used).astype("datetime64[D]"))
            )
            dil[m] = dilution(series, flows)

    report: dict[str, dict[str, Any]] = {}
    for m, name in enumerate(m_names):
        windows_m = {
            w: asdict(window_stats[w][m])
            for w, (a, b) in spans.items()
            if first[m] <= a + WINDOW_SLACK_DAYS and last[m] >= b - WINDOW_SLACK_DAYS
        }
        report[str(name)] = {
            "overall": asdict(overall[m]),
            "by_days_since_quarter_end": {
                label: asdict(by_bucket[m * nb + i]) for i, label in enumerate(labels)
            },
            "windows": windows_m,
            "true_up_mean_abs": float(tu_sum[m] / tu_n[m]) if tu_n[m] else math.nan,
            "true_up_count": int(tu_n[m]),
            "coverage": float(cov_n[m] / rows_n[m]) if stated[m] > 0 else math.nan,
            "dilution_bp_per_year": dil[m][0],
            "dilution_to_traders_bp_per_year": dil[m][1],
            "n_holdings": int(n_holdings[m]),
            "first": _iso(int(first[m])),
            "last": _iso(int(last[m])),
        }
    return report


def report_table(report: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """Flatten a :func:`backtest_report` into one row per method for a table or a CSV file.

    Parameters
    ----------
    report : mapping
        The result of :func:`backtest_report`.

    Returns
    -------
    DataFrame
        Indexed by ``method``; columns ``n, rmse, mae, bias`` (overall; decimals of log error),
        ``coverage`` (decimal), ``true_up_mean_abs`` (decimal), ``true_up_count``,
        ``dilution_bp_per_year``, ``dilution_to_traders_bp_per_year`` (bp a year; NaN without
        flows), then ``rmse_<window>`` for each window any method covers (NaN for a method that
        does not), ``rmse_<bucket>`` for each days-since-quarter-end bucket (e.g.
        ``rmse_0-30``), and ``n_holdings, first, last``.

    """
    rows: list[dict[str, Any]] = []
    window_names: list[str] = []
    bucket_names: list[str] = []
    for entry in report.values():
        for w in entry["windows"]:
            if w not in window_names:
                window_names.append(w)
        for b in entry["by_days_since_quarter_end"]:
            if b not in bucket_names:
                bucket_names.append(b)

    def num(x: Any) -> float:
        return math.nan if x is None else float(x)

    for entry in report.values():
        o = entry["overall"]
        row: dict[str, Any] = {
            "n": int(o["n"]),
            "rmse": num(o["rmse"]),
            "mae": num(o["mae"]),
            "bias": num(o["bias"]),
            "coverage": num(entry["coverage"]),
            "true_up_mean_abs": num(entry["true_up_mean_abs"]),
            "true_up_count": int(entry["true_up_count"]),
            "dilution_bp_per_year": num(entry["dilution_bp_per_year"]),
            "dilution_to_traders_bp_per_year": num(entry["dilution_to_traders_bp_per_year"]),
        }
        for w in window_names:
            stats = entry["windows"].get(w)
            row[f"rmse_{w}"] = num(stats["rmse"]) if stats is not None else math.nan
        for b in bucket_names:
            stats = entry["by_days_since_quarter_end"].get(b)
            row[f"rmse_{b}"] = num(stats["rmse"]) if stats is not None else math.nan
        row["n_holdings"] = int(entry["n_holdings"])
        row["first"] = entry["first"]
        row["last"] = entry["last"]
        rows.append(row)
    table = pd.DataFrame(rows, index=pd.Index([str(k) for k in report], name="method"))
    return table
