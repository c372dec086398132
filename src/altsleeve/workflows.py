"""Workflows that join the pure engines to the ledger: the I/O edge behind the CLI commands.

Owns loading the real market data into the ledger, writing the synthetic sample book through the
same validation as user files, reading market paths back, and the demo's summary figures. Each
function is what one CLI command does, so three lines of Python can do what the CLI does. Must
not hold model logic (that lives in ``marketdata``, ``samplebook``, ``pacing``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    FORMATS,
    AppendResult,
    Ledger,
    RawTable,
    ledger_knowledge,
    validate,
)
from altsleeve.ledger._hashing import file_sha256

#: Called with (step description, completed, total) to report progress.
ProgressFn = Callable[[str, int, int], None]

#: The series the sample book's private funds are driven by.
SAMPLE_DRIVERS: tuple[str, ...] = ("SP500", "NASDAQ")


def _quiet(_: str, __: int, ___: int) -> None:
    return None


@dataclass(frozen=True)
class MarketDataLoad:
    """What ``load_market_data`` wrote: per series, rows read and rows new."""

    series: list[dict[str, Any]]

    @property
    def rows_written(self) -> int:
        """Price rows written by this load (0 when the ledger already had them)."""
        return int(sum(s["rows_written"] for s in self.series))


def load_market_data(ledger: Ledger, progress: ProgressFn = _quiet) -> MarketDataLoad:
    """Load every series that ``arch`` ships (and the derived ones) into the ledger.

    Each series' description and provenance (package version, file, SHA-256, derivation) goes to
    the ``series`` table and its levels to ``prices``. The whole load is one transaction;
    loading again with the same ``arch`` files writes nothing.
    """
    from altsleeve.marketdata import load_arch_market_data

    progress("reading arch's data files", 0, 1)
    loaded = load_arch_market_data()
    out: list[dict[str, Any]] = []
    with ledger.transaction():
        for i, s in enumerate(loaded):
            m = s.meta
            progress(f"market data: {m.series_id}", i, len(loaded))
            meta = pd.DataFrame(
                [
                    {
                        "series_id": m.series_id,
                        "description": m.description,
                        "unit": m.unit,
                        "frequency": m.frequency,
                        "source": m.source,
                        "package": m.package,
                        "package_version": m.package_version,
                        "file_name": m.file_name,
                        "file_sha256": m.file_sha256,
                        "column_name": m.column,
                        "derivation": m.derivation,
                        "synthetic": False,
                    }
                ]
            )
            src = f"{m.package} {m.package_version}: {m.file_name}"
            ledger.append(
                "series", meta, action="marketdata", source=src, source_sha256=m.file_sha256
            )
            prices = s.data.assign(series_id=m.series_id)
            res = ledger.append(
                "prices", prices, action="marketdata", source=src, source_sha256=m.file_sha256
            )
            out.append(
                {
                    "series_id": m.series_id,
                    "unit": m.unit,
                    "frequency": m.frequency,
                    "first": s.data["date"].min().date().isoformat(),
                    "last": s.data["date"].max().date().isoformat(),
                    "rows": len(s.data),
                    "rows_written": res.written,
                    "source": m.source,
                    "file_sha256": m.file_sha256,
                }
            )
        progress("market data loaded", len(loaded), len(loaded))
    return MarketDataLoad(out)


def market_paths(
    ledger: Ledger, series_ids: Iterable[str], known_on: dt.date | None = None
) -> dict[str, pd.Series]:
    """Daily levels of some series as known on a date (default: everything recorded).

    Returns
    -------
    dict[str, Series]
        Per series id, levels indexed by a ``DatetimeIndex`` of the series' dates.
    """
    ids = list(series_ids)
    snap = ledger.as_known_on(known_on or dt.date(2100, 12, 31), tables=("prices",))
    prices = snap.prices
    out: dict[str, pd.Series] = {}
    missing: list[str] = []
    for sid in ids:
        rows = prices[prices["series_id"] == sid]
        if rows.empty:
            missing.append(sid)
            continue
        idx = pd.DatetimeIndex(pd.to_datetime(rows["date"]), name="date")
        out[sid] = pd.Series(rows["level"].to_numpy(dtype=float), index=idx, name=sid)
    if missing:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"series {', '.join(missing)} not in the ledger; run "
                    "`altsleeve marketdata load` first",
                )
            ]
        )
    return out


def _as_text_table(label: str, frame: pd.DataFrame, columns: list[str]) -> RawTable:
    """Render a typed frame as the text a CSV would hold, to validate it like a user file."""

    def text(v: Any) -> str:
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return ""
        if isinstance(v, pd.Timestamp | dt.datetime):
            return v.date().isoformat()
        if isinstance(v, dt.date):
            return v.isoformat()
        if isinstance(v, float | np.floating):
            return repr(float(v))
        if isinstance(v, np.integer):
            return str(int(v))
        return str(v)

    rows = [[text(v) for v in rec] for rec in frame[columns].itertuples(index=False, name=None)]
    digest = file_sha256(frame[columns].to_csv(index=False).encode())
    return RawTable(label, list(columns), rows, [None] * len(rows), digest)


@dataclass(frozen=True)
class SampleBookLoad:
    """What ``build_sample_book`` wrote."""

    book_id: str
    seed: int
    results: dict[str, AppendResult]
    description: str


def build_sample_book(
    ledger: Ledger, seed: int = 2045, progress: ProgressFn = _quiet
) -> SampleBookLoad:
    """Generate the synthetic sample book and record it in the ledger as one transaction.

    Market data is loaded first if missing. Holdings, statements, cash flows and orders pass the
    same validation as user files; the true daily values go to ``synthetic_truth`` (never read by
    an estimator) and the generator's parameters to ``synthetic_books``. Building the same seed
    again writes nothing; a different seed into a ledger that already holds a book is refused.
    """
    from altsleeve.samplebook import generate_sample_book

    book_id = f"sample-{seed}"
    books = ledger.synthetic_books()
    others = sorted(set(books["book_id"]) - {book_id}) if not books.empty else []
    if others:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"this ledger already holds synthetic book {others[0]}; build seed {seed} "
                    "into a fresh ledger (--db)",
                )
            ]
        )
    if not ledger.latest_keys("prices", "series_id") >= set(SAMPLE_DRIVERS):
        load_market_data(ledger, progress)
    progress("generating the sample book", 0, 1)
    market = market_paths(ledger, SAMPLE_DRIVERS)
    book = generate_sample_book(market, seed=seed)
    source = f"altsleeve.samplebook seed={seed}"
    results: dict[str, AppendResult] = {}
    steps: list[tuple[str, pd.DataFrame]] = [
        ("holdings", book.holdings),
        ("statements", book.statements),
        ("cashflows", book.cashflows),
        ("orders", book.orders),
    ]
    with ledger.transaction():
        for i, (kind, frame) in enumerate(steps):
            progress(f"recording {kind}", i, len(steps) + 2)
            fmt = FORMATS[kind]
            cols = [f.name for f in fmt.fields if f.name in frame.columns]
            raw = _as_text_table(f"<sample book {kind}>", frame, cols)
            checked = validate(kind, raw, ledger_knowledge(ledger))
            results[kind] = ledger.append(
                fmt.table,
                checked.frame,
                action="synthetic",
                source=source,
                source_sha256=checked.sha256,
                detail={"kind": kind, "synthetic": True},
            )
        progress("recording the generator's parameters", len(steps), len(steps) + 2)
        params = _jsonable(dataclasses.asdict(book.params))
        meta = pd.DataFrame(
            [
                {
                    "book_id": book_id,
                    "seed": seed,
                    "generator": "altsleeve.samplebook.generate_sample_book",
                    "generator_version": _version(),
                    "description": book.description,
                    "params_json": json.dumps(params, sort_keys=True),
                }
            ]
        )
        results["synthetic_books"] = ledger.append(
            "synthetic_books", meta, action="synthetic", source=source
        )
        progress("recording the synthetic truth", len(steps) + 1, len(steps) + 2)
        truth = book.truth.assign(book_id=book_id)
        if ledger.synthetic_truth(book_id).empty:
            results["synthetic_truth"] = ledger.append(
                "synthetic_truth",
                truth,
                action="synthetic",
                source=source,
                detail={"synthetic": True},
            )
        else:
            results["synthetic_truth"] = AppendResult("synthetic_truth", 0, 0, len(truth), None)
        progress("sample book recorded", len(steps) + 2, len(steps) + 2)
    return SampleBookLoad(book_id, seed, results, book.description)


def _version() -> str:
    from altsleeve import __version__

    return __version__


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float | int | str | bool) or value is None:
        return value
    return str(value)


def book_summary(ledger: Ledger, as_of: dt.date) -> dict[str, Any]:
    """Figures a newcomer reads after the demo: the book per asset class as known on ``as_of``.

    The true NAV column comes from the synthetic truth table and is labelled as such; every
    other figure is what the ledger knew on ``as_of``.
    """
    snap = ledger.as_known_on(as_of)
    h = snap.holdings
    st = snap.statements
    cf = snap.cashflows
    rows: list[dict[str, Any]] = []
    truth = ledger.synthetic_truth()
    truth = truth[pd.to_datetime(truth["date"]) <= pd.Timestamp(as_of)]
    true_last = truth.sort_values("date").groupby("holding_id")["value"].last()
    lag = (pd.to_datetime(st["known_on"]) - pd.to_datetime(st["as_of"])).dt.days
    st = st.assign(lag=lag)
    last_mark = st.sort_values("as_of").groupby("holding_id")["nav"].last()
    for ac, grp in h.groupby("asset_class", sort=True):
        ids = set(grp["holding_id"])
        c = cf[cf["holding_id"].isin(ids)]
        s = st[st["holding_id"].isin(ids)]
        rows.append(
            {
                "asset_class": str(ac),
                "funds": len(grp),
                "commitment_musd": float(grp["commitment"].sum()) / 1e6,
                "vintages": f"{int(grp['vintage'].min())}-{int(grp['vintage'].max())}",
                "statements": len(s),
                "median_lag_days": float(s["lag"].median()) if len(s) else float("nan"),
                "calls_musd": float(c.loc[c["kind"] == "call", "amount"].sum()) / 1e6,
                "distributions_musd": float(c.loc[c["kind"] == "distribution", "amount"].sum())
                / 1e6,
                "last_reported_nav_musd": float(last_mark.reindex(list(ids)).fillna(0).sum()) / 1e6,
                "true_nav_musd_synthetic": float(true_last.reindex(list(ids)).fillna(0).sum())
                / 1e6,
            }
        )
    orders = snap.orders
    return {
        "as_of": as_of.isoformat(),
        "by_asset_class": rows,
        "orders": {
            "purchases_musd": float(orders.loc[orders["kind"] == "purchase", "amount"].sum()) / 1e6,
            "redemptions_musd": float(orders.loc[orders["kind"] == "redemption", "amount"].sum())
            / 1e6,
            "days": int(orders["date"].nunique()),
        },
    }
