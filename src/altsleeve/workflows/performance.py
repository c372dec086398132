"""The edge of ``altsleeve perf``: its cash-flow and index files, and those inputs from the ledger.

Owns the ``--cashflows`` format (``fund_id, date, kind, amount``; ``kind`` is ``call``,
``distribution`` or ``nav``) and the ``--index`` format (``date, level``), read and validated with
the ingest rules and messages (file, row, CSV line, column); the rules across rows (nothing after a
fund's last ``nav`` row, an index that covers the flows); reading an index series from the ledger's
``prices`` as known on a date; and turning the ledger's book into a cash-flow table. Computing the
measures is :mod:`altsleeve.performance`'s job.
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import DEFAULT_DB, FileFormat, Ledger, read_table_file, validate
from altsleeve.ledger._validate import FieldSpec
from altsleeve.performance import (
    KINDS,
    performance_table,
    pooled_cashflows,
    sleeve_series,
    time_weighted_return,
)
from altsleeve.workflows import pit

#: ``--cashflows``: one row per fund, date and kind; a ``nav`` row is the fund's value at the end
#: of that date and the last one ends the fund's history.
CASHFLOWS_FORMAT = FileFormat(
    kind="performance cashflows",
    table="cashflows",
    fields=(
        FieldSpec("fund_id", "id"),
        FieldSpec("date", "date"),
        FieldSpec("kind", "enum", KINDS),
        FieldSpec("amount", "amount"),
    ),
    key=("fund_id", "date", "kind"),
)

#: ``--index``: the public index's level per date (a total-return index for a fair comparison).
INDEX_FORMAT = FileFormat(
    kind="index",
    table="prices",
    fields=(FieldSpec("date", "date"), FieldSpec("level", "positive")),
    key=("date",),
)

#: An index may end this many days before a fund's end date (its last level carried forward):
#: enough for a monthly series.
INDEX_STALE_DAYS = 31


def read_cashflows(path: str | Path) -> pd.DataFrame:
    """Read and validate a ``--cashflows`` file (CSV, ``.csv.gz`` or Parquet).

    Parameters
    ----------
    path : str or Path
        The file: columns ``fund_id, date, kind, amount`` (amounts in positive dollars).

    Returns
    -------
    DataFrame
        ``fund_id, date, kind, amount`` in file order (dates ``datetime64``), with
        ``attrs["path"]`` and ``attrs["lines"]`` (each row's CSV line) for later messages.

    Raises
    ------
    InputError
        Every problem with file, row, line and column: bad cells, duplicate
        ``(fund_id, date, kind)``, and calls or distributions dated after the fund's last
        ``nav`` row (which ends its history).
    """
    checked = validate(CASHFLOWS_FORMAT, read_table_file(path))
    frame = checked.frame.reset_index(drop=True)
    problems: list[Problem] = []
    last_nav = frame[frame["kind"] == "nav"].groupby("fund_id")["date"].max()
    ends = frame["fund_id"].map(last_nav)
    days = _iso(frame["date"])
    end_days = _iso(ends)
    for r in np.flatnonzero((frame["date"] > ends).to_numpy()).tolist():
        problems.append(
            Problem(
                checked.path,
                f"{frame['kind'].iloc[r]} of {frame['fund_id'].iloc[r]} on {days[r]} is after "
                f"its last nav row ({end_days[r]}), which ends the fund's history",
                row=r + 1,
                column="date",
                line=checked.lines[r],
            )
        )
    if problems:
        raise InputError(problems)
    frame.attrs = {"path": checked.path, "lines": list(checked.lines)}
    return frame


def read_index(path: str | Path) -> pd.Series:
    """Read and validate an ``--index`` file (``date, level``) into levels indexed by date.

    Raises
    ------
    InputError
        Bad cells or a date twice, with file, row, line and column.
    """
    frame = validate(INDEX_FORMAT, read_table_file(path)).frame
    levels = pd.Series(
        frame["level"].to_numpy(float), index=pd.DatetimeIndex(frame["date"]), name=str(path)
    )
    return levels.sort_index()


def _iso(dates: pd.Series) -> list[str]:
    """Dates as ISO text (``NaT`` as an empty string)."""
    return [d.strftime("%Y-%m-%d") if pd.notna(d) else "" for d in pd.to_datetime(dates)]


def index_from_ledger(
    ledger: Ledger, series: str, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> pd.Series:
    """An index series from the ledger's ``prices``, as known on ``as_of``.

    Parameters
    ----------
    ledger : Ledger
        An open ledger.
    series : str
        The series id (``altsleeve marketdata list`` shows them; e.g. ``FF_MKT_TR``).
    as_of : date
        Knowledge date: each level's latest version known on it.
    recorded_at : datetime, optional
        Recorded-time cutoff (UTC): ignore what the ledger recorded after it (default: none).

    Returns
    -------
    Series
        Levels indexed by date, named ``series``.

    Raises
    ------
    InputError
        The ledger holds no level of that series known on ``as_of``.
    """
    prices = ledger.as_known_on(as_of, recorded_at=recorded_at, tables=("prices",)).prices
    rows = prices[prices["series_id"] == series]
    if rows.empty:
        known = sorted(set(prices["series_id"]))
        hint = difflib.get_close_matches(series, known, n=1)
        extra = f"; did you mean {hint[0]!r}?" if hint else ""
        listed = ", ".join(known) if known else "none (run `altsleeve marketdata load`)"
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no level of index series {series!r} known on {as_of}{extra} "
                    f"(series: {listed})",
                    column="--index-series",
                )
            ]
        )
    return pd.Series(
        rows["level"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]), name=series
    ).sort_index()


def check_index_covers(
    cashflows: pd.DataFrame, index: pd.Series, index_label: str, cashflows_label: str = ""
) -> None:
    """Check that the index has a level on or before every flow and reaches each fund's end.

    A flow before the index's first level cannot be carried with it; a fund that ends more than
    :data:`INDEX_STALE_DAYS` days after the index's last level would use a stale level.

    Parameters
    ----------
    cashflows : DataFrame
        A cash-flow table (as :func:`read_cashflows` returns: rows in file order, with
        ``attrs["path"]`` and ``attrs["lines"]`` when read from a file).
    index : Series
        Index levels by date.
    index_label : str
        The index's name in messages (its file or ledger series).
    cashflows_label : str
        The cash flows' name in messages (default: ``attrs["path"]``).

    Raises
    ------
    InputError
        One problem per offending row (file, row, line, column ``date``).
    """
    label = cashflows_label or str(cashflows.attrs.get("path", "<cashflows>"))
    lines: list[int | None] = list(cashflows.attrs.get("lines", [None] * len(cashflows)))
    levels = np.sort(pd.DatetimeIndex(index.index).to_numpy(dtype="datetime64[D]"))
    first, last = levels[0], levels[-1]
    dates = pd.DatetimeIndex(cashflows["date"]).to_numpy(dtype="datetime64[D]")
    iso = [str(d) for d in dates]
    problems: list[Problem] = []
    for r in np.flatnonzero(dates < first).tolist():
        problems.append(
            Problem(
                label,
                f"{iso[r]} is before the first level of index {index_label} ({first}); "
                "the index cannot carry this flow",
                row=r + 1,
                column="date",
                line=lines[r] if r < len(lines) else None,
            )
        )
    funds = cashflows["fund_id"].astype(str).to_numpy()
    order = np.lexsort((-dates.astype(np.int64), funds))
    first_of_fund = np.ones(len(order), bool)
    first_of_fund[1:] = funds[order][1:] != funds[order][:-1]
    end_rows = order[first_of_fund]  # each fund's row with its latest date
    late = (dates[end_rows] - last).astype(np.int64)
    for r, days in sorted(zip(end_rows.tolist(), late.tolist(), strict=True)):
        if days <= INDEX_STALE_DAYS:
            continue
        problems.append(
            Problem(
                label,
                f"fund {funds[r]} ends on {iso[r]}, {days} days after the last level of index "
                f"{index_label} ({last}); extend the index",
                row=r + 1,
                column="date",
                line=lines[r] if r < len(lines) else None,
            )
        )
    if problems:
        raise InputError(problems)


#: The refusal's advice when ``perf --from-ledger`` has no default knowledge date: the ledger's
#: latest ``known_on`` is not a safe default (a statement or a call notice may be known after the
#: last strike), so the last struck day is, and without one the user gives ``--as-of``.
NO_DEFAULT_AS_OF = (
    ", so there is no default knowledge date: give --as-of YYYY-MM-DD "
    "(or run `altsleeve strike --to DATE` first)"
)


@dataclass(frozen=True)
class LedgerBook:
    """The ledger's private holdings as a cash-flow table for :func:`performance_table`.

    Attributes
    ----------
    cashflows : DataFrame
        ``fund_id, date, kind, amount``: calls (fees paid outside the NAV included),
        distributions and every statement's NAV as a ``nav`` row.
    as_of : date
        The knowledge date of the snapshot.
    left_out : list[str]
        Holdings with cash flows but no statement known on ``as_of`` (no value to end them).
    dropped_flows : int
        Cash flows dated after their holding's last statement (beyond its valuation date).
    """

    cashflows: pd.DataFrame
    as_of: dt.date
    left_out: list[str] = field(default_factory=list)
    dropped_flows: int = 0


def cashflows_from_ledger(
    ledger: Ledger, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> LedgerBook:
    """The ledger's book as known on ``as_of``, as a ``--cashflows`` table.

    Calls and fees paid outside the NAV become ``call`` rows (so the measures are net of those
    fees), distributions ``distribution`` rows, each GP statement a ``nav`` row on its as-of
    date. A holding's last statement ends its history: later flows are dropped (counted in
    ``dropped_flows``); holdings without a statement are left out.

    Parameters
    ----------
    ledger : Ledger
        An open ledger.
    as_of : date
        Knowledge date (``perf --from-ledger`` defaults it to the last struck day:
        :func:`~altsleeve.workflows.pit.last_struck_day`).
    recorded_at : datetime, optional
        Recorded-time cutoff (UTC): ignore what the ledger recorded after it (default: none).

    Returns
    -------
    LedgerBook
        The table and what was left out.
    """
    day = as_of
    snap = ledger.as_known_on(day, recorded_at=recorded_at, tables=("cashflows", "statements"))
    cf = snap.cashflows
    # a call or distribution noticed before its date is not a flow of the book yet
    cf = cf[pd.to_datetime(cf["date"]) <= pd.Timestamp(day)]
    st = snap.statements
    flows = pd.DataFrame(
        {
            "fund_id": cf["holding_id"].astype(str),
            "date": pd.to_datetime(cf["date"]),
            "kind": np.where(cf["kind"] == "distribution", "distribution", "call"),
            "amount": cf["amount"].astype(float),
        }
    )
    flows = flows.groupby(["fund_id", "date", "kind"], as_index=False).agg(amount=("amount", "sum"))
    navs = pd.DataFrame(
        {
            "fund_id": st["holding_id"].astype(str),
            "date": pd.to_datetime(st["as_of"]),
            "kind": "nav",
            "amount": st["nav"].astype(float),
        }
    )
    if navs.empty:  # no statement known yet: every holding is left out
        left = sorted(set(flows["fund_id"]))
        return LedgerBook(cashflows=navs, as_of=day, left_out=left, dropped_flows=0)
    end = navs.groupby("fund_id")["date"].max()
    flow_end = flows["fund_id"].map(end)
    left_out = sorted(set(flows.loc[flow_end.isna(), "fund_id"]))
    keep = flows["date"] <= flow_end
    dropped = int((~keep & flow_end.notna()).sum())
    table = pd.concat([flows[keep], navs], ignore_index=True)
    table = table.sort_values(["fund_id", "date", "kind"], ignore_index=True)
    return LedgerBook(cashflows=table, as_of=day, left_out=left_out, dropped_flows=dropped)


@dataclass(frozen=True)
class PerfInputs:
    """What ``altsleeve perf`` measures: the cash flows, the index and where they came from.

    Attributes
    ----------
    cashflows : DataFrame
        ``fund_id, date, kind, amount``.
    index : Series or None
        Index levels by date (None: no index given, the PME columns are NaN).
    index_name : str
        The index's file or ledger series ("" without one).
    source : str
        Where the cash flows came from (the file, or the ledger and its knowledge date).
    notes : list[str]
        What was left out on the way, in words.
    """

    cashflows: pd.DataFrame
    index: pd.Series | None
    index_name: str
    source: str
    notes: list[str] = field(default_factory=list)


def perf_inputs(
    *,
    cashflows: str | Path | None = None,
    index: str | Path | None = None,
    index_series: str | None = None,
    from_ledger: bool = False,
    db: str | Path | None = None,
    as_of: dt.date | None = None,
    vehicle_id: str | None = None,
) -> PerfInputs:
    """Read and check the inputs of ``altsleeve perf``.

    Parameters
    ----------
    cashflows : str or Path, optional
        A ``--cashflows`` file; exactly one of this and ``from_ledger``.
    index : str or Path, optional
        An ``--index`` file; at most one of this and ``index_series``.
    index_series : str, optional
        An index series of the ledger's ``prices`` (e.g. ``FF_MKT_TR``).
    from_ledger : bool
        Take the cash flows from the ledger's book (:func:`cashflows_from_ledger`).
    db : str or Path, optional
        The ledger (needed with ``index_series`` or ``from_ledger``); opened read-only.
    as_of : date, optional
        Knowledge date of the ledger reads. Default: with ``from_ledger``, the last strike of
        ``vehicle_id`` (:func:`~altsleeve.workflows.pit.last_struck_day`; refused when it was
        never struck); for
        ``index_series`` alone, the last date of the cash flows.
    vehicle_id : str, optional
        The vehicle whose last strike is the default knowledge date of ``from_ledger``.

    Returns
    -------
    PerfInputs
        Validated cash flows and index.

    Raises
    ------
    InputError
        Conflicting or missing options, bad files (file, row, column), an unknown series, or an
        index that does not cover the flows.
    """
    if (cashflows is None) == (not from_ledger):
        raise InputError(
            [Problem("<args>", "give exactly one of --cashflows FILE and --from-ledger")]
        )
    if index is not None and index_series is not None:
        raise InputError(
            [Problem("<args>", "give at most one of --index FILE and --index-series NAME")]
        )
    notes: list[str] = []
    frame: pd.DataFrame | None = None
    source = ""
    if cashflows is not None:
        frame = read_cashflows(cashflows)
        source = str(cashflows)
    levels: pd.Series | None = None
    name = ""
    if index is not None:
        levels = read_index(index)
        name = str(index)
    if from_ledger or index_series is not None:
        asked = as_of
        with Ledger(db if db is not None else DEFAULT_DB, read_only=True) as led:
            if frame is None:
                if as_of is None:
                    if vehicle_id is None:
                        raise InputError(
                            [
                                Problem(
                                    "<args>",
                                    "--from-ledger needs --as-of YYYY-MM-DD (or a vehicle "
                                    "whose last strike is the default)",
                                    column="--as-of",
                                )
                            ]
                        )
                    as_of = pit.last_struck_day(
                        led, vehicle_id, remedy=NO_DEFAULT_AS_OF, column="--as-of"
                    )
                book = cashflows_from_ledger(led, as_of)
                frame = book.cashflows
                source = f"{led.path} (book as known on {book.as_of})"
                if book.left_out:
                    notes.append(
                        f"{len(book.left_out)} holding(s) without a statement left out: "
                        + ", ".join(book.left_out)
                    )
                if book.dropped_flows:
                    notes.append(
                        f"{book.dropped_flows} cash flow(s) dated after their holding's last "
                        "statement left out"
                    )
                as_of = book.as_of
            if frame.empty:
                if from_ledger and asked is not None:
                    raise InputError(
                        [
                            Problem(
                                source,
                                f"no statement was known on {asked}: nothing to measure",
                                column="--as-of",
                            )
                        ]
                    )
                raise InputError([Problem(source, "no cash flows to measure")])
            if index_series is not None:
                known = as_of or pd.Timestamp(frame["date"].max()).date()
                levels = index_from_ledger(led, index_series, known)
                name = f"{index_series} (ledger, as known on {known})"
    assert frame is not None
    if levels is not None:
        check_index_covers(frame, levels, name, source)
    return PerfInputs(cashflows=frame, index=levels, index_name=name, source=source, notes=notes)


# -- the use case ------------------------------------------------------------------------------

MEASURES = ("irr", "tvpi", "dpi", "rvpi", "ks_pme", "ln_pme", "pme_plus", "direct_alpha")
"""The measures of every row of ``altsleeve perf --json``, in their order."""


def _number(x: Any) -> float | None:
    return None if x != x else float(x)


@dataclass(frozen=True)
class SleeveTWR:
    """The private sleeve's time-weighted return (:func:`~altsleeve.performance.sleeve_series`).

    ``unavailable`` holds why it could not be measured (then every figure is ``None``).
    """

    start: dt.date | None
    end: dt.date | None
    annualised: float | None
    cumulative: float | None
    method: str | None
    periods: int
    unavailable: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values: dates ISO."""
        return {
            "start": None if self.start is None else self.start.isoformat(),
            "end": None if self.end is None else self.end.isoformat(),
            "annualised": self.annualised,
            "cumulative": self.cumulative,
            "method": self.method,
            "periods": self.periods,
            "unavailable": self.unavailable,
        }


