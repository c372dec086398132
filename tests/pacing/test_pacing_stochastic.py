"""Stochastic Takahashi-Alexander projection: the deterministic limit, invariances, identities."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.pacing import CLASS_DEFAULTS, project_from_state, to_period_growth
from altsleeve.pacing._stochastic import (
    STATE_COLUMNS,
    VARIABLES,
    Scenarios,
    StochasticSettings,
    bootstrap_scenarios,
    project_stochastic,
    quarterly_returns,
    simulate_holdings,
    state_frame,
)

NAN = math.nan


def row(holding_id: str, asset_class: str = "buyout", **overrides: Any) -> dict[str, Any]:
    """A drawdown holding with the class defaults, no calls yet, linked to ``EQ``."""
    p = CLASS_DEFAULTS[asset_class]
    r: dict[str, Any] = {
        "holding_id": holding_id,
        "asset_class": asset_class,
        "vehicle_type": "drawdown",
        "commitment": 100.0,
        "paid_in": 0.0,
        "nav": 0.0,
        "age_quarters": 0,
        "start_quarter": 0,
        "rate_of_contribution": p.rate_of_contribution,
        "life": p.life,
        "bow": p.bow,
        "growth": p.growth,
        "yield_": p.yield_,
        "beta": 1.0,
        "idio_vol": 0.2,
        "proxy": "EQ",
        "redemption_rate": NAN,
        "gate_per_quarter": NAN,
    }
    r.update(overrides)
    return r


def perpetual(holding_id: str, **overrides: Any) -> dict[str, Any]:
    base = {
        "vehicle_type": "evergreen",
        "asset_class": "real_estate",
        "commitment": 0.0,
        "paid_in": 80.0,
        "nav": 90.0,
        "life": NAN,
        "bow": NAN,
        "growth": 0.07,
        "yield_": 0.05,
        "rate_of_contribution": (),
        "redemption_rate": 0.1,
        "gate_per_quarter": 0.05,
        "proxy": "BOND",
    }
    base.update(overrides)
    return row(holding_id, **base)


def flat_scenarios(n_paths: int, n_quarters: int, m: float = 0.02) -> Scenarios:
    """Every return equal to its historical mean, zero variance: the deterministic limit."""
    return Scenarios(
        series=("EQ", "BOND"),
        log_returns=np.tile(np.array([m, m / 2]), (n_paths, n_quarters, 1)),
        mean_log=np.array([m, m / 2]),
        var_log=np.zeros(2),
        source_start=pd.Timestamp("2000-03-31"),
        source_end=pd.Timestamp("2010-12-31"),
        block_quarters=4.0,
        seed=0,
    )


def history(n_quarters: int = 60, seed: int = 7) -> pd.DataFrame:
    """Synthetic quarterly returns of an equity-like and a bond-like series (correlated)."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n_quarters, 2))
    eq = 0.02 + 0.08 * z[:, 0]
    bond = 0.01 + 0.02 * (0.3 * z[:, 0] + 0.95 * z[:, 1])
    index = pd.date_range("2000-03-31", periods=n_quarters, freq="QE")
    return pd.DataFrame({"EQ": eq, "BOND": bond}, index=index)


@pytest.fixture(scope="module")
def book() -> pd.DataFrame:
    rows = [
        row("B0"),
        row("V1", "venture", age_quarters=12, paid_in=70.0, nav=85.0),
        row("C2", "private_credit", age_quarters=20, paid_in=90.0, nav=60.0, beta=0.5),
        row("R3", "real_estate", start_quarter=3),
        perpetual("E4"),
        row("I5", "infrastructure", age_quarters=50, paid_in=95.0, nav=120.0),
        row("B6", age_quarters=47, paid_in=100.0, nav=30.0),
        perpetual("E7", redemption_rate=0.0, start_quarter=2),
        row("B8", commitment=250.0, start_quarter=6),
        row("V9", "venture", age_quarters=3, paid_in=20.0, nav=19.0, idio_vol=0.5),
        row("C10", "private_credit"),
    ]
    return state_frame(rows)


