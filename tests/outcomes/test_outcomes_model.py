"""Participant outcomes, the model: identities of the sleeve, fees, the bootstrap, accounting.

Proves the acceptance points on the model itself: a fee-free sleeve that is the equity sleeve
changes nothing bit for bit; fees lower wealth on every path and at every percentile, more so at
a higher fee multiplier; the stationary bootstrap gives back the history's mean and volatility;
the monthly fee step is the fees engine's evergreen arithmetic; and on a constant history the
wealth at retirement is the closed-form future value of the contributions.

The helpers at the top (small parameter sets, the equity-clone sleeve, the zero-fee stack) are
imported by the other ``tests/outcomes`` files.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.fees import (
    FeeStack,
    Incentive,
    evergreen_fees,
    sample_stack_path,
)
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.marketdata import load_arch_market_data
from altsleeve.outcomes import (
    COLUMNS,
    PERCENTILES,
    BlockResult,
    FeeState,
    LayerRates,
    OutcomeParams,
    Prepared,
    block_rng,
    bootstrap_indices,
    cohort_plans,
    default_params_path,
    fee_step,
    fund_layers,
    monthly_history,
    prepare,
    run_outcomes,
    smooth_returns,
    summarise,
)

# --------------------------------------------------------------------------------------------
# Helpers (also used by test_outcomes_params.py and test_outcomes_dask.py)
# --------------------------------------------------------------------------------------------

DEFAULT = OutcomeParams.from_toml(default_params_path())
SAMPLE_STACK = FeeStack.from_toml(sample_stack_path())
VEHICLE = Vehicle.from_toml(sample_vehicle_path())

#: A private fund whose factor model returns the equity column bit for bit.
CLONE_FUND: dict[str, Any] = {
    "alpha": 0.0,
    "beta_equity": 1.0,
    "beta_credit": 0.0,
    "beta_bonds": 0.0,
    "idio_vol": 0.0,
    "smoothing": 0.0,
    "cash_drag": 0.0,
    "description": "the equity sleeve itself",
}

#: One evergreen fund, the whole sleeve, with a zero management fee and no incentive; no FoF.
CLONE_STACK = FeeStack.from_mapping(
    {
        "stack": {"name": "equity clone without fees"},
        "funds": [
            {
                "id": "clone",
                "kind": "evergreen",
                "weight": 1.0,
                "management": {"basis": "nav", "rate": 0.0},
            }
        ],
    }
)


@functools.cache
def market_history() -> pd.DataFrame:
    """The real monthly history from 1957-02 (the default first month), every row known."""
    return monthly_history(load_arch_market_data(), first_month=DEFAULT.simulation.first_month)


def params(
    edit: Callable[[dict[str, Any]], None] | None = None, *, block_paths: int = 200
) -> OutcomeParams:
    """The shipped defaults with small blocks, then ``edit`` applied to the mapping."""
    d = copy.deepcopy(DEFAULT.model_dump())
    d["simulation"]["block_paths"] = block_paths
    if edit is not None:
        edit(d)
    return OutcomeParams.from_mapping(d)


def clone_sleeve(d: dict[str, Any]) -> None:
    """Edit: the sleeve is :data:`CLONE_FUND`, funded from equity."""
    d["private"] = {
        "fee_stack": "sample",
        "funding": "equity",
        "funds": {"clone": dict(CLONE_FUND)},
    }


def keep_cohorts(*names: str) -> Callable[[dict[str, Any]], None]:
    """Edit: keep only the named cohorts."""

    def edit(d: dict[str, Any]) -> None:
        d["cohorts"] = [c for c in d["cohorts"] if c["name"] in names]

    return edit


def both(*edits: Callable[[dict[str, Any]], None]) -> Callable[[dict[str, Any]], None]:
    """Edit: every one of ``edits`` in turn."""

    def edit(d: dict[str, Any]) -> None:
        for e in edits:
            e(d)

    return edit


def zero_fees(stack: FeeStack) -> FeeStack:
    """The same funds and weights with no management fee, no carry or incentive and no FoF."""
    d = stack.model_dump()
    for f in d["funds"]:
        f["management"] = None
        f.pop("carry", None)
        f.pop("incentive", None)
    d["fund_of_funds"] = None
    return FeeStack.from_mapping(d)


def simulate(
    p: OutcomeParams,
    stack: FeeStack,
    n_paths: int,
    *,
    seed: int = 0,
    history: pd.DataFrame | None = None,
    vehicle: Vehicle = VEHICLE,
) -> tuple[Prepared, BlockResult]:
    """Prepare and run in process."""
    prep = prepare(p, vehicle, stack, market_history() if history is None else history, seed=seed)
    return prep, run_outcomes(prep, n_paths)


# --------------------------------------------------------------------------------------------
# Acceptance 1: a sleeve that is the equity sleeve, without fees, changes nothing
# --------------------------------------------------------------------------------------------


def test_a_fee_free_equity_clone_sleeve_changes_nothing_bit_for_bit() -> None:
    """The sleeve returns the equity column (alpha 0, beta 1, no noise, no smoothing, no drag),
    has a zero management fee and no incentive, and is funded from equity: wealth with the sleeve
    equals wealth without it on every path and cohort, at every fee multiplier (zero times any
    multiplier is zero), with hardship withdrawals on."""
    p = params(clone_sleeve)
    assert p.savers.hardship_probability > 0 and p.savers.hardship_fraction > 0
    prep, res = simulate(p, CLONE_STACK, 1000, seed=3)
    # not vacuous: every cohort holds the sleeve in every month it saves
    for c, h in enumerate(prep.horizons):
        assert np.all(prep.private_share[:h, c] > 0.0)
    assert res.wealth.shape == (4, 4, 1000)  # without; with at fee multipliers 1, 0.5, 1.5
    for v in range(1, prep.n_variants):
        assert np.array_equal(res.wealth[:, 0], res.wealth[:, v]), v
    assert np.array_equal(res.sleeve_gross, res.sleeve_net)
    # ... and the summary says so
    summary = summarise(prep, res, p, VEHICLE)
    for c in summary["cohorts"]:
        assert c["p_better_off"] == 0.0 and c["p_worse_off"] == 0.0
        assert c["wealth"]["with"] == c["wealth"]["without"]
        assert all(ce["difference"] == 0.0 for ce in c["certainty_equivalent"])
    # the withdrawals did happen: taking nothing at them (the same draws, so the same market
    # paths) leaves every path at least as rich, most strictly
    no_hardship = params(both(clone_sleeve, lambda d: d["savers"].update(hardship_fraction=0)))
    _, calm = simulate(no_hardship, CLONE_STACK, 1000, seed=3)
    assert np.all(calm.wealth[:, 0] >= res.wealth[:, 0])
    # a path is poorer iff it had a withdrawal: 2% a year, so 1 - 0.98^years of the paths
    # (within 4 binomial standard errors)
    hit = np.mean(calm.wealth[:, 0] > res.wealth[:, 0], axis=1)
    expected = 1.0 - (1.0 - p.savers.hardship_probability) ** (prep.horizons / 12.0)
    assert np.all(np.abs(hit - expected) < 4.0 * np.sqrt(expected * (1.0 - expected) / 1000))


# --------------------------------------------------------------------------------------------
# Acceptance 2: fees lower every percentile; a higher multiplier lowers them more
# --------------------------------------------------------------------------------------------


def test_fees_lower_wealth_on_every_path_and_at_every_percentile() -> None:
    """The sample stack against the same funds with every fee zeroed, on the same seeded paths.

    Each month the sleeve's net return with fees is at most its return without (management is
    positive, incentives non-negative), and wealth is increasing in each month's return, so
    every path ends strictly lower with fees: a theorem, checked here on every path and at every
    reported percentile. The fee multiplier 0 gives back the zero-fee stack bit for bit, and the
    market side (wealth without the sleeve) is the same in both runs.
    """
    p = params(
        both(
            keep_cohorts("age 25", "age 45"),
            lambda d: d["simulation"].update(fee_multipliers=[0.0, 0.5, 1.5]),
        )
    )
    prep, fee = simulate(p, SAMPLE_STACK, 1000, seed=5)
    _, free = simulate(p, zero_fees(SAMPLE_STACK), 1000, seed=5)
    assert prep.multipliers.tolist() == [1.0, 0.0, 0.5, 1.5]
    assert np.array_equal(fee.wealth[:, 0], free.wealth[:, 0])
    assert np.array_equal(fee.wealth[:, 2], free.wealth[:, 1])  # multiplier 0 = no fees
    assert np.all(fee.wealth[:, 1] < free.wealth[:, 1])
    for c in range(fee.wealth.shape[0]):
        with_fees = np.percentile(fee.wealth[c, 1], PERCENTILES)
        without_fees = np.percentile(free.wealth[c, 1], PERCENTILES)
        assert np.all(with_fees < without_fees), c


def test_a_higher_fee_multiplier_lowers_every_percentile() -> None:
    """Wealth with the sleeve at fee multipliers 0.5 < 1 < 1.5 (and 3), same paths: strictly
    lower at every percentile of :data:`PERCENTILES` and, for this seed, on every path.

    Per path it is not a theorem for incentive fees (a fund charged more earlier sits further
    below its high-water mark and may pay less incentive in a later month), but the management
    fee's difference accumulates every month and dominates over 10-40 years.
    """
    p = params(
        both(
            keep_cohorts("age 25", "age 55"),
            lambda d: d["simulation"].update(fee_multipliers=[0.5, 1.5, 3.0]),
        )
    )
    prep, res = simulate(p, SAMPLE_STACK, 1000, seed=11)
    order = np.argsort(prep.multipliers)  # 0.5, 1, 1.5, 3
    assert prep.multipliers[order].tolist() == [0.5, 1.0, 1.5, 3.0]
    w = res.wealth[:, 1:][:, order]  # (C, 4, n), increasing multiplier
    assert np.all(np.diff(w, axis=1) < 0.0)
    for c in range(w.shape[0]):
        pct = np.percentile(w[c], PERCENTILES, axis=1)  # (5, 4)
        assert np.all(np.diff(pct, axis=1) < 0.0), c


# --------------------------------------------------------------------------------------------
# Acceptance 3: the bootstrap gives back the history's mean and volatility
# --------------------------------------------------------------------------------------------


def test_bootstrap_reproduces_the_historical_mean_and_volatility() -> None:
    """2,000 stationary-bootstrap paths of 480 months (mean block 12) of the real history.

    Each resampled month is uniform over the history (the bootstrap wraps round), so the pooled
    mean's expectation is the historical mean exactly. Paths are independent, so the standard
    error of the pooled mean is the standard deviation of the path means over sqrt(2,000); the
    tolerance is 4 of them (two-sided 6e-5 chance of a false alarm per column for an arbitrary
    seed; the seed is fixed). That standard error is at most sigma / sqrt(2,000) (the variance
    of a mean of identically distributed draws is at most theirs), checked too, and about
    sigma sqrt(2 b / (n T)) for a mean block b (long-run variance of blocks of length b).

    The pooled standard deviation (ddof 0) estimates the history's (ddof 0) from about 10^6
    draws, some 80,000 independent blocks: its relative error is of order
    sqrt((kurtosis - 1) / 80,000) < 1%, so the tolerance is 2% relative, for all five columns.
    """
    hist = market_history()
    values = hist.loc[:, list(COLUMNS)].to_numpy().T  # (5, N)
    n_paths, n_months, block = 2000, 480, 12.0
    idx = bootstrap_indices(block_rng(2024, 0), values.shape[1], n_paths, n_months, block)
    assert idx.shape == (n_months, n_paths)
    assert idx.min() >= 0 and idx.max() < values.shape[1]
    # a new block starts with probability 1 / 12 (a fresh start on the very next month is rare)
    follows = idx[1:] == (idx[:-1] + 1) % values.shape[1]
    assert 1.0 - follows.mean() == pytest.approx(1.0 / block, abs=0.002)
    for j, col in enumerate(COLUMNS):
        draws = values[j][idx]  # (T, n)
        mu, sigma = values[j].mean(), values[j].std()
        path_means = draws.mean(axis=0)
        se = path_means.std(ddof=1) / np.sqrt(n_paths)
        assert se <= sigma / np.sqrt(n_paths), col
        assert abs(draws.mean() - mu) < 4.0 * se, col
        assert draws.std() == pytest.approx(sigma, rel=0.02), col


def test_simulated_equity_paths_have_the_historical_mean_log_return() -> None:
    """The block simulation's own bootstrap: the equity-clone sleeve's gross growth over 480
    months is the product of 480 resampled equity returns, so its mean log growth a month
    averages to the history's mean log return, within 4 standard errors of the path means."""
    p = params(both(clone_sleeve, keep_cohorts("age 25")), block_paths=500)
    prep, res = simulate(p, CLONE_STACK, 1000, seed=8)
    assert prep.n_months == 480
    per_month = np.log(res.sleeve_gross) / prep.n_months
    target = np.log1p(market_history()["equity"].to_numpy()).mean()
    se = per_month.std(ddof=1) / np.sqrt(per_month.size)
    assert abs(per_month.mean() - target) < 4.0 * se


