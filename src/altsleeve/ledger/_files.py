"""Reading user files (CSV, gzipped CSV, Parquet) into rows of text for validation.

Owns turning a file on disk into a header, rows of stripped strings, the line each row started
on, and the file's SHA-256: whole (:func:`read_table_file`) or as a stream of chunks of rows
(:func:`iter_table_chunks`, for files too large to hold as Python objects). Whole-file faults
(missing, unreadable, wrong type, not UTF-8, no header) raise :class:`InputError`; ragged rows
are collected as problems so that validation can go on and report everything at once. Must not
interpret field values or touch the ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

from altsleeve.errors import InputError, Problem
from altsleeve.ledger._hashing import file_sha256

#: File name endings that are read, and how.
SUPPORTED = (".csv", ".csv.gz", ".parquet", ".pq")


@dataclass
class RawTable:
    """A user file as text.

    Attributes
    ----------
    path : str
        The path as the user gave it (used in messages).
    header : list[str]
        Column names, stripped of surrounding blanks.
    rows : list[list[str]]
        One list of stripped cell texts per data row, aligned with ``header`` (ragged rows are
        padded or cut, and reported in ``problems``).
    lines : list[int | None]
        1-based line on which each row starts (CSV), ``None`` for Parquet.
    sha256 : str
        SHA-256 (hex) of the file's bytes.
    problems : list[Problem]
        Structural faults found while reading.
    first_row : int
        1-based number in the file of ``rows[0]`` (1 unless the table is a later chunk).

    """

    path: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int | None]
    sha256: str
    problems: list[Problem] = field(default_factory=list)
    first_row: int = 1


def _check_path(path: str | Path) -> tuple[str, Path, str]:
    """The label, path and lower-case name of a readable file of a supported type."""
    label = str(path)
    p = Path(path)
    name = p.name.lower()
    if not name.endswith(SUPPORTED):
        raise InputError(
            [Problem(label, f"unsupported file type; expected one of {', '.join(SUPPORTED)}")]
        )
    if not p.is_file():
        raise InputError([Problem(label, "file not found")])
    return label, p, name


def iter_table_chunks(path: str | Path, chunk_rows: int) -> Iterator[RawTable]:
    """Read a file like :func:`read_table_file`, as tables of at most ``chunk_rows`` rows.

    Every chunk has the file's header, SHA-256 and path; ``first_row`` numbers its rows within
    the file, and ragged rows are reported in the chunk that holds them. At least one chunk
    (perhaps without rows) is yielded. Memory does not grow with the file: the digest is taken
    in a first pass over the bytes, then the rows are parsed as a stream. A whole-file fault
    (not UTF-8, corrupt gzip or Parquet, malformed CSV, no header) is reported exactly as
    :func:`read_table_file` reports it, by letting it read the file.

    Raises
    ------
    InputError
        As :func:`read_table_file`, possibly after some chunks were yielded.

    """
    label, p, name = _check_path(path)
    digest = hashlib.sha256()
    try:
        with p.open("rb") as f:
            while block := f.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise InputError([Problem(label, f"cannot read file: {exc.strerror or exc}")]) from exc
    sha = digest.hexdigest()
    try:
        if name.endswith((".parquet", ".pq")):
            yield from _parquet_chunks(label, p, sha, chunk_rows)
        else:
            yield from _csv_chunks(label, p, name, sha, chunk_rows)
    except (OSError, EOFError, UnicodeDecodeError, csv.Error, _NoHeaderError) as exc:
        read_table_file(path)  # raises the whole-file fault with its usual message
        raise InputError([Problem(label, f"cannot read file: {exc}")]) from exc


class _NoHeaderError(Exception):
    """A CSV stream ended before its header."""


def _csv_chunks(label: str, p: Path, name: str, sha: str, chunk_rows: int) -> Iterator[RawTable]:
    opened = gzip.open(p, "rb") if name.endswith(".gz") else p.open("rb")  # noqa: SIM115
    raw = cast(IO[bytes], opened)
    with raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        reader = csv.reader(text, strict=True)
        header: list[str] | None = None
        rows: list[list[str]] = []
        lines: list[int | None] = []
        problems: list[Problem] = []
        first = 1
        start = 1
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or all(not c.strip() for c in record):
                continue  # blank line
            cells = [c.strip() for c in record]
            if header is None:
                header = cells
                continue
            row_no = first + len(rows)
            cells = _fit_to_header(label, header, cells, row_no, line, problems)
            rows.append(cells)
            lines.append(line)
            if len(rows) >= chunk_rows:
                yield RawTable(label, header, rows, lines, sha, problems, first)
                first += len(rows)
                rows, lines, problems = [], [], []
        if header is None:
            raise _NoHeaderError(label)
        if rows or first == 1:
            yield RawTable(label, header, rows, lines, sha, problems, first)


def _parquet_chunks(label: str, p: Path, sha: str, chunk_rows: int) -> Iterator[RawTable]:
    import pyarrow.parquet as pq

    first = 1
    try:
        pf = pq.ParquetFile(p)
        header = [str(c).strip() for c in pf.schema_arrow.names]
        for batch in pf.iter_batches(batch_size=chunk_rows):
            columns = [[_cell_text(v) for v in col.to_pylist()] for col in batch.columns]
            rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
            if rows:
                yield RawTable(label, header, rows, [None] * len(rows), sha, [], first)
                first += len(rows)
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise OSError(str(exc)) from exc
    if first == 1:
        yield RawTable(label, header, [], [], sha, [], 1)


def read_table_file(path: str | Path) -> RawTable:
    """Read a CSV (optionally ``.gz``) or Parquet file into a :class:`RawTable`.

    Raises
    ------
    InputError
        The file is missing, unreadable, of an unsupported type, not UTF-8, or has no header.

    """
    label, p, name = _check_path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise InputError([Problem(label, f"cannot read file: {exc.strerror or exc}")]) from exc
    digest = file_sha256(data)
    if name.endswith((".parquet", ".pq")):
        return _read_parquet(label, data, digest)
    if name.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise InputError([Problem(label, f"not a valid gzip file: {exc}")]) from exc
    return _read_csv(label, data, digest)


def _read_csv(label: str, data: bytes, digest: str) -> RawTable:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(
            [Problem(label, f"not UTF-8 text (byte {exc.start} cannot be decoded)")]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    header: list[str] | None = None
    rows: list[list[str]] = []
    lines: list[int | None] = []
    problems: list[Problem] = []
    start = 1
    try:
        for record in reader:
            line = start
            start = reader.line_num + 1
            if not record or all(not c.strip() for c in record):
                continue  # blank line
            cells = [c.strip() for c in record]
            if header is None:
                header = cells
                continue
            row_no = len(rows) + 1
            cells = _fit_to_header(label, header, cells, row_no, line, problems)
            rows.append(cells)
            lines.append(line)
    except csv.Error as exc:
        raise InputError(
            [Problem(label, f"malformed CSV at line {reader.line_num}: {exc}")]
        ) from exc
    if header is None:
        raise InputError([Problem(label, "file is empty (no header line)")])
    return RawTable(label, header, rows, lines, digest, problems)


def _read_parquet(label: str, data: bytes, digest: str) -> RawTable:
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # pyarrow raises several types for a corrupt file
        raise InputError([Problem(label, f"not a readable Parquet file: {exc}")]) from exc
    header = [str(c).strip() for c in table.column_names]
    columns = [[_cell_text(v) for v in col.to_pylist()] for col in table.columns]
    rows = [list(r) for r in zip(*columns, strict=True)] if columns else []
    return RawTable(label, header, rows, [None] * len(rows), digest, [])


def _cell_text(value: Any) -> str:
    """Text of one Parquet cell as a CSV would hold it (dates ISO, floats shortest repr)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "" if math.isnan(value) else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0) and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()


def _fit_to_header(
    label: str, header: list[str], cells: list[str], row_no: int, line: int, problems: list[Problem]
) -> list[str]:
    """A CSV record padded or cut to the header's width; a ragged one is a problem (row, line)."""
    if len(cells) != len(header):
        problems.append(
            Problem(
                label,
                f"has {len(cells)} fields, the header has {len(header)}",
                row=row_no,
                line=line,
            )
        )
        cells = (cells + [""] * len(header))[: len(header)]
    return cells
