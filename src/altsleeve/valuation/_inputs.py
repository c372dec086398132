"""What the valuation estimators are given: holdings, statements, cash flows and proxy levels.

Owns the :class:`ValuationInputs` container, its point-in-time truncation, and its assembly from
the ledger (every version, with both time stamps) or from user files (validated with the same
rules and messages as ingest). Must not estimate anything, and must never carry synthetic truth.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from altsleeve.domain import AssetClass
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    FORMATS,
    FileFormat,
    Ledger,
    LedgerKnowledge,
    RawTable,
    read_table_file,
    validate,
)
from altsleeve.ledger._validate import FieldSpec, _enum

#: File format of ``--holdings`` for a backtest: only these columns are read.
VALUATION_HOLDINGS = FileFormat(
    kind="valuation holdings",
    table="holdings",
    fields=(
        FieldSpec("holding_id", "id"),
        _enum("asset_class", AssetClass),
        FieldSpec("proxy", "id"),
        FieldSpec("commitment", "amount", required=False, default="0"),
    ),
    key=("holding_id",),
    ignore_unknown=True,
)

#: File format of a backtest's ``--statements``: a restatement is a row with the same as-of date
#: and a later known-on date (it becomes the next version).
VALUATION_STATEMENTS = dataclasses.replace(
    FORMATS["statements"], kind="valuation statements", key=("holding_id", "as_of", "known_on")
)

#: File format of ``--truth``: a holding's true value per day (synthetic books only).
TRUTH_FORMAT = FileFormat(
    kind="truth",
    table="synthetic_truth",
    fields=(
        FieldSpec("holding_id", "id"),
        FieldSpec("date", "date"),
        FieldSpec("value", "amount"),
    ),
    key=("holding_id", "date"),
)


@dataclass(frozen=True)
class ValuationInputs:
    """Everything an estimator may use, each fact with the date it became known.

    Attributes
    ----------
    holdings : DataFrame
        ``holding_id, asset_class, proxy, commitment`` (dollars; 0 when unknown).
    statements : DataFrame
        ``holding_id, as_of, known_on, nav, version``: every version of every GP mark.
    cashflows : DataFrame
        ``holding_id, date, kind, amount, known_on``: amounts in positive dollars.
    proxies : dict[str, Series]
        Daily proxy levels by series id, indexed by date; a level is known on its date.
    """

    holdings: pd.DataFrame
    statements: pd.DataFrame
    cashflows: pd.DataFrame
    proxies: Mapping[str, pd.Series] = field(default_factory=dict)

    def calendar(
        self, start: dt.date | str | None = None, end: dt.date | str | None = None
    ) -> pd.DatetimeIndex:
        """Business days: the dates of the proxies the holdings use, within ``[start, end]``."""
        used = set(self.holdings["proxy"])
        days: pd.DatetimeIndex = pd.DatetimeIndex([])
        for sid, s in self.proxies.items():
            if sid in used:
                days = days.union(pd.DatetimeIndex(s.index))
        if start is not None:
            days = days[days >= pd.Timestamp(start)]
        if end is not None:
            days = days[days <= pd.Timestamp(end)]
        return days

    def truncated(self, day: dt.date | str) -> ValuationInputs:
        """Only what was known on ``day``: drops every later statement, flow and price."""
        t = pd.Timestamp(day)
        st = self.statements[self.statements["known_on"] <= t]
        cf = self.cashflows[self.cashflows["known_on"] <= t]
        px = {k: v[v.index <= t] for k, v in self.proxies.items()}
        return ValuationInputs(self.holdings, st, cf, px)


def _norm_dates(frame: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    out = frame.copy()
    for c in cols:
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out


def make_inputs(
    holdings: pd.DataFrame,
    statements: pd.DataFrame,
    cashflows: pd.DataFrame,
    proxies: Mapping[str, pd.Series],
) -> ValuationInputs:
    """Normalise frames into :class:`ValuationInputs` (dates as ``datetime64``, defaults filled).

    ``statements`` without ``version`` get version 1; ``cashflows`` without ``known_on`` are known
    on their date; ``holdings`` without ``commitment`` get 0.
    """
    h = holdings.copy()
    if "commitment" not in h.columns:
        h["commitment"] = 0.0
    h = h[["holding_id", "asset_class", "proxy", "commitment"]].astype(
        {"holding_id": str, "asset_class": str, "proxy": str, "commitment": float}
    )
    st = statements.copy()
    if "version" not in st.columns:
        st["version"] = 1
    st = _norm_dates(
        st[["holding_id", "as_of", "known_on", "nav", "version"]], ("as_of", "known_on")
    )
    st["holding_id"] = st["holding_id"].astype(str)
    cf = cashflows.copy()
    if "known_on" not in cf.columns:
        cf["known_on"] = cf["date"]
    cf = _norm_dates(cf[["holding_id", "date", "kind", "amount", "known_on"]], ("date", "known_on"))
    cf["holding_id"] = cf["holding_id"].astype(str)
    px: dict[str, pd.Series] = {}
    for sid, s in proxies.items():
        idx = pd.DatetimeIndex(pd.to_datetime(s.index)).astype("datetime64[ns]")
        px[str(sid)] = pd.Series(np.asarray(s, dtype=float), index=idx, name=str(sid)).sort_index()
    return ValuationInputs(h.reset_index(drop=True), st, cf, px)


def inputs_from_ledger(
    ledger: Ledger, *, recorded_at: dt.datetime | None = None
) -> ValuationInputs:
    """Assemble inputs from a ledger: every version of every fact, optionally as recorded by a time.

    Holdings are taken as latest known; statements and cash flows keep all versions with their
    ``known_on`` dates so that the estimators can replay each day point in time. Synthetic truth is
    never read.
    """
    snap = ledger.as_known_on(dt.date(2100, 12, 31), recorded_at=recorded_at, tables=("holdings",))
    h = snap.holdings
    if h.empty:
        raise InputError([Problem(str(ledger.path), "the ledger has no holdings to value")])
    st = ledger.history("statements", recorded_at=recorded_at)
    cf = ledger.history("cashflows", recorded_at=recorded_at)
    # A cash flow is a fact of its date: keep its latest recorded version only.
    cf = cf.sort_values("version").groupby(["holding_id", "date", "kind"], as_index=False).last()
    prices = ledger.as_known_on(
        dt.date(2100, 12, 31),
        recorded_at=recorded_at,
        tables=("prices",),
        where={"series_id": sorted(set(h["proxy"]))},
    ).prices
    proxies: dict[str, pd.Series] = {}
    for sid in sorted(set(h["proxy"])):
        rows = prices[prices["series_id"] == sid]
        proxies[sid] = pd.Series(
            rows["level"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]), name=sid
        )
    return make_inputs(h, st, cf, proxies)


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a ``--truth`` file (``holding_id, date, value``), validated like an ingest file."""
    checked = validate(TRUTH_FORMAT, read_table_file(path))
    return checked.frame


