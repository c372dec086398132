"""Pacing at the edges: the vehicle outlook, the cash-flow calendar and the CLI commands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import Vehicle, sample_vehicle_path
from altsleeve.pacing import StochasticSettings, new_commitment_rows, state_frame
from altsleeve.planning import (
    SCENARIO_COLUMNS,
    _window_weights,
    cashflow_calendar,
    quarter_ends_after,
    vehicle_outlook,
)
from tests.pacing.test_pacing_planner import _scenarios


def test_outlook_of_the_sample_vehicle() -> None:
    v = Vehicle.from_toml(sample_vehicle_path())
    o = vehicle_outlook(v, pd.Timestamp("2008-06-30"), 1.2e9, 12)
    assert o.quarter_ends[0] == pd.Timestamp("2008-09-30")
    assert list(o.liquid_weights.columns) == list(SCENARIO_COLUMNS)
    np.testing.assert_allclose(o.liquid_weights.sum(axis=1), 1.0)
    assert o.private_max == 0.15
    assert o.private_target[0] == pytest.approx(0.10)


def test_window_weights_spread_quarters_evenly() -> None:
    as_of = pd.Timestamp("2010-02-14")
    ends = quarter_ends_after(as_of, 6)
    w365 = _window_weights(as_of, 365, ends)
    w90 = _window_weights(as_of, 90, ends)
    assert w365[0] == pytest.approx(1.0) and w365[:4].sum() > 3.5
    assert 0 < w90[1] < 1 and w90[2:].sum() == 0
    assert _window_weights(as_of, 30, ends)[0] == pytest.approx(30 / 45)


def test_cashflow_calendar_ranges_grow_with_the_window() -> None:
    rows = new_commitment_rows({"buyout": 50e6, "private_credit": 20e6}, 0)
    rows[0].update(paid_in=10e6, nav=11e6, age_quarters=4)
    settings = StochasticSettings(n_paths=100, seed=1)
    cal = cashflow_calendar(
        state_frame(rows), _scenarios(100, 6, sd=0.05), settings, pd.Timestamp("2010-03-31")
    )
    calls = cal.sleeve[cal.sleeve["kind"] == "call"].set_index("days")
    assert calls.loc[30, "mean"] < calls.loc[90, "mean"] < calls.loc[365, "mean"]
    assert (calls["q05"] <= calls["q50"]).all() and (calls["q50"] <= calls["q95"]).all()
    net = cal.sleeve[cal.sleeve["kind"] == "net"].set_index("days")
    dist = cal.sleeve[cal.sleeve["kind"] == "distribution"].set_index("days")
    np.testing.assert_allclose(net["mean"], dist["mean"] - calls["mean"])
    assert set(cal.holdings["holding_id"]) == {r["holding_id"] for r in rows}


@pytest.fixture(scope="module")
def sample_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("pacing") / "ledger.duckdb"
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert run(["sample", "--db", str(db)]) == 0
    return db


def test_cli_calls_and_plan(
    sample_ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(sample_ledger)
    capsys.readouterr()
    assert run(["calls", "--db", db, "--as-of", "2008-06-30", "--paths", "50", "--json"]) == 0
    cal = json.loads(capsys.readouterr().out)
    assert {r["days"] for r in cal["sleeve"]} == {30, 90, 365}
    args = [
        "pacing",
        "plan",
        "--db",
        db,
        "--as-of",
        "2008-06-30",
        "--paths",
        "50",
        "--years",
        "3",
        "--net-assets",
        "1.5e9",
        "--net-flow",
        "0.03",
    ]
    assert run([*args, "--out", str(tmp_path)]) == 0
    assert "Recommended commitments" in capsys.readouterr().out
    plan = json.loads((tmp_path / "pacing-plan-2008-06-30.json").read_text())
    assert len(plan["yearly"]) == 3 and (tmp_path / "pacing-plan-2008-06-30.png").exists()
    assert len(plan["commitments"]) == 3 * 5
    assert run(["pacing", "plan", "--db", db, "--as-of", "2008-06-30"]) == 2
    assert "no strike" in capsys.readouterr().err
    assert run([*args, "--mix", "buyout=0.5,private_credit=0.2"]) == 2
    assert run([*args, "--format", "gif"]) == 2
