"""The three estimators of a holding's daily value: ``stale``, ``proxy`` and ``nowcast``.

Owns each method's anchor (what it rolls forward from), its growth parameters per knowledge
epoch and its interval. One interface for all (scikit-learn style, as in skfolio):
``Valuer(...).fit(inputs)`` stores what may be known, ``.estimate(start, end)`` returns every
holding's value on every business day, each day strictly as known that day; ``.predict(day)`` is
one day of it. Must not read files, the ledger or synthetic truth.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Self

import numpy as np
import pandas as pd
from scipy.stats import norm
from scipy.stats import t as t_dist

from altsleeve.valuation._defaults import (
    ALPHA_DISPERSION,
    BETA_DISPERSION,
    DEFAULT_COVERAGE,
    PRIOR_SD,
    ClassPrior,
    class_prior,
)
from altsleeve.valuation._engine import (
    ESTIMATE_COLUMNS,
    NO_MARK,
    Epochs,
    FloatArray,
    HoldingData,
    IntArray,
    Rolled,
    base_epochs,
    day_numbers,
    epoch_starts,
    holding_data,
    known_marks,
    roll,
    to_frame,
)
from altsleeve.valuation._inputs import ValuationInputs
from altsleeve.valuation._kalman import (
    EB_SIGMA_SCALES,
    ClassHyper,
    FilterInputs,
    NowcastParams,
    class_hyper,
    fit_params,
    holding_posterior,
    ma_kernel,
    run_filter,
    run_kernel_filter,
)


@dataclass(frozen=True)
class HoldingParams:
    """One holding's parameters as used by the nowcast from a day on (plain values).

    Attributes
    ----------
    a, alpha, beta, sigma : float
        Smoothing weight, alpha (a year), beta and idiosyncratic volatility (a year) the holding's
        value was rolled with: its own empirical-Bayes posterior means when ``own``, else the
        class's pooled fit.
    sd_alpha, sd_beta : float
        Their standard deviations in the interval (posterior when ``own``, else the class's
        dispersion, widened by the pooled fit's standard error).
    n_obs : int
        Reported returns of the holding known that day (the marks the estimate rests on, less one).
    own : bool
        Whether the holding's own estimate was used (False: it fell back to the pooled fit).
    since : pandas.Timestamp
        First day these parameters were in force (a new mark or a refit).
    """

    a: float
    alpha: float
    beta: float
    sigma: float
    sd_alpha: float
    sd_beta: float
    n_obs: int
    own: bool
    since: pd.Timestamp


#: Market volatility a year assumed when sizing the smoothing gap of a reported mark.
_MARKET_VOL = 0.20


class Valuer:
    """Base of the estimators: fit on what is known, then estimate days point in time.

    Parameters
    ----------
    coverage : float
        Two-sided coverage of the stated interval (default 0.90).
    """

    method = "base"

    def __init__(self, *, coverage: float = DEFAULT_COVERAGE) -> None:
        self.coverage = coverage

    def fit(self, inputs: ValuationInputs) -> Self:
        """Store the inputs (every fact with its known-on date); nothing is estimated yet."""
        self.inputs_ = inputs
        return self

    @property
    def z(self) -> float:
        """Normal quantile of the interval's upper bound."""
        return float(norm.ppf(0.5 + self.coverage / 2.0))

    def estimate(
        self,
        start: str | pd.Timestamp | None = None,
        end: str | pd.Timestamp | None = None,
        holdings: list[str] | None = None,
    ) -> pd.DataFrame:
        """Every holding's estimate on every business day in ``[start, end]``.

        Returns
        -------
        DataFrame
            ``ESTIMATE_COLUMNS``: value, interval (dollars), the last mark used and its as-of
            date, the de-smoothing, cash-flow and market adjustments, the true-up recognised that
            day and whether a new statement became known that day.
        """
        inputs = self.inputs_
        cal = inputs.calendar()
        if len(cal) == 0:
            return pd.DataFrame(columns=list(ESTIMATE_COLUMNS))
        end_ts = min(pd.Timestamp(end), cal[-1]) if end is not None else cal[-1]
        start_ts = pd.Timestamp(start) if start is not None else cal[0]
        data = holding_data(inputs, end_ts)
        self._prepare(data, end_ts)  # fits pool every holding, whichever are requested
        wanted = set(holdings) if holdings is not None else None
        frames = []
        s_day, e_day = day_numbers(pd.DatetimeIndex([start_ts, end_ts]))
        for hd in data.values():
            if wanted is not None and hd.holding_id not in wanted:
                continue
            first = int(np.searchsorted(hd.grid, s_day, side="left"))
            last = int(np.searchsorted(hd.grid, e_day, side="right")) - 1
            if last < first:
                continue
            # Start a day early so that a statement arriving on the first day shows its true-up.
            lead = 1 if first > 0 else 0
            starts = epoch_starts(hd, first - lead, last, self._extra_starts(hd))
            ep = self._epochs(hd, starts)
            r = roll(hd, ep, first - lead, last)
            sd = self._log_sd(hd, ep, r)
            frame = to_frame(hd, ep, r, self.method, sd, self.z)
            frames.append(frame.iloc[lead:] if lead else frame)
        if not frames:
            return pd.DataFrame(columns=list(ESTIMATE_COLUMNS))
        return pd.concat(frames, ignore_index=True)

    def predict(self, day: str | pd.Timestamp) -> pd.DataFrame:
        """Every holding's estimate on one day, as known that day."""
        return self.estimate(day, day)

    # -- hooks ---------------------------------------------------------------------------------
    def _prepare(self, data: dict[str, HoldingData], end: pd.Timestamp) -> None:
        return None

    def _extra_starts(self, hd: HoldingData) -> IntArray | None:
        return None

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        return base_epochs(hd, starts)

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        raise NotImplementedError


class StaleValuer(Valuer):
    """The industry baseline: last reported NAV plus calls minus distributions since its as-of date.

    The interval is naive: the asset class's total volatility (``ClassPrior.total_vol``) times the
    square root of the mark's age in years, in log terms.
    """

    method = "stale"

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        vol = class_prior(hd.asset_class).total_vol
        return np.asarray(vol * np.sqrt(np.maximum(r.tau, 1.0 / 52.0)), dtype=float)


def _gap_var(asset_class: str) -> float:
    """Stationary variance of the smoothing gap under the class prior (log units).

    With quarterly true-return variance ``v`` and weight ``a``,
    ``Var(g) = (1-a)^2 v / (1 - (1-a)^2)`` (the AR(1) ``g_j = (1-a)(g_{j-1} - r_j)``).
    """
    p = class_prior(asset_class)
    v = (p.beta**2 * _MARKET_VOL**2 + p.idio_vol**2) / 4.0
    rho = 1.0 - p.smoothing_a
    return rho**2 * v / (1.0 - rho**2)


class ProxyValuer(Valuer):
    """Roll the last mark (and later flows) forward with the proxy's return scaled by beta.

    Parameters
    ----------
    beta : float, mapping or ``"estimate"``
        A beta for every holding, a mapping from asset class (or holding id) to beta, or
        ``"estimate"``: per holding and point in time, the Dimson (1979) sum of slopes of its
        reported quarterly returns on the proxy's current and previous quarter returns, once it
        has ``min_obs`` returns (before that ``default_beta``).
    default_beta : float
        Beta when a mapping has no entry or an estimate lacks data.
    min_obs : int
        Reported returns needed before an estimated beta is used.
    coverage : float
        Two-sided coverage of the interval.
    """

    method = "proxy"

    def __init__(
        self,
        beta: float | Mapping[str, float] | str = 1.0,
        *,
        default_beta: float = 1.0,
        min_obs: int = 8,
        coverage: float = DEFAULT_COVERAGE,
    ) -> None:
        super().__init__(coverage=coverage)
        if isinstance(beta, str) and beta != "estimate":
            raise ValueError(f"beta must be a number, a mapping or 'estimate', not {beta!r}")
        self.beta = beta
        self.default_beta = default_beta
        self.min_obs = min_obs

    def _beta_for(self, hd: HoldingData) -> float:
        if isinstance(self.beta, int | float):
            return float(self.beta)
        if isinstance(self.beta, Mapping):
            return float(
                self.beta.get(hd.holding_id, self.beta.get(hd.asset_class, self.default_beta))
            )
        return self.default_beta

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        ep = base_epochs(hd, starts)
        if self.beta == "estimate":
            ep.beta = np.array([self._estimated_beta(hd, int(s)) for s in starts])
        else:
            ep.beta = np.full(len(starts), self._beta_for(hd))
        return ep

    def _estimated_beta(self, hd: HoldingData, day_idx: int) -> float:
        q = quarter_rows(hd, day_idx)
        if q is None:
            return self.default_beta
        y, m, m_prev = q
        if len(y) < self.min_obs:
            return self.default_beta
        x = np.column_stack([np.ones(len(y)), m, m_prev])
        coef, *_ = np.linalg.lstsq(x, y, rcond=None)
        return float(coef[1] + coef[2])

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        p = class_prior(hd.asset_class)
        var = p.idio_vol**2 * r.tau + (BETA_DISPERSION * r.dlogb) ** 2 + _gap_var(hd.asset_class)
        return np.asarray(np.sqrt(var), dtype=float)


def quarter_rows(hd: HoldingData, day_idx: int) -> tuple[FloatArray, FloatArray, FloatArray] | None:
    """Single-quarter reported log returns known on ``day_idx`` with the proxy's returns.

    Returns ``(y, m, m_prev)``: the cash-flow-adjusted reported return between consecutive
    quarter-end marks, the proxy's log return over that quarter and over the quarter before.
    """
    as_of, nav, _ = known_marks(hd, day_idx)
    if len(as_of) < 3:
        return None
    flows = _known_flow_cum(hd, day_idx)
    f = flows(as_of[1:]) - flows(as_of[:-1])
    base = nav[1:] - f
    gap = as_of[1:] - as_of[:-1]
    ok = (base > 0) & (nav[:-1] > 0) & (gap >= 80) & (gap <= 100)
    if not ok.any():
        return None
    y = np.log(np.where(ok, base, 1.0) / np.where(ok, nav[:-1], 1.0))
    idx = np.searchsorted(hd.grid, as_of, side="right") - 1
    idx = np.maximum(idx, 0)
    mq = hd.logb[idx[1:]] - hd.logb[idx[:-1]]
    m_prev = np.r_[np.nan, mq[:-1]]
    keep = ok & np.isfinite(m_prev)
    return y[keep], mq[keep], m_prev[keep]


def _known_flow_cum(hd: HoldingData, day_idx: int):  # type: ignore[no-untyped-def]
    """A function giving the cumulative signed flows (known by ``day_idx``) up to a day."""
    known = hd.cf_eff <= day_idx
    days = hd.cf_day[known]
    amts = hd.cf_amt[known]
    order = np.argsort(days, kind="stable")
    days, cum = days[order], np.cumsum(amts[order])

    def at(d: IntArray) -> FloatArray:
        pos = np.searchsorted(days, d, side="right") - 1
        return np.where(pos >= 0, cum[np.maximum(pos, 0)], 0.0)

    return at


@dataclass
class _QuarterGrid:
    """Calendar quarter ends spanning a holding's life, with the proxy's quarterly returns.

    ``gi`` is the grid index of the last proxy level on or before each quarter end.
    """

    qe: IntArray
    m: FloatArray
    dt: FloatArray
    gi: IntArray


def _quarter_grid(hd: HoldingData) -> _QuarterGrid | None:
    firsts = [
        d
        for d in (
            hd.cf_day.min() if len(hd.cf_day) else None,
            hd.st_as_of.min() if len(hd.st_as_of) else None,
        )
        if d is not None
    ]
    if not firsts:
        return None
    lo = pd.Timestamp(int(min(firsts)), unit="D")
    hi = pd.Timestamp(int(hd.grid[-1]), unit="D")
    qe_idx = pd.date_range(lo - pd.offsets.QuarterEnd(1), hi + pd.offsets.QuarterEnd(1), freq="QE")
    qe = day_numbers(qe_idx)
    gi = np.maximum(np.searchsorted(hd.grid, qe, side="right") - 1, 0)
    lb = hd.logb[gi]
    m = np.r_[0.0, np.diff(lb)]
    dt = np.r_[0.0, np.diff(qe) / 365.0]
    return _QuarterGrid(qe, m, dt, gi.astype(np.int64))


NDArrayBool = np.ndarray
_Row = tuple[FloatArray, "NDArrayBool", FloatArray, FloatArray, FloatArray, float, float]


def _state_row(
    hd: HoldingData, grid: _QuarterGrid, day_idx: int, max_quarters: int | None
) -> tuple[_Row, bool] | None:
    """The filter's row for the knowledge on ``day_idx`` (None when no mark is known)."""
    as_of, nav, _ = known_marks(hd, day_idx)
    if len(as_of) == 0:
        return None
    col = np.searchsorted(grid.qe, as_of, side="left")
    keep = np.r_[col[1:] != col[:-1], True]
    as_of, nav, col = as_of[keep], nav[keep], col[keep]
    flows = _known_flow_cum(hd, day_idx)
    known_cf = hd.cf_day[hd.cf_eff <= day_idx]
    start_col = int(col[0])
    start_day = int(as_of[0])
    start_nav = float(nav[0])
    g0, e0 = 0.05**2, 1.0
    marks_from = 1
    if len(known_cf):
        c0 = int(np.searchsorted(grid.qe, known_cf.min(), side="left"))
        cost = float(flows(np.array([grid.qe[c0]]))[0])
        if c0 < col[0] and cost > 0:
            start_col, start_day, start_nav, g0, e0, marks_from = (
                c0,
                int(grid.qe[c0]),
                cost,
                0.02**2,
                0.0,
                0,
            )
    if max_quarters is not None and col[-1] - start_col + 1 > max_quarters:
        # keep the most recent quarters: restart at the first mark inside the window
        first_in = int(np.searchsorted(col, col[-1] - max_quarters + 1, side="left"))
        start_col, start_day, start_nav = (
            int(col[first_in]),
            int(as_of[first_in]),
            float(nav[first_in]),
        )
        g0, e0, marks_from = 0.05**2, 1.0, first_in + 1
    length = int(col[-1]) - start_col + 1
    y = np.full(length, np.nan)
    obs = np.zeros(length, dtype=bool)
    fr = np.zeros(length)
    # Reported return of each mark since the previous mark: all marks at once, then a sequential
    # pass only if some mark cannot be used (its base after flows is not positive).
    m_days, m_nav = as_of[marks_from:], nav[marks_from:]
    cols = col[marks_from:] - start_col
    prev_days = np.r_[start_day, m_days[:-1]]
    prev_navs = np.r_[start_nav, m_nav[:-1]]
    f = flows(m_days) - flows(prev_days)
    base = m_nav - f
    ok = (base > 0) & (prev_navs > 0) & (cols > 0)
    anchor_ok = marks_from == len(as_of)  # the start itself is the last mark
    if ok.all():
        y[cols] = np.log(base / prev_navs)
        obs[cols] = True
        fr[cols] = f / prev_navs
        anchor_ok = anchor_ok or len(m_days) > 0
    else:
        cum = flows(m_days)
        prev_day_cum = float(flows(np.array([start_day]))[0])
        prev_nav = start_nav
        for i in range(len(m_days)):
            fi = float(cum[i]) - prev_day_cum
            bi = float(m_nav[i]) - fi
            if bi > 0 and prev_nav > 0 and cols[i] > 0:
                y[cols[i]] = np.log(bi / prev_nav)
                obs[cols[i]] = True
                fr[cols[i]] = fi / prev_nav
                prev_day_cum, prev_nav = float(cum[i]), float(m_nav[i])
                anchor_ok = i == len(m_days) - 1
    # The proxy's quarterly returns, never reading a level after the knowledge day (a mark dated
    # inside a quarter is known before that quarter ends).
    gi = np.minimum(grid.gi[max(start_col - 1, 0) : start_col + length], day_idx)
    lb = hd.logb[gi]
    m = np.diff(lb) if start_col > 0 else np.r_[0.0, np.diff(lb)]
    dt = grid.dt[start_col : start_col + length].copy()
    return (y, obs, m, dt, fr, g0, e0), anchor_ok


def _stack(rows: list[_Row]) -> FilterInputs:
    """Pad rows to a common length (trailing quarters inactive) and stack them."""
    n = max(len(r[0]) for r in rows)
    k = len(rows)
    y = np.full((k, n), np.nan)
    obs = np.zeros((k, n), dtype=bool)
    m = np.zeros((k, n))
    dt = np.zeros((k, n))
    fr = np.zeros((k, n))
    g0 = np.zeros(k)
    e0 = np.zeros(k)
    for i, (yy, oo, mm, dd, ff, gg, ee) in enumerate(rows):
        length = len(yy)
        y[i, :length], obs[i, :length], m[i, :length] = yy, oo, mm
        dt[i, :length], fr[i, :length] = dd, ff
        g0[i], e0[i] = gg, ee
    return FilterInputs(y, obs, m, dt, fr, g0, e0)


class NowcastValuer(Valuer):
    """State-space nowcast: de-smooth the last mark with a Kalman filter, roll it with the proxy.

    The model (``_kalman``) treats reported quarterly returns as Geltner-smoothed, noisy
    observations of the true return ``alpha + beta * proxy + noise``; the filter gives the gap
    between the last reported and the true log value at its as-of date and the gap's variance.
    The de-smoothed mark and every later flow are then rolled forward daily with
    ``exp(alpha * dt + beta * dln B)``. Parameters are fitted by penalised maximum likelihood,
    pooled over the holdings of an asset class, on a schedule (``refit``), each fit using only
    what was known on its date and the class's documented prior (``_defaults``) as the penalty.

    Parameters
    ----------
    refit : {"A", "Q"}
        Refit yearly (first business day of each year) or quarterly.
    max_fit_holdings : int
        At most this many holdings of a class (those with the most reported returns) enter a fit.
    max_quarters : int
        At most this many recent quarters of a holding's history enter a fit.
    fixed_beta : float, optional
        Force beta (a deliberately mis-specified model for validation).
    per_holding : bool
        Also estimate each holding's own alpha, beta, smoothing and idiosyncratic volatility,
        point in time at every knowledge state (each new mark), by empirical Bayes: a prior
        centred on the class's empirical-Bayes centre, with its cross-fund spreads estimated at
        each refit from the class's holdings as known then (``_kalman.class_hyper``; the
        documented ``alpha_dispersion`` and ``beta_dispersion`` when the class has fewer than 3
        holdings with 8 reported returns), updated by the holding's own reported returns through
        the filter (``_kalman.holding_posterior``). A holding with fewer than ``min_marks``
        reported returns keeps the pooled fit. The holding's smoothing (or appraisal kernel) and
        idiosyncratic volatility are averaged over a grid (``_kalman.A_GRID``,
        ``_kalman.SIGMA_SCALES``) by their posterior weights. The interval then uses the
        posterior spreads of alpha and beta instead of the class dispersion, the holding's own
        idiosyncratic volatility, and the Student t quantile with the holding's number of
        reported returns as degrees of freedom.
    min_marks : int
        Reported returns a holding needs before its own estimate replaces the pooled one.
    beta_dispersion, alpha_dispersion : float
        Prior standard deviations of a holding's beta and alpha (a year) around its class: the
        interval's dispersion terms in the pooled model, and the centre of the hyperprior on the
        empirical-Bayes spreads.
    empirical_bayes : bool
        Estimate the per-holding prior's centres and spreads from the class (default); False:
        centre on the pooled fit with the documented spreads.
    appraisal : {"geltner", "moving_average", "auto"}
        The appraisal model: Geltner's partial adjustment (default); a moving-average kernel of
        ``MA_QUARTERS`` quarters, the most likely per class at each refit
        (``_kalman.run_kernel_filter``); or whichever of all of them is the most likely by the
        Bayesian information criterion.
    coverage : float
        Two-sided coverage of the interval.
    """

    method = "nowcast"

    def __init__(
        self,
        *,
        refit: str = "A",
        max_fit_holdings: int = 40,
        max_quarters: int = 40,
        fixed_beta: float | None = None,
        per_holding: bool = False,
        min_marks: int = 4,
        beta_dispersion: float = BETA_DISPERSION,
        alpha_dispersion: float = ALPHA_DISPERSION,
        empirical_bayes: bool = True,
        appraisal: str = "geltner",
        coverage: float = DEFAULT_COVERAGE,
    ) -> None:
        super().__init__(coverage=coverage)
        if refit not in ("A", "Q"):
            raise ValueError("refit must be 'A' (yearly) or 'Q' (quarterly)")
        self.refit = refit
        self.max_fit_holdings = max_fit_holdings
        self.max_quarters = max_quarters
        self.fixed_beta = fixed_beta
        self.per_holding = per_holding
        self.min_marks = min_marks
        self.beta_dispersion = beta_dispersion
        self.alpha_dispersion = alpha_dispersion
        self.empirical_bayes = empirical_bayes
        if appraisal not in ("geltner", "moving_average", "auto"):
            raise ValueError("appraisal must be 'geltner', 'moving_average' or 'auto'")
        self.appraisal = appraisal

    # -- fitting -------------------------------------------------------------------------------
    def _refit_days(self, start_day: int, end_day: int) -> IntArray:
        freq = "YS" if self.refit == "A" else "QS"
        days = pd.date_range(
            pd.Timestamp(start_day, unit="D"), pd.Timestamp(end_day, unit="D"), freq=freq
        )
        return day_numbers(days)

    def _prepare(self, data: dict[str, HoldingData], end: pd.Timestamp) -> None:
        self.grids_ = {hid: _quarter_grid(hd) for hid, hd in data.items()}
        self.holding_params_: dict[str, tuple[IntArray, list[HoldingParams]]] = {}
        firsts = [int(hd.grid[0]) for hd in data.values()]
        if not firsts:
            self.refit_days_ = np.zeros(0, dtype=np.int64)
            self.params_: dict[str, list[NowcastParams]] = {}
            return
        self.refit_days_ = self._refit_days(
            min(firsts), int(day_numbers(pd.DatetimeIndex([end]))[0])
        )
        by_class: dict[str, list[HoldingData]] = {}
        for hd in data.values():
            by_class.setdefault(hd.asset_class, []).append(hd)
        self.params_ = {}
        self.hyper_: dict[str, list[ClassHyper]] = {}
        eb = self.per_holding and self.empirical_bayes and self.fixed_beta is None
        for ac, members in by_class.items():
            prior = class_prior(ac)
            fits: list[NowcastParams] = []
            hypers: list[ClassHyper] = []
            prevs: dict[tuple[float, ...] | None, NowcastParams] = {}
            for rd in self.refit_days_:
                rows = []
                for hd in members:
                    g = self.grids_[hd.holding_id]
                    if g is None:
                        continue
                    idx = int(np.searchsorted(hd.grid, rd, side="right")) - 1
                    if idx < 0:
                        continue
                    built = _state_row(hd, g, idx, self.max_quarters)
                    if built is not None and built[0][1].sum() > 0:
                        rows.append(built[0])
                rows.sort(key=lambda r: -int(r[1].sum()))
                rows = rows[: self.max_fit_holdings]
                if rows:
                    params = self._fit_models(_stack(rows), prior, prevs)
                elif self.appraisal == "moving_average":
                    kern = _ma(MA_QUARTERS[-1])
                    params = dataclasses.replace(
                        NowcastParams.from_prior(prior), a=kern[0], kernel=kern
                    )
                else:
                    params = NowcastParams.from_prior(prior)
                if self.fixed_beta is not None:
                    params = dataclasses.replace(params, beta=self.fixed_beta, se_beta=0.0)
                fits.append(params)
                prevs[params.kernel] = params
                if eb and rows:
                    hypers.append(
                        class_hyper(
                            _stack(rows),
                            params,
                            sd_alpha=self.alpha_dispersion,
                            sd_beta=self.beta_dispersion,
                            sd_logit_a=PRIOR_SD["logit_a"],
                            sd_log_sigma=PRIOR_SD["log_idio_vol"],
                            min_obs=max(self.min_marks, 8),
                            sigma_scales=EB_SIGMA_SCALES,
                            kernels=None if params.kernel is None else _kernel_grid(params.kernel),
                        )
                    )
                else:
                    hypers.append(self._default_hyper(params))
            self.params_[ac] = fits
            self.hyper_[ac] = hypers

    def _fit_models(
        self,
        inp: FilterInputs,
        prior: ClassPrior,
        prevs: dict[tuple[float, ...] | None, NowcastParams],
    ) -> NowcastParams:
        """Fit each appraisal model the ``appraisal`` option allows and keep the most likely.

        Geltner's model against the moving-average kernels (``MA_QUARTERS``) by the Bayesian
        information criterion: Geltner's has one parameter more (``a``), so its log-likelihood
        is charged ``0.5 log n`` (``n`` reported returns).
        """
        cands: list[tuple[float, NowcastParams]] = []
        if self.appraisal in ("geltner", "auto"):
            p = fit_params(inp, prior, start=prevs.get(None))
            cands.append((p.loglik - 0.5 * np.log(max(p.n_obs, 1)), p))
        if self.appraisal in ("moving_average", "auto"):
            for k in MA_QUARTERS:
                kern = _ma(k)
                p = fit_params(inp, prior, start=prevs.get(kern), kernel=kern)
                cands.append((p.loglik, p))
        best = max(cands, key=lambda c: c[0] if np.isfinite(c[0]) else -np.inf)
        return best[1]

    def _default_hyper(self, p: NowcastParams) -> ClassHyper:
        return ClassHyper(
            p.alpha,
            p.beta,
            p.a,
            p.sigma,
            self.alpha_dispersion,
            self.beta_dispersion,
            PRIOR_SD["logit_a"],
            PRIOR_SD["log_idio_vol"],
        )

    def params_on(self, asset_class: str, day: pd.Timestamp | str) -> NowcastParams:
        """The fitted parameters in force for a class on a day (after ``estimate``)."""
        d = int(day_numbers(pd.DatetimeIndex([pd.Timestamp(day)]))[0])
        i = int(np.searchsorted(self.refit_days_, d, side="right")) - 1
        if i < 0:
            return NowcastParams.from_prior(class_prior(asset_class))
        return self.params_[asset_class][i]

    def holding_params_on(self, holding_id: str, day: pd.Timestamp | str) -> HoldingParams | None:
        """A holding's parameters in force on a day; None unless ``estimate`` covered both.

        Its own when ``per_holding`` and it had ``min_marks`` reported returns known that day,
        else the class's pooled fit (``own`` False).
        """
        got = self.holding_params_.get(holding_id)
        if got is None:
            return None
        days, plist = got
        d = int(day_numbers(pd.DatetimeIndex([pd.Timestamp(day)]))[0])
        i = int(np.searchsorted(days, d, side="right")) - 1
        return plist[i] if i >= 0 else None

    def _extra_starts(self, hd: HoldingData) -> IntArray | None:
        return np.searchsorted(hd.grid, self.refit_days_, side="left").astype(np.int64)

    def _epochs(self, hd: HoldingData, starts: IntArray) -> Epochs:
        ep = base_epochs(hd, starts)
        k = len(starts)
        fits = self.params_.get(hd.asset_class, [])
        hypers = self.hyper_.get(hd.asset_class, [])
        prior = NowcastParams.from_prior(class_prior(hd.asset_class))
        plist: list[NowcastParams] = []
        hlist: list[ClassHyper] = []
        for s in starts:
            i = int(np.searchsorted(self.refit_days_, hd.grid[s], side="right")) - 1
            plist.append(fits[i] if i >= 0 and fits else prior)
            hlist.append(hypers[i] if i >= 0 and hypers else self._default_hyper(plist[-1]))
        ep.alpha = np.array([p.alpha for p in plist])
        ep.beta = np.array([p.beta for p in plist])
        self._g_var = np.zeros(k)
        self._sigma = np.array([p.sigma for p in plist])
        self._noise = np.array([p.noise for p in plist])
        self._beta_sd = np.sqrt(self.beta_dispersion**2 + np.array([p.se_beta for p in plist]) ** 2)
        self._alpha_sd = np.sqrt(
            self.alpha_dispersion**2 + np.array([p.se_alpha for p in plist]) ** 2
        )
        grid = self.grids_.get(hd.holding_id)
        rows, which, ok = [], [], []
        if grid is not None:
            for i, s in enumerate(starts):
                if ep.as_of[i] == NO_MARK:
                    continue
                built = _state_row(hd, grid, int(s), None)
                if built is None:
                    continue
                rows.append(built[0])
                which.append(i)
                ok.append(built[1])
        gap_var = _gap_var(hd.asset_class)
        self._g_var[:] = gap_var
        a_used = np.array([p.a for p in plist])
        n_used = np.zeros(k, dtype=np.int64)
        own_flags = np.zeros(k, dtype=bool)
        if rows:
            okm = np.array(ok)
            gap_est = np.zeros(len(rows))
            gap_v = np.zeros(len(rows))
            # one filter pass per appraisal model in force (a refit may switch it)
            groups: dict[tuple[float, ...] | None, list[int]] = {}
            for pos, i in enumerate(which):
                groups.setdefault(plist[i].kernel, []).append(pos)
            for kern, members in groups.items():
                sel = np.array(members)
                w = np.array(which)[sel]
                inp = _stack([rows[j] for j in members])
                got = self._anchor_gap(
                    inp, kern, w, [plist[i] for i in w], [hlist[i] for i in w], ep
                )
                gap_est[sel], gap_v[sel] = got[0], got[1]
                if got[2] is not None:
                    a_used[w], own_flags[w], n_used[w] = got[2], got[3], got[4]
                else:
                    n_used[w] = got[4]
            gap = np.where(okm, gap_est, 0.0)
            wa = np.array(which)
            ep.anchor[wa] = ep.mark_nav[wa] * np.exp(-gap)
            self._g_var[wa] = np.where(okm, gap_v, gap_var)
        # A holding's own variances are estimated from its n reported returns: its interval uses
        # the Student t quantile with n degrees of freedom (the predictive interval of a normal
        # with an estimated scale) instead of the normal one.
        self._zscale = np.ones(k)
        if self.per_holding:
            df = np.maximum(n_used, 1).astype(float)
            t_q = t_dist.ppf(0.5 + self.coverage / 2.0, df) / self.z
            self._zscale = np.where(own_flags, t_q, 1.0)
        self._keep_holding_params(hd, starts, ep, a_used, n_used, own_flags)
        return ep

    def _anchor_gap(
        self,
        inp: FilterInputs,
        kern: tuple[float, ...] | None,
        w: IntArray,
        plist: list[NowcastParams],
        hlist: list[ClassHyper],
        ep: Epochs,
    ) -> tuple[
        FloatArray,
        FloatArray,
        FloatArray | None,
        np.ndarray[Any, np.dtype[np.bool_]] | None,
        IntArray,
    ]:
        """The gap at the last mark for rows sharing one appraisal model (None: Geltner's).

        With ``per_holding`` also each row's own parameters (written into ``ep`` and the
        interval's arrays). Returns ``(gap, gap_var, a, own, n_obs)``.
        """
        if not (self.per_holding and self.fixed_beta is None):
            if kern is None:
                pa = np.array([p.a for p in plist])
                out = run_filter(inp, pa, ep.alpha[w], ep.beta[w], self._sigma[w], self._noise[w])
            else:
                out = run_kernel_filter(
                    inp, np.asarray(kern), ep.alpha[w], ep.beta[w], self._sigma[w], self._noise[w]
                )
            return out.gap, out.gap_var, None, None, out.n_obs
        # centre a holding with its own estimate on the class's empirical-Bayes prior; one that
        # falls back keeps the pooled fit
        young = inp.observed[:, 1:].sum(axis=1) < max(self.min_marks, 1)
        hw = [
            self._default_hyper(p) if y else h for p, h, y in zip(plist, hlist, young, strict=True)
        ]
        post = holding_posterior(
            inp,
            np.array([h.a for h in hw]),
            np.array([h.alpha for h in hw]),
            np.array([h.beta for h in hw]),
            np.array([h.sigma for h in hw]),
            self._noise[w],
            prior_sd_alpha=np.array([h.sd_alpha for h in hw]),
            prior_sd_beta=np.array([h.sd_beta for h in hw]),
            prior_sd_logit_a=np.array([h.sd_logit_a for h in hw]),
            prior_sd_log_sigma=np.array([h.sd_log_sigma for h in hw]),
            min_obs=self.min_marks,
            kernels=None if kern is None else _kernel_grid(kern),
        )
        own = post.own
        ep.alpha[w] = np.where(own, post.alpha, ep.alpha[w])
        ep.beta[w] = np.where(own, post.beta, ep.beta[w])
        self._beta_sd[w] = np.where(own, post.sd_beta, self._beta_sd[w])
        self._alpha_sd[w] = np.where(own, post.sd_alpha, self._alpha_sd[w])
        self._sigma[w] = post.sigma
        return post.gap, post.gap_var, post.a, own, post.n_obs

    def _keep_holding_params(
        self,
        hd: HoldingData,
        starts: IntArray,
        ep: Epochs,
        a_used: FloatArray,
        n_used: IntArray,
        own: np.ndarray[Any, np.dtype[np.bool_]],
    ) -> None:
        days = np.asarray(hd.grid[starts], dtype=np.int64)
        plist = [
            HoldingParams(
                a=float(a_used[i]),
                alpha=float(ep.alpha[i]),
                beta=float(ep.beta[i]),
                sigma=float(self._sigma[i]),
                sd_alpha=float(self._alpha_sd[i]),
                sd_beta=float(self._beta_sd[i]),
                n_obs=int(n_used[i]),
                own=bool(own[i]),
                since=pd.Timestamp(int(days[i]), unit="D"),
            )
            for i in range(len(starts))
        ]
        self.holding_params_[hd.holding_id] = (days, plist)

    def _log_sd(self, hd: HoldingData, ep: Epochs, r: Rolled) -> FloatArray:
        k = r.epoch
        value = np.maximum(r.value, 1e-12)
        w = np.clip(np.where(r.value > 0, r.anchor_part / value, 0.0), 0.0, 1.0)
        var = (
            w**2 * self._g_var[k]
            + self._sigma[k] ** 2 * r.tau
            + w**2 * (self._beta_sd[k] * r.dlogb) ** 2
            + (self._alpha_sd[k] * r.tau) ** 2
        )
        return np.asarray(np.sqrt(var) * self._zscale[k], dtype=float)


class HoldingNowcastValuer(NowcastValuer):
    """The nowcast with each holding's own parameters (``NowcastValuer(per_holding=True)``).

    Method name ``nowcast-ph``: what ``altsleeve value``, ``nav backtest`` and the testing pack
    record and report for it, so that its rows are told apart from the pooled ``nowcast``.
    """

    method = "nowcast-ph"

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("per_holding", True)
        super().__init__(**kwargs)


#: Quarters averaged by the moving-average appraisal kernels the nowcast may choose
#: (``NowcastValuer(appraisal="moving_average" | "auto")``).
MA_QUARTERS = (2, 3, 4)


def _ma(k: int) -> tuple[float, ...]:
    return tuple(float(x) for x in ma_kernel(k))


def _kernel_grid(kern: tuple[float, ...]) -> tuple[tuple[float, ...], ...]:
    """The kernels a holding's posterior averages over: the class's first, then the others."""
    others = [_ma(k) for k in MA_QUARTERS]
    return (kern, *[o for o in others if o != kern])


#: The estimators by method name.
METHODS: dict[str, type[Valuer]] = {
    "stale": StaleValuer,
    "proxy": ProxyValuer,
    "nowcast": NowcastValuer,
    "nowcast-ph": HoldingNowcastValuer,
}