@pytest.fixture(scope="module")
def scen() -> Scenarios:
    return bootstrap_scenarios(history(), n_paths=64, n_quarters=16, seed=3)


SET = StochasticSettings(n_paths=64, n_quarters=16, seed=11)


# --- the deterministic limit -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("asset_class", "age", "paid_in", "nav", "start"),
    [
        ("buyout", 0, 0.0, 0.0, 0),
        ("venture", 10, 60.0, 70.0, 0),
        ("private_credit", 6, 55.0, 40.0, 0),
        ("infrastructure", 0, 0.0, 0.0, 5),
        ("real_estate", 30, 95.0, 110.0, 0),
    ],
)
def test_without_noise_a_drawdown_holding_follows_project_from_state(
    asset_class: str, age: int, paid_in: float, nav: float, start: int
) -> None:
    n_q = 64  # beyond every class's life from these ages
    state = state_frame(
        [
            row(
                "H",
                asset_class,
                age_quarters=age,
                paid_in=paid_in,
                nav=nav,
                start_quarter=start,
                idio_vol=0.0,
                beta=1.3,
            )
        ]
    )
    quiet = StochasticSettings(
        n_paths=3, n_quarters=n_q, call_rate_sd=0.0, distribution_rate_sd=0.0
    )
    paths = simulate_holdings(state, flat_scenarios(3, n_q), quiet)
    p = CLASS_DEFAULTS[asset_class]
    ref = project_from_state(
        p, 100.0, paid_in=paid_in, nav=nav, age_periods=age, n_periods=n_q - start
    )
    t = (age + np.arange(1, n_q - start + 1)) / 4.0
    in_life = t < p.life
    for k in range(3):
        for name in ("call", "distribution", "nav", "paid_in"):
            got = getattr(paths, name)[0, k]
            assert np.all(got[:start] == 0.0)
            np.testing.assert_allclose(got[start:], ref[name], rtol=1e-9, atol=1e-9)
        unfunded = paths.unfunded[0, k, start:]
        np.testing.assert_allclose(
            unfunded[in_life], ref["unfunded"][in_life], rtol=1e-9, atol=1e-9
        )
        assert np.all(unfunded[~in_life] == 0.0)  # the commitment lapses at the end of life


def test_a_perpetual_vehicle_pays_yield_plus_gated_redemptions() -> None:
    state = state_frame([perpetual("E", idio_vol=0.0, redemption_rate=0.3)])
    quiet = StochasticSettings(n_paths=2, n_quarters=8)
    paths = simulate_holdings(state, flat_scenarios(2, 8), quiet)
    g = to_period_growth(0.07, 4)
    rate = (1 - 0.95**0.25) + min(1 - 0.7**0.25, 0.05)  # the 5 % gate binds
    nav, expected_nav, expected_dist = 90.0, [], []
    for _ in range(8):
        expected_dist.append(nav * (1 + g) * rate)
        nav = nav * (1 + g) * (1 - rate)
        expected_nav.append(nav)
    np.testing.assert_allclose(paths.distribution[0, 1], expected_dist, rtol=1e-12)
    np.testing.assert_allclose(paths.nav[0, 1], expected_nav, rtol=1e-12)
    assert np.all(paths.call == 0.0) and np.all(paths.unfunded == 0.0)
    assert np.all(paths.paid_in == 80.0)


# --- invariances ------------------------------------------------------------------------------


