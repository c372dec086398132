"""Pacing at the edges: the vehicle outlook, the cash-flow calendar and the CLI commands."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.pacing import StochasticSettings, new_commitment_rows, state_frame
from altsleeve.pacing._outlook import (
    SCENARIO_COLUMNS,
    _window_weights,
    cashflow_calendar,
    noticed_flows,
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


def test_noticed_flows_are_known_before_their_date() -> None:
    cf = pd.DataFrame(
        {
            "holding_id": ["A", "A", "B", "B", "C"],
            "date": pd.to_datetime(
                ["2010-01-15", "2010-03-31", "2010-01-15", "2010-02-01", "2010-01-20"]
            ),
            "kind": ["call", "call", "distribution", "fee", "call"],
            "amount": [5.0, 7.0, 3.0, 1.0, 2.0],
            "known_on": pd.to_datetime(
                ["2010-01-04", "2010-03-31", "2010-01-02", "2010-01-02", "2010-01-05"]
            ),
        }
    )
    n = noticed_flows(cf, "2010-01-04")
    # A's call noticed on 01-04 for 01-15 and B's distribution; not A's 03-31 call (known on its
    # date), not a fee, not C's call (noticed after the day)
    assert list(zip(n["holding_id"], n["kind"], n["amount"], strict=True)) == [
        ("A", "call", 5.0),
        ("B", "distribution", 3.0),
    ]
    # on its date A's call is paid, no longer a notice; C's (noticed 01-05 for 01-20) now is
    assert list(noticed_flows(cf, "2010-01-15")["holding_id"]) == ["C"]


def test_cashflow_calendar_counts_a_noticed_call_once_as_certain() -> None:
    """Issue 16 item 5: a call noticed on 01-04 for 01-15 is a certain outflow on its date."""
    rows = new_commitment_rows({"buyout": 50e6, "private_credit": 20e6}, 0)
    rows[0].update(paid_in=10e6, nav=11e6, age_quarters=4)
    state = state_frame(rows)
    settings = StochasticSettings(n_paths=200, seed=1)
    scen = _scenarios(200, 6, sd=0.05)
    day = pd.Timestamp("2010-01-04")
    hid = rows[0]["holding_id"]
    plain = cashflow_calendar(state, scen, settings, day)
    notice = pd.DataFrame(
        {
            "holding_id": [hid, "OUTSIDE"],
            "date": pd.to_datetime(["2010-01-15", "2010-02-20"]),
            "kind": ["call", "call"],
            "amount": [8e6, 1e6],
            "known_on": pd.to_datetime(["2010-01-04", "2010-01-03"]),
        }
    )
    cal = cashflow_calendar(state, scen, settings, day, noticed=notice)
    sl = cal.sleeve.set_index(["days", "kind"])
    base = plain.sleeve.set_index(["days", "kind"])
    # the notice is certain in every window holding its date: 8m in 30 days, 9m from 90 days
    for days, amount in ((30, 8e6), (90, 9e6), (365, 9e6)):
        r = sl.loc[(days, "noticed_call")]
        assert r["mean"] == r["q05"] == r["q95"] == pytest.approx(amount)
        # calls, all = notices + the model's calls beyond them (floored at zero per holding)
        for q in ("mean", "q05", "q50", "q95"):
            assert sl.loc[(days, "call"), q] == pytest.approx(
                amount + sl.loc[(days, "model_call"), q]
            )
            # never double counted, never below the notice or the projection
            assert sl.loc[(days, "call"), q] >= max(amount, base.loc[(days, "call"), q]) - 1e-6
            assert sl.loc[(days, "call"), q] <= amount + base.loc[(days, "call"), q] + 1e-6
        assert sl.loc[(days, "net"), "mean"] == pytest.approx(
            sl.loc[(days, "distribution"), "mean"] - sl.loc[(days, "call"), "mean"]
        )
    # the holding's 30-day projection is below 8m on every path: its calls are the notice alone
    h = cal.holdings.set_index(["holding_id", "days", "kind"])
    assert h.loc[(hid, 30, "call"), "q95"] == pytest.approx(8e6)
    assert h.loc[(hid, 30, "call"), "noticed"] == pytest.approx(8e6)
    assert h.loc[("OUTSIDE", 90, "call"), "mean"] == pytest.approx(1e6)
    assert list(cal.noticed["holding_id"]) == [hid, "OUTSIDE"]
    # without notices the figures are the projection's, unchanged
    assert (base.loc[(slice(None), "noticed_call"), "mean"] == 0.0).all()
    for days in (30, 90, 365):
        assert base.loc[(days, "model_call"), "q95"] == base.loc[(days, "call"), "q95"]


def test_cli_calls_shows_a_noticed_call(
    sample_ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "noticed.duckdb"
    shutil.copy(sample_ledger, db)
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "holding_id,date,kind,amount,known_on\nBO-05,2008-07-10,call,5000000,2008-06-20\n"
    )
    assert run(["ingest", "cashflows", str(notice), "--db", str(db)]) == 0
    capsys.readouterr()
    base = ["calls", "--db", str(db), "--as-of", "2008-06-30", "--paths", "50"]
    assert run([*base, "--json"]) == 0
    cal = json.loads(capsys.readouterr().out)
    sl = {(r["days"], r["kind"]): r for r in cal["sleeve"]}
    for days in (30, 90, 365):
        assert sl[(days, "noticed_call")]["q05"] == pytest.approx(5e6)
        assert sl[(days, "call")]["q05"] >= 5e6
    assert cal["noticed"] == [
        {
            "holding_id": "BO-05",
            "date": "2008-07-10",
            "kind": "call",
            "amount": 5e6,
            "known_on": "2008-06-20",
        }
    ]
    bo5 = [r for r in cal["holdings"] if r["holding_id"] == "BO-05" and r["kind"] == "call"]
    assert all(r["noticed"] == pytest.approx(5e6) and r["q05"] >= 5e6 for r in bo5)
    assert run(base) == 0
    text = capsys.readouterr().out
    assert "noticed (certain)" in text and "BO-05" in text and "2008-07-10" in text
    # the day before the notice is known, nothing is noticed
    assert run(["calls", "--db", str(db), "--as-of", "2008-06-19", "--paths", "50", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["noticed"] == []
