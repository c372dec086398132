"""Reading the operations service's tables (issue 20), defined once for its use cases.

Owns the latest version of each row of ``users``, ``tokens``, ``proposals``, ``releases`` and
``nav_corrections`` (optionally as known on a date), the current UTC time the use cases default
to, and the refusal of a blank or missing field. Must not write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import Ledger

#: The knowledge date that sees everything recorded.
FAR = dt.date(2100, 12, 31)


def latest(
    ledger: Ledger,
    table: str,
    *,
    known_on: dt.date = FAR,
    recorded_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The latest version of each key of ``table`` known on ``known_on`` (and recorded by)."""
    return ledger.as_known_on(known_on, recorded_at=recorded_at, tables=(table,)).tables[table]


def now_utc(at: dt.datetime | None = None) -> dt.datetime:
    """``at`` (timezone-aware, converted to UTC), or the current UTC time."""
    if at is None:
        return dt.datetime.now(dt.UTC)
    if at.tzinfo is None or at.utcoffset() is None:
        raise InputError([Problem("<args>", "must be timezone-aware (UTC)", column="at")])
    return at.astimezone(dt.UTC)


def naive(at: dt.datetime) -> dt.datetime:
    """A UTC time as the ledger stores it (naive)."""
    return at.astimezone(dt.UTC).replace(tzinfo=None)


def aware(value: object) -> dt.datetime:
    """A stored (naive UTC) timestamp as a timezone-aware UTC datetime."""
    return pd.Timestamp(str(value)).to_pydatetime().replace(tzinfo=dt.UTC)


def blank(fields: Iterable[tuple[str, str | None]], file: str = "<args>") -> list[Problem]:
    """A problem for each (field, text) that is missing or blank."""
    return [
        Problem(file, "must not be empty", column=name)
        for name, text in fields
        if text is None or not str(text).strip()
    ]


def split_list(text: object) -> tuple[str, ...]:
    """A stored comma list as its items (empty text: none)."""
    return tuple(x for x in str(text).split(",") if x)


__all__ = ["FAR", "aware", "blank", "latest", "naive", "now_utc", "split_list"]
