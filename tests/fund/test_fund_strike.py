"""The daily strike engine: a hand-worked book, accounting identities on random books, edge cases.

The hand-worked book (``HAND``) is small enough that every figure of every row is derived in the
comments; the property tests check the identities that must hold on any book (units x NAV = net
assets, the cash sleeve's flows explain its change, fees accrued = paid + payable, a round trip
dilutes nobody, a resumed run equals one run).
"""

from __future__ import annotations

import copy
import datetime as dt
import time
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.fund._strike import (
    STRIKE_COLUMNS,
    StrikeInputs,
    StrikeState,
    launch_state,
    strike_columns,
    strike_days,
)

# -- the hand-worked book --------------------------------------------------------------------
# Fees 36.5 bp a year: one calendar day accrues 36.5 / 1e4 / 365 = 1e-5 of net assets (0.1 bp).
# Targets equity 72% / cash 18% / private 10%: with an empty private sleeve the liquid and cash
# sleeves share everything 0.72/0.90 = 80% and 0.18/0.90 = 20%.
HAND: dict[str, Any] = {
    "vehicle": {
        "id": "T",
        "inception": dt.date(2024, 1, 30),
        "initial_assets": 1_000_000.0,
        "initial_nav_per_unit": 10.0,
    },
    "sleeves": [
        {"id": "equity", "kind": "liquid", "series": "EQ", "asset_type": "equity", "band": 0.05},
        {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.04},
        {"id": "private", "kind": "private", "band": 0.05},
    ],
    "glide_path": [
        {"date": dt.date(2024, 1, 1), "weights": {"equity": 0.72, "cash": 0.18, "private": 0.10}}
    ],
    "private": {"max": 0.15},
    "fees": [{"name": "all", "bp_per_year": 36.5}],
    "cash": {"floor": 0.05},
    "rebalance": {"trigger": "both", "schedule": "monthly"},
}
LAUNCH = pd.Timestamp("2024-01-30")
LAUNCH_PRICES = pd.Series({"EQ": 100.0, "CASH": 100.0})


def vehicle_from(data: dict[str, Any], **changes: Any) -> Vehicle:
    """HAND-like mapping with top-level sections replaced/updated by ``changes``."""
    d = copy.deepcopy(data)
    for key, val in changes.items():
        if isinstance(val, dict) and isinstance(d.get(key), dict):
            d[key].update(val)
        else:
            d[key] = val
    return Vehicle.from_mapping(d)


def make_inputs(
    days: list[str] | pd.DatetimeIndex,
    prices: dict[str, list[float]],
    **flows: list[float],
) -> StrikeInputs:
    ix = pd.DatetimeIndex(days)
    z = [0.0] * len(ix)

    def ser(name: str) -> pd.Series:
        return pd.Series(flows.get(name, z), index=ix, dtype=float)

    return StrikeInputs(
        days=ix,
        prices=pd.DataFrame(prices, index=ix, dtype=float),
        private_value=ser("private_value"),
        calls=ser("calls"),
        distributions=ser("distributions"),
        purchases=ser("purchases"),
        redemptions=ser("redemptions"),
    )


def hand_inputs() -> StrikeInputs:
    return make_inputs(
        ["2024-01-31", "2024-02-01", "2024-02-02", "2024-02-05", "2024-02-06"],
        {
            "EQ": [99.9975, 99.9987625, 100.998750125, 100.998750125, 100.998750125],
            "CASH": [100.01, 100.01, 100.01, 100.01, 100.01],
        },
        private_value=[40_000.0, 30_000.0, 30_300.0, 90_300.0, 200_000.0],
        calls=[40_000.0, 0.0, 0.0, 60_000.0, 0.0],
        distributions=[0.0, 10_000.0, 0.0, 0.0, 0.0],
        purchases=[9_999.90, 0.0, 0.0, 50_000.0, 0.0],
        redemptions=[0.0, 19_999.80, 0.0, 0.0, 0.0],
    )


def test_launch_state_by_hand() -> None:
    v = Vehicle.from_mapping(HAND)
    s = launch_state(v, LAUNCH, LAUNCH_PRICES)
    # 1,000,000 / 10 = 100,000 units; equity 80% = 800,000 at 100 = 8,000 units; cash 2,000.
    assert s.day == LAUNCH
    assert s.units_outstanding == pytest.approx(100_000.0, rel=1e-15)
    assert s.sleeve_units == pytest.approx({"equity": 8_000.0, "cash": 2_000.0}, rel=1e-12)
    assert (s.fees_payable, s.fees_accrued_total, s.fees_paid_total) == (0.0, 0.0, 0.0)
    assert s.levels == {"EQ": 100.0, "CASH": 100.0}


