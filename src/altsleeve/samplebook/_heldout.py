"""Held-out semi-synthetic books for validating the NAV estimators on a process they do not assume.

Owns :func:`generate_heldout_book`: SYNTHETIC private funds driven by the real S&P 500 and NASDAQ
total-return paths, each with its OWN beta (uniform 0.8-1.5), alpha and idiosyncratic volatility,
reported through an appraisal process chosen by :class:`HeldoutParams` (Geltner partial
adjustment with a per-fund weight, or a moving average of past true values), with mark noise,
40-145 day reporting lags (optionally lengthening in market crises), marks that never arrive and
bursts of missing marks. The book comes in the valuation inputs' format (holdings, statements,
cash flows) plus the hidden truth (daily values and each fund's true parameters), which only
validation code may read. Pure computation: no files, no ledger, no estimator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from altsleeve.domain import AssetClass, CashflowKind

#: Proxy of each asset class in a held-out book.
HELDOUT_PROXIES = {AssetClass.BUYOUT.value: "SP500_TR", AssetClass.VENTURE.value: "NASDAQ_TR"}


@dataclass(frozen=True)
class HeldoutParams:
    """Assumptions of a held-out book (annual decimals, log units unless stated).

    Attributes
    ----------
    n_funds : int
        Funds in the book (alternately buyout on the S&P 500 and venture on NASDAQ).
    beta_range, alpha_range, idio_vol_range : (float, float)
        Uniform ranges of each fund's true beta on its proxy's log return, alpha a year and
        idiosyncratic volatility a year.
    appraisal : {"geltner", "moving_average"}
        ``geltner``: reported log unit value ``s_j = a u_j + (1 - a) s_{j-1}`` with a per-fund
        ``a`` uniform in ``smoothing_range``; ``moving_average``: ``s_j`` is the mean of the true
        log unit value over the last ``ma_quarters`` quarter ends (a different smoothing kernel
        from the nowcast's model).
    smoothing_range : (float, float)
        Range of the Geltner weight ``a``.
    ma_quarters : int
        Window of the moving-average appraisal.
    mark_noise : float
        Standard deviation of the (transient) noise of one reported log value.
    lag_days : (int, int)
        Uniform range of the reporting lag after the quarter end, calendar days.
    crisis_lag_days : int
        Extra lag when the proxy fell more than ``crisis_drop`` over the quarter (0: none).
    crisis_drop : float
        Quarterly log fall of the proxy that counts as a crisis.
    p_missing : float
        Probability that a mark never arrives.
    p_burst, burst_quarters : float, (int, int)
        Per fund and quarter, the probability that a burst of consecutive missing marks starts,
        and the burst's length range.
    first_vintage, last_vintage : int
        Range of the funds' first-call years.
    commitment : float
        Dollars committed to each fund.
    """

    n_funds: int = 60
    beta_range: tuple[float, float] = (0.8, 1.5)
    alpha_range: tuple[float, float] = (-0.04, 0.04)
    idio_vol_range: tuple[float, float] = (0.04, 0.12)
    appraisal: str = "geltner"
    smoothing_range: tuple[float, float] = (0.3, 0.8)
    ma_quarters: int = 4
    mark_noise: float = 0.02
    lag_days: tuple[int, int] = (40, 145)
    crisis_lag_days: int = 0
    crisis_drop: float = 0.10
    p_missing: float = 0.05
    p_burst: float = 0.0
    burst_quarters: tuple[int, int] = (2, 4)
    first_vintage: int = 1999
    last_vintage: int = 2010
    commitment: float = 10_000_000.0


#: Named variants used by the validation script and the robustness tests.
HELDOUT_VARIANTS: dict[str, HeldoutParams] = {
    "geltner": HeldoutParams(),
    "moving_average": HeldoutParams(appraisal="moving_average"),
    "bursts_crisis_lags": HeldoutParams(p_burst=0.04, crisis_lag_days=60),
}


@dataclass(frozen=True)
class HeldoutBook:
    """A held-out book: the valuation inputs and the hidden truth.

    Attributes
    ----------
    holdings : DataFrame
        ``holding_id, asset_class, proxy, commitment``.
    statements : DataFrame
        ``holding_id, as_of, known_on, nav, version`` (marks that arrive).
    cashflows : DataFrame
        ``holding_id, date, kind, amount, known_on`` (positive dollars).
    truth : DataFrame
        ``holding_id, date, value``: the true value every business day (hidden).
    fund_params : DataFrame
        ``holding_id, beta, alpha, idio_vol, smoothing_a`` (hidden; ``smoothing_a`` is NaN for
        the moving-average appraisal).
    """

    holdings: pd.DataFrame
    statements: pd.DataFrame
    cashflows: pd.DataFrame
    truth: pd.DataFrame
    fund_params: pd.DataFrame


def generate_heldout_book(
    market: Mapping[str, pd.Series],
    params: HeldoutParams | None = None,
    *,
    seed: int = 0,
    end: str = "2018-12-31",
) -> HeldoutBook:
    """Simulate a held-out book on the real proxy paths in ``market`` (SYNTHETIC funds).

    Each fund calls 40% of its commitment at its start, then 20% at each of the next three
    quarter ends; from its sixth year it distributes 6% of its true value each quarter end. The
    true value moves each business day by ``exp(alpha dt + beta dlnB + idio)``; calls and
    distributions change units, not the unit value. Marks are dated at quarter ends.
    """
    p = params or HeldoutParams()
    rng = np.random.default_rng(seed)
    classes = list(HELDOUT_PROXIES)
    h_rows, st_rows, cf_rows, fp_rows = [], [], [], []
    truth_parts = []
    for i in range(p.n_funds):
        ac = classes[i % len(classes)]
        proxy = HELDOUT_PROXIES[ac]
        lv = market[proxy]
        lv = lv[lv.index <= pd.Timestamp(end)]
        days = pd.DatetimeIndex(lv.index)
        logb = np.log(lv.to_numpy(dtype=float))
        hid = f"H{i:04d}"
        beta = rng.uniform(*p.beta_range)
        alpha = rng.uniform(*p.alpha_range)
        vol = rng.uniform(*p.idio_vol_range)
        a = rng.uniform(*p.smoothing_range)
        year = int(rng.integers(p.first_vintage, p.last_vintage + 1))
        start = pd.Timestamp(year, int(rng.integers(1, 13)), 1)
        d0 = int(np.searchsorted(days.values, start.to_datetime64()))
        fd = days[d0:]
        dtl = np.r_[0.0, np.diff(fd.values).astype("timedelta64[D]").astype(float)] / 365.0
        dlb = np.r_[0.0, np.diff(logb[d0:])]
        eps = rng.standard_normal(len(fd)) * vol * np.sqrt(dtl)
        log_u = np.cumsum(alpha * dtl + beta * dlb + eps)  # true log unit value, 0 at start
        unit = np.exp(log_u)
        # Quarter ends in the fund's life: the last business day of each calendar quarter.
        q = fd.to_period("Q")
        q_last = np.r_[q[1:] != q[:-1], False]
        q_last[-1] = fd[-1].month % 3 == 0 and fd[-1].day >= 28
        qi = np.flatnonzero(q_last).tolist()
        # Units after each day's flows: calls in the first three quarters, then distributions
        # from the sixth year; a flow on a quarter end is in that day's (post-flow) truth.
        delta = np.zeros(len(fd))
        n_units = 0.4 * p.commitment / unit[0]
        delta[0] = n_units
        cf_rows.append((hid, fd[0], CashflowKind.CALL.value, 0.4 * p.commitment))
        dist_from = fd[0] + pd.DateOffset(years=5)
        for k, j in enumerate(qi):
            if k < 3:
                kind, amt = CashflowKind.CALL.value, 0.2 * p.commitment
                d_units = amt / unit[j]
            elif fd[j] >= dist_from:
                kind, amt = CashflowKind.DISTRIBUTION.value, 0.06 * n_units * unit[j]
                d_units = -amt / unit[j]
            else:
                continue
            n_units += d_units
            delta[j] += d_units
            cf_rows.append((hid, fd[j], kind, amt))
        post = np.cumsum(delta)
        value = post * unit
        truth_parts.append(pd.DataFrame({"holding_id": hid, "date": fd, "value": value}))
        # Appraisal of the quarter-end unit values.
        uq = log_u[qi]
        if p.appraisal == "geltner":
            s = np.empty(len(uq))
            prev = 0.0
            for k in range(len(uq)):
                prev = a * uq[k] + (1.0 - a) * prev
                s[k] = prev
        elif p.appraisal == "moving_average":
            cs = np.cumsum(np.r_[0.0, uq])
            lo = np.maximum(np.arange(len(uq)) + 1 - p.ma_quarters, 0)
            hi = np.arange(len(uq)) + 1
            s = (cs[hi] - cs[lo]) / p.ma_quarters  # log unit value 0 before the start
        else:
            raise ValueError(f"unknown appraisal {p.appraisal!r}")
        reported = post[qi] * np.exp(s + rng.normal(0.0, p.mark_noise, len(qi)))
        # Lags, crisis lengthening, marks that never arrive and bursts of missing marks.
        lag = rng.integers(p.lag_days[0], p.lag_days[1] + 1, len(qi))
        if p.crisis_lag_days:
            mq = np.diff(np.r_[0.0, np.cumsum(dlb)[qi]])
            lag = lag + np.where(mq < -p.crisis_drop, p.crisis_lag_days, 0)
        arrive = rng.random(len(qi)) >= p.p_missing
        if p.p_burst > 0:
            k = 0
            while k < len(qi):
                if rng.random() < p.p_burst:
                    n = int(rng.integers(p.burst_quarters[0], p.burst_quarters[1] + 1))
                    arrive[k : k + n] = False
                    k += n
                else:
                    k += 1
        for k, j in enumerate(qi):
            if arrive[k]:
                as_of = fd[j]
                st_rows.append((hid, as_of, as_of + pd.Timedelta(days=int(lag[k])), reported[k]))
        h_rows.append((hid, ac, proxy, p.commitment))
        fp_rows.append((hid, beta, alpha, vol, a if p.appraisal == "geltner" else float("nan")))
    holdings = pd.DataFrame(h_rows, columns=["holding_id", "asset_class", "proxy", "commitment"])
    statements = pd.DataFrame(st_rows, columns=["holding_id", "as_of", "known_on", "nav"])
    statements["version"] = 1
    cashflows = pd.DataFrame(cf_rows, columns=["holding_id", "date", "kind", "amount"])
    cashflows["known_on"] = cashflows["date"]
    fund_params = pd.DataFrame(
        fp_rows, columns=["holding_id", "beta", "alpha", "idio_vol", "smoothing_a"]
    )
    truth = pd.concat(truth_parts, ignore_index=True)
    return HeldoutBook(holdings, statements, cashflows, truth, fund_params)
