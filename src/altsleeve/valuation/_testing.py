"""Testing the fair values (SEC Rule 2a-5 style): back-test at arrival, bias, price challenges.

Owns the pure calculations of the valuation testing pack, on frames the estimators produce
(``ESTIMATE_COLUMNS``, one method per holding, each day as known that day) and the ledger's
statements (every version, with ``known_on``):

* **back-test at arrival** (:func:`arrival_backtest`): for every GP mark (statement version)
  that became known in ``[start, end]``, the daily value the method gave on the mark's own as-of
  date ``q`` (the last business day on or before it), as known on ``q`` -- the fair value the
  vehicle struck with that day -- against the mark, which is the first observable price for that
  date. ``log_error = ln(estimate_q / mark_q)``: positive means the daily value overstated the
  mark. ``days_since_mark`` is ``q`` minus the as-of date of the mark the estimate rested on
  (how stale its anchor was); ``trueup_at_arrival`` is the jump in the daily value on the first
  business day the mark was known, over the value before it; ``source`` says whether the daily
  value is the one recorded in the ledger (``recorded``) or recomputed point in time
  (``computed``: an ``estimates`` frame without a ``source`` column is all computed);
* **bias tables** (:func:`bias_table`): count, mean (bias), median, mean absolute and RMS log
  error and the share of marks inside the stated band, by asset class or by bucket of
  ``days_since_mark`` (:data:`DAY_BUCKETS`);
* **price challenges** (:func:`price_challenges`): a mark outside the estimate's band on its
  as-of date, or whose ``|log_error|`` exceeds its class's threshold, goes to the valuation
  committee with the evidence (status ``open``);
* **coverage** (:func:`coverage_table`): every holding with a value above zero on the as-of day,
  with the method and parameters used (the list is the whole book, never a sample).

Every input is filtered by the caller's ``end``: a statement known after ``end`` is never used,
so adding later facts does not change a pack. Pure: no I/O, no ledger.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

#: Columns of :func:`arrival_backtest`.
ARRIVAL_COLUMNS = (
    "holding_id",
    "asset_class",
    "method",
    "mark_as_of",
    "known_on",
    "version",
    "mark",
    "estimate_date",
    "estimate",
    "lower",
    "upper",
    "anchor_as_of",
    "days_since_mark",
    "reporting_lag_days",
    "log_error",
    "inside_band",
    "beyond_band",
    "trueup_at_arrival",
    "source",
)

#: Lower edges (calendar days) of the ``days_since_mark`` buckets of :func:`bias_table`.
DAY_BUCKETS: tuple[int, ...] = (0, 120, 180, 270)

#: Columns of :func:`bias_table` (after the group column).
BIAS_COLUMNS = ("n", "bias", "median", "mae", "rmse", "inside_band")


def _ts(x: Any) -> pd.Timestamp:
    return pd.Timestamp(x).normalize()


def arrival_backtest(
    estimates: pd.DataFrame,
    statements: pd.DataFrame,
    holdings: pd.DataFrame,
    *,
    start: Any,
    end: Any,
) -> pd.DataFrame:
    """Every mark known in ``[start, end]`` against the daily value on its as-of date.

    Parameters
    ----------
    estimates : DataFrame
        ``ESTIMATE_COLUMNS`` rows (one method per holding), covering each mark's as-of date.
    statements : DataFrame
        ``holding_id, as_of, known_on, nav, version``; rows known after ``end`` are ignored.
    holdings : DataFrame
        ``holding_id, asset_class``.
    start, end : date-like
        The period: marks whose ``known_on`` falls in it are tested.

    Returns
    -------
    DataFrame
        :data:`ARRIVAL_COLUMNS`, ordered by ``known_on, holding_id, mark_as_of, version``;
        ``log_error`` and the band columns are NaN (``inside_band`` False) where the estimate or
        the mark is not above zero (e.g. a fund's first mark, before it was valued).
    """
    s, e = _ts(start), _ts(end)
    st = statements[
        (pd.to_datetime(statements["known_on"]) >= s)
        & (pd.to_datetime(statements["known_on"]) <= e)
    ].copy()
    if st.empty:
        return pd.DataFrame(columns=list(ARRIVAL_COLUMNS))
    st["as_of"] = pd.to_datetime(st["as_of"]).astype("datetime64[ns]")
    st["known_on"] = pd.to_datetime(st["known_on"]).astype("datetime64[ns]")
    est = estimates[pd.to_datetime(estimates["date"]) <= e].copy()
    est["date"] = pd.to_datetime(est["date"]).astype("datetime64[ns]")
    est = est.sort_values("date")
    if "source" not in est.columns:
        est["source"] = "computed"
    cols = ["holding_id", "date", "method", "value", "lower", "upper", "last_mark_as_of", "source"]
    on_q = pd.merge_asof(
        st.sort_values("as_of"),
        est[cols].rename(columns={"date": "estimate_date"}),
        left_on="as_of",
        right_on="estimate_date",
        by="holding_id",
        direction="backward",
    )
    # the true-up on the first business day the mark was known
    arr = est[["holding_id", "date", "value", "true_up", "new_statement"]].rename(
        columns={"date": "arrival_day", "value": "arrival_value"}
    )
    on_arr = pd.merge_asof(
        on_q.sort_values("known_on"),
        arr,
        left_on="known_on",
        right_on="arrival_day",
        by="holding_id",
        direction="forward",
    )
    base = on_arr["arrival_value"] - on_arr["true_up"]
    trueup = (on_arr["true_up"] / base).where(on_arr["new_statement"].fillna(False).astype(bool))
    trueup = trueup.where(base > 0)
    classes = holdings.set_index("holding_id")["asset_class"].astype(str)
    value = on_arr["value"].astype(float)
    mark = on_arr["nav"].astype(float)
    ok = (value > 0) & (mark > 0)
    log_err = np.log(value.where(ok) / mark.where(ok))
    lower, upper = on_arr["lower"].astype(float), on_arr["upper"].astype(float)
    inside = ok & (mark >= lower) & (mark <= upper)
    beyond = pd.Series(
        np.where(
            mark > upper,
            np.log(mark.where(ok) / upper.where(upper > 0)),
            np.where(mark < lower, np.log(mark.where(ok) / lower.where(lower > 0)), 0.0),
        ),
        index=on_arr.index,
    ).where(ok)
    anchor = pd.to_datetime(on_arr["last_mark_as_of"])
    out = pd.DataFrame(
        {
            "holding_id": on_arr["holding_id"].astype(str),
            "asset_class": on_arr["holding_id"].map(classes).astype(str),
            "method": on_arr["method"],
            "mark_as_of": on_arr["as_of"],
            "known_on": on_arr["known_on"],
            "version": on_arr["version"].astype(int),
            "mark": mark,
            "estimate_date": on_arr["estimate_date"],
            "estimate": value,
            "lower": lower,
            "upper": upper,
            "anchor_as_of": anchor,
            "days_since_mark": (on_arr["estimate_date"] - anchor).dt.days.astype(float),
            "reporting_lag_days": (on_arr["known_on"] - on_arr["as_of"]).dt.days.astype(int),
            "log_error": log_err,
            "inside_band": inside.astype(bool),
            "beyond_band": beyond,
            "trueup_at_arrival": trueup.astype(float),
            "source": on_arr["source"].fillna("computed").astype(str),
        }
    )
    out = out.sort_values(["known_on", "holding_id", "mark_as_of", "version"])
    return out.reset_index(drop=True)[list(ARRIVAL_COLUMNS)]


def _bucket_labels(edges: Sequence[int]) -> list[str]:
    return [
        f"{a}-{b - 1}d" if b is not None else f"{a}d+"
        for a, b in zip(edges, [*edges[1:], None], strict=True)
    ]


def bias_table(
    arrivals: pd.DataFrame, by: str = "asset_class", *, day_buckets: Sequence[int] = DAY_BUCKETS
) -> pd.DataFrame:
    """Error statistics of the arrivals with a log error, by a column or by days since the mark.

    Parameters
    ----------
    arrivals : DataFrame
        :func:`arrival_backtest` rows.
    by : str
        ``"asset_class"`` (or any column of ``arrivals``), or ``"days_since_mark"`` for the
        buckets starting at ``day_buckets`` (calendar days; an estimate without an anchor mark
        falls in no bucket).

    Returns
    -------
    DataFrame
        ``by`` then :data:`BIAS_COLUMNS`, decimals of log value (``bias`` > 0: the daily value
        overstated the marks); ``inside_band`` is the share of marks inside the stated band (the
        band's empirical coverage). One row per group with at least one error, then ``all``.
    """
    a = arrivals[arrivals["log_error"].notna()]
    if by == "days_since_mark":
        labels = _bucket_labels(day_buckets)
        edges = [*day_buckets, np.inf]
        keys = pd.cut(a["days_since_mark"], bins=edges, right=False, labels=labels)
        keys = keys.astype(object)
        order = labels
    else:
        keys = a[by].astype(str)
        order = sorted(set(keys))
    rows = []
    for name in [*order, "all"]:
        g = a if name == "all" else a[keys == name]
        if g.empty and name != "all":
            continue
        err = g["log_error"].to_numpy(float)
        n = len(err)
        rows.append(
            {
                by: name,
                "n": n,
                "bias": float(err.mean()) if n else np.nan,
                "median": float(np.median(err)) if n else np.nan,
                "mae": float(np.abs(err).mean()) if n else np.nan,
                "rmse": float(np.sqrt((err**2).mean())) if n else np.nan,
                "inside_band": float(g["inside_band"].mean()) if n else np.nan,
            }
        )
    return pd.DataFrame(rows, columns=[by, *BIAS_COLUMNS])


def price_challenges(
    arrivals: pd.DataFrame, max_error: Mapping[str, float | None] | None = None
) -> pd.DataFrame:
    """Marks the valuation committee must look at: outside the band, or too far from the value.

    A mark is challenged when it lies outside the estimate's band on its as-of date
    (``inside_band`` False with a log error), or when ``|log_error|`` exceeds ``max_error`` of its
    asset class (key ``"default"`` for the others; ``None``: the band alone). Each row keeps the
    evidence (the mark, the estimate and band, the dates, the deviation) and gets
    ``status = "open"`` and a ``reason``.
    """
    limits = dict(max_error or {})
    a = arrivals[arrivals["log_error"].notna()].copy()
    if a.empty:
        return a.assign(reason=pd.Series(dtype=str), status=pd.Series(dtype=str))
    lim = a["asset_class"].map(lambda c: limits.get(str(c), limits.get("default")))
    lim = pd.to_numeric(lim, errors="coerce")
    outside = ~a["inside_band"].astype(bool)
    too_far = lim.notna() & (a["log_error"].abs() > lim)
    reasons = []
    for o, t, err, beyond, lm in zip(
        outside, too_far, a["log_error"], a["beyond_band"], lim, strict=True
    ):
        parts = []
        if o:
            side = "above" if beyond > 0 else "below"
            parts.append(f"mark {side} the band by {abs(beyond):.1%} (log)")
        if t:
            parts.append(f"absolute error {abs(err):.1%} above the class limit {lm:.1%}")
        reasons.append("; ".join(parts))
    a["reason"] = reasons
    a["status"] = "open"
    return a[outside | too_far].reset_index(drop=True)


def coverage_table(
    on_day: pd.DataFrame,
    holdings: pd.DataFrame,
    statements: pd.DataFrame,
    params: Mapping[str, Mapping[str, Any]],
    *,
    as_of: Any,
) -> pd.DataFrame:
    """Every holding valued above zero on the as-of day, with its method and parameters.

    Parameters
    ----------
    on_day : DataFrame
        ``ESTIMATE_COLUMNS`` rows of the as-of day (the last business day on or before it), one
        per holding.
    holdings : DataFrame
        ``holding_id, asset_class, proxy``.
    statements : DataFrame
        Every statement version; those known after ``as_of`` are ignored.
    params : mapping
        Per holding id, the method's parameters as used that day (plain values).

    Returns
    -------
    DataFrame
        ``holding_id, asset_class, proxy, method, date, value, lower, upper, last_mark,
        last_mark_as_of, days_since_mark, marks, source, params`` (``marks``: the as-of dates
        with a statement known on ``as_of``; ``source``: ``recorded`` or ``computed``;
        ``params``: a dict), ordered by holding id.
    """
    day = _ts(as_of)
    held = on_day[on_day["value"] > 0]
    st = statements[pd.to_datetime(statements["known_on"]) <= day]
    marks = st.groupby("holding_id")["as_of"].nunique()
    h = holdings.set_index("holding_id")
    rows = []
    for r in held.sort_values("holding_id").to_dict("records"):
        hid = str(r["holding_id"])
        mark_as_of = pd.Timestamp(r["last_mark_as_of"]) if pd.notna(r["last_mark_as_of"]) else None
        rows.append(
            {
                "holding_id": hid,
                "asset_class": str(h.at[hid, "asset_class"]),
                "proxy": str(h.at[hid, "proxy"]),
                "method": str(r["method"]),
                "date": pd.Timestamp(r["date"]),
                "value": float(r["value"]),
                "lower": float(r["lower"]),
                "upper": float(r["upper"]),
                "last_mark": float(r["last_mark"]) if pd.notna(r["last_mark"]) else np.nan,
                "last_mark_as_of": mark_as_of,
                "days_since_mark": (
                    (pd.Timestamp(r["date"]) - mark_as_of).days if mark_as_of is not None else None
                ),
                "marks": int(marks.get(hid, 0)),
                "source": str(r.get("source", "computed")),
                "params": dict(params.get(hid, {})),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[
            "holding_id",
            "asset_class",
            "proxy",
            "method",
            "date",
            "value",
            "lower",
            "upper",
            "last_mark",
            "last_mark_as_of",
            "days_since_mark",
            "marks",
            "source",
            "params",
        ],
    )


def period_bounds(as_of: Any, period: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The testing period named by ``period``, ending no later than ``as_of``.

    ``"Q"``: the calendar quarter containing ``as_of``; ``"A"`` (or ``"Y"``): its calendar year;
    ``"2018Q4"``: that quarter; ``"2018"``: that year. Raises ``ValueError`` for anything else or
    for a period starting after ``as_of``.
    """
    day = _ts(as_of)
    p = period.strip().upper()
    if p == "Q":
        start = pd.Period(day, freq="Q").start_time
    elif p in ("A", "Y"):
        start = pd.Timestamp(day.year, 1, 1)
    elif len(p) == 6 and p[:4].isdigit() and p[4] == "Q" and p[5] in "1234":
        q = pd.Period(p, freq="Q")
        start, last = q.start_time, q.end_time.normalize()
        if start > day:
            raise ValueError(f"period {period} starts after the as-of date {day.date()}")
        return start, min(last, day)
    elif len(p) == 4 and p.isdigit():
        start, last = pd.Timestamp(int(p), 1, 1), pd.Timestamp(int(p), 12, 31)
        if start > day:
            raise ValueError(f"period {period} starts after the as-of date {day.date()}")
        return start, min(last, day)
    else:
        raise ValueError(f"period must be Q, A, YYYYQn or YYYY, not {period!r}")
    return start.normalize(), day


__all__ = [
    "ARRIVAL_COLUMNS",
    "BIAS_COLUMNS",
    "DAY_BUCKETS",
    "arrival_backtest",
    "bias_table",
    "coverage_table",
    "period_bounds",
    "price_challenges",
]
