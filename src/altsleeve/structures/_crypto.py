"""The crypto sleeve: a SYNTHETIC price path, the weekday strike, limits, stresses, fallbacks.

Owns :class:`CryptoPathSettings` and :func:`synthetic_crypto_path` (a SYNTHETIC 24/7 daily price
path: Student-t returns, volatility of 60-100% a year, correlation to an equity series that rises
when equities are in their lower tail), :func:`strike_prices` (sampling it at the vehicle's
weekday 4 pm ET strike, so that weekend moves land in Monday's strike), :func:`max_drawdown`, the
limit checks (:func:`weight_limits`, :func:`euler_risk_contributions`), the historical drawdown
scenarios (:data:`CRYPTO_STRESSES`, :func:`stress_path`) and :func:`reference_prices` (the 4 pm
reference rate with every fallback recorded). Pure computation; must not import the ledger, the
command line or other altsleeve engines, and must never present the synthetic path as history.

Why synthetic: no crypto price history ships with altsleeve's packages, so a sample path must be
generated; it is calibrated to published statistics and labelled SYNTHETIC wherever it goes.
Users ingest their own real prices for real work.

Calibration (approximate published figures, see docs/structures.md): bitcoin's annualised
volatility has ranged about 60-100%; daily returns are fat-tailed (Student-t fits with about 3-4
degrees of freedom are common in the literature); its correlation with US equities was near zero
before 2020 and about 0.3-0.4 in 2020-22 (IMF, "Crypto Prices Move More in Sync With Stocks",
January 2022), higher in sell-offs; peak-to-trough drawdowns of about 75-85% in 2014, 2018 and
2022.

Units: prices in dollars; returns are log returns per calendar day unless named otherwise;
volatility is annualised over 365 days (the asset trades every day); weights are decimals.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.performance import worst_drawdown
from altsleeve.structures._common import refuse, weekday_calendar

#: The label every synthetic path carries.
SYNTHETIC_LABEL = "SYNTHETIC crypto price path (not market data)"
#: Calendar days a year for a 24/7 asset.
CRYPTO_DAYS_A_YEAR = 365
#: Weekdays a year for the equity series.
EQUITY_DAYS_A_YEAR = 252
#: The vehicle's strike: the reference rate at 4:00 pm US Eastern time on each business day.
STRIKE_TIME = "16:00 America/New_York"


@dataclass(frozen=True)
class CryptoPathSettings:
    """Parameters of the SYNTHETIC crypto path (defaults calibrated to published statistics).

    Attributes
    ----------
    annual_vol : float, default 0.75
        Target annualised volatility (365-day), 0.60-1.00.
    dof : float, default 3.5
        Student-t degrees of freedom of the daily shocks, > 2 (smaller = fatter tails).
    annual_drift : float, default 0.60
        Expected arithmetic return a year; the log drift is ``annual_drift - annual_vol**2/2``.
    base_corr : float, default 0.10
        Correlation with the standardised equity return on ordinary equity days.
    stress_corr : float, default 0.50
        Correlation on stress days: equity return at or below its ``stress_quantile``.
    stress_quantile : float, default 0.10
        The equity lower tail that counts as stress, in (0, 0.5).
    seed : int, default 22
        Random seed; the default path is the one the tests check.
    """

    annual_vol: float = 0.75
    dof: float = 3.5
    annual_drift: float = 0.60
    base_corr: float = 0.10
    stress_corr: float = 0.50
    stress_quantile: float = 0.10
    seed: int = 22

    def __post_init__(self) -> None:
        faults: list[tuple[str | None, str]] = []
        if not 0.60 <= self.annual_vol <= 1.00:
            faults.append(("annual_vol", f"{self.annual_vol}: calibrated range is 0.60-1.00"))
        if not self.dof > 2:
            faults.append(("dof", f"{self.dof}: must be > 2 for a finite variance"))
        for name in ("base_corr", "stress_corr"):
            if not -1 < getattr(self, name) < 1:
                faults.append((name, f"{getattr(self, name)}: a correlation in (-1, 1)"))
        if not 0 < self.stress_quantile < 0.5:
            faults.append(("stress_quantile", f"{self.stress_quantile}: in (0, 0.5)"))
        refuse("<crypto path settings>", faults)


@dataclass(frozen=True)
class CryptoPath:
    """A SYNTHETIC daily crypto price path; not market data.

    Attributes
    ----------
    prices : pandas.Series
        The 4 pm ET price of every calendar day (weekends included), dollars.
    returns : pandas.Series
        Daily log returns, same index (the first is NaN).
    equity_returns : pandas.Series
        The equity log returns the path is correlated with, on the same calendar index (NaN on
        days without an equity return).
    stress : pandas.Series
        Bool, same index: the equity return was in its lower tail (the correlation is higher).
    settings : CryptoPathSettings
        What generated it.
    equity_synthetic : bool
        Whether the equity series was generated too (no equity series was given).
    synthetic : bool
        Always True.
    label : str
        :data:`SYNTHETIC_LABEL`.
    """

    prices: pd.Series
    returns: pd.Series
    equity_returns: pd.Series
    stress: pd.Series
    settings: CryptoPathSettings
    equity_synthetic: bool
    synthetic: bool = True
    label: str = SYNTHETIC_LABEL


def _std_t(rng: np.random.Generator, dof: float, n: int) -> np.ndarray:
    """Student-t draws scaled to unit variance."""
    return np.asarray(rng.standard_t(dof, size=n) / math.sqrt(dof / (dof - 2.0)), dtype=float)


def synthetic_equity_returns(
    start: dt.date,
    end: dt.date,
    *,
    annual_vol: float = 0.16,
    annual_drift: float = 0.07,
    dof: float = 4.0,
    seed: int | np.random.Generator | None = 0,
) -> pd.Series:
    """SYNTHETIC weekday equity log returns (Student-t), for when no real series is given.

    Parameters
    ----------
    start, end : datetime.date
        First and last day (weekdays between them get a return).
    annual_vol, annual_drift : float
        Annualised volatility (252 days) and arithmetic drift.
    dof : float
        Student-t degrees of freedom, > 2.
    seed : int or numpy.random.Generator, optional
        Randomness.

    Returns
    -------
    pandas.Series
        Log returns indexed by weekday, named ``"SYNTHETIC equity"``.
    """
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    days = pd.bdate_range(start, end)
    sd = annual_vol / math.sqrt(EQUITY_DAYS_A_YEAR)
    mu = (annual_drift - annual_vol**2 / 2) / EQUITY_DAYS_A_YEAR
    return pd.Series(mu + sd * _std_t(rng, dof, len(days)), index=days, name="SYNTHETIC equity")


def synthetic_crypto_path(
    start: dt.date,
    years: float = 20.0,
    settings: CryptoPathSettings | None = None,
    *,
    equity_returns: pd.Series | None = None,
    start_price: float = 100.0,
) -> CryptoPath:
    """Generate a SYNTHETIC 24/7 daily crypto price path correlated with equities.

    For each calendar day ``t`` with standardised equity return ``z_t`` (0 on days without one)::

        rho_t = stress_corr if equity return_t <= its stress_quantile quantile
                else base_corr (0 when there is no equity return)
        c_t   = rho_t * z_t - mean(rho * z)          (demeaned: the tail regime has a mean)
        e_t   = c_t + sqrt(1 - rho_t**2) * eps_t,   eps_t ~ unit-variance Student-t(dof)
        e_t  /= k,  k = sqrt(mean(c_t**2 + 1 - rho_t**2))   (keeps the target vol)
        r_t   = (annual_drift - annual_vol**2 / 2) / 365 + annual_vol / sqrt(365) * e_t
        P_t   = start_price * exp(cumsum(r))

    The regime-dependent correlation is the stylised fact that crypto moves more with equities
    in sell-offs; the Student-t shocks give the fat tails. SYNTHETIC: not market data.

    Parameters
    ----------
    start : datetime.date
        The first day (its price is ``start_price``).
    years : float, default 20
        Length, years of 365 days.
    settings : CryptoPathSettings, optional
        Default :class:`CryptoPathSettings()`.
    equity_returns : pandas.Series, optional
        Daily equity log returns indexed by date (e.g. a real index's weekdays). Default: a
        SYNTHETIC equity series from :func:`synthetic_equity_returns` with the same seed.
    start_price : float, default 100
        Dollars.

    Returns
    -------
    CryptoPath
        Prices, returns and the equity series used, labelled SYNTHETIC.
    """
    s = settings if settings is not None else CryptoPathSettings()
    n = round(years * CRYPTO_DAYS_A_YEAR) + 1
    days = pd.date_range(pd.Timestamp(start), periods=n, freq="D")
    rng = np.random.default_rng(s.seed)
    equity_synthetic = equity_returns is None
    if equity_returns is None:
        equity_returns = synthetic_equity_returns(
            days[0].date(), days[-1].date(), seed=np.random.default_rng(s.seed + 1)
        )
    eq = equity_returns.copy()
    eq.index = pd.DatetimeIndex(eq.index).normalize()
    eq = eq.reindex(days).astype(float)
    has = eq.notna().to_numpy()
    values = eq.to_numpy()
    z = np.zeros(n)
    stress = np.zeros(n, dtype=bool)
    if has.sum() > 1:
        mean, sd = float(np.nanmean(values)), float(np.nanstd(values))
        z[has] = (values[has] - mean) / sd
        stress[has] = values[has] <= float(np.nanquantile(values, s.stress_quantile))
    rho = np.where(stress, s.stress_corr, np.where(has, s.base_corr, 0.0))
    eps = _std_t(rng, s.dof, n)
    common = rho * z
    common -= common.mean()  # the tail regime alone would bias the drift down
    e = common + np.sqrt(1.0 - rho**2) * eps
    e /= math.sqrt(float(np.mean(common**2 + 1.0 - rho**2)))
    r = (s.annual_drift - s.annual_vol**2 / 2) / CRYPTO_DAYS_A_YEAR + s.annual_vol / math.sqrt(
        CRYPTO_DAYS_A_YEAR
    ) * e
    r[0] = 0.0
    prices = start_price * np.exp(np.cumsum(r))
    returns = pd.Series(r, index=days, name="SYNTHETIC crypto log return")
    returns.iloc[0] = np.nan
    return CryptoPath(
        prices=pd.Series(prices, index=days, name="SYNTHETIC crypto"),
        returns=returns,
        equity_returns=eq.rename("equity log return"),
        stress=pd.Series(stress, index=days, name="equity stress"),
        settings=s,
        equity_synthetic=equity_synthetic,
    )


def strike_prices(prices: pd.Series, calendar: np.busdaycalendar | None = None) -> pd.DataFrame:
    """Sample a 24/7 daily 4 pm ET price series at the vehicle's weekday strikes.

    The vehicle strikes on business days only, so the return from one strike to the next spans
    every calendar day in between: Monday's strike return includes Saturday's and Sunday's moves
    (the "weekend gap"), and a holiday's move lands in the next strike.

    Parameters
    ----------
    prices : pandas.Series
        Price of each calendar day at 4 pm ET (e.g. :attr:`CryptoPath.prices`), dollars.
    calendar : numpy.busdaycalendar, optional
        The vehicle's business days (default Monday-Friday).

    Returns
    -------
    pandas.DataFrame
        Indexed by strike day: ``price``, ``log_return`` (from the previous strike),
        ``days_spanned`` (calendar days since the previous strike), ``gap`` (True when more
        than one calendar day is spanned: a weekend or holiday is inside).
    """
    cal = calendar if calendar is not None else weekday_calendar()
    idx = pd.DatetimeIndex(prices.index)
    keep = np.is_busday(idx.to_numpy().astype("datetime64[D]"), busdaycal=cal)
    s = prices[keep].astype(float)
    sidx = pd.DatetimeIndex(s.index)
    spanned = pd.Series(sidx, index=sidx).diff().dt.days
    out = pd.DataFrame(
        {
            "price": s,
            "log_return": pd.Series(np.log(s.to_numpy()), index=sidx).diff(),
            "days_spanned": spanned,
        }
    )
    out["gap"] = out["days_spanned"] > 1
    return out


@dataclass(frozen=True)
class Drawdown:
    """The deepest peak-to-trough fall of a price series.

    Attributes
    ----------
    depth : float
        ``1 - trough / peak``, a decimal (0.8 = an 80% fall).
    peak, trough : pandas.Timestamp
        Dates of the peak and of the trough.
    days : int
        Calendar days from peak to trough.
    """

    depth: float
    peak: pd.Timestamp
    trough: pd.Timestamp
    days: int


def max_drawdown(prices: pd.Series) -> Drawdown:
    """The maximum drawdown ``max_t (1 - P_t / max_{s<=t} P_s)`` and its peak and trough dates.

    The depth is :func:`altsleeve.performance.worst_drawdown`'s, the one definition, as a
    positive fall (``0.8``: 80% lost).
    """
    idx = pd.DatetimeIndex(prices.index)
    dd, k, t = worst_drawdown(prices.to_numpy(dtype=float))
    return Drawdown(-dd, idx[k], idx[t], int((idx[t] - idx[k]).days))


@dataclass(frozen=True)
class CryptoStress:
    """A historical bitcoin drawdown, as approximate published figures (daily closes, USD).

    Attributes
    ----------
    name : str
        Short name (``"2014"``, ``"2018"``, ``"2022"``).
    peak, trough : datetime.date
        Approximate dates of the peak and the trough.
    peak_price, trough_price : float
        Approximate prices, dollars.
    note : str
        What happened and where the figures come from.
    """

    name: str
    peak: dt.date
    trough: dt.date
    peak_price: float
    trough_price: float
    note: str

    @property
    def drawdown(self) -> float:
        """Peak-to-trough fall, ``1 - trough_price / peak_price``."""
        return 1.0 - self.trough_price / self.peak_price

    @property
    def days(self) -> int:
        """Calendar days from peak to trough."""
        return (self.trough - self.peak).days


#: Approximate published bitcoin drawdowns (widely reported daily closing prices, rounded);
#: scenarios for stress tests, not a price history.
CRYPTO_STRESSES: tuple[CryptoStress, ...] = (
    CryptoStress(
        "2014",
        dt.date(2013, 12, 4),
        dt.date(2015, 1, 14),
        1150.0,
        172.0,
        "Mt. Gox failure and the 2014 bear market: about -85% over about 13 months",
    ),
    CryptoStress(
        "2018",
        dt.date(2017, 12, 17),
        dt.date(2018, 12, 15),
        19_800.0,
        3_200.0,
        "the end of the 2017 boom: about -84% over about 12 months",
    ),
    CryptoStress(
        "2022",
        dt.date(2021, 11, 10),
        dt.date(2022, 11, 21),
        68_800.0,
        15_800.0,
        "rate rises, Terra/Luna (May) and FTX (November) failures: about -77% over about 12 months",
    ),
)


def stress_path(scenario: CryptoStress, start: dt.date, start_price: float) -> pd.Series:
    """A stylised daily path falling from ``start_price`` by the scenario's drawdown.

    The fall is spread evenly in log terms over the scenario's days (calendar days, weekends
    included): ``P_d = start_price * (1 - drawdown) ** (d / days)``. A stylised path for
    stress tests, not the historical path.

    Returns
    -------
    pandas.Series
        Prices from ``start`` (``start_price``) to ``start + days`` (the trough), dollars.
    """
    d = np.arange(scenario.days + 1, dtype=float)
    prices = start_price * (1.0 - scenario.drawdown) ** (d / scenario.days)
    idx = pd.date_range(pd.Timestamp(start), periods=len(d), freq="D")
    return pd.Series(prices, index=idx, name=f"stress {scenario.name} (stylised)")


@dataclass(frozen=True)
class LimitCheck:
    """One limit test.

    Attributes
    ----------
    name : str
        What is limited.
    value, limit : float
        The measured value and its maximum (decimals).
    breach : bool
        ``value > limit``.
    """

    name: str
    value: float
    limit: float
    breach: bool


def weight_limits(
    crypto_value: float,
    sleeve_value: float,
    vehicle_value: float,
    *,
    max_sleeve_share: float = 0.05,
    max_vehicle_share: float | None = None,
) -> tuple[LimitCheck, ...]:
    """Check the crypto holding's weight in the sleeve and, optionally, in the vehicle.

    Parameters
    ----------
    crypto_value, sleeve_value, vehicle_value : float
        Dollars; the sleeve and the vehicle must be > 0.
    max_sleeve_share : float, default 0.05
        At most this share of the sleeve (a house default; products seen cap crypto at 1-20%).
    max_vehicle_share : float, optional
        At most this share of the vehicle; ``None`` = not checked.

    Returns
    -------
    tuple of LimitCheck
        ``sleeve_weight`` and, when asked, ``vehicle_weight``.
    """
    faults: list[tuple[str | None, str]] = []
    if sleeve_value <= 0 or vehicle_value <= 0:
        faults.append((None, "sleeve and vehicle values must be > 0"))
    if crypto_value < 0:
        faults.append(("crypto_value", "must be >= 0"))
    refuse("<crypto limits>", faults)
    w_sleeve = crypto_value / sleeve_value
    out = [LimitCheck("sleeve_weight", w_sleeve, max_sleeve_share, w_sleeve > max_sleeve_share)]
    if max_vehicle_share is not None:
        w_vehicle = crypto_value / vehicle_value
        out.append(
            LimitCheck(
                "vehicle_weight", w_vehicle, max_vehicle_share, w_vehicle > max_vehicle_share
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class RiskContributions:
    """Euler decomposition of portfolio variance.

    Attributes
    ----------
    table : pandas.DataFrame
        Per asset: ``weight``, ``marginal`` (``(Sigma w)_i``), ``contribution``
        (``w_i (Sigma w)_i``), ``share`` (of total variance), ``breach`` (share above the limit).
    variance : float
        ``w' Sigma w``; equals the contributions' sum.
    limit : float, dict or None
        The share-of-variance limit checked (one for all assets, or per named asset).
    """

    table: pd.DataFrame
    variance: float
    limit: float | Mapping[str, float] | None

    @property
    def volatility(self) -> float:
        """``sqrt(variance)``."""
        return math.sqrt(self.variance)

    @property
    def breaches(self) -> list[str]:
        """Assets whose share of variance is above the limit."""
        return [str(i) for i in self.table.index[self.table["breach"]]]


def euler_risk_contributions(
    cov: np.ndarray | pd.DataFrame,
    weights: Sequence[float] | np.ndarray | pd.Series,
    names: Sequence[str] | None = None,
    *,
    limit: float | Mapping[str, float] | None = None,
) -> RiskContributions:
    """Each asset's Euler contribution to portfolio variance, flagged against a limit.

    Variance is homogeneous of degree 2 in the weights, so by Euler's theorem
    ``w' Sigma w = sum_i w_i (Sigma w)_i``: contribution ``c_i = w_i (Sigma w)_i``, share
    ``c_i / w' Sigma w`` (shares sum to 1; a hedge can be negative).

    Parameters
    ----------
    cov : array or DataFrame, shape (n, n)
        Covariance of returns (any consistent period, e.g. annual), symmetric.
    weights : sequence of float, shape (n,)
        Portfolio weights (decimals).
    names : sequence of str, optional
        Asset names (default the DataFrame's index, else ``0..n-1``).
    limit : float or mapping of str to float, optional
        Flag assets whose share of variance exceeds this: one number for every asset, or a
        limit per named asset (e.g. ``{"crypto": 0.10}``; assets not named are not limited).

    Returns
    -------
    RiskContributions
        The table and total variance.

    Raises
    ------
    InputError
        Shapes that do not agree, an asymmetric matrix, or zero total variance.
    """
    sigma = np.asarray(cov, dtype=float)
    w = np.asarray(weights, dtype=float).reshape(-1)
    if names is None:
        names = [str(x) for x in cov.index] if isinstance(cov, pd.DataFrame) else None
    if names is None:
        names = [str(i) for i in range(w.size)]
    faults: list[tuple[str | None, str]] = []
    if sigma.shape != (w.size, w.size) or len(names) != w.size:
        faults.append((None, f"covariance {sigma.shape}, {w.size} weights, {len(names)} names"))
    elif not np.allclose(sigma, sigma.T):
        faults.append(("cov", "the covariance matrix must be symmetric"))
    refuse("<risk contributions>", faults)
    marginal = sigma @ w
    contribution = w * marginal
    variance = float(w @ marginal)
    if variance <= 0:
        refuse("<risk contributions>", [("cov", "portfolio variance is not positive")])
    share = contribution / variance
    if limit is None:
        limits = np.full(w.size, np.inf)
    elif isinstance(limit, Mapping):
        limits = np.array([float(limit.get(n, np.inf)) for n in names])
    else:
        limits = np.full(w.size, float(limit))
    table = pd.DataFrame(
        {
            "weight": w,
            "marginal": marginal,
            "contribution": contribution,
            "share": share,
            "breach": share > limits,
        },
        index=pd.Index(list(names), name="asset"),
    )
    return RiskContributions(table, variance, limit)


@dataclass(frozen=True)
class PriceSource:
    """One source of the crypto reference price.

    Attributes
    ----------
    name : str
        E.g. ``"reference rate"``, ``"alternate index"``, ``"exchange VWAP"``.
    time : str
        The time of day it fixes, e.g. ``"16:00 ET"``.
    prices : pandas.Series
        Its prices by date (NaN or absent on days it failed), dollars.
    """

    name: str
    time: str
    prices: pd.Series


@dataclass(frozen=True)
class FallbackRecord:
    """A day on which the primary reference price was not used.

    Attributes
    ----------
    day : datetime.date
        The strike day.
    wanted : str
        The primary source and time that failed (``"name @ time"``).
    used : str or None
        The source and time used instead; ``"carry: <name @ time> of <date>"`` for a carried
        price; ``None`` when no price was found.
    price : float
        The price used (NaN when none).
    reason : str
        Why the fallback happened.
    """

    day: dt.date
    wanted: str
    used: str | None
    price: float
    reason: str


@dataclass(frozen=True)
class ReferencePrices:
    """The price used on each strike day and every fallback taken.

    Attributes
    ----------
    prices : pandas.Series
        The price used per day, dollars (NaN where none was found and ``on_missing="nan"``).
    source : pandas.Series
        The source used per day (``"name @ time"``, a carry, or ``"none"``).
    records : tuple of FallbackRecord
        One per day the primary was not used, in date order.
    """

    prices: pd.Series
    source: pd.Series
    records: tuple[FallbackRecord, ...] = field(default_factory=tuple)

    @property
    def missing(self) -> list[dt.date]:
        """Days with no price at all."""
        return [r.day for r in self.records if r.used is None]


def _at(series: pd.Series, day: pd.Timestamp) -> float:
    value = series.get(day, np.nan)
    return float(value) if value is not None and np.isfinite(value) and value > 0 else math.nan


def reference_prices(
    primary: PriceSource,
    fallbacks: Sequence[PriceSource],
    days: Sequence[dt.date] | pd.DatetimeIndex,
    *,
    on_missing: Literal["raise", "nan", "carry"] = "raise",
) -> ReferencePrices:
    """The reference price for each strike day, with every fallback on the record.

    On each day the primary source (the 4 pm ET reference rate) is used when it has a positive
    finite price; otherwise each fallback in order; the first that has a price is used and a
    :class:`FallbackRecord` says which. When none has a price, ``on_missing`` decides:
    ``"raise"`` (default) refuses, listing every such day; ``"nan"`` leaves NaN and records the
    gap; ``"carry"`` uses the previous day's price and records it as a carry (never silently).

    Parameters
    ----------
    primary : PriceSource
        The reference rate.
    fallbacks : sequence of PriceSource
        Alternatives in order of preference (e.g. the 3:59 pm fix, an alternate index).
    days : sequence of datetime.date
        The strike days.
    on_missing : {"raise", "nan", "carry"}, default "raise"
        What to do on a day with no price from any source.

    Returns
    -------
    ReferencePrices
        Prices, sources and records.

    Raises
    ------
    InputError
        ``on_missing="raise"`` and some day has no price from any source (or ``"carry"`` on the
        first day).
    """
    idx = pd.DatetimeIndex(pd.to_datetime(list(days))).normalize()
    sources = [primary, *fallbacks]
    series = []
    for src in sources:
        s = src.prices.copy()
        s.index = pd.DatetimeIndex(s.index).normalize()
        series.append(s)
    wanted = f"{primary.name} @ {primary.time}"
    used_price: list[float] = []
    used_source: list[str] = []
    records: list[FallbackRecord] = []
    problems: list[Problem] = []
    for day in idx:
        found = False
        for k, (src, s) in enumerate(zip(sources, series, strict=True)):
            value = _at(s, day)
            if math.isfinite(value):
                name = f"{src.name} @ {src.time}"
                used_price.append(value)
                used_source.append(name)
                if k > 0:
                    records.append(
                        FallbackRecord(day.date(), wanted, name, value, "primary price missing")
                    )
                found = True
                break
        if found:
            continue
        if on_missing == "carry" and used_price and math.isfinite(used_price[-1]):
            name = f"carry: {used_source[-1]} of {idx[len(used_price) - 1].date()}"
            records.append(
                FallbackRecord(day.date(), wanted, name, used_price[-1], "no source had a price")
            )
            used_source.append(name)
            used_price.append(used_price[-1])
            continue
        records.append(FallbackRecord(day.date(), wanted, None, math.nan, "no source had a price"))
        used_price.append(math.nan)
        used_source.append("none")
        problems.append(
            Problem("<reference prices>", f"{day.date()}: no price from any source", column="price")
        )
    if problems and on_missing != "nan":
        raise InputError(problems)
    return ReferencePrices(
        prices=pd.Series(used_price, index=idx, name="reference price"),
        source=pd.Series(used_source, index=idx, name="source"),
        records=tuple(records),
    )
