"""Gross cases for the fee stack: deals, evergreen return paths, the benchmark's real return.

Owns the *representative* gross cases that ``altsleeve fees stack`` and ``fees breakeven`` run
through the layers, each built so that its gross return a year is exactly a stated level, and
the deal values between investment and exit. Pure functions, except :func:`benchmark_return` and
:func:`history_path`, which read the Fama-French file that ``arch`` ships through the one
market-data reader (:func:`altsleeve.marketdata.read_arch_file`, with its SHA-256).

Conventions: dates are ``datetime.date``; amounts in dollars; returns decimal; ACT/365.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyxirr
from scipy.optimize import brentq

from altsleeve.fees._waterfall import DAYS_PER_YEAR, Deal
from altsleeve.marketdata import FRENCH_FILE, LoadedFile, read_arch_file

#: Relative outcome of the representative fund's deals in the order they are made (mean 1): a
#: stated dispersion with one total loss (deal 2) and a weak last deal, so that deal-by-deal and
#: whole-fund waterfalls differ and a clawback can arise. Our choice, not a calibration.
DEFAULT_DISPERSION: tuple[float, ...] = (1.6, 0.0, 1.2, 1.0, 1.5, 0.8, 1.3, 1.1, 1.0, 0.5)


@dataclass(frozen=True)
class DrawdownGross:
    """A drawdown fund before fees: its commitment, first close, end and deals."""

    commitment: float
    start: dt.date
    end: dt.date
    deals: tuple[Deal, ...]


@dataclass(frozen=True)
class EvergreenGross:
    """An evergreen fund before fees: one subscription, then a gross return per period.

    ``amount`` is subscribed on ``start``; ``returns[i]`` is the gross return of the period ending
    on ``dates[i]``; no further flows until ``dates[-1]``.
    """

    amount: float
    start: dt.date
    dates: tuple[dt.date, ...]
    returns: np.ndarray

    @property
    def years(self) -> np.ndarray:
        """Length of each period in years (ACT/365)."""
        edges = (self.start, *self.dates)
        return np.array([(b - a).days / DAYS_PER_YEAR for a, b in itertools.pairwise(edges)])


@dataclass(frozen=True)
class Benchmark:
    """The benchmark's return a year and where it came from."""

    value: float
    market: float
    risk_free: float
    beta: float
    months: int
    first: str
    last: str
    source: str
    file_sha256: str = ""


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole calendar months (the day clipped to the month's end)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def deal_flows(deals: Sequence[Deal]) -> tuple[list[dt.date], list[float]]:
    """Gross cash flows of deals: ``-cost`` on ``invested``, ``+proceeds`` on ``exited``."""
    dates = [d.invested for d in deals] + [d.exited for d in deals]
    amounts = [-d.cost for d in deals] + [d.proceeds for d in deals]
    return dates, amounts


def deal_values(deals: Sequence[Deal], day: dt.date) -> float:
    """Gross NAV of the deals held on ``day`` (before that day's exits count as realised).

    A deal is worth its cost on its investment date and grows geometrically to its proceeds at
    exit; a write-off (proceeds 0) is held at cost until its exit date. Realised deals (exit on or
    before ``day``) and deals not yet made are worth nothing.
    """
    total = 0.0
    for d in deals:
        if d.invested <= day < d.exited:
            if d.proceeds <= 0:
                total += d.cost
            else:
                frac = (day - d.invested).days / max((d.exited - d.invested).days, 1)
                total += d.cost * (d.proceeds / d.cost) ** frac
    return total


def xirr(dates: Sequence[dt.date], amounts: Sequence[float]) -> float:
    """XIRR (ACT/365) by pyxirr; NaN when it has no solution."""
    try:
        value = pyxirr.xirr(list(dates), list(amounts))
    except pyxirr.InvalidPaymentsError:
        return math.nan
    return math.nan if value is None else float(value)


def representative_drawdown(
    gross_return: float,
    *,
    commitment: float = 100e6,
    start: dt.date = dt.date(2010, 1, 1),
    investment_period_years: int = 5,
    horizon_years: int = 10,
    invested_share: float = 0.85,
    dispersion: Sequence[float] = DEFAULT_DISPERSION,
) -> DrawdownGross:
    """A stylised drawdown fund whose deals' gross IRR is exactly ``gross_return``.

    ``2 * investment_period_years`` equal deals are made every six months from ``start`` and
    together cost ``invested_share`` of the commitment (the rest pays the management fee); each
    is held ``horizon_years - investment_period_years + 0.5`` years, so the last exits at the
    horizon. Deal ``i`` returns ``cost * (1 + g)^years * f_i`` with ``f`` the dispersion pattern
    (cycled, rescaled to mean 1); ``g`` is solved (Brent) so that the XIRR of the gross flows
    equals ``gross_return``.

    Raises
    ------
    ValueError
        If no growth rate gives that gross IRR (e.g. below -90% a year).
    """
    n = max(1, 2 * investment_period_years)
    hold_months = 12 * (horizon_years - investment_period_years) + 6
    if hold_months <= 0:
        raise ValueError("horizon_years must exceed investment_period_years")
    f = np.resize(np.asarray(dispersion, dtype=float), n)
    f = f / f.mean()
    cost = invested_share * commitment / n
    made = [add_months(start, 6 * i) for i in range(n)]
    exits = [add_months(d, hold_months) for d in made]

    def build(g: float) -> tuple[Deal, ...]:
        return tuple(
            Deal(
                f"deal {i + 1}",
                made[i],
                cost,
                exits[i],
                cost * (1.0 + g) ** ((exits[i] - made[i]).days / DAYS_PER_YEAR) * f[i],
            )
            for i in range(n)
        )

    def gap(g: float) -> float:
        return xirr(*deal_flows(build(g))) - gross_return

    # pyxirr has no answer for some nearly-total-loss flows: start the bracket at the lowest
    # growth whose IRR it can compute (-90%, then up towards the target).
    lo = next(
        (x for x in (-0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2) if math.isfinite(gap(x))),
        -0.9,
    )
    try:
        g = float(brentq(gap, lo, 10.0, xtol=1e-12))
    except ValueError as exc:
        raise ValueError(f"no deal growth gives a gross IRR of {gross_return:.2%}") from exc
    return DrawdownGross(commitment, start, max(exits), build(g))


def quarter_ends(start: dt.date, horizon_years: int) -> tuple[dt.date, ...]:
    """Period ends every three calendar months after ``start`` for ``horizon_years``."""
    return tuple(add_months(start, 3 * q) for q in range(1, 4 * horizon_years + 1))


def constant_path(
    gross_return: float,
    *,
    amount: float = 100e6,
    start: dt.date = dt.date(2010, 1, 1),
    horizon_years: int = 10,
) -> EvergreenGross:
    """Quarterly periods, each returning ``(1 + gross_return)^(days/365) - 1``."""
    dates = quarter_ends(start, horizon_years)
    path = EvergreenGross(amount, start, dates, np.zeros(len(dates)))
    returns = (1.0 + gross_return) ** path.years - 1.0
    return EvergreenGross(amount, start, dates, returns)


@functools.cache
def _french() -> LoadedFile:
    """The Fama-French file arch ships, read and hashed once (:func:`read_arch_file`)."""
    return read_arch_file(FRENCH_FILE)


def market_monthly() -> pd.DataFrame:
    """Monthly Fama-French market and T-bill total returns (decimals) from arch's file.

    Columns ``month`` (``YYYYMM`` int), ``market`` (``(Mkt-RF + RF) / 100``) and ``rf``
    (``RF / 100``); Kenneth R. French Data Library as shipped by ``arch`` (1926-07..2018-11),
    read through the one market-data reader (:func:`altsleeve.marketdata.read_arch_file`), which
    also gives the file's SHA-256 (:attr:`Benchmark.file_sha256`).
    """
    raw = _french().frame
    dates = pd.DatetimeIndex(raw["date"])
    return pd.DataFrame(
        {
            "month": (dates.year * 100 + dates.month).astype(int),
            "market": (raw["Mkt-RF"] + raw["RF"]) / 100.0,
            "rf": raw["RF"] / 100.0,
        }
    )


def benchmark_return(beta: float = 1.0, first: int = 192701, last: int = 201811) -> Benchmark:
    """The benchmark's return a year from the real history: the levered market, compounded.

    Each month ``rf_t + beta (m_t - rf_t)`` from the Fama-French market portfolio's total return
    ``m_t`` and one-month T-bills ``rf_t`` over the months ``first..last`` (``YYYYMM``), compounded
    and annualised (``prod(1 + r) ^ (12 / n) - 1``). ``market`` and ``risk_free`` are the two
    series' own annualised returns: over the default 1927-01..2018-11 (1,103 months) 9.8899% and
    3.3372% (docs/marketdata.md golden value). ``beta = 1`` gives the market, ``beta = 0`` the
    T-bills. (Applying ``rf + beta (market - rf)`` to the annualised returns instead would
    overstate beta 1.2 by 41 bp a year: the levered series' volatility drag grows with beta
    squared; issue 17.)
    """
    m = market_monthly()
    m = m[(m["month"] >= first) & (m["month"] <= last)]
    n = len(m)
    if n == 0:
        raise ValueError(f"no Fama-French months between {first} and {last}")
    r_m = m["market"].to_numpy()
    r_f = m["rf"].to_numpy()
    market = float(np.prod(1.0 + r_m) ** (12.0 / n) - 1.0)
    rf = float(np.prod(1.0 + r_f) ** (12.0 / n) - 1.0)
    if beta == 1.0:
        value = market  # bit for bit the market's own figure
    else:
        value = float(np.prod(1.0 + r_f + beta * (r_m - r_f)) ** (12.0 / n) - 1.0)
    return Benchmark(
        value=value,
        market=market,
        risk_free=rf,
        beta=beta,
        months=n,
        first=f"{first // 100}-{first % 100:02d}",
        last=f"{last // 100}-{last % 100:02d}",
        source="Fama-French market (Mkt-RF + RF) and RF, Kenneth R. French Data Library "
        "(arch's frenchdata.csv.gz)",
        file_sha256=_french().sha256,
    )


def history_path(
    gross_return: float,
    *,
    amount: float = 100e6,
    start: dt.date = dt.date(2010, 1, 1),
    horizon_years: int = 10,
    history_first: int = 199901,
) -> EvergreenGross:
    """The real shape of the market's quarterly path, shifted to ``gross_return`` a year.

    Quarter ``q`` compounds the Fama-French market total returns of the three months starting
    ``history_first`` + 3q; a constant log drift ``delta`` a year is then added so that the whole
    path returns exactly ``gross_return`` a year (ACT/365 on the representative dates). The
    market's ups and downs (2000-02, 2008) are kept, so a high-water mark can bind.
    """
    m = market_monthly()
    months = m[m["month"] >= history_first]["market"].to_numpy()
    n_q = 4 * horizon_years
    if len(months) < 3 * n_q:
        raise ValueError(f"the history from {history_first} is shorter than {horizon_years} years")
    quarterly = np.prod((1.0 + months[: 3 * n_q]).reshape(n_q, 3), axis=1) - 1.0
    dates = quarter_ends(start, horizon_years)
    path = EvergreenGross(amount, start, dates, quarterly)
    years = path.years
    total = float(years.sum())
    delta = (total * math.log1p(gross_return) - float(np.log1p(quarterly).sum())) / total
    returns = (1.0 + quarterly) * np.exp(delta * years) - 1.0
    return EvergreenGross(amount, start, dates, returns)
