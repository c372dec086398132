"""`ledger export KIND` writes what `ingest KIND` takes back: every row unchanged, nothing written.

On a small ledger with awkward floats (CSV to a file and to stdout, Parquet) and on the sample
book after `marketdata load` (whose Fama-French series are returns, negative in some months).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.ledger import FORMATS
from tests.conftest import fingerprint

KINDS = ("holdings", "statements", "cashflows", "prices", "orders")

CASHFLOWS = (
    "holding_id,date,kind,amount,known_on\n"
    "H1,2008-07-15,call,1234567.891011,2008-07-01\n"
    "H1,2008-08-15,distribution,0.30000000000000004,\n"
    "H2,2008-09-30,fee,1e-07,\n"
)
ORDERS = "vehicle,date,kind,amount\nTDF,2008-07-15,purchase,1e+16\nTDF,2008-07-15,redemption,2.5\n"
MORE_PRICES = (
    "series,date,level\nIDX,2008-01-07,101.01000000000001\nIDX,2008-01-08,100.19999999999999\n"
)


@pytest.fixture
def small(db: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    """The shared small ledger plus cash flows, orders and prices with awkward floats."""
    for kind, text in (("cashflows", CASHFLOWS), ("orders", ORDERS), ("prices", MORE_PRICES)):
        assert run(["ingest", kind, str(write(f"{kind}.csv", text)), "--db", str(db)]) == 0
    return db


def _ingest_unchanged(
    db: Path, kind: str, path: Path, rows: int, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["ingest", kind, str(path), "--db", str(db), "--json"]) == 0, capsys.readouterr()
    res = json.loads(capsys.readouterr().out)
    assert (res["new"], res["restated"], res["unchanged"]) == (0, 0, rows), (kind, res)
    assert res["batch_id"] is None


@pytest.mark.parametrize("suffix", [".csv", ".parquet", "stdout"])
@pytest.mark.parametrize("kind", KINDS)
def test_export_ingests_back_unchanged(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, suffix: str
) -> None:
    before = fingerprint(small)
    path = tmp_path / f"{kind}{'.csv' if suffix == 'stdout' else suffix}"
    capsys.readouterr()
    if suffix == "stdout":
        assert run(["ledger", "export", kind, "--db", str(small)]) == 0
        path.write_text(capsys.readouterr().out)
    else:
        assert run(["ledger", "export", kind, "--db", str(small), "--out", str(path)]) == 0
    frame = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path)
    assert list(frame.columns) == [f.name for f in FORMATS[kind].fields]
    assert len(frame) > 0
    _ingest_unchanged(small, kind, path, len(frame), capsys)
    assert fingerprint(small) == before


def test_export_writes_iso_dates_and_shortest_floats(
    small: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run(["ledger", "export", "cashflows", "--db", str(small)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "holding_id,date,kind,amount,known_on",
        "H1,2008-07-15,call,1234567.891011,2008-07-01",
        "H1,2008-08-15,distribution,0.30000000000000004,2008-08-15",
        "H2,2008-09-30,fee,1e-07,2008-09-30",
    ]


def test_with_bookkeeping_adds_the_audit_columns(
    small: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "p.csv"
    args = ["ledger", "export", "prices", "--db", str(small), "--with-bookkeeping"]
    assert run([*args, "--out", str(out)]) == 0
    header = out.read_text().splitlines()[0]
    assert header == "series,date,version,level,known_on,recorded_at,batch_id"
    assert run(["ingest", "prices", str(out), "--db", str(small)]) == 2  # for audit, not ingest
    assert "column 'version': unknown column" in capsys.readouterr().err


def test_derived_tables_keep_every_column(small: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert run(["ledger", "export", "valuations", "--db", str(small)]) == 0
    header = capsys.readouterr().out.splitlines()[0].split(",")
    assert header[:4] == ["holding_id", "date", "method", "version"]
    assert header[-3:] == ["params", "recorded_at", "batch_id"]


@pytest.fixture(scope="module")
def sample_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("roundtrip") / "ledger.duckdb"
    for args in (["ledger", "init"], ["marketdata", "load"], ["sample"]):
        assert run([*args, "--db", str(db), "--json"]) == 0
    return db


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
@pytest.mark.parametrize("kind", KINDS)
def test_sample_book_round_trip(
    sample_ledger: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    kind: str,
    suffix: str,
) -> None:
    path = tmp_path / f"{kind}{suffix}"
    assert run(["ledger", "export", kind, "--db", str(sample_ledger), "--out", str(path)]) == 0
    frame = pd.read_parquet(path) if suffix == ".parquet" else pd.read_csv(path)
    if kind == "prices":  # the Fama-French factors are returns: some months are negative
        assert (frame["level"] <= 0).any()
    _ingest_unchanged(sample_ledger, kind, path, len(frame), capsys)
