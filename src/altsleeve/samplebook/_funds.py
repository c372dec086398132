"""Simulate one synthetic private fund: true daily value, cash flows and GP statements.

Owns the per-fund model of the sample book: draw the fund's parameters, build its true daily value
from the driver's real daily log returns, place Takahashi-Alexander calls and distributions on
business days (with the growth replaced by the realised factor-model growth), and derive the GP's
appraisal-smoothed, lagged, sometimes late or missing quarter-end marks. Every number comes from
``_params``; the pacing rates come from :mod:`altsleeve.pacing`. Must not read other funds, the
ledger or files, and must draw random numbers only from the generator it is given.

True value (end of business day ``t``, dollars; flows known on their date)::

    V_t = V_{t-1} * exp(g_t) + C_t - D_t
    g_t = alpha * dt_t + beta * r_t + sigma * sqrt(1 / N) * z_t

with ``r_t`` the driver's daily log return, ``dt_t`` ACT/365 years since the previous business day,
``N`` business days a year and ``z_t`` standard normal. Solved without a loop over days:
``V_t = exp(G_t) * sum_{s<=t} (C_s - D_s) * exp(-G_s)`` with ``G`` the cumulative sum of ``g``.

Reported NAV (Geltner 1993 partial adjustment on the quarterly cash-flow-adjusted true return,
in log returns, plus transient appraisal noise on each mark; the "smoothed, lagged, noisy
observation" of DOMAIN.md section 2 and Brown, Ghysels & Gredil 2023)::

    r_q    = G_q - G_{q-1}                              true log return, flows excluded
    r*_q   = a * r_q + (1 - a) * r*_{q-1}               smoothed log return (noise-free)
    rho_q  = rho_{q-1} * exp(r*_q - r_q)                smoothed / true unit value, rho = 1 at start
    NAV*_q = rho_q * exp(eps_q) * V_q                   eps_q ~ N(0, s^2), one draw per mark

The noise ``eps_q`` affects only its own mark: it does not feed the smoothing recursion, so an
appraisal error is temporary rather than a random walk in the reported level. Flows are carried
at the marks' ratio ``rho`` so that an exit, paid at true value, realises its share of the
smoothing error. Log returns keep ``log rho`` stationary (smoothing arithmetic returns would let
it drift up by half the variance removed).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.random import Generator
from numpy.typing import NDArray

from altsleeve.domain import CashflowKind, VehicleType
from altsleeve.pacing import contribution_rate, ta_call, ta_distribution_rate, to_period_rate
from altsleeve.samplebook._calendar import Calendar
from altsleeve.samplebook._params import AssetClassParams, SampleBookParams

FloatArray = NDArray[np.float64]

#: Columns of the per-statement draws table (the statements' truth side).
STATEMENT_DRAW_COLUMNS = (
    "holding_id",
    "as_of",
    "mark_date",
    "base_lag_days",
    "late",
    "extra_lag_days",
    "missing",
    "known_on",
    "true_nav",
    "true_log_return",
    "reported_log_return",
    "reported_nav",
)


@dataclass(frozen=True)
class FundSpec:
    """Identity of one fund before its random draws.

    Attributes
    ----------
    holding_id : str
        Ledger id of the holding.
    name : str
        Display name (always says "Synthetic").
    asset_class : AssetClassParams
        The class's assumptions.
    vehicle_type : VehicleType
        Drawdown or a perpetual vehicle (evergreen, interval, tender-offer).
    vintage : int
        Calendar year of the first call.

    """

    holding_id: str
    name: str
    asset_class: AssetClassParams
    vehicle_type: VehicleType
    vintage: int


@dataclass(frozen=True)
class FundTables:
    """Everything the simulation of one fund produced (rows for the book's tables)."""

    holding: dict[str, object]
    fund_params: dict[str, object]
    cashflows: pd.DataFrame
    statements: pd.DataFrame
    statement_draws: pd.DataFrame
    truth: pd.DataFrame
    truth_returns: pd.DataFrame


def _lognormal_factor(rng: Generator, sd: float, size: int | None = None) -> FloatArray:
    """Mean-one log-normal factors ``exp(sd * z - sd^2 / 2)``."""
    z = rng.standard_normal(size if size is not None else 1)
    return np.asarray(np.exp(sd * z - 0.5 * sd * sd), dtype=np.float64)


def _floor_amount(x: float, decimals: int) -> float:
    """Round dollars down to ``decimals`` places (never pays more than was computed)."""
    scale = 10.0**decimals
    return math.floor(x * scale) / scale


def simulate_fund(
    spec: FundSpec,
    calendar: Calendar,
    driver_log_returns: FloatArray,
    book: SampleBookParams,
    rng: Generator,
    commitment: float | None = None,
) -> FundTables:
    """Simulate one fund (see the module notes for the equations).

    Parameters
    ----------
    spec : FundSpec
        The fund's id, class, vehicle type and vintage.
    calendar : Calendar
        The book's business days and quarters.
    driver_log_returns : ndarray of float
        Daily log return of the class's driver on each business day (0 on the first day).
    book : SampleBookParams
        All assumptions.
    rng : numpy.random.Generator
        This fund's own generator; draws are made in a fixed order.
    commitment : float, optional
        The commitment (dollars) decided by the book's pacing rule; by default a uniform draw.
        The draw is made either way, so the fund's other draws do not depend on it.

    Returns
    -------
    FundTables
        Rows for holdings, fund_params, cashflows, statements, statement_draws, truth and
        truth_returns.

    """
    cls = spec.asset_class
    ppy = book.periods_per_year
    dec = book.amount_decimals
    drawdown = spec.vehicle_type == VehicleType.DRAWDOWN

    # 1. Commitment (drawdown) or subscription (perpetual), dollars.
    raw = float(rng.uniform(book.commitment_min, book.commitment_max))
    step = book.commitment_rounding
    if commitment is None:
        commitment = min(max(round(raw / step) * step, book.commitment_min), book.commitment_max)
    elif not commitment > 0.0:
        raise ValueError(f"{spec.holding_id}: commitment = {commitment} must be positive")

    # 2. Inception: a business day of the vintage year; the first call is paid that day.
    candidates = calendar.year_days(spec.vintage)
    if candidates.size == 0:
        raise ValueError(f"{spec.holding_id}: vintage {spec.vintage} is outside the calendar")
    i0 = int(candidates[int(rng.integers(candidates.size))])

    # 3. Fund-level parameters.
    beta = cls.beta * float(_lognormal_factor(rng, cls.beta_dispersion)[0])
    alpha = cls.alpha + cls.alpha_dispersion * float(rng.standard_normal())
    idio_vol = cls.idio_vol * float(_lognormal_factor(rng, cls.idio_vol_dispersion)[0])
    life = int(
        rng.integers(
            cls.life_years - cls.life_spread_years, cls.life_years + 1 + cls.life_spread_years
        )
    )
    bow = float(rng.uniform(cls.bow - cls.bow_spread, cls.bow + cls.bow_spread))

    # 4. True daily log growth from inception to the calendar's end (local day 0 = inception).
    n = calendar.n_days - i0
    z = rng.standard_normal(n)
    g = (
        alpha * calendar.year_fraction[i0:]
        + beta * driver_log_returns[i0:]
        + idio_vol * math.sqrt(1.0 / book.business_days_per_year) * z
    )
    g[0] = 0.0  # no value before the first call
    growth = np.cumsum(g)
    exp_growth = np.exp(growth)

    # 5. Per-quarter draws (fixed layout, whatever the fund does with them).
    q0 = int(calendar.quarter_of_day[i0])
    nq = int(calendar.quarter_ids.size) - q0
    u_call = rng.random(nq)
    u_dist = rng.random(nq)
    call_noise = _lognormal_factor(rng, cls.call_noise_sd, nq)
    dist_noise = _lognormal_factor(rng, cls.distribution_noise_sd, nq)
    u_skip = rng.random(nq)

    # 6. Statement draws per quarter.
    sp = book.statements
    is_q4 = (calendar.quarter_ids[q0:] % 4) == 3
    lag_lo = np.where(is_q4, sp.q4_lag_days_min, sp.lag_days_min)
    lag_hi = np.where(is_q4, sp.q4_lag_days_max, sp.lag_days_max)
    base_lag = rng.integers(lag_lo, lag_hi + 1)
    late = rng.random(nq) < sp.late_probability
    extra = rng.integers(sp.late_extra_days_min, sp.late_extra_days_max + 1, size=nq)
    missing = rng.random(nq) < sp.missing_probability
    eta = cls.appraisal_noise_sd * rng.standard_normal(nq)

    # Event loop over quarters (not days): calls and distributions in date order.
    k_liq = ppy * life - 1 if drawdown else nq + 1  # liquidation quarter (drawdown only)
    flows = np.zeros(n)
    balance = 0.0  # sum of past net flows discounted by exp(-G): V_t^- = exp(G_t) * balance
    paid_in = 0.0
    distributed = 0.0
    rows: list[tuple[int, str, float]] = []
    liq_day: int | None = None
    skip_p = cls.distribution_skip_probability
    max_rate = book.max_distribution_rate
    for k in range(min(nq, k_liq + 1)):
        q = q0 + k
        first = max(int(calendar.quarter_first[q]) - i0, 0)
        last = int(calendar.quarter_last[q]) - i0
        span = last - first + 1
        age_end = (k + 1) / ppy  # years at the end of the fund's k-th quarter

        if drawdown and cls.management_fee_rate > 0:
            in_period = k < ppy * cls.investment_period_years
            base = commitment if in_period else max(paid_in - distributed, 0.0)
            fee = _floor_amount(cls.management_fee_rate / ppy * base, dec)
            if fee > 0:
                rows.append((first, CashflowKind.FEE.value, fee))

        # (day, order, kind, amount-or-rate): distributions before calls on the same day.
        events: list[tuple[int, int, str, float]] = []
        if drawdown:
            if k < k_liq:
                rc = to_period_rate(contribution_rate(cls.rate_of_contribution, k // ppy + 1), ppy)
                day = 0 if k == 0 else first + int(u_call[k] * span)
                events.append((day, 1, "call", min(rc * float(call_noise[k]), 1.0)))
            if k == k_liq:
                events.append((first + int(u_dist[k] * span), 0, "final", 1.0))
            elif k >= 1 and u_skip[k] >= skip_p:
                rd = to_period_rate(ta_distribution_rate(age_end, life, bow, cls.yield_), ppy)
                rate = min(rd / (1.0 - skip_p) * float(dist_noise[k]), max_rate)
                events.append((first + int(u_dist[k] * span), 0, "dist", rate))
        elif k == 0:
            events.append((0, 1, "call", 1.0))  # subscription of the whole commitment
        else:
            rate = min(to_period_rate(cls.yield_, ppy) * float(dist_noise[k]), max_rate)
            events.append((first + int(u_dist[k] * span), 0, "dist", rate))

        for day, _, kind, rate in sorted(events):
            if kind == "call":
                amount = _floor_amount(ta_call(rate, commitment, paid_in), dec)
                if amount <= 0:
                    continue
                paid_in += amount
                flows[day] += amount
                balance += amount / exp_growth[day]
                rows.append((day, CashflowKind.CALL.value, amount))
            else:
                value_before = max(exp_growth[day] * balance, 0.0)
                amount = _floor_amount(rate * value_before, dec)
                if kind == "final":
                    liq_day = day
                if amount <= 0:
                    continue
                distributed += amount
                flows[day] -= amount
                balance -= amount / exp_growth[day]
                rows.append((day, CashflowKind.DISTRIBUTION.value, amount))

    # True daily value, vectorised over days.
    value = np.maximum(exp_growth * np.cumsum(flows / exp_growth), 0.0)
    end = n if liq_day is None else liq_day + 1
    if liq_day is not None:
        value[liq_day] = 0.0  # the final distribution pays out everything

    # GP statements: one per complete quarter while the fund is alive. The reported NAV is the
    # true value times the ratio of the smoothed to the true unit value, so exits (paid at true
    # value) realise the smoothing error instead of leaving it behind in dollars.
    last_k = min(nq, k_liq + 1)
    st_rows: list[tuple[object, ...]] = []
    prev_mark = 0  # inception: the smoothing state starts with reported = true
    prev_rstar = 0.0
    ratio = 1.0
    a = cls.smoothing_a
    for k in range(last_k):
        q = q0 + k
        if not bool(calendar.quarter_complete[q]):
            break
        mark = int(calendar.quarter_last[q]) - i0
        stop = mark if liq_day is None else min(mark, liq_day)
        r_true = float(growth[stop] - growth[prev_mark])  # quarterly log return
        r_star = a * r_true + (1.0 - a) * prev_rstar
        ratio *= math.exp(r_star - r_true)
        true_nav = 0.0 if k == k_liq else float(value[mark])
        reported = max(ratio * math.exp(float(eta[k])) * true_nav, 0.0)
        as_of = calendar.quarter_end[q]
        lag = int(base_lag[k]) + (int(extra[k]) if late[k] else 0)
        st_rows.append(
            (
                spec.holding_id,
                as_of,
                calendar.days[mark + i0],
                int(base_lag[k]),
                bool(late[k]),
                int(extra[k]) if late[k] else 0,
                bool(missing[k]),
                as_of + np.timedelta64(lag, "D"),
                true_nav,
                r_true,
                r_star,
                reported,
            )
        )
        prev_mark, prev_rstar = stop, r_star

    draws = pd.DataFrame(st_rows, columns=list(STATEMENT_DRAW_COLUMNS))
    for col in ("as_of", "mark_date", "known_on"):
        draws[col] = draws[col].astype("datetime64[ns]")
    draws = draws.astype(
        {
            "base_lag_days": "int64",
            "late": "bool",
            "extra_lag_days": "int64",
            "missing": "bool",
            "true_nav": "float64",
            "true_log_return": "float64",
            "reported_log_return": "float64",
            "reported_nav": "float64",
        }
    )
    delivered = draws.loc[~draws["missing"]]
    statements = pd.DataFrame(
        {
            "holding_id": delivered["holding_id"].to_numpy(),
            "as_of": delivered["as_of"].to_numpy(),
            "known_on": delivered["known_on"].to_numpy(),
            "nav": np.round(delivered["reported_nav"].to_numpy(), dec),
        }
    )

    days = calendar.days[i0 : i0 + end].astype("datetime64[ns]")
    cf_frame = pd.DataFrame(
        {
            "holding_id": spec.holding_id,
            "date": calendar.days[[i0 + d for d, _, _ in rows]].astype("datetime64[ns]"),
            "kind": [kind for _, kind, _ in rows],
            "amount": np.asarray([a for _, _, a in rows], dtype=np.float64),
        }
    )
    truth = pd.DataFrame({"holding_id": spec.holding_id, "date": days, "value": value[:end]})
    truth_returns = pd.DataFrame(
        {"holding_id": spec.holding_id, "date": days, "log_return": g[:end]}
    )

    liquidation = calendar.days[i0 + liq_day] if liq_day is not None else np.datetime64("NaT")
    holding: dict[str, object] = {
        "holding_id": spec.holding_id,
        "name": spec.name,
        "asset_class": cls.asset_class.value,
        "vehicle_type": spec.vehicle_type.value,
        "proxy": cls.driver,
        "commitment": commitment,
        "vintage": spec.vintage,
        "currency": book.currency,
    }
    on_time = delivered.loc[~delivered["late"]]
    fund_params: dict[str, object] = {
        "holding_id": spec.holding_id,
        "asset_class": cls.asset_class.value,
        "vehicle_type": spec.vehicle_type.value,
        "driver": cls.driver,
        "vintage": spec.vintage,
        "commitment": commitment,
        "inception": calendar.days[i0],
        "beta": beta,
        "alpha": alpha,
        "idio_vol": idio_vol,
        "smoothing_a": cls.smoothing_a,
        "appraisal_noise_sd": cls.appraisal_noise_sd,
        "rate_of_contribution": "/".join(f"{x:g}" for x in cls.rate_of_contribution)
        if drawdown
        else "",
        "life_years": float(life) if drawdown else math.nan,
        "bow": bow if drawdown else math.nan,
        "yield_": cls.yield_,
        "call_noise_sd": cls.call_noise_sd if drawdown else math.nan,
        "distribution_noise_sd": cls.distribution_noise_sd,
        "distribution_skip_probability": skip_p if drawdown else 0.0,
        "management_fee_rate": cls.management_fee_rate if drawdown else 0.0,
        "liquidation_date": liquidation,
        "paid_in": paid_in,
        "distributed": distributed,
        "n_quarters_marked": len(draws),
        "n_statements": len(delivered),
        "n_late": int(delivered["late"].sum()),
        "n_missing": int(draws["missing"].sum()),
        "mean_on_time_lag_days": float(on_time["base_lag_days"].mean())
        if len(on_time)
        else math.nan,
    }
    return FundTables(
        holding=holding,
        fund_params=fund_params,
        cashflows=cf_frame,
        statements=statements,
        statement_draws=draws,
        truth=truth,
        truth_returns=truth_returns,
    )
