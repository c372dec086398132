"""The liquidity profile: tiny vehicles worked out by hand, and one small real ledger."""

from __future__ import annotations

import datetime as dt
import json
import math
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.errors import InputError
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.fund._strike import _targets
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.liquidity import (
    BUCKETS,
    COVERAGE_HORIZONS,
    Horizon,
    LiquidityAssumptions,
    liquidity_profile,
    rebalance_need,
    split_future_commitments,
    trailing_redemptions,
)
from altsleeve.workflows.fund import strike_range
from altsleeve.workflows.liquidity import profile_from_ledger
from tests.conftest import register_series, register_test_vehicle

DAY = "2024-01-03"  # a Wednesday


def _sleeves(**days_to_cash: int) -> pd.DataFrame:
    rows = [
        ("cash", "cash", 11.0, 0.05),
        ("equity", "liquid", 50.0, 0.55),
        ("bonds", "liquid", 10.0, 0.10),
        ("stable", "liquid", 10.0, 0.10),
        ("private", "private", 20.0, 0.20),
    ]
    return pd.DataFrame(
        [
            {
                "sleeve_id": i,
                "kind": k,
                "value": v,
                "target": w,
                "days_to_cash": days_to_cash.get(i),
            }
            for i, k, v, w in rows
        ]
    )


HOLDINGS = pd.DataFrame(
    {
        "holding_id": ["H1", "H2", "H3", "H4"],
        "asset_class": ["buyout", "real_estate", "private_credit", "real_estate"],
        "vehicle_type": ["drawdown", "evergreen", "interval", "tender-offer"],
        # reported NAVs sum to 10; the struck private sleeve is 20, so each value is doubled
        "nav": [4.0, 2.0, 2.0, 2.0],
        "commitment": [30.0, 0.0, 0.0, 0.0],
        "paid_in": [20.0, 2.0, 2.0, 2.0],
        "gate_per_quarter": [0.0, 0.05, 0.05, 0.05],
    }
)


def _profile(**kw: Any) -> Any:
    args: dict[str, Any] = {
        "fees_payable": 1.0,
        "private_max": 0.15,
        "highly_liquid_min": 0.10,
        "cash_floor": 0.01,
        "redemption_rate": 0.10,
        "expected_calls": {"3bd": 1.0, "7d": 2.0, "30d": 3.0},
    }
    args.update(kw)
    return liquidity_profile(DAY, _sleeves(bonds=5, stable=10), HOLDINGS, **args)


