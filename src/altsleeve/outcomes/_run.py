"""Preparing a participant-outcomes run, running its blocks (in process or on Dask), summarising.

Owns :func:`prepare` (the vehicle's glide path per cohort, the savers' contributions and salary,
the private funds' factor tables and their fee layers from the fees engine), :func:`run_outcomes`
(fixed seeded blocks of paths, mapped in chunks onto a Dask client or run in this process, so the
numbers are the same for the same seed whatever the workers and chunk size) and
:func:`summarise` (percentiles, replacement ratios, the probability of being better off, CRRA
certainty equivalents, fee sensitivity). Pure computation: must not read files or write anything;
the CLI's edge (``altsleeve.views.outcomes``) does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from altsleeve.common.scaleout import map_path_ranges
from altsleeve.errors import InputError, Problem
from altsleeve.fees import FeeStack
from altsleeve.fund import Vehicle
from altsleeve.outcomes._fees import FeeLayerModel, fund_layers
from altsleeve.outcomes._history import COLUMNS
from altsleeve.outcomes._model import LIQUID, BlockResult, FundTable, Prepared, simulate_block
from altsleeve.outcomes._params import OutcomeParams

if TYPE_CHECKING:
    import distributed

FloatArray = NDArray[np.float64]

#: Percentiles reported for every distribution.
PERCENTILES: tuple[int, ...] = (5, 25, 50, 75, 95)

#: A sleeve's asset type -> the history column it earns (:data:`~altsleeve.outcomes.HISTORY_SERIES`
#: gives each column's shipped real series: the long history of that asset type).
TYPE_COLUMN: dict[str, str] = {"equity": "equity", "bond": "bonds", "cash": "cash"}


def liquid_column(asset_type: str | None, kind: str) -> str:
    """The history column a liquid or cash sleeve earns, chosen by its asset type.

    A cash sleeve earns ``cash``; a liquid sleeve ``equity`` or ``bonds`` by its ``asset_type``
    (:data:`TYPE_COLUMN`), never by its series' name.

    Raises
    ------
    ValueError
        An asset type with no long real history (crypto, other).
    """
    if kind == "cash":
        return "cash"
    col = TYPE_COLUMN.get(str(asset_type))
    if col is None:
        raise ValueError(
            f"no long real history for asset type {asset_type!r} (the savers' paths bootstrap "
            f"{', '.join(TYPE_COLUMN)})"
        )
    return col


def _salary_growth(params: OutcomeParams, age: float) -> float:
    rate = params.savers.salary_growth[0].real
    for band in params.savers.salary_growth:
        if age >= band.from_age:
            rate = band.real
    return rate


def contribution_share(params: OutcomeParams) -> float:
    """The saver's rate plus the employer's match on it, a share of pay."""
    rate = params.savers.contribution_rate
    matched, covered = 0.0, 0.0
    for tier in params.savers.match:
        matched += tier.rate * min(max(rate - covered, 0.0), tier.up_to)
        covered += tier.up_to
    return rate + matched


def annuity_payout(real_rate: float, years: int) -> float:
    """Level real income a year per dollar of wealth: ``r / (1 - (1 + r)^-N)`` (``1/N`` at 0)."""
    if abs(real_rate) < 1e-12:
        return 1.0 / years
    return real_rate / (1.0 - (1.0 + real_rate) ** (-years))


@dataclass(frozen=True)
class CohortPlan:
    """A cohort's deterministic inputs: months to retirement, salary path and glide weights."""

    name: str
    age: float
    horizon: int
    salary: FloatArray
    contributions: FloatArray
    final_salary: float
    liquid_weights: FloatArray  # (H, 4)
    private_share: FloatArray  # (H,)


def _cohort_plan(params: OutcomeParams, vehicle: Vehicle, cohort_index: int) -> CohortPlan:
    cohort = params.cohorts[cohort_index]
    horizon = round((params.savers.retirement_age - cohort.age) * 12)
    months = np.arange(horizon)
    ages = cohort.age + months / 12.0
    growth = np.array([(1.0 + _salary_growth(params, a)) ** (1.0 / 12.0) for a in ages])
    salary = cohort.salary * np.concatenate([[1.0], np.cumprod(growth[:-1])])
    contributions = salary / 12.0 * contribution_share(params)
    target = pd.Timestamp(vehicle.glide_path[-1].date)
    days = pd.DatetimeIndex(
        [target - pd.Timedelta(days=round((horizon - t) / 12.0 * 365.25)) for t in months]
    )
    matrix = vehicle.target_matrix(days)
    liquid = np.zeros((horizon, len(LIQUID)))
    share = np.zeros(horizon)
    for j, s in enumerate(vehicle.sleeves):
        if s.kind == "private":
            share += matrix[:, j]
            continue
        try:
            col = liquid_column(None if s.asset_type is None else str(s.asset_type), s.kind)
        except ValueError as exc:
            raise InputError(
                [
                    Problem(
                        f"vehicle {vehicle.vehicle.id}",
                        f"sleeve {s.id!r} (series {s.series}): {exc}",
                        column=f"sleeves[{j}].asset_type",
                    )
                ]
            ) from None
        liquid[:, LIQUID.index(col)] += matrix[:, j]
    return CohortPlan(
        cohort.name,
        cohort.age,
        horizon,
        salary,
        contributions,
        float(salary[-1]),
        liquid,
        share,
    )


