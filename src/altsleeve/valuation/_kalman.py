"""The nowcast's state-space model: a Kalman filter over reported quarterly returns, and its fit.

Owns the filter that infers, from a holding's reported (appraisal-smoothed, noisy) quarterly
returns and its proxy's returns, the gap between the reported and the true log value at the last
mark, with its variance; and the penalised maximum-likelihood fit of the model's parameters.
Pure numpy/scipy on arrays; vectorised across rows (holdings, or knowledge states of one
holding) with one Python loop over quarters. Must not read files or the ledger.

Model (per quarter ``j``, log units; Geltner 1993 partial adjustment in log levels, as in
Quan & Quigley 1991 and Brown, Ghysels & Gredil 2023; marks are smoothed, lagged, noisy
observations, DOMAIN.md section 2):

    true unit return     r_j = mu_j + eta_j,   mu_j = alpha * dt_j + beta * m_j,
                         eta_j ~ N(0, sigma^2 dt_j)
    smoothed log value   s_j = a * u_j + (1 - a) * s_{j-1}          (u = true log unit value)
    gap                  g_j = s_j - u_j = (1 - a) * (g_{j-1} - r_j)
    reported log value   Y_j = s_j + eps_j,  eps_j ~ N(0, noise^2), transient (one per mark)

State ``(g_j, c_j, e_j)``: ``c_j`` accumulates the smoothed return since the last observed mark,
``c_j = c_{j-1} + a (r_j - g_{j-1})``, and ``e`` is the last observed mark's noise. A mark at ``j``
observes the cash-flow-adjusted reported return since the previous mark,
``y = c_j + eps_j - e + x``, where ``x ~ N(0, (F/NAV)^2 E[g^2])`` allows for the flows ``F`` having
been carried at the reported rather than the true value; then ``c`` restarts at 0 and ``e``
becomes ``eps_j``. Quarters without a mark (missing or not yet known) are prediction steps, so
late and missing statements need no special case. The true log value at the last mark is
``Y - g - e``.

:func:`run_kernel_filter` is the same filter for a finite appraisal kernel (a moving average of
the last few quarters' true values) instead of the partial adjustment; :func:`holding_posterior`
and :func:`class_hyper` give each holding's own parameters under an empirical-Bayes class prior.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize

from altsleeve.valuation._defaults import PRIOR_SD, ClassPrior

FloatArray = NDArray[np.float64]
_LOG2PI = float(np.log(2.0 * np.pi))
_A_MIN = 0.05


@dataclass(frozen=True)
class NowcastParams:
    """Parameters of the state-space model (annual decimals, log units).

    Attributes
    ----------
    a : float
        Smoothing weight on the current true return (1 = no smoothing).
    alpha : float
        Drift a year beyond ``beta`` times the proxy.
    beta : float
        Loading on the proxy's log return.
    sigma : float
        Idiosyncratic volatility a year.
    noise : float
        Standard deviation of a reported quarterly return's appraisal noise.
    n_obs : int
        Reported returns the fit used (0: the prior alone).
    se_alpha, se_beta : float
        Standard errors of ``alpha`` and ``beta`` from the fit (prior spreads when not fitted).
    kernel : tuple of float, optional
        The appraisal kernel's weights (:func:`run_kernel_filter`; ``a`` is then unused, and is
        reported as the weight on the current value); None: Geltner's partial adjustment.
    loglik : float
        The filter's log-likelihood at the fit (NaN when not fitted).
    """

    a: float
    alpha: float
    beta: float
    sigma: float
    noise: float
    n_obs: int = 0
    se_alpha: float = PRIOR_SD["alpha"]
    se_beta: float = PRIOR_SD["beta"]
    kernel: tuple[float, ...] | None = None
    loglik: float = float("nan")

    @classmethod
    def from_prior(cls, prior: ClassPrior) -> NowcastParams:
        """The prior means of an asset class."""
        return cls(
            prior.smoothing_a, prior.alpha, prior.beta, prior.idio_vol, prior.appraisal_noise
        )


@dataclass(frozen=True)
class FilterInputs:
    """Per row (holding or knowledge state) and quarter: what the filter sees.

    All arrays have shape ``(rows, quarters)``. Column 0 is the starting point (a pseudo-mark at
    cost, or the first mark), where ``g`` starts at 0 with variance ``g0_var``.

    Attributes
    ----------
    y : ndarray
        Reported log return since the previous observed mark (NaN where not observed).
    observed : ndarray of bool
        Whether a mark is observed at this quarter (and ``y`` is valid).
    m : ndarray
        The proxy's log return over the quarter.
    dt : ndarray
        The quarter's length in years (ACT/365); 0 beyond a row's last quarter.
    flow_ratio : ndarray
        Net flows between the previous mark and this one over the previous mark's NAV.
    g0_var : ndarray
        Variance of ``g`` at column 0, shape ``(rows,)``.
    e0_scale : ndarray
        Variance of the starting point's noise in units of ``noise^2``: 1 when the start is a
        reported mark, 0 when it is the cost of the first calls; shape ``(rows,)``.
    """

    y: FloatArray
    observed: NDArray[np.bool_]
    m: FloatArray
    dt: FloatArray
    flow_ratio: FloatArray
    g0_var: FloatArray
    e0_scale: FloatArray


@dataclass(frozen=True)
class FilterOutput:
    """Per row, at the last observed mark: the gap, its variance and the log-likelihood.

    ``gap = g + e`` is the reported minus the true log value at the row's last observed mark.
    """

    gap: FloatArray
    gap_var: FloatArray
    loglik: FloatArray
    n_obs: NDArray[np.int64]
    innov: FloatArray | None = None
    innov_var: FloatArray | None = None


def run_filter(
    inp: FilterInputs,
    a: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    sigma: FloatArray,
    noise: FloatArray,
    *,
    keep_innovations: bool = False,
) -> FilterOutput:
    """Run the Kalman filter over quarters for every row at once.

    Parameters are arrays of shape ``(rows,)``. Returns, at each row's last observed mark, the
    filtered ``g + e`` (reported minus true log value) and its variance, and the Gaussian
    log-likelihood of the row's observations (prediction-error decomposition, Harvey 1989 ch. 3).
    With ``keep_innovations`` it also returns each quarter's innovation and its variance
    (``(rows, quarters)``; 0 and 1 where no mark is observed).
    """
    rows, quarters = inp.y.shape
    g = np.zeros(rows)
    c = np.zeros(rows)
    e = np.zeros(rows)
    pgg = inp.g0_var.astype(float).copy()
    pee = inp.e0_scale * noise**2
    pgc = np.zeros(rows)
    pge = np.zeros(rows)
    pcc = np.zeros(rows)
    pce = np.zeros(rows)
    gap_last = g + e
    var_last = pgg + pee
    ll = np.zeros(rows)
    n = np.zeros(rows, dtype=np.int64)
    one_a = 1.0 - a
    r = noise**2
    innov = np.zeros((rows, quarters)) if keep_innovations else None
    innov_var = np.ones((rows, quarters)) if keep_innovations else None
    for j in range(1, quarters):
        dtj = inp.dt[:, j]
        mu = alpha * dtj + beta * inp.m[:, j]
        q = sigma**2 * dtj
        # predict: g' = (1-a)(g - mu - eta), c' = c - a g + a mu + a eta, e' = e
        g_p = one_a * (g - mu)
        c_p = c - a * g + a * mu
        pgg_p = one_a**2 * (pgg + q)
        pgc_p = one_a * (pgc - a * pgg) - one_a * a * q
        pge_p = one_a * pge
        pcc_p = a**2 * pgg - 2.0 * a * pgc + pcc + a**2 * q
        pce_p = pce - a * pge
        obs = inp.observed[:, j]
        # observe y = c - e + eps_new + x
        x = inp.flow_ratio[:, j] ** 2 * (g_p**2 + pgg_p)
        s = pcc_p - 2.0 * pce_p + pee + r + x
        s = np.where(obs, s, 1.0)
        v = np.where(obs, inp.y[:, j] - (c_p - e), 0.0)
        if innov is not None and innov_var is not None:
            innov[:, j] = v
            innov_var[:, j] = s
        cov_gy = pgc_p - pge_p
        g_u = g_p + cov_gy / s * v
        e_u = r / s * v
        pgg_u = pgg_p - cov_gy**2 / s
        pee_u = r - r**2 / s
        pge_u = -cov_gy * r / s
        ll = ll + np.where(obs, -0.5 * (_LOG2PI + np.log(s) + v * v / s), 0.0)
        n = n + obs
        g = np.where(obs, g_u, g_p)
        e = np.where(obs, e_u, e)
        c = np.where(obs, 0.0, c_p)
        pgg = np.where(obs, pgg_u, pgg_p)
        pge = np.where(obs, pge_u, pge_p)
        pee = np.where(obs, pee_u, pee)
        pgc = np.where(obs, 0.0, pgc_p)
        pcc = np.where(obs, 0.0, pcc_p)
        pce = np.where(obs, 0.0, pce_p)
        gap_last = np.where(obs, g + e, gap_last)
        var_last = np.where(obs, pgg + 2.0 * pge + pee, var_last)
    return FilterOutput(gap_last, np.maximum(var_last, 0.0), ll, n, innov, innov_var)


def ma_kernel(k: int) -> FloatArray:
    """Weights of a ``k``-quarter moving-average appraisal: ``s_j = mean(u_j, ..., u_{j-k+1})``."""
    return np.full(k, 1.0 / k)


def run_kernel_filter(
    inp: FilterInputs,
    w: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    sigma: FloatArray,
    noise: FloatArray,
    *,
    keep_innovations: bool = False,
) -> FilterOutput:
    """The filter for a finite appraisal kernel: ``s_j = sum_l w_l u_{j-l}`` (weights sum to 1).

    The alternative to Geltner's partial adjustment for appraisals that average the last few
    quarters' values (a ``k``-quarter moving average: ``w = ma_kernel(k)``). With ``L`` weights
    the state is the last ``L - 1`` true returns ``r_0 .. r_{L-2}`` (``r_0`` the latest), the
    smoothed return ``c`` accumulated since the last observed mark, the last mark's noise ``e``
    and the current quarter's noise ``eps``:

        smoothed return   s_j - s_{j-1} = sum_l w_l r_{j-l}
        gap               g_j = s_j - u_j = -sum_i W_i r_{j-i},  W_i = w_{i+1} + ... + w_{L-1}

    and a mark observes ``y = c + eps - e + x`` as in :func:`run_filter` (same flow term ``x``,
    then ``c`` restarts at 0 and ``e`` becomes ``eps``). The true returns before the start have
    mean 0 and variance ``g0_var`` each (0 before a fund's first call). ``w`` has shape
    ``(rows, L)`` (or ``(L,)`` for every row); the other parameters ``(rows,)``. Returns what
    :func:`run_filter` returns, the gap being ``g + e`` at the last observed mark.
    """
    rows, quarters = inp.y.shape
    w = np.broadcast_to(np.asarray(w, dtype=float), (rows, np.shape(w)[-1]))
    n_r = w.shape[1] - 1
    ic, ie, ix = n_r, n_r + 1, n_r + 2
    n = n_r + 3
    tail = np.cumsum(w[:, ::-1], axis=1)[:, ::-1][:, 1:]  # W_i = sum_{l > i} w_l, (rows, n_r)
    # transition (rows, n, n), the loading of the new true return b and the gap vector gv
    tr = np.zeros((rows, n, n))
    for i in range(1, n_r):
        tr[:, i, i - 1] = 1.0
    tr[:, ic, ic] = 1.0
    tr[:, ic, :n_r] = w[:, 1:]
    tr[:, ie, ie] = 1.0
    b = np.zeros((rows, n))
    if n_r:
        b[:, 0] = 1.0
    b[:, ic] = w[:, 0]
    gv = np.zeros((rows, n))
    gv[:, :n_r] = -tail
    h = np.zeros(n)
    h[ic], h[ie], h[ix] = 1.0, -1.0, 1.0
    reset = np.eye(n)
    reset[ic, ic] = 0.0
    reset[ie, ie] = 0.0
    reset[ie, ix] = 1.0
    reset[ix, ix] = 0.0
    ge = gv.copy()
    ge[:, ie] += 1.0  # g + e
    x = np.zeros((rows, n))
    p = np.zeros((rows, n, n))
    idx = np.arange(n_r)
    p[:, idx, idx] = inp.g0_var[:, None]
    p[:, ie, ie] = inp.e0_scale * noise**2
    r2 = noise**2
    ll = np.zeros(rows)
    cnt = np.zeros(rows, dtype=np.int64)
    gap_last = np.einsum("ri,ri->r", ge, x)
    var_last = np.einsum("ri,rij,rj->r", ge, p, ge)
    innov = np.zeros((rows, quarters)) if keep_innovations else None
    innov_var = np.ones((rows, quarters)) if keep_innovations else None
    bb = b[:, :, None] * b[:, None, :]
    for j in range(1, quarters):
        mu = alpha * inp.dt[:, j] + beta * inp.m[:, j]
        q = sigma**2 * inp.dt[:, j]
        x_p = np.einsum("rij,rj->ri", tr, x) + b * mu[:, None]
        p_p = tr @ p @ tr.transpose(0, 2, 1) + q[:, None, None] * bb
        p_p[:, ix, ix] += r2
        obs = inp.observed[:, j]
        g_p = np.einsum("ri,ri->r", gv, x_p)
        g_v = np.einsum("ri,rij,rj->r", gv, p_p, gv)
        xf = inp.flow_ratio[:, j] ** 2 * (g_p**2 + g_v)
        ph = p_p @ h  # (rows, n)
        sv = ph @ h + xf
        sv = np.where(obs, sv, 1.0)
        v = np.where(obs, inp.y[:, j] - x_p @ h, 0.0)
        if innov is not None and innov_var is not None:
            innov[:, j] = v
            innov_var[:, j] = sv
        k_gain = ph / sv[:, None]
        x_u = x_p + k_gain * v[:, None]
        p_u = p_p - k_gain[:, :, None] * ph[:, None, :]
        x_u = x_u @ reset.T
        p_u = reset @ p_u @ reset.T
        ll = ll + np.where(obs, -0.5 * (_LOG2PI + np.log(sv) + v * v / sv), 0.0)
        cnt = cnt + obs
        x = np.where(obs[:, None], x_u, x_p)
        p = np.where(obs[:, None, None], p_u, p_p)
        gap_last = np.where(obs, np.einsum("ri,ri->r", ge, x), gap_last)
        var_last = np.where(obs, np.einsum("ri,rij,rj->r", ge, p, ge), var_last)
    return FilterOutput(gap_last, np.maximum(var_last, 0.0), ll, cnt, innov, innov_var)


@dataclass(frozen=True)
class HoldingPosterior:
    """Per row: the posterior of a holding's own smoothing, alpha and beta, and the gap under it.

    Attributes
    ----------
    a : ndarray
        Posterior mean of the smoothing weight.
    sigma : ndarray
        Posterior mean of the idiosyncratic volatility a year.
    alpha, beta : ndarray
        Posterior means (annual decimals; loading on the proxy's log return).
    sd_alpha, sd_beta : ndarray
        Posterior standard deviations.
    gap, gap_var : ndarray
        Reported minus true log value at the row's last observed mark, its posterior mean and
        variance (averaged over the grid, as :class:`FilterOutput`).
    n_obs : ndarray of int
        Reported returns the row observed.
    own : ndarray of bool
        Whether the row had enough observations for its own estimate.
    logit_a, sd_logit_a : ndarray
        Posterior mean and standard deviation of the logit of the smoothing weight (the grid's
        spread, plus its spacing's uniform variance); the prior's where ``own`` is False.
    log_sigma, sd_log_sigma : ndarray
        The same for the log of the idiosyncratic volatility.
    """

    a: FloatArray
    sigma: FloatArray
    alpha: FloatArray
    beta: FloatArray
    sd_alpha: FloatArray
    sd_beta: FloatArray
    gap: FloatArray
    gap_var: FloatArray
    n_obs: NDArray[np.int64]
    own: NDArray[np.bool_]
    logit_a: FloatArray
    sd_logit_a: FloatArray
    log_sigma: FloatArray
    sd_log_sigma: FloatArray


def _logit_a(a: FloatArray) -> FloatArray:
    x = np.clip((a - _A_MIN) / (1.0 - _A_MIN), 1e-6, 1.0 - 1e-6)
    return np.asarray(np.log(x / (1.0 - x)), dtype=float)


#: Smoothing weights tried for each holding (the pooled value is always added).
A_GRID = (0.25, 0.4, 0.55, 0.7, 0.85, 1.0)

#: Multiples of the class's (empirical-Bayes) idiosyncratic volatility tried for each holding.
SIGMA_SCALES = (0.6, 1.0, 1.6)

#: Multiples of the pooled idiosyncratic volatility tried for the holdings' raw estimates that
#: set a class's empirical-Bayes prior (:func:`class_hyper`): wider, nearly the likelihood alone.
EB_SIGMA_SCALES = (0.25, 0.4, 0.6, 1.0, 1.6)


def holding_posterior(
    inp: FilterInputs,
    a: FloatArray,
    alpha: FloatArray,
    beta: FloatArray,
    sigma: FloatArray,
    noise: FloatArray,
    *,
    prior_sd_alpha: float | FloatArray,
    prior_sd_beta: float | FloatArray,
    prior_sd_logit_a: float | FloatArray = PRIOR_SD["logit_a"],
    prior_sd_log_sigma: float | FloatArray = PRIOR_SD["log_idio_vol"],
    a_grid: tuple[float, ...] = A_GRID,
    sigma_scales: tuple[float, ...] = SIGMA_SCALES,
    min_obs: int = 0,
    kernels: tuple[tuple[float, ...], ...] | None = None,
) -> HoldingPosterior:
    """Empirical-Bayes posterior of each row's own smoothing, alpha and beta.

    The prior is centred on the given (the class's pooled) parameters: normal on ``alpha`` and
    ``beta`` with the cross-fund spreads ``prior_sd_alpha`` and ``prior_sd_beta``, normal on the
    logit of ``a`` with ``prior_sd_logit_a``; ``sigma`` and ``noise`` stay pooled. For a given
    ``a`` the filter's innovations are affine in ``(alpha, beta)`` (up to the small cash-flow
    term of their variance), so the likelihood is Gaussian in them: the conditional posterior is
    a Bayesian regression of the innovations on their derivatives, and the marginal likelihood
    of ``a`` is closed-form. ``a`` runs over ``a_grid`` plus the pooled value; the results are
    averaged with the grid's posterior weights (Bayesian model averaging). One vectorised filter
    pass evaluates every row at every grid value, at the given ``(alpha, beta)`` and at a step in
    each; the gap at the posterior mean follows by the same linearity. A row with fewer than
    ``min_obs`` observations keeps the given parameters (``own`` False) and its gap under them.

    With ``kernels`` (finite appraisal kernels, :func:`run_kernel_filter`) the grid runs over
    those kernels, each equally likely a priori, instead of Geltner's ``a`` (the first kernel
    plays the given model's part); ``a`` is then reported as the weight on the current value.
    """
    rows = inp.y.shape[0]
    scales = (1.0, *[k for k in sigma_scales if k != 1.0])  # the given sigma first
    if kernels is None:
        a_vals = [a, *[np.full(rows, g) for g in a_grid]]  # the given value first
    else:
        a_vals = [np.full(rows, kern[0]) for kern in kernels]
    grid = np.vstack([av for _ in scales for av in a_vals])  # (G, rows)
    sig = np.vstack([sigma * k for k in scales for _ in a_vals])
    n_grid = grid.shape[0]
    step = 0.1
    reps = 3 * n_grid
    args = (
        np.tile(np.r_[alpha, alpha + step, alpha], n_grid),
        np.tile(np.r_[beta, beta, beta + step], n_grid),
        np.repeat(sig, 3, axis=0).ravel(),
        np.tile(noise, reps),
    )
    if kernels is None:
        out = run_filter(
            _tile(inp, reps), np.repeat(grid, 3, axis=0).ravel(), *args, keep_innovations=True
        )
    else:
        width = max(len(kern) for kern in kernels)
        wk = np.zeros((len(kernels), width))
        for i, kern in enumerate(kernels):
            wk[i, : len(kern)] = kern
        w_rows = np.repeat(np.tile(wk, (len(scales), 1)), 3 * rows, axis=0)
        out = run_kernel_filter(_tile(inp, reps), w_rows, *args, keep_innovations=True)
    assert out.innov is not None and out.innov_var is not None
    shape = (n_grid, 3, rows)
    innov = out.innov.reshape(*shape, -1)
    svar = out.innov_var.reshape(*shape, -1)
    gaps = out.gap.reshape(shape)
    gvars = out.gap_var.reshape(shape)
    v0 = innov[:, 0]
    d_a = (innov[:, 1] - v0) / step
    d_b = (innov[:, 2] - v0) / step
    obs = inp.observed.copy()
    obs[:, 0] = False
    w = np.where(obs[None], 1.0 / svar[:, 0], 0.0)
    pa0, pb0 = 1.0 / prior_sd_alpha**2, 1.0 / prior_sd_beta**2
    p_aa = (w * d_a * d_a).sum(axis=2) + pa0
    p_ab = (w * d_a * d_b).sum(axis=2)
    p_bb = (w * d_b * d_b).sum(axis=2) + pb0
    b_a = -(w * d_a * v0).sum(axis=2)  # the prior mean is the evaluation point
    b_b = -(w * d_b * v0).sum(axis=2)
    det = p_aa * p_bb - p_ab**2
    c_aa, c_bb, c_ab = p_bb / det, p_aa / det, -p_ab / det
    da = c_aa * b_a + c_ab * b_b
    db = c_ab * b_a + c_bb * b_b
    # log marginal likelihood of each grid value (alpha, beta integrated out) plus its log prior
    quad = (w * v0 * v0).sum(axis=2) - (da * b_a + db * b_b)
    logdet_s = np.where(obs[None], np.log(svar[:, 0]), 0.0).sum(axis=2)
    log_ml = -0.5 * (logdet_s + quad + np.log(det / (pa0 * pb0)))
    if kernels is None:
        z = (_logit_a(grid) - _logit_a(a)[None]) / prior_sd_logit_a
    else:
        z = np.zeros_like(grid)
    zs = np.log(sig / sigma[None]) / prior_sd_log_sigma
    lp = log_ml - 0.5 * z**2 - 0.5 * zs**2
    wts = np.exp(lp - lp.max(axis=0))
    wts = wts / wts.sum(axis=0)
    g0 = gaps[:, 0]
    gap_k = g0 + (gaps[:, 1] - g0) / step * da + (gaps[:, 2] - g0) / step * db
    alpha_k, beta_k = alpha[None] + da, beta[None] + db
    gap = (wts * gap_k).sum(axis=0)
    gap_var = (wts * (gvars[:, 0] + (gap_k - gap) ** 2)).sum(axis=0)
    al = (wts * alpha_k).sum(axis=0)
    be = (wts * beta_k).sum(axis=0)
    var_a = (wts * (c_aa + (alpha_k - al) ** 2)).sum(axis=0)
    var_b = (wts * (c_bb + (beta_k - be) ** 2)).sum(axis=0)
    a_mean = (wts * grid).sum(axis=0)
    sigma_mean = (wts * sig).sum(axis=0)
    lg = np.clip(_logit_a(grid), -4.0, 4.0)  # a = 1 (no smoothing) counts as logit 4
    la = (wts * lg).sum(axis=0)
    # the grid's spacing in logit a (about 0.75) as a uniform variance, so that a posterior on one
    # grid value does not claim more precision than the grid has
    la_var = (wts * (lg - la) ** 2).sum(axis=0) + 0.75**2 / 12.0
    n_obs = out.n_obs[:rows]
    own = n_obs >= max(min_obs, 1)
    sd_la = np.broadcast_to(np.asarray(prior_sd_logit_a, dtype=float), (rows,))
    ls = np.log(sig)
    ls_mean = (wts * ls).sum(axis=0)
    step_ls = float(np.mean(np.diff(np.log(sorted(scales))))) if len(scales) > 1 else 0.0
    ls_var = (wts * (ls - ls_mean) ** 2).sum(axis=0) + step_ls**2 / 12.0
    sd_ls = np.broadcast_to(np.asarray(prior_sd_log_sigma, dtype=float), (rows,))
    return HoldingPosterior(
        np.where(own, a_mean, a),
        np.where(own, sigma_mean, sigma),
        np.where(own, al, alpha),
        np.where(own, be, beta),
        np.where(own, np.sqrt(var_a), prior_sd_alpha),
        np.where(own, np.sqrt(var_b), prior_sd_beta),
        np.where(own, gap, gaps[0, 0]),
        np.where(own, gap_var, gvars[0, 0]),
        n_obs,
        own,
        np.where(own, la, _logit_a(a)),
        np.where(own, np.sqrt(la_var), sd_la),
        np.where(own, ls_mean, np.log(sigma)),
        np.where(own, np.sqrt(ls_var), sd_ls),
    )


@dataclass(frozen=True)
class ClassHyper:
    """The empirical-Bayes prior of a class's holdings at one refit (point in time).

    Centres and cross-holding spreads of ``alpha``, ``beta``, ``logit a`` and ``log sigma``
    (the idiosyncratic volatility), estimated from
    the class's holdings' own estimates and their standard errors (:func:`eb_spread`); ``n``
    holdings entered (0: the documented defaults, centred on the pooled fit).
    """

    alpha: float
    beta: float
    a: float
    sigma: float
    sd_alpha: float
    sd_beta: float
    sd_logit_a: float
    sd_log_sigma: float
    n: int = 0


def inv_logit_a(x: FloatArray | float) -> FloatArray:
    """The smoothing weight of a logit (inverse of the transform used in the priors)."""
    return np.asarray(_A_MIN + (1.0 - _A_MIN) / (1.0 + np.exp(-np.asarray(x))), dtype=float)


def eb_spread(
    est: FloatArray, se: FloatArray, tau0: float, *, hyper_sd: float = 0.5
) -> tuple[float, float]:
    """Precision-weighted centre and cross-holding spread of per-holding estimates.

    Random-effects model ``est_i ~ N(mu, tau^2 + se_i^2)``: ``tau`` maximises the restricted
    (REML) likelihood plus a log-normal hyperprior centred on the documented spread ``tau0``
    (log spread ``hyper_sd``), over a grid from 0.05 to 5 times ``tau0``; ``mu`` is the
    precision-weighted mean at that ``tau``, each estimate weighted by ``1 / (tau^2 + se_i^2)``.
    With no estimates, ``(nan, tau0)``.
    """
    est = np.asarray(est, dtype=float)
    se = np.asarray(se, dtype=float)
    if len(est) == 0:
        return float("nan"), tau0
    taus = tau0 * np.exp(np.linspace(np.log(0.05), np.log(5.0), 93))
    v = taus[:, None] ** 2 + se[None] ** 2
    w = 1.0 / v
    mu = (w * est[None]).sum(axis=1) / w.sum(axis=1)
    ll = -0.5 * (np.log(v) + w * (est[None] - mu[:, None]) ** 2).sum(axis=1)
    ll = ll - 0.5 * np.log(w.sum(axis=1)) - 0.5 * (np.log(taus / tau0) / hyper_sd) ** 2
    k = int(np.argmax(ll))
    return float(mu[k]), float(taus[k])


def class_hyper(
    inp: FilterInputs,
    pooled: NowcastParams,
    *,
    sd_alpha: float,
    sd_beta: float,
    sd_logit_a: float,
    sd_log_sigma: float,
    min_obs: int,
    min_holdings: int = 3,
    sigma_scales: tuple[float, ...] = SIGMA_SCALES,
    kernels: tuple[tuple[float, ...], ...] | None = None,
) -> ClassHyper:
    """Empirical-Bayes prior of a class from its holdings' rows as known at one refit.

    Each row's own ``alpha``, ``beta``, ``logit a`` and ``log sigma`` are estimated under a weak
    prior centred on the pooled fit (spreads 0.1, 1.0, 2.0 and 2.0: nearly the likelihood alone;
    ``sigma`` over ``sigma_scales`` times the pooled value), with their posterior standard errors;
    the centre and spread of each across the rows with at least ``min_obs`` reported returns come
    from :func:`eb_spread` with the documented spreads as the hyperprior's centre. With fewer
    than ``min_holdings`` such rows: the defaults, centred on the pooled fit.
    """
    default = ClassHyper(
        pooled.alpha,
        pooled.beta,
        pooled.a,
        pooled.sigma,
        sd_alpha,
        sd_beta,
        sd_logit_a,
        sd_log_sigma,
        0,
    )
    if inp.y.shape[0] == 0:
        return default
    rows = inp.y.shape[0]
    post = holding_posterior(
        inp,
        np.full(rows, pooled.a),
        np.full(rows, pooled.alpha),
        np.full(rows, pooled.beta),
        np.full(rows, pooled.sigma),
        np.full(rows, pooled.noise),
        prior_sd_alpha=0.1,
        prior_sd_beta=1.0,
        prior_sd_logit_a=2.0,
        prior_sd_log_sigma=2.0,
        sigma_scales=sigma_scales,
        min_obs=min_obs,
        kernels=kernels,
    )
    own = post.own
    if int(own.sum()) < min_holdings:
        return default
    mu_al, tau_al = eb_spread(post.alpha[own], post.sd_alpha[own], sd_alpha)
    mu_be, tau_be = eb_spread(post.beta[own], post.sd_beta[own], sd_beta)
    mu_la, tau_la = eb_spread(post.logit_a[own], post.sd_logit_a[own], sd_logit_a)
    mu_ls, tau_ls = eb_spread(post.log_sigma[own], post.sd_log_sigma[own], sd_log_sigma)
    return ClassHyper(
        mu_al,
        mu_be,
        float(inv_logit_a(mu_la)),
        float(np.exp(mu_ls)),
        tau_al,
        tau_be,
        tau_la,
        tau_ls,
        int(own.sum()),
    )


def _unpack(theta: FloatArray) -> tuple[float, float, float, float, float]:
    a = _A_MIN + (1.0 - _A_MIN) / (1.0 + np.exp(-theta[0]))
    return (
        float(a),
        float(theta[1]),
        float(theta[2]),
        float(np.exp(theta[3])),
        float(np.exp(theta[4])),
    )


def _pack(p: NowcastParams) -> FloatArray:
    x = (min(max(p.a, _A_MIN + 1e-6), 1.0 - 1e-6) - _A_MIN) / (1.0 - _A_MIN)
    return np.array(
        [np.log(x / (1.0 - x)), p.alpha, p.beta, np.log(p.sigma), np.log(p.noise)], dtype=float
    )


def _tile(inp: FilterInputs, times: int) -> FilterInputs:
    """The same rows repeated ``times`` times (to evaluate several parameter sets at once)."""
    return FilterInputs(
        np.tile(inp.y, (times, 1)),
        np.tile(inp.observed, (times, 1)),
        np.tile(inp.m, (times, 1)),
        np.tile(inp.dt, (times, 1)),
        np.tile(inp.flow_ratio, (times, 1)),
        np.tile(inp.g0_var, times),
        np.tile(inp.e0_scale, times),
    )


def fit_params(
    inp: FilterInputs,
    prior: ClassPrior,
    *,
    start: NowcastParams | None = None,
    max_iter: int = 40,
    step: float = 1e-4,
    ftol: float = 1e-7,
    kernel: tuple[float, ...] | None = None,
) -> NowcastParams:
    """Penalised maximum likelihood (maximum a posteriori) of the model's parameters.

    Maximises the filter's log-likelihood summed over rows plus independent normal log-priors on
    the transformed parameters (logit of ``a``, ``alpha``, ``beta``, log ``sigma``, log ``noise``)
    centred on the asset class's prior (``_defaults.CLASS_PRIORS``) with spreads ``PRIOR_SD``.
    The gradient is a forward difference whose six parameter sets run through the filter in one
    vectorised pass. With no observations the prior means are returned unchanged. The standard
    errors of ``alpha`` and ``beta`` come from the inverse of the objective's finite-difference
    Hessian at the optimum (the Laplace approximation of the posterior).

    Parameters
    ----------
    inp : FilterInputs
        The rows to pool (holdings of one class, each as known at the fit date).
    prior : ClassPrior
        The class's prior.
    start : NowcastParams, optional
        Warm start (e.g. the previous fit); default the prior means.
    max_iter : int
        L-BFGS-B iterations at most.
    step : float
        Forward-difference step in the transformed parameters.
    ftol : float
        Relative change of the objective at which the optimiser stops (the estimates need
        about three significant digits, not machine precision).
    kernel : tuple of float, optional
        Fit the finite appraisal kernel's model (:func:`run_kernel_filter`) instead of Geltner's:
        ``a`` is not fitted (it keeps the prior's value in the objective, and is reported as the
        kernel's weight on the current value).
    """
    n_obs = int(inp.observed[:, 1:].sum())
    prior_params = NowcastParams.from_prior(prior)
    if kernel is not None:
        prior_params = NowcastParams(
            kernel[0], prior.alpha, prior.beta, prior.idio_vol, prior.appraisal_noise, kernel=kernel
        )
    if n_obs == 0:
        return prior_params
    mean = _pack(prior_params)
    sd = np.array(
        [
            PRIOR_SD["logit_a"],
            PRIOR_SD["alpha"],
            PRIOR_SD["beta"],
            PRIOR_SD["log_idio_vol"],
            PRIOR_SD["log_appraisal_noise"],
        ]
    )
    rows = inp.y.shape[0]
    n_par = len(mean)
    batch = _tile(inp, n_par + 1)
    if kernel is not None:
        # a is not a parameter of the kernel's model: it starts at the prior's mean, where only
        # its (flat) penalty acts on it
        mean[0] = _pack(NowcastParams.from_prior(prior))[0]
        w_k = np.asarray(kernel, dtype=float)

    def objective(theta: FloatArray) -> tuple[float, FloatArray]:
        thetas = np.vstack([theta, theta + step * np.eye(n_par)])
        unpacked = np.array([_unpack(t) for t in thetas])  # (n_par + 1, 5)
        cols = [np.repeat(unpacked[:, i], rows) for i in range(5)]
        if kernel is None:
            out = run_filter(batch, *cols)
        else:
            out = run_kernel_filter(batch, w_k, *cols[1:])
        ll = out.loglik.reshape(n_par + 1, rows).sum(axis=1)
        penalty = 0.5 * np.sum(((thetas - mean) / sd) ** 2, axis=1)
        values = -ll + penalty
        if not np.all(np.isfinite(values)):
            return 1e12, np.zeros(n_par)
        return float(values[0]), (values[1:] - values[0]) / step

    x0 = _pack(start) if start is not None else mean.copy()
    if kernel is not None:
        x0[0] = mean[0]
    res = minimize(
        objective,
        x0,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "ftol": ftol, "gtol": 1e-3},
    )
    a, al, be, si, no = _unpack(np.asarray(res.x, dtype=float))
    # Posterior covariance: the inverse of the finite-difference Hessian of the objective.
    x = np.asarray(res.x, dtype=float)
    h = 1e-3
    _, g0 = objective(x)
    hess = np.array([(objective(x + h * e)[1] - g0) / h for e in np.eye(n_par)])
    hess = 0.5 * (hess + hess.T)
    try:
        cov = np.linalg.inv(hess)
        se_alpha = float(np.sqrt(cov[1, 1])) if cov[1, 1] > 0 else PRIOR_SD["alpha"]
        se_beta = float(np.sqrt(cov[2, 2])) if cov[2, 2] > 0 else PRIOR_SD["beta"]
    except np.linalg.LinAlgError:
        se_alpha, se_beta = PRIOR_SD["alpha"], PRIOR_SD["beta"]
    one = _tile(inp, 1)
    cols1 = [np.full(rows, v) for v in (a, al, be, si, no)]
    if kernel is None:
        loglik = float(run_filter(one, *cols1).loglik.sum())
        return NowcastParams(a, al, be, si, no, n_obs, se_alpha, se_beta, None, loglik)
    loglik = float(run_kernel_filter(one, w_k, *cols1[1:]).loglik.sum())
    return NowcastParams(kernel[0], al, be, si, no, n_obs, se_alpha, se_beta, kernel, loglik)