def test_buckets_and_reach_by_hand() -> None:
    p = _profile()
    # net assets = 11 + 50 + 10 + 10 + 20 - 1 (fees payable) = 100
    assert p.net_assets == pytest.approx(100.0)
    pos = p.positions.set_index("position")
    # cash: 0 days; equity: T+1 (Thu 4 Jan); both within 3 business days -> highly liquid
    assert pos.loc["cash", "bucket"] == pos.loc["equity", "bucket"] == "highly liquid"
    assert pos.loc["equity", "days_to_cash"] == 1
    # bonds: 5 business days -> Wed 10 Jan, 7 calendar days -> moderately liquid
    assert pos.loc["bonds", "bucket"] == "moderately liquid"
    assert pos.loc["bonds", "days_to_cash"] == 7
    # stable: 10 business days -> Wed 17 Jan (14 days), sold at once -> less liquid
    assert pos.loc["stable", "bucket"] == "less liquid"
    assert pos.loc["stable", "days_to_cash"] == 14
    assert (pos.loc[["H1", "H2", "H3", "H4"], "bucket"] == "illiquid").all()
    # values: twice the reported NAVs (private sleeve 20 over NAVs 10)
    assert list(pos.loc[["H1", "H2", "H3", "H4"], "value"]) == [8.0, 4.0, 4.0, 4.0]

    b = p.buckets.set_index("bucket")
    assert list(b.index) == list(BUCKETS)
    assert list(b["dollars"]) == [61.0, 10.0, 10.0, 20.0]
    np.testing.assert_allclose(b["share"], [0.61, 0.10, 0.10, 0.20])

    # reach: 3bd ends Mon 8 Jan, 7d Wed 10 Jan, 30d 2 Feb, 90d 2 Apr, 365d 2 Jan 2025
    assert pos.loc["bonds", ["reach_3bd", "reach_7d"]].tolist() == [0.0, 10.0]
    assert pos.loc["stable", ["reach_7d", "reach_30d"]].tolist() == [0.0, 10.0]
    # H1 drawdown: secondary only, 30% off, 180 days: 8 x 0.7 = 5.6 within a year, else 0
    assert pos.loc["H1", "reach_90d"] == 0.0
    assert pos.loc["H1", "reach_365d"] == pytest.approx(5.6)
    assert pos.loc["H1", "days_to_cash"] == 180
    # H2 evergreen: 90 days' notice -> first quarter end on/after 2 Apr is 30 Jun, paid 30 days
    # later (30 Jul, day 209); within a year the 30 Jun and 30 Sep windows pay (the 31 Dec one
    # pays 30 Jan 2025): 2 x 5% x 4 = 0.4; all of it after 20 windows (31 Mar 2029 + 30 days)
    assert pos.loc["H2", "days_to_cash"] == (dt.date(2024, 7, 30) - dt.date(2024, 1, 3)).days
    assert pos.loc["H2", "reach_90d"] == 0.0
    assert pos.loc["H2", "reach_365d"] == pytest.approx(0.4)
    assert pos.loc["H2", "days_to_all"] == (dt.date(2029, 4, 30) - dt.date(2024, 1, 3)).days
    # H3 interval: 21 days' notice -> 31 Mar, paid 7 Apr (day 95); within a year 7 Apr, 7 Jul,
    # 7 Oct (7 Jan 2025 is too late): 3 x 5% x 4 = 0.6
    assert pos.loc["H3", "days_to_cash"] == 95
    assert pos.loc["H3", "reach_365d"] == pytest.approx(0.6)
    # H4 tender-offer: nothing assured
    assert math.isnan(pos.loc["H4", "days_to_cash"]) and pos.loc["H4", "reach_365d"] == 0.0


def test_limits_and_unfunded_by_hand() -> None:
    p = _profile()
    lim = p.limits
    # private 20 of 100 against a 15% cap: 5 points (5 dollars) over
    assert lim["private_share"] == pytest.approx(0.20)
    assert lim["private_headroom"] == pytest.approx(-0.05)
    assert lim["private_headroom_dollars"] == pytest.approx(-5.0)
    assert lim["private_breach"] is True
    # highly liquid 61 of 100 against a 10% minimum: 51 dollars spare
    assert lim["highly_liquid_share"] == pytest.approx(0.61)
    assert lim["highly_liquid_surplus"] == pytest.approx(51.0)
    assert lim["highly_liquid_breach"] is False
    assert _profile(highly_liquid_min=0.65).limits["highly_liquid_breach"] is True
    # unfunded: H1 only, 30 - 20 = 10; 10% of net assets; 10 / 61 of highly liquid assets
    assert p.unfunded["dollars"] == pytest.approx(10.0)
    assert p.unfunded["share_of_net_assets"] == pytest.approx(0.10)
    assert p.unfunded["over_highly_liquid"] == pytest.approx(10.0 / 61.0)
    assert p.unfunded["holdings"] == 1