def funding_mix(liquid: FloatArray, funding: str) -> FloatArray:
    """The funding mix ``f`` over :data:`LIQUID` per month, shape (H, 4), rows summing to 1."""
    f = np.zeros_like(liquid)
    e, b, k = LIQUID.index("equity"), LIQUID.index("bonds"), LIQUID.index("credit")
    if funding == "equity":
        f[:, e] = 1.0
        return f
    cols = [b, k] if funding == "bonds" else [e, b, k]
    total = liquid[:, cols].sum(axis=1)
    if np.any(total <= 0.0):
        raise ValueError(f"the glide path has no {funding} weight to fund the sleeve from")
    for c in cols:
        f[:, c] = liquid[:, c] / total
    return f


def prepare(
    params: OutcomeParams,
    vehicle: Vehicle,
    stack: FeeStack,
    history: pd.DataFrame,
    *,
    seed: int = 0,
    funding: str | None = None,
    params_label: str = "<outcomes>",
) -> Prepared:
    """The inputs every block shares.

    Parameters
    ----------
    params : OutcomeParams
        Savers, cohorts, private return model, simulation settings.
    vehicle : Vehicle
        Glide path (by years to its last date, the target date) and basis-point fee layers.
    stack : FeeStack
        The sleeve's private fee layers; its funds must be exactly ``params.private.funds``.
    history : pandas.DataFrame
        :func:`altsleeve.outcomes.monthly_history` as known on the as-of date.
    seed : int
        The run's seed.
    funding : str, optional
        Override ``params.private.funding`` (``equity``, ``bonds`` or ``both``).
    params_label : str
        The parameter file's name for errors.

    Raises
    ------
    InputError
        The parameter file's funds do not match the fee stack's.
    """
    stack_ids = [f.id for f in stack.funds]
    model_ids = list(params.private.funds)
    if sorted(stack_ids) != sorted(model_ids):
        raise InputError(
            [
                Problem(
                    params_label,
                    f"key 'private.funds': the return model names {sorted(model_ids)}, the fee "
                    f"stack holds {sorted(stack_ids)}; give a model for each fund of the stack",
                )
            ]
        )
    hist = history.loc[:, list(COLUMNS)].to_numpy(dtype=np.float64).T.copy()
    eq, cash, bonds, credit = hist[0], hist[1], hist[2], hist[3]
    gross_means: dict[str, FloatArray] = {}
    expected: dict[str, float] = {}
    for fid in stack_ids:
        m = params.private.funds[fid]
        extra = (
            m.alpha / 12.0
            + (m.beta_equity - 1.0) * (eq - cash)
            + m.beta_credit * (credit - bonds)
            + m.beta_bonds * (bonds - cash)
        )
        gross_means[fid] = eq + extra
        expected[fid] = float((1.0 + gross_means[fid].mean()) ** 12 - 1.0)
    layers, fof = fund_layers(stack, expected)
    funds = tuple(
        FundTable(
            fid,
            float(f.weight),
            gross_means[fid],
            params.private.funds[fid].idio_vol / math.sqrt(12.0),
            params.private.funds[fid].smoothing,
            params.private.funds[fid].cash_drag,
            layers[fid],
        )
        for f in stack.funds
        for fid in [f.id]
    )
    plans = [_cohort_plan(params, vehicle, i) for i in range(len(params.cohorts))]
    order = sorted(range(len(plans)), key=lambda i: -plans[i].horizon)
    plans = [plans[i] for i in order]
    n_t = plans[0].horizon
    n_c = len(plans)
    fund_how = funding or params.private.funding
    without = np.zeros((n_t, n_c, len(LIQUID)))
    fmix = np.zeros((n_t, n_c, len(LIQUID)))
    share = np.zeros((n_t, n_c))
    contrib = np.zeros((n_t, n_c))
    for c, p in enumerate(plans):
        f = funding_mix(p.liquid_weights, fund_how)
        without[: p.horizon, c] = p.liquid_weights + p.private_share[:, None] * f
        fmix[: p.horizon, c] = f
        share[: p.horizon, c] = p.private_share
        contrib[: p.horizon, c] = p.contributions
    bp = float(sum(x.bp_per_year for x in vehicle.fees))
    inc = float(sum(x.incremental_bp_per_year for x in vehicle.fees))
    base_factor = 1.0 - (bp - inc) / 1e4 / 12.0
    start = np.array([params.cohorts[i].balance for i in order], dtype=np.float64)
    return Prepared(
        history=hist,
        mean_block_months=params.simulation.mean_block_months,
        horizons=np.array([p.horizon for p in plans], dtype=np.int64),
        without_weights=without,
        funding_weights=fmix,
        private_share=share,
        contributions=contrib,
        start_balance=start,
        vehicle_monthly_factor=base_factor,
        hardship_monthly=1.0 - (1.0 - params.savers.hardship_probability) ** (1.0 / 12.0),
        hardship_fraction=params.savers.hardship_fraction,
        funds=funds,
        fof=fof,
        multipliers=np.array([1.0, *params.simulation.fee_multipliers], dtype=np.float64),
        seed=int(seed),
        block_paths=params.simulation.block_paths,
        sleeve_monthly_factor=(1.0 - bp / 1e4 / 12.0) / base_factor if inc else 1.0,
    )


