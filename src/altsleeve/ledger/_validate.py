"""The five ingest formats and their validation, before anything is written.

Owns the exact header names of each file kind, the type of each field, and every rule a row must
pass: required columns, parseable ISO dates, plain non-negative numbers, allowed codes, known
holdings and series, ``known_on`` not before the fact's own date, no duplicate keys in a file.
Problems are collected for the whole file (up to a cap) and raised together, whether the file
is validated whole (:func:`validate`) or chunk by chunk (:class:`FileValidator`). Pure: the caller
passes in what the ledger knows; this module must not open the ledger or write anything.
"""

from __future__ import annotations

import datetime as dt
import difflib
import heapq
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
import pandas as pd

from altsleeve.domain import AssetClass, AssetType, CashflowKind, OrderKind, VehicleType
from altsleeve.errors import MAX_PROBLEMS, InputError, Problem
from altsleeve.ledger._files import RawTable

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ID = re.compile(r"^[^\s,;\"']+$")

#: ``known_on`` given to holdings rows that carry none: reference data counts as always known.
ALWAYS_KNOWN = dt.date(1900, 1, 1)


@dataclass(frozen=True)
class FieldSpec:
    """One column of an ingest format.

    Attributes
    ----------
    name : str
        Exact header name in the file.
    kind : str
        ``id`` (code without blanks), ``text``, ``date`` (ISO ``YYYY-MM-DD``), ``amount``
        (dollars >= 0), ``positive`` (> 0), ``signed`` (any finite number), ``year`` (integer
        1900-2100), ``currency`` (ISO 4217 code) or ``enum``.
    choices : tuple[str, ...]
        Allowed values for ``enum``.
    required : bool
        Whether the column must be present; optional columns take ``default``.
    default : str | None
        Text used when an optional column is absent or blank; ``"=COL"`` copies column COL.
    nullable : bool
        An optional column whose blank (or absent) value is stored as NULL (no default).

    """

    name: str
    kind: str
    choices: tuple[str, ...] = ()
    required: bool = True
    default: str | None = None
    nullable: bool = False


@dataclass(frozen=True)
class FileFormat:
    """An ingest file kind: its columns, business key and the ledger table it fills."""

    kind: str
    table: str
    fields: tuple[FieldSpec, ...]
    key: tuple[str, ...]
    rename: tuple[tuple[str, str], ...] = ()
    known_on_not_before: str | None = None
    ignore_unknown: bool = False

    @property
    def required(self) -> list[str]:
        """Names of the required columns, in order."""
        return [f.name for f in self.fields if f.required]

    def column(self, name: str) -> str:
        """The ledger column a file column is stored in."""
        return dict(self.rename).get(name, name)


def _enum(name: str, enum: type[StrEnum]) -> FieldSpec:
    return FieldSpec(name, "enum", tuple(e.value for e in enum))