def test_coverage_ratio_arithmetic() -> None:
    p = _profile()
    # rebalancing: liquid + cash hold 81; less fees 1 -> 80 shared by weights 0.05/0.55/0.10/0.10
    # (sum 0.80): equity 55, bonds 10, stable 10, cash 5 (+1 payable = 6 >= floor 1).
    # Equity is 5 under, cash 5 over: a rebalance sells 5.
    assert p.rebalancing == pytest.approx(5.0)
    cov = p.coverage.set_index("horizon")
    assert list(cov.index) == ["3bd", "7d", "30d"]
    assert list(cov["calendar_days"]) == [5, 7, 30]
    # stressed redemptions = 10% a year x 3 x days / 365 x 100
    np.testing.assert_allclose(cov["redemptions"], [150 / 365, 210 / 365, 900 / 365])
    assert list(cov["plan_withdrawal"]) == [0.0, 0.0, 5.0]  # 5% x 100, 30-day horizon only
    assert list(cov["calls"]) == [1.0, 2.0, 3.0]
    assert list(cov["fees_payable"]) == [1.0, 1.0, 1.0]
    # needs: 0.41096 + 1 + 1 + 5 = 7.41096; 0.57534 + 2 + 1 + 5 = 8.57534;
    # 2.46575 + 5 + 3 + 1 + 5 = 16.46575
    needs = np.array([150 / 365 + 7, 210 / 365 + 8, 900 / 365 + 14])
    np.testing.assert_allclose(cov["needs"], needs)
    # liquid: 61 (cash + equity) by 3bd, + bonds 10 by 7d, + stable 10 by 30d
    assert list(cov["liquid"]) == [61.0, 71.0, 81.0]
    np.testing.assert_allclose(cov["ratio"], np.array([61.0, 71.0, 81.0]) / needs)
    np.testing.assert_allclose(cov["cash_ratio"], 11.0 / needs)
    np.testing.assert_allclose(cov["surplus"], np.array([61.0, 71.0, 81.0]) - needs)
    # every component is there to recompute the ratio
    parts = ["redemptions", "plan_withdrawal", "calls", "fees_payable", "rebalancing"]
    np.testing.assert_allclose(cov[parts].sum(axis=1), cov["needs"])


def test_assumptions_move_the_needs() -> None:
    a = LiquidityAssumptions(stress_multiplier=1.0, plan_withdrawal=0.0, plan_withdrawal_days=7)
    cov = _profile(assumptions=a, redemption_rate=0.365).coverage.set_index("horizon")
    # 36.5% a year x 1 x 5 days / 365 x 100 = 0.5 dollars
    assert cov.loc["3bd", "redemptions"] == pytest.approx(0.5)
    assert (cov["plan_withdrawal"] == 0.0).all()
    with pytest.raises(ValueError, match="stress_multiplier"):
        LiquidityAssumptions(stress_multiplier=-1.0)
    with pytest.raises(ValueError, match="expected_calls"):
        _profile(expected_calls={"3bd": 1.0})
    # no calls given: none counted; on target (11/61 cash, 50/61 equity), no redemptions: nothing
    # is needed within 7 days (the ratio is infinite); in 30 days the plan-level withdrawal,
    # 5% x 61 = 3.05, is covered 61 / 3.05 = 20 times
    on_target = _sleeves().assign(target=[11 / 61, 50 / 61, 0.0, 0.0, 0.0]).iloc[:2]
    p = liquidity_profile(DAY, on_target, HOLDINGS.iloc[:0])
    assert p.coverage["calls"].eq(0.0).all() and p.rebalancing == pytest.approx(0.0, abs=1e-9)
    assert np.isinf(p.coverage["ratio"].iloc[:2]).all()
    assert p.coverage["ratio"].iloc[2] == pytest.approx(20.0)
    assert p.to_dict()["coverage"][0]["ratio"] is None  # JSON has no infinity


def test_defaults_days_and_friday_horizon() -> None:
    # no days_to_cash given: cash 0, liquid T+1. From Friday 5 Jan 2024, 3 business days end
    # Wednesday 10 Jan (5 calendar days) and T+1 is Monday 8 Jan (3 calendar days)
    p = liquidity_profile("2024-01-05", _sleeves(), HOLDINGS)
    pos = p.positions.set_index("position")
    assert pos.loc["bonds", "days_to_cash"] == 3 and pos.loc["bonds", "bucket"] == "highly liquid"
    assert COVERAGE_HORIZONS[0].until("2024-01-05") == pd.Timestamp("2024-01-10")
    assert Horizon("x", "x", 5).calendar_days("2024-01-05") == 5
    # a horizon of one's own is reached position by position
    p2 = liquidity_profile(
        "2024-01-05", _sleeves(stable=10), HOLDINGS, horizons=(Horizon("20d", "20 days", 20),)
    )
    assert p2.coverage["liquid"].iloc[0] == pytest.approx(81.0)