def cohort_plans(params: OutcomeParams, vehicle: Vehicle) -> list[CohortPlan]:
    """Each cohort's deterministic plan, longest horizon first (the order of the results)."""
    plans = [_cohort_plan(params, vehicle, i) for i in range(len(params.cohorts))]
    return sorted(plans, key=lambda p: -p.horizon)


# -- running ----------------------------------------------------------------------------------
def _chunk(start: int, stop: int, *, prep: Prepared, n_paths: int) -> tuple[int, BlockResult]:
    """Paths ``[start, stop)``: whole seeded blocks, cut to the range (a Dask task)."""
    bp = prep.block_paths
    parts: list[BlockResult] = []
    for b in range(start // bp, (stop - 1) // bp + 1):
        first = b * bp
        size = min(bp, n_paths - first)
        res = simulate_block(prep, b, size)
        lo, hi = max(start, first) - first, min(stop, first + size) - first
        parts.append(
            BlockResult(res.wealth[:, :, lo:hi], res.sleeve_gross[lo:hi], res.sleeve_net[lo:hi])
        )
    return start, BlockResult(
        np.concatenate([p.wealth for p in parts], axis=2),
        np.concatenate([p.sleeve_gross for p in parts]),
        np.concatenate([p.sleeve_net for p in parts]),
    )


def run_outcomes(
    prep: Prepared,
    n_paths: int,
    *,
    client: distributed.Client | None = None,
    chunk_paths: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> BlockResult:
    """Every path's wealth at retirement, per cohort and variant.

    Parameters
    ----------
    prep : Prepared
        From :func:`prepare`.
    n_paths : int
        Savers' paths per cohort (>= 1).
    client : distributed.Client, optional
        Without one, chunks run here one after another; with one (e.g. from
        :func:`altsleeve.common.scaleout.dask_client`) the prepared inputs are scattered once and a
        task
        per chunk is mapped onto the cluster.
    chunk_paths : int, optional
        Paths per task; default ``prep.block_paths``. Rounded up to whole blocks.
    progress : callable, optional
        Called with ``(paths done, n_paths)`` after each chunk.

    Returns
    -------
    BlockResult
        Per-path figures in path order: the same bits for the same seed and ``n_paths``,
        whatever ``chunk_paths`` and the workers (each block has its own generator).
    """
    if n_paths < 1:
        raise ValueError(f"n_paths = {n_paths} must be at least 1")
    bp = prep.block_paths
    chunk = chunk_paths or bp
    if chunk < 1:
        raise ValueError(f"chunk_paths = {chunk} must be at least 1")
    chunk = max(bp, math.ceil(chunk / bp) * bp)
    ordered = map_path_ranges(
        _chunk,
        n_paths,
        chunk,
        client=client,
        shared={"prep": prep},
        progress=progress,
        n_paths=n_paths,
    )
    return BlockResult(
        np.concatenate([p.wealth for p in ordered], axis=2),
        np.concatenate([p.sleeve_gross for p in ordered]),
        np.concatenate([p.sleeve_net for p in ordered]),
    )


# -- summary ----------------------------------------------------------------------------------
def certainty_equivalent(wealth: FloatArray, gamma: float) -> float:
    """CRRA certainty-equivalent wealth: ``(mean W^(1-g))^(1/(1-g))``; ``exp(mean log W)`` at 1.

    Computed on ``W / median(W)`` and scaled back, so large balances do not overflow. Balances
    at or below zero count as one cent.
    """
    w = np.maximum(np.asarray(wealth, dtype=np.float64), 0.01)
    ref = float(np.median(w))
    x = w / ref
    if abs(gamma - 1.0) < 1e-12:
        return float(ref * np.exp(np.mean(np.log(x))))
    m = float(np.mean(x ** (1.0 - gamma)))
    return float(ref * m ** (1.0 / (1.0 - gamma)))


def _pcts(x: FloatArray) -> dict[str, float]:
    vals = np.percentile(x, PERCENTILES)
    return {f"p{p}": float(v) for p, v in zip(PERCENTILES, vals, strict=True)}


def _ce_block(
    without: FloatArray, with_: FloatArray, gammas: list[float]
) -> list[dict[str, float]]:
    rows = []
    for g in gammas:
        a, b = certainty_equivalent(without, g), certainty_equivalent(with_, g)
        rows.append(
            {
                "risk_aversion": g,
                "without": a,
                "with": b,
                "difference": b - a,
                "relative": b / a - 1.0 if a > 0 else math.nan,
            }
        )
    return rows


def summarise(
    prep: Prepared, result: BlockResult, params: OutcomeParams, vehicle: Vehicle
) -> dict[str, Any]:
    """The figures a committee reads, per cohort (JSON-ready, deterministic).

    Per cohort: real wealth at retirement and replacement ratio (income from a level real annuity
    over final pay) without and with the sleeve at percentiles :data:`PERCENTILES` and their
    mean; the probability the sleeve leaves the saver better off (strictly more wealth on the
    same market path) and worse off; the per-path gain's percentiles; certainty-equivalent wealth
    for each CRRA risk aversion; and the same with the sleeve's fees times each multiplier.
    """
    plans = cohort_plans(params, vehicle)
    payout = annuity_payout(params.simulation.annuity_real_rate, params.simulation.annuity_years)
    gammas = list(params.simulation.risk_aversion)
    mults = [float(m) for m in prep.multipliers]
    cohorts = []
    for c, plan in enumerate(plans):
        w0 = result.wealth[c, 0]
        w1 = result.wealth[c, 1]
        rr0 = w0 * payout / plan.final_salary
        rr1 = w1 * payout / plan.final_salary
        sens = []
        for i, m in enumerate(mults):
            wm = result.wealth[c, 1 + i]
            sens.append(
                {
                    "fee_multiplier": m,
                    "wealth_with": _pcts(wm),
                    "p_better_off": float(np.mean(wm > w0)),
                    "certainty_equivalent": _ce_block(w0, wm, gammas),
                }
            )
        cohorts.append(
            {
                "cohort": plan.name,
                "age": plan.age,
                "years_to_retirement": plan.horizon / 12.0,
                "salary_today": float(plan.salary[0]),
                "final_salary": plan.final_salary,
                "contributions_total": float(plan.contributions.sum()),
                "private_share_start": float(plan.private_share[0]),
                "private_share_end": float(plan.private_share[-1]),
                "wealth": {
                    "without": {**_pcts(w0), "mean": float(np.mean(w0))},
                    "with": {**_pcts(w1), "mean": float(np.mean(w1))},
                },
                "replacement_ratio": {
                    "without": {**_pcts(rr0), "mean": float(np.mean(rr0))},
                    "with": {**_pcts(rr1), "mean": float(np.mean(rr1))},
                },
                "gain": _pcts(w1 - w0),
                "p_better_off": float(np.mean(w1 > w0)),
                "p_worse_off": float(np.mean(w1 < w0)),
                "certainty_equivalent": _ce_block(w0, w1, gammas),
                "fee_sensitivity": sens,
            }
        )
    years = prep.n_months / 12.0
    gross = result.sleeve_gross ** (1.0 / years) - 1.0
    net = result.sleeve_net ** (1.0 / years) - 1.0
    return {
        "cohorts": cohorts,
        "sleeve": {
            "years": years,
            "gross_return": _pcts(gross),
            "net_return": _pcts(net),
            "fee_and_drag_median": float(np.median(gross - net)),
        },
        "annuity_payout": payout,
    }


def fee_layer_rows(prep: Prepared) -> list[dict[str, Any]]:
    """The private fee layers as charged on the paths (JSON-ready)."""
    layers: list[FeeLayerModel] = [f.layer for f in prep.funds]
    weights = [f.weight for f in prep.funds]
    rows: list[dict[str, Any]] = []
    for layer, w in zip(layers, weights, strict=True):
        rows.append({"level": "fund", "weight": w, **_layer_dict(layer)})
    if prep.fof is not None:
        rows.append({"level": "fund of funds", "weight": 1.0, **_layer_dict(prep.fof)})
    return rows


def _layer_dict(layer: FeeLayerModel) -> dict[str, Any]:
    return {
        "name": layer.name,
        "management": layer.management,
        "incentive": layer.incentive,
        "hurdle": layer.hurdle,
        "high_water_mark": layer.high_water_mark,
        "catch_up": layer.catch_up,
        "every_months": layer.every_months,
        "clawback": layer.clawback,
        "note": layer.note,
    }
