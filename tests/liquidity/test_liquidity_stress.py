"""The stress engine on tiny vehicles whose outcome is worked out by hand in the comments."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from altsleeve.errors import InputError
from altsleeve.fund import Vehicle
from altsleeve.liquidity import (
    Design,
    Scenario,
    StressPath,
    StressResult,
    apply_shocks,
    builtin_scenario_paths,
    design_vehicle,
    load_scenario,
    parse_shock,
    passes,
    run_stress,
    size_buffer,
)


def _vehicle(
    sleeves: list[dict[str, Any]],
    weights: dict[str, float],
    *,
    pmax: float = 0.15,
    floor: float = 0.01,
) -> Vehicle:
    return Vehicle.from_mapping(
        {
            "vehicle": {
                "id": "T",
                "inception": dt.date(2008, 1, 2),
                "initial_assets": 1000.0,
            },
            "sleeves": sleeves,
            "glide_path": [{"date": dt.date(2008, 1, 2), "weights": weights}],
            "private": {"max": pmax},
            "cash": {"floor": floor},
            # no band trigger, a yearly schedule: no rebalance inside these short windows
            "rebalance": {"trigger": "schedule", "schedule": "annually"},
        }
    )


EQ_CASH_PRIV = [
    {"id": "equity", "kind": "liquid", "series": "EQ", "asset_type": "equity", "band": 0.9},
    {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.9},
    {"id": "private", "kind": "private", "band": 0.9},
]


def _path(
    n: int,
    *,
    equity: list[float] | None = None,
    private: float = 100.0,
    redemptions: dict[int, float] | None = None,
    calls: dict[int, float] | None = None,
    distributions: dict[int, float] | None = None,
) -> StressPath:
    days = pd.bdate_range("2008-03-03", periods=n)
    eq = equity if equity is not None else [100.0] * n

    def flows(d: dict[int, float] | None) -> pd.Series:
        s = pd.Series(0.0, index=days)
        for k, v in (d or {}).items():
            s.iloc[k] = v
        return s

    value = pd.Series(private, index=days, dtype=float)
    return StressPath(
        days=days,
        prices=pd.DataFrame({"EQ": eq, "CASH": [1.0] * n}, index=days),
        private_reported=value,
        private_true=value.copy(),
        calls=flows(calls),
        distributions=flows(distributions),
        purchases=flows(None),
        redemptions=flows(redemptions),
        start_net_assets=1000.0,
        start_nav_per_unit=10.0,
        equity_series=("EQ",),
    )


def _scenario(*shocks: dict[str, Any]) -> Scenario:
    return Scenario.from_mapping(
        {
            "scenario": {"id": "t"},
            "base": {"kind": "projection", "days": 5},
            "shocks": list(shocks),
        }
    )


def test_equity_fall_breaches_the_cap_by_hand() -> None:
    # Start: NA 1000, private 100, the rest 900 split 0.8 : 0.1 -> equity 800, cash 100.
    # Day 1: equity level 100 -> 50 (-50%): equity 400, NA = 400 + 100 + 100 = 600,
    # private share 100 / 600 = 16.67% > 15% cap. Day 2: equity back to 100 -> NA 1000, 10%.
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    res = run_stress(Design(v), _path(3, equity=[100.0, 50.0, 100.0]), _scenario())
    d = res.daily
    assert d["net_assets"].tolist() == pytest.approx([600.0, 1000.0])
    assert d["private_share"].iloc[0] == pytest.approx(100 / 600)
    s = res.summary
    assert s["days_above_cap"] == 1
    assert s["first_day_above_cap"] == "2008-03-04"
    assert s["private_share_peak"] == pytest.approx(1 / 6)
    # the private sleeve is 100 - 0.1 x 600 = 40 above its glide-path target on day 1
    assert s["unrebalanced_max"] == pytest.approx(40.0)
    # and 100 - 0.15 x 600 = 10 above the cap
    assert s["cap_excess_max"] == pytest.approx(10.0)
    assert s["survives"] is False
    assert s["max_drawdown"] == pytest.approx(-0.4)


def test_equity_shock_moves_truth_now_and_marks_later() -> None:
    # equity -40% in one day from the first day struck; private true value x (1 - 0.5 x 0.4)
    # = 0.8 at once; the reported mark follows 2 calendar days later.
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    sc = _scenario(
        {
            "kind": "equity",
            "change": -0.4,
            "over_days": 1,
            "private_beta": 0.5,
            "report_lag_days": 2,
        }
    )
    stressed, _ = apply_shocks(_path(5), sc)
    assert stressed.prices["EQ"].tolist() == pytest.approx([100, 60, 60, 60, 60])
    assert stressed.private_true.tolist() == pytest.approx([100, 80, 80, 80, 80])
    # days: Mon 3, Tue 4, Wed 5, Thu 6, Fri 7 March; the mark of day t is the truth factor of
    # the last day on or before t - 2 calendar days: Tue -> Sun (Mon's 1.0), Wed -> Mon (1.0),
    # Thu -> Tue (0.8)
    assert stressed.private_reported.tolist() == pytest.approx([100, 100, 100, 80, 80])
    res = run_stress(Design(v), _path(5), sc)
    # stale marks overstate the NAV on Tue and Wed: nav_true / nav < 1 there
    gap = (res.daily["nav_true"] / res.daily["nav_per_unit"]).to_numpy()
    assert gap[0] < 1.0 and gap[1] < 1.0
    assert gap[2] == pytest.approx(1.0) and gap[3] == pytest.approx(1.0)


def test_shortfall_paid_by_a_secondary_sale_by_hand() -> None:
    # A cash + private vehicle: NA 1000 = cash 900 + private 100, 100 units at $10.
    # Day 1: a redemption of $950 at NAV $10 -> 95 units redeemed, cash = 900 - 950 = -50:
    # a shortfall of $50 (no liquid sleeve to sell). NA after = 100 - 50 = 50.
    # Secondary at a 30% discount restores cash to the floor, 1% of NA = 0.50:
    # need = 0.50 + 50 = 50.50; f = 50.50 / (0.7 x 100) = 0.7214286; sold at NAV 72.142857,
    # proceeds 50.50, cost 21.642857. Private after 27.857143; NA = 50 - 21.642857 = 28.357143.
    # Day 2: NAV = 28.357143 / 5 units = 5.6714286.
    v = _vehicle(
        [
            {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.9},
            {"id": "private", "kind": "private", "band": 0.9},
        ],
        {"cash": 0.9, "private": 0.1},
        pmax=0.95,
    )
    sc = _scenario({"kind": "secondary", "discount": 0.3})
    res = run_stress(Design(v), _path(3, redemptions={1: 950.0}), sc)
    d, s = res.daily, res.summary
    assert d["shortfall"].iloc[0] == pytest.approx(50.0)
    assert d["secondary_sold"].iloc[0] == pytest.approx(72.142857, rel=1e-6)
    assert d["secondary_proceeds"].iloc[0] == pytest.approx(50.5)
    assert d["secondary_cost"].iloc[0] == pytest.approx(21.642857, rel=1e-6)
    assert d["cash"].iloc[0] == pytest.approx(0.5)
    assert d["net_assets"].iloc[0] == pytest.approx(28.357143, rel=1e-6)
    assert d["private_value"].iloc[1] == pytest.approx(27.857143, rel=1e-6)
    assert d["nav_per_unit"].iloc[1] == pytest.approx(5.6714286, rel=1e-6)
    assert s["shortfall_days"] == 1 and s["survives"] is False
    # nobody redeems after the sale: the stayers bear the whole discount
    assert s["secondary_cost_stayers"] == pytest.approx(21.642857, rel=1e-6)
    assert s["secondary_cost_leavers"] == pytest.approx(0.0)


def test_without_secondary_the_shortfall_stays() -> None:
    v = _vehicle(
        [
            {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.9},
            {"id": "private", "kind": "private", "band": 0.9},
        ],
        {"cash": 0.9, "private": 0.1},
        pmax=0.95,
    )
    res = run_stress(Design(v), _path(3, redemptions={1: 950.0}), _scenario())
    assert res.daily["shortfall"].tolist() == pytest.approx([50.0, 50.0])
    assert res.summary["secondary_sold"] == 0.0


def test_forced_liquid_sales_by_hand() -> None:
    # equity 800, cash 100, private 100. Day 1: a call of $150 from cash -> cash -50 before
    # trades; the private value rises by the call (250). The overdraft is covered by selling
    # $50 of equity: cash 0. Floor 1% of NA (1000) = 10, so the forced sale is
    # min(50 sold, 10 - (-50)) = 50.
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    path = _path(2, calls={1: 150.0})
    path = StressPath(
        **{
            **path.__dict__,
            "private_reported": path.private_reported + pd.Series([0.0, 150.0], index=path.days),
            "private_true": path.private_true + pd.Series([0.0, 150.0], index=path.days),
        }
    )
    res = run_stress(Design(v), path, _scenario())
    assert res.daily["forced_liquid_sales"].iloc[0] == pytest.approx(50.0)
    assert res.daily["cash"].iloc[0] == pytest.approx(0.0)
    assert res.summary["days_cash_below_floor"] == 1


def test_plan_withdrawal_under_a_gate_by_hand() -> None:
    # NA stays 1000 (flat prices, no fees). A plan holding 20% leaves on day 2 (2008-03-05):
    # 0.2 x 1000 = 200, gated at 5% of 1000 = 50 a quarter: 50 on path day 2 and 50 on day 65;
    # by the end (70 days) 100 is still queued.
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    sc = _scenario(
        {"kind": "plan_withdrawal", "share": 0.2, "start": dt.date(2008, 3, 5)},
        {"kind": "gate", "share_per_quarter": 0.05},
    )
    res = run_stress(Design(v), _path(70), sc)
    w = res.daily["plan_withdrawal"].to_numpy()
    assert np.flatnonzero(w).tolist() == [1, 64]  # daily rows start at path day 1
    assert w[1] == pytest.approx(50.0)
    assert w[64] == pytest.approx(50.0 * 1.0, rel=1e-12)
    assert res.summary["plan_withdrawals"] == pytest.approx(100.0)
    assert res.summary["queued_withdrawal_end"] == pytest.approx(100.0)
    # ungated: the whole 200 on the day
    res2 = run_stress(Design(v), _path(70), _scenario(sc.shocks[0].model_dump()))
    assert res2.summary["plan_withdrawals"] == pytest.approx(200.0)
    assert res2.summary["queued_withdrawal_end"] == 0.0


def test_after_days_dates_a_shock_from_the_path_start() -> None:
    # 2008-03-05 is path day 2: ``after_days = 2`` is the same withdrawal as ``start`` then,
    # whatever day the path starts (a projection from any day)
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    dated = _scenario({"kind": "plan_withdrawal", "share": 0.2, "start": dt.date(2008, 3, 5)})
    counted = _scenario({"kind": "plan_withdrawal", "share": 0.2, "after_days": 2})
    a = run_stress(Design(v), _path(10), dated).daily["plan_withdrawal"].to_numpy()
    b = run_stress(Design(v), _path(10), counted).daily["plan_withdrawal"].to_numpy()
    assert np.flatnonzero(b).tolist() == [1] and np.array_equal(a, b)
    with pytest.raises(InputError, match="not both"):
        _scenario(
            {"kind": "gate", "share_per_quarter": 0.05, "start": "2008-03-05", "after_days": 1}
        )


def test_withheld_distributions_stay_in_nav_by_hand() -> None:
    # Flat private value 100 before the day-1 distribution of 10, so 90 after it. Distributions
    # x 0.25: 2.5 paid, 7.5 withheld and carried at the sleeve's return (0 here): 97.5.
    sc = _scenario({"kind": "distributions", "multiplier": 0.25})
    p = _path(3, distributions={1: 10.0})
    p = StressPath(
        **{
            **p.__dict__,
            "private_reported": pd.Series([100.0, 90.0, 90.0], index=p.days),
            "private_true": pd.Series([100.0, 90.0, 90.0], index=p.days),
        }
    )
    stressed, _ = apply_shocks(p, sc)
    assert stressed.distributions.tolist() == pytest.approx([0.0, 2.5, 0.0])
    assert stressed.private_reported.tolist() == pytest.approx([100.0, 97.5, 97.5])


def test_calls_over_distributions_ratio_is_reached() -> None:
    p = _path(10, calls={2: 30.0, 5: 20.0}, distributions={3: 8.0, 6: 12.0})
    sc = _scenario({"kind": "calls_over_distributions", "ratios": {"2008": 2.5}})
    stressed, _ = apply_shocks(p, sc)
    assert stressed.calls.sum() / stressed.distributions.sum() == pytest.approx(2.5)
    # 50 of calls over 20 of distributions: the distributions are scaled by 50 / (2.5 x 20) = 1
    assert stressed.distributions.sum() == pytest.approx(20.0)


def test_private_share_scales_the_book() -> None:
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    res = run_stress(Design(v, private_share=0.05), _path(3, calls={1: 10.0}), _scenario())
    # the book is halved (100 -> 50 of 1000): the call too (10 -> 5)
    assert res.design["private_scale"] == pytest.approx(0.5)
    assert res.daily["calls"].iloc[0] == pytest.approx(5.0)
    # the path's private value does not rise with the call, so NA falls by the $5 paid:
    # 50 / 995
    assert res.daily["private_share"].iloc[0] == pytest.approx(50 / 995)


def test_design_vehicle_buffer() -> None:
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})
    d = design_vehicle(v, 0.2)
    w = d.glide_path[0].weights
    # equity gets 1 - 0.1 - 0.2 = 0.7 of what was 0.8 -> 0.7
    assert w["cash"] == pytest.approx(0.2) and w["equity"] == pytest.approx(0.7)
    assert sum(w.values()) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="exceeds 1"):
        design_vehicle(v, 0.95)
    with pytest.raises(ValueError):
        Design(v, buffer=1.5)


def test_size_buffer_bisects_to_the_threshold() -> None:
    # A runner that survives exactly when buffer >= 0.123 and private share <= 0.111.
    v = _vehicle(EQ_CASH_PRIV, {"equity": 0.8, "cash": 0.1, "private": 0.1})

    def runner(d: Design) -> list[StressResult]:
        ok_b = (d.buffer or 0.0) >= 0.123
        ok_s = d.private_share is None or d.private_share <= 0.111
        summary = {
            "shortfall_days": 0 if ok_b else 3,
            "days_above_cap": 0 if ok_s else 5,
            "forced_liquid_sales": 0.0,
            "net_assets_start": 1.0,
            "private_share_peak": 0.1,
        }
        return [StressResult("x", {}, pd.DataFrame(), summary)]

    out = size_buffer(Design(v), runner, tolerance=0.001)
    assert out.buffer is not None and 0.123 <= out.buffer <= 0.124
    assert out.private_share is not None and 0.110 <= out.private_share <= 0.111
    assert len(out.trials) > 5


def test_passes_criteria() -> None:
    s = {
        "shortfall_days": 0,
        "days_above_cap": 0,
        "forced_liquid_sales": 50.0,
        "net_assets_start": 1e6,
    }
    assert passes(s)
    assert passes(s, ("forced_sales",))  # 50 <= 1 bp of 1e6 = 100
    assert not passes({**s, "forced_liquid_sales": 500.0}, ("forced_sales",))
    with pytest.raises(ValueError, match="unknown"):
        passes(s, ("nope",))


def test_builtin_scenarios_load() -> None:
    ids = set(builtin_scenario_paths())
    assert {"gfc-2008-09", "dotcom-2000-02", "euro-2011", "late-2018"} <= ids
    gfc = load_scenario("gfc-2008-09")
    assert gfc.base.kind == "replay"
    ratio = gfc.shocks[0]
    assert ratio.kind == "calls_over_distributions" and ratio.ratios == {"2008": 2.5, "2009": 1.9}


def test_scenario_file_errors_name_the_key(tmp_path: Path) -> None:
    f = tmp_path / "bad.toml"
    f.write_text(
        '[scenario]\nid = "x"\n[base]\nkind = "replay"\nstart = 2008-01-01\nend = 2007-01-01\n'
        '[[shocks]]\nkind = "equity"\nchange = -1.5\n'
    )
    with pytest.raises(InputError) as info:
        Scenario.from_toml(f)
    text = str(info.value)
    # the house format of every input file: the dotted key, the shock by its index
    assert "bad.toml" in text and "shocks[0].change" in text
    with pytest.raises(InputError, match="no such file"):
        load_scenario(tmp_path / "missing.toml")


def test_parse_shock() -> None:
    assert parse_shock("equity=-0.4") == {"kind": "equity", "change": -0.4}
    assert parse_shock("calls=1.5") == {"kind": "calls", "multiplier": 1.5}
    assert parse_shock("plan-withdrawal=0.1@2009-01-15")["start"] == dt.date(2009, 1, 15)
    with pytest.raises(ValueError, match="unknown kind"):
        parse_shock("volcano=1")
    with pytest.raises(ValueError, match="KIND=VALUE"):
        parse_shock("equity")