def test_rebalance_need_matches_the_strike_engine() -> None:
    rng = np.random.default_rng(7)
    for _ in range(50):
        values = rng.uniform(0.0, 100.0, 4)
        weights = rng.dirichlet(np.ones(4))
        payable = float(rng.uniform(0.0, 2.0))
        floor = float(rng.choice([0.0, 0.01, 0.2]))
        frame = pd.DataFrame(
            {
                "kind": ["liquid", "liquid", "cash", "private"],
                "value": values,
                "target": weights,
            }
        )
        total = float(values[:3].sum())
        net = total + values[3] - payable
        tgt = _targets(total, payable, floor * net, list(weights[:3]), (0, 1), 2)
        expected = 0.5 * np.abs(values[:3] - np.array(tgt)).sum()
        got = rebalance_need(frame, fees_payable=payable, cash_floor=floor)
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)


def test_trailing_redemptions_point_in_time() -> None:
    day = pd.Timestamp("2024-01-03")
    strikes = pd.DataFrame(
        {"date": pd.bdate_range("2022-06-01", "2024-03-01"), "net_assets": 100.0}
    )
    orders = pd.DataFrame(
        {
            "date": pd.to_datetime(
                ["2023-01-03", "2023-06-01", "2024-01-03", "2023-12-01", "2024-01-04", "2023-07-03"]
            ),
            "kind": ["redemption"] * 5 + ["purchase"],
            "amount": [5.0, 1.0, 2.0, 7.0, 9.0, 50.0],
            "known_on": pd.to_datetime(
                ["2023-01-03", "2023-06-01", "2024-01-03", "2024-02-01", "2024-01-04", "2023-07-03"]
            ),
        }
    )
    r = trailing_redemptions(orders, strikes, day)
    # the window is (3 Jan 2023, 3 Jan 2024]: 1 + 2; the 3 Jan 2023 order is outside, the 1 Dec
    # one was learnt in February, the 4 Jan one is later, the purchase is not a redemption
    assert (r.redemptions, r.orders, r.covered_days) == (3.0, 2, 365)
    assert r.rate == pytest.approx(0.03)
    # later data change nothing
    more = pd.concat(
        [
            orders,
            pd.DataFrame(
                {
                    "date": pd.to_datetime(["2024-02-01"]),
                    "kind": ["redemption"],
                    "amount": [100.0],
                    "known_on": pd.to_datetime(["2024-02-01"]),
                }
            ),
        ]
    )
    later_strikes = strikes.assign(
        net_assets=np.where(strikes["date"] > day, 1e6, strikes["net_assets"])
    )
    assert trailing_redemptions(more, later_strikes, day) == r
    # a vehicle struck from 5 Oct 2023 covers 91 days and the June order predates it:
    # 2 / 100 x 365 / 91 a year
    young = strikes[strikes["date"] >= "2023-10-05"]
    assert trailing_redemptions(orders, young, day).rate == pytest.approx(0.02 * 365 / 91)


def test_future_vintages_are_not_yet_commitments() -> None:
    state = pd.DataFrame(
        {
            "holding_id": ["A", "B", "C", "D"],
            "paid_in": [0.0, 0.0, 5.0, 0.0],
            "nav": [0.0, 0.0, 5.0, 0.0],
            "commitment": [10.0, 20.0, 30.0, 40.0],
        }
    )
    # A: vintage 2008 (this year): counted; B: 2009, nothing paid: left out; C: 2009 but
    # already called: counted; D: no vintage recorded: counted
    kept, later = split_future_commitments(
        state, {"A": 2008, "B": 2009, "C": 2009, "D": None}, "2008-12-31"
    )
    assert list(kept["holding_id"]) == ["A", "C", "D"] and list(later["holding_id"]) == ["B"]


def test_vehicle_file_liquidity_keys() -> None:
    v = Vehicle.from_toml(sample_vehicle_path())
    assert v.liquidity.highly_liquid_min == pytest.approx(0.10)
    data = json.loads(v.model_dump_json())
    data["sleeves"][0]["days_to_cash"] = 2
    data["liquidity"] = {"highly_liquid_min": 0.25}
    v2 = Vehicle.from_mapping(data)
    assert v2.sleeves[0].days_to_cash == 2 and v2.liquidity.highly_liquid_min == 0.25
    bad = json.loads(v.model_dump_json())
    bad["sleeves"][3]["days_to_cash"] = 5  # the private sleeve
    with pytest.raises(InputError, match="days to cash"):
        Vehicle.from_mapping(bad)


# -- a small real ledger ---------------------------------------------------------------------