FORMATS: dict[str, FileFormat] = {
    "holdings": FileFormat(
        kind="holdings",
        table="holdings",
        fields=(
            FieldSpec("holding_id", "id"),
            FieldSpec("name", "text"),
            _enum("asset_class", AssetClass),
            _enum("vehicle_type", VehicleType),
            FieldSpec("proxy", "id"),
            FieldSpec("commitment", "amount"),
            FieldSpec("vintage", "year"),
            FieldSpec("currency", "currency", required=False, default="USD"),
            FieldSpec("known_on", "date", required=False, default=ALWAYS_KNOWN.isoformat()),
        ),
        key=("holding_id",),
    ),
    "statements": FileFormat(
        kind="statements",
        table="statements",
        fields=(
            FieldSpec("holding_id", "id"),
            FieldSpec("as_of", "date"),
            FieldSpec("known_on", "date"),
            FieldSpec("nav", "amount"),
        ),
        key=("holding_id", "as_of"),
        known_on_not_before="as_of",
    ),
    "cashflows": FileFormat(
        kind="cashflows",
        table="cashflows",
        fields=(
            FieldSpec("holding_id", "id"),
            FieldSpec("date", "date"),
            _enum("kind", CashflowKind),
            FieldSpec("amount", "amount"),
            FieldSpec("known_on", "date", required=False, default="=date"),
        ),
        key=("holding_id", "date", "kind"),
    ),
    "prices": FileFormat(
        kind="prices",
        table="prices",
        fields=(
            FieldSpec("series", "id"),
            FieldSpec("date", "date"),
            FieldSpec("level", "positive"),
            FieldSpec("known_on", "date", required=False, default="=date"),
        ),
        key=("series", "date"),
        rename=(("series", "series_id"),),
        known_on_not_before="date",
    ),
    "series": FileFormat(
        kind="series",
        table="series",
        fields=(
            FieldSpec("series", "id"),
            FieldSpec("description", "text"),
            FieldSpec("unit", "enum", ("index", "price", "percent", "percent_return")),
            FieldSpec("frequency", "enum", ("daily", "monthly")),
            FieldSpec(
                "asset_type", "enum", tuple(t.value for t in AssetType if t != AssetType.PRIVATE)
            ),
            FieldSpec("move_tolerance", "positive", required=False, nullable=True),
            FieldSpec("source", "text", required=False, default="user file"),
        ),
        key=("series",),
        rename=(("series", "series_id"),),
    ),
    "orders": FileFormat(
        kind="orders",
        table="orders",
        fields=(
            FieldSpec("vehicle", "id"),
            FieldSpec("date", "date"),
            _enum("kind", OrderKind),
            FieldSpec("amount", "amount"),
            FieldSpec("known_on", "date", required=False, default="=date"),
        ),
        key=("vehicle", "date", "kind"),
    ),
}


@dataclass(frozen=True)
class LedgerKnowledge:
    """What a file may refer to (by default: what the ledger holds), and how to fix a miss."""

    holdings: frozenset[str] = frozenset()
    series: frozenset[str] = frozenset()
    #: Series recorded with unit ``percent_return`` (returns, not levels): their ``level`` may be
    #: zero or negative, so that an exported prices file ingests back unchanged.
    return_series: frozenset[str] = frozenset()
    holdings_hint: str = "ingest it with `altsleeve ingest holdings` first"
    series_hint: str = (
        "register it with `altsleeve marketdata register FILE` (or load the shipped real data "
        "with `altsleeve marketdata load`) first"
    )
    vehicles: frozenset[str] | None = None
    vehicles_hint: str = "register its file with `altsleeve vehicle register FILE` first"


@dataclass(frozen=True)
class PriceMove:
    """A price in a file that moves from (or to) its neighbour by more than the tolerance.

    ``row`` is the row's position in the validated frame (0-based); ``other_date`` and
    ``other_level`` are the neighbouring level (the previous one, or with ``to_next`` the next
    one recorded) in the ledger or the file; ``move`` the absolute log move.
    """

    row: int
    series: str
    date: dt.date
    level: float
    other_date: dt.date
    other_level: float
    move: float
    tolerance: float
    to_next: bool

    @property
    def change(self) -> float:
        """The simple return of the move, in the direction of time (decimal)."""
        if self.to_next:
            return self.other_level / self.level - 1.0
        return self.level / self.other_level - 1.0

    def message(self) -> str:
        """The problem in words, with how to go on."""
        if self.to_next:
            what = (
                f"the next recorded level {self.other_level:,.6g} on {self.other_date} is a "
                f"move of {self.change:+.1%} from {self.level:,.6g} on {self.date}"
            )
        else:
            what = (
                f"{self.level:,.6g} on {self.date} is a move of {self.change:+.1%} from "
                f"{self.other_level:,.6g} on {self.other_date}"
            )
        return (
            f"{self.series}: {what} (|ln move| {self.move:.3f}), beyond the series' tolerance "
            f"{self.tolerance:.3f}; check the price, or accept the move with --accept-move "
            "--reason TEXT"
        )