def test_hand_worked_book_every_figure() -> None:
    v = Vehicle.from_mapping(HAND)
    rows, end = strike_days(v, hand_inputs(), launch_state(v, LAUNCH, LAUNCH_PRICES))
    assert list(rows.columns) == strike_columns(v)
    na4_bf = 997_960.041099792  # day 4's net assets before its fee (worked out below)
    fee4 = na4_bf * 3e-5
    nav4 = (na4_bf - fee4) / 99_000
    units4 = 99_000 + 50_000 / nav4
    na4 = 775_672.0008 + 182_008.12 + 90_300 - (20.079700208 + fee4)
    na5_bf = 775_672.0008 + 182_008.12 + 200_000 - (20.079700208 + fee4)
    fee5 = na5_bf * 1e-5
    na5 = na5_bf - fee5
    expected = [
        # Wed 2024-01-31, a month end. Equity 8,000 x 99.9975 = 799,980. Cash 2,000 x 100.01 =
        # 200,020 (interest 2,000 x 0.01 = 20), call 40,000 -> 160,020. Private 40,000.
        # Before fees 799,980 + 160,020 + 40,000 = 1,000,000; fee 1 day x 1e-5 = 10, paid at
        # the month end from cash -> 160,010, payable 0. NA 999,990 / 100,000 units: NAV 9.9999.
        # Purchase 9,999.90 / 9.9999 = 1,000 units -> 101,000; cash 170,009.90;
        # NA 799,980 + 170,009.9 + 40,000 = 1,009,989.9. Bands: liquid+cash 969,989.9 share
        # 0.8/0.2 -> equity target 775,991.92 (off 23,988.08 = 2.4% < 5%), cash off 2.4% < 4%.
        # Same month as the launch: no rebalance. Private 3.96%: > 15%? no; |3.96% - 10%| > 5%.
        {
            "date": pd.Timestamp("2024-01-31"),
            "nav_per_unit": 9.9999,
            "net_assets": 1_009_989.9,
            "units_outstanding": 101_000.0,
            "units_issued": 1_000.0,
            "units_redeemed": 0.0,
            "purchases": 9_999.9,
            "redemptions": 0.0,
            "calls": 40_000.0,
            "distributions": 0.0,
            "holding_fees": 0.0,
            "fees_accrued": 10.0,
            "fees_paid": 10.0,
            "fees_payable": 0.0,
            "value_equity": 799_980.0,
            "value_cash": 170_009.9,
            "value_private": 40_000.0,
            "weight_equity": 799_980 / 1_009_989.9,
            "weight_cash": 170_009.9 / 1_009_989.9,
            "weight_private": 40_000 / 1_009_989.9,
            "trade_equity": 0.0,
            "trade_cash": 0.0,
            "rebalanced": False,
            "rebalance_reason": "",
            "breach_private_max": False,
            "breach_cash_floor": False,
            "breach_band_uncurable": True,
            "cash_in": 9_999.9,  # the purchase
            "cash_out": 40_010.0,  # the call and the fees paid
            "cash_interest": 20.0,
        },
        # Thu 2024-02-01, first day of February: the monthly schedule. Equity 8,000 x 99.9987625
        # = 799,990.1; cash 170,009.9 + distribution 10,000 = 180,009.9; private 30,000.
        # Before fees 1,010,000; fee 10.1 (payable, not a month end). NA 1,009,989.9 / 101,000
        # = 9.9999. Redemption 19,999.80 / 9.9999 = 2,000 units -> 99,000; cash 160,010.1;
        # NA 989,990.1. Targets: liquid+cash 960,000.2 less payable 10.1 = 959,990.1 shared
        # 0.8 -> equity 767,992.08 (off 3.2% < 5%, so no band), cash the rest 192,008.12
        # (off 3.2% < 4%), floor 5% x 989,990.1 = 49,499.5 met. Sell 31,998.02 of equity.
        {
            "date": pd.Timestamp("2024-02-01"),
            "nav_per_unit": 9.9999,
            "net_assets": 989_990.1,
            "units_outstanding": 99_000.0,
            "units_issued": 0.0,
            "units_redeemed": 2_000.0,
            "purchases": 0.0,
            "redemptions": 19_999.8,
            "calls": 0.0,
            "distributions": 10_000.0,
            "holding_fees": 0.0,
            "fees_accrued": 10.1,
            "fees_paid": 0.0,
            "fees_payable": 10.1,
            "value_equity": 767_992.08,
            "value_cash": 192_008.12,
            "value_private": 30_000.0,
            "weight_equity": 767_992.08 / 989_990.1,
            "weight_cash": 192_008.12 / 989_990.1,
            "weight_private": 30_000 / 989_990.1,
            "trade_equity": -31_998.02,
            "trade_cash": 31_998.02,
            "rebalanced": True,
            "rebalance_reason": "schedule",
            "breach_private_max": False,
            "breach_cash_floor": False,
            "breach_band_uncurable": True,
            "cash_in": 41_998.02,  # distribution 10,000 + equity sold 31,998.02
            "cash_out": 19_999.8,  # the redemption
            "cash_interest": 0.0,
        },
        # Fri 2024-02-02: equity +1% -> 775,672.0008; private 30,300; no flows, no orders.
        # Before fees 775,672.0008 + 192,008.12 + 30,300 - 10.1 = 997,970.0208; fee
        # 9.979700208; payable 20.079700208; NA 997,960.041099792; NAV NA / 99,000.
        # Equity target 0.8 x (967,680.1208 - 20.0797) = 774,128.03: off 0.15%: no rebalance.
        {
            "date": pd.Timestamp("2024-02-02"),
            "nav_per_unit": 997_960.041099792 / 99_000,
            "net_assets": 997_960.041099792,
            "units_outstanding": 99_000.0,
            "units_issued": 0.0,
            "units_redeemed": 0.0,
            "purchases": 0.0,
            "redemptions": 0.0,
            "calls": 0.0,
            "distributions": 0.0,
            "holding_fees": 0.0,
            "fees_accrued": 9.979700208,
            "fees_paid": 0.0,
            "fees_payable": 20.079700208,
            "value_equity": 775_672.0008,
            "value_cash": 192_008.12,
            "value_private": 30_300.0,
            "weight_equity": 775_672.0008 / 997_960.041099792,
            "weight_cash": 192_008.12 / 997_960.041099792,
            "weight_private": 30_300 / 997_960.041099792,
            "trade_equity": 0.0,
            "trade_cash": 0.0,
            "rebalanced": False,
            "rebalance_reason": "",
            "breach_private_max": False,
            "breach_cash_floor": False,
            "breach_band_uncurable": True,
            "cash_in": 0.0,
            "cash_out": 0.0,
            "cash_interest": 0.0,
        },
        # Mon 2024-02-05, 3 calendar days: call 60,000 (cash 132,008.12, private 90,300).
        # Before fees unchanged at 997,960.041099792 (a call moves cash into the private
        # sleeve); fee 3 days x 1e-5 = 29.9388...; NAV (997,960.04 - fee) / 99,000.
        # Purchase 50,000 / NAV units; cash 182,008.12. Private 8.6%: |8.6% - 10%| <= 5%.
        # Equity target 0.8 x (957,680.1208 - payable) = 766,104.08: off 0.9%: no rebalance.
        {
            "date": pd.Timestamp("2024-02-05"),
            "nav_per_unit": nav4,
            "net_assets": na4,
            "units_outstanding": units4,
            "units_issued": 50_000 / nav4,
            "units_redeemed": 0.0,
            "purchases": 50_000.0,
            "redemptions": 0.0,
            "calls": 60_000.0,
            "distributions": 0.0,
            "holding_fees": 0.0,
            "fees_accrued": fee4,
            "fees_paid": 0.0,
            "fees_payable": 20.079700208 + fee4,
            "value_equity": 775_672.0008,
            "value_cash": 182_008.12,
            "value_private": 90_300.0,
            "weight_equity": 775_672.0008 / na4,
            "weight_cash": 182_008.12 / na4,
            "weight_private": 90_300 / na4,
            "trade_equity": 0.0,
            "trade_cash": 0.0,
            "rebalanced": False,
            "rebalance_reason": "",
            "breach_private_max": False,
            "breach_cash_floor": False,
            "breach_band_uncurable": False,
            "cash_in": 50_000.0,
            "cash_out": 60_000.0,
            "cash_interest": 0.0,
        },
        # Tue 2024-02-06: the private sleeve is revalued to 200,000 (no flows): 17.3% of net
        # assets, above the 15% maximum and outside 10% +- 5%; the liquid sleeves still sit at
        # their effective targets (equity 775,672 vs 0.8 x (957,680.12 - payable)): no rebalance.
        {
            "date": pd.Timestamp("2024-02-06"),
            "nav_per_unit": na5 / units4,
            "net_assets": na5,
            "units_outstanding": units4,
            "units_issued": 0.0,
            "units_redeemed": 0.0,
            "purchases": 0.0,
            "redemptions": 0.0,
            "calls": 0.0,
            "distributions": 0.0,
            "holding_fees": 0.0,
            "fees_accrued": fee5,
            "fees_paid": 0.0,
            "fees_payable": 20.079700208 + fee4 + fee5,
            "value_equity": 775_672.0008,
            "value_cash": 182_008.12,
            "value_private": 200_000.0,
            "weight_equity": 775_672.0008 / na5,
            "weight_cash": 182_008.12 / na5,
            "weight_private": 200_000 / na5,
            "trade_equity": 0.0,
            "trade_cash": 0.0,
            "rebalanced": False,
            "rebalance_reason": "",
            "breach_private_max": True,
            "breach_cash_floor": False,
            "breach_band_uncurable": True,
            "cash_in": 0.0,
            "cash_out": 0.0,
            "cash_interest": 0.0,
        },
    ]
    assert len(rows) == len(expected)
    for i, exp in enumerate(expected):
        got = rows.iloc[i].to_dict()
        assert set(got) == set(exp)
        for col, want in exp.items():
            if isinstance(want, float):
                assert got[col] == pytest.approx(want, rel=1e-11, abs=1e-6), (i, col)
            else:
                assert got[col] == want, (i, col)
    assert end.day == pd.Timestamp("2024-02-06")
    assert end.units_outstanding == pytest.approx(units4, rel=1e-12)
    assert end.fees_paid_total == pytest.approx(10.0, rel=1e-12)
    assert end.fees_accrued_total == pytest.approx(10 + 10.1 + 9.979700208 + fee4 + fee5)
    assert end.sleeve_units["equity"] == pytest.approx(767_992.08 / 99.9987625, rel=1e-12)
    assert end.sleeve_units["cash"] == pytest.approx(182_008.12 / 100.01, rel=1e-12)
    assert end.levels == {"EQ": 100.998750125, "CASH": 100.01}