# --------------------------------------------------------------------------------------------
# The fee layers: the translation, and the monthly step against the fees engine
# --------------------------------------------------------------------------------------------


def test_fee_stack_translation_of_the_sample_stack() -> None:
    """Golden values from fees/data/sample_stack.toml: the evergreen fund as written, the
    buyout's carry as an annual incentive over its 8% preferred return with a high-water mark
    and its full catch-up, the FoF's 0.75% + 5% over 8% without catch-up; the buyout's fee on
    commitments becomes a NAV rate above its 2% (NAV is below commitments while capital is
    being called)."""
    layers, fof = fund_layers(SAMPLE_STACK, {"buyout": 0.12, "real-estate-evergreen": 0.08})
    ev = layers["real-estate-evergreen"]
    assert (ev.management, ev.incentive, ev.hurdle) == (0.0125, 0.125, 0.05)
    assert ev.high_water_mark and not ev.catch_up and ev.every_months == 12
    bo = layers["buyout"]
    assert (bo.incentive, bo.hurdle, bo.high_water_mark, bo.catch_up) == (0.2, 0.08, True, True)
    assert 0.02 < bo.management < 0.04
    assert fof is not None
    assert (fof.management, fof.incentive, fof.hurdle, fof.catch_up) == (0.0075, 0.05, 0.08, False)
    assert bo.scaled(10.0).incentive == 1.0 and bo.scaled(0.5).management == bo.management / 2