def test_same_seed_same_paths_other_seed_other_paths(book: pd.DataFrame, scen: Scenarios) -> None:
    a = simulate_holdings(book, scen, SET)
    b = simulate_holdings(book, scen, SET)
    c = simulate_holdings(book, scen, StochasticSettings(n_paths=64, n_quarters=16, seed=12))
    for name in (*VARIABLES, "paid_in"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert not np.array_equal(a.call, c.call)
    assert a.holding_ids == tuple(book["holding_id"])


def test_a_holdings_paths_depend_on_its_row_not_on_the_rest_of_the_book(
    book: pd.DataFrame, scen: Scenarios
) -> None:
    whole = simulate_holdings(book, scen, SET)
    alone = simulate_holdings(book.iloc[[0]], scen, SET)
    np.testing.assert_array_equal(whole.nav[0], alone.nav[0])


def test_results_do_not_depend_on_the_chunk_size(book: pd.DataFrame, scen: Scenarios) -> None:
    runs = [project_stochastic(book, scen, SET, chunk_holdings=c) for c in (1, 3, 7, 50)]
    first = runs[0]
    for other in runs[1:]:
        pd.testing.assert_frame_equal(
            first.holding_quantiles, other.holding_quantiles, check_exact=True
        )
        pd.testing.assert_frame_equal(
            first.sleeve_quantiles, other.sleeve_quantiles, check_exact=True
        )
        for name in VARIABLES:
            np.testing.assert_array_equal(first.sleeve_paths[name], other.sleeve_paths[name])


def test_projection_summarises_the_simulated_paths(book: pd.DataFrame, scen: Scenarios) -> None:
    proj = project_stochastic(book, scen, SET, chunk_holdings=4)
    paths = simulate_holdings(book, scen, SET)
    hq = proj.holding_quantiles
    assert list(hq.columns) == ["holding_id", "quarter", "variable", "mean", *SET.quantile_columns]
    assert len(hq) == len(book) * len(VARIABLES) * SET.n_quarters
    assert list(proj.sleeve_quantiles.columns) == [
        "quarter",
        "variable",
        "mean",
        "q05",
        "q25",
        "q50",
        "q75",
        "q95",
    ]
    for name in VARIABLES:
        arr = getattr(paths, name)
        np.testing.assert_allclose(proj.sleeve_paths[name], arr.sum(axis=0), rtol=1e-12, atol=1e-9)
        for i, hid in enumerate(paths.holding_ids):
            sub = hq[(hq["holding_id"] == hid) & (hq["variable"] == name)]
            assert sub["quarter"].tolist() == list(range(1, SET.n_quarters + 1))
            np.testing.assert_allclose(sub["mean"], arr[i].mean(axis=0), rtol=1e-12, atol=1e-12)
            np.testing.assert_allclose(
                sub["q50"], np.quantile(arr[i], 0.5, axis=0), rtol=1e-12, atol=1e-12
            )
        sq = proj.sleeve_quantiles[proj.sleeve_quantiles["variable"] == name]
        np.testing.assert_allclose(
            sq["q95"], np.quantile(proj.sleeve_paths[name], 0.95, axis=0), rtol=1e-12
        )
    q = hq[list(SET.quantile_columns)].to_numpy()
    assert np.all(np.diff(q, axis=1) >= 0.0)
    sq_all = proj.sleeve_quantiles[list(SET.quantile_columns)].to_numpy()
    assert np.all(np.diff(sq_all, axis=1) >= 0.0)


# --- identities -------------------------------------------------------------------------------


def test_paid_in_grows_by_the_calls_and_unfunded_is_what_is_left(
    book: pd.DataFrame, scen: Scenarios
) -> None:
    paths = simulate_holdings(book, scen, SET)
    for i, r in enumerate(book.itertuples(index=False)):
        s = int(r.start_quarter)
        calls = paths.call[i, :, s:].cumsum(axis=1)
        np.testing.assert_allclose(paths.paid_in[i, :, s:], r.paid_in + calls, rtol=1e-12)
        assert np.all(paths.call[i, :, :s] == 0.0) and np.all(paths.nav[i, :, :s] == 0.0)
        if r.vehicle_type == "drawdown":
            t = (r.age_quarters + np.arange(1, SET.n_quarters - s + 1)) / 4.0
            live = t < r.life
            np.testing.assert_allclose(
                paths.unfunded[i, :, s:][:, live],
                r.commitment - paths.paid_in[i, :, s:][:, live],
                rtol=1e-12,
                atol=1e-9,
            )
            assert np.all(paths.unfunded[i, :, s:][:, ~live] == 0.0)
            assert np.all(paths.nav[i, :, s:][:, ~live] == 0.0)


@settings(max_examples=25, deadline=None)
@given(
    rc=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4),
    life=st.floats(0.5, 20.0),
    bow=st.floats(0.1, 8.0),
    growth=st.floats(-0.9, 1.0),
    yield_=st.floats(0.0, 1.0),
    beta=st.floats(-3.0, 3.0),
    idio_vol=st.floats(0.0, 1.5),
    age=st.integers(0, 80),
    start=st.integers(0, 6),
    paid_share=st.floats(0.0, 1.0),
    nav=st.floats(0.0, 1e9),
    sds=st.tuples(st.floats(0.0, 2.0), st.floats(0.0, 2.0), st.floats(-5.0, 5.0)),
    redemption=st.floats(0.0, 1.0),
    gate=st.floats(0.0, 1.0),
)
def test_flows_navs_and_unfunded_are_never_negative(
    rc: list[float],
    life: float,
    bow: float,
    growth: float,
    yield_: float,
    beta: float,
    idio_vol: float,
    age: int,
    start: int,
    paid_share: float,
    nav: float,
    sds: tuple[float, float, float],
    redemption: float,
    gate: float,
) -> None:
    common = {
        "rate_of_contribution": tuple(rc),
        "life": life,
        "bow": bow,
        "growth": growth,
        "yield_": yield_,
        "beta": beta,
        "idio_vol": idio_vol,
        "age_quarters": age,
        "start_quarter": start,
        "commitment": 1e6,
        "paid_in": 1e6 * paid_share,
        "nav": nav,
    }
    state = state_frame(
        [
            row("D", **common),
            perpetual("P", **common, redemption_rate=redemption, gate_per_quarter=gate),
        ]
    )
    cfg = StochasticSettings(
        n_paths=8,
        n_quarters=12,
        call_rate_sd=sds[0],
        distribution_rate_sd=sds[1],
        distribution_market_link=sds[2],
    )
    scenarios = bootstrap_scenarios(history(20), n_paths=8, n_quarters=12, seed=1)
    paths = simulate_holdings(state, scenarios, cfg)
    for name in (*VARIABLES, "paid_in"):
        values = getattr(paths, name)
        assert np.all(np.isfinite(values)) and np.all(values >= 0.0), name
    assert np.all(paths.unfunded[0] <= 1e6 * (1 + 1e-12))


