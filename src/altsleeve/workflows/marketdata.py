"""Market data into and out of the ledger: the one reader of public-market history with provenance.

Owns loading every series the ``arch`` package ships (and the derived total-return, bond and cash
indices) into the ledger with its provenance (package version, file, SHA-256, derivation), and
reading market paths back as known on a date. Every use case that needs public-market history
reads it here, so each figure can name the file and hash it came from. Must not hold model logic
(that lives in :mod:`altsleeve.marketdata`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    Ledger,
    ingest_file,
)


@dataclass(frozen=True)
class MarketDataLoad:
    """What ``load_market_data`` wrote: per series, rows read and rows new."""

    series: list[dict[str, Any]]

    @property
    def rows_written(self) -> int:
        """Price rows written by this load (0 when the ledger already had them)."""
        return int(sum(s["rows_written"] for s in self.series))

    def to_dict(self) -> list[dict[str, Any]]:
        """One row per series loaded (``rows_written`` sums to :attr:`rows_written`)."""
        return self.series


def load_market_data(ledger: Ledger, progress: ProgressFn = quiet) -> MarketDataLoad:
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
                        "asset_type": m.asset_type,
                        "move_tolerance": m.move_tolerance,
                    }
                ]
            )
            src = f"{m.package} {m.package_version}: {m.file_name}"
            # restate: a ledger loaded by an older altsleeve gets the series' asset type and
            # tolerance as a new version of its metadata (the old version is kept)
            ledger.append(
                "series",
                meta,
                action="marketdata",
                source=src,
                source_sha256=m.file_sha256,
                restate=True,
                detail={"reason": "series metadata from the shipped data"},
            )
            prices = s.data.assign(series_id=m.series_id)
            res = ledger.append(
                "prices", prices, action="marketdata", source=src, source_sha256=m.file_sha256
            )
            out.append(
                {
                    "series_id": m.series_id,
                    "description": m.description,
                    "asset_type": m.asset_type,
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


@dataclass(frozen=True)
class SeriesRegistration:
    """What registering a file of series metadata did."""

    file: str
    sha256: str
    rows: int
    new: int
    restated: int
    unchanged: int
    batch_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """``{file, sha256, rows, new, restated, unchanged, batch_id}``."""
        return {
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "new": self.new,
            "restated": self.restated,
            "unchanged": self.unchanged,
            "batch_id": self.batch_id,
        }


def register_series(
    ledger: Ledger,
    file: Path,
    *,
    restate: bool = False,
    reason: str | None = None,
    progress: ProgressFn = quiet,
) -> SeriesRegistration:
    """Register your own price series (what each is, its unit, frequency and tolerance)."""
    rep = ingest_file(ledger, "series", file, restate=restate, reason=reason, progress=progress)
    r = rep.result
    return SeriesRegistration(
        rep.path, rep.sha256, rep.rows_read, r.new, r.restated, r.unchanged, r.batch_id
    )


@dataclass(frozen=True)
class SeriesList:
    """The price series in the ledger with their provenance and the span of their prices."""

    rows: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        """One row per series: id, description, asset type, unit, ..., first, last, rows."""
        return self.rows


def list_series(ledger: Ledger) -> SeriesList:
    """Every series registered, with its first and last price day and its count of prices."""
    snap = ledger.as_known_on(dt.date(2100, 12, 31), tables=("series", "prices"))
    prices = snap.prices.groupby("series_id")["date"].agg(["min", "max", "count"])
    rows = []
    for _, s in snap.series.iterrows():
        sid = s["series_id"]
        p = prices.loc[sid] if sid in prices.index else None
        rows.append(
            {
                "series_id": sid,
                "description": s["description"],
                "asset_type": None if pd.isna(s.get("asset_type")) else s.get("asset_type"),
                "unit": s["unit"],
                "frequency": s["frequency"],
                "first": p["min"].date().isoformat() if p is not None else "",
                "last": p["max"].date().isoformat() if p is not None else "",
                "rows": int(p["count"]) if p is not None else 0,
                "source": s["source"],
                "file_sha256": s["file_sha256"],
            }
        )
    return SeriesList(rows)


def market_paths(
    ledger: Ledger,
    series_ids: Iterable[str],
    known_on: dt.date | None = None,
    *,
    recorded_at: dt.datetime | None = None,
) -> dict[str, pd.Series]:
    """Daily levels of some series as known on a date (default: everything recorded).

    ``recorded_at``: the recorded-time cutoff (UTC; default none).

    Returns
    -------
    dict[str, Series]
        Per series id, levels indexed by a ``DatetimeIndex`` of the series' dates.
    """
    ids = list(series_ids)
    snap = ledger.as_known_on(
        known_on or dt.date(2100, 12, 31),
        recorded_at=recorded_at,
        tables=("prices",),
        where={"series_id": ids},
    )
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
