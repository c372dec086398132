"""Monte Carlo liquidity stress: a hand-checked path, chunk and Dask invariance, point in time."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.common.scaleout import dask_client
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.liquidity import (
    Design,
    FlowModel,
    MonteCarloInputs,
    MonteCarloResult,
    MonteCarloSettings,
    run_montecarlo,
    simulate_paths,
)
from altsleeve.pacing import state_frame
from altsleeve.workflows.fund import strike_range
from altsleeve.workflows.samplebook import build_sample_book
from altsleeve.workflows.stress_montecarlo import (
    montecarlo_inputs,
    stress_montecarlo,
)
from tests.pacing.test_pacing_stochastic import history, perpetual, row

# --------------------------------------------------------------------------------------------
# A hand-made vehicle and one deterministic path
# --------------------------------------------------------------------------------------------

HAND_VEHICLE: dict[str, Any] = {
    "vehicle": {"id": "HAND", "inception": dt.date(2000, 1, 3), "initial_assets": 1.0e9},
    "sleeves": [
        {"id": "equity", "kind": "liquid", "series": "EQ_D", "asset_type": "equity"},
        {"id": "bonds", "kind": "liquid", "series": "BOND_D", "asset_type": "bond"},
        {"id": "cash", "kind": "cash", "series": "CASH_D"},
        {"id": "private", "kind": "private"},
    ],
    "glide_path": [
        {
            "date": dt.date(2000, 1, 3),
            "weights": {"equity": 0.6, "bonds": 0.3, "cash": 0.04, "private": 0.06},
        }
    ],
    "private": {"max": 0.07},
    "fees": [{"name": "all", "bp_per_year": 40.0}],
    "cash": {"floor": 0.01},
}
SLEEVES = {"equity": "EQ", "bonds": "BOND", "cash": "CASH"}
R4 = 1.0 - 0.9**4  # an annual rate whose quarterly rate 1 - (1 - r)^(1/4) is 10 %


def flat_history(equity: float = -0.12) -> pd.DataFrame:
    """Eight identical quarters: every bootstrap path repeats them, with zero variance."""
    index = pd.date_range("2000-03-31", periods=8, freq="QE")
    return pd.DataFrame({"EQ": equity, "BOND": 0.02, "CASH": 0.01}, index=index)


def hand_inputs(redemption_rate: float) -> MonteCarloInputs:
    fund = row(
        "F1",
        commitment=100.0,
        paid_in=50.0,
        nav=60.0,
        age_quarters=4,  # t = 1.25 years in quarter 1: (t / L)^B = 0.0156 < Y, the floor binds
        rate_of_contribution=(R4,),
        life=10.0,
        bow=2.0,
        growth=1.02**4 - 1.0,  # 2 % a quarter
        yield_=R4,
        idio_vol=0.0,
        proxy="EQ",
    )
    return MonteCarloInputs(
        design=Design(Vehicle.from_mapping(HAND_VEHICLE)),
        as_of=pd.Timestamp("2009-12-31"),
        net_assets=1000.0,
        state=state_frame([fund]),
        returns=flat_history(),
        sleeve_series=SLEEVES,
        equity_series="EQ",
        flows=FlowModel(
            contribution_rate=0.08, redemption_rate=redemption_rate, withdrawal_rate=0.0
        ),
    )


HAND_SETTINGS = MonteCarloSettings(
    n_paths=1, years=1, block_paths=1, call_rate_sd=0.0, distribution_rate_sd=0.0, seed=3
)


def test_noticed_calls_are_certain_in_their_quarter() -> None:
    """Issue 16 item 5: a noticed call is a certain outflow of its quarter, counted once."""
    plain = simulate_paths(hand_inputs(redemption_rate=0.16), HAND_SETTINGS)
    notices = pd.DataFrame(
        {
            "holding_id": ["F1", "F1", "X9"],
            # F1: 8 in quarter 1 (the projection calls 5), 1 in quarter 2; X9 (not projected)
            "date": pd.to_datetime(["2010-02-15", "2010-05-10", "2010-06-30"]),
            "amount": [8.0, 1.0, 2.0],
        }
    )
    inputs = MonteCarloInputs(**{**hand_inputs(redemption_rate=0.16).__dict__})
    d = simulate_paths(
        MonteCarloInputs(**{**inputs.__dict__, "noticed_calls": notices}), HAND_SETTINGS
    )
    c0, c1 = plain.arrays["calls"][0], d.arrays["calls"][0]
    # quarter 1: max(projection 5, notice 8) = 8, the extra 3 stays in the NAV
    assert c0[0] == pytest.approx(5.0) and c1[0] == pytest.approx(8.0)
    assert d.arrays["private"][0, 0] == pytest.approx(plain.arrays["private"][0, 0] + 3.0)
    # quarter 2: F1's notice of 1 is below its projected call (kept); X9's 2 is paid as it is
    assert c1[1] == pytest.approx(max(c0[1], 1.0) + 2.0)
    assert c1[2:] == pytest.approx(c0[2:])
    assert d.arrays["net_outflow"][0, 0] == pytest.approx(plain.arrays["net_outflow"][0, 0] + 3.0)
    # no notice: bit for bit the same figures
    none = MonteCarloInputs(**{**inputs.__dict__, "noticed_calls": notices.iloc[:0]})
    same = simulate_paths(none, HAND_SETTINGS)
    for k, v in plain.arrays.items():
        assert np.array_equal(v, same.arrays[k]), k


def test_one_path_by_hand() -> None:
    d = simulate_paths(hand_inputs(redemption_rate=0.16), HAND_SETTINGS)
    # Start: NA 1000, private 60; the other 940 at 0.6 / 0.3 / 0.04 of 0.94 -> 600 / 300 / 40.
    assert d.start["equity"] == pytest.approx(600.0)
    assert d.start["bonds"] == pytest.approx(300.0)
    assert d.start["cash"] == pytest.approx(40.0)
    assert d.quarter_ends[0] == pd.Timestamp("2010-03-31")
    a = {k: v[0, 0] for k, v in d.arrays.items()}  # path 0, quarter 1
    # Private (Takahashi-Alexander, no noise, x = m): NAV (1 + g) = 60 x 1.02 = 61.2;
    # call = 10 % x (100 - 50) = 5; distribution = 10 % x 61.2 = 6.12; NAV = 61.2 + 5 - 6.12.
    assert a["calls"] == pytest.approx(5.0, rel=1e-12)
    assert a["distributions"] == pytest.approx(6.12, rel=1e-12)
    assert a["private"] == pytest.approx(60.08, rel=1e-12)
    # Markets: equity 600 x 0.88 = 528, bonds 300 x 1.02 = 306, cash 40 x 1.01 = 40.4.
    assert a["cash_available"] == pytest.approx(40.4)
    assert a["liquid_available"] == pytest.approx(528.0 + 306.0 + 40.4)
    # Flows on NA = 1000: purchases 8 % / 4 = 20; the quarter's equity return -12 % < -10 % is a
    # stress quarter: redemptions 16 % / 4 x 1000 x 3 = 120; fees 40 bp / 4 = 1; no withdrawal.
    assert a["stress"]
    assert a["purchases"] == pytest.approx(20.0)
    assert a["redemptions"] == pytest.approx(120.0)
    assert a["fees"] == pytest.approx(1.0)
    assert a["withdrawals"] == 0.0
    # Net outflow 5 + 120 + 0 + 1 - 6.12 - 20 = 99.88 > cash 40.4: the buffer is exhausted,
    # but cash plus liquid sleeves (874.4) pay it: no shortfall.
    assert a["net_outflow"] == pytest.approx(99.88)
    assert a["buffer_exhausted"] and not a["shortfall"]
    # End: liquid and cash 874.4 - 99.88 = 774.52; NA = 774.52 + 60.08 = 834.60;
    # private share 60.08 / 834.60 = 7.199 % > the 7 % cap: a breach.
    assert a["net_assets"] == pytest.approx(834.60)
    assert a["private_share"] == pytest.approx(60.08 / 834.60)
    assert a["cap_breach"]
    # Rebalanced: cash = 774.52 x 0.04 / 0.94 = 32.958 (above its 1 % floor).
    assert a["cash"] == pytest.approx(774.52 * 0.04 / 0.94)

    res = run_montecarlo(hand_inputs(redemption_rate=0.16), HAND_SETTINGS)
    (h,) = res.summary["horizons"]
    assert (h["years"], h["quarters"]) == (1, 4)
    assert h["shortfall"]["paths"] == 0
    assert h["buffer_exhausted"]["paths"] == 1 and h["cap_breach"]["probability"] == 1.0
    assert res.outcomes["first_cap_breach"][0] == 1
    assert res.outcomes["worst_outflow_share"][0, 0] >= 99.88 / 1000.0 - 1e-12


def test_a_shortfall_sells_a_private_strip_at_a_discount() -> None:
    d = simulate_paths(hand_inputs(redemption_rate=1.2), HAND_SETTINGS)
    a = {k: v[0] for k, v in d.arrays.items()}
    # Redemptions 120 % / 4 x 1000 x 3 = 900: outflow 5 + 900 + 1 - 6.12 - 20 = 879.88 exceeds
    # cash and liquid sleeves (874.4) by 5.48. A strip f of the private book is sold at 30 % off:
    # f = 5.48 / (0.7 x 60.08) = 0.130303; NAV sold f x 60.08 = 7.828571.
    f = 5.48 / (0.7 * 60.08)
    assert a["shortfall"][0] and a["unpaid"][0] == 0.0
    assert a["secondary_sold"][0] == pytest.approx(f * 60.08)
    assert a["private"][0] == pytest.approx(60.08 * (1.0 - f))
    assert a["net_assets"][0] == pytest.approx(60.08 * (1.0 - f))  # nothing liquid is left
    # The strip's future flows went with it: quarter 2's call is (1 - f) x 10 % x (100 - 55).
    assert a["calls"][1] == pytest.approx((1.0 - f) * 4.5)


# --------------------------------------------------------------------------------------------
# Invariance: paths keyed by number, whatever the chunking or the cluster
# --------------------------------------------------------------------------------------------


def book_inputs() -> MonteCarloInputs:
    vehicle = Vehicle.from_mapping(HAND_VEHICLE)
    vehicle = vehicle.model_copy(
        update={"private": vehicle.private.model_copy(update={"max": 0.1})}
    )
    state = state_frame(
        [
            row("B0", commitment=30.0),
            row("V1", "venture", age_quarters=12, paid_in=20.0, nav=25.0, commitment=30.0),
            perpetual("E2", paid_in=20.0, nav=22.0),
        ]
    )
    return MonteCarloInputs(
        design=Design(vehicle, buffer=0.02),
        as_of=pd.Timestamp("2014-11-14"),
        net_assets=900.0,
        state=state,
        returns=history(),
        sleeve_series={"equity": "EQ", "bonds": "BOND", "cash": "BOND"},
        equity_series="EQ",
        flows=FlowModel(withdrawal_rate=2.0),
    )


SETTINGS = MonteCarloSettings(n_paths=40, years=3, block_paths=8, seed=11)


def assert_same(a: MonteCarloResult, b: MonteCarloResult) -> None:
    assert a.summary == b.summary
    assert a.outcomes.keys() == b.outcomes.keys()
    for k in a.outcomes:
        assert a.outcomes[k].dtype == b.outcomes[k].dtype
        assert np.array_equal(a.outcomes[k], b.outcomes[k]), k


def test_chunking_and_path_count_change_nothing() -> None:
    inputs = book_inputs()
    whole = run_montecarlo(inputs, SETTINGS, chunk_paths=40)
    for chunk in (7, 16, 13):
        assert_same(whole, run_montecarlo(inputs, SETTINGS, chunk_paths=chunk))
    # The events happen (so the test is not vacuous) and the horizons are 1 and 3 years.
    assert [h["years"] for h in whole.summary["horizons"]] == [1, 3]
    assert 0 < whole.summary["horizons"][1]["buffer_exhausted"]["paths"] <= 40
    # Path p is the same whatever else is asked: fewer paths are a prefix, a range a slice.
    fewer = run_montecarlo(inputs, MonteCarloSettings(n_paths=25, years=3, block_paths=8, seed=11))
    for k, v in fewer.outcomes.items():
        assert np.array_equal(v, whole.outcomes[k][:25]), k
    every = simulate_paths(inputs, SETTINGS)
    some = simulate_paths(inputs, SETTINGS, range(10, 19))
    for k, v in some.arrays.items():
        assert np.array_equal(v, every.arrays[k][10:19]), k
    # Another seed gives other paths.
    other = run_montecarlo(inputs, MonteCarloSettings(n_paths=40, years=3, block_paths=8, seed=12))
    assert not np.array_equal(other.outcomes["end_net_assets"], whole.outcomes["end_net_assets"])


def test_dask_equals_in_process_bit_for_bit() -> None:
    # One worker keeps the file fast (each worker imports the package, ~3 s on two cores);
    # benchmarks/bench_stress_montecarlo.py checks 1 and 2 workers on 100,000 paths.
    inputs = book_inputs()
    local = run_montecarlo(inputs, SETTINGS, chunk_paths=40)
    seen: list[tuple[int, int]] = []
    with dask_client(n_workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        remote = run_montecarlo(
            inputs,
            SETTINGS,
            client=client,
            chunk_paths=12,
            progress=lambda done, total: seen.append((done, total)),
        )
    assert_same(local, remote)
    assert seen[-1] == (40, 40) and len(seen) == 4


def test_bad_inputs_are_named() -> None:
    inputs = book_inputs()
    with pytest.raises(ValueError, match="no return series"):
        run_montecarlo(
            MonteCarloInputs(**{**inputs.__dict__, "sleeve_series": {"equity": "EQ"}}), SETTINGS
        )
    with pytest.raises(ValueError, match="block_paths"):
        MonteCarloSettings(block_paths=0)
    with pytest.raises(ValueError, match="withdrawal shares"):
        FlowModel(withdrawal_min=0.2, withdrawal_max=0.1)


# --------------------------------------------------------------------------------------------
# On a ledger: point in time, and the command
# --------------------------------------------------------------------------------------------

AS_OF = dt.date(2000, 6, 30)


@pytest.fixture(scope="module")
def struck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book, the sample vehicle struck to the as-of date."""
    db = tmp_path_factory.mktemp("mc") / "ledger.duckdb"
    with Ledger(db, create=True) as led:
        build_sample_book(led)
        strike_range(led, Vehicle.from_toml(sample_vehicle_path()), None, AS_OF)
    return db