def evergreen_stack(incentive: dict[str, Any], management: float) -> FeeStack:
    """One evergreen fund with these terms."""
    return FeeStack.from_mapping(
        {
            "stack": {"name": "one evergreen fund"},
            "funds": [
                {
                    "id": "ev",
                    "kind": "evergreen",
                    "weight": 1.0,
                    "management": {"basis": "nav", "rate": management},
                    "incentive": incentive,
                }
            ],
        }
    )


def assert_fee_step_is_the_engine(
    returns: np.ndarray, incentive: dict[str, Any], management: float, multipliers: list[float]
) -> np.ndarray:
    """Run :func:`fee_step` on every column of ``returns`` (months x paths) at each multiplier and
    compare each NAV path with :func:`evergreen_fees` on monthly periods; returns the engine's
    incentive fees, (multiplier, path, month)."""
    layers, fof = fund_layers(evergreen_stack(incentive, management), {"ev": 0.0})
    assert fof is None
    rates = LayerRates.of(layers["ev"], np.asarray(multipliers))
    n_months, n_paths = returns.shape
    state = FeeState.start(len(multipliers), n_paths)
    nav = np.empty((n_months, len(multipliers), n_paths))
    net = np.empty_like(nav)
    for t in range(n_months):
        net[t] = fee_step(returns[t], state, rates, t)
        nav[t] = state.nav
    charged = np.zeros((len(multipliers), n_paths, n_months))
    nav0 = 100.0
    for i, m in enumerate(multipliers):
        terms = Incentive(**{**incentive, "rate": min(incentive["rate"] * m, 1.0)})
        for j in range(n_paths):
            eng = evergreen_fees(
                nav0,
                returns[:, j],
                np.full(n_months, 1.0 / 12.0),
                management_rate=management * m,
                incentive=terms,
                periods_per_year=12,
            )
            np.testing.assert_allclose(nav[:, i, j], eng.nav / nav0, rtol=1e-10, atol=0.0)
            np.testing.assert_allclose(net[:, i, j], eng.net_returns(nav0), rtol=0, atol=1e-12)
            charged[i, j] = eng.incentive
    return charged


