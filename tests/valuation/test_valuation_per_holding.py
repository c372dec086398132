"""The per-holding nowcast (issue 18): shrinkage, point in time, and robustness on held-out books.

The held-out books (``samplebook.generate_heldout_book``) come from processes the nowcast does
not assume: per-fund betas in 0.8-1.5, alphas and idiosyncratic vols, Geltner smoothing with a
per-fund weight or a moving-average appraisal, missing-mark bursts and lags that lengthen in
crises. Every method is scored on the same days as the ORACLE (the true value at the last known
mark rolled with the true alpha and beta), and the ratios are pinned at what was achieved
(docs/valuation.md, "Held-out books"), with a margin for the small books used here.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import HELDOUT_VARIANTS, HeldoutBook, generate_heldout_book
from altsleeve.valuation import NowcastValuer, ValuationInputs, make_inputs
from altsleeve.valuation._kalman import (
    FilterInputs,
    HoldingPosterior,
    eb_spread,
    holding_posterior,
)
from altsleeve.valuation._metrics import backtest_report, report_table
from altsleeve.valuation._oracle import OracleValuer

# -- shrinkage on the filter's own model -----------------------------------------------------------


def simulated_rows(beta: float, n_quarters: int, rows: int = 1, seed: int = 0) -> FilterInputs:
    """Reported quarterly returns from the nowcast's model (a = 0.5, noise 0.01, sigma 0.05)."""
    rng = np.random.default_rng(seed)
    a, sigma, noise, dt = 0.5, 0.05, 0.01, 0.25
    m = rng.normal(0.02, 0.09, (rows, n_quarters))
    m[:, 0] = 0.0
    r = beta * m + rng.normal(0.0, sigma * np.sqrt(dt), (rows, n_quarters))
    u = np.cumsum(r, axis=1)
    s = np.zeros_like(u)
    for j in range(1, n_quarters):
        s[:, j] = a * u[:, j] + (1 - a) * s[:, j - 1]
    rep = s + rng.normal(0.0, noise, s.shape)
    rep[:, 0] = 0.0
    y = np.r_["1", np.full((rows, 1), np.nan), np.diff(rep, axis=1)]
    obs = np.ones((rows, n_quarters), dtype=bool)
    obs[:, 0] = False
    dts = np.full((rows, n_quarters), dt)
    dts[:, 0] = 0.0
    return FilterInputs(
        y, obs, m, dts, np.zeros((rows, n_quarters)), np.full(rows, 1e-6), np.zeros(rows)
    )


def posterior(
    inp: FilterInputs, prior_beta: float = 1.0, min_obs: int = 0, sd_beta: float = 0.15
) -> HoldingPosterior:
    k = inp.y.shape[0]
    return holding_posterior(
        inp,
        np.full(k, 0.5),
        np.zeros(k),
        np.full(k, prior_beta),
        np.full(k, 0.05),
        np.full(k, 0.01),
        prior_sd_alpha=0.02,
        prior_sd_beta=sd_beta,
        min_obs=min_obs,
    )


def test_no_marks_gives_the_class_prior() -> None:
    inp = simulated_rows(1.5, 12)
    none = dataclasses.replace(inp, observed=np.zeros_like(inp.observed))
    post = posterior(none)
    assert not post.own[0]
    assert post.beta[0] == 1.0 and post.alpha[0] == 0.0 and post.a[0] == 0.5
    assert post.sd_beta[0] == 0.15


def test_young_fund_keeps_the_pooled_fit() -> None:
    post = posterior(simulated_rows(1.5, 4), min_obs=4)  # 3 reported returns
    assert not post.own[0] and post.beta[0] == 1.0


def test_many_marks_learn_a_beta_unlike_the_class() -> None:
    """80 quarters of a beta-1.5 fund move a prior of 1.0 (sd 0.15) to about 1.5."""
    post = posterior(simulated_rows(1.5, 80, rows=8))
    assert post.own.all()
    assert abs(float(post.beta.mean()) - 1.5) < 0.1  # shrinkage keeps it a little below
    assert (np.abs(post.beta - 1.5) < 0.15).all()
    assert (post.sd_beta < 0.1).all()
    # ...and few marks stay near the prior
    few = posterior(simulated_rows(1.5, 6, rows=8))
    assert abs(float(few.beta.mean()) - 1.0) < abs(float(post.beta.mean()) - 1.0)


def test_shrinkage_pulls_a_young_fund_toward_its_class() -> None:
    """A beta-1.5 fund with 5 reported returns stays near its class's 1.0, the more so the
    tighter the class (the empirical-Bayes spread); with 80 it is its own."""
    young = simulated_rows(1.5, 6, rows=8, seed=1)
    old = simulated_rows(1.5, 80, rows=8, seed=1)
    loose, tight = posterior(young, sd_beta=0.3), posterior(young, sd_beta=0.05)
    assert loose.own.all() and tight.own.all()
    assert np.all(np.abs(tight.beta - 1.0) < np.abs(loose.beta - 1.0))
    assert np.abs(tight.beta - 1.0).max() < 0.06
    # the pull is precision-weighted: the young fund's posterior is nearer the class than the
    # old fund's, whose own estimate has a far smaller standard error
    grown = posterior(old, sd_beta=0.15)
    assert float(np.abs(posterior(young).beta - 1.0).mean()) < float(
        np.abs(grown.beta - 1.0).mean()
    )
    assert float(grown.sd_beta.mean()) < float(posterior(young).sd_beta.mean())


