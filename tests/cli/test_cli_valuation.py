"""CLI of the valuation: `nav backtest` from files or the ledger, `value` into the ledger."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.ledger import Ledger, ingest_file
from tests.conftest import register_series

DAYS = pd.bdate_range("2008-01-02", "2009-06-30")


def _files(write: Callable[[str, str | bytes], Path]) -> dict[str, Path]:
    level = 100 * np.exp(np.cumsum(np.r_[0.0, np.full(len(DAYS) - 1, 0.0003)]))
    prices = "series,date,level\n" + "".join(
        f"IDX,{d.date()},{lv:.4f}\n" for d, lv in zip(DAYS, level, strict=True)
    )
    truth = "holding_id,date,value\n" + "".join(
        f"H1,{d.date()},{1_000_000 * lv / 100:.2f}\n" for d, lv in zip(DAYS, level, strict=True)
    )
    return {
        "holdings": write("h.csv", "holding_id,asset_class,proxy,name\nH1,buyout,IDX,One\n"),
        "statements": write(
            "s.csv",
            "holding_id,as_of,known_on,nav\n"
            "H1,2008-03-31,2008-05-20,1010000\nH1,2008-06-30,2008-08-25,1030000\n"
            "H1,2008-09-30,2008-11-20,1050000\n",
        ),
        "cashflows": write("c.csv", "holding_id,date,kind,amount\nH1,2008-01-02,call,1000000\n"),
        "proxies": write("p.csv", prices),
        "truth": write("t.csv", truth),
    }


def test_backtest_from_files(
    write: Callable[[str, str | bytes], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _files(write)
    out = tmp_path / "bt"
    args = ["nav", "backtest", "--out", str(out), "--json"]
    for k, v in f.items():
        args += [f"--{k}", str(v)]
    assert run(args) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["methods"] == ["nowcast", "proxy", "stale"]
    est = pd.read_csv(out / "estimates.csv")
    assert list(est.columns) == ["holding_id", "date", "method", "value", "lower", "upper"]
    assert len(est) == 3 * len(DAYS)
    assert (est["lower"] <= est["value"]).all() and (est["value"] <= est["upper"]).all()
    report = json.loads((out / "report.json").read_text())
    assert set(report) == {"stale", "proxy", "nowcast"}
    assert 0 <= report["nowcast"]["coverage"] <= 1
    # no --flows and no sample book: the documented default flow series still gives a dilution
    assert report["stale"]["dilution_bp_per_year"] is not None


def test_backtest_bad_file_is_exit_2_with_location(
    write: Callable[[str, str | bytes], Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _files(write)
    f["statements"] = write(
        "bad.csv",
        "holding_id,as_of,known_on,nav\nH1,2008-03-31,2008-05-20,x\nZZ,2008-06-30,2008-08-25,1\n",
    )
    args = ["nav", "backtest", "--out", str(tmp_path / "bt")]
    for k, v in f.items():
        args += [f"--{k}", str(v)]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert "bad.csv, row 1 (line 2), column 'nav'" in err
    assert "bad.csv, row 2 (line 3), column 'holding_id': unknown holding 'ZZ'" in err
    assert not (tmp_path / "bt" / "estimates.csv").exists()


def test_backtest_needs_all_four_files(
    write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    f = _files(write)
    assert run(["nav", "backtest", "--holdings", str(f["holdings"])]) == 2
    assert "go together" in capsys.readouterr().err


def test_backtest_bad_method_and_date(capsys: pytest.CaptureFixture[str], db: Path) -> None:
    assert run(["nav", "backtest", "--db", str(db), "--method", "magic"]) == 2
    assert run(["nav", "backtest", "--db", str(db), "--from", "2008-13-01"]) == 2


def _ledger(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    f = _files(write)
    db = tmp_path / "v.duckdb"
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"IDX": "equity"})
        ingest_file(led, "prices", f["proxies"])
        ingest_file(
            led,
            "holdings",
            write(
                "hh.csv",
                "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
                "H1,One,buyout,drawdown,IDX,1000000,2008\n",
            ),
        )
        ingest_file(led, "statements", f["statements"])
        ingest_file(led, "cashflows", f["cashflows"])
    return db


def test_value_writes_versions_and_is_idempotent(
    tmp_path: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ledger(tmp_path, write)
    args = [
        "value",
        "--db",
        str(db),
        "--from",
        "2008-09-01",
        "--to",
        "2008-12-31",
        "--method",
        "stale,nowcast",
        "--json",
    ]
    assert run(args) == 0
    first = json.loads(capsys.readouterr().out)
    n_days = len(pd.bdate_range("2008-09-01", "2008-12-31"))
    assert first["written"]["stale"]["new"] == n_days
    assert run(args) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["written"]["stale"]["unchanged"] == n_days
    assert again["written"]["stale"]["batch_id"] is None
    # A correction of the Q2 mark, known on its original date (a data-entry fix recorded later),
    # changes the values of days it was known on: new versions, the old ones kept.
    fix = write("fix.csv", "holding_id,as_of,known_on,nav\nH1,2008-06-30,2008-08-25,1040000\n")
    with Ledger(db) as led:
        ingest_file(led, "statements", fix, restate=True, reason="typo")
    assert run(args) == 0
    third = json.loads(capsys.readouterr().out)
    assert third["written"]["stale"]["restated"] > 0
    with Ledger(db, read_only=True) as led:
        hist = led.history("valuations")
    stale = hist[(hist["method"] == "stale") & (hist["date"] == pd.Timestamp("2008-10-01"))]
    assert sorted(stale["version"]) == [1, 2]
    assert stale.sort_values("version")["value"].tolist() == [1030000.0, 1040000.0]
    assert run(["ledger", "verify", "--db", str(db)]) == 0


def test_value_needs_a_date(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> None:
    db = _ledger(tmp_path, write)
    assert run(["value", "--db", str(db)]) == 2
    assert run(["value", "--db", str(db), "--date", "2008-10-01", "--from", "2008-01-01"]) == 2
    assert run(["value", "--db", str(db), "--date", "2008-10-01"]) == 0