@pytest.mark.parametrize("high_water_mark", [True, False])
@pytest.mark.parametrize("catch_up", [False, True])
def test_fee_step_is_the_fees_engine_on_monthly_periods(
    high_water_mark: bool, catch_up: bool
) -> None:
    """1.5% of NAV plus 20% over a 6% hurdle, annual crystallisation, on 12 random paths of 36
    months (a multiple of 12: the engine always crystallises at its last period), at fee
    multipliers 1, 0.5 and 2: the NAV per unit after each month equals the engine's NAV / NAV0
    to 1e-10 relative, and the net returns agree."""
    rng = np.random.default_rng(7)
    returns = rng.normal(0.008, 0.05, size=(36, 12))
    incentive = {
        "rate": 0.2,
        "hurdle": 0.06,
        "high_water_mark": high_water_mark,
        "catch_up": catch_up,
        "crystallisation": "annual",
    }
    charged = assert_fee_step_is_the_engine(returns, incentive, 0.015, [1.0, 0.5, 2.0])
    # not vacuous: incentives were charged on some paths and years, and not on others
    yearly = charged[0][:, 11::12]
    assert 0 < np.count_nonzero(yearly) < yearly.size


@settings(max_examples=30, deadline=None)
@given(
    st.sampled_from([12, 24, 36]),
    st.integers(min_value=0, max_value=2**32 - 1),
    st.floats(min_value=0.0, max_value=0.05),
    st.floats(min_value=0.0, max_value=0.5),
    st.floats(min_value=0.0, max_value=0.15),
    st.booleans(),
    st.booleans(),
)
def test_fee_step_is_the_engine_for_any_terms(
    months: int, seed: int, m: float, k: float, h: float, hwm: bool, catch_up: bool
) -> None:
    """The same identity for any management rate, incentive rate, hurdle, HWM and catch-up."""
    returns = np.random.default_rng(seed).normal(0.01, 0.06, size=(months, 3))
    incentive = {"rate": k, "hurdle": h, "high_water_mark": hwm, "catch_up": catch_up}
    assert_fee_step_is_the_engine(returns, incentive, m, [1.0, 1.5])