def test_eb_spread_estimates_the_cross_fund_spread() -> None:
    """REML on estimates with known standard errors: a spread of 0.3 is found as about 0.3, a
    class whose funds share one beta gets a spread well under the documented 0.15, and the
    centre is precision weighted."""
    rng = np.random.default_rng(0)
    se = np.full(200, 0.05)
    wide = 1.2 + rng.normal(0.0, 0.3, 200) + rng.normal(0.0, 0.05, 200)
    mu, tau = eb_spread(wide, se, 0.15)
    assert abs(tau - 0.3) < 0.05 and abs(mu - 1.2) < 0.05
    same = 1.2 + rng.normal(0.0, 0.05, 200)
    _, tau_same = eb_spread(same, se, 0.15)
    assert tau_same < 0.05
    mu_w, _ = eb_spread(np.array([1.0, 2.0]), np.array([0.01, 1.0]), 0.01)
    assert abs(mu_w - 1.0) < 0.01
    assert eb_spread(np.zeros(0), np.zeros(0), 0.15)[1] == 0.15


# -- held-out books ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def market() -> dict[str, pd.Series]:
    return arch_levels()


def heldout(
    market: dict[str, pd.Series], variant: str, n_funds: int, seed: int = 3
) -> tuple[HeldoutBook, ValuationInputs]:
    book = generate_heldout_book(
        market, dataclasses.replace(HELDOUT_VARIANTS[variant], n_funds=n_funds), seed=seed
    )
    inputs = make_inputs(book.holdings, book.statements, book.cashflows, market)
    return book, inputs


def test_heldout_book_has_the_documented_features(market: dict[str, pd.Series]) -> None:
    book, inputs = heldout(market, "bursts_crisis_lags", 12)
    fp = book.fund_params
    assert fp["beta"].between(0.8, 1.5).all() and fp["beta"].std() > 0.1
    lag = (book.statements["known_on"] - book.statements["as_of"]).dt.days
    assert lag.min() >= 40 and lag.max() > 145  # crisis lags lengthen beyond the normal range
    assert len(inputs.statements) == len(book.statements)
    # some quarter ends have no mark (never arriving, bursts)
    n_q = book.truth.groupby("holding_id")["date"].agg(lambda d: d.dt.to_period("Q").nunique())
    assert (book.statements.groupby("holding_id").size() < n_q - 1).any()


def test_per_holding_recovers_each_funds_beta(market: dict[str, pd.Series]) -> None:
    """Eight funds with 18-20 years of marks (true betas 0.93-1.50): each fund's own beta at the
    end is within 0.3 of the truth, RMS error 0.11 (0.20 for the class's pooled beta)."""
    params = dataclasses.replace(
        HELDOUT_VARIANTS["geltner"], n_funds=8, last_vintage=2000, p_missing=0.0
    )
    book = generate_heldout_book(market, params, seed=5)
    inputs = make_inputs(book.holdings, book.statements, book.cashflows, market)
    valuer = NowcastValuer(per_holding=True).fit(inputs)
    valuer.estimate(start="2018-12-20")
    fp = book.fund_params.set_index("holding_id")
    cls = book.holdings.set_index("holding_id")["asset_class"]
    own, pooled = [], []
    for h in fp.index:
        hp = valuer.holding_params_on(h, "2018-12-31")
        assert hp is not None and hp.own and hp.n_obs >= 70
        own.append(hp.beta - fp.loc[h, "beta"])
        pooled.append(valuer.params_on(cls[h], "2018-12-31").beta - fp.loc[h, "beta"])
    err, err_pooled = np.array(own), np.array(pooled)
    assert np.abs(err).max() < 0.3
    assert np.sqrt(np.mean(err**2)) < 0.13
    assert np.sqrt(np.mean(err**2)) < 0.7 * np.sqrt(np.mean(err_pooled**2))


def test_per_holding_point_in_time(market: dict[str, pd.Series]) -> None:
    """Adding later marks never changes an earlier estimate (truncated vs full, bit for bit)."""
    _, inputs = heldout(market, "geltner", 4)
    cut = "2006-09-15"
    end = pd.Timestamp(cut) + pd.Timedelta(days=95)
    full = NowcastValuer(per_holding=True).fit(inputs).estimate(end=end)
    trunc = NowcastValuer(per_holding=True).fit(inputs.truncated(cut)).estimate()
    full = full[full["date"] <= pd.Timestamp(cut)].reset_index(drop=True)
    assert len(trunc) == len(full) > 0
    pd.testing.assert_frame_equal(trunc.reset_index(drop=True), full, check_exact=True)


