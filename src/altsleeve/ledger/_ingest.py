"""Ingest one user file into the ledger: read, validate everything, then write all or nothing.

Owns the order of those steps and nothing else: reading is ``_files``, rules are ``_validate``,
the write and its versioning are the store's. Must not add rules of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from altsleeve.ledger._files import read_table_file
from altsleeve.ledger._store import AppendResult, Ledger
from altsleeve.ledger._validate import FORMATS, LedgerKnowledge, ValidatedFile, validate


@dataclass(frozen=True)
class IngestReport:
    """What ingesting one file did (the rows read and the store's :class:`AppendResult`)."""

    kind: str
    path: str
    sha256: str
    rows_read: int
    result: AppendResult


#: Series units whose price rows are returns (may be zero or negative), not levels.
RETURN_UNITS: tuple[str, ...] = ("percent_return",)


def ledger_knowledge(ledger: Ledger) -> LedgerKnowledge:
    """The holdings and series a file may refer to (and which series hold returns)."""
    series = ledger.as_known_on(dt.date(2100, 12, 31), tables=("series",)).series
    returns = series.loc[series["unit"].isin(RETURN_UNITS), "series_id"]
    return LedgerKnowledge(
        holdings=frozenset(ledger.latest_keys("holdings", "holding_id")),
        series=frozenset(ledger.latest_keys("series", "series_id"))
        | frozenset(ledger.latest_keys("prices", "series_id")),
        return_series=frozenset(str(x) for x in returns),
    )


#: Called with (step description, completed, total) to report progress.
Progress = Callable[[str, int, int], None]


def _quiet(_: str, __: int, ___: int) -> None:
    return None


def check_file(
    ledger: Ledger,
    kind: str,
    path: str | Path,
    *,
    today: dt.date | None = None,
    progress: Progress = _quiet,
) -> ValidatedFile:
    """Read and validate a file against what the ledger knows, writing nothing."""
    if kind not in FORMATS:
        raise ValueError(f"unknown ingest kind {kind!r}; expected one of {', '.join(FORMATS)}")
    progress(f"reading {path}", 0, 3)
    raw = read_table_file(path)
    progress(f"validating {len(raw.rows):,} rows", 1, 3)
    return validate(kind, raw, ledger_knowledge(ledger), today=today)


def ingest_file(
    ledger: Ledger,
    kind: str,
    path: str | Path,
    *,
    restate: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
    progress: Progress = _quiet,
) -> IngestReport:
    """Validate a file completely, then append it to the ledger as one transaction.

    Parameters
    ----------
    ledger : Ledger
        An open, writable ledger.
    kind : str
        ``holdings``, ``statements``, ``cashflows``, ``prices`` or ``orders``.
    path : str or Path
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file.
    restate : bool
        Record rows that differ from what is recorded as new versions (else they are refused).
    reason : str, optional
        Why the restatement was made; kept in the audit log.
    today : date, optional
        Reference date for the "not known in the future" rule (default: today, UTC).
    progress : callable, optional
        Called with (step, completed, total) as reading, validating and writing proceed.

    Raises
    ------
    InputError
        Every problem in the file (file, row, column), or every conflicting row; the ledger is
        left unchanged.

    """
    checked = check_file(ledger, kind, path, today=today, progress=progress)
    progress(f"writing {len(checked.frame):,} rows", 2, 3)
    fmt = FORMATS[kind]
    detail: dict[str, object] = {"kind": kind, "restate": restate}
    if reason:
        detail["reason"] = reason
    result = ledger.append(
        fmt.table,
        checked.frame,
        action="restate" if restate else "ingest",
        source=checked.path,
        source_sha256=checked.sha256,
        restate=restate,
        detail=detail,
        row_numbers=checked.rows,
        line_numbers=checked.lines,
    )
    progress("ingest done", 3, 3)
    return IngestReport(kind, checked.path, checked.sha256, len(checked.frame), result)
