"""The fee stack: the file, the management schedule, gross to net per layer, the break-even."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import tomllib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.errors import InputError
from altsleeve.fees import (
    Deal,
    FeeStack,
    Management,
    VehicleLayer,
    benchmark_return,
    breakeven,
    gross_to_net,
    management_fee_schedule,
    representative_cases,
    required_net,
    sample_stack_path,
)
from altsleeve.fees._gross import deal_flows, xirr

BASE: dict[str, Any] = tomllib.loads(sample_stack_path().read_text(encoding="utf-8"))
STACK = FeeStack.from_mapping(BASE)
VEHICLE = [VehicleLayer("trustee", 5.0), VehicleLayer("wrapper", 30.0)]


def _error(d: dict[str, Any]) -> str:
    with pytest.raises(InputError) as info:
        FeeStack.from_mapping(d, label="s.toml")
    return str(info.value)


# -- the file ---------------------------------------------------------------------------------


def test_sample_stack_has_the_domain_levels() -> None:
    buyout, evergreen = STACK.funds
    assert buyout.kind == "drawdown" and evergreen.kind == "evergreen"
    assert buyout.management is not None and buyout.management.rate == 0.02
    assert buyout.carry is not None
    assert (buyout.carry.rate, buyout.carry.preferred_return, buyout.carry.catch_up) == (
        0.20,
        0.08,
        1.0,
    )
    assert evergreen.management is not None and evergreen.management.rate == 0.0125
    assert evergreen.incentive is not None
    assert (evergreen.incentive.rate, evergreen.incentive.hurdle) == (0.125, 0.05)
    assert STACK.fund_of_funds is not None


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (lambda d: d["funds"][0]["carry"].update(rate=1.5), "key 'funds[0].carry.rate'"),
        (lambda d: d["funds"][0]["carry"].update(catch_up=0.1), "key 'funds[0].carry.catch_up'"),
        (lambda d: d["funds"][1]["incentive"].update(hurdel=0.05), "'funds[1].incentive.hurdel'"),
        (lambda d: d["funds"][1]["management"].update(basis="commitment"), "'funds[1].management'"),
        (lambda d: d["funds"][0].update(weight=0.5), "key 'funds': funds weights sum to 0.8"),
        (lambda d: d["funds"][1].update(id="buyout"), "key 'funds[1].id': fund ids repeat"),
        (lambda d: d["funds"][0].update(kind="hedge"), "key 'funds[0]'"),
        (lambda d: d["fund_of_funds"]["management"].update(basis="invested"), "fund_of_funds."),
        (lambda d: d["stack"].pop("name"), "key 'stack.name': Field required"),
    ],
)
def test_bad_stack_names_file_and_key(mutate: Any, expected: str) -> None:
    d = copy.deepcopy(BASE)
    mutate(d)
    msg = _error(d)
    assert msg.startswith("s.toml: ") and expected in msg, msg


def test_bad_files(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nope\.toml: file not found"):
        FeeStack.from_toml(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[stack\nname = 1\n")
    with pytest.raises(InputError, match=r"bad\.toml: not valid TOML"):
        FeeStack.from_toml(bad)


# -- management fees ---------------------------------------------------------------------------


def test_management_schedule_with_step_down_by_hand() -> None:
    # $100m committed on 2010-01-01; 2% on commitment for 1 year, then 1.5% on invested capital.
    # One deal of $40m made 2010-01-01, realised 2011-07-01.
    # Q1 2010 (90 days): 0.02 x 100m x 90/365 = 493,150.68; Q2 (91 days): 498,630.14 ...
    # Q1 2011 (one year in): 0.015 x 40m x 90/365 = 147,945.21; Q3 2011: invested 0 -> 0.
    deal = Deal("a", dt.date(2010, 1, 1), 40e6, dt.date(2011, 7, 1), 60e6)
    m = Management(
        basis="commitment",
        rate=0.02,
        step_down_after_years=1,
        step_down_basis="invested",
        step_down_rate=0.015,
    )
    s = management_fee_schedule(
        m, start=dt.date(2010, 1, 1), end=dt.date(2012, 1, 1), commitment=100e6, deals=[deal]
    )
    assert len(s) == 8
    assert round(s["fee"].iloc[0], 2) == 493_150.68
    assert round(s["fee"].iloc[1], 2) == 498_630.14
    assert list(s["basis"]) == ["commitment"] * 4 + ["invested"] * 4
    assert round(s["fee"].iloc[4], 2) == 147_945.21
    assert s["fee"].iloc[6] == 0.0 and s["fee"].iloc[7] == 0.0


# -- gross to net ------------------------------------------------------------------------------


def test_representative_cases_hit_the_stated_gross_return() -> None:
    cases = representative_cases(STACK, 0.15)
    buyout = cases["buyout"]
    assert xirr(*deal_flows(buyout.deals)) == pytest.approx(0.15, abs=1e-9)  # type: ignore[union-attr]
    res = gross_to_net(STACK, VEHICLE, cases)
    assert res.gross_irr == pytest.approx(0.15, abs=1e-9)
    assert [r.size for r in res.routes] == [70e6, 30e6]


def test_sample_stack_layers_take_money_in_order() -> None:
    res = gross_to_net(STACK, VEHICLE, representative_cases(STACK, 0.15))
    keys = [x.spec.key for x in res.sleeve]
    assert keys == [
        "fund.management",
        "fund.performance",
        "fof.management",
        "fof.performance",
        "vehicle.trustee",
        "vehicle.wrapper",
    ]
    irrs = [res.gross_irr] + [x.irr_after for x in res.sleeve]
    assert all(b <= a + 1e-12 for a, b in itertools.pairwise(irrs))
    assert all(x.dollars > 0 for x in res.sleeve)
    assert res.total_bp_per_year == pytest.approx(sum(x.bp_per_year for x in res.sleeve))
    # the drags add up to the total drag
    assert sum(x.drag_bp for x in res.sleeve) == pytest.approx(
        1e4 * (res.gross_irr - res.net_irr), abs=1e-6
    )
    # an evergreen fund's vehicle layer takes its bp of NAV (of the NAV it is charged on)
    ev = res.routes[1]
    assert ev.layers[-1].dollars < 30e-4 * ev.nav_years


@st.composite
def stacks(draw: st.DrawFn) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    rate = st.floats(min_value=0.0, max_value=0.03)
    k = draw(st.floats(min_value=0.0, max_value=0.3))
    d["funds"][0]["management"].update(rate=draw(rate), step_down_rate=draw(rate))
    d["funds"][0]["carry"].update(
        rate=k,
        preferred_return=draw(st.floats(min_value=0.0, max_value=0.1)),
        waterfall=draw(st.sampled_from(["european", "american"])),
    )
    d["funds"][1]["management"].update(rate=draw(rate))
    d["funds"][1]["incentive"].update(rate=draw(st.floats(min_value=0.0, max_value=0.2)))
    d["fund_of_funds"]["management"].update(rate=draw(rate))
    d["fund_of_funds"]["carry"].update(rate=draw(st.floats(min_value=0.0, max_value=0.1)))
    return d


def _by(flows: tuple[tuple[dt.date, float], ...], day: dt.date) -> float:
    return sum(a for d, a in flows if d <= day)


@settings(max_examples=15, deadline=None)
@given(
    stacks(),
    st.floats(min_value=-0.05, max_value=0.3),
    st.floats(min_value=0.0, max_value=50.0),
    st.sampled_from(["constant", "history"]),
)
def test_net_never_above_gross_at_any_layer(
    d: dict[str, Any], gross: float, bp: float, path: str
) -> None:
    stack = FeeStack.from_mapping(d)
    res = gross_to_net(
        stack,
        [VehicleLayer("wrapper", bp)],
        representative_cases(stack, gross, horizon_years=8, evergreen_path=path),
    )
    for route in res.routes:
        before = route.gross
        for layer in route.layers:
            after = layer.position
            assert after is not None
            # by every date: no less paid in, no more received (NAV left counts on the end date)
            for day in {d for d, _ in before.calls + after.calls + before.dists + after.dists}:
                assert _by(after.calls, day) >= _by(before.calls, day) - 1e-6
                assert _by(after.dists, day) <= _by(before.dists, day) + 1e-6
            assert after.value_out <= before.value_out + 1e-6
            # hence a lower IRR, wherever IRRs are >= 0 (below 0 a later receipt is worth more:
            # a clawback paid back at the end can then raise the IRR although no dollar is added)
            if before.irr >= 0:
                assert after.irr <= before.irr + 1e-9
            assert layer.dollars >= -1e-9
            before = after


def test_zero_rates_give_net_equal_to_gross_at_every_layer() -> None:
    d = copy.deepcopy(BASE)
    d["funds"][0]["management"].update(rate=0.0, step_down_rate=0.0)
    d["funds"][0]["carry"].update(rate=0.0)
    d["funds"][1]["management"].update(rate=0.0)
    d["funds"][1]["incentive"].update(rate=0.0)
    d["fund_of_funds"]["management"].update(rate=0.0)
    d["fund_of_funds"]["carry"].update(rate=0.0)
    stack = FeeStack.from_mapping(d)
    res = gross_to_net(stack, [VehicleLayer("wrapper", 0.0)], representative_cases(stack, 0.12))
    for route in res.routes:
        for layer in route.layers:
            assert layer.dollars == 0.0
            assert layer.position is not None
            assert layer.position.irr == pytest.approx(route.gross.irr, abs=1e-12)
            assert layer.position.value_out == pytest.approx(route.gross.value_out, rel=1e-12)


# -- break-even --------------------------------------------------------------------------------


def test_benchmark_is_the_real_market_history() -> None:
    # docs/marketdata.md golden value: FF market total return 1927-01..2018-11, 1,103 months,
    # 9.8899% a year.
    b = benchmark_return()
    assert b.months == 1103
    assert round(b.value, 6) == 0.098899
    capm = benchmark_return(beta=0.5)
    assert b.risk_free < capm.value < b.market


def test_required_net_formulas() -> None:
    # index-fund alternative: w (s - (b - c)) = (1 - w) V  ->  s = b - c + (1 - w) V / w
    # = 0.10 - 0.0005 + 0.9 x 0.0035 / 0.1 = 0.0995 + 0.0315 = 0.131
    assert required_net(0.10, 0.10, 0.0005, 0.0035, False) == pytest.approx(0.131)
    # same vehicle without the sleeve: s = b - c - V
    assert required_net(0.10, 0.10, 0.0005, 0.0035, True) == pytest.approx(0.0960)


def test_breakeven_per_layer_is_cumulative_and_rises() -> None:
    res = breakeven(
        STACK,
        VEHICLE,
        benchmark=0.10,
        private_weight=0.10,
        alternative_bp=5.0,
        same_wrapper=False,
        xtol=1e-6,
    )
    assert next(r.spec.key for r in res.rows) == "gross"
    # with no fees the sleeve only has to match the index fund net of its 5 bp
    assert res.rows[0].excess == pytest.approx(-0.0005, abs=1e-5)
    excess = [r.excess for r in res.rows]
    assert all(b > a for a, b in itertools.pairwise(excess))
    # at the break-even the sleeve's net return is the required one
    last = res.rows[-1]
    cases = representative_cases(STACK, 0.10 + last.excess)
    net = gross_to_net(STACK, VEHICLE, cases).net_irr
    assert net == pytest.approx(last.required_net, abs=1e-5)
    same = breakeven(
        STACK, VEHICLE, benchmark=0.10, private_weight=0.10, same_wrapper=True, xtol=1e-6
    )
    # with the same wrapper on both sides the vehicle layers add only a few bp
    assert same.total < res.total
    assert abs(same.rows[-1].excess - same.rows[-3].excess) < 0.001


@pytest.mark.parametrize("commitment", [68e6, 70e6, 71e6, 74e6, 75e6, 100e6, 101e6])
def test_representative_drawdown_solves_at_any_size(commitment: float) -> None:
    """pyxirr has no answer for the nearly-total-loss flows at -90% growth for some commitment
    sizes (68m, 71m, 74m and up, but not 70m); the solver starts its bracket at the lowest
    growth pyxirr can price, so the gross IRR is hit at any size."""
    from altsleeve.fees import representative_drawdown

    case = representative_drawdown(0.164, commitment=commitment)
    assert xirr(*deal_flows(case.deals)) == pytest.approx(0.164, abs=1e-9)


# -- issue 17, item 2: a wrapper the vehicle charges anyway is not the sleeve's cost --------------


def test_gh_17_breakeven_does_not_charge_the_wrapper_to_the_sleeve() -> None:
    """By default the 30 bp wrapper added +362 bp and the 5 bp trustee +61 bp to the sleeve's
    break-even, because layers the vehicle charges on all its assets were divided by the sleeve's
    weight (at a 1% sleeve the sleeve 'needed' 44.5% a year). The default question is now the
    sleeve's: the same vehicle without the sleeve, which pays the same wrapper. Vehicle layers
    with no incremental part add only timing, and the break-even hardly depends on the weight."""
    b = benchmark_return().value
    at = {
        w: breakeven(STACK, VEHICLE, benchmark=b, private_weight=w, xtol=1e-6) for w in (0.01, 0.10)
    }
    for res in at.values():
        assert res.same_wrapper
        for r in res.rows:
            if r.spec.level == "vehicle":
                assert abs(r.increment) < 0.0010, (r.spec.key, r.increment)
    assert abs(at[0.01].total - at[0.10].total) < 0.0005
    assert b + at[0.01].total < 0.16  # not 44.5%
    # the vehicle-level comparison is still there, as its own figure: the whole vehicle against
    # an index target-date fund at the same 5 bp, wrapper and all
    index = breakeven(
        STACK, VEHICLE, benchmark=b, private_weight=0.10, same_wrapper=False, xtol=1e-6
    )
    assert at[0.10].vehicle_vs_index == pytest.approx(index.total, abs=1e-5)
    assert index.total > at[0.10].total + 9 * 0.0035 - 0.001


def test_gh_17_incremental_vehicle_fees_are_the_sleeves_cost() -> None:
    """A wrapper that charges 5 bp of its 30 more because the vehicle holds the sleeve: those
    5 bp, charged on all assets, are the sleeve's cost, so it must earn 5 / w bp more; the base
    25 bp cancel. required_net: ``b - c - V + I / w``."""
    assert required_net(0.10, 0.10, 0.0005, 0.0035, True, 0.0005) == pytest.approx(0.1010)
    layers = [VehicleLayer("trustee", 5.0), VehicleLayer("wrapper", 30.0, incremental_bp=5.0)]
    res = breakeven(STACK, layers, benchmark=0.10, private_weight=0.10, xtol=1e-6)
    base = breakeven(STACK, VEHICLE, benchmark=0.10, private_weight=0.10, xtol=1e-6)
    extra = res.rows[-1].increment - base.rows[-1].increment
    # 50 bp more net; gross, more than that, since the performance layers take a share of it
    assert 0.0050 < extra < 0.0075
    assert res.rows[-1].required_net == pytest.approx(base.rows[-1].required_net + 0.005)
    with pytest.raises(ValueError, match="incremental"):
        VehicleLayer("wrapper", 30.0, incremental_bp=31.0)


def test_gh_17_beta_benchmark_compounds_the_levered_monthly_series() -> None:
    """Issue 17, item 4: ``--beta`` applied ``rf + beta (m - rf)`` to the geometric annual
    returns, 41 bp a year above the annualised return of the levered monthly series at beta 1.2.
    The benchmark now compounds ``rf_t + beta (m_t - rf_t)`` month by month; beta 1 is still the
    market and beta 0 the T-bills."""
    from altsleeve.fees._gross import market_monthly

    m = market_monthly()
    m = m[(m["month"] >= 192701) & (m["month"] <= 201811)]
    rf, mkt = m["rf"].to_numpy(), m["market"].to_numpy()
    for beta in (0.0, 0.5, 1.0, 1.2, 2.0):
        levered = rf + beta * (mkt - rf)
        expected = float(np.prod(1.0 + levered) ** (12.0 / len(m)) - 1.0)
        assert benchmark_return(beta).value == pytest.approx(expected, abs=1e-12), beta
    b = benchmark_return()
    assert benchmark_return(1.0).value == pytest.approx(b.market, abs=1e-12)
    assert benchmark_return(0.0).value == pytest.approx(b.risk_free, abs=1e-12)
    # the old formula overstated beta 1.2 by about 41 bp
    old = b.risk_free + 1.2 * (b.market - b.risk_free)
    assert old - benchmark_return(1.2).value == pytest.approx(0.0041, abs=0.0002)