# --------------------------------------------------------------------------------------------
# Accounting: on a constant history, wealth is the future value of the contributions
# --------------------------------------------------------------------------------------------


def constant_history(r: float, inflation: float, months: int = 36) -> pd.DataFrame:
    """Every market column returns ``r`` every month; core CPI rises ``inflation`` a month."""
    index = pd.period_range("2000-01", periods=months, freq="M")
    cols = {c: np.full(months, inflation if c == "inflation" else r) for c in COLUMNS}
    return pd.DataFrame(cols, index=index)


NO_FEE_VEHICLE = Vehicle.from_mapping({**VEHICLE.model_dump(), "fees": []})


def test_cash_in_equals_cash_out_without_returns() -> None:
    """Zero returns, zero inflation, no fees anywhere, no hardship: each cohort retires with its
    starting balance plus the sum of its contributions (to 1e-9 relative), with and without the
    sleeve, on every path."""
    p = params(both(clone_sleeve, lambda d: d["savers"].update(hardship_probability=0.0)))
    prep, res = simulate(
        p, CLONE_STACK, 5, history=constant_history(0.0, 0.0), vehicle=NO_FEE_VEHICLE
    )
    assert prep.vehicle_monthly_factor == 1.0
    plans = cohort_plans(p, NO_FEE_VEHICLE)
    start = {c.name: c.balance for c in p.cohorts}
    for c, plan in enumerate(plans):
        expected = start[plan.name] + plan.contributions.sum()
        np.testing.assert_allclose(res.wealth[c], expected, rtol=1e-9)


