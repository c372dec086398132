"""Reading user files (CSV, gzipped CSV, Parquet) into rows of text for validation.

Owns turning a file on disk into a header, rows of stripped strings, the line each row started
on, and the file's SHA-256. Whole-file faults (missing, unreadable, wrong type, not UTF-8, no
header) raise :class:`InputError`; ragged rows are collected as problems so that validation can go
on and report everything at once. Must not interpret field values or touch the ledger.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    """

    path: str
    header: list[str]
    rows: list[list[str]]
    lines: list[int | None]
    sha256: str
    problems: list[Problem] = field(default_factory=list)


def read_table_file(path: str | Path) -> RawTable:
    """Read a CSV (optionally ``.gz``) or Parquet file into a :class:`RawTable`.

    Raises
    ------
    InputError
        The file is missing, unreadable, of an unsupported type, not UTF-8, or has no header.

    """
    label = str(path)
    p = Path(path)
    name = p.name.lower()
    if not name.endswith(SUPPORTED):
        raise InputError(
            [Problem(label, f"unsupported file type; expected one of {', '.join(SUPPORTED)}")]
        )
    if not p.is_file():
        raise InputError([Problem(label, "file not found")])
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
