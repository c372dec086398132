"""What the valuation estimators are given: holdings, statements, cash flows and proxy levels.

Owns the :class:`ValuationInputs` container, its point-in-time truncation and its normalisation
from frames (:func:`make_inputs`). Assembling it from the ledger or from user files is I/O and
lives in :mod:`altsleeve.workflows.valuation`. Must not estimate anything, must not read files or
the ledger, and must never carry synthetic truth.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd


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