# -- edge cases ------------------------------------------------------------------------------
def test_quiet_day_does_not_rebalance() -> None:
    v = vehicle_from(HAND, fees=[], rebalance={"trigger": "both", "schedule": "monthly"})
    inputs = make_inputs(
        ["2024-01-31", "2024-02-01", "2024-02-02"],
        {"EQ": [100.0, 100.0, 100.0], "CASH": [100.0, 100.0, 100.0]},
    )
    rows, _ = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    # Feb 1 is the first day of a new month (schedule); the other two are quiet days.
    assert rows["rebalance_reason"].tolist() == ["", "schedule", ""]
    quiet = rows.iloc[[0, 2]]
    assert (quiet[["trade_equity", "trade_cash"]] == 0.0).all().all()
    assert (rows["nav_per_unit"] == 10.0).all()
    band_only = vehicle_from(HAND, fees=[], rebalance={"trigger": "band"})
    rows, _ = strike_days(band_only, inputs, launch_state(band_only, LAUNCH, LAUNCH_PRICES))
    assert not rows["rebalanced"].any()
    assert (rows[["trade_equity", "trade_cash"]] == 0.0).all().all()


def test_band_trigger_and_precedence_over_schedule() -> None:
    v = vehicle_from(HAND, fees=[])
    # Feb 1 (the schedule day) equity +20%: 960,000 of 1,160,000 = 82.8% vs its effective
    # target 80% (off 2.8% < 5%; cash off 2.8% < 4%): "schedule" -> equity 928,000, cash
    # 232,000. Feb 2 equity +50%: 1,392,000 of 1,624,000 = 85.7% vs 80%, off 5.7% > 5%: "band".
    inputs = make_inputs(
        ["2024-02-01", "2024-02-02"],
        {"EQ": [120.0, 180.0], "CASH": [100.0, 100.0]},
    )
    rows, _ = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    assert rows["rebalance_reason"].tolist() == ["schedule", "band"]
    # the band rebalance restores 80/20 (no private holdings, no fees)
    assert rows["weight_equity"].iloc[1] == pytest.approx(0.8, rel=1e-12)
    assert rows["weight_cash"].iloc[1] == pytest.approx(0.2, rel=1e-12)
    # a day that is both a schedule day and out of band records "band": equity 1,600,000 of
    # 1,800,000 = 88.9% vs 80%
    inputs = make_inputs(["2024-02-01"], {"EQ": [200.0], "CASH": [100.0]})
    rows, _ = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    assert rows["rebalance_reason"].tolist() == ["band"]