@settings(max_examples=15, deadline=None)
@given(
    r=st.floats(min_value=-0.01, max_value=0.012),
    inflation=st.floats(min_value=-0.002, max_value=0.006),
    alpha=st.floats(min_value=-0.05, max_value=0.08),
    contribution=st.floats(min_value=0.0, max_value=0.2),
    balance=st.floats(min_value=0.0, max_value=2e6),
    hardship=st.sampled_from([(0.0, 0.3), (1.0, 0.0), (1.0, 0.01), (1.0, 0.2)]),
)
def test_wealth_on_a_constant_history_is_the_future_value_of_contributions(
    r: float,
    inflation: float,
    alpha: float,
    contribution: float,
    balance: float,
    hardship: tuple[float, float],
) -> None:
    """Every market column returns ``r`` a month, CPI ``pi``; the sleeve returns ``r + alpha / 12``
    without fees; the vehicle charges its 35 bp. Without the sleeve each month's real growth is
    ``g = (1 + r)(1 - 0.0035 / 12) / (1 + pi)``, so wealth at retirement is the closed form
    ``B (g k)^T + sum_t c_t (g k)^(T - 1 - t)`` with ``k`` the share a hardship withdrawal keeps
    (hardship probability 1 a year is one withdrawal every month, 0 none). With the sleeve the
    month's growth is ``(1 + r + s_t alpha / 12)(...)``, ``s_t`` the glide path's private share:
    the same sum with products of the varying factors. Checked to 1e-9 relative."""
    prob, fraction = hardship

    def edit(d: dict[str, Any]) -> None:
        clone_sleeve(d)
        d["private"]["funds"]["clone"]["alpha"] = alpha
        d["savers"].update(
            contribution_rate=contribution,
            hardship_probability=prob,
            hardship_fraction=fraction,
        )
        d["cohorts"] = [
            {"name": "young", "age": 45.0, "salary": 50_000.0, "balance": balance},
            {"name": "old", "age": 58.5, "salary": 90_000.0, "balance": 2.0 * balance},
        ]

    p = params(edit, block_paths=4)
    prep, res = simulate(p, CLONE_STACK, 4, seed=1, history=constant_history(r, inflation))
    keep = 1.0 - fraction if prob > 0 else 1.0
    deflator = (1.0 - 35e-4 / 12.0) / (1.0 + inflation)
    for c, plan in enumerate(cohort_plans(p, VEHICLE)):
        start = 2.0 * balance if plan.name == "old" else balance
        g = (1.0 + r) * deflator * keep
        t = np.arange(plan.horizon)
        closed = start * g**plan.horizon + np.sum(plan.contributions * g ** (plan.horizon - 1 - t))
        np.testing.assert_allclose(res.wealth[c, 0], closed, rtol=1e-9)
        # with the sleeve: growth factors vary with the private share
        gs = (1.0 + r + plan.private_share * alpha / 12.0) * deflator * keep
        after = np.concatenate([np.cumprod(gs[::-1])[::-1][1:], [1.0]])  # prod_{u > t} g_u
        fv = start * np.prod(gs) + np.sum(plan.contributions * after)
        for v in range(1, prep.n_variants):
            np.testing.assert_allclose(res.wealth[c, v], fv, rtol=1e-9)


# --------------------------------------------------------------------------------------------
# Appraisal smoothing keeps the long-run growth (issue 17, item 1)
# --------------------------------------------------------------------------------------------


def noisy_clone(smoothing: float) -> Callable[[dict[str, Any]], None]:
    """Edit: the equity-clone sleeve with 10% idiosyncratic noise and the given smoothing."""

    def edit(d: dict[str, Any]) -> None:
        clone_sleeve(d)
        d["private"]["funds"]["clone"] = {**CLONE_FUND, "idio_vol": 0.10, "smoothing": smoothing}

    return edit


def test_gh_17_smoothing_leaves_the_long_run_growth_of_a_path_unchanged() -> None:
    """Issue 17, item 1: smoothing simple returns (``y = phi y_prev + (1 - phi) g``) keeps their
    mean but shrinks their variance, so the compounded reported value outgrew the true one by
    about 1.5% a year at phi = 0.75. Smoothing log values keeps a path's terminal log value up to
    the smoothing's tail, ``phi / (1 - phi) (l_0 - l_T)``: on the same seeded paths (the same
    market and noise draws) the reported and the true 40-year growth agree on average within
    0.05% a year, and each path within its tail."""
    p_true = params(both(noisy_clone(0.0), keep_cohorts("age 25")), block_paths=500)
    p_rep = params(both(noisy_clone(0.75), keep_cohorts("age 25")), block_paths=500)
    prep, true = simulate(p_true, CLONE_STACK, 1000, seed=11)
    _, rep = simulate(p_rep, CLONE_STACK, 1000, seed=11)
    years = prep.n_months / 12.0
    gap = (np.log(rep.sleeve_gross) - np.log(true.sleeve_gross)) / years  # log a year
    assert abs(gap.mean()) < 5e-4, gap.mean()
    # the tail: phi / (1 - phi) = 3 times two months' log returns at most (|log(1 + g)| < 1)
    assert np.all(np.abs(gap * years) < 3.0 * 2.0)


