"""Monte Carlo liquidity stress: the chance of a shortfall or a cap breach within 1, 3 and 10 years.

Owns the path simulation of a vehicle with a private sleeve over bootstrapped markets, random
participant flows and the pacing engine's stochastic private cash flows (:func:`simulate_paths`),
the events counted on each path, and the chunked run over many paths with their summary
(:func:`run_montecarlo`), in process or on a Dask cluster, with results that do not depend on the
chunking or on where a chunk runs (bit for bit). Pure computation on NumPy arrays and pandas
frames: must not read files or the ledger (the edge is
:mod:`altsleeve.workflows.stress_montecarlo`), and
must not hold the private book's cash-flow model (that is
:func:`altsleeve.pacing.simulate_holdings`, used unchanged).

Model
-----
Units: dollars for amounts, decimals for rates, returns and shares of net assets, quarters for
time (the pacing engine is quarterly). Quarter ``q = 1..Q`` (``Q = 4 * years``) ends at the
``q``-th calendar quarter end after the as-of date (a partial first quarter is simulated as a
whole one, as the pacing engine does). On each path, with ``NA`` the net assets at the start of
the quarter (cash + liquid sleeves + private NAV):

1. **Markets.** A stationary block bootstrap (Politis & Romano 1994, mean block
   ``block_quarters``; :func:`altsleeve.pacing.bootstrap_scenarios`) of the real quarterly
   returns known on the as-of date gives every series' return; the series share one index per
   path, so their correlation is kept. Each liquid sleeve and the cash sleeve earns its series'
   simple return ``r``: ``V_k <- V_k (1 + r_k)``.
2. **Private book.** Calls ``C``, distributions ``D`` and the end-of-quarter NAV ``P`` of every
   holding from its state as known on the as-of date, by the pacing engine's stochastic
   Takahashi-Alexander model (:func:`altsleeve.pacing.simulate_holdings`; growth and
   distributions linked to the same market path), summed over the holdings and multiplied by the
   design's private scale ``s`` (``Design.private_share``; 1 for the book as it is). Capital
   calls the GPs have already noticed (known on the as-of date, dated after it;
   ``MonteCarloInputs.noticed_calls``) are certain: on every path a holding's call in the
   quarter holding a notice's date is ``max(C_h, noticed_h)`` (the projection's call, reduced by
   the notice and floored at zero, plus the notice: never counted twice), and what a notice adds
   above the projection stays in that holding's NAV from then on (no growth on it; a
   conservative simplification: calls are outflows now, the NAV's growth is later). A notice of
   a holding the projection does not carry (not live in the state) is paid as it is. Noticed
   distributions are never counted (an inflow can be late).
3. **Participant flows** (sample book flow model, ``docs/sample-book.md`` section 6, at quarterly
   steps; flows proportional to assets accrue linearly, so a quarter is a quarter of a year's
   rate)::

       purchases   = contribution_rate / 4 * NA
       redemptions = redemption_rate / 4 * NA * (stress_multiplier if x_eq < stress_threshold
                                                 else 1)
       withdrawals = NA * sum_{i <= N} U_i,  N ~ Poisson(withdrawal_rate / 4),
                                             U_i ~ Uniform(withdrawal_min, withdrawal_max)
       fees        = fee_rate / 4 * NA          (the vehicle's fee layers, ACT/365 accrual)

   with ``x_eq`` the quarter's simple return of the equity series (the stress trigger).
4. **Net outflow** ``O = C + redemptions + withdrawals + fees - D - purchases``, paid from cash
   first, then from the liquid sleeves (the strike's overdraft rule, ``docs/fund.md`` step 7).
5. **Events.** ``buffer exhausted``: ``O > cash`` (forced sales of liquid sleeves outside a
   rebalance); ``shortfall``: ``O > cash + liquid sleeves`` (the vehicle cannot pay from its
   liquid assets); ``cap breach``: the private share ``P / NA_end > private.max`` at the
   quarter end (as the strike's ``breach_private_max``).
6. **After a shortfall** a strip ``f`` of the private book is sold at ``secondary_discount`` to
   its NAV, just enough to pay (``f = deficit / ((1 - discount) P)``, at most 1); the strip's
   future calls, distributions and NAV go with it (``s <- s (1 - f)``), and the discount is
   lost to net assets. What even the whole book cannot pay is left unpaid (``unpaid``).
7. **Rebalance** at every quarter end (the sample vehicle rebalances at least quarterly) through
   the liquid and cash sleeves only: they share ``NA_end - P`` by the glide path's weights at
   the quarter end rescaled around the private sleeve, then cash is raised to its floor
   (``cash.floor * NA_end``) by selling the liquid sleeves pro rata (``docs/fund.md`` step 7).
   The private sleeve is never sold to rebalance (the denominator effect, DOMAIN.md section 5).

The start (the as-of date's close) follows :func:`altsleeve.liquidity.start_state`: net assets
``NA_0`` as struck, the private book at ``s`` times its state NAV, and the rest in the liquid
and cash sleeves at the design's glide-path weights of the as-of date, cash raised to its floor.

Randomness, keyed by path
-------------------------
Paths are cut into fixed blocks of ``block_paths`` paths (block ``b`` holds paths
``b * block_paths .. (b + 1) * block_paths - 1``). Block ``b`` draws its market paths, its
private-book noise and its flows from three generators seeded by
``SeedSequence([seed, b, stream])`` (streams 0, 1, 2), always for the whole block. A path's
figures therefore depend only on ``(seed, block_paths, path)``: never on the number of paths
asked for, the chunk size, the number of workers or where a chunk runs. A chunk is any range of
paths; it simulates the blocks it touches and keeps its own paths (a chunk size that is a
multiple of ``block_paths`` wastes nothing). The summary is computed once, on the per-path
figures put back in path order, with exact integer counts: the same seed gives the same result
bit for bit whatever the chunking (tested with ``==``). Changing ``block_paths`` changes the
draws (it is part of the seed's meaning).

References
----------
* Politis, D. N. and Romano, J. P. (1994), "The Stationary Bootstrap", *JASA* 89(428),
  1303-1313 (``arch.bootstrap.StationaryBootstrap``).
* Takahashi, D. and Alexander, S. (2002), "Illiquid Alternative Asset Fund Modeling", *JPM*
  28(2), 90-100; made stochastic in the spirit of Buchner, Kaserer & Wagner (2010): see
  :mod:`altsleeve.pacing._stochastic`.
* Participant flows: ``docs/sample-book.md`` section 7 (``FlowParams``), from DOMAIN.md
  section 5 (401(k) trading in March 2020, plan-level withdrawals).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from altsleeve.common.scaleout import map_path_ranges
from altsleeve.liquidity._design import Design
from altsleeve.pacing import (
    StochasticSettings,
    bootstrap_scenarios,
    simulate_holdings,
    state_frame,
)

if TYPE_CHECKING:
    import distributed

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

#: The events counted per path, in report order.
EVENTS: tuple[str, ...] = ("shortfall", "buffer_exhausted", "cap_breach")

#: Per-quarter arrays of :class:`PathDetail`, in order.
DETAIL_FIELDS: tuple[str, ...] = (
    "net_assets_start",
    "purchases",
    "redemptions",
    "withdrawals",
    "fees",
    "calls",
    "distributions",
    "net_outflow",
    "cash_available",
    "liquid_available",
    "secondary_sold",
    "unpaid",
    "private",
    "net_assets",
    "private_share",
    "cash",
    "stress",
    "shortfall",
    "buffer_exhausted",
    "cap_breach",
)

_QUARTERS_PER_YEAR = 4
_EPS = 1e-12  # as the strike's limit checks (altsleeve.fund._strike)
_STREAM_MARKET, _STREAM_PRIVATE, _STREAM_FLOWS = 0, 1, 2


# --------------------------------------------------------------------------------------------
# Settings and inputs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FlowModel:
    """Participant flows of the vehicle, at quarterly steps (see the module's model).

    Defaults are the sample book's ``FlowParams`` (``docs/sample-book.md`` section 7); the edge
    replaces the two rates by those measured on the ledger's trailing year of orders.

    Attributes
    ----------
    contribution_rate : float, default 0.096
        Purchases a year, decimal of net assets: ``deferral_rate x payroll_to_assets`` =
        0.12 x 0.8 (deferrals about 12% of pay with the employer, DOMAIN.md section 5).
    redemption_rate : float, default 0.04
        Routine redemptions a year, decimal of net assets (``routine_redemption_rate``).
    stress_threshold : float, default -0.10
        A quarter whose equity simple return is below this is a stress quarter
        (``stress_threshold``, read here on the quarter's return instead of a 21-day one).
    stress_multiplier : float, default 3.0
        Factor on routine redemptions in a stress quarter (``stress_multiplier``: 4%/12 x 3 =
        1.0% a month, close to the 0.96% of balances moved in March 2020).
    withdrawal_rate : float, default 0.25
        Plan-level withdrawals a year, Poisson intensity (``lumpy_rate_per_year``).
    withdrawal_min, withdrawal_max : float, default 0.01 and 0.05
        Each withdrawal is a uniform share of net assets in this range
        (``lumpy_fraction_min`` / ``lumpy_fraction_max``: one plan of a multi-plan CIT).
    source : str
        Where the rates come from (reported).

    """

    contribution_rate: float = 0.096
    redemption_rate: float = 0.04
    stress_threshold: float = -0.10
    stress_multiplier: float = 3.0
    withdrawal_rate: float = 0.25
    withdrawal_min: float = 0.01
    withdrawal_max: float = 0.05
    source: str = "sample book FlowParams defaults (docs/sample-book.md section 7)"

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        for name in ("contribution_rate", "redemption_rate", "withdrawal_rate"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0.0):
                raise ValueError(f"{name} = {value} must be a non-negative number (a year)")
        if not (math.isfinite(self.stress_multiplier) and self.stress_multiplier >= 0.0):
            raise ValueError(f"stress_multiplier = {self.stress_multiplier} must be >= 0")
        if not (math.isfinite(self.stress_threshold) and self.stress_threshold > -1.0):
            raise ValueError(f"stress_threshold = {self.stress_threshold} must be > -1")
        if not 0.0 <= self.withdrawal_min <= self.withdrawal_max <= 1.0:
            raise ValueError(
                f"withdrawal shares must satisfy 0 <= min ({self.withdrawal_min}) <= max "
                f"({self.withdrawal_max}) <= 1"
            )


@dataclass(frozen=True)
class MonteCarloSettings:
    """Size, seed and model settings of a Monte Carlo run.

    Attributes
    ----------
    n_paths : int, default 10000
        Paths (>= 1).
    years : int, default 10
        Years simulated (>= 1), ``4 * years`` quarters.
    seed : int, default 0
        Root seed (>= 0); with ``block_paths`` it fixes every path.
    block_paths : int, default 1000
        Paths per random-number block (>= 1; see the module's "Randomness"). Part of the seed's
        meaning: keep the default to reproduce published figures.
    block_quarters : float, default 4.0
        Mean block length of the stationary bootstrap, quarters (>= 1; the pacing default).
    call_rate_sd, distribution_rate_sd, distribution_market_link : float
        The pacing engine's stochastic settings (:class:`altsleeve.pacing.StochasticSettings`
        defaults 0.25, 0.35 and 1.0).
    secondary_discount : float, default 0.30
        Discount to NAV of a secondary sale after a shortfall, in [0, 1) (DOMAIN.md section 5:
        "secondary discount 30%").
    horizon_years : tuple of int, default (1, 3, 10)
        Horizons reported; those beyond ``years`` are dropped and ``years`` is always added.
    quantiles : tuple of float, default (0.05, 0.5, 0.95, 0.99)
        Probabilities of the distribution figures (increasing, in [0, 1]).

    """

    n_paths: int = 10_000
    years: int = 10
    seed: int = 0
    block_paths: int = 1000
    block_quarters: float = 4.0
    call_rate_sd: float = 0.25
    distribution_rate_sd: float = 0.35
    distribution_market_link: float = 1.0
    secondary_discount: float = 0.30
    horizon_years: tuple[int, ...] = (1, 3, 10)
    quantiles: tuple[float, ...] = (0.05, 0.5, 0.95, 0.99)

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on a setting outside its domain."""
        for name in ("n_paths", "years", "block_paths"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} = {getattr(self, name)} must be at least 1")
        if self.seed < 0:
            raise ValueError(f"seed = {self.seed} must not be negative")
        if not 0.0 <= self.secondary_discount < 1.0:
            raise ValueError(f"secondary_discount = {self.secondary_discount} must be in [0, 1)")
        if any(h < 1 for h in self.horizon_years):
            raise ValueError(f"horizon_years = {self.horizon_years} must be at least 1 each")
        qs = self.quantiles
        if (
            not qs
            or any(not 0.0 <= q <= 1.0 for q in qs)
            or any(b <= a for a, b in itertools.pairwise(qs))
        ):
            raise ValueError(f"quantiles = {qs} must increase within [0, 1]")
        # the pacing engine checks its own settings
        self.stochastic(1, 0)

    @property
    def n_quarters(self) -> int:
        """Quarters simulated, ``4 * years``."""
        return _QUARTERS_PER_YEAR * self.years

    @property
    def horizons(self) -> tuple[int, ...]:
        """Horizons reported, years: ``horizon_years`` up to ``years``, and ``years``."""
        return tuple(sorted({h for h in self.horizon_years if h <= self.years} | {self.years}))

    def stochastic(self, n_paths: int, seed: int) -> StochasticSettings:
        """The pacing engine's settings for a block of ``n_paths`` paths and a seed."""
        return StochasticSettings(
            n_paths=n_paths,
            n_quarters=self.n_quarters,
            block_quarters=self.block_quarters,
            call_rate_sd=self.call_rate_sd,
            distribution_rate_sd=self.distribution_rate_sd,
            distribution_market_link=self.distribution_market_link,
            seed=seed,
        )


@dataclass(frozen=True)
class MonteCarloInputs:
    """What a run needs to know, as known on the as-of date.

    Attributes
    ----------
    design : Design
        The vehicle, its liquid buffer and its private share
        (:meth:`~altsleeve.liquidity.Design.effective_vehicle` is simulated).
    as_of : pandas.Timestamp
        The as-of date: the start's close; quarter 1 ends at the next calendar quarter end.
    net_assets : float
        Net assets at the start, dollars (> 0).
    state : pandas.DataFrame
        The private book's holding states (:data:`altsleeve.pacing.STATE_COLUMNS`; may be
        empty); every ``proxy`` must be a column of ``returns``.
    returns : pandas.DataFrame
        Real quarterly simple returns known on the as-of date, one column per series (e.g.
        :func:`altsleeve.pacing.quarterly_returns` of ``planning.SCENARIO_COLUMNS``), at least
        two quarters.
    sleeve_series : mapping of str to str
        For each liquid and cash sleeve of the vehicle, the column of ``returns`` it earns.
    equity_series : str
        The column whose quarterly return triggers the stress multiplier.
    flows : FlowModel
        Participant flows.
    label : str
        Where the inputs come from (reported).
    noticed_calls : pandas.DataFrame, optional
        Capital calls noticed by the as-of date and dated after it (``holding_id``, ``date``,
        ``amount`` in dollars; :func:`altsleeve.pacing.noticed_flows` calls); ``None``: none.
    provenance : mapping of str to JSON values
        What the caller read to build the inputs (knowledge date, strike, sources), copied into
        the summary as it is.

    """

    design: Design
    as_of: pd.Timestamp
    net_assets: float
    state: pd.DataFrame
    returns: pd.DataFrame
    sleeve_series: Mapping[str, str]
    equity_series: str
    flows: FlowModel
    label: str = ""
    provenance: Mapping[str, Any] = field(default_factory=dict)
    noticed_calls: pd.DataFrame | None = None


@dataclass(frozen=True)
class _Prepared:
    """Everything a chunk needs, checked and in arrays (pickles to Dask workers once)."""

    state: pd.DataFrame
    returns: pd.DataFrame
    traded: tuple[str, ...]  # liquid sleeves, then the cash sleeve last
    columns: IntArray  # column of ``returns`` per traded sleeve
    equity_column: int
    weights: FloatArray  # (Q + 1, S): traded weights summing to 1, row 0 = the as-of date
    quarter_ends: pd.DatetimeIndex
    private_target: FloatArray  # (Q + 1,)
    private_max: float
    cash_floor: float
    fee_rate: float  # a year, decimal of net assets
    start_values: FloatArray  # (S,) dollars
    private_nav0: float  # the state's NAV, unscaled
    unfunded0: float  # the state's unfunded commitments, unscaled
    private_scale: float
    net_assets0: float
    flows: FlowModel
    # noticed calls per quarter, dollars, unscaled: (H, Q) for the state's holdings in order,
    # and (Q,) for holdings outside the state; None without notices
    noticed: FloatArray | None = None
    noticed_outside: FloatArray | None = None


def _noticed_arrays(
    noticed: pd.DataFrame | None,
    holding_ids: list[str],
    ends: pd.DatetimeIndex,
    as_of: pd.Timestamp,
) -> tuple[FloatArray | None, FloatArray | None]:
    """Noticed calls per holding and quarter (a date in ``(end_{q-1}, end_q]``), dollars."""
    if noticed is None or noticed.empty:
        return None, None
    dates = pd.to_datetime(noticed["date"])
    amounts = noticed["amount"].to_numpy(dtype=np.float64)
    if not (np.isfinite(amounts).all() and (amounts >= 0.0).all()):
        raise ValueError("noticed calls must be finite and >= 0 dollars")
    inside = np.zeros((len(holding_ids), len(ends)))
    outside = np.zeros(len(ends))
    pos = {h: i for i, h in enumerate(holding_ids)}
    for h, d, a in zip(noticed["holding_id"].astype(str), dates, amounts, strict=True):
        if d <= as_of:
            continue
        q = int(ends.searchsorted(d, side="left"))
        if q >= len(ends):
            continue
        if h in pos:
            inside[pos[h], q] += a
        else:
            outside[q] += a
    return inside, outside


def _quarter_ends(as_of: pd.Timestamp, n_quarters: int) -> pd.DatetimeIndex:
    """The ``n_quarters`` calendar quarter ends after ``as_of`` (the first ends its quarter)."""
    first = (pd.Timestamp(as_of).normalize() + pd.offsets.QuarterEnd(1)).normalize()
    return pd.date_range(first, periods=n_quarters, freq="QE")


def _prepare(inputs: MonteCarloInputs, settings: MonteCarloSettings) -> _Prepared:
    """Check the inputs and lay them out as arrays (the start follows ``start_state``)."""
    vehicle = inputs.design.effective_vehicle()
    if not (math.isfinite(inputs.net_assets) and inputs.net_assets > 0.0):
        raise ValueError(f"net_assets = {inputs.net_assets} must be a positive number of dollars")
    returns = inputs.returns.astype(np.float64)
    cols = [str(c) for c in returns.columns]
    state = state_frame(inputs.state)
    bad_proxy = sorted(set(state["proxy"]) - set(cols))
    if bad_proxy:
        raise ValueError(f"holding proxies {bad_proxy} are not return series {cols}")
    liquid = [s for s in vehicle.sleeves if s.kind == "liquid"]
    traded = [*liquid, vehicle.cash_sleeve]
    missing = [s.id for s in traded if inputs.sleeve_series.get(s.id) not in cols]
    if missing:
        raise ValueError(
            f"sleeves {missing} have no return series among {cols} (sleeve_series = "
            f"{dict(inputs.sleeve_series)})"
        )
    if inputs.equity_series not in cols:
        raise ValueError(f"equity_series {inputs.equity_series!r} is not among {cols}")
    as_of = pd.Timestamp(inputs.as_of).normalize()
    ends = _quarter_ends(as_of, settings.n_quarters)
    days = pd.DatetimeIndex([as_of, *ends])
    matrix = vehicle.target_matrix(days)
    ids = vehicle.sleeve_ids
    raw = np.column_stack([matrix[:, ids.index(s.id)] for s in traded])
    total = raw.sum(axis=1)
    if (total <= 0.0).any():
        raise ValueError("the glide path leaves no weight to the liquid and cash sleeves")
    weights = np.ascontiguousarray(raw / total[:, None], dtype=np.float64)
    priv = vehicle.private_sleeve
    private_target = (
        np.asarray(matrix[:, ids.index(priv.id)], dtype=np.float64)
        if priv is not None
        else np.zeros(len(days))
    )
    nav0 = math.fsum(state["nav"].to_numpy(dtype=np.float64)) if len(state) else 0.0
    unfunded0 = (
        math.fsum(
            np.maximum(
                state["commitment"].to_numpy(np.float64) - state["paid_in"].to_numpy(np.float64),
                0.0,
            )
        )
        if len(state)
        else 0.0
    )
    noticed, noticed_outside = _noticed_arrays(
        inputs.noticed_calls, [str(h) for h in state["holding_id"]], ends, as_of
    )
    na0 = float(inputs.net_assets)
    scale = 1.0
    if inputs.design.private_share is not None:
        if nav0 <= 0.0:
            raise ValueError("the private book has no NAV on the as-of date to scale")
        scale = inputs.design.private_share * na0 / nav0
    private0 = scale * nav0
    rest = na0 - private0
    if rest <= 0.0:
        raise ValueError(f"the private book ({private0:,.0f}) is all of net assets ({na0:,.0f})")
    start = weights[0] * rest
    cash = len(traded) - 1
    short = vehicle.cash.floor * na0 - start[cash]
    liquid_sum = float(start[:cash].sum())
    if short > 0.0 and liquid_sum > 0.0:
        take = min(short, liquid_sum)
        start[:cash] -= take * start[:cash] / liquid_sum
        start[cash] += take
    return _Prepared(
        state=state,
        returns=returns,
        traded=tuple(s.id for s in traded),
        columns=np.asarray([cols.index(inputs.sleeve_series[s.id]) for s in traded], np.int64),
        equity_column=cols.index(inputs.equity_series),
        weights=weights,
        quarter_ends=ends,
        private_target=private_target,
        private_max=float(vehicle.private.max),
        cash_floor=float(vehicle.cash.floor),
        fee_rate=vehicle.fee_bp_per_year / 1e4,
        start_values=np.asarray(start, dtype=np.float64),
        private_nav0=nav0,
        unfunded0=unfunded0,
        private_scale=scale,
        net_assets0=na0,
        flows=inputs.flows,
        noticed=noticed,
        noticed_outside=noticed_outside,
    )


# --------------------------------------------------------------------------------------------
# The kernel: one block of paths
# --------------------------------------------------------------------------------------------


def _block_seed(seed: int, block: int, stream: int) -> int:
    """A 128-bit seed for a block's stream, from ``SeedSequence([seed, block, stream])``."""
    words = np.random.SeedSequence([seed, block, stream]).generate_state(4, np.uint32)
    return int.from_bytes(words.astype("<u4").tobytes(), "little")


def _simulate_block(
    prep: _Prepared, settings: MonteCarloSettings, block: int
) -> dict[str, NDArray[Any]]:
    """Every per-quarter array of :data:`DETAIL_FIELDS` for the paths of block ``block``.

    Shapes ``(block_paths, Q)``; the events and ``stress`` are bool, the rest dollars or
    shares. Always the whole block, so a path's figures never depend on the chunking.
    """
    n_b, n_q = settings.block_paths, settings.n_quarters
    flows = prep.flows
    scen = bootstrap_scenarios(
        prep.returns,
        n_b,
        n_q,
        block_quarters=settings.block_quarters,
        seed=_block_seed(settings.seed, block, _STREAM_MARKET),
    )
    simple = np.expm1(scen.log_returns)  # (B, Q, K)
    if len(prep.state):
        paths = simulate_holdings(
            prep.state,
            scen,
            settings.stochastic(n_b, _block_seed(settings.seed, block, _STREAM_PRIVATE)),
        )
        if prep.noticed is None:
            call_sum = paths.call.sum(axis=0)
            nav_sum = paths.nav.sum(axis=0)
        else:
            # a notice is certain: the larger of the projection's call and the notice, per
            # holding and quarter; what it adds above the projection stays in the NAV
            calls_h = np.maximum(paths.call, prep.noticed[:, None, :])
            call_sum = calls_h.sum(axis=0)
            above = (calls_h - paths.call).sum(axis=0)
            nav_sum = paths.nav.sum(axis=0) + np.cumsum(above, axis=1)
        dist_sum = paths.distribution.sum(axis=0)
    else:
        call_sum = dist_sum = nav_sum = np.zeros((n_b, n_q))
    if prep.noticed_outside is not None:
        call_sum = call_sum + prep.noticed_outside[None, :]
        nav_sum = nav_sum + np.cumsum(prep.noticed_outside)[None, :]
    rng = np.random.Generator(
        np.random.PCG64(np.random.SeedSequence([settings.seed, block, _STREAM_FLOWS]))
    )
    counts = rng.poisson(flows.withdrawal_rate / _QUARTERS_PER_YEAR, size=(n_b, n_q))
    sizes = rng.uniform(flows.withdrawal_min, flows.withdrawal_max, size=int(counts.sum()))
    slots = np.repeat(np.arange(n_b * n_q, dtype=np.int64), counts.ravel())
    withdrawal_share = np.bincount(slots, weights=sizes, minlength=n_b * n_q).reshape(n_b, n_q)

    r_traded = simple[:, :, prep.columns]  # (B, Q, S)
    r_equity = simple[:, :, prep.equity_column]  # (B, Q)
    cash = len(prep.traded) - 1
    keep = 1.0 - settings.secondary_discount
    out: dict[str, NDArray[Any]] = {
        name: np.zeros((n_b, n_q), dtype=np.bool_)
        if name in ("stress", *EVENTS)
        else np.zeros((n_b, n_q))
        for name in DETAIL_FIELDS
    }
    values = np.tile(prep.start_values, (n_b, 1))  # (B, S)
    scale = np.full(n_b, prep.private_scale)
    private_prev = scale * prep.private_nav0
    for j in range(n_q):
        na_prev = values.sum(axis=1) + private_prev
        values = values * (1.0 + r_traded[:, j, :])
        stress = r_equity[:, j] < flows.stress_threshold
        purchases = flows.contribution_rate / _QUARTERS_PER_YEAR * na_prev
        redemptions = (
            flows.redemption_rate
            / _QUARTERS_PER_YEAR
            * na_prev
            * np.where(stress, flows.stress_multiplier, 1.0)
        )
        withdrawals = withdrawal_share[:, j] * na_prev
        fees = prep.fee_rate / _QUARTERS_PER_YEAR * na_prev
        calls = scale * call_sum[:, j]
        dists = scale * dist_sum[:, j]
        private = scale * nav_sum[:, j]
        outflow = calls + redemptions + withdrawals + fees - dists - purchases
        cash_available = values[:, cash].copy()
        liquid_available = values.sum(axis=1)
        rest = liquid_available - outflow
        short = rest < 0.0
        # a strip of the private book sold at a discount pays the shortfall
        net_value = keep * private
        strip = np.ones(n_b)
        np.divide(-rest, net_value, out=strip, where=short & (net_value > 0.0))
        strip = np.where(short, np.minimum(strip, 1.0), 0.0)
        sold = strip * private
        # a partial strip pays the deficit exactly (no rounding residue); the whole book may not
        rest = np.where(short, np.where(strip < 1.0, 0.0, rest + keep * sold), rest)
        unpaid = np.maximum(-rest, 0.0)
        rest = np.maximum(rest, 0.0)
        private = private - sold
        scale = scale * (1.0 - strip)
        na = rest + private
        positive = na > 0.0
        share = np.where(positive, private / np.where(positive, na, 1.0), 0.0)
        # rebalance the liquid and cash sleeves around the private sleeve; cash to its floor
        values = rest[:, None] * prep.weights[j + 1][None, :]
        if cash > 0:
            liquid_sum = values[:, :cash].sum(axis=1)
            take = np.clip(prep.cash_floor * na - values[:, cash], 0.0, liquid_sum)
            ratio = np.where(
                liquid_sum > 0.0, take / np.where(liquid_sum > 0.0, liquid_sum, 1.0), 0.0
            )
            values[:, :cash] -= values[:, :cash] * ratio[:, None]
            values[:, cash] += take
        private_prev = private
        for name, value in (
            ("net_assets_start", na_prev),
            ("purchases", purchases),
            ("redemptions", redemptions),
            ("withdrawals", withdrawals),
            ("fees", fees),
            ("calls", calls),
            ("distributions", dists),
            ("net_outflow", outflow),
            ("cash_available", cash_available),
            ("liquid_available", liquid_available),
            ("secondary_sold", sold),
            ("unpaid", unpaid),
            ("private", private),
            ("net_assets", na),
            ("private_share", share),
            ("cash", values[:, cash]),
            ("stress", stress),
            ("shortfall", short),
            ("buffer_exhausted", outflow > cash_available),
            ("cap_breach", share > prep.private_max + _EPS),
        ):
            out[name][:, j] = value
    return out


def _first(flags: BoolArray) -> IntArray:
    """First quarter (1-based) each row is True, 0 when never; shape ``(rows,)``."""
    hit = flags.any(axis=1)
    return np.where(hit, np.argmax(flags, axis=1) + 1, 0).astype(np.int64)


def _outcomes(detail: Mapping[str, NDArray[Any]], horizons_q: IntArray) -> dict[str, NDArray[Any]]:
    """Per-path figures from a block's per-quarter arrays (rows = paths).

    ``first_<event>`` (1-based quarter, 0 = never), ``quarters_<event>``, ``stress_quarters``
    and ``withdrawal_quarters`` (counts of quarters), ``peak_private_share`` and
    ``worst_outflow_share`` (running maximum at each horizon, shape ``(paths, H)``),
    ``end_private_share``, ``end_net_assets`` (dollars), ``secondary_sold`` and ``unpaid``
    (dollars over the run).
    """
    na_prev = detail["net_assets_start"]
    positive = na_prev > 0.0
    outflow_share = np.where(
        positive, detail["net_outflow"] / np.where(positive, na_prev, 1.0), 0.0
    )
    last = horizons_q - 1
    out: dict[str, NDArray[Any]] = {}
    for event in EVENTS:
        out[f"first_{event}"] = _first(detail[event])
        out[f"quarters_{event}"] = detail[event].sum(axis=1).astype(np.int64)
    out["stress_quarters"] = detail["stress"].sum(axis=1).astype(np.int64)
    out["peak_private_share"] = np.maximum.accumulate(detail["private_share"], axis=1)[:, last]
    out["worst_outflow_share"] = np.maximum.accumulate(outflow_share, axis=1)[:, last]
    out["end_private_share"] = detail["private_share"][:, -1].copy()
    out["end_net_assets"] = detail["net_assets"][:, -1].copy()
    out["secondary_sold"] = detail["secondary_sold"].sum(axis=1)
    out["unpaid"] = detail["unpaid"].sum(axis=1)
    out["withdrawal_quarters"] = (detail["withdrawals"] > 0.0).sum(axis=1).astype(np.int64)
    return out


def _horizon_quarters(settings: MonteCarloSettings) -> IntArray:
    return np.asarray([_QUARTERS_PER_YEAR * h for h in settings.horizons], dtype=np.int64)


def _blocks(settings: MonteCarloSettings, start: int, stop: int) -> range:
    return range(start // settings.block_paths, (stop - 1) // settings.block_paths + 1)


def _chunk(
    start: int, stop: int, prep: _Prepared, settings: MonteCarloSettings
) -> tuple[int, dict[str, NDArray[Any]]]:
    """Per-path figures of paths ``[start, stop)`` (a Dask task; arguments pickle)."""
    horizons_q = _horizon_quarters(settings)
    parts: list[dict[str, NDArray[Any]]] = []
    for b in _blocks(settings, start, stop):
        first = b * settings.block_paths
        rows = slice(max(start, first) - first, min(stop, first + settings.block_paths) - first)
        block = _outcomes(_simulate_block(prep, settings, b), horizons_q)
        parts.append({k: v[rows] for k, v in block.items()})
    return start, {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


# --------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------


def check_inputs(inputs: MonteCarloInputs, settings: MonteCarloSettings) -> None:
    """Check that ``inputs`` can be simulated with ``settings``; :class:`ValueError` if not.

    The checks :func:`run_montecarlo` makes before any path runs: positive net assets, valid
    holding states whose proxies are return series, a return series for every liquid and cash
    sleeve and for the stress trigger, a private book to scale when the design asks for a
    private share, and a private book smaller than net assets.
    """
    _prepare(inputs, settings)


@dataclass(frozen=True)
class PathDetail:
    """Every quarter of some paths (for small runs and checks): arrays of shape ``(P, Q)``.

    Attributes
    ----------
    paths : ndarray of int, shape (P,)
        The path numbers.
    quarter_ends : pandas.DatetimeIndex
        End of each quarter ``1..Q``.
    arrays : dict of str to ndarray
        One array per :data:`DETAIL_FIELDS` name: ``net_assets_start`` (net assets at the
        quarter's start), the quarter's ``purchases``, ``redemptions``, ``withdrawals``,
        ``fees``, ``calls``, ``distributions`` and ``net_outflow`` (dollars), the
        ``cash_available`` and ``liquid_available`` (cash, and cash plus liquid sleeves, after
        the quarter's returns, before its flows), ``secondary_sold`` (private NAV sold) and
        ``unpaid`` (dollars), the end-of-quarter ``private`` NAV, ``net_assets`` and
        ``private_share``, the ``cash`` after the rebalance (dollars), and bool flags
        ``stress``, ``shortfall``, ``buffer_exhausted``, ``cap_breach``.
    start : dict of str to float
        The start: ``net_assets``, ``private``, ``private_scale`` and each traded sleeve's value
        (dollars).

    """

    paths: IntArray
    quarter_ends: pd.DatetimeIndex
    arrays: dict[str, NDArray[Any]]
    start: dict[str, float]


def simulate_paths(
    inputs: MonteCarloInputs,
    settings: MonteCarloSettings,
    paths: range | None = None,
) -> PathDetail:
    """Simulate some paths quarter by quarter and return every figure (see the module's model).

    Parameters
    ----------
    inputs : MonteCarloInputs
        The design, start and history as known on the as-of date.
    settings : MonteCarloSettings
        Seed, block size and model settings (``n_paths`` bounds ``paths``).
    paths : range, optional
        Which paths (default: all ``settings.n_paths``). Path ``p`` is the same whatever else
        is asked.

    Returns
    -------
    PathDetail
        Per-quarter arrays ``(len(paths), 4 * years)``.

    """
    rows = range(settings.n_paths) if paths is None else paths
    if len(rows) == 0 or rows.step != 1 or rows.start < 0 or rows.stop > settings.n_paths:
        raise ValueError(f"paths = {rows} must be a non-empty step-1 range within n_paths")
    prep = _prepare(inputs, settings)
    parts: list[dict[str, NDArray[Any]]] = []
    for b in _blocks(settings, rows.start, rows.stop):
        first = b * settings.block_paths
        keep = slice(
            max(rows.start, first) - first, min(rows.stop, first + settings.block_paths) - first
        )
        parts.append({k: v[keep] for k, v in _simulate_block(prep, settings, b).items()})
    start = {"net_assets": prep.net_assets0, "private": prep.private_scale * prep.private_nav0}
    start["private_scale"] = prep.private_scale
    start.update({s: float(v) for s, v in zip(prep.traded, prep.start_values, strict=True)})
    return PathDetail(
        paths=np.arange(rows.start, rows.stop, dtype=np.int64),
        quarter_ends=prep.quarter_ends,
        arrays={k: np.concatenate([p[k] for p in parts]) for k in DETAIL_FIELDS},
        start=start,
    )


@dataclass(frozen=True)
class MonteCarloResult:
    """A Monte Carlo run: its summary and the per-path figures it was computed from.

    Attributes
    ----------
    summary : dict
        JSON-ready: ``start`` (the vehicle at the as-of date), ``flows``, ``market``,
        ``horizons`` (per horizon: each event's ``paths`` count, ``probability`` and its
        ``standard_error``, and quantiles of the ``peak_private_share`` and of the
        ``worst_net_outflow_share``), ``by_year`` (each event's cumulative probability at each
        year end), ``end`` (quantiles at the last quarter) and ``secondary_sales``.
    outcomes : dict of str to ndarray
        Per path, in path order (see :func:`_outcomes`).
    settings : MonteCarloSettings

    """

    summary: dict[str, Any]
    outcomes: dict[str, NDArray[Any]]
    settings: MonteCarloSettings


def _quantiles(values: FloatArray, qs: tuple[float, ...]) -> dict[str, float]:
    out = {"mean": float(np.mean(values))}
    out.update({f"q{100 * q:g}".replace(".", "_"): float(np.quantile(values, q)) for q in qs})
    out["max"] = float(np.max(values))
    return out


def _event(count: int, n: int) -> dict[str, float | int]:
    p = count / n
    return {"paths": count, "probability": p, "standard_error": math.sqrt(p * (1.0 - p) / n)}


def _summarise(
    prep: _Prepared,
    inputs: MonteCarloInputs,
    settings: MonteCarloSettings,
    out: Mapping[str, NDArray[Any]],
) -> dict[str, Any]:
    n = settings.n_paths
    qs = settings.quantiles
    horizons = []
    for k, years in enumerate(settings.horizons):
        last_q = _QUARTERS_PER_YEAR * years
        row: dict[str, Any] = {"years": years, "quarters": last_q}
        for event in EVENTS:
            first = out[f"first_{event}"]
            row[event] = _event(int(np.count_nonzero((first > 0) & (first <= last_q))), n)
        row["peak_private_share"] = _quantiles(out["peak_private_share"][:, k], qs)
        row["worst_net_outflow_share"] = _quantiles(out["worst_outflow_share"][:, k], qs)
        horizons.append(row)
    by_year = {
        event: [
            int(np.count_nonzero((out[f"first_{event}"] > 0) & (out[f"first_{event}"] <= 4 * y)))
            / n
            for y in range(1, settings.years + 1)
        ]
        for event in EVENTS
    }
    state = prep.state
    na0, p0 = prep.net_assets0, prep.private_scale * prep.private_nav0
    start = {
        "as_of": pd.Timestamp(inputs.as_of).date().isoformat(),
        "net_assets": na0,
        "private": p0,
        "private_share": p0 / na0,
        "private_scale": prep.private_scale,
        "unfunded": prep.private_scale * prep.unfunded0,
        "holdings": len(state),
        "sleeves": {s: float(v) for s, v in zip(prep.traded, prep.start_values, strict=True)},
        "private_target": float(prep.private_target[0]),
        "private_max": prep.private_max,
        "cash_floor": prep.cash_floor,
        "fee_rate": prep.fee_rate,
        "buffer": inputs.design.buffer,
        "private_share_design": inputs.design.private_share,
    }
    returns = prep.returns
    flows = prep.flows
    n_quarters = n * settings.n_quarters
    return {
        "label": inputs.label,
        "provenance": dict(inputs.provenance),
        "paths": n,
        "years": settings.years,
        "quarters": settings.n_quarters,
        "seed": settings.seed,
        "block_paths": settings.block_paths,
        "first_quarter_end": prep.quarter_ends[0].date().isoformat(),
        "last_quarter_end": prep.quarter_ends[-1].date().isoformat(),
        "start": start,
        "flows": {
            "contribution_rate": flows.contribution_rate,
            "redemption_rate": flows.redemption_rate,
            "stress_threshold": flows.stress_threshold,
            "stress_multiplier": flows.stress_multiplier,
            "withdrawal_rate": flows.withdrawal_rate,
            "withdrawal_min": flows.withdrawal_min,
            "withdrawal_max": flows.withdrawal_max,
            "source": flows.source,
            "stress_quarter_share": int(out["stress_quarters"].sum()) / n_quarters,
            "withdrawal_quarters_per_path": int(out["withdrawal_quarters"].sum()) / n,
        },
        "market": {
            "method": "stationary bootstrap (Politis-Romano 1994) of real quarterly returns",
            "series": [str(c) for c in returns.columns],
            "sleeve_series": dict(
                zip(prep.traded, (str(returns.columns[c]) for c in prep.columns), strict=True)
            ),
            "equity_series": str(returns.columns[prep.equity_column]),
            "source_quarters": len(returns),
            "source_start": pd.Timestamp(returns.index[0]).date().isoformat(),
            "source_end": pd.Timestamp(returns.index[-1]).date().isoformat(),
            "block_quarters": settings.block_quarters,
            "equity_stress_history_share": float(
                np.mean(returns.iloc[:, prep.equity_column].to_numpy() < flows.stress_threshold)
            ),
        },
        "private_model": {
            "method": "pacing stochastic Takahashi-Alexander (altsleeve.pacing.simulate_holdings)",
            "call_rate_sd": settings.call_rate_sd,
            "distribution_rate_sd": settings.distribution_rate_sd,
            "distribution_market_link": settings.distribution_market_link,
            "secondary_discount": settings.secondary_discount,
        },
        "horizons": horizons,
        "by_year": by_year,
        "end": {
            "private_share": _quantiles(out["end_private_share"], qs),
            "net_assets": _quantiles(out["end_net_assets"], qs),
        },
        "secondary_sales": {
            "paths": int(np.count_nonzero(out["secondary_sold"] > 0.0)),
            "mean_sold": float(np.mean(out["secondary_sold"])),
            "paths_unpaid": int(np.count_nonzero(out["unpaid"] > 0.0)),
        },
    }


def run_montecarlo(
    inputs: MonteCarloInputs,
    settings: MonteCarloSettings,
    *,
    client: distributed.Client | None = None,
    chunk_paths: int = 10_000,
    progress: Callable[[int, int], None] | None = None,
) -> MonteCarloResult:
    """Run ``settings.n_paths`` paths in chunks and summarise the events and distributions.

    Parameters
    ----------
    inputs : MonteCarloInputs
        The design, start and history as known on the as-of date.
    settings : MonteCarloSettings
        Paths, years, seed and model settings.
    client : distributed.Client, optional
        Without one, the chunks run in this process one after another. With one (e.g. from
        :func:`altsleeve.common.scaleout.dask_client`), the prepared inputs are scattered to the
        workers once and one task per chunk is mapped onto the cluster.
    chunk_paths : int, default 10000
        Paths per chunk (>= 1); best a multiple of ``settings.block_paths``. Memory per chunk is
        about ``holdings x block_paths x 4 years x 64`` bytes for the private book's paths plus
        ``chunk_paths x (30 + 2 x horizons) x 8`` bytes of per-path figures.
    progress : callable, optional
        Called with ``(paths done, n_paths)`` after each chunk.

    Returns
    -------
    MonteCarloResult
        The summary and per-path figures: identical bit for bit whatever ``chunk_paths`` and
        whether or where a client runs the chunks.

    """
    if chunk_paths < 1:
        raise ValueError(f"chunk_paths = {chunk_paths} must be at least 1")
    prep = _prepare(inputs, settings)
    n = settings.n_paths
    ordered = map_path_ranges(
        _chunk,
        n,
        chunk_paths,
        client=client,
        shared={"prep": prep},
        progress=progress,
        settings=settings,
    )
    outcomes = {k: np.concatenate([p[k] for p in ordered]) for k in ordered[0]}
    return MonteCarloResult(
        summary=_summarise(prep, inputs, settings, outcomes),
        outcomes=outcomes,
        settings=settings,
    )