def scores(
    book: HeldoutBook, inputs: ValuationInputs, appraisal: str = "geltner"
) -> dict[str, pd.Series]:
    com = inputs.holdings.set_index("holding_id")["commitment"]
    out = {}
    for label, valuer in [
        ("oracle", OracleValuer(book.truth, book.fund_params)),
        ("pooled", NowcastValuer()),
        ("per_holding", NowcastValuer(per_holding=True, appraisal=appraisal)),
    ]:
        est = valuer.fit(inputs).estimate().assign(method=label)
        out[label] = report_table(backtest_report(est, book.truth, commitment=com)).iloc[0]
    return out


#: variant -> (appraisal model, max RMSE / oracle, max true-up / oracle, max RMSE / pooled
#: nowcast) for the per-holding nowcast on 10 funds (seed 3). Achieved there (empirical-Bayes
#: prior, issue 18 goal items 1-3): geltner 1.28, 1.26, 0.99; bursts_crisis_lags 1.29, 1.23,
#: 0.99; moving_average with ``appraisal="auto"`` (the moving-average kernel chosen by
#: likelihood) 1.45, 1.22, 0.73 -- with Geltner's model alone it was 2.09, 2.09, 1.05: the
#: filter mis-reads a moving average (docs/valuation.md, "Held-out books").
ROBUST = {
    "geltner": ("geltner", 1.32, 1.30, 1.0),
    "moving_average": ("auto", 1.55, 1.30, 0.80),
    "bursts_crisis_lags": ("geltner", 1.37, 1.27, 1.0),
}


@pytest.mark.slow
@pytest.mark.parametrize("variant", list(ROBUST))
def test_robust_against_the_oracle(market: dict[str, pd.Series], variant: str) -> None:
    appraisal, max_rmse, max_tu, max_vs_pooled = ROBUST[variant]
    book, inputs = heldout(market, variant, 10)
    s = scores(book, inputs, appraisal)
    o, p, ph = s["oracle"], s["pooled"], s["per_holding"]
    assert ph["rmse"] / o["rmse"] <= max_rmse
    assert ph["true_up_mean_abs"] / o["true_up_mean_abs"] <= max_tu
    assert ph["rmse"] / p["rmse"] <= max_vs_pooled
    assert 0.85 <= ph["coverage"] <= 0.95


def test_auto_appraisal_point_in_time(market: dict[str, pd.Series]) -> None:
    """The appraisal model chosen by likelihood at each refit, and the empirical-Bayes prior,
    use only what was known: truncated vs full inputs, bit for bit, on a moving-average book."""
    _, inputs = heldout(market, "moving_average", 4)
    cut = "2006-09-15"
    end = pd.Timestamp(cut) + pd.Timedelta(days=95)
    make = lambda: NowcastValuer(per_holding=True, appraisal="auto")  # noqa: E731
    full = make().fit(inputs).estimate(end=end)
    trunc = make().fit(inputs.truncated(cut)).estimate()
    full = full[full["date"] <= pd.Timestamp(cut)].reset_index(drop=True)
    assert len(trunc) == len(full) > 0
    pd.testing.assert_frame_equal(trunc.reset_index(drop=True), full, check_exact=True)


def test_make_valuers_passes_the_appraisal_and_refuses_an_unknown_one() -> None:
    """Issue 18: `--appraisal` and the policy's `[valuation] appraisal` reach both nowcasts."""
    from altsleeve.errors import InputError
    from altsleeve.valuation import HoldingNowcastValuer
    from altsleeve.workflows.valuation import make_valuers

    pooled, own = make_valuers(["nowcast", "nowcast-ph"], appraisal="auto")
    assert isinstance(pooled, NowcastValuer) and pooled.appraisal == "auto"
    assert isinstance(own, HoldingNowcastValuer) and own.appraisal == "auto"
    assert make_valuers(["nowcast"])[0].appraisal == "geltner"  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="unknown appraisal 'kalman'") as info:
        make_valuers(["nowcast"], appraisal="kalman")
    assert info.value.problems[0].column == "--appraisal"


def test_the_policy_may_name_the_per_holding_nowcast_and_an_appraisal() -> None:
    from altsleeve.report import Policy, sample_policy_path

    data = Policy.from_toml(sample_policy_path()).model_dump(mode="json")
    data["valuation"]["appraisal"] = "moving_average"
    data["valuation"]["classes"]["venture"]["method"] = "nowcast-ph"
    pol = Policy.from_mapping(data)
    assert pol.valuation.for_class("venture").method == "nowcast-ph"
    assert pol.valuation.appraisal == "moving_average"
    data["valuation"]["appraisal"] = "spline"
    with pytest.raises(Exception, match=r"valuation\.appraisal"):
        Policy.from_mapping(data)
