"""The pacing planner: how much to commit each year so the private share holds its target.

Owns the commitment plan: given the current book's state (as known on a date), the vehicle's net
assets, its glide path's private target, the private maximum and band, the liquid sleeves' mix,
a net participant flow rate and bootstrap scenarios of the real market history, it recommends
commitments per year and asset class for ``years`` years and reports the projected private share
with quantile bands, the overcommitment ratio, and unfunded commitments against liquid assets.
Pure numpy/pandas on the state frame and :class:`~altsleeve.pacing.Scenarios`; must not read
files or the ledger, and must not import the sample book or the fund engine.

Method (documented in ``docs/pacing.md``)
-----------------------------------------
Per scenario path ``p`` and quarter ``q`` the vehicle is projected as two parts (dollars)::

    liquid_q = liquid_{q-1} (1 + r_liq_{p,q}) + (f_q - fee_q) NA_{q-1} - calls_q + distributions_q
    NA_q     = liquid_q + NAV_q

with ``r_liq`` the quarterly return of the liquid and cash sleeves at their glide-path mix
(rebalanced quarterly), ``f_q = (1 + net_flow_rate)^(1/4) - 1`` the participants' net flow and
``fee_q`` the vehicle's fee a quarter, charged on all net assets (private included, as the
strike accrues it) and paid from the liquid part. Private calls, distributions and NAV come from the
stochastic Takahashi-Alexander projection (:func:`~altsleeve.pacing.simulate_holdings`). Every
term is linear in a commitment's size for fixed random draws, so a year's commitment ``C`` adds
``C`` times a unit response to the book's paths and the share ``NAV / NA`` is a ratio of affine
functions of ``C``.

Greedy yearly rule (the usual "fill the gap" pacing of DOMAIN.md section 3;
the cap is the DOL 2020 information letter's 15 % ceiling in DOMAIN.md):
the commitment of year ``y`` (calls from the first quarter of that year) is the ``C >= 0`` whose
median private share, averaged over the quarters from one year to ``lead_years`` after the year
starts (``aim="average"``, the default; ``aim="point"`` uses the single quarter ``lead_years``
on), equals the glide path's target there, lowered until the ``cap_quantile`` of the share stays
at or below ``private_max`` in every later quarter (0 when even
no commitment breaches). Each year's commitment is split across asset classes by ``mix``; later
years see the earlier commitments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.optimize import brentq

from altsleeve.pacing._defaults import class_defaults
from altsleeve.pacing._state import DEFAULT_PROXY, new_commitment_rows
from altsleeve.pacing._stochastic import (
    STATE_COLUMNS,
    Scenarios,
    StochasticSettings,
    simulate_holdings,
    state_frame,
)

FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class PlannerSettings:
    """Assumptions of the pacing planner.

    Attributes
    ----------
    years : int
        Years of commitments to recommend (>= 1).
    lead_years : int
        Years after a commitment year at which its median share is aimed at the target (>= 1);
        about the time a drawdown commitment's NAV peaks.
    cap_quantile : float
        Quantile of the private share that must stay at or below the maximum (0.5-1).
    net_flow_rate : float
        Participants' net contributions a year, decimal of net assets (may be negative).
    fee_rate : float
        Vehicle fees a year, decimal of all net assets (liquid and private), paid from the
        liquid part.
    aim : str
        ``point``: the median share at the quarter ``lead_years`` after the commitment year's
        start meets the target; ``average``: the median share averaged over the quarters from
        one year after to ``lead_years`` after meets the average target there.
    mix : tuple of (str, float)
        Asset-class split of each year's commitment (weights > 0, summing to 1).
    """

    years: int = 10
    lead_years: int = 3
    cap_quantile: float = 0.95
    net_flow_rate: float = 0.05
    fee_rate: float = 0.0035
    aim: str = "average"
    mix: tuple[tuple[str, float], ...] = (
        ("buyout", 0.4),
        ("venture", 0.1),
        ("private_credit", 0.2),
        ("real_estate", 0.15),
        ("infrastructure", 0.15),
    )

    def __post_init__(self) -> None:
        """Check ranges; raise :class:`ValueError` on an impossible value."""
        if self.aim not in ("point", "average"):
            raise ValueError(f"aim = {self.aim!r}: use 'point' or 'average'")
        if self.years < 1 or self.lead_years < 1:
            raise ValueError("years and lead_years must be at least 1")
        if not 0.5 <= self.cap_quantile <= 1.0:
            raise ValueError(f"cap_quantile = {self.cap_quantile} must be in [0.5, 1]")
        if not self.net_flow_rate > -1.0 or not 0.0 <= self.fee_rate < 1.0:
            raise ValueError("net_flow_rate must be > -1 and fee_rate in [0, 1)")
        weights = [w for _, w in self.mix]
        if not self.mix or min(weights) <= 0.0 or abs(sum(weights) - 1.0) > 1e-9:
            raise ValueError(f"mix weights must be positive and sum to 1, got {self.mix}")


@dataclass(frozen=True)
class VehicleOutlook:
    """What the planner needs to know about the vehicle, per projection quarter.

    Attributes
    ----------
    net_assets : float
        Net assets on the plan's date (dollars).
    quarter_ends : pandas.DatetimeIndex
        End of each projection quarter ``1..Q``.
    private_target : ndarray of float
        The glide path's private weight at each quarter end (decimal), shape ``(Q,)``.
    private_max : float
        Most the private share may be (decimal).
    private_band : float
        Half-width of the tolerated range around the target (decimal).
    liquid_weights : pandas.DataFrame
        Index ``quarter_ends``; one column per scenario series: the weight of the liquid and cash
        sleeves' series within the liquid part (rows sum to 1).
    """

    net_assets: float
    quarter_ends: pd.DatetimeIndex
    private_target: FloatArray
    private_max: float
    private_band: float
    liquid_weights: pd.DataFrame


@dataclass(frozen=True)
class PacingPlan:
    """The planner's recommendation and its projected consequences.

    Attributes
    ----------
    commitments : pandas.DataFrame
        ``year``, ``asset_class``, ``commitment`` (dollars), one row per year and class.
    share : pandas.DataFrame
        Per quarter end: ``target``, ``lower``, ``max``, ``mean`` and quantile columns
        (``q05`` ...) of the projected private share with the plan, and ``median_no_plan``
        (the share with no new commitment).
    yearly : pandas.DataFrame
        Per plan year: ``year``, ``commitment``, ``median_net_assets``, ``median_private_nav``,
        ``median_unfunded``, ``median_liquid``, ``overcommitment_ratio``,
        ``unfunded_to_liquid_median``, ``unfunded_to_liquid_q95``, ``p_above_max``
        (share of paths above the maximum at some quarter end of that year).
    paths : dict of str to ndarray
        ``share``, ``nav``, ``net_assets``, ``unfunded``, ``liquid`` with the plan, each ``(P, Q)``.
    settings : PlannerSettings
    """

    commitments: pd.DataFrame
    share: pd.DataFrame
    yearly: pd.DataFrame
    paths: dict[str, FloatArray]
    settings: PlannerSettings


def _liquid_returns(outlook: VehicleOutlook, scenarios: Scenarios, n_quarters: int) -> FloatArray:
    """Quarterly simple return of the liquid part on each path, ``(P, Q)``."""
    cols = list(outlook.liquid_weights.columns)
    missing = [c for c in cols if c not in scenarios.series]
    if missing:
        raise ValueError(f"liquid series {missing} are not in the scenarios {scenarios.series}")
    idx = [scenarios.series.index(c) for c in cols]
    simple = np.expm1(scenarios.log_returns[:, :n_quarters, idx])  # (P, Q, K)
    w = outlook.liquid_weights.to_numpy(dtype=np.float64)[:n_quarters]  # (Q, K)
    return np.asarray(np.einsum("pqk,qk->pq", simple, w), dtype=np.float64)


def _liquid_path(
    liquid0: float,
    nav0: float,
    r_liq: FloatArray,
    flow_q: float,
    fee_q: float,
    nav: FloatArray,
    call: FloatArray,
    dist: FloatArray,
) -> FloatArray:
    """The liquid part's recursion (module docstring), ``(P, Q)``; linear in its inputs.

    ``liquid0`` and ``nav0`` are the liquid part and the private NAV on the plan's date; ``nav``,
    ``call`` and ``dist`` the private NAV at each quarter end and the quarter's flows, ``(P, Q)``.
    """
    n_paths, n_q = r_liq.shape
    out = np.empty((n_paths, n_q))
    liquid = np.full(n_paths, float(liquid0))
    for q in range(n_q):
        nav_prev = nav[:, q - 1] if q > 0 else np.full(n_paths, float(nav0))
        na_prev = liquid + nav_prev
        # the vehicle fee is charged on all net assets (the private NAV too), paid from liquid
        liquid = liquid * (1.0 + r_liq[:, q]) + (flow_q - fee_q) * na_prev - call[:, q] + dist[:, q]
        out[:, q] = liquid
    return out


def plan_commitments(
    state: pd.DataFrame,
    scenarios: Scenarios,
    settings: StochasticSettings,
    outlook: VehicleOutlook,
    planner: PlannerSettings | None = None,
    *,
    proxy: str = DEFAULT_PROXY,
) -> PacingPlan:
    """Recommend commitments per year and asset class (see the module docstring's method).

    Parameters
    ----------
    state : pandas.DataFrame
        The current book in :data:`~altsleeve.pacing.STATE_COLUMNS` (from
        :func:`~altsleeve.pacing.book_state`); may be empty.
    scenarios : Scenarios
        Bootstrap scenarios holding ``proxy`` and every column of ``outlook.liquid_weights``,
        with at least ``4 * (years + lead_years)`` quarters.
    settings : StochasticSettings
        The stochastic projection's settings (paths, rate noise, quantiles, seed).
    outlook : VehicleOutlook
        The vehicle's net assets, targets and liquid mix per quarter.
    planner : PlannerSettings, optional
        Planner assumptions (default :class:`PlannerSettings`).
    proxy : str
        Scenario column new commitments' growth is linked to.

    Returns
    -------
    PacingPlan

    """
    planner = planner or PlannerSettings()
    n_q = 4 * (planner.years + planner.lead_years)
    if scenarios.log_returns.shape[1] < n_q:
        raise ValueError(f"scenarios have {scenarios.log_returns.shape[1]} quarters; need {n_q}")
    if len(outlook.quarter_ends) < n_q or len(outlook.private_target) < n_q:
        raise ValueError(f"the outlook needs {n_q} quarters")
    sim_settings = StochasticSettings(
        n_paths=settings.n_paths,
        n_quarters=n_q,
        block_quarters=settings.block_quarters,
        call_rate_sd=settings.call_rate_sd,
        distribution_rate_sd=settings.distribution_rate_sd,
        distribution_market_link=settings.distribution_market_link,
        quantiles=settings.quantiles,
        seed=settings.seed,
    )
    classes = [c for c, _ in planner.mix]
    weights = dict(planner.mix)

    # One simulation: the existing book, then a $1 commitment per class and plan year.
    unit_rows: list[dict[str, Any]] = []
    for y in range(planner.years):
        unit_rows.extend(
            new_commitment_rows(dict.fromkeys(classes, 1.0), 4 * y, proxy=proxy, prefix="UNIT")
        )
    base_rows = state[list(STATE_COLUMNS)].to_dict("records") if len(state) else []
    full = state_frame([*base_rows, *unit_rows])
    scen = Scenarios(
        series=scenarios.series,
        log_returns=scenarios.log_returns[:, :n_q, :],
        mean_log=scenarios.mean_log,
        var_log=scenarios.var_log,
        source_start=scenarios.source_start,
        source_end=scenarios.source_end,
        block_quarters=scenarios.block_quarters,
        seed=scenarios.seed,
    )
    paths = simulate_holdings(full, scen, sim_settings)
    n_base = len(base_rows)
    n_paths = paths.nav.shape[1]

    def total(arr: FloatArray, rows: slice | list[int]) -> FloatArray:
        sel = arr[rows]
        return (
            np.asarray(sel.sum(axis=0), dtype=np.float64) if len(sel) else np.zeros((n_paths, n_q))
        )

    r_liq = _liquid_returns(outlook, scen, n_q)
    flow_q = (1.0 + planner.net_flow_rate) ** 0.25 - 1.0
    fee_q = 1.0 - (1.0 - planner.fee_rate) ** 0.25
    base_nav = total(paths.nav, slice(0, n_base))
    base_unf = total(paths.unfunded, slice(0, n_base))
    nav0 = float(state["nav"].sum()) if len(state) else 0.0
    base_liq = _liquid_path(
        outlook.net_assets - nav0,
        nav0,
        r_liq,
        flow_q,
        fee_q,
        base_nav,
        total(paths.call, slice(0, n_base)),
        total(paths.distribution, slice(0, n_base)),
    )
    nav_now, liq_now, unf_now = base_nav.copy(), base_liq.copy(), base_unf.copy()
    no_plan_share = base_nav / np.maximum(base_nav + base_liq, 1e-9)

    target = np.asarray(outlook.private_target[:n_q], dtype=np.float64)
    rows: list[dict[str, Any]] = []
    for y in range(planner.years):
        ids = [n_base + y * len(classes) + k for k in range(len(classes))]
        u_nav = sum(weights[c] * paths.nav[i] for c, i in zip(classes, ids, strict=True))
        u_unf = sum(weights[c] * paths.unfunded[i] for c, i in zip(classes, ids, strict=True))
        u_call = sum(weights[c] * paths.call[i] for c, i in zip(classes, ids, strict=True))
        u_dist = sum(weights[c] * paths.distribution[i] for c, i in zip(classes, ids, strict=True))
        u_liq = _liquid_path(
            0.0,
            0.0,
            r_liq,
            flow_q,
            fee_q,
            np.asarray(u_nav),
            np.asarray(u_call),
            np.asarray(u_dist),
        )
        h = min(4 * (y + planner.lead_years) - 1, n_q - 1)
        first = 4 * y

        def share(
            c: float,
            nav_now: FloatArray = nav_now,
            liq_now: FloatArray = liq_now,
            u_nav: Any = u_nav,
            u_liq: FloatArray = u_liq,
        ) -> FloatArray:
            nav = nav_now + c * u_nav
            return np.asarray(nav / np.maximum(nav + liq_now + c * u_liq, 1e-9))

        window = slice(min(4 * (y + 1), h), h + 1) if planner.aim == "average" else slice(h, h + 1)

        def gap(c: float, window: slice = window) -> float:
            med = np.median(share(c)[:, window], axis=0)
            return float(np.mean(med - target[window]))

        def excess(c: float, first: int = first) -> float:
            s = share(c)[:, first:]
            return float(np.max(np.quantile(s, planner.cap_quantile, axis=0)) - outlook.private_max)

        upper = 2.0 * outlook.net_assets
        if gap(0.0) >= 0.0:
            c_star = 0.0
        elif gap(upper) < 0.0:
            c_star = upper
        else:
            c_star = float(brentq(gap, 0.0, upper, xtol=1.0))
        if c_star > 0.0 and excess(c_star) > 0.0:
            c_star = 0.0 if excess(0.0) >= 0.0 else float(brentq(excess, 0.0, c_star, xtol=1.0))
        nav_now = nav_now + c_star * np.asarray(u_nav)
        liq_now = liq_now + c_star * u_liq
        unf_now = unf_now + c_star * np.asarray(u_unf)
        for c in classes:
            rows.append(
                {
                    "year": y + 1,
                    "asset_class": c,
                    "commitment": c_star * weights[c],
                }
            )

    commitments = pd.DataFrame(rows, columns=["year", "asset_class", "commitment"])
    net_assets = nav_now + liq_now
    share_paths = nav_now / np.maximum(net_assets, 1e-9)
    qs = settings.quantiles
    share_frame = pd.DataFrame(
        {
            "target": target,
            "lower": np.maximum(target - outlook.private_band, 0.0),
            "max": np.full(n_q, outlook.private_max),
            "mean": share_paths.mean(axis=0),
            **{f"q{round(100 * q):02d}": np.quantile(share_paths, q, axis=0) for q in qs},
            "median_no_plan": np.median(no_plan_share, axis=0),
        },
        index=pd.DatetimeIndex(outlook.quarter_ends[:n_q], name="quarter_end"),
    )
    yearly = _yearly(
        commitments, state, planner, outlook, nav_now, liq_now, unf_now, share_paths, target
    )
    return PacingPlan(
        commitments=commitments,
        share=share_frame,
        yearly=yearly,
        paths={
            "share": share_paths,
            "nav": nav_now,
            "net_assets": net_assets,
            "unfunded": unf_now,
            "liquid": liq_now,
        },
        settings=planner,
    )


def _yearly(
    commitments: pd.DataFrame,
    state: pd.DataFrame,
    planner: PlannerSettings,
    outlook: VehicleOutlook,
    nav: FloatArray,
    liquid: FloatArray,
    unfunded: FloatArray,
    share: FloatArray,
    target: FloatArray,
) -> pd.DataFrame:
    """Per plan year: medians at the year's last quarter end, ratios and the breach odds.

    The overcommitment ratio (DOMAIN.md section 3) is the face value of the commitments still
    alive at the year's end (existing drawdown funds and planned ones younger than their life)
    divided by the target private NAV then (target weight x median net assets).
    """
    out: list[dict[str, Any]] = []
    drawdown = state[state["vehicle_type"] == "drawdown"] if len(state) else state
    for y in range(planner.years):
        q = 4 * y + 3
        na = nav[:, q] + liquid[:, q]
        alive_existing = 0.0
        if len(drawdown):
            age_years = drawdown["age_quarters"].to_numpy(dtype=float) / 4.0 + (y + 1)
            alive = age_years < drawdown["life"].to_numpy(dtype=float)
            alive_existing = float(drawdown["commitment"].to_numpy(dtype=float)[alive].sum())
        planned = commitments[commitments["year"] <= y + 1]
        alive_planned = sum(
            float(r["commitment"])
            for r in planned.to_dict(orient="records")
            if (y + 1 - int(r["year"]) + 1) < class_defaults(str(r["asset_class"])).life
        )
        median_na = float(np.median(na))
        ratio_paths = unfunded[:, q] / np.maximum(liquid[:, q], 1e-9)
        year_share = share[:, 4 * y : 4 * y + 4]
        out.append(
            {
                "year": y + 1,
                "year_end": outlook.quarter_ends[q],
                "commitment": float(
                    commitments.loc[commitments["year"] == y + 1, "commitment"].sum()
                ),
                "median_net_assets": median_na,
                "median_private_nav": float(np.median(nav[:, q])),
                "median_share": float(np.median(share[:, q])),
                "target": float(target[q]),
                "median_unfunded": float(np.median(unfunded[:, q])),
                "median_liquid": float(np.median(liquid[:, q])),
                "overcommitment_ratio": (alive_existing + alive_planned)
                / max(float(target[q]) * median_na, 1e-9),
                "unfunded_to_liquid_median": float(np.median(ratio_paths)),
                "unfunded_to_liquid_q95": float(np.quantile(ratio_paths, 0.95)),
                "p_above_max": float(np.mean((year_share > outlook.private_max).any(axis=1))),
            }
        )
    return pd.DataFrame(out)
