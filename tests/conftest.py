"""Shared fixtures: a small ledger with one proxy series, two holdings and a few statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from altsleeve.ledger import Ledger, ingest_file

PRICES = "series,date,level\nIDX,2008-01-02,100\nIDX,2008-01-03,101.5\nIDX,2008-01-04,99.25\n"
HOLDINGS = (
    "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
    "H1,Fund One,buyout,drawdown,IDX,25000000,2005\n"
    "H2,Fund Two,real_estate,evergreen,IDX,10000000,2007\n"
)
STATEMENTS = (
    "holding_id,as_of,known_on,nav\n"
    "H1,2008-03-31,2008-05-20,1000000\n"
    "H1,2008-06-30,2008-08-25,1100000\n"
    "H2,2008-06-30,2008-08-14,9000000\n"
)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)
        return p

    return _write


@pytest.fixture
def db(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    """A ledger holding IDX prices, holdings H1/H2 and three statements."""
    path = tmp_path / "ledger.duckdb"
    with Ledger(path, create=True) as led:
        ingest_file(led, "prices", write("p.csv", PRICES))
        ingest_file(led, "holdings", write("h.csv", HOLDINGS))
        ingest_file(led, "statements", write("s.csv", STATEMENTS))
    return path


def fingerprint(path: Path) -> dict[str, str]:
    """Digest of every table's content."""
    with Ledger(path, read_only=True) as led:
        return led.content_fingerprint()


TODAY = dt.date(2026, 1, 1)
