"""Every `--json` is strict JSON (RFC 8259): no NaN or Infinity tokens, whatever the figures.

One module ledger (the sample book struck to mid-2001, one day restruck) and every command that
takes --json, run with small settings; stdout is parsed by a parser that refuses NaN/Infinity.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from altsleeve.cli import run
from altsleeve.cli._app import _json_text
from tests.cli.commands import commands_with

AS_OF = "2001-06-29"

# Every command that takes --json, with small settings ({tmp}: a fresh folder per command).
JSON_ARGS: dict[str, list[str]] = {
    "ledger init": ["ledger", "init"],
    "ledger verify": ["ledger", "verify"],
    "ledger status": ["ledger", "status"],
    "ledger log": ["ledger", "log", "--limit", "3"],
    "marketdata load": ["marketdata", "load"],
    "marketdata list": ["marketdata", "list"],
    "sample": ["sample"],
    "ingest": ["ingest", "cashflows", "{call}"],
    "value": ["value", "--date", AS_OF, "--method", "stale,nowcast"],
    "nav backtest": ["nav", "backtest", "--from", "2001-01-02", "--to", AS_OF, "--out", "{tmp}"],
    "strike": ["strike", "--to", AS_OF],
    "strike diff": ["strike", "diff", "--date", "2001-06-28"],
    "limits": ["limits"],
    "dilution": ["dilution", "--to", AS_OF],
    "pacing plan": ["pacing", "plan", "--paths", "50", "--out", "{tmp}"],
    "pacing backtest": ["pacing", "backtest", "--start-year", "2018", "--paths", "20"],
    "calls": ["calls", "--paths", "50"],
    "liquidity": ["liquidity", "--paths", "50"],
    "stress": ["stress", "--scenario", "dotcom-2000-02", "--daily", "--out", "{tmp}"],
    "stress list": ["stress", "list"],
    "stress size-buffer": [
        "stress",
        "size-buffer",
        "--scenario",
        "dotcom-2000-02",
        "--tolerance",
        "0.05",
        "--max-buffer",
        "0.2",
    ],
    "stress montecarlo": [
        "stress",
        "montecarlo",
        "--paths",
        "200",
        "--years",
        "1",
        "--workers",
        "0",
        "--chunk",
        "100",
    ],
    "perf": ["perf", "--from-ledger", "--index-series", "FF_MKT_TR"],
    "fees stack": ["fees", "stack"],
    "fees breakeven": ["fees", "breakeven"],
    "outcomes": ["outcomes", "--paths", "100", "--workers", "0", "--out", "{tmp}"],
    "report": ["report", "--as-of", AS_OF, "--paths", "100", "--no-pdf", "--out", "{tmp}"],
    "vehicle list": ["vehicle", "list"],
    "vehicle show": ["vehicle", "show"],
    "exceptions list": ["exceptions", "list"],
    "valuation test": ["valuation", "test", "--as-of", AS_OF, "--out", "{tmp}", "--annual"],
    "marketdata register": ["marketdata", "register", "{series}"],
    "users list": ["users", "list"],
}

# Left out, and why.
NOT_RUN = {
    "demo": "runs the whole 1999-2018 pipeline (about 100 s); it prints through _emit_json",
    "vehicle register": "",
    "exceptions accept": "",
    "users add": "tests/ops/test_ops_ledger.py runs it (a password on stdin)",
    "users disable": "tests/ops/test_ops_ledger.py",
    "tokens issue": "tests/ops/test_ops_ledger.py",
    "tokens revoke": "tests/ops/test_ops_ledger.py",
}

CALL = "holding_id,date,kind,amount\nBO-01,2001-06-28,call,25000\n"


def _strict(text: str) -> Any:
    def refuse(token: str) -> Any:
        raise ValueError(f"non-standard JSON token {token}")

    return json.loads(text, parse_constant=refuse)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("json")
    db = root / "ledger.duckdb"
    call = root / "call.csv"
    call.write_text(CALL)
    steps = (
        ["ledger", "init"],
        ["marketdata", "load"],
        ["sample"],
        ["strike", "--to", AS_OF],
        ["ingest", "cashflows", str(call)],  # a call that changes the strikes of June 28-29
        ["strike", "--date", AS_OF, "--restrike", "--reason", "late call"],
    )
    for args in steps:
        assert run([*args, "--db", str(db)]) == 0, args
    return db


def test_every_json_command_is_run() -> None:
    assert set(JSON_ARGS) | set(NOT_RUN) == commands_with("--json")


@pytest.mark.parametrize("command", sorted(JSON_ARGS))
def test_json_output_is_strict(
    ledger: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    call = tmp_path / "call.csv"
    call.write_text(CALL)
    series = tmp_path / "series.csv"
    series.write_text("series,description,unit,frequency,asset_type\nXYZ,test,index,daily,equity\n")
    args = [a.format(tmp=tmp_path / "out", call=call, series=series) for a in JSON_ARGS[command]]
    if command in commands_with("--db"):
        args += ["--db", str(ledger)]
    capsys.readouterr()
    rc = run([*args, "--json"])
    captured = capsys.readouterr()
    assert rc == 0, captured.err
    _strict(captured.out)
    for written in (tmp_path / "out").glob("*.json") if (tmp_path / "out").exists() else ():
        _strict(written.read_text())


def test_the_encoder_writes_null_for_non_finite_floats() -> None:
    import numpy as np
    import pandas as pd

    value = {
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "rows": [{"x": -math.inf, "d": pd.Timestamp("2008-09-30")}],
    }
    assert _strict(_json_text(value)) == {
        "nan": None,
        "inf": None,
        "rows": [{"x": None, "d": "2008-09-30"}],
    }