def test_later_knowledge_changes_nothing(struck: Path, tmp_path: Path) -> None:
    design = Design(Vehicle.from_toml(sample_vehicle_path()), buffer=0.03)
    settings = MonteCarloSettings(n_paths=60, years=2, block_paths=30, seed=5)
    with Ledger(struck, read_only=True) as led:
        before = stress_montecarlo(led, design, as_of=AS_OF, settings=settings, workers=0)
    s = before.summary
    assert s["provenance"]["strike_date"] == "2000-06-30"
    assert s["market"]["source_end"] <= "2000-06-30"
    # funds of later vintages were not committed yet in 2000
    assert "BO-09" in s["provenance"]["holdings_not_yet_committed"]
    assert "SYNTHETIC" in s["label"]
    # Later: strikes to December, restated orders after the date, a late statement.
    db = tmp_path / "later.duckdb"
    shutil.copy(struck, db)
    orders = tmp_path / "orders.csv"
    orders.write_text(
        "vehicle,date,kind,amount\nTDF2045,2000-07-03,redemption,99999999.0\n"
        "TDF2045,2000-08-01,purchase,5.0\n"
    )
    statements = tmp_path / "statements.csv"
    statements.write_text("holding_id,as_of,known_on,nav\nBO-01,2000-06-30,2000-09-29,1.0\n")
    with Ledger(db) as led:
        ingest_file(led, "orders", orders, restate=True, reason="later restatement")
        ingest_file(led, "statements", statements, restate=True, reason="late mark")
        strike_range(led, design.vehicle, None, dt.date(2000, 12, 29))
    with Ledger(db, read_only=True) as led:
        after = stress_montecarlo(led, design, as_of=AS_OF, settings=settings, workers=0)
        later = stress_montecarlo(led, design, settings=settings, workers=0)
    for res in (before, after):
        res.summary["provenance"].pop("ledger")  # the copy's file name
    assert_same(before, after)
    assert later.summary["provenance"]["strike_date"] == "2000-12-29"
    assert later.summary["start"]["net_assets"] != s["start"]["net_assets"]