def test_redemption_larger_than_cash_sells_liquid_pro_rata() -> None:
    v = vehicle_from(HAND, fees=[], rebalance={"trigger": "schedule", "schedule": "quarterly"})
    # launch: equity 800,000, cash 200,000, 100,000 units at 10. Redeem 300,000 (30,000 units):
    # cash -100,000 -> equity sold 100,000 -> equity 700,000, cash 0 (below the 5% floor).
    inputs = make_inputs(["2024-01-31"], {"EQ": [100.0], "CASH": [100.0]}, redemptions=[300_000.0])
    rows, end = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    r = rows.iloc[0]
    assert r["nav_per_unit"] == 10.0
    assert r["units_outstanding"] == pytest.approx(70_000.0)
    assert r["value_equity"] == pytest.approx(700_000.0)
    assert r["value_cash"] == pytest.approx(0.0, abs=1e-9)
    assert r["trade_equity"] == pytest.approx(-100_000.0)
    assert r["trade_cash"] == pytest.approx(100_000.0)
    assert not r["rebalanced"] and r["rebalance_reason"] == ""
    assert r["breach_cash_floor"]
    assert r["cash_in"] == pytest.approx(100_000.0)
    assert r["cash_out"] == pytest.approx(300_000.0)
    assert end.sleeve_units["equity"] == pytest.approx(7_000.0)


