"""Savers' monthly paths: bootstrap, the private sleeve's net return, and wealth at retirement.

Owns the prepared inputs of a run (:class:`Prepared`: the real history, each cohort's glide path,
contributions and salary, the private funds' factor tables and fee layers) and the simulation of
one seeded block of paths (:func:`simulate_block`). Pure computation on arrays: must not read
files, touch the ledger or start a cluster (``_run`` maps blocks onto Dask).

One path, month ``t`` (all returns decimal, monthly; dollars real, of the as-of date):

1. **Market**: a stationary block bootstrap (Politis and Romano 1994) of the joint monthly rows
   of the history: with probability ``1 / mean_block_months`` a new block starts at a uniformly
   drawn month, otherwise the next month follows (wrapping round, as
   :class:`arch.bootstrap.StationaryBootstrap` does). One index per path drives equity, cash,
   bonds, credit and inflation together.
2. **Private funds**: each fund's gross return from its factor model
   (:class:`~altsleeve.outcomes._params.PrivateFundModel`), smoothed in
   logs, ``log(1 + y_t) = (1 - phi) log(1 + g_t) + phi log(1 + y_{t-1})`` (the vehicle's unit
   price moves with reported values; :func:`smooth_step` keeps the long-run growth of the true
   value, issue 17), then its own fee layer, then ``cash_drag`` of its allocation earns
   T-bills. The sleeve mixes the funds at constant weights (rebalanced monthly), written
   ``r_0 + sum w_f (r_f - r_0)`` so that identical funds give back the fund's return bit for
   bit; then the fund-of-funds layer.
   The fee layers run once per fee multiplier (1 and the sensitivity multipliers).
3. **Portfolio**: the cohort's glide path (the vehicle's, by years to retirement) gives the
   liquid weights ``L`` and the private target ``s``. Without the sleeve the account holds
   ``L + s f`` where ``f`` is the funding mix (equity, bonds, or both pro rata); with it,
   ``r_with = r_without + s (r_sleeve - f . r)``: the sleeve replaces what funds it.
4. **Wealth**: ``W_{t+1} = W_t (1 + r_t)(1 - v / 12) / (1 + pi_t) * h_t + c_t`` where ``v`` is
   the vehicle's basis-point fees a year (its base part in both cases, the part the sleeve adds,
   ``incremental_bp_per_year``, with the sleeve only), ``pi_t`` core CPI inflation, ``h_t`` is 1,
   or ``1 - hardship_fraction`` in a month with a hardship withdrawal (probability
   ``1 - (1 - p)^(1/12)``), and ``c_t`` the month's real contribution with the match.

Wealth is read at the month the cohort reaches retirement age.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from altsleeve.outcomes._fees import FeeLayerModel, FeeState, LayerRates, fee_step

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Liquid return columns in the order of the portfolio weight vectors.
LIQUID: tuple[str, ...] = ("equity", "cash", "bonds", "credit")


@dataclass(frozen=True)
class FundTable:
    """One private fund, ready for the paths.

    ``gross_mean`` is the factor part of the monthly gross return for each history month (no
    noise), ``sigma`` the monthly idiosyncratic volatility.
    """

    fund_id: str
    weight: float
    gross_mean: FloatArray
    sigma: float
    smoothing: float
    cash_drag: float
    layer: FeeLayerModel


@dataclass(frozen=True)
class Prepared:
    """Everything a block needs (pickles to Dask workers).

    Attributes
    ----------
    history : numpy.ndarray, shape (5, N)
        Monthly decimal returns: equity, cash, bonds, credit, inflation (rows).
    mean_block_months : float
        The stationary bootstrap's mean block length.
    horizons : numpy.ndarray, shape (C,)
        Months to retirement per cohort, descending.
    without_weights, funding_weights : numpy.ndarray, shape (T, C, 4)
        Per month and cohort: the account without the sleeve (``L + s f``) and the funding mix
        ``f`` over :data:`LIQUID`.
    private_share : numpy.ndarray, shape (T, C)
        The sleeve's target ``s``.
    contributions : numpy.ndarray, shape (T, C)
        Real dollars paid in at each month's end (0 after retirement).
    start_balance : numpy.ndarray, shape (C,)
        Real dollars at the start.
    vehicle_monthly_factor : float
        ``1 - v_base / 12`` for the vehicle's bp layers charged with or without the sleeve.
    hardship_monthly : float
        Monthly probability of a hardship withdrawal.
    hardship_fraction : float
        Share of the balance it takes.
    funds : tuple of FundTable
        The sleeve's funds (the first one is the mix's reference).
    fof : FeeLayerModel or None
        The fund-of-funds layer.
    multipliers : numpy.ndarray, shape (M,)
        Fee multipliers: 1 then the sensitivity ones.
    seed : int
        The run's seed.
    block_paths : int
        Paths per seeded block.
    sleeve_monthly_factor : float, default 1
        ``(1 - v / 12) / (1 - v_base / 12)``: the vehicle layers' incremental part (what the
        vehicle charges only because it holds the sleeve), charged with the sleeve only.
    """

    history: FloatArray
    mean_block_months: float
    horizons: IntArray
    without_weights: FloatArray
    funding_weights: FloatArray
    private_share: FloatArray
    contributions: FloatArray
    start_balance: FloatArray
    vehicle_monthly_factor: float
    hardship_monthly: float
    hardship_fraction: float
    funds: tuple[FundTable, ...]
    fof: FeeLayerModel | None
    multipliers: FloatArray
    seed: int
    block_paths: int
    sleeve_monthly_factor: float = 1.0

    @property
    def n_months(self) -> int:
        """The longest horizon, months."""
        return int(self.horizons.max())

    @property
    def n_variants(self) -> int:
        """Without the sleeve, then with it at each fee multiplier."""
        return 1 + len(self.multipliers)


#: Random streams of a block: the market bootstrap, the private funds' noise, hardship events.
STREAM_MARKET, STREAM_NOISE, STREAM_HARDSHIP = 0, 1, 2


def block_rng(seed: int, block: int, stream: int = STREAM_MARKET) -> np.random.Generator:
    """A block's generator: PCG64 seeded by ``SeedSequence([seed, block, stream])``.

    Separate streams keep common random numbers across settings: switching hardship off, or
    adding a fund, leaves the market paths of the same seed unchanged.
    """
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence([seed, block, stream])))


def bootstrap_indices(
    rng: np.random.Generator, n_history: int, n_paths: int, n_months: int, mean_block: float
) -> IntArray:
    """Stationary-bootstrap month indices, shape ``(n_months, n_paths)`` (a test helper).

    The same algorithm (:func:`_next_index`) as the block simulation, on its own generator.
    """
    out = np.empty((n_months, n_paths), dtype=np.int64)
    idx = rng.integers(0, n_history, n_paths)
    out[0] = idx
    idx = idx.copy()
    p = 1.0 / mean_block
    for t in range(1, n_months):
        idx = _next_index(rng, idx, n_history, p)
        out[t] = idx
    return out


def _next_index(rng: np.random.Generator, idx: IntArray, n_history: int, p: float) -> IntArray:
    """One month of the stationary bootstrap for every path, from one uniform draw per path.

    Updates ``idx`` in place and returns it.

    ``u < p`` starts a new block at month ``floor(u / p * N)``: given ``u < p``, ``u / p`` is
    uniform on [0, 1), so one draw decides both whether and where a block starts.
    """
    u: FloatArray = np.asarray(rng.random(idx.shape[0]), dtype=np.float64)
    fresh = u < p
    idx += 1
    idx[idx == n_history] = 0
    u *= n_history / p
    start = u.astype(np.int64)  # u >= 0: truncation is the floor
    np.minimum(start, n_history - 1, out=start)
    np.copyto(idx, start, where=fresh)
    return idx


def smooth_step(log_y: FloatArray, g: FloatArray, phi: float, out: FloatArray) -> FloatArray:
    """One month of appraisal smoothing, in logs; updates ``log_y`` in place.

    ``log_y`` holds last month's reported log return ``l_{t-1} = log(1 + y_{t-1})``; it becomes
    ``l_t = phi l_{t-1} + (1 - phi) log(1 + g_t)`` and ``out`` the reported simple return
    ``y_t = exp(l_t) - 1`` (returned). Smoothing the log value (as the sample book and the
    nowcast's Kalman filter do) keeps the path's long-run growth: summed over ``T`` months,
    ``sum l_t = sum log(1 + g_t) + phi / (1 - phi) (l_0 - l_T)``, the true log growth up to a
    bounded tail, while the reported volatility is lower. Smoothing simple returns instead keeps
    their mean but shrinks their variance, so the compounded reported value would outgrow the
    true one without limit (issue 17).
    """
    np.log1p(g, out=out)
    out *= 1.0 - phi
    log_y *= phi
    log_y += out
    np.expm1(log_y, out=out)
    return out


def smooth_returns(g: FloatArray, phi: float, start: float) -> FloatArray:
    """Reported returns of true monthly returns ``g`` (shape (T, ...)), smoothed in logs.

    ``start`` is the reported simple return before the first month. Loops :func:`smooth_step`
    over the rows (the simulation runs the same step month by month).
    """
    g = np.asarray(g, dtype=np.float64)
    log_y = np.full(g.shape[1:], np.log1p(start))
    out = np.empty_like(g)
    for t in range(g.shape[0]):
        smooth_step(log_y, g[t], phi, out[t])
    return out


@dataclass
class BlockResult:
    """Per-path figures of one block.

    ``wealth`` has shape (C, V, n): real dollars at retirement per cohort and variant
    (0 without the sleeve, then with it at each fee multiplier). ``sleeve_gross`` and
    ``sleeve_net`` are each path's growth of one dollar in the sleeve over the longest horizon,
    before fees and cash drag (reported, smoothed) and after every private layer (multiplier 1).
    """

    wealth: FloatArray
    sleeve_gross: FloatArray
    sleeve_net: FloatArray


def _next_hardship(
    rng: np.random.Generator, p: float, after: IntArray | int, size: int | tuple[int, ...]
) -> IntArray:
    """The month of each path's next hardship withdrawal: ``after`` plus a geometric wait.

    A Bernoulli(``p``) event each month has geometric waits between events, so drawing the
    wait (``numpy.random.Generator.geometric``) gives the same process with one draw per event
    instead of one per month.
    """
    if p <= 0.0:
        return np.full(size, np.iinfo(np.int64).max // 2, dtype=np.int64)
    return np.asarray(after, dtype=np.int64) + rng.geometric(p, size).astype(np.int64)


def simulate_block(prep: Prepared, block: int, n_paths: int) -> BlockResult:
    """Simulate one seeded block of ``n_paths`` savers' paths (every cohort, every variant)."""
    rng = block_rng(prep.seed, block, STREAM_MARKET)
    noise = block_rng(prep.seed, block, STREAM_NOISE)
    hardship = block_rng(prep.seed, block, STREAM_HARDSHIP)
    n_hist = prep.history.shape[1]
    n_t = prep.n_months
    n_c = len(prep.horizons)
    n_v = prep.n_variants
    n_f = len(prep.funds)
    p_new = 1.0 / prep.mean_block_months
    mult = prep.multipliers
    n_m = len(mult)
    # one gather per month: the five history rows and each fund's factor part
    table = np.vstack([prep.history, *[f.gross_mean[None, :] for f in prep.funds]])

    rates = [LayerRates.of(f.layer, mult) for f in prep.funds]
    states = [FeeState.start(n_m, n_paths) for _ in prep.funds]
    fof_rates = LayerRates.of(prep.fof, mult) if prep.fof is not None else None
    fof_state = FeeState.start(n_m, n_paths) if prep.fof is not None else None
    smoothed = [np.full(n_paths, float(f.gross_mean.mean())) for f in prep.funds]
    log_smoothed = [np.log1p(y) for y in smoothed]  # the smoothing's state, log returns
    weights = [f.weight for f in prep.funds]

    wealth = np.empty((n_c, n_v, n_paths))
    wealth[:] = prep.start_balance[:, None, None]
    out = np.zeros((n_c, n_v, n_paths))
    gross_growth = np.ones(n_paths)
    net_growth = np.ones(n_paths)
    horizons = prep.horizons
    p_hard = prep.hardship_monthly
    keep = 1.0 - prep.hardship_fraction

    idx = rng.integers(0, n_hist, n_paths)
    next_hit = _next_hardship(hardship, p_hard, -1, (n_c, n_paths))
    eps = np.empty((n_f, n_paths))
    growth_buf = np.empty((n_c, n_v, n_paths))
    rows = np.empty((table.shape[0], n_paths))
    scratch = np.empty(n_paths)
    mix_scratch = np.empty((n_m, n_paths))
    for t in range(n_t):
        if t > 0:
            idx = _next_index(rng, idx, n_hist, p_new)
        if n_f:
            noise.standard_normal(out=eps)
        np.take(table, idx, axis=1, out=rows)  # (5 + F, n)
        liquid = rows[:4]
        cash = rows[1]
        deflator = rows[4]  # becomes (1 - v/12) / (1 + inflation), in place
        deflator += 1.0
        np.divide(prep.vehicle_monthly_factor, deflator, out=deflator)

        # private funds: gross -> smoothed -> fund layer -> cash drag; then the mix and the FoF
        # (in place on the month's buffers: rows, smoothed, each layer's own net buffer)
        fund_net: list[FloatArray] = []
        for k, f in enumerate(prep.funds):
            g = rows[5 + k]
            if f.sigma > 0.0:
                eps[k] *= f.sigma
                g += eps[k]
            y = smoothed[k]
            if f.smoothing > 0.0:
                smooth_step(log_smoothed[k], g, f.smoothing, y)
            else:
                y[:] = g
            net = fee_step(y, states[k], rates[k], t)
            if f.cash_drag > 0.0:
                net *= 1.0 - f.cash_drag
                np.multiply(cash, f.cash_drag, out=scratch)
                net += scratch
            fund_net.append(net)
        sleeve = fund_net[0]
        np.add(smoothed[0], 1.0, out=scratch)
        for k in range(1, n_f):  # r_0 + w_k (r_k - r_0): identical funds give r_0 exactly
            np.subtract(fund_net[k], sleeve, out=mix_scratch)
            mix_scratch *= weights[k]
            sleeve += mix_scratch
            np.subtract(smoothed[k], smoothed[0], out=mix_scratch[0])
            mix_scratch[0] *= weights[k]
            scratch += mix_scratch[0]
        gross_growth *= scratch
        if fof_rates is not None and fof_state is not None:
            sleeve = fee_step(sleeve, fof_state, fof_rates, t)
        np.add(sleeve[0], 1.0, out=scratch)
        net_growth *= scratch

        # accounts of the cohorts still saving
        k_c = int(np.count_nonzero(horizons > t))  # cohorts still saving
        r_without = prep.without_weights[t, :k_c] @ liquid  # (k_c, n)
        r_fund = prep.funding_weights[t, :k_c] @ liquid
        s = prep.private_share[t, :k_c][:, None, None]
        growth = growth_buf[:k_c]
        growth[:, 0] = r_without
        np.subtract(sleeve[None, :, :], r_fund[:, None, :], out=growth[:, 1:])
        growth[:, 1:] *= s
        growth[:, 1:] += r_without[:, None, :]
        growth += 1.0
        growth *= deflator
        if prep.sleeve_monthly_factor != 1.0:
            growth[:, 1:] *= prep.sleeve_monthly_factor
        w = wealth[:k_c]
        w *= growth
        if p_hard > 0.0:
            for j in range(k_c):
                hit = np.flatnonzero(next_hit[j] == t)
                if hit.size:
                    w[j][:, hit] *= keep
                    next_hit[j, hit] = _next_hardship(hardship, p_hard, t, hit.size)
        w += prep.contributions[t, :k_c][:, None, None]
        for done in np.flatnonzero(horizons == t + 1):
            out[done] = wealth[done]
    return BlockResult(out, gross_growth, net_growth)