def test_gh_17_smoothing_is_exact_in_logs_and_lowers_reported_volatility() -> None:
    """The smoothing filter on log returns, on random monthly returns: the sum of the reported
    log returns is the true sum plus ``phi / (1 - phi) (l_0 - l_T)`` exactly, their mean is the
    true mean up to that tail, and their volatility is lower (about sqrt((1 - phi) / (1 + phi))
    of the true one for independent returns)."""
    rng = np.random.default_rng(17)
    g = np.expm1(rng.normal(0.008, 0.06, size=(600, 50)))
    phi = 0.75
    l0 = np.log1p(g.mean())
    y = smooth_returns(g, phi, start=float(g.mean()))
    lx, ly = np.log1p(g), np.log1p(y)
    tail = phi / (1.0 - phi) * (l0 - ly[-1])
    np.testing.assert_allclose(ly.sum(axis=0), lx.sum(axis=0) + tail, rtol=0, atol=1e-10)
    assert np.all(ly.std(axis=0) < 0.6 * lx.std(axis=0))
    # the simple-return filter of the old model kept the mean simple return instead, and its
    # compounded value grew faster than the true value
    y_old = np.empty_like(g)
    prev = np.full(g.shape[1], g.mean())
    for t in range(g.shape[0]):
        prev = phi * prev + (1.0 - phi) * g[t]
        y_old[t] = prev
    assert np.log1p(y_old).sum(axis=0).mean() > lx.sum(axis=0).mean() + 0.5


def test_gh_17_only_the_vehicle_fees_the_sleeve_adds_are_charged_with_the_sleeve_only() -> None:
    """A wrapper that charges 5 of its 30 bp because the vehicle holds the sleeve: with the
    fee-free equity-clone sleeve the saver is worse off with the sleeve on every path, by no
    more than those 5 bp a year compounded; the base 25 bp are charged in both cases (with
    ``incremental_bp_per_year = 0`` the two are bit for bit equal, test above)."""
    d = VEHICLE.model_dump()
    d["fees"][1]["incremental_bp_per_year"] = 5.0
    vehicle = Vehicle.from_mapping(d)
    p = params(clone_sleeve)
    prep, res = simulate(p, CLONE_STACK, 500, seed=3, vehicle=vehicle)
    assert prep.vehicle_monthly_factor == pytest.approx(1.0 - 30e-4 / 12)  # trustee + 25
    ratio = res.wealth[:, 1] / res.wealth[:, 0]
    assert np.all(ratio < 1.0)
    floor = (1.0 - 5e-4 / 12) ** prep.horizons[:, None]
    assert np.all(ratio >= floor - 1e-12)


def test_gh_17_outcomes_carry_states_it_has_no_clawback() -> None:
    """Issue 17, item 4: the savers' paths charge a drawdown fund's (and the fund of funds')
    carry as an annual incentive with a high-water mark, which never returns carry taken in a
    good year. Each layer says so (``clawback`` False and its note), and so does the JSON; on a
    path that rises then falls back to where it started the layer keeps the first year's carry,
    where a whole-fund waterfall with clawback would return it all."""
    layers, fof = fund_layers(SAMPLE_STACK, {"buyout": 0.12, "real-estate-evergreen": 0.08})
    assert fof is not None
    for layer in (layers["buyout"], fof):
        assert layer.clawback is False and "no clawback" in layer.note
    p = params(keep_cohorts("age 55"))
    prep, _ = simulate(p, SAMPLE_STACK, 200)
    from altsleeve.outcomes import fee_layer_rows

    rows = fee_layer_rows(prep)
    assert all(r["clawback"] is False for r in rows)
    # +30% in the first year, then back down to the start by the end of the second
    bo = layers["buyout"]
    rates = LayerRates.of(replace(bo, management=0.0), np.array([1.0]))
    state = FeeState.start(1, 1)
    up = (1.3 ** (1 / 12)) - 1.0
    down = (1 / 1.3) ** (1 / 12) - 1.0
    value = 1.0
    for t in range(24):
        net = fee_step(np.array([up if t < 12 else down]), state, rates, t)
        value *= 1.0 + float(net[0, 0])
    assert value < 0.97  # the first year's carry is kept: no clawback