def test_two_liquid_sleeves_cover_pro_rata_and_overdraft_when_exhausted() -> None:
    data = copy.deepcopy(HAND)
    data["sleeves"].insert(
        1, {"id": "bonds", "kind": "liquid", "series": "BD", "asset_type": "bond", "band": 0.05}
    )
    data["glide_path"][0]["weights"] = {
        "equity": 0.54,
        "bonds": 0.18,
        "cash": 0.18,
        "private": 0.10,
    }
    v = vehicle_from(data, fees=[], rebalance={"trigger": "schedule", "schedule": "annually"})
    prices = {"EQ": [100.0], "BD": [50.0], "CASH": [100.0]}
    launch = launch_state(v, LAUNCH, pd.Series({"EQ": 100.0, "BD": 50.0, "CASH": 100.0}))
    # launch: equity 600,000, bonds 200,000, cash 200,000. Redeem 400,000: cash -200,000,
    # covered 3:1 from equity (150,000) and bonds (50,000).
    rows, _ = strike_days(v, make_inputs(["2024-01-31"], prices, redemptions=[400_000.0]), launch)
    r = rows.iloc[0]
    assert r["trade_equity"] == pytest.approx(-150_000.0)
    assert r["trade_bonds"] == pytest.approx(-50_000.0)
    assert r["value_cash"] == pytest.approx(0.0, abs=1e-9)
    # with 100,000 of private value the vehicle is worth 1,100,000 (NAV 11); redeem 1,050,000:
    # cash 200,000 - 1,050,000 = -850,000; all 800,000 of liquid sold; cash stays -50,000.
    inputs = make_inputs(
        ["2024-01-31"], prices, private_value=[100_000.0], redemptions=[1_050_000.0]
    )
    rows, _ = strike_days(v, inputs, launch)
    r = rows.iloc[0]
    assert r["nav_per_unit"] == pytest.approx(11.0)
    assert r["value_equity"] == pytest.approx(0.0, abs=1e-9)
    assert r["value_bonds"] == pytest.approx(0.0, abs=1e-9)
    assert r["value_cash"] == pytest.approx(-50_000.0)
    assert r["net_assets"] == pytest.approx(50_000.0)
    assert r["breach_cash_floor"] and r["breach_private_max"]


def test_fees_paid_at_month_end_or_first_strike_after_a_month_end_holiday() -> None:
    v = vehicle_from(HAND, rebalance={"trigger": "band"})
    # Jan 31 is not struck: January's fees are paid on the first strike after it (Feb 28).
    # Feb 29 is a month end. 2024-03-29 (Good Friday) is March's last weekday but not struck:
    # pay on Apr 1.
    days = ["2024-02-28", "2024-02-29", "2024-03-01", "2024-03-28", "2024-04-01", "2024-04-02"]
    inputs = make_inputs(days, {"EQ": [100.0] * 6, "CASH": [100.0] * 6})
    rows, end = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    paid = rows["fees_paid"] > 0
    assert rows.loc[paid, "date"].dt.strftime("%Y-%m-%d").tolist() == [
        "2024-02-28",
        "2024-02-29",
        "2024-04-01",
    ]
    assert rows["fees_payable"].iloc[4] == 0.0
    # ACT/365: the first strike covers Jan 30 -> Feb 28 = 29 days at 1e-5 of 1,000,000 a day.
    assert rows["fees_accrued"].iloc[0] == pytest.approx(29 * 10.0, rel=1e-12)
    assert rows["fees_accrued"].sum() == pytest.approx(end.fees_accrued_total, rel=1e-12)
    assert end.fees_accrued_total == pytest.approx(end.fees_paid_total + end.fees_payable)


@pytest.mark.parametrize(
    ("schedule", "expected"),
    [
        ("monthly", ["2024-02-01", "2024-03-01", "2024-04-01", "2025-01-02"]),
        ("quarterly", ["2024-04-01", "2025-01-02"]),
        ("annually", ["2025-01-02"]),
    ],
)
def test_schedule_first_strike_of_each_period(schedule: str, expected: list[str]) -> None:
    v = vehicle_from(HAND, fees=[], rebalance={"trigger": "schedule", "schedule": schedule})
    days = ["2024-01-31", "2024-02-01", "2024-02-02", "2024-03-01", "2024-04-01", "2025-01-02"]
    inputs = make_inputs(days, {"EQ": [100.0] * 6, "CASH": [100.0] * 6})
    rows, _ = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    assert rows.loc[rows["rebalanced"], "date"].dt.strftime("%Y-%m-%d").tolist() == expected


def test_cash_floor_applied_by_the_rebalance() -> None:
    # cash target 1% but floor 5%: a rebalance holds 5% in cash, taken from equity.
    data = copy.deepcopy(HAND)
    data["glide_path"][0]["weights"] = {"equity": 0.89, "cash": 0.01, "private": 0.10}
    v = vehicle_from(data, fees=[], rebalance={"trigger": "both", "schedule": "monthly"})
    s = launch_state(v, LAUNCH, LAUNCH_PRICES)
    assert s.sleeve_units["cash"] == pytest.approx(500.0)  # 5% of 1,000,000 at 100
    inputs = make_inputs(["2024-02-01"], {"EQ": [100.0], "CASH": [100.0]})
    rows, _ = strike_days(v, inputs, s)
    assert rows["weight_cash"].iloc[0] == pytest.approx(0.05)
    assert rows["trade_cash"].iloc[0] == pytest.approx(0.0, abs=1e-6)
    assert not rows["breach_cash_floor"].iloc[0]