def test_distributions_dry_up_when_the_proxy_falls() -> None:
    """The market link alone (beta 0: NAV growth does not depend on the market)."""
    rows = [row(f"H{i}", age_quarters=20 + i, paid_in=80.0, nav=90.0, beta=0.0) for i in range(4)]
    state = state_frame(rows)
    scenarios = bootstrap_scenarios(history(), n_paths=400, n_quarters=8, seed=5)
    eq = scenarios.log_returns[:, :, 0]
    worst, best = eq <= np.quantile(eq, 0.2), eq >= np.quantile(eq, 0.8)
    linked = simulate_holdings(state, scenarios, StochasticSettings(n_paths=400, n_quarters=8))
    dist = linked.distribution.sum(axis=0)
    assert dist[worst].mean() < 0.9 * dist[best].mean()
    unlinked = simulate_holdings(
        state,
        scenarios,
        StochasticSettings(n_paths=400, n_quarters=8, distribution_market_link=0.0),
    )
    d0 = unlinked.distribution.sum(axis=0)
    assert abs(d0[worst].mean() / d0[best].mean() - 1.0) < 0.1


# --- quarterly returns, point in time ---------------------------------------------------------


def monthly_levels(start: str, months: int, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    index = pd.date_range(start, periods=months, freq="ME")
    return pd.Series(100.0 * np.cumprod(1.0 + 0.01 * rng.standard_normal(months)), index=index)


def test_quarterly_returns_compound_the_quarter_end_levels() -> None:
    lv = monthly_levels("2010-01-31", 24)
    out = quarterly_returns({"A": lv})
    q_end = lv[lv.index.month % 3 == 0]
    np.testing.assert_allclose(out["A"], (q_end / q_end.shift(1) - 1.0).iloc[1:])
    assert out.index[0] == pd.Timestamp("2010-06-30")
    assert out.index[-1] == pd.Timestamp("2011-12-31")


def test_adding_later_levels_never_changes_earlier_quarters() -> None:
    full = monthly_levels("2010-01-31", 40, seed=1)
    bond = monthly_levels("2009-06-30", 50, seed=2)
    for cut in (14, 20, 27, 33):
        short = {"A": full.iloc[:cut], "B": bond}
        early = quarterly_returns(short)
        late = quarterly_returns({"A": full, "B": bond})
        pd.testing.assert_frame_equal(early, late.loc[early.index])
        # the quarter that A's cut leaves incomplete is dropped
        last_a = full.index[cut - 1]
        assert early.index[-1] <= last_a
        if last_a.month % 3 != 0:
            assert early.index[-1] < last_a


def test_end_drops_the_quarter_in_progress_and_later_levels() -> None:
    lv = monthly_levels("2010-01-31", 36)
    out = quarterly_returns({"A": lv}, end="2011-08-15")
    assert out.index[-1] == pd.Timestamp("2011-06-30")
    pd.testing.assert_frame_equal(out, quarterly_returns({"A": lv[:"2011-06-30"]}))
    frame = quarterly_returns(pd.DataFrame({"A": lv}), end=pd.Timestamp("2011-06-30"))
    assert frame.index[-1] == pd.Timestamp("2011-06-30")


def test_a_series_without_the_quarters_last_month_has_no_return_for_it() -> None:
    a = monthly_levels("2010-01-31", 23)  # ends in November 2011
    b = monthly_levels("2010-01-31", 24)  # ends in December 2011
    out = quarterly_returns({"A": a, "B": b})
    assert out.index[-1] == pd.Timestamp("2011-09-30")
    assert list(out.columns) == ["A", "B"]


# --- the bootstrap ----------------------------------------------------------------------------


def test_bootstrap_draws_whole_quarters_of_the_given_returns_only() -> None:
    ret = history(30)
    s = bootstrap_scenarios(ret, n_paths=50, n_quarters=70, block_quarters=3.0, seed=9)
    assert s.log_returns.shape == (50, 70, 2)
    source = {tuple(r) for r in np.log1p(ret.to_numpy())}
    drawn = {tuple(r) for r in s.log_returns.reshape(-1, 2)}
    assert drawn <= source  # every drawn quarter is a quarter of history, all series together
    np.testing.assert_allclose(s.mean_log, np.log1p(ret.to_numpy()).mean(axis=0))
    np.testing.assert_allclose(s.var_log, np.log1p(ret.to_numpy()).var(axis=0))
    assert s.source_start == ret.index[0] and s.source_end == ret.index[-1]
    again = bootstrap_scenarios(ret, n_paths=50, n_quarters=70, block_quarters=3.0, seed=9)
    np.testing.assert_array_equal(s.log_returns, again.log_returns)
    other = bootstrap_scenarios(ret, n_paths=50, n_quarters=70, block_quarters=3.0, seed=10)
    assert not np.array_equal(s.log_returns, other.log_returns)


def test_bootstrap_keeps_blocks_of_consecutive_quarters() -> None:
    ret = pd.DataFrame({"A": np.linspace(0.001, 0.1, 100)})  # position readable from the value
    s = bootstrap_scenarios(ret, n_paths=200, n_quarters=40, block_quarters=8.0, seed=0)
    pos = np.rint((np.expm1(s.log_returns[:, :, 0]) - 0.001) / (0.099 / 99)).astype(int)
    step_is_next = (np.diff(pos, axis=1) % 100) == 1
    assert 0.8 < step_is_next.mean() < 0.95  # mean block 8: about 7 in 8 steps continue


# --- checks and errors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("commitment", -1.0),
        ("nav", NAN),
        ("age_quarters", 2.5),
        ("start_quarter", -1),
        ("vehicle_type", "hedge"),
        ("asset_class", "crypto"),
        ("rate_of_contribution", (0.2, 1.5)),
        ("life", 0.0),
        ("growth", -1.0),
        ("yield_", 1.2),
        ("idio_vol", -0.1),
        ("proxy", ""),
    ],
)
def test_state_frame_names_the_row_and_column(column: str, value: Any) -> None:
    bad = row("BAD")
    bad[column] = value
    rows = [row("OK"), bad]
    with pytest.raises(ValueError, match=rf"row 1 \(holding_id 'BAD'\), column '{column}'"):
        state_frame(rows)


