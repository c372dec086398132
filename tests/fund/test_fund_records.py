"""Striking against the ledger: idempotent re-strike, kill and resume, restrike and diff, CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.errors import InputError
from altsleeve.fund import (
    Vehicle,
    business_days,
)
from altsleeve.ledger import FAULT_PAUSE_ENV, Ledger, ingest_file
from altsleeve.workflows import pit
from altsleeve.workflows.fund import (
    strike_diff,
    strike_range,
)
from tests.conftest import register_test_vehicle

DAYS = pd.bdate_range("2008-01-02", "2008-08-29")  # prices on every weekday (holidays too)
SESSIONS = business_days("XNYS", "2008-01-02", "2008-08-29")  # the days struck

VEHICLE = {
    "vehicle": {"id": "V1", "inception": "2008-01-02", "initial_assets": 100_000_000.0},
    "sleeves": [
        {"id": "equity", "kind": "liquid", "series": "EQ", "asset_type": "equity", "band": 0.05},
        {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.02},
        {"id": "private", "kind": "private", "band": 0.05},
    ],
    "glide_path": [
        {"date": "2008-01-01", "weights": {"equity": 0.85, "cash": 0.05, "private": 0.10}}
    ],
    "private": {"max": 0.15},
    "fees": [{"name": "trustee", "bp_per_year": 10}],
    "rebalance": {"trigger": "both", "schedule": "monthly"},
}


def _ledger(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    rng = np.random.default_rng(5)
    eq = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(DAYS))))
    cash = 100 * np.exp(np.cumsum(np.full(len(DAYS), 0.0001)))
    prices = "series,date,level\n" + "".join(
        f"EQ,{d.date()},{a:.6f}\nCASH,{d.date()},{b:.6f}\n"
        for d, a, b in zip(DAYS, eq, cash, strict=True)
    )
    orders = "vehicle,date,kind,amount\n" + "".join(
        f"V1,{d.date()},purchase,{200_000 + 1000 * i}\nV1,{d.date()},redemption,{150_000}\n"
        for i, d in enumerate(DAYS[1:])
    )
    db = tmp_path / "f.duckdb"
    with Ledger(db, create=True) as led:
        register_test_vehicle(led, tmp_path, VEHICLE)
        ingest_file(led, "prices", write("p.csv", prices))
        ingest_file(
            led,
            "holdings",
            write(
                "h.csv",
                "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
                "P1,One,buyout,drawdown,EQ,20000000,2008\n",
            ),
        )
        ingest_file(
            led,
            "cashflows",
            write(
                "c.csv",
                "holding_id,date,kind,amount\nP1,2008-01-03,call,8000000\n"
                "P1,2008-04-15,call,2000000\nP1,2008-07-15,distribution,500000\n",
            ),
        )
        ingest_file(
            led,
            "statements",
            write(
                "s.csv",
                "holding_id,as_of,known_on,nav\nP1,2008-03-31,2008-05-15,8200000\n"
                "P1,2008-06-30,2008-08-14,10300000\n",
            ),
        )
        ingest_file(led, "orders", write("o.csv", orders))
    return db


def _content(db: Path) -> pd.DataFrame:
    with Ledger(db, read_only=True) as led:
        s = pit.strikes(led, "V1")
    return s[
        [
            "date",
            "version",
            "nav_per_unit",
            "net_assets",
            "units_outstanding",
            "components",
            "state",
        ]
    ].reset_index(drop=True)


def test_strike_then_strike_again_is_a_noop(
    tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    db = _ledger(tmp_path, write)
    v = Vehicle.from_mapping(VEHICLE)
    with Ledger(db) as led:
        first = strike_range(led, v, None, "2008-08-29")
        assert first.days == len(SESSIONS) - 1 and first.new == first.days
        again = strike_range(led, v, "2008-03-01", "2008-08-29")
        assert again.new == 0 and again.restruck == 0 and again.unchanged == again.days
        assert led.verify().ok
    rows = _content(db)
    assert (rows["version"] == 1).all()
    # the state is kept on each month's last business day only
    month_ends = set(pd.Series(SESSIONS).groupby(SESSIONS.to_period("M")).max())
    assert set(rows.loc[rows["state"] != "", "date"]) == month_ends - {SESSIONS[0]}


def test_killed_run_resumes_with_no_duplicate_or_partial_day(
    tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    db = _ledger(tmp_path, write)
    reference = tmp_path / "reference.duckdb"
    shutil.copy(db, reference)
    v = Vehicle.from_mapping(VEHICLE)
    with Ledger(reference) as led:
        strike_range(led, v, None, "2008-08-29")
    want = _content(reference)
    flag = tmp_path / "paused.flag"
    code = (
        "import json; from altsleeve.ledger import Ledger; "
        "from altsleeve.fund import Vehicle; from altsleeve.workflows.fund import strike_range; "
        f"v = Vehicle.from_mapping(json.loads({json.dumps(json.dumps(VEHICLE))})); "
        f"led = Ledger({str(db)!r}); strike_range(led, v, None, '2008-08-29', months_per_write=1)"
    )
    env = {**os.environ, FAULT_PAUSE_ENV: f"{flag}#4"}  # killed inside the 4th month's write
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 120
    while not flag.exists():
        assert proc.poll() is None, "the run ended before the fault"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _content(db)
    assert 0 < len(partial) < len(want)
    assert set(pd.DatetimeIndex(partial["date"]).to_period("M").astype(str)) == {
        "2008-01",
        "2008-02",
        "2008-03",
    }  # whole months only
    with Ledger(db) as led:
        res = strike_range(led, v, None, "2008-08-29")
        assert res.restruck == 0
        assert led.verify().ok
    pd.testing.assert_frame_equal(_content(db), want)


def test_restatement_needs_restrike_and_diff_shows_the_change(
    tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    db = _ledger(tmp_path, write)
    v = Vehicle.from_mapping(VEHICLE)
    with Ledger(db) as led:
        strike_range(led, v, None, "2008-08-29")
        # the GP corrects the Q1 mark, known on its original date (recorded later)
        ingest_file(
            led,
            "statements",
            write("fix.csv", "holding_id,as_of,known_on,nav\nP1,2008-03-31,2008-05-15,7900000\n"),
            restate=True,
            reason="typo",
        )
        with pytest.raises(InputError, match="--restrike") as refused:
            strike_range(led, v, "2008-05-15", "2008-08-29")
        assert "--restate" not in str(refused.value) and "row " not in str(refused.value)
        res = strike_range(led, v, "2008-05-15", "2008-08-29", restrike=True, reason="Q1 fix")
        assert res.restruck > 0
        untouched = pit.strikes(led, "V1")
        before = untouched[untouched["date"] < pd.Timestamp("2008-05-15")]
        assert (before["version"] == 1).all()
        diff = strike_diff(led, "V1", "2008-05-15")
    row = diff.set_index("component").loc["value_private"]
    assert row["change"] < 0  # the corrected mark is lower
    assert set(diff.columns) == {"component", "v1", "v2", "change"}


def test_cli_strike_limits_and_errors(
    tmp_path: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    db = _ledger(tmp_path, write)
    vt = write("v.toml", _toml(VEHICLE))
    assert run(["vehicle", "register", str(vt), "--db", str(db)]) == 0  # already: a no-op
    assert run(["strike", "--db", str(db), "--vehicle", str(vt), "--to", "2008-08-29"]) == 2
    assert "vehicle register" in capsys.readouterr().err  # a file is not a registered id
    assert run(["strike", "--db", str(db), "--vehicle", "V1", "--to", "2008-08-29", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["days"] == len(SESSIONS) - 1 and out["nav_per_unit"] > 0
    assert run(["limits", "--db", str(db), "--json"]) == 0  # the only vehicle is the default
    json.loads(capsys.readouterr().out)
    assert run(["strike", "diff", "--db", str(db), "--date", "2008-05-15"]) == 2  # one version
    bad = write("bad.toml", _toml(VEHICLE).replace("bp_per_year = 10", "bp_per_year = -1"))
    assert run(["vehicle", "register", str(bad), "--db", str(db), "--effective", "2008-06-02"]) == 2
    assert "key 'fees[0].bp_per_year'" in capsys.readouterr().err
    assert run(["strike", "--db", str(db), "--vehicle", "V1"]) == 2
    assert (
        run(["strike", "--db", str(db), "--vehicle", "V1", "--to", "2008-08-29", "--restrike"]) == 2
    )
    assert run(["strike", "--db", str(db), "--vehicle", "V2", "--to", "2008-08-29"]) == 2
    assert "unknown vehicle 'V2'" in capsys.readouterr().err
    assert run(["dilution", "--db", str(db), "--vehicle", "V1"]) == 2
    assert "synthetic book" in capsys.readouterr().err


def _toml(v: dict[str, object]) -> str:
    """A tiny TOML writer for this test's vehicle (tomllib reads, the stdlib cannot write)."""
    out = []
    for key in ("vehicle", "private", "rebalance"):
        out.append(f"[{key}]")
        for k, val in v[key].items():  # type: ignore[attr-defined]
            out.append(f"{k} = {_lit(val)}")
    for key in ("sleeves", "glide_path", "fees"):
        for item in v[key]:  # type: ignore[attr-defined]
            out.append(f"[[{key}]]")
            for k, val in item.items():
                out.append(f"{k} = {_lit(val)}")
    return "\n".join(out) + "\n"


def _lit(val: object) -> str:
    if isinstance(val, dict):
        return "{ " + ", ".join(f"{k} = {_lit(x)}" for k, x in val.items()) + " }"
    if isinstance(val, str):
        return val if val[:4].isdigit() and val.count("-") == 2 else json.dumps(val)
    return repr(val)