D = "2008-02-29"  # a Friday
VEHICLE_TOML = """
[vehicle]
id = "T"
inception = 2008-01-02
initial_assets = 1.0e8

[[sleeves]]
id = "equity"
kind = "liquid"
series = "EQ"
asset_type = "equity"
days_to_cash = 2

[[sleeves]]
id = "cash"
kind = "cash"
series = "CASH"

[[sleeves]]
id = "private"
kind = "private"

[[glide_path]]
date = 2008-01-02
weights = { equity = 0.85, cash = 0.05, private = 0.10 }

[private]
default_valuation = "stale"

[liquidity]
highly_liquid_min = 0.2
"""


def _monthly_csv() -> str:
    months = pd.date_range("1998-01-31", "2008-06-30", freq="ME")
    k = np.arange(len(months))
    lines = ["series,date,level"]
    for j, sid in enumerate(("FF_MKT_TR", "BOND_AAA_TR", "BOND_BAA_TR", "CASH_TBILL")):
        r = 0.004 + (0.04 / (j + 1)) * np.sin(k * (1.3 + j))
        level = 100.0 * np.exp(np.cumsum(r))
        lines += [f"{sid},{d.date()},{x:.6f}" for d, x in zip(months, level, strict=True)]
    return "\n".join(lines) + "\n"


def _daily_csv() -> str:
    days = pd.bdate_range("2008-01-02", "2008-03-31")
    lines = ["series,date,level"]
    for i, d in enumerate(days):
        lines.append(f"EQ,{d.date()},{100 * (1 + 0.01 * math.sin(i)):.6f}")
        lines.append(f"CASH,{d.date()},{100 * (1 + 0.0001 * i):.6f}")
    return "\n".join(lines) + "\n"


HOLDINGS_CSV = (
    "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
    "H1,Fund One,buyout,drawdown,EQ,20000000,2007\n"
    "H2,Fund Two,real_estate,evergreen,EQ,6000000,2007\n"
    "H3,Fund Three,buyout,drawdown,EQ,15000000,2009\n"
)
CASHFLOWS_CSV = (
    "holding_id,date,kind,amount\n"
    "H2,2008-01-03,call,6000000\n"
    "H1,2008-01-15,call,4000000\n"
    "H1,2008-02-15,call,2000000\n"
)
STATEMENTS_CSV = "holding_id,as_of,known_on,nav\nH1,2008-01-31,2008-02-20,4100000\n"


