"""Bad input: every case names file, row and column, exits 2 and leaves the ledger unchanged."""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from altsleeve.cli import run
from tests.conftest import fingerprint

S_HEAD = "holding_id,as_of,known_on,nav\n"
H_HEAD = "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
C_HEAD = "holding_id,date,kind,amount\n"
O_HEAD = "vehicle,date,kind,amount\n"
P_HEAD = "series,date,level\n"

# (id, kind, file name, content, expected fragments in the error output)
CASES: list[tuple[str, str, str, str | bytes, list[str]]] = [
    (
        "missing_column",
        "statements",
        "s.csv",
        "holding_id,as_of,known_on\nH1,2008-09-30,2008-11-30\n",
        ["s.csv", "column 'nav'", "required column is missing"],
    ),
    (
        "misspelled_column",
        "statements",
        "s.csv",
        "holding_id,as_of,known_on,navv\nH1,2008-09-30,2008-11-30,5\n",
        ["column 'navv'", "did you mean 'nav'", "column 'nav'"],
    ),
    (
        "us_date",
        "statements",
        "s.csv",
        S_HEAD + "H1,09/30/2008,2008-11-30,5\n",
        ["row 1 (line 2)", "column 'as_of'", "not an ISO date"],
    ),
    (
        "impossible_date",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-31,2008-11-30,5\n",
        ["row 1 (line 2)", "column 'as_of'", "not a valid calendar date"],
    ),
    (
        "text_amount",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-11-30,abc\n",
        ["row 1 (line 2)", "column 'nav'", "'abc' is not a number"],
    ),
    (
        "thousands_separator",
        "statements",
        "s.csv",
        S_HEAD + 'H1,2008-09-30,2008-11-30,"1,000"\n',
        ["column 'nav'", "thousands separators"],
    ),
    (
        "negative_amount",
        "cashflows",
        "c.csv",
        C_HEAD + "H1,2008-07-15,call,-500\n",
        ["row 1 (line 2)", "column 'amount'", "must be >= 0"],
    ),
    (
        "empty_value",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-11-30,\n",
        ["row 1 (line 2)", "column 'nav'", "missing value"],
    ),
    (
        "known_before_as_of",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-09-01,5\n",
        ["row 1 (line 2)", "column 'known_on'", "before as_of"],
    ),
    (
        "unknown_holding_statement",
        "statements",
        "s.csv",
        S_HEAD + "H9,2008-09-30,2008-11-30,5\n",
        ["row 1 (line 2)", "column 'holding_id'", "unknown holding 'H9'"],
    ),
    (
        "unknown_holding_cashflow",
        "cashflows",
        "c.csv",
        C_HEAD + "ZZ,2008-07-15,call,5\n",
        ["row 1 (line 2)", "column 'holding_id'", "unknown holding 'ZZ'"],
    ),
    (
        "unknown_proxy",
        "holdings",
        "h.csv",
        H_HEAD + "H3,Three,venture,drawdown,NOPE,5,2010\n",
        ["row 1 (line 2)", "column 'proxy'", "unknown proxy series 'NOPE'"],
    ),
    (
        "bad_asset_class",
        "holdings",
        "h.csv",
        H_HEAD + "H3,Three,Buyout,drawdown,IDX,5,2010\n",
        ["row 1 (line 2)", "column 'asset_class'", "did you mean 'buyout'"],
    ),
    (
        "bad_vehicle_type",
        "holdings",
        "h.csv",
        H_HEAD + "H3,Three,buyout,closed-end,IDX,5,2010\n",
        ["column 'vehicle_type'", "'closed-end' is not one of"],
    ),
    (
        "bad_cashflow_kind",
        "cashflows",
        "c.csv",
        C_HEAD + "H1,2008-07-15,dividend,5\n",
        ["row 1 (line 2)", "column 'kind'", "'dividend' is not one of call, distribution, fee"],
    ),
    (
        "bad_order_kind",
        "orders",
        "o.csv",
        O_HEAD + "TDF,2008-07-15,buy,5\n",
        ["row 1 (line 2)", "column 'kind'", "purchase, redemption"],
    ),
    (
        "bad_vintage",
        "holdings",
        "h.csv",
        H_HEAD + "H3,Three,buyout,drawdown,IDX,5,05\n",
        ["column 'vintage'", "not a four-digit year"],
    ),
    (
        "duplicate_key",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-11-30,5\nH1,2008-09-30,2008-12-01,6\n",
        ["row 2 (line 3)", "duplicate key (holding_id=H1, as_of=2008-09-30): also on row 1"],
    ),
    (
        "ragged_row",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-11-30,5,extra\n",
        ["row 1 (line 2)", "has 5 fields, the header has 4"],
    ),
    ("empty_file", "statements", "s.csv", "", ["s.csv", "file is empty"]),
    ("header_only", "statements", "s.csv", S_HEAD, ["s.csv", "no data rows"]),
    ("unsupported_type", "statements", "s.xlsx", "whatever", ["s.xlsx", "unsupported file type"]),
    (
        "not_utf8",
        "holdings",
        "h.csv",
        (H_HEAD + "H3,Caf\xe9 Fund,buyout,drawdown,IDX,5,2010\n").encode("latin-1"),
        ["h.csv", "not UTF-8"],
    ),
    (
        "nan_amount",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2008-11-30,nan\n",
        ["column 'nav'", "'nan' is not a number"],
    ),
    (
        "zero_price",
        "prices",
        "p.csv",
        P_HEAD + "IDX,2008-01-07,0\n",
        ["row 1 (line 2)", "column 'level'", "must be > 0"],
    ),
    (
        "future_known_on",
        "statements",
        "s.csv",
        S_HEAD + "H1,2008-09-30,2099-01-01,5\n",
        ["column 'known_on'", "in the future"],
    ),
    (
        "bad_currency",
        "holdings",
        "h.csv",
        "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage,currency\n"
        "H3,Three,buyout,drawdown,IDX,5,2010,usd\n",
        ["column 'currency'", "ISO 4217"],
    ),
    (
        "duplicate_header",
        "statements",
        "s.csv",
        "holding_id,as_of,known_on,nav,nav\nH1,2008-09-30,2008-11-30,5,5\n",
        ["column 'nav'", "appears twice"],
    ),
    (
        "corrupt_parquet",
        "statements",
        "s.parquet",
        b"PAR1 this is not parquet",
        ["s.parquet", "not a readable Parquet file"],
    ),
    ("bad_gzip", "statements", "s.csv.gz", b"not gzip at all", ["s.csv.gz", "not a valid gzip"]),
    (
        "unclosed_quote",
        "statements",
        "s.csv",
        S_HEAD + 'H1,2008-09-30,"2008-11-30,5\n',
        ["s.csv", "malformed CSV"],
    ),
    (
        "price_known_before_date",
        "prices",
        "p.csv",
        "series,date,level,known_on\nIDX,2008-01-07,100,2008-01-01\n",
        ["column 'known_on'", "before date"],
    ),
]