def test_montecarlo_reads_the_noticed_calls(struck: Path, tmp_path: Path) -> None:
    design = Design(Vehicle.from_toml(sample_vehicle_path()))
    db = tmp_path / "noticed.duckdb"
    shutil.copy(struck, db)
    notice = tmp_path / "notice.csv"
    notice.write_text(
        "holding_id,date,kind,amount,known_on\n"
        "BO-01,2000-07-20,call,30000000,2000-06-26\n"
        "BO-01,2000-08-21,call,10000000,2000-07-05\n"  # noticed after the as-of date
    )
    with Ledger(db) as led:
        ingest_file(led, "cashflows", notice)
    with Ledger(db, read_only=True) as led:
        inputs = montecarlo_inputs(led, design, AS_OF)
    assert inputs.noticed_calls is not None
    assert list(inputs.noticed_calls["amount"]) == [30e6]
    assert inputs.provenance["noticed_calls"]["dollars"] == 30e6
    settings = MonteCarloSettings(n_paths=20, years=1, block_paths=20, seed=5)
    d = simulate_paths(inputs, settings)
    assert (d.arrays["calls"][:, 0] >= 30e6).all()  # quarter 1 (to 2000-09-30) on every path


def test_cli_montecarlo_json(struck: Path, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    args = ["stress", "montecarlo", "--db", str(struck), "--paths", "50", "--years", "1"]
    assert run([*args, "--workers", "0", "--chunk", "20", "--private-share", "0.12", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["paths"] == 50 and out["start"]["private_share"] == pytest.approx(0.12)
    assert [h["years"] for h in out["horizons"]] == [1]
    assert run([*args, "--workers", "0"]) == 0
    assert "buffer exhausted" in capsys.readouterr().out
    assert run([*args, "--workers", "-1"]) == 2
    assert "--workers" in capsys.readouterr().err
    assert run([*args, "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"]) == 2
    assert run([*args, "--as-of", "1998-12-31"]) == 2
    assert "no strike" in capsys.readouterr().err