def price_moves(
    frame: pd.DataFrame, near: pd.DataFrame, tolerance: Mapping[str, float | None]
) -> list[PriceMove]:
    """Prices of a file whose move from the previous level, or to the next, is beyond tolerance.

    Parameters
    ----------
    frame : DataFrame
        The file's validated rows: ``series_id, date, level``.
    near : DataFrame
        Levels already recorded (``series_id, date, level``) around the file's dates; a
        recorded level on a date the file also has is replaced by the file's.
    tolerance : mapping
        Each series' largest plausible absolute log move (``None``: not checked).

    Returns
    -------
    list of PriceMove
        One per flagged file row (its first flagged side), in file order.
    """
    out: dict[int, PriceMove] = {}
    f_sid = frame["series_id"].astype(str).to_numpy()
    f_day = np.asarray(pd.to_datetime(frame["date"]).values, dtype="datetime64[D]")
    f_lv = frame["level"].to_numpy(dtype=float)
    n_sid = near["series_id"].astype(str).to_numpy() if len(near) else np.array([], dtype=str)
    n_day = (
        np.asarray(pd.to_datetime(near["date"]).values, dtype="datetime64[D]")
        if len(near)
        else np.array([], dtype="datetime64[D]")
    )
    n_lv = near["level"].to_numpy(dtype=float) if len(near) else np.array([])
    for sid in np.unique(f_sid):
        tol = tolerance.get(str(sid))
        if tol is None:
            continue
        fi = np.flatnonzero(f_sid == sid)
        ni = np.flatnonzero(n_sid == sid)
        ni = ni[~np.isin(n_day[ni], f_day[fi])]
        day = np.concatenate([f_day[fi], n_day[ni]])
        lv = np.concatenate([f_lv[fi], n_lv[ni]])
        src = np.concatenate([fi, np.full(len(ni), -1)])
        order = np.argsort(day, kind="stable")
        day, lv, src = day[order], lv[order], src[order]
        if len(day) < 2:
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            move = np.abs(np.log(lv[1:] / lv[:-1]))
        bad = (move > tol + 1e-12) & ((src[1:] >= 0) | (src[:-1] >= 0))
        for k in (int(i) for i in np.flatnonzero(bad)):
            to_next = src[k + 1] < 0
            row = int(src[k]) if to_next else int(src[k + 1])
            me, other = (k, k + 1) if to_next else (k + 1, k)
            if row in out:
                continue
            out[row] = PriceMove(
                row=row,
                series=str(sid),
                date=dt.date.fromisoformat(str(day[me])),
                level=float(lv[me]),
                other_date=dt.date.fromisoformat(str(day[other])),
                other_level=float(lv[other]),
                move=float(move[k]),
                tolerance=float(tol),
                to_next=bool(to_next),
            )
    return [out[k] for k in sorted(out)]


@dataclass(frozen=True)
class ValidatedFile:
    """A file that passed validation: typed rows named as the ledger's columns.

    ``frame`` has dates as ``datetime64``, amounts as ``float64`` dollars, years as ``int64``.
    ``rows`` and ``lines`` give each row's place in the file for later messages.
    """

    kind: str
    path: str
    sha256: str
    frame: pd.DataFrame
    rows: list[int]
    lines: list[int | None]
    moves: tuple[PriceMove, ...] = ()
    #: How many rows were validated and staged in the ledger's connection rather than kept here
    #: (a price file); ``frame``, ``rows`` and ``lines`` then hold only the rows of ``moves``.
    #: ``None``: every row is in ``frame``.
    staged_rows: int | None = None

    @property
    def row_count(self) -> int:
        """Rows in the file."""
        return len(self.frame) if self.staged_rows is None else self.staged_rows