@dataclass(frozen=True)
class Performance:
    """What ``altsleeve perf`` measures: one row per fund, the pooled row and the sleeve's TWR.

    Attributes
    ----------
    funds : DataFrame
        :func:`~altsleeve.performance.performance_table` of the cash flows: ``fund_id``,
        ``start``, ``end``, ``pic``, ``distributed``, ``nav`` and :data:`MEASURES`.
    pooled : DataFrame
        The same of all funds as one (:func:`~altsleeve.performance.pooled_cashflows`): one row.
    twr : SleeveTWR
        The sleeve's chain-linked time-weighted return.
    source, index_name, notes
        Where the flows and the index came from and what was left out (:class:`PerfInputs`).
    has_index : bool
        Whether an index was given (else the public-market equivalents are n/a).
    """

    funds: pd.DataFrame
    pooled: pd.DataFrame
    twr: SleeveTWR
    source: str
    index_name: str
    has_index: bool
    notes: list[str] = field(default_factory=list)

    @staticmethod
    def _row(r: dict[Any, Any], fund_id: str) -> dict[str, Any]:
        return (
            {"fund_id": fund_id}
            | {k: _number(r[k]) for k in MEASURES}
            | {
                "start": pd.Timestamp(r["start"]).date().isoformat(),
                "end": pd.Timestamp(r["end"]).date().isoformat(),
                "pic": float(r["pic"]),
                "distributed": float(r["distributed"]),
                "nav": float(r["nav"]),
            }
        )

    def to_dict(self) -> list[dict[str, Any]]:
        """What ``perf --json`` prints: a row per fund, then the pooled row with the sleeve's TWR.

        Each row: ``fund_id``, the :data:`MEASURES` (``None`` where n/a), then ``start``, ``end``
        (ISO), ``pic``, ``distributed``, ``nav`` (dollars); the last row's ``fund_id`` is
        ``"pooled"`` and it adds ``time_weighted_return`` (:class:`SleeveTWR`).
        """
        rows = [self._row(r, r["fund_id"]) for r in self.funds.to_dict(orient="records")]
        pooled = [self._row(r, "pooled") for r in self.pooled.to_dict(orient="records")]
        for r in pooled:
            r["time_weighted_return"] = self.twr.to_dict()
        return [*rows, *pooled]