@pytest.mark.parametrize(
    ("kind", "name", "content", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_file_is_refused_with_location_and_ledger_unchanged(
    db: Path,
    write: Callable[[str, str | bytes], Path],
    capsys: pytest.CaptureFixture[str],
    kind: str,
    name: str,
    content: str | bytes,
    expected: list[str],
) -> None:
    before = fingerprint(db)
    path = write(name, content)
    rc = run(["ingest", kind, str(path), "--db", str(db)])
    captured = capsys.readouterr()
    assert rc == 2, captured.err
    for fragment in expected:
        assert fragment in captured.err, (fragment, captured.err)
    assert "Traceback" not in captured.err
    assert fingerprint(db) == before


def test_missing_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = fingerprint(db)
    rc = run(["ingest", "statements", str(tmp_path / "nope.csv"), "--db", str(db)])
    assert rc == 2
    assert "nope.csv: file not found" in capsys.readouterr().err
    assert fingerprint(db) == before


def test_all_problems_reported_not_just_first(
    db: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    body = S_HEAD + "H1,2008-09-30,2008-11-30,-1\nH9,2008-12-31,2009-02-01,5\nH1,bad,2009-01-01,x\n"
    rc = run(["ingest", "statements", str(write("s.csv", body)), "--db", str(db)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "row 1 (line 2), column 'nav'" in err
    assert "row 2 (line 3), column 'holding_id'" in err
    assert "row 3 (line 4), column 'as_of'" in err
    assert "row 3 (line 4), column 'nav'" in err


def test_problem_list_is_capped(
    db: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    body = S_HEAD + "".join(f"H1,2008-09-{d:02d},2008-11-30,-1\n" for d in range(1, 31)) * 1
    body += "".join(f"H1,2007-{m:02d}-01,2008-11-30,-1\n" for m in range(1, 13))
    body += "".join(f"H1,2006-{m:02d}-01,2008-11-30,-1\n" for m in range(1, 13))
    rc = run(["ingest", "statements", str(write("s.csv", body)), "--db", str(db)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "... and 4 more problems" in err


def test_parquet_errors_name_row_and_column(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db)
    frame = pd.DataFrame(
        {
            "holding_id": ["H1", "H1"],
            "as_of": ["2008-09-30", "2008-12-31"],
            "known_on": ["2008-11-30", "2009-02-15"],
            "nav": [5.0, -3.0],
        }
    )
    path = tmp_path / "s.parquet"
    frame.to_parquet(path)
    rc = run(["ingest", "statements", str(path), "--db", str(db)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "s.parquet, row 2, column 'nav': -3.0 must be >= 0" in err
    assert fingerprint(db) == before


def test_conflicting_restatement_refused_without_flag(
    db: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db)
    body = S_HEAD + "H2,2008-06-30,2008-08-14,9000000\nH1,2008-06-30,2008-09-30,1050000\n"
    rc = run(["ingest", "statements", str(write("s2.csv", body)), "--db", str(db)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "s2.csv, row 2 (line 3), column 'known_on'" in err
    assert "already recorded as version 1" in err
    assert "--restate" in err
    assert fingerprint(db) == before


def test_gzip_and_parquet_inputs_are_accepted(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gz = tmp_path / "c.csv.gz"
    gz.write_bytes(gzip.compress((C_HEAD + "H1,2008-07-15,call,500\n").encode()))
    assert run(["ingest", "cashflows", str(gz), "--db", str(db)]) == 0
    pq = tmp_path / "o.parquet"
    pd.DataFrame(
        {
            "vehicle": ["TDF"],
            "date": [pd.Timestamp("2008-07-15")],
            "kind": ["purchase"],
            "amount": [1000.0],
        }
    ).to_parquet(pq)
    assert run(["ingest", "orders", str(pq), "--db", str(db)]) == 0
    assert "1 new" in capsys.readouterr().out


@pytest.mark.parametrize("reason", [None, "", "   "], ids=["absent", "empty", "blank"])
@pytest.mark.parametrize("dry_run", [False, True], ids=["write", "dry-run"])
def test_restate_needs_a_reason(
    db: Path,
    write: Callable[[str, str | bytes], Path],
    capsys: pytest.CaptureFixture[str],
    reason: str | None,
    dry_run: bool,
) -> None:
    before = fingerprint(db)
    f = write("r.csv", S_HEAD + "H1,2008-06-30,2008-10-15,1050000\n")
    args = ["ingest", "statements", str(f), "--db", str(db), "--restate"]
    args += ([] if reason is None else ["--reason", reason]) + (["--dry-run"] if dry_run else [])
    assert run(args) == 2
    err = capsys.readouterr().err
    assert "column '--reason'" in err and "--restate needs --reason" in err
    assert fingerprint(db) == before
    assert run([*args[:6], "--reason", "GP restated Q2"]) == 0
    assert "1 restated" in capsys.readouterr().out