def _parse(spec: FieldSpec, text: str) -> tuple[object, str | None]:
    """Parse one cell; return (value, None) or (None, message)."""
    if text == "":
        return None, "missing value"
    kind = spec.kind
    if kind == "text":
        return text, None
    if kind == "id":
        if not _ID.match(text):
            return None, f"{text!r} is not a valid code (no blanks, commas, semicolons or quotes)"
        return text, None
    if kind == "enum":
        if text in spec.choices:
            return text, None
        hint = difflib.get_close_matches(text.lower(), spec.choices, n=1)
        extra = f" (did you mean {hint[0]!r}?)" if hint else ""
        return None, f"{text!r} is not one of {', '.join(spec.choices)}{extra}"
    if kind == "date":
        if not _DATE.match(text):
            return None, f"{text!r} is not an ISO date YYYY-MM-DD"
        try:
            day = dt.date.fromisoformat(text)
        except ValueError:
            return None, f"{text!r} is not a valid calendar date"
        if not dt.date(1900, 1, 1) <= day <= dt.date(2100, 12, 31):
            return None, f"{text!r} is outside 1900-01-01..2100-12-31"
        return day, None
    if kind == "currency":
        if not _CURRENCY.match(text):
            return None, f"{text!r} is not a three-letter ISO 4217 currency code"
        return text, None
    if kind == "year":
        if not re.fullmatch(r"\d{4}", text):
            return None, f"{text!r} is not a four-digit year"
        year = int(text)
        if not 1900 <= year <= 2100:
            return None, f"{year} is outside 1900..2100"
        return year, None
    # amount / positive
    if not _NUMBER.match(text):
        if re.fullmatch(r"[+-]?[\d,]+(\.\d*)?", text):
            return None, f"{text!r} is not a plain number (write it without thousands separators)"
        return None, f"{text!r} is not a number"
    value = float(text)
    if not math.isfinite(value):
        return None, f"{text!r} is not a finite number"
    if kind == "positive" and value <= 0:
        return None, f"{text} must be > 0"
    if kind == "signed":
        return value, None
    if value < 0:
        return None, f"{text} must be >= 0 (amounts are positive dollars; the kind gives the sign)"
    return value, None


def validate(
    kind: str | FileFormat,
    raw: RawTable,
    knowledge: LedgerKnowledge | None = None,
    *,
    today: dt.date | None = None,
) -> ValidatedFile:
    """Validate a file of one ingest kind; raise every problem at once.

    Parameters
    ----------
    kind : str or FileFormat
        ``holdings``, ``statements``, ``cashflows``, ``prices`` or ``orders``, or a format of
        another command's file (e.g. a backtest's truth file).
    raw : RawTable
        The file as read by :func:`read_table_file`.
    knowledge : LedgerKnowledge, optional
        Holdings and series the ledger knows. When ``None`` those references are not checked.
    today : date, optional
        No fact may be known after today (default: the UTC date now).

    Raises
    ------
    InputError
        Listing each problem with file, row (and CSV line) and column.

    """
    checker = FileValidator(kind, raw.path, raw.header, knowledge, today=today)
    checker.raise_for_header(raw.problems, has_rows=bool(raw.rows))
    frame = checker.add(raw)
    checker.finish()
    assert frame is not None
    return ValidatedFile(
        kind=checker.fmt.kind,
        path=raw.path,
        sha256=raw.sha256,
        frame=frame,
        rows=list(range(raw.first_row, raw.first_row + len(raw.rows))),
        lines=list(raw.lines),
    )


# Problem categories, in the order in which a whole file's problems were always listed; problems
# are sorted by (row, column) and this order breaks ties.
_RAGGED, _HEADER, _FIELD, _ROW_RULE, _REF, _DUP = range(6)


class _Problems:
    """A file's problems in reporting order: the first ``MAX_PROBLEMS`` kept, every one counted."""

    def __init__(self, names: list[str]) -> None:
        self._names = names
        self._kept: list[tuple[tuple[int, int, int, int], Problem]] = []
        self.total = 0

    def add(self, category: int, problem: Problem) -> None:
        self.total += 1
        col = self._names.index(problem.column) if problem.column in self._names else -1
        self._kept.append(((problem.row or 0, col, category, self.total), problem))
        if len(self._kept) > 20 * MAX_PROBLEMS:
            self._kept = heapq.nsmallest(MAX_PROBLEMS, self._kept, key=lambda kp: kp[0])

    def raise_if_any(self) -> None:
        if self.total:
            kept = heapq.nsmallest(MAX_PROBLEMS, self._kept, key=lambda kp: kp[0])
            raise InputError([p for _, p in kept], total=self.total)