def inputs_from_files(
    holdings: str | Path,
    statements: str | Path,
    cashflows: str | Path,
    proxies: str | Path,
) -> ValuationInputs:
    """Assemble inputs from files, each validated with the ingest rules and messages.

    ``holdings`` needs ``holding_id, asset_class, proxy`` (``commitment`` optional; other columns
    are ignored); ``statements`` is ``holding_id, as_of, known_on, nav``, where a row repeating an
    as-of date with a later ``known_on`` is a restatement (the next version); ``cashflows`` and
    ``proxies`` use the ingest formats of ``cashflows`` and ``prices``. Statements and cash flows
    must name a holding of the holdings file; each holding's proxy must be a series of the proxies
    file.

    Raises
    ------
    InputError
        Every problem of every file (file, row, column).
    """
    problems: list[Problem] = []
    raws = {}
    for name, path in (
        ("proxies", proxies),
        ("holdings", holdings),
        ("statements", statements),
        ("cashflows", cashflows),
    ):
        try:
            raws[name] = read_table_file(path)
        except InputError as exc:
            problems += exc.problems
    # References are checked against every id the other file names, valid row or not, so that
    # one bad row never hides another file's problems.
    series = _column_values(raws.get("proxies"), "series")
    ids = _column_values(raws.get("holdings"), "holding_id")
    where_h = f"add it to the holdings file ({holdings})"
    where_s = f"add it to the proxies file ({proxies})"
    frames: dict[str, pd.DataFrame] = {}
    checks: tuple[tuple[str, FileFormat, LedgerKnowledge | None], ...] = (
        ("proxies", FORMATS["prices"], None),
        (
            "holdings",
            VALUATION_HOLDINGS,
            LedgerKnowledge(series=series, series_hint=where_s) if series is not None else None,
        ),
        (
            "statements",
            VALUATION_STATEMENTS,
            LedgerKnowledge(holdings=ids, holdings_hint=where_h) if ids is not None else None,
        ),
        (
            "cashflows",
            FORMATS["cashflows"],
            LedgerKnowledge(holdings=ids, holdings_hint=where_h) if ids is not None else None,
        ),
    )
    for name, fmt, knowledge in checks:
        if name not in raws:
            continue
        try:
            frames[name] = validate(fmt, raws[name], knowledge).frame
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    st = frames["statements"].sort_values(["holding_id", "as_of", "known_on"])
    st["version"] = st.groupby(["holding_id", "as_of"]).cumcount() + 1
    levels = {
        str(sid): pd.Series(g["level"].to_numpy(float), index=pd.DatetimeIndex(g["date"]))
        for sid, g in frames["proxies"].groupby("series_id")
    }
    return make_inputs(frames["holdings"], st, frames["cashflows"], levels)


def _column_values(raw: RawTable | None, column: str) -> frozenset[str] | None:
    """Every non-blank value of a column of a file as read (None without the file or column)."""
    if raw is None or column not in raw.header:
        return None
    i = raw.header.index(column)
    return frozenset(r[i] for r in raw.rows if r[i])
