"""The pacing planner and the book state: targets met, the cap held, point in time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from altsleeve.pacing import (
    STATE_COLUMNS,
    PlannerSettings,
    Scenarios,
    StochasticSettings,
    VehicleOutlook,
    book_state,
    new_commitment_rows,
    plan_commitments,
    state_frame,
)

SERIES = ("FF_MKT_TR", "BOND_AAA_TR", "BOND_BAA_TR", "CASH_TBILL")


def _scenarios(n_paths: int, n_quarters: int, sd: float = 0.0, seed: int = 1) -> Scenarios:
    rng = np.random.default_rng(seed)
    mean = np.array([0.02, 0.012, 0.014, 0.008])
    logs = mean + sd * rng.standard_normal((n_paths, n_quarters, len(SERIES)))
    return Scenarios(
        series=SERIES,
        log_returns=logs,
        mean_log=mean,
        var_log=np.full(len(SERIES), sd**2),
        source_start=pd.Timestamp("1926-12-31"),
        source_end=pd.Timestamp("2002-12-31"),
        block_quarters=4.0,
        seed=seed,
    )


def _outlook(n_q: int, net_assets: float = 1e9, max_: float = 0.15) -> VehicleOutlook:
    ends = pd.date_range("2003-03-31", periods=n_q, freq="QE")
    weights = pd.DataFrame(
        {"FF_MKT_TR": 0.9, "BOND_AAA_TR": 0.08, "BOND_BAA_TR": 0.0, "CASH_TBILL": 0.02},
        index=ends,
    )
    return VehicleOutlook(
        net_assets=net_assets,
        quarter_ends=ends,
        private_target=np.full(n_q, 0.10),
        private_max=max_,
        private_band=0.05,
        liquid_weights=weights,
    )


def _empty_state() -> pd.DataFrame:
    return pd.DataFrame(columns=list(STATE_COLUMNS))


def test_settings_reject_impossible_values() -> None:
    with pytest.raises(ValueError, match="mix"):
        PlannerSettings(mix=(("buyout", 0.5),))
    with pytest.raises(ValueError, match="cap_quantile"):
        PlannerSettings(cap_quantile=0.3)
    with pytest.raises(ValueError, match="aim"):
        PlannerSettings(aim="somewhere")


@pytest.mark.parametrize("aim", ["point", "average"])
def test_empty_book_first_commitment_meets_the_target(aim: str) -> None:
    planner = PlannerSettings(years=3, lead_years=3, net_flow_rate=0.0, fee_rate=0.0, aim=aim)
    n_q = 4 * (planner.years + planner.lead_years)
    settings = StochasticSettings(
        n_paths=64, n_quarters=n_q, call_rate_sd=0.0, distribution_rate_sd=0.0, seed=3
    )
    plan = plan_commitments(_empty_state(), _scenarios(64, n_q), settings, _outlook(n_q), planner)
    first = plan.commitments[plan.commitments["year"] == 1]
    assert first["commitment"].sum() > 0
    mix = dict(planner.mix)
    for r in first.to_dict(orient="records"):
        assert r["commitment"] == pytest.approx(first["commitment"].sum() * mix[r["asset_class"]])
    if aim == "point":
        # With only the first year's commitment, the median share 3 years on is the target.
        assert plan.yearly["year"].tolist() == [1, 2, 3]
        alone = plan_commitments(
            _empty_state(),
            _scenarios(64, n_q),
            settings,
            _outlook(n_q),
            PlannerSettings(years=1, lead_years=5, net_flow_rate=0.0, fee_rate=0.0),
        )
        assert alone.commitments["commitment"].sum() > 0
    # accounting: net assets = private NAV + liquid on every path and quarter
    np.testing.assert_allclose(
        plan.paths["net_assets"], plan.paths["nav"] + plan.paths["liquid"], rtol=1e-12
    )
    assert (plan.share["q05"] <= plan.share["q50"]).all()
    assert (plan.share["q50"] <= plan.share["q95"]).all()


def test_point_aim_hits_the_target_at_the_horizon() -> None:
    planner = PlannerSettings(years=1, lead_years=3, net_flow_rate=0.0, fee_rate=0.0, aim="point")
    n_q = 16
    settings = StochasticSettings(n_paths=32, n_quarters=n_q, seed=5)
    plan = plan_commitments(
        _empty_state(), _scenarios(32, n_q, sd=0.05), settings, _outlook(n_q), planner
    )
    assert plan.share["q50"].iloc[11] == pytest.approx(0.10, abs=1e-4)


def test_cap_holds_the_quantile_below_the_maximum() -> None:
    planner = PlannerSettings(
        years=2, lead_years=3, net_flow_rate=0.0, fee_rate=0.0, cap_quantile=0.95
    )
    n_q = 20
    settings = StochasticSettings(n_paths=200, n_quarters=n_q, seed=7)
    outlook = _outlook(n_q, max_=0.11)
    plan = plan_commitments(
        _empty_state(), _scenarios(200, n_q, sd=0.08), settings, outlook, planner
    )
    assert (plan.share["q95"] <= 0.11 + 1e-6).all()
    uncapped = plan_commitments(
        _empty_state(), _scenarios(200, n_q, sd=0.08), settings, _outlook(n_q, max_=0.5), planner
    )
    assert plan.commitments["commitment"].sum() < uncapped.commitments["commitment"].sum()


def test_a_book_already_above_the_maximum_gets_no_commitment() -> None:
    rows = new_commitment_rows({"buyout": 400e6}, 0)
    rows[0].update(paid_in=300e6, nav=300e6, age_quarters=12)
    planner = PlannerSettings(years=1, lead_years=2, net_flow_rate=0.0, fee_rate=0.0)
    n_q = 12
    settings = StochasticSettings(n_paths=32, n_quarters=n_q, seed=2)
    plan = plan_commitments(
        state_frame(rows), _scenarios(32, n_q), settings, _outlook(n_q), planner
    )
    assert plan.commitments["commitment"].sum() == 0.0
    assert plan.yearly["p_above_max"].iloc[0] > 0.5


HOLDINGS = pd.DataFrame(
    {
        "holding_id": ["A", "B"],
        "name": ["Fund A", "Fund B"],
        "asset_class": ["buyout", "real_estate"],
        "vehicle_type": ["drawdown", "evergreen"],
        "commitment": [10e6, 5e6],
    }
)


def _flows(end_year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    q_ends = pd.date_range("2004-03-31", f"{end_year}-12-31", freq="QE")
    cf = pd.DataFrame(
        {
            "holding_id": "A",
            "date": q_ends - pd.Timedelta(days=20),
            "kind": "call",
            "amount": 300_000.0,
        }
    )
    cf = pd.concat(
        [
            cf,
            pd.DataFrame(
                {
                    "holding_id": ["B"],
                    "date": [pd.Timestamp("2005-01-10")],
                    "kind": ["call"],
                    "amount": [5e6],
                }
            ),
        ],
        ignore_index=True,
    )
    st = pd.DataFrame(
        {
            "holding_id": "A",
            "as_of": q_ends,
            "known_on": q_ends + pd.Timedelta(days=90),
            "nav": 300_000.0 * np.arange(1, len(q_ends) + 1),
        }
    )
    return cf, st


def test_book_state_is_point_in_time() -> None:
    cf, st = _flows(2008)
    early = book_state(HOLDINGS, cf, st, "2007-06-30")
    cf_late, st_late = _flows(2012)
    later_known = book_state(HOLDINGS, cf_late, st_late, "2007-06-30")
    pd.testing.assert_frame_equal(early, later_known)
    a = early.set_index("holding_id").loc["A"]
    assert a["paid_in"] == pytest.approx(300_000.0 * 14)  # 2004Q1..2007Q2
    assert a["age_quarters"] == 14
    assert a["params_source"] == "calibrated"
    # the last mark known by 2007-06-30 is 2007-03-31's (known 90 days later, on 2007-06-29);
    # the call of 2007-06-10 after it is added
    assert a["last_mark_date"] == pd.Timestamp("2007-03-31")
    assert a["nav"] == pytest.approx(300_000.0 * 13 + 300_000.0)
    b = early.set_index("holding_id").loc["B"]
    assert b["vehicle_type"] == "evergreen" and b["commitment"] == 0.0
    assert b["gate_per_quarter"] == pytest.approx(0.05)


def test_young_holdings_use_class_defaults() -> None:
    cf, st = _flows(2008)
    state = book_state(HOLDINGS, cf, st, "2004-09-30")
    a = state.set_index("holding_id").loc["A"]
    assert a["params_source"] == "class default"
    assert a["rate_of_contribution"] == (0.25, 0.333, 0.5)


def test_gh17_vehicle_fee_is_charged_on_all_net_assets() -> None:
    """Issue 17 item 4: the fee is on all net assets (private NAV too), not on liquid only."""
    rows = new_commitment_rows({"real_estate": 300e6}, 0)
    rows[0].update(paid_in=300e6, nav=300e6, age_quarters=12)
    n_q = 12
    settings = StochasticSettings(n_paths=16, n_quarters=n_q, seed=3)
    liquid = {}
    for fee in (0.0, 0.04):
        planner = PlannerSettings(years=1, lead_years=2, net_flow_rate=0.0, fee_rate=fee)
        plan = plan_commitments(
            state_frame(rows), _scenarios(16, n_q), settings, _outlook(n_q), planner
        )
        assert plan.commitments["commitment"].sum() == 0.0  # 30% private: nothing to commit
        liquid[fee] = plan.paths["liquid"][:, 0]
    fee_q = 1.0 - (1.0 - 0.04) ** 0.25
    # first quarter: the fee on the whole $1bn, not on the $700m liquid part only
    np.testing.assert_allclose(liquid[0.0] - liquid[0.04], fee_q * 1e9, rtol=1e-9)