class FileValidator:
    """Validation of one file fed in chunks of rows: the same rules and messages as a whole file.

    ``add`` checks each chunk's fields, row rules and references as it comes and returns its
    typed rows while no problem has been found; ``finish`` then checks the business keys across
    every chunk (duplicates) and raises every problem found, sorted by row and column, the first
    ``MAX_PROBLEMS`` listed. Memory held between chunks is a few integers per row (for the
    duplicate check) and the problems kept.
    """

    def __init__(
        self,
        kind: str | FileFormat,
        label: str,
        header: list[str],
        knowledge: LedgerKnowledge | None = None,
        *,
        today: dt.date | None = None,
    ) -> None:
        self.fmt = kind if isinstance(kind, FileFormat) else FORMATS[kind]
        self.label = label
        self.header = header
        self.knowledge = knowledge
        self.today = today or dt.datetime.now(dt.UTC).date()
        self.names = [f.name for f in self.fmt.fields]
        self.problems = _Problems(self.names)
        self.rows = 0
        self._header_problems: list[Problem] = []
        self._hints: dict[tuple[str, str], str] = {}
        self._key_codes: list[dict[object, int]] = [{} for _ in self.fmt.key]
        self._key_values: list[list[object]] = [[] for _ in self.fmt.key]
        self._key_parts: list[list[np.ndarray]] = [[] for _ in self.fmt.key]
        self._key_rows: list[np.ndarray] = []
        self._key_lines: list[np.ndarray] = []
        seen: set[str] = set()
        for col in header:
            if col in seen:
                self._header_problems.append(
                    Problem(label, "column appears twice in the header", column=col)
                )
            seen.add(col)
            if col not in self.names and not self.fmt.ignore_unknown:
                hint = difflib.get_close_matches(col, self.names, n=1)
                extra = f"; did you mean {hint[0]!r}?" if hint else ""
                self._header_problems.append(
                    Problem(
                        label,
                        f"unknown column (expected {', '.join(self.names)}){extra}",
                        column=col,
                    )
                )
        self.missing = [n for n in self.fmt.required if n not in header]
        for col in self.missing:
            self._header_problems.append(
                Problem(label, "required column is missing from the header", column=col)
            )

    def raise_for_header(self, ragged: Iterable[Problem], *, has_rows: bool) -> None:
        """Raise when a required column is missing or there is no data row.

        ``ragged``: the structural problems of the file's rows, listed first (all of them, as
        for a whole file; the caller may pass a lazy iterable).
        """
        if self.missing or not has_rows:
            listed: list[Problem] = []
            total = 0
            for p in ragged:
                total += 1
                if len(listed) < MAX_PROBLEMS:
                    listed.append(p)
            extra = (
                [] if self.missing else [Problem(self.label, "file has a header but no data rows")]
            )
            tail = [*self._header_problems, *extra]
            raise InputError([*listed, *tail], total=total + len(tail))

    @property
    def ok(self) -> bool:
        """Whether no problem has been found so far (header and rows)."""
        return not self._header_problems and not self.problems.total

    def add(self, raw: RawTable) -> pd.DataFrame | None:
        """Check one chunk of rows (numbered from ``raw.first_row``).

        Returns its typed rows (named as the ledger's columns) when no problem has been found in
        the file so far, else ``None``.
        """
        fmt, label, knowledge, problems = self.fmt, self.label, self.knowledge, self.problems
        if self.rows == 0:
            for p in self._header_problems:
                problems.add(_HEADER, p)
        for p in raw.problems:
            problems.add(_RAGGED, p)
        base = raw.first_row
        self.rows = base - 1 + len(raw.rows)
        idx = {c: i for i, c in enumerate(self.header)}
        parsed: dict[str, list[object]] = {f.name: [] for f in fmt.fields}
        bad_row: list[bool] = []
        returns = knowledge.return_series if knowledge and fmt.table == "prices" else ()
        for r, cells in enumerate(raw.rows, start=base):
            line = raw.lines[r - base]
            row_ok = True
            for spec in fmt.fields:
                text = cells[idx[spec.name]] if spec.name in idx else ""
                if text == "" and not spec.required and spec.default is not None:
                    if spec.default.startswith("="):
                        source = spec.default[1:]
                        text = cells[idx[source]] if source in idx else ""
                    else:
                        text = spec.default
                if text == "" and spec.nullable:
                    parsed[spec.name].append(None)
                    continue
                value, msg = _parse(spec, text)
                if msg and spec.kind == "positive" and returns and parsed["series"][-1] in returns:
                    value, msg = _parse(FieldSpec(spec.name, "signed"), text)  # a return series
                if msg:
                    problems.add(_FIELD, Problem(label, msg, row=r, column=spec.name, line=line))
                    row_ok = False
                parsed[spec.name].append(value)
            bad_row.append(not row_ok)

        # Row rules that need several fields.
        today = self.today
        for i in range(len(raw.rows)):
            if bad_row[i]:
                continue
            line = raw.lines[i]
            known = parsed["known_on"][i] if "known_on" in parsed else None
            assert known is None or isinstance(known, dt.date)
            if fmt.known_on_not_before and isinstance(known, dt.date):
                own = parsed[fmt.known_on_not_before][i]
                assert isinstance(own, dt.date)
                if known < own:
                    problems.add(
                        _ROW_RULE,
                        Problem(
                            label,
                            f"known_on {known} is before {fmt.known_on_not_before} {own}: a "
                            "fact cannot be known before it happens",
                            row=base + i,
                            column="known_on",
                            line=line,
                        ),
                    )
            for col in ("known_on", "as_of"):
                day = parsed[col][i] if col in parsed else None
                if (
                    isinstance(day, dt.date)
                    and day > today
                    and not (col == "known_on" and fmt.kind == "holdings")
                ):
                    problems.add(
                        _ROW_RULE,
                        Problem(
                            label,
                            f"{col} {day} is in the future (today is {today}); the ledger "
                            "records facts once they are known",
                            row=base + i,
                            column=col,
                            line=line,
                        ),
                    )

        # References to what the ledger knows.
        if knowledge is not None:
            refs: list[tuple[str, frozenset[str], str]] = []
            if "holding_id" in parsed and fmt.table != "holdings":
                refs.append(
                    (
                        "holding_id",
                        knowledge.holdings,
                        "unknown holding {v!r}: " + knowledge.holdings_hint,
                    )
                )
            if fmt.table == "prices" and "series" in parsed:
                refs.append(
                    ("series", knowledge.series, "unknown series {v!r}: " + knowledge.series_hint)
                )
            if fmt.table == "orders" and knowledge.vehicles is not None:
                refs.append(
                    (
                        "vehicle",
                        knowledge.vehicles,
                        "unknown vehicle {v!r}: " + knowledge.vehicles_hint,
                    )
                )
            if fmt.table == "holdings" and "proxy" in parsed:
                refs.append(
                    (
                        "proxy",
                        knowledge.series,
                        "unknown proxy series {v!r}: " + knowledge.series_hint,
                    )
                )
            for column, known_set, template in refs:
                self._check_refs(raw, parsed[column], known_set, column, template)

        self._track_keys(raw, parsed)
        if not self.ok:
            return None
        return pd.DataFrame({fmt.column(f.name): _typed(f, parsed[f.name]) for f in fmt.fields})

    def _check_refs(
        self,
        raw: RawTable,
        values: Iterable[object],
        known: frozenset[str],
        column: str,
        template: str,
    ) -> None:
        for r, v in enumerate(values, start=raw.first_row):
            if isinstance(v, str) and v not in known:
                if (column, v) not in self._hints:
                    close = difflib.get_close_matches(v, sorted(known), n=1)
                    self._hints[column, v] = f" (did you mean {close[0]!r}?)" if close else ""
                self.problems.add(
                    _REF,
                    Problem(
                        self.label,
                        template.format(v=v) + self._hints[column, v],
                        row=r,
                        column=column,
                        line=raw.lines[r - raw.first_row],
                    ),
                )

    def _track_keys(self, raw: RawTable, parsed: dict[str, list[object]]) -> None:
        """Keep each complete business key as integer codes (for the duplicate check)."""
        cols = [parsed[k] for k in self.fmt.key]
        complete = [i for i in range(len(raw.rows)) if all(c[i] is not None for c in cols)]
        for j, col in enumerate(cols):
            codes, values = self._key_codes[j], self._key_values[j]
            part = np.empty(len(complete), dtype=np.int32)
            for n, i in enumerate(complete):
                v = col[i]
                code = codes.get(v)
                if code is None:
                    code = codes[v] = len(values)
                    values.append(v)
                part[n] = code
            self._key_parts[j].append(part)
        pos = np.asarray(complete, dtype=np.int64)
        self._key_rows.append((pos + raw.first_row).astype(np.int32))
        lines = np.array([-1 if x is None else x for x in raw.lines], dtype=np.int64)
        self._key_lines.append(lines[pos].astype(np.int32) if len(pos) else np.empty(0, np.int32))

    def finish(self) -> None:
        """Check business keys across the file, then raise every problem found, if any."""
        fmt = self.fmt
        rows = np.concatenate(self._key_rows) if self._key_rows else np.empty(0, np.int64)
        self._key_rows = []
        if len(rows):
            lines = np.concatenate(self._key_lines)
            parts = [np.concatenate(p) for p in self._key_parts]
            self._key_lines, self._key_parts = [], [[] for _ in fmt.key]
            code = parts[0].astype(np.int64)
            for j in range(1, len(parts)):
                size = max(len(self._key_values[j]), 1)
                if int(code.max()) >= (1 << 62) // size:  # keep the codes within int64
                    code = np.unique(code, return_inverse=True)[1].astype(np.int64)
                code = code * size + parts[j]
            srt = np.sort(code)
            if not np.any(srt[1:] == srt[:-1]):
                code = srt = np.empty(0, dtype=np.int64)  # no duplicate key (the usual case)
            del srt
            order = np.argsort(code, kind="stable")
            sc = code[order]
            first = np.ones(len(sc), dtype=bool)
            first[1:] = sc[1:] != sc[:-1]
            start = np.maximum.accumulate(np.where(first, np.arange(len(sc)), 0))
            dup = np.flatnonzero(~first)
            firsts = rows[order[start[dup]]]
            at = order[dup]
            by_row = np.argsort(rows[at], kind="stable")
            for k in by_row:
                i = int(at[k])
                key = [self._key_values[j][int(parts[j][i])] for j in range(len(parts))]
                key_text = ", ".join(f"{n}={v}" for n, v in zip(fmt.key, key, strict=True))
                self.problems.add(
                    _DUP,
                    Problem(
                        self.label,
                        f"duplicate key ({key_text}): also on row {int(firsts[k])}",
                        row=int(rows[i]),
                        column=fmt.key[-1],
                        line=None if lines[i] < 0 else int(lines[i]),
                    ),
                )
        self.problems.raise_if_any()


def _typed(spec: FieldSpec, values: list[object]) -> pd.Series:
    if spec.kind == "date":
        return pd.Series(pd.to_datetime(pd.Series(values, dtype="object")), dtype="datetime64[ns]")
    if spec.kind in ("amount", "positive", "signed"):
        return pd.Series(values, dtype="float64")
    if spec.kind == "year":
        return pd.Series(values, dtype="int64")
    return pd.Series(values, dtype="object")