def test_sample_vehicle_launch_and_5000_days_under_a_second() -> None:
    v = Vehicle.from_toml(sample_vehicle_path())
    days = pd.bdate_range("1999-01-04", periods=5_001)
    rng = np.random.default_rng(7)
    n = len(days)
    prices = {
        "SP500_TR": 1_000 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, n))),
        "BOND_AAA_TR_D": 100 * np.exp(np.cumsum(rng.normal(0.0002, 0.004, n))),
        "CASH_TBILL_D": 100 * np.exp(np.cumsum(np.full(n, 0.0001))),
    }
    calls = np.where(rng.uniform(size=n) < 0.03, rng.uniform(0, 2e6, n), 0.0)
    dists = np.where(rng.uniform(size=n) < 0.03, rng.uniform(0, 1e6, n), 0.0)
    pv = np.maximum(np.cumsum(calls - dists), 0.0)
    inputs = make_inputs(
        days,
        {k: list(a) for k, a in prices.items()},
        private_value=list(pv),
        calls=list(calls),
        distributions=list(dists),
        purchases=list(rng.uniform(0, 2e6, n)),
        redemptions=list(rng.uniform(0, 2e6, n)),
    )
    s = launch_state(v, days[0], inputs.prices.iloc[0])
    assert s.units_outstanding == 1e8
    lv = inputs.prices.iloc[0]
    values = {
        k: s.sleeve_units[k] * lv[sr]
        for k, sr in [("equity", "SP500_TR"), ("cash", "CASH_TBILL_D")]
    }
    # 1999-01-04 targets 80/8/2/10: equity 0.80/0.90 of 1e9, cash 0.02/0.90
    assert values["equity"] == pytest.approx(1e9 * 0.80 / 0.90, rel=1e-12)
    assert values["cash"] == pytest.approx(1e9 * 0.02 / 0.90, rel=1e-12)
    t0 = time.perf_counter()
    rows, _ = strike_days(v, inputs, s)
    elapsed = time.perf_counter() - t0
    assert len(rows) == 5_000
    assert elapsed < 1.0, elapsed


def test_no_day_after_the_state_gives_empty_rows_and_the_same_state() -> None:
    v = Vehicle.from_mapping(HAND)
    s = launch_state(v, LAUNCH, LAUNCH_PRICES)
    inputs = make_inputs(["2024-01-29", "2024-01-30"], {"EQ": [1.0, 1.0], "CASH": [1.0, 1.0]})
    rows, end = strike_days(v, inputs, s)
    assert rows.empty and list(rows.columns) == strike_columns(v)
    assert end is s
    assert set(STRIKE_COLUMNS) < set(strike_columns(v))


def test_vehicle_without_private_sleeve() -> None:
    data = copy.deepcopy(HAND)
    data["sleeves"] = data["sleeves"][:2]
    data["glide_path"][0]["weights"] = {"equity": 0.8, "cash": 0.2}
    v = vehicle_from(data, fees=[])
    assert "value_private" not in strike_columns(v)
    inputs = make_inputs(["2024-01-31"], {"EQ": [110.0], "CASH": [100.0]})
    rows, _ = strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))
    assert rows["nav_per_unit"].iloc[0] == pytest.approx(10.8)
    assert not rows["breach_band_uncurable"].iloc[0]
    bad = make_inputs(["2024-01-31"], {"EQ": [110.0], "CASH": [100.0]}, calls=[1.0])
    with pytest.raises(ValueError, match="no private sleeve"):
        strike_days(v, bad, launch_state(v, LAUNCH, LAUNCH_PRICES))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"prices": {"EQ": [100.0, -1.0], "CASH": [100.0, 100.0]}}, "positive"),
        ({"prices": {"CASH": [100.0, 100.0]}}, "no column"),
        ({"redemptions": [0.0, -5.0]}, "redemptions"),
        ({"calls": [0.0, float("nan")]}, "calls"),
    ],
)
def test_bad_inputs_are_refused(change: dict[str, Any], message: str) -> None:
    v = Vehicle.from_mapping(HAND)
    args: dict[str, Any] = {"prices": {"EQ": [100.0, 100.0], "CASH": [100.0, 100.0]}}
    args.update(change)
    prices = args.pop("prices")
    inputs = make_inputs(["2024-01-31", "2024-02-01"], prices, **args)
    with pytest.raises(ValueError, match=message):
        strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))


