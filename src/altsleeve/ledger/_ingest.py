"""Ingest one user file into the ledger: read, validate everything, then write all or nothing.

Owns the order of those steps and nothing else: reading is ``_files``, rules are ``_validate``,
the write and its versioning are the store's. Must not add rules of its own.

A price file (the one kind that runs to millions of rows) is read, validated and staged in the
ledger's connection ``CHUNK_ROWS`` rows at a time, checked for moves series by series and
written from the staging table, so that memory does not grow with the file; the other kinds are
small and held whole. Both give the same rows, hashes and messages.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pandas as pd

from altsleeve.domain import series_tolerance
from altsleeve.errors import InputError, Problem
from altsleeve.ledger._files import RawTable, iter_table_chunks, read_table_file
from altsleeve.ledger._store import AppendResult, Ledger
from altsleeve.ledger._validate import (
    FORMATS,
    FileValidator,
    LedgerKnowledge,
    PriceMove,
    ValidatedFile,
    price_moves,
    validate,
)


@dataclass(frozen=True)
class IngestReport:
    """What ingesting one file did (the rows read and the store's :class:`AppendResult`)."""

    kind: str
    path: str
    sha256: str
    rows_read: int
    result: AppendResult


#: Rows of a price file read, validated and staged at a time (bounds the memory of an ingest).
CHUNK_ROWS = 50_000

#: Staged price rows checked for moves at a time (whole series; one longer series alone).
MOVE_GROUP_ROWS = 500_000

#: Series units whose price rows are returns (may be zero or negative), not levels.
RETURN_UNITS: tuple[str, ...] = ("percent_return",)


def ledger_knowledge(ledger: Ledger) -> LedgerKnowledge:
    """The holdings, registered series and vehicles a file may refer to, and the return series."""
    series = ledger.as_known_on(dt.date(2100, 12, 31), tables=("series",)).series
    returns = series.loc[series["unit"].isin(RETURN_UNITS), "series_id"]
    return LedgerKnowledge(
        holdings=frozenset(ledger.latest_keys("holdings", "holding_id")),
        series=frozenset(ledger.latest_keys("series", "series_id")),
        vehicles=frozenset(ledger.latest_keys("vehicles", "vehicle_id")),
        return_series=frozenset(str(x) for x in returns),
    )


def _tolerances(ledger: Ledger, series: list[str]) -> dict[str, float | None]:
    """Each series' move tolerance from its registration (its own, else its type's default)."""
    meta = ledger.as_known_on(
        dt.date(2100, 12, 31), tables=("series",), where={"series_id": series}
    ).series
    out: dict[str, float | None] = {}
    for r in meta.to_dict("records"):
        explicit = r.get("move_tolerance")
        kind = r.get("asset_type")
        out[str(r["series_id"])] = series_tolerance(
            None if kind is None or pd.isna(kind) else str(kind),
            str(r.get("frequency") or "daily"),
            None if explicit is None or pd.isna(explicit) else float(explicit),
        )
    return out


def check_price_moves(ledger: Ledger, frame: pd.DataFrame) -> list[PriceMove]:
    """The file's prices that move beyond their series' tolerance from recorded or file levels.

    ``frame`` holds every row of the file of each series it has (``series_id, date, level``).
    """
    if frame.empty:
        return []
    bounds = (
        frame.groupby("series_id")["date"]
        .agg(["min", "max"])
        .reset_index()
        .rename(columns={"min": "first", "max": "last"})
    )
    near = ledger.price_levels_near(bounds)
    return price_moves(frame, near, _tolerances(ledger, list(bounds["series_id"])))


#: Called with (step description, completed, total) to report progress.
Progress = Callable[[str, int, int], None]


def _quiet(_: str, __: int, ___: int) -> None:
    return None


def _refuse_moves(checked: ValidatedFile, moves: Sequence[PriceMove]) -> NoReturn:
    """Refuse a price file whose levels move beyond their series' tolerance, naming each row."""
    raise InputError(
        [
            Problem(
                checked.path,
                m.message(),
                row=checked.rows[m.row],
                column="level",
                line=checked.lines[m.row],
            )
            for m in moves
        ]
    )


def check_file(
    ledger: Ledger,
    kind: str,
    path: str | Path,
    *,
    today: dt.date | None = None,
    accept_move: bool = False,
    progress: Progress = _quiet,
) -> ValidatedFile:
    """Read and validate a file against what the ledger knows, writing nothing.

    A price file's levels are also checked against their neighbours (recorded or in the file):
    a move beyond the series' tolerance is a problem unless ``accept_move``, when the moves are
    returned in ``ValidatedFile.moves`` for the caller to record as accepted exceptions.
    """
    if kind not in FORMATS:
        raise ValueError(f"unknown ingest kind {kind!r}; expected one of {', '.join(FORMATS)}")
    if kind == "prices":
        with ledger.single_thread():
            try:
                return _stage_prices(
                    ledger, path, today=today, accept_move=accept_move, progress=progress
                )
            finally:
                ledger.drop_staged("prices")
    progress(f"reading {path}", 0, 3)
    raw = read_table_file(path)
    progress(f"validating {len(raw.rows):,} rows", 1, 3)
    checked = validate(kind, raw, ledger_knowledge(ledger), today=today)
    if kind != "prices":
        return checked
    moves = check_price_moves(ledger, checked.frame)
    if moves and not accept_move:
        _refuse_moves(checked, moves)
    return dataclasses.replace(checked, moves=tuple(moves))


def _ragged(first: RawTable, rest: Iterable[RawTable]) -> Iterator[Problem]:
    """The structural problems of every chunk (reading the file to its end)."""
    yield from first.problems
    for raw in rest:
        yield from raw.problems


def _stage_prices(
    ledger: Ledger,
    path: str | Path,
    *,
    today: dt.date | None,
    accept_move: bool,
    progress: Progress,
) -> ValidatedFile:
    """Validate a price file chunk by chunk, staging its rows in the ledger's connection.

    The caller writes the staged rows (``Ledger.append_staged``) and drops them. Returns the
    file's count of rows, its moves beyond tolerance and (only) their rows.
    """
    progress(f"reading and validating {path}", 0, 3)
    chunks = iter_table_chunks(path, CHUNK_ROWS)
    first = next(chunks)
    checker = FileValidator(
        "prices", first.path, first.header, ledger_knowledge(ledger), today=today
    )
    if checker.missing or not first.rows:
        checker.raise_for_header(_ragged(first, chunks), has_rows=bool(first.rows))
    ledger.drop_staged("prices")
    for raw in itertools.chain([first], chunks):
        frame = checker.add(raw)
        if frame is not None:
            n = len(raw.rows)
            ledger.stage("prices", frame, range(raw.first_row, raw.first_row + n), raw.lines)
        progress(f"validated {checker.rows:,} rows", 1, 3)
    checker.finish()
    found: list[tuple[PriceMove, pd.Series]] = []
    for group in ledger.staged_groups("prices", "series_id", MOVE_GROUP_ROWS):
        for m in check_price_moves(ledger, group):
            found.append((m, group.iloc[m.row]))
    found.sort(key=lambda mr: int(mr[1]["_row"]))
    rows = [int(r["_row"]) for _, r in found]
    lines = [None if pd.isna(r["_line"]) else int(r["_line"]) for _, r in found]
    moves = tuple(dataclasses.replace(m, row=k) for k, (m, _) in enumerate(found))
    frame = pd.DataFrame(
        [r[["series_id", "date", "level", "known_on"]] for _, r in found],
        columns=["series_id", "date", "level", "known_on"],
    )
    checked = ValidatedFile(
        "prices", first.path, first.sha256, frame, rows, lines, moves, staged_rows=checker.rows
    )
    if moves and not accept_move:
        _refuse_moves(checked, moves)
    return checked


def _series_rows(checked: ValidatedFile) -> pd.DataFrame:
    """A series file's rows completed with their provenance: a user's file, with its SHA-256."""
    return checked.frame.assign(
        package="user",
        package_version="",
        file_name=Path(checked.path).name,
        file_sha256=checked.sha256,
        column_name="",
        derivation="",
        synthetic=False,
    )


def _move_exceptions(checked: ValidatedFile, reason: str) -> pd.DataFrame:
    """Accepted price moves as ``exceptions`` rows (scope ``prices``), with their evidence."""
    rows = []
    known = pd.to_datetime(checked.frame["known_on"])
    for m in checked.moves:
        rows.append(
            {
                "scope": "prices",
                "date": pd.Timestamp(m.date),
                "kind": "price_move",
                "subject": m.series,
                "status": "accepted",
                "value": m.move,
                "threshold": m.tolerance,
                "detail": json.dumps(
                    {
                        "level": m.level,
                        "neighbour_level": m.other_level,
                        "neighbour_date": m.other_date.isoformat(),
                        "neighbour": "next" if m.to_next else "previous",
                        "return": m.change,
                        "file": checked.path,
                        "row": checked.rows[m.row],
                        "message": m.message(),
                    },
                    sort_keys=True,
                ),
                "reason": reason,
                "known_on": pd.Timestamp(known.iloc[m.row]),
            }
        )
    return pd.DataFrame(rows)


def ingest_file(
    ledger: Ledger,
    kind: str,
    path: str | Path,
    *,
    restate: bool = False,
    reason: str | None = None,
    accept_move: bool = False,
    today: dt.date | None = None,
    progress: Progress = _quiet,
) -> IngestReport:
    """Validate a file completely, then append it to the ledger as one transaction.

    Parameters
    ----------
    ledger : Ledger
        An open, writable ledger.
    kind : str
        ``holdings``, ``statements``, ``cashflows``, ``series`` (series metadata), ``prices``
        or ``orders``.
    path : str or Path
        CSV (``.csv``, ``.csv.gz``) or Parquet (``.parquet``, ``.pq``) file.
    restate : bool
        Record rows that differ from what is recorded as new versions (else they are refused).
    reason : str, optional
        Why the restatement was made, or why the moves accepted are right; kept in the audit
        log (and with each accepted move). Required with ``restate`` and ``accept_move``.
    accept_move : bool
        Record prices that move beyond their series' tolerance, each as an accepted exception
        with ``reason`` (else they are refused).
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
    if (restate or accept_move) and not reason:
        option = "--restate" if restate else "--accept-move"
        raise InputError([Problem("<args>", f"{option} needs --reason", column="--reason")])
    if kind == "prices":
        with ledger.single_thread():
            try:
                with ledger.transaction():
                    checked = _stage_prices(
                        ledger, path, today=today, accept_move=accept_move, progress=progress
                    )
                    progress(f"writing {checked.row_count:,} rows", 2, 3)
                    result = ledger.append_staged(
                        "prices",
                        action="restate" if restate else "ingest",
                        source=checked.path,
                        source_sha256=checked.sha256,
                        restate=restate,
                        detail=_detail(kind, restate, reason, checked),
                    )
                    _record_moves(ledger, checked, reason)
            finally:
                ledger.drop_staged("prices")  # after the commit or rollback
        progress("ingest done", 3, 3)
        return IngestReport(kind, checked.path, checked.sha256, checked.row_count, result)
    checked = check_file(
        ledger, kind, path, today=today, accept_move=accept_move, progress=progress
    )
    progress(f"writing {len(checked.frame):,} rows", 2, 3)
    fmt = FORMATS[kind]
    frame = _series_rows(checked) if kind == "series" else checked.frame
    with ledger.transaction():
        result = ledger.append(
            fmt.table,
            frame,
            action="restate" if restate else "ingest",
            source=checked.path,
            source_sha256=checked.sha256,
            restate=restate,
            detail=_detail(kind, restate, reason, checked),
            row_numbers=checked.rows,
            line_numbers=checked.lines,
        )
        _record_moves(ledger, checked, reason)
    progress("ingest done", 3, 3)
    return IngestReport(kind, checked.path, checked.sha256, len(checked.frame), result)


def _detail(
    kind: str, restate: bool, reason: str | None, checked: ValidatedFile
) -> dict[str, object]:
    """The audit entry's facts about an ingest."""
    detail: dict[str, object] = {"kind": kind, "restate": restate}
    if reason:
        detail["reason"] = reason
    if checked.moves:
        detail["accepted_moves"] = len(checked.moves)
    return detail


def _record_moves(ledger: Ledger, checked: ValidatedFile, reason: str | None) -> None:
    """Record a file's accepted moves as exceptions (nothing when there are none)."""
    if checked.moves:
        ledger.append(
            "exceptions",
            _move_exceptions(checked, str(reason)),
            action="exception",
            source=checked.path,
            source_sha256=checked.sha256,
            restate=True,
            detail={"reason": reason},
        )
