"""Each ledger, fund, market-data and valuation command's use case: to_dict() equals its --json.

One small ledger (vehicle V1 on two 2008 price series, one private fund P1 with two marks and
daily orders), the use case called directly and the command run with ``--json``: the printed
text is exactly the use case's ``to_dict()`` through the CLI's encoder. A command that writes
runs on one copy of the ledger and its use case on another, so each sees the same state.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.cli._app import _json_text
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows import fund as fund_uc
from altsleeve.workflows import ledger as ledger_uc
from altsleeve.workflows import marketdata as marketdata_uc
from altsleeve.workflows import valuation as valuation_uc
from altsleeve.workflows import vehicles as vehicles_uc
from altsleeve.workflows.result import Result
from tests.fund.test_fund_records import _ledger

END = "2008-08-29"


@pytest.fixture(scope="module")
def struck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small ledger struck to the end of its prices, its last day struck again."""
    root = tmp_path_factory.mktemp("usecases")

    def write(name: str, content: str | bytes) -> Path:
        p = root / name
        p.write_text(content) if isinstance(content, str) else p.write_bytes(content)
        return p

    db = _ledger(root, write)
    with Ledger(db) as led:
        fund_uc.strike_vehicle(led, "V1", None, END)
        late = write("late.csv", f"vehicle,date,kind,amount\nV1,{END},purchase,1000000\n")
        # a new version of the last day's order: something for `strike diff` to compare
        ingest_file(led, "orders", late, restate=True, reason="late order")
        fund_uc.strike_vehicle(led, "V1", END, END, restrike=True, reason="late order")
    return db


