"""The nowcast's Kalman filter checked against brute-force Gaussian algebra, and its fit.

The model of ``_kalman.py`` (module docstring) is linear-Gaussian in independent shocks once the
flow term ``x`` is switched off (``flow_ratio = 0``):

    g0 ~ N(0, g0_var), e0 ~ N(0, e0_scale * noise^2),
    eta_j ~ N(0, sigma^2 dt_j) (one per quarter), eps_j ~ N(0, noise^2) (one per observed mark).

Every observed ``y_j`` and the final gap (``g + e`` at the last observed mark) are then affine in
those shocks, so the exact joint mean and covariance give E[gap | y], Var[gap | y] and the density
of y in closed form. The filter must reproduce all three: its log-likelihood is the
prediction-error decomposition of that density (Harvey 1989, "Forecasting, Structural Time Series
Models and the Kalman Filter", ch. 3.4), which equals the joint multivariate normal log-density.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from numpy.typing import NDArray
from scipy.stats import multivariate_normal

from altsleeve.valuation import CLASS_PRIORS, NowcastParams, fit_params, run_filter
from altsleeve.valuation._kalman import FilterInputs, ma_kernel, run_kernel_filter

Arr = NDArray[np.float64]


@dataclass
class Case:
    """One row: its parameters and observation pattern."""

    a: float
    alpha: float
    beta: float
    sigma: float
    noise: float
    m: Arr  # proxy log return per quarter (column 0 unused)
    dt: Arr  # quarter length in years (column 0 unused)
    observed: NDArray[np.bool_]  # column 0 is the start (never an observation)
    g0_var: float
    e0_scale: float


def affine_model(case: Case) -> tuple[Arr, Arr, Arr, float, Arr]:
    """Observed y and the final gap as affine functions of the independent shocks.

    Returns ``(A, b, D, b_gap, a_gap)``: y = A z + b, gap = a_gap . z + b_gap, with z the shocks
    (g0, e0, eta_1..eta_{J-1}, eps_j for each observed j) of variances D.
    """
    quarters = len(case.dt)
    obs_cols = [j for j in range(1, quarters) if case.observed[j]]
    n_shocks = 2 + (quarters - 1) + len(obs_cols)
    var = np.zeros(n_shocks)
    var[0] = case.g0_var
    var[1] = case.e0_scale * case.noise**2
    var[2 : 2 + quarters - 1] = case.sigma**2 * case.dt[1:]
    var[2 + quarters - 1 :] = case.noise**2

    def unit(i: int) -> Arr:
        v = np.zeros(n_shocks)
        v[i] = 1.0
        return v

    # affine quantities as (coefficients, constant)
    g = (unit(0), 0.0)
    c = (np.zeros(n_shocks), 0.0)
    e = (unit(1), 0.0)
    gap = (g[0] + e[0], g[1] + e[1])
    rows_a: list[Arr] = []
    rows_b: list[float] = []
    k = 0
    for j in range(1, quarters):
        mu = case.alpha * case.dt[j] + case.beta * case.m[j]
        r = (unit(2 + j - 1), mu)  # r_j = mu_j + eta_j
        # c_j = c_{j-1} + a (r_j - g_{j-1});  g_j = (1 - a)(g_{j-1} - r_j)
        c = (c[0] + case.a * (r[0] - g[0]), c[1] + case.a * (r[1] - g[1]))
        g = ((1 - case.a) * (g[0] - r[0]), (1 - case.a) * (g[1] - r[1]))
        if case.observed[j]:
            eps = unit(2 + quarters - 1 + k)
            k += 1
            rows_a.append(c[0] + eps - e[0])  # y = c + eps_new - e_prev
            rows_b.append(c[1] - e[1])
            c = (np.zeros(n_shocks), 0.0)
            e = (eps, 0.0)
            gap = (g[0] + e[0], g[1] + e[1])
    a_mat = np.array(rows_a).reshape(len(rows_a), n_shocks)
    return a_mat, np.array(rows_b), var, gap[1], gap[0]


def brute_force(case: Case, y: Arr) -> tuple[float, float, float]:
    """Exact E[gap | y], Var[gap | y] and log N(y) from the joint Gaussian."""
    a_mat, b, var, b_gap, a_gap = affine_model(case)
    if len(b) == 0:
        return b_gap, float(a_gap @ (var * a_gap)), 0.0
    cov_yy = a_mat @ np.diag(var) @ a_mat.T
    cov_gy = a_mat @ (var * a_gap)
    var_g = float(a_gap @ (var * a_gap))
    sol = np.linalg.solve(cov_yy, np.column_stack([y - b, cov_gy]))
    mean = b_gap + float(cov_gy @ sol[:, 0])
    cvar = var_g - float(cov_gy @ sol[:, 1])
    loglik = float(multivariate_normal(mean=b, cov=cov_yy).logpdf(y))
    return mean, cvar, loglik


def simulate_y(case: Case, rng: np.random.Generator) -> Arr:
    """One draw of the observed y from the model itself (so values are realistic)."""
    a_mat, b, var, _, _ = affine_model(case)
    z = rng.normal(0.0, np.sqrt(var))
    return a_mat @ z + b


def random_case(rng: np.random.Generator, quarters: int, e0_scale: float) -> Case:
    observed = rng.random(quarters) < 0.7
    observed[0] = False
    observed[-1] = True
    if quarters > 3:
        observed[quarters // 2] = False  # a missing quarter in the middle
    dt = rng.uniform(0.24, 0.26, quarters)
    dt[0] = 0.0
    m = rng.normal(0.02, 0.08, quarters)
    m[0] = 0.0
    return Case(
        a=float(rng.uniform(0.15, 0.95)),
        alpha=float(rng.normal(0.0, 0.03)),
        beta=float(rng.uniform(0.3, 1.6)),
        sigma=float(rng.uniform(0.05, 0.35)),
        noise=float(rng.uniform(0.005, 0.05)),
        m=m,
        dt=dt,
        observed=observed,
        g0_var=float(rng.choice([0.02**2, 0.05**2])),
        e0_scale=e0_scale,
    )


def stack(cases: list[Case], ys: list[Arr], flow: float = 0.0) -> tuple[FilterInputs, dict]:
    """The cases as rows of one FilterInputs (trailing quarters padded inactive)."""
    n = max(len(c.dt) for c in cases)
    k = len(cases)
    y = np.full((k, n), np.nan)
    obs = np.zeros((k, n), dtype=bool)
    m = np.zeros((k, n))
    dt = np.zeros((k, n))
    for i, (c, yy) in enumerate(zip(cases, ys, strict=True)):
        q = len(c.dt)
        obs[i, :q] = c.observed
        y[i, :q][c.observed] = yy
        m[i, :q] = c.m
        dt[i, :q] = c.dt
    inp = FilterInputs(
        y=y,
        observed=obs,
        m=m,
        dt=dt,
        flow_ratio=np.full((k, n), flow),
        g0_var=np.array([c.g0_var for c in cases]),
        e0_scale=np.array([c.e0_scale for c in cases]),
    )
    params = {
        name: np.array([getattr(c, name) for c in cases])
        for name in ("a", "alpha", "beta", "sigma", "noise")
    }
    return inp, params


@pytest.mark.parametrize("e0_scale", [0.0, 1.0], ids=["start_at_cost", "start_at_mark"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_filter_matches_brute_force_gaussian(seed: int, e0_scale: float) -> None:
    rng = np.random.default_rng(seed)
    cases = [random_case(rng, int(q), e0_scale) for q in rng.integers(2, 14, size=8)]
    ys = [simulate_y(c, rng) for c in cases]
    inp, params = stack(cases, ys)
    out = run_filter(inp, **params)
    for i, (case, y) in enumerate(zip(cases, ys, strict=True)):
        mean, cvar, loglik = brute_force(case, y)
        assert out.n_obs[i] == case.observed[1:].sum()
        np.testing.assert_allclose(out.gap[i], mean, rtol=1e-8, atol=1e-13)
        np.testing.assert_allclose(out.gap_var[i], cvar, rtol=1e-8, atol=1e-15)
        np.testing.assert_allclose(out.loglik[i], loglik, rtol=1e-8)


def test_filter_hand_pattern_with_missing_quarters() -> None:
    # start at cost, marks at quarters 2, 5 and 6 only (1, 3, 4 missing)
    case = Case(
        a=0.4,
        alpha=0.01,
        beta=1.1,
        sigma=0.2,
        noise=0.02,
        m=np.array([0.0, 0.05, -0.12, 0.03, 0.08, -0.02, 0.04]),
        dt=np.array([0.0, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25]),
        observed=np.array([False, False, True, False, False, True, True]),
        g0_var=0.02**2,
        e0_scale=0.0,
    )
    y = np.array([-0.03, 0.07, 0.01])
    inp, params = stack([case], [y])
    out = run_filter(inp, **params)
    mean, cvar, loglik = brute_force(case, y)
    assert out.n_obs[0] == 3
    np.testing.assert_allclose(out.gap[0], mean, rtol=1e-8)
    np.testing.assert_allclose(out.gap_var[0], cvar, rtol=1e-8)
    np.testing.assert_allclose(out.loglik[0], loglik, rtol=1e-8)


def test_filter_without_observations_keeps_the_start() -> None:
    case = Case(
        a=0.5,
        alpha=0.0,
        beta=1.0,
        sigma=0.2,
        noise=0.03,
        m=np.array([0.0, 0.1, 0.1]),
        dt=np.array([0.0, 0.25, 0.25]),
        observed=np.zeros(3, dtype=bool),
        g0_var=0.05**2,
        e0_scale=1.0,
    )
    inp, params = stack([case], [np.zeros(0)])
    out = run_filter(inp, **params)
    assert out.n_obs[0] == 0
    assert out.gap[0] == 0.0
    np.testing.assert_allclose(out.gap_var[0], 0.05**2 + 0.03**2, rtol=1e-12)
    assert out.loglik[0] == 0.0


def test_flow_term_widens_the_innovation_by_hand() -> None:
    # One quarter after a mark: y = c_1 + eps_1 - e_0 + x with c_1 = a (mu + eta - g0),
    # x ~ N(0, f^2 (g_pred^2 + P_gg_pred)), g_pred = -(1-a) mu, P_gg_pred = (1-a)^2 (g0_var + q).
    a, alpha, beta, sigma, noise, f = 0.6, 0.02, 0.9, 0.25, 0.03, 0.4
    m1, dt1, g0v, y1 = 0.07, 0.25, 0.05**2, 0.02
    mu = alpha * dt1 + beta * m1
    q = sigma**2 * dt1
    x_var = f**2 * (((1 - a) * mu) ** 2 + (1 - a) ** 2 * (g0v + q))
    s = a**2 * (g0v + q) + noise**2 + noise**2 + x_var
    expected = -0.5 * (np.log(2 * np.pi) + np.log(s) + (y1 - a * mu) ** 2 / s)
    inp = FilterInputs(
        y=np.array([[np.nan, y1]]),
        observed=np.array([[False, True]]),
        m=np.array([[0.0, m1]]),
        dt=np.array([[0.0, dt1]]),
        flow_ratio=np.array([[0.0, f]]),
        g0_var=np.array([g0v]),
        e0_scale=np.array([1.0]),
    )
    out = run_filter(
        inp,
        np.array([a]),
        np.array([alpha]),
        np.array([beta]),
        np.array([sigma]),
        np.array([noise]),
    )
    np.testing.assert_allclose(out.loglik[0], expected, rtol=1e-10)


def test_no_smoothing_and_tiny_noise_gives_no_gap() -> None:
    rng = np.random.default_rng(11)
    cases = []
    for e0 in (0.0, 1.0):
        c = random_case(rng, 10, e0)
        c.a, c.noise = 1.0, 1e-7
        cases.append(c)
    ys = [simulate_y(c, rng) for c in cases]
    inp, params = stack(cases, ys)
    out = run_filter(inp, **params)
    np.testing.assert_allclose(out.gap, 0.0, atol=1e-9)
    assert np.all(out.gap_var < 1e-12)


# -- fit_params ------------------------------------------------------------------------------------


def simulate_panel(
    rng: np.random.Generator,
    rows: int,
    quarters: int,
    *,
    a: float,
    alpha: float,
    beta: float,
    sigma: float,
    noise: float,
) -> FilterInputs:
    """Reported returns simulated from the model itself (every quarter observed)."""
    dt = np.full((rows, quarters), 0.25)
    dt[:, 0] = 0.0
    m = rng.normal(0.02, 0.08, (rows, quarters))
    m[:, 0] = 0.0
    g0_var = np.full(rows, 0.05**2)
    g = rng.normal(0.0, np.sqrt(g0_var))
    e = rng.normal(0.0, noise, rows)
    y = np.full((rows, quarters), np.nan)
    for j in range(1, quarters):
        r = alpha * dt[:, j] + beta * m[:, j] + rng.normal(0.0, sigma * np.sqrt(dt[:, j]))
        c = a * (r - g)  # smoothed return since the previous (observed) mark
        g = (1 - a) * (g - r)
        eps = rng.normal(0.0, noise, rows)
        y[:, j] = c + eps - e
        e = eps
    observed = np.ones((rows, quarters), dtype=bool)
    observed[:, 0] = False
    return FilterInputs(
        y=y,
        observed=observed,
        m=m,
        dt=dt,
        flow_ratio=np.zeros((rows, quarters)),
        g0_var=g0_var,
        e0_scale=np.ones(rows),
    )


def test_fit_params_recovers_simulated_parameters() -> None:
    rng = np.random.default_rng(2024)
    inp = simulate_panel(rng, 200, 40, a=0.5, alpha=0.0, beta=1.2, sigma=0.15, noise=0.01)
    fitted = fit_params(inp, CLASS_PRIORS["buyout"])
    # Tolerances: a within 0.08 and beta within 0.15, sigma within 0.03. With 7,800 returns the
    # fit's own standard error of beta is about 0.02, so 0.15 is a wide band (about 7 se); across
    # seeds 0-4 the errors were below 0.015 (beta) and 0.005 (a).
    assert abs(fitted.a - 0.5) < 0.08
    assert abs(fitted.beta - 1.2) < 0.15
    assert abs(fitted.sigma - 0.15) < 0.03
    assert fitted.n_obs == 200 * 39
    assert 0 < fitted.se_beta < 0.1
    assert 0 < fitted.se_alpha < 0.04
    assert abs(fitted.beta - 1.2) < 5 * fitted.se_beta


def test_fit_params_without_observations_returns_the_prior() -> None:
    rng = np.random.default_rng(5)
    inp = simulate_panel(rng, 3, 6, a=0.5, alpha=0.0, beta=1.2, sigma=0.15, noise=0.01)
    none = FilterInputs(
        y=np.full_like(inp.y, np.nan),
        observed=np.zeros_like(inp.observed),
        m=inp.m,
        dt=inp.dt,
        flow_ratio=inp.flow_ratio,
        g0_var=inp.g0_var,
        e0_scale=inp.e0_scale,
    )
    for cls, prior in CLASS_PRIORS.items():
        got = fit_params(none, prior)
        assert got == NowcastParams.from_prior(prior), cls
        assert got.n_obs == 0


# -- the finite appraisal kernel's filter ----------------------------------------------------------


@pytest.mark.parametrize("flow", [0.0, 0.15])
def test_kernel_filter_with_a_geometric_kernel_is_geltners(flow: float) -> None:
    """Geltner's partial adjustment is the kernel ``w_l = a (1 - a)^l``: the kernel filter with
    that kernel (truncated where its weights vanish) reproduces the Geltner filter's gap, its
    variance and the log-likelihood, with and without the flow term, at every ``a``."""
    rng = np.random.default_rng(4)
    lengths = rng.integers(3, 14, 8)
    cases = [random_case(rng, int(q), e0) for q, e0 in zip(lengths, [0.0, 1.0] * 4, strict=True)]
    for c in cases:
        c.g0_var = 0.0  # no gap before the start (the kernel's returns before it are 0)
    ys = [simulate_y(c, rng) for c in cases]
    inp, params = stack(cases, ys, flow=flow)
    want = run_filter(inp, **params)
    w = np.array([a * (1.0 - a) ** np.arange(120) for a in params["a"]])
    w = w / w.sum(axis=1, keepdims=True)
    rest = {k: v for k, v in params.items() if k != "a"}
    got = run_kernel_filter(inp, w, **rest)
    np.testing.assert_allclose(got.gap, want.gap, rtol=1e-7, atol=1e-12)
    np.testing.assert_allclose(got.gap_var, want.gap_var, rtol=1e-6, atol=1e-14)
    np.testing.assert_allclose(got.loglik, want.loglik, rtol=1e-8)
    assert (got.n_obs == want.n_obs).all()


def test_kernel_filter_one_quarter_kernel_is_no_smoothing() -> None:
    rng = np.random.default_rng(5)
    cases = [random_case(rng, 10, 1.0) for _ in range(4)]
    for c in cases:
        c.g0_var = 0.0  # Geltner's start gap has no counterpart in a one-quarter kernel
    ys = [simulate_y(c, rng) for c in cases]
    inp, params = stack(cases, ys)
    params["a"] = np.ones(4)
    want = run_filter(inp, **params)
    got = run_kernel_filter(
        inp, ma_kernel(1), *(params[k] for k in ("alpha", "beta", "sigma", "noise"))
    )
    np.testing.assert_allclose(got.loglik, want.loglik, rtol=1e-10)
    np.testing.assert_allclose(got.gap, want.gap, atol=1e-12)


def test_fit_with_a_moving_average_kernel_recovers_beta() -> None:
    """Pooled fit of the moving-average model on returns simulated from it (4 quarters)."""
    rng = np.random.default_rng(6)
    rows, q, beta, sigma, noise = 30, 40, 1.3, 0.08, 0.02
    m = rng.normal(0.02, 0.09, (rows, q))
    m[:, 0] = 0.0
    dt = np.full((rows, q), 0.25)
    dt[:, 0] = 0.0
    r = beta * m + rng.normal(0.0, sigma * 0.5, (rows, q))
    r[:, 0] = 0.0
    u = np.cumsum(r, axis=1)
    s = np.array([[u[i, max(j - 3, 0) : j + 1].sum() / 4.0 for j in range(q)] for i in range(rows)])
    rep = s + rng.normal(0.0, noise, s.shape)
    rep[:, 0] = 0.0
    y = np.c_[np.full(rows, np.nan), np.diff(rep, axis=1)]
    obs = np.ones((rows, q), dtype=bool)
    obs[:, 0] = False
    inp = FilterInputs(y, obs, m, dt, np.zeros((rows, q)), np.zeros(rows), np.zeros(rows))
    kern = tuple(float(x) for x in ma_kernel(4))
    fit = fit_params(inp, CLASS_PRIORS["buyout"], kernel=kern)
    assert fit.kernel == kern and abs(fit.beta - beta) < 0.1
    other = fit_params(inp, CLASS_PRIORS["buyout"], kernel=tuple(float(x) for x in ma_kernel(2)))
    assert fit.loglik > other.loglik  # the true kernel is the more likely
