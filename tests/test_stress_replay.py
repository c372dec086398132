"""Stress replays on a real sample ledger: the CLI, point in time, and clear errors."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.liquidity import Design, load_scenario, run_stress
from altsleeve.workflows.stress import replay_path


@pytest.fixture(scope="module")
def struck_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("stress") / "ledger.duckdb"
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert run(["sample", "--db", str(db)]) == 0
    assert run(["strike", "--db", str(db), "--to", "2011-12-30"]) == 0
    return db


def test_cli_stress_replay_json(struck_ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["stress", "--db", str(struck_ledger), "--scenario", "euro-2011", "--buffer", "0.05"]
    assert run([*args, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    (res,) = out["results"]
    s = res["summary"]
    assert res["scenario"] == "euro-2011"
    assert s["first_day"] == "2011-04-29" and s["last_day"] == "2011-12-30"
    assert 0.0 < s["private_share_start"] <= s["private_share_peak"] < 1.0
    assert res["design"]["buffer"] == 0.05
    assert "SYNTHETIC" in out["synthetic_note"]
    # human output: the summary table and the month-by-month table
    assert run(args) == 0
    text = capsys.readouterr().out
    assert "days above the cap" in text and "2011-08" in text


def test_cli_size_buffer_json(struck_ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["stress", "size-buffer", "--db", str(struck_ledger), "--scenario", "euro-2011"]
    assert run([*args, "--private-share", "0.10", "--tolerance", "0.01", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["scenarios"] == ["euro-2011"]
    assert out["buffer"] is not None and 0.0 <= out["buffer"] <= 0.40
    assert out["private_share"] is not None
    assert len(out["trials"]) >= 2


def test_cli_bad_inputs(struck_ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(struck_ledger)
    assert run(["stress", "--db", db, "--shock", "volcano=1"]) == 2
    assert "--shock" in capsys.readouterr().err
    assert run(["stress", "--db", db, "--scenario", "nope.toml"]) == 2
    assert "nope.toml" in capsys.readouterr().err
    # the ledger is struck to 2011 only: the 2018 replay asks for a strike first
    assert run(["stress", "--db", db, "--scenario", "late-2018"]) == 2
    assert "altsleeve strike --to 2018-09-20" in capsys.readouterr().err
    assert run(["stress", "size-buffer", "--db", db, "--criteria", "cap,luck"]) == 2


def test_replay_is_point_in_time(struck_ledger: Path, tmp_path: Path) -> None:
    # Orders dated after the window (restated amounts) change nothing in the window's replay.
    db = tmp_path / "copy.duckdb"
    shutil.copy(struck_ledger, db)
    v = Vehicle.from_toml(sample_vehicle_path())
    sc = load_scenario("euro-2011")
    with Ledger(db, read_only=True) as led:
        before = run_stress(
            Design(v), replay_path(led, v, dt.date(2011, 4, 29), dt.date(2011, 12, 30)), sc
        )
    later = tmp_path / "later.csv"
    later.write_text(
        "vehicle,date,kind,amount\nTDF2045,2012-03-01,redemption,123456789.0\n"
        "TDF2045,2012-03-02,purchase,5.0\n"
    )
    with Ledger(db) as led:
        ingest_file(led, "orders", later, restate=True, reason="later restatement")
    with Ledger(db, read_only=True) as led:
        after = run_stress(
            Design(v), replay_path(led, v, dt.date(2011, 4, 29), dt.date(2011, 12, 30)), sc
        )
    pd.testing.assert_frame_equal(before.daily, after.daily)
    assert before.summary == after.summary


def test_vehicle_facts_reads_the_orders_from_the_strikes(struck_ledger: Path) -> None:
    from altsleeve.workflows.pacing import vehicle_facts

    v = Vehicle.from_toml(sample_vehicle_path())
    with Ledger(struck_ledger, read_only=True) as led:
        facts = vehicle_facts(led, v, dt.date(2011, 12, 30))
    assert facts.strike_date == pd.Timestamp("2011-12-30")
    assert facts.net_assets > 0.0
    # contributions exceed redemptions in the sample book's flow model most years
    assert -0.5 < facts.net_flow_rate < 0.5 and facts.net_flow_rate != 0.0


def test_later_vintages_are_not_commitments_yet(struck_ledger: Path) -> None:
    from altsleeve.workflows.pacing import ledger_state

    with Ledger(struck_ledger, read_only=True) as led:
        state = ledger_state(led, dt.date(2008, 6, 30))
        holdings = led.as_known_on(dt.date(2008, 6, 30), tables=("holdings",)).holdings
    later = set(holdings.loc[holdings["vintage"] > 2008, "holding_id"])
    assert later, "the sample book has funds of later vintages"
    assert later.isdisjoint(set(state["holding_id"]))