def cli_json(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    rc = run([*args, "--json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    return captured.out


def same(result: Any, printed: str) -> None:
    assert isinstance(result, Result)
    assert _json_text(result.to_dict()) + "\n" == printed


def twin(db: Path, tmp_path: Path) -> tuple[Path, Path]:
    """Two copies of a ledger: one for the use case, one for the command."""
    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    shutil.copy(db, a)
    shutil.copy(db, b)
    return a, b


@pytest.mark.parametrize(
    ("args", "call"),
    [
        (["ledger", "verify"], ledger_uc.verify_ledger),
        (["ledger", "status"], ledger_uc.ledger_status),
        (["ledger", "log", "--limit", "5"], lambda led: ledger_uc.audit_log(led, 5)),
        (["vehicle", "list"], vehicles_uc.list_vehicles),
        (
            ["vehicle", "show", "--date", "2008-06-30"],
            lambda led: vehicles_uc.show_vehicle(led, None, dt.date(2008, 6, 30)),
        ),
        (["marketdata", "list"], marketdata_uc.list_series),
        (["exceptions", "list", "--status", "all"], lambda led: fund_uc.list_exceptions(led)),
        (["limits"], fund_uc.limit_breaches),
        (["strike", "diff", "--date", END], lambda led: fund_uc.diff_strike(led, None, END)),
    ],
    ids=lambda x: " ".join(x) if isinstance(x, list) else "",
)
def test_reads(
    struck: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    call: Callable[[Ledger], Any],
) -> None:
    with Ledger(struck, read_only=True) as led:
        result = call(led)
    same(result, cli_json([*args, "--db", str(struck)], capsys))


def test_limits_by_limit_follows_from_the_rows(struck: Path) -> None:
    with Ledger(struck, read_only=True) as led:
        res = fund_uc.limit_breaches(led)
    for lim in res.by_limit:
        rows = [r for r in res.rows if r["limit_name"] == lim.limit]
        assert lim.days == len(rows)
        assert lim.worst in {r["value"] for r in rows}


def test_ledger_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert ledger_uc.init_ledger(tmp_path / "a.duckdb").to_dict()["created"] is True
    same(
        ledger_uc.init_ledger(tmp_path / "a.duckdb"),
        cli_json(["ledger", "init", "--db", str(tmp_path / "a.duckdb")], capsys),
    )


def test_ingest_and_register(
    struck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / "c.csv"
    f.write_text("holding_id,date,kind,amount\nP1,2008-08-20,call,100000\n")
    s = tmp_path / "s.csv"
    s.write_text("series,description,unit,frequency,asset_type\nXYZ,test,index,daily,equity\n")
    a, b = twin(struck, tmp_path)
    with Ledger(a, read_only=True) as led:
        dry = ledger_uc.ingest(led, "cashflows", f, dry_run=True)
    same(dry, cli_json(["ingest", "cashflows", str(f), "--db", str(b), "--dry-run"], capsys))
    with Ledger(a) as led:
        done = ledger_uc.ingest(led, "cashflows", f)
        reg = marketdata_uc.register_series(led, s)
    assert done.new == 1
    same(done, cli_json(["ingest", "cashflows", str(f), "--db", str(b)], capsys))
    same(reg, cli_json(["marketdata", "register", str(s), "--db", str(b)], capsys))


def test_export_refuses_a_day_before_anything_was_known(struck: Path) -> None:
    from altsleeve.errors import InputError

    with Ledger(struck, read_only=True) as led:
        assert len(ledger_uc.export_table(led, "statements").to_dict()) == 2
        with pytest.raises(InputError, match="nothing in statements was known on 2008-01-01"):
            ledger_uc.export_table(led, "statements", known_on=dt.date(2008, 1, 1))


def test_strike(struck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = twin(struck, tmp_path)
    args = ["strike", "--from", "2008-08-01", "--to", "2008-08-15", "--restrike", "--reason", "r"]
    with Ledger(a) as led:
        res = fund_uc.strike_vehicle(
            led, "V1", "2008-08-01", "2008-08-15", restrike=True, reason="r"
        )
    assert res.last_strike == END  # the latest strike, after the days struck
    same(res, cli_json([*args, "--db", str(b)], capsys))


def test_value_and_valuation_test(
    struck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = twin(struck, tmp_path)
    with Ledger(a) as led:
        val = valuation_uc.value_holdings(led, "2008-08-25", END, ["stale", "nowcast"])
        test = valuation_uc.run_valuation_test(led, dt.date(2008, 8, 29), "Q", record=True)
    same(
        val,
        cli_json(
            [
                "value",
                "--db",
                str(b),
                "--from",
                "2008-08-25",
                "--to",
                END,
                "--method",
                "stale,nowcast",
            ],
            capsys,
        ),
    )
    same(test, cli_json(["valuation", "test", "--db", str(b), "--as-of", END, "--record"], capsys))


def test_nav_backtest(struck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Ledger(struck, read_only=True) as led:
        inputs, truth, flows = valuation_uc.ledger_backtest_inputs(led)
    res = valuation_uc.nav_backtest(
        inputs,
        ["stale", "proxy"],
        tmp_path / "bt",
        start="2008-06-02",
        end=END,
        truth=truth,
        flows=flows,
    )
    assert (tmp_path / "bt" / "estimates.csv").exists()
    same(
        res,
        cli_json(
            [
                "nav",
                "backtest",
                "--db",
                str(struck),
                "--method",
                "stale,proxy",
                "--from",
                "2008-06-02",
                "--to",
                END,
                "--out",
                str(tmp_path / "bt"),
            ],
            capsys,
        ),
    )


def test_exceptions_accept(
    struck: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = twin(struck, tmp_path)
    finding = {
        "scope": "V1",
        "date": dt.date(2008, 8, 29),
        "kind": "nav_move",
        "subject": "V1",
        "status": "open",
        "value": 0.2,
        "threshold": 0.1,
        "detail": '{"message": "m"}',
        "reason": "",
        "known_on": dt.date(2008, 8, 29),
    }
    for path in (a, b):
        with Ledger(path) as led:
            led.append("exceptions", pd.DataFrame([finding]), action="exception", source="t")
    with Ledger(a) as led:
        res = fund_uc.accept_exception(led, None, dt.date(2008, 8, 29), "nav_move", " checked ")
    assert res.to_dict()["reason"] == "checked"
    same(
        res,
        cli_json(
            [
                "exceptions",
                "accept",
                "--db",
                str(b),
                "--date",
                END,
                "--kind",
                "nav_move",
                "--reason",
                " checked ",
            ],
            capsys,
        ),
    )