def _orders_csv(start: str, end: str) -> str:
    lines = ["vehicle,date,kind,amount"]
    for i, d in enumerate(pd.bdate_range(start, end)):
        lines.append(f"T,{d.date()},redemption,{50000 + 1000 * (i % 7)}")
        if d.weekday() == 4:
            lines.append(f"T,{d.date()},purchase,250000")
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def small_ledger(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("liq")
    files = {
        "prices": _monthly_csv(),
        "holdings": HOLDINGS_CSV,
        "cashflows": CASHFLOWS_CSV,
        "statements": STATEMENTS_CSV,
        "orders": _orders_csv("2008-01-03", D),
    }
    db = root / "ledger.duckdb"
    vpath = root / "t.toml"
    vpath.write_text(VEHICLE_TOML)
    with Ledger(db, create=True) as led:
        register_series(
            led,
            root,
            {
                "FF_MKT_TR": "equity",
                "BOND_AAA_TR": "bond",
                "BOND_BAA_TR": "bond",
                "CASH_TBILL": "cash",
            },
            name="monthly-series.csv",
            frequency="monthly",
        )
        register_test_vehicle(led, root, Vehicle.from_toml(vpath))
        daily = root / "daily.csv"
        daily.write_text(_daily_csv())
        ingest_file(led, "prices", daily)
        for kind, text in files.items():
            f = root / f"{kind}.csv"
            f.write_text(text)
            ingest_file(led, kind, f)
        strike_range(led, Vehicle.from_toml(vpath), None, D)
    return db, vpath


def test_profile_on_a_small_ledger(
    small_ledger: tuple[Path, Path], tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    db, vpath = small_ledger
    v = Vehicle.from_toml(vpath)
    with Ledger(db, read_only=True) as led:
        p = profile_from_ledger(led, v, D, paths=50)
        strikes = led.as_known_on("2100-12-31", tables=("strikes",)).strikes
    comp = json.loads(strikes.loc[strikes["date"] == pd.Timestamp(D), "components"].iloc[0])
    assert p.net_assets == pytest.approx(comp["net_assets"])
    pos = p.positions.set_index("position")
    assert pos.loc[["H1", "H2"], "value"].sum() == pytest.approx(comp["value_private"])
    assert "H3" not in pos.index  # a 2009 vintage is not a commitment in 2008
    assert p.sources["later_vintages_left_out"]["holdings"] == ["H3"]
    assert p.unfunded["dollars"] == pytest.approx(14e6)  # H1: 20m - 6m called
    assert p.limits["highly_liquid_min"] == pytest.approx(0.2)  # from the vehicle file
    assert pos.loc["equity", "days_to_cash"] == 4  # 2 business days from a Friday
    # redemption rate: the orders over the mean net assets struck, 58 days covered (3 Jan-29 Feb)
    o = pd.read_csv(db.parent / "orders.csv")
    red = o.loc[o["kind"] == "redemption", "amount"].sum()
    mean_na = strikes["net_assets"].mean()
    assert p.redemption_rate == pytest.approx(red / mean_na * 365 / 58)
    calls = p.coverage.set_index("horizon")["calls"]
    assert 0.0 < calls["3bd"] <= calls["7d"] <= calls["30d"]

    # a day not struck is refused, naming the ledger and the command to run
    with Ledger(db, read_only=True) as led, pytest.raises(InputError) as ei:
        profile_from_ledger(led, v, "2008-03-31", paths=50)
    assert str(db) in str(ei.value) and "altsleeve strike --to 2008-03-31" in str(ei.value)

    # point in time: later facts, and later strikes, leave the profile on D unchanged
    copy = tmp_path / "later.duckdb"
    shutil.copy(db, copy)
    with Ledger(copy) as led:
        later = {
            "cashflows": "holding_id,date,kind,amount\nH1,2008-03-14,call,3000000\n"
            "H2,2008-03-20,distribution,100000\n",
            "statements": "holding_id,as_of,known_on,nav\nH1,2008-02-29,2008-03-25,6500000\n",
            "orders": _orders_csv("2008-03-03", "2008-03-31") + "T,2008-03-10,purchase,9000000\n",
        }
        for kind, text in later.items():
            ingest_file(led, kind, write(f"later-{kind}.csv", text))
        strike_range(led, v, None, "2008-03-31")
        again = profile_from_ledger(led, v, D, paths=50)
    a, b = p.to_dict(), again.to_dict()
    a["sources"].pop("ledger")
    b["sources"].pop("ledger")
    assert a == b


def test_cli_liquidity(small_ledger: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db, _ = small_ledger
    base = ["liquidity", "--db", str(db), "--vehicle", "T", "--paths", "50"]
    capsys.readouterr()
    assert run([*base, "--date", D, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert obj["day"] == D and [c["horizon"] for c in obj["coverage"]] == ["3bd", "7d", "30d"]
    assert [b["bucket"] for b in obj["buckets"]] == list(BUCKETS)
    assert obj["assumptions"]["stress_multiplier"] == 3.0
    # the default day is the last strike; the human tables name buckets, limits and coverage
    assert run([*base, "--stress-multiplier", "2", "--highly-liquid-min", "0.9"]) == 0
    text = capsys.readouterr().out
    assert "Liquidity buckets" in text and "BREACH" in text and "coverage ratio" in text
    assert "(x2)" in text
    assert run([*base, "--date", "2008-03-31"]) == 2
    assert "altsleeve strike --to 2008-03-31" in capsys.readouterr().err
    assert run([*base, "--plan-withdrawal", "1.5"]) == 2
    assert run([*base, "--date", "2008-02-30"]) == 2


def test_noticed_calls_are_certain_needs_by_hand() -> None:
    base = _profile()
    p = _profile(noticed_calls={"3bd": 2.0, "7d": 2.0, "30d": 4.0})
    cov, cov0 = p.coverage.set_index("horizon"), base.coverage.set_index("horizon")
    assert list(cov["noticed_calls"]) == [2.0, 2.0, 4.0]
    assert list(cov0["noticed_calls"]) == [0.0, 0.0, 0.0]
    np.testing.assert_allclose(cov["needs"], cov0["needs"] + [2.0, 2.0, 4.0])
    parts = ["redemptions", "plan_withdrawal", "noticed_calls", "calls", "fees_payable"]
    np.testing.assert_allclose(cov[[*parts, "rebalancing"]].sum(axis=1), cov["needs"])
    assert (cov["ratio"] < cov0["ratio"]).all()
    with pytest.raises(ValueError, match="noticed_calls"):
        _profile(noticed_calls={"3bd": 1.0})
    with pytest.raises(ValueError, match="noticed_calls"):
        _profile(noticed_calls={"3bd": -1.0, "7d": 0.0, "30d": 0.0})


def test_profile_counts_a_noticed_call_as_a_certain_outflow(
    small_ledger: tuple[Path, Path], tmp_path: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    """Issue 16 item 5: calls noticed by the day and dated in a horizon are certain needs there.

    D is Friday 2008-02-29: 3 business days run to 03-05, 7 days to 03-07, 30 days to 03-30.
    """
    db, vpath = small_ledger
    v = Vehicle.from_toml(vpath)
    copy = tmp_path / "noticed.duckdb"
    shutil.copy(db, copy)
    with Ledger(copy) as led:
        before = led.audit_log(1)["recorded_at"].iloc[0].to_pydatetime()
        base = profile_from_ledger(led, v, D, paths=50)
        ingest_file(
            led,
            "cashflows",
            write(
                "notices.csv",
                "holding_id,date,kind,amount,known_on\n"
                "H1,2008-03-04,call,3000000,2008-02-25\n"  # in every horizon
                "H1,2008-03-20,call,1000000,2008-02-28\n"  # in 30 days only
                "H1,2008-04-15,call,2000000,2008-02-28\n"  # after the horizons
                "H1,2008-03-25,call,9000000,2008-03-03\n"  # noticed after the day: unknown
                "H2,2008-03-03,distribution,500000,2008-02-27\n",  # an inflow: not counted
            ),
        )
        p = profile_from_ledger(led, v, D, paths=50)
        # the recorded-time cutoff: as recorded before the notices, the profile is unchanged
        then = profile_from_ledger(led, v, D, paths=50, recorded_at=before)
    cov, cov0 = p.coverage.set_index("horizon"), base.coverage.set_index("horizon")
    assert list(cov["noticed_calls"]) == [3e6, 3e6, 4e6]
    # H1 is the only fund with unfunded commitment (14m): its projected calls in each horizon
    # are below the notices, so the model adds nothing beyond them
    assert list(cov["calls"]) == [0.0, 0.0, 0.0]
    assert (cov0["calls"] < [3e6, 3e6, 4e6]).all()
    np.testing.assert_allclose(
        cov["needs"], cov0["needs"] - cov0["calls"] + np.array([3e6, 3e6, 4e6])
    )
    assert (cov["ratio"] < cov0["ratio"]).all()
    assert [n["date"] for n in p.sources["noticed_calls"]] == ["2008-03-04", "2008-03-20"]
    assert p.unfunded["dollars"] == pytest.approx(base.unfunded["dollars"])  # not paid yet
    a, b = then.to_dict(), base.to_dict()
    a["sources"].pop("ledger")
    b["sources"].pop("ledger")
    assert a == b


def test_cli_liquidity_shows_noticed_calls(
    small_ledger: tuple[Path, Path],
    tmp_path: Path,
    write: Callable[[str, str | bytes], Path],
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, _ = small_ledger
    copy = tmp_path / "noticed.duckdb"
    shutil.copy(db, copy)
    notice = "holding_id,date,kind,amount,known_on\nH1,2008-03-04,call,3000000,2008-02-25\n"
    assert run(["ingest", "cashflows", str(write("n.csv", notice)), "--db", str(copy)]) == 0
    capsys.readouterr()
    base = ["liquidity", "--db", str(copy), "--vehicle", "T", "--paths", "50"]
    assert run([*base, "--date", D]) == 0
    text = capsys.readouterr().out
    assert "capital calls noticed (certain)" in text and "2008-03-04" in text
    assert run([*base, "--date", D, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert [c["noticed_calls"] for c in obj["coverage"]] == [3e6, 3e6, 3e6]