def test_misindexed_series_is_refused() -> None:
    v = Vehicle.from_mapping(HAND)
    good = make_inputs(["2024-01-31", "2024-02-01"], {"EQ": [1.0, 1.0], "CASH": [1.0, 1.0]})
    bad = StrikeInputs(
        days=good.days,
        prices=good.prices,
        private_value=good.private_value,
        calls=good.calls.iloc[:1],
        distributions=good.distributions,
        purchases=good.purchases,
        redemptions=good.redemptions,
    )
    with pytest.raises(ValueError, match=r"inputs\.calls must be indexed"):
        strike_days(v, bad, launch_state(v, LAUNCH, LAUNCH_PRICES))


def test_every_unit_redeemed_is_refused() -> None:
    v = vehicle_from(HAND, fees=[])
    inputs = make_inputs(
        ["2024-01-31"], {"EQ": [100.0], "CASH": [100.0]}, redemptions=[1_000_000.0]
    )
    with pytest.raises(ValueError, match="leave net assets"):
        strike_days(v, inputs, launch_state(v, LAUNCH, LAUNCH_PRICES))


# -- property tests on random books ----------------------------------------------------------
Book = tuple[Vehicle, StrikeInputs, StrikeState]


@st.composite
def books(draw: st.DrawFn) -> Book:
    """A random vehicle (1-3 liquid sleeves, maybe a private one) and random days and flows."""
    n_liquid = draw(st.integers(1, 3))
    has_private = draw(st.booleans())
    pmax = draw(st.floats(0.05, 0.5))
    names = [f"L{i}" for i in range(n_liquid)]
    sleeves: list[dict[str, Any]] = [
        {
            "id": f"liq{i}",
            "kind": "liquid",
            "series": s,
            "asset_type": "equity",
            "band": draw(st.floats(0.005, 0.2)),
        }
        for i, s in enumerate(names)
    ]
    sleeves.append({"id": "cash", "kind": "cash", "series": "C", "band": draw(st.floats(0.0, 0.1))})
    if has_private:
        sleeves.append({"id": "priv", "kind": "private", "band": draw(st.floats(0.0, 0.2))})
    ids = [s["id"] for s in sleeves]

    def weights() -> dict[str, float]:
        raw = [draw(st.floats(0.01, 1.0)) for _ in range(n_liquid + 1)]
        wp = draw(st.floats(0.0, pmax)) if has_private else 0.0
        total = sum(raw)
        out = {k: (1.0 - wp) * r / total for k, r in zip(ids, raw, strict=False)}
        if has_private:
            out["priv"] = wp
        return out

    start = draw(st.dates(dt.date(1995, 1, 1), dt.date(2040, 1, 1)))
    vehicle = Vehicle.from_mapping(
        {
            "vehicle": {
                "id": "R",
                "inception": start,
                "initial_assets": draw(st.floats(1e5, 1e10)),
                "initial_nav_per_unit": draw(st.floats(1.0, 100.0)),
            },
            "sleeves": sleeves,
            "glide_path": [
                {"date": start, "weights": weights()},
                {
                    "date": start + dt.timedelta(days=draw(st.integers(1, 200))),
                    "weights": weights(),
                },
            ],
            "private": {"max": pmax},
            "fees": [{"name": "f", "bp_per_year": draw(st.floats(0.0, 300.0))}],
            "cash": {"floor": draw(st.floats(0.0, 0.1))},
            "rebalance": {
                "trigger": draw(st.sampled_from(["band", "schedule", "both"])),
                "schedule": draw(st.sampled_from(["monthly", "quarterly", "annually"])),
            },
        }
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    launch = pd.Timestamp(start)
    all_days = pd.bdate_range(launch, periods=draw(st.integers(2, 90)))
    keep = rng.uniform(size=len(all_days)) < 0.8
    keep[0] = True  # the launch day
    days = all_days[keep]
    n = len(days)
    a = vehicle.vehicle.initial_assets
    vol = draw(st.floats(0.0, 0.04))
    prices = {s: rng.uniform(20, 200) * np.exp(np.cumsum(rng.normal(0, vol, n))) for s in names}
    prices["C"] = 100 * np.exp(np.cumsum(rng.normal(1e-4, 1e-4, n)))

    def flow(prob: float, size: float) -> np.ndarray:
        return np.where(rng.uniform(size=n) < prob, rng.uniform(0, size * a, n), 0.0)

    calls = flow(0.2, 0.03) if has_private else np.zeros(n)
    dists = flow(0.2, 0.02) if has_private else np.zeros(n)
    pv = (
        np.maximum(np.cumsum(calls - dists) * rng.uniform(0.8, 1.2, n), 0.0)
        if has_private
        else np.zeros(n)
    )
    frame = pd.DataFrame(prices, index=days)
    state = launch_state(vehicle, launch, frame.iloc[0])
    inputs = StrikeInputs(
        days=days,
        prices=frame,
        private_value=pd.Series(pv, index=days),
        calls=pd.Series(calls, index=days),
        distributions=pd.Series(dists, index=days),
        purchases=pd.Series(flow(0.5, 0.05), index=days),
        redemptions=pd.Series(flow(0.5, 0.01), index=days),
    )
    return vehicle, inputs, state


def sliced(inputs: StrikeInputs, stop: int) -> StrikeInputs:
    return StrikeInputs(
        days=inputs.days[:stop],
        prices=inputs.prices.iloc[:stop],
        private_value=inputs.private_value.iloc[:stop],
        calls=inputs.calls.iloc[:stop],
        distributions=inputs.distributions.iloc[:stop],
        purchases=inputs.purchases.iloc[:stop],
        redemptions=inputs.redemptions.iloc[:stop],
    )


def scale(v: Vehicle, rows: pd.DataFrame) -> float:
    """The largest net assets seen (dollars): the yardstick of absolute float noise."""
    return float(max([v.vehicle.initial_assets, *rows["net_assets"].abs()]))


PROPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPS
@given(books())
def test_units_times_nav_is_net_assets(book: Book) -> None:
    v, inputs, s = book
    rows, _ = strike_days(v, inputs, s)
    before_units = rows["units_outstanding"] - rows["units_issued"] + rows["units_redeemed"]
    before_na = rows["net_assets"] - rows["purchases"] + rows["redemptions"]
    np.testing.assert_allclose(before_units * rows["nav_per_unit"], before_na, rtol=1e-9)
    np.testing.assert_allclose(
        rows["units_outstanding"] * rows["nav_per_unit"], rows["net_assets"], rtol=1e-9
    )
    # the holdings, less fees payable, are the net assets; trades are self-financing
    values = rows[[f"value_{k}" for k in v.sleeve_ids]].sum(axis=1) - rows["fees_payable"]
    np.testing.assert_allclose(values, rows["net_assets"], rtol=1e-9)
    trades = rows[[c for c in rows.columns if c.startswith("trade_")]].sum(axis=1)
    np.testing.assert_allclose(trades, 0.0, atol=1e-9 * scale(v, rows))


@PROPS
@given(books())
def test_cash_flows_explain_the_cash_sleeve(book: Book) -> None:
    v, inputs, s = book
    rows, _ = strike_days(v, inputs, s)
    cash = v.cash_sleeve
    start = s.sleeve_units[cash.id] * s.levels[str(cash.series)]
    value = rows[f"value_{cash.id}"].to_numpy()
    change = np.diff(np.concatenate([[start], value]))
    explained = (rows["cash_in"] - rows["cash_out"] + rows["cash_interest"]).to_numpy()
    np.testing.assert_allclose(change, explained, rtol=0, atol=1e-9 * scale(v, rows))


@PROPS
@given(books())
def test_fees_accrued_are_paid_or_payable(book: Book) -> None:
    v, inputs, s = book
    rows, end = strike_days(v, inputs, s)
    acc = rows["fees_accrued"].sum()
    assert acc == pytest.approx(end.fees_paid_total + end.fees_payable, rel=1e-9, abs=1e-9)
    assert acc == pytest.approx(end.fees_accrued_total, rel=1e-9, abs=1e-9)
    assert rows["fees_paid"].sum() == pytest.approx(end.fees_paid_total, rel=1e-9, abs=1e-9)
    assert (rows["fees_accrued"] >= 0).all()


@PROPS
@given(books(), st.data())
def test_a_round_trip_dilutes_nobody(book: Book, data: st.DataObject) -> None:
    v, inputs, s = book
    base, _ = strike_days(v, inputs, s)
    day = data.draw(st.integers(0, len(inputs.days) - 1))
    amount = data.draw(st.floats(0.0, 0.5)) * v.vehicle.initial_assets
    bump = pd.Series(0.0, index=inputs.days)
    bump.iloc[day] = amount
    trip = StrikeInputs(
        days=inputs.days,
        prices=inputs.prices,
        private_value=inputs.private_value,
        calls=inputs.calls,
        distributions=inputs.distributions,
        purchases=inputs.purchases + bump,
        redemptions=inputs.redemptions + bump,
    )
    rows, _ = strike_days(v, trip, s)
    for col in ("nav_per_unit", "units_outstanding", "net_assets"):
        np.testing.assert_allclose(rows[col], base[col], rtol=1e-9)


@PROPS
@given(books(), st.data())
def test_a_resumed_run_equals_one_run(book: Book, data: st.DataObject) -> None:
    v, inputs, s = book
    whole, whole_end = strike_days(v, inputs, s)
    cut = data.draw(st.integers(1, len(inputs.days)))
    first, mid = strike_days(v, sliced(inputs, cut), s)
    second, end = strike_days(v, inputs, mid)
    joined = pd.concat([first, second], ignore_index=True)
    pd.testing.assert_frame_equal(joined, whole, check_exact=True)
    assert end == whole_end
    again, again_end = strike_days(v, inputs, s)
    pd.testing.assert_frame_equal(again, whole, check_exact=True)
    assert again_end == whole_end