def sleeve_twr(cashflows: pd.DataFrame) -> SleeveTWR:
    """The sleeve's time-weighted return of a cash-flow table, or why it is n/a."""
    try:
        twr = time_weighted_return(*sleeve_series(cashflows))
    except ValueError as exc:
        return SleeveTWR(None, None, None, None, None, 0, unavailable=str(exc))
    p = twr.periods
    return SleeveTWR(
        start=pd.Timestamp(p["start"].iloc[0]).date(),
        end=pd.Timestamp(p["end"].iloc[-1]).date(),
        annualised=float(twr.annualised),
        cumulative=float(twr.cumulative),
        method=twr.method,
        periods=len(p),
    )


def performance(
    *,
    cashflows: str | Path | None = None,
    index: str | Path | None = None,
    index_series: str | None = None,
    from_ledger: bool = False,
    db: str | Path | None = None,
    as_of: dt.date | None = None,
    vehicle_id: str | None = None,
) -> Performance:
    """IRR, multiples and public-market equivalents per fund and pooled, and the sleeve's TWR.

    The inputs as :func:`perf_inputs` reads them (same parameters and refusals).

    Raises
    ------
    InputError
        As :func:`perf_inputs`; and where the measures refuse the flows (named by their source).
    """
    inp = perf_inputs(
        cashflows=cashflows,
        index=index,
        index_series=index_series,
        from_ledger=from_ledger,
        db=db,
        as_of=as_of,
        vehicle_id=vehicle_id,
    )
    try:
        table = performance_table(inp.cashflows, inp.index)
    except ValueError as exc:
        raise InputError([Problem(inp.source, str(exc))]) from None
    pooled = performance_table(pooled_cashflows(inp.cashflows), inp.index)
    return Performance(
        funds=table,
        pooled=pooled,
        twr=sleeve_twr(inp.cashflows),
        source=inp.source,
        index_name=inp.index_name,
        has_index=inp.index is not None,
        notes=list(inp.notes),
    )


__all__ = [
    "CASHFLOWS_FORMAT",
    "INDEX_FORMAT",
    "INDEX_STALE_DAYS",
    "MEASURES",
    "LedgerBook",
    "PerfInputs",
    "Performance",
    "SleeveTWR",
    "cashflows_from_ledger",
    "check_index_covers",
    "index_from_ledger",
    "perf_inputs",
    "performance",
    "read_cashflows",
    "read_index",
    "sleeve_twr",
]
