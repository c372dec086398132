"""Export a ledger table as known on a date, the five ingest kinds in their ingest file format.

Owns the round trip: ``holdings``, ``statements``, ``cashflows``, ``prices`` and ``orders`` come
out with exactly the columns ``altsleeve ingest`` reads (file names, e.g. ``series`` for a price
row's ``series_id``), dates as ISO ``YYYY-MM-DD`` and floats in their shortest round-trip text, so
that ingesting the export into the same ledger records every row as unchanged. The bookkeeping
columns (``version``, ``recorded_at``, ``batch_id``) are added only on request, for audit use.
Other tables (series, valuations, strikes, limit breaches) keep every stored column. Reads the
ledger through :meth:`Ledger.as_known_on` only; must not validate or write anything.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from altsleeve.ledger._schema import FACT_TABLES
from altsleeve.ledger._store import Ledger
from altsleeve.ledger._validate import FORMATS, FileFormat

#: Knowledge date that counts every fact recorded (the default of ``ledger export``).
EVERYTHING = dt.date(2100, 12, 31)

#: Bookkeeping columns added by ``with_bookkeeping`` (``version`` goes after the key).
BOOKKEEPING: tuple[str, ...] = ("version", "recorded_at", "batch_id")


def _ingest_format(table: str) -> FileFormat | None:
    return next((f for f in FORMATS.values() if f.table == table), None)


def export_frame(
    ledger: Ledger,
    table: str,
    *,
    known_on: dt.date = EVERYTHING,
    recorded_at: dt.datetime | None = None,
    with_bookkeeping: bool = False,
) -> pd.DataFrame:
    """A table exactly as known on ``known_on`` (and recorded by ``recorded_at``).

    Parameters
    ----------
    ledger : Ledger
        An open ledger.
    table : str
        A knowledge table (``KNOWLEDGE_TABLES``).
    known_on : date
        Knowledge date (default 2100-12-31: everything).
    recorded_at : datetime, optional
        Ignore what was recorded after this UTC time.
    with_bookkeeping : bool
        For the five ingest kinds, also give ``version`` (after the key), ``recorded_at`` and
        ``batch_id``; such a file is for audit, ``altsleeve ingest`` refuses those columns.

    Returns
    -------
    DataFrame
        For an ingest kind: the ingest file's columns in its order (dates as ``datetime64``,
        amounts in dollars as ``float64``). Any other table: every stored column but
        ``row_hash``.

    """
    frame = ledger.as_known_on(known_on, recorded_at=recorded_at, tables=(table,)).tables[table]
    fmt = _ingest_format(table)
    if fmt is None:
        return frame
    spec = FACT_TABLES[table]
    to_file = {fmt.column(f.name): f.name for f in fmt.fields}
    keep = [c for c in spec.business_columns if c in to_file or with_bookkeeping]
    if with_bookkeeping:
        keep += ["recorded_at", "batch_id"]
    return frame[keep].rename(columns=to_file).reset_index(drop=True)


def _is_date_column(col: pd.Series) -> bool:
    if not pd.api.types.is_datetime64_any_dtype(col):
        return False
    stamps = pd.DatetimeIndex(col.dropna())
    return bool((stamps == stamps.normalize()).all())


def _csv_cells(frame: pd.DataFrame) -> pd.DataFrame:
    """Every float as its shortest round-trip text and every date column as ISO dates."""
    out = frame.copy()
    for name in out.columns:
        col = out[name]
        if pd.api.types.is_float_dtype(col):
            out[name] = [None if pd.isna(x) else repr(float(x)) for x in col]
        elif _is_date_column(col):
            out[name] = [None if pd.isna(x) else pd.Timestamp(x).date().isoformat() for x in col]
    return out


def write_export(frame: pd.DataFrame, out: str | Path | None, *, dates_as_dates: bool) -> str:
    """Write an exported frame to CSV or Parquet (by ``out``'s suffix), or return it as CSV text.

    Parameters
    ----------
    frame : DataFrame
        From :func:`export_frame`.
    out : str or Path, optional
        ``.parquet``/``.pq`` writes Parquet, any other name CSV; ``None`` returns the CSV text.
    dates_as_dates : bool
        In Parquet, store date columns as dates (``date32``) rather than timestamps.

    Returns
    -------
    str
        The CSV text when ``out`` is ``None``, else ``""``.

    """
    if out is not None and Path(out).suffix.lower() in (".parquet", ".pq"):
        pq_frame = frame.copy()
        if dates_as_dates:
            for name in pq_frame.columns:
                if _is_date_column(pq_frame[name]):
                    pq_frame[name] = [
                        None if pd.isna(x) else pd.Timestamp(x).date() for x in pq_frame[name]
                    ]
        pq_frame.to_parquet(out, index=False)
        return ""
    text = _csv_cells(frame).to_csv(index=False)
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return ""


__all__ = ["BOOKKEEPING", "EVERYTHING", "export_frame", "write_export"]