def test_state_frame_orders_columns_and_rejects_missing_or_duplicate() -> None:
    frame = pd.DataFrame([row("A"), row("B")]).assign(extra=1)
    out = state_frame(frame.iloc[:, ::-1])
    assert tuple(out.columns) == STATE_COLUMNS
    assert out["rate_of_contribution"].iloc[0] == (0.25, 0.333, 0.5)
    with pytest.raises(ValueError, match="missing column"):
        state_frame(frame.drop(columns="beta"))
    with pytest.raises(ValueError, match=r"row 1.*'holding_id': duplicate"):
        state_frame([row("A"), row("A")])
    incomplete = row("A")
    del incomplete["gate_per_quarter"]
    with pytest.raises(ValueError, match=r"row 0.*'gate_per_quarter': missing"):
        state_frame([incomplete])


def test_bad_settings_scenarios_and_proxies_are_refused(scen: Scenarios) -> None:
    with pytest.raises(ValueError, match="call_rate_sd"):
        StochasticSettings(call_rate_sd=-0.1)
    with pytest.raises(ValueError, match="quantiles"):
        StochasticSettings(quantiles=(0.5, 0.25))
    with pytest.raises(ValueError, match="duplicate"):
        StochasticSettings(quantiles=(0.501, 0.502))
    with pytest.raises(ValueError, match="paths"):
        simulate_holdings(state_frame([row("A")]), scen, StochasticSettings(n_paths=5))
    with pytest.raises(ValueError, match="quarters"):
        simulate_holdings(
            state_frame([row("A")]), scen, StochasticSettings(n_paths=64, n_quarters=17)
        )
    with pytest.raises(ValueError, match=r"row 1 \(holding_id 'X'\), column 'proxy'"):
        project_stochastic(state_frame([row("A"), row("X", proxy="GOLD")]), scen, SET)
    with pytest.raises(ValueError, match="shape"):
        Scenarios(("A",), np.zeros((2, 3)), np.zeros(1), np.zeros(1), *scen_dates(), 4.0, 0)
    with pytest.raises(ValueError, match="chunk_holdings"):
        project_stochastic(state_frame([row("A")]), scen, SET, chunk_holdings=0)


def scen_dates() -> tuple[pd.Timestamp, pd.Timestamp]:
    return pd.Timestamp("2000-03-31"), pd.Timestamp("2001-03-31")


def test_an_empty_book_projects_to_zeros(scen: Scenarios) -> None:
    empty = state_frame(pd.DataFrame(columns=list(STATE_COLUMNS)))
    proj = project_stochastic(empty, scen, SET)
    assert proj.holding_quantiles.empty
    assert np.all(proj.sleeve_paths["nav"] == 0.0)
    assert len(proj.sleeve_quantiles) == len(VARIABLES) * SET.n_quarters
