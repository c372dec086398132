"""Assembling every market series from the files ``arch`` ships, with provenance.

Owns the list of series (:data:`SERIES_IDS`), their dating and ``known_on`` conventions, and the
wiring of raw columns into the derived indices. Reads the shipped files (read-only); must not
touch the ledger or write anything.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import numpy as np
import pandas as pd

from altsleeve.marketdata._arch_files import (
    CORE_CPI_FILE,
    DEFAULT_FILE,
    FRENCH_FILE,
    NASDAQ_FILE,
    SP500_FILE,
    LoadedFile,
    arch_version,
    read_arch_file,
)
from altsleeve.marketdata._bonds import bond_returns_from_yields
from altsleeve.marketdata._cash import (
    index_from_returns,
    market_total_returns,
    prepend_base_period,
    tbill_returns,
)
from altsleeve.marketdata._daily import bond_daily_index, tbill_daily_index
from altsleeve.marketdata._equity import (
    NASDAQ_YIELD_SCALE,
    YIELD_MIN_MONTHS,
    YIELD_WINDOW_MONTHS,
    implied_dividend_yield,
    total_return_daily_index,
)
from altsleeve.marketdata._types import SeriesData, SeriesMeta, make_frame

#: Every series :func:`load_arch_market_data` returns, in its order.
SERIES_IDS: tuple[str, ...] = (
    "SP500",
    "NASDAQ",
    "FF_MKT_RF",
    "FF_SMB",
    "FF_HML",
    "FF_RF",
    "AAA_YIELD",
    "BAA_YIELD",
    "CORE_CPI",
    "FF_MKT_TR",
    "CASH_TBILL",
    "BOND_AAA_TR",
    "BOND_BAA_TR",
    "BOND_AAA_TR_D",
    "BOND_BAA_TR_D",
    "CASH_TBILL_D",
    "SP500_TR",
    "NASDAQ_TR",
)

#: The series the sample book reads: its calendar and stress flag (the S&P 500 price index), its
#: funds' drivers (the total-return indices) and the vehicle's liquid sleeves (its mirror).
SAMPLE_BOOK_SERIES: tuple[str, ...] = (
    "SP500",
    "NASDAQ",
    "SP500_TR",
    "NASDAQ_TR",
    "BOND_AAA_TR_D",
    "CASH_TBILL_D",
)

#: Constant maturity (years) of the par bond priced off Moody's yields. Moody's seasoned
#: corporate indices use bonds with maturities of 20 years and above (FRED series notes).
BOND_MATURITY_YEARS = 20.0

#: Core CPI for month m is treated as known on this day of month m+1 (BLS publishes the CPI
#: around the middle of the following month; an approximation of the actual release dates).
CPI_KNOWN_DAY_OF_NEXT_MONTH = 15

_SWINKELS = (
    "Swinkels (2019), 'Treasury Bond Return Data Starting in 1962', Data 4(3), 91; "
    "duration/convexity of a par bond: Tuckman & Serrat, Fixed Income Securities, "
    "eqs. 4.45/4.52 (Fabozzi, Bond Markets, Analysis and Strategies, ch. 4)"
)


#: What each shipped series is (``altsleeve.domain.AssetType`` values).
SERIES_ASSET_TYPES: dict[str, str] = {
    "SP500": "equity",
    "NASDAQ": "equity",
    "FF_MKT_RF": "rate",
    "FF_SMB": "rate",
    "FF_HML": "rate",
    "FF_RF": "rate",
    "AAA_YIELD": "rate",
    "BAA_YIELD": "rate",
    "CORE_CPI": "inflation",
    "FF_MKT_TR": "equity",
    "CASH_TBILL": "cash",
    "BOND_AAA_TR": "bond",
    "BOND_BAA_TR": "bond",
    "BOND_AAA_TR_D": "bond",
    "BOND_BAA_TR_D": "bond",
    "CASH_TBILL_D": "cash",
    "SP500_TR": "equity",
    "NASDAQ_TR": "equity",
}

#: Series whose plausible daily move differs from their asset type's default. The daily bond
#: indices are point-in-time interpolations of monthly ones: the whole month's price change lands
#: on its last business day (the largest in the shipped data: 0.124 Aaa, 0.154 Baa, October 2008).
SERIES_MOVE_TOLERANCE: dict[str, float] = {"BOND_AAA_TR_D": 0.20, "BOND_BAA_TR_D": 0.20}


def _meta(
    series_id: str,
    description: str,
    unit: str,
    frequency: str,
    files: list[LoadedFile],
    column: str,
    derivation: str = "",
) -> SeriesMeta:
    """Build the provenance record of a series read from, or derived from, ``files``."""
    return SeriesMeta(
        series_id=series_id,
        description=description,
        unit=unit,
        frequency=frequency,
        source=files[0].spec.source if not derivation else "derived",
        package="arch",
        package_version=arch_version(),
        file_name=",".join(f.spec.file_name for f in files),
        file_sha256=",".join(f.sha256 for f in files),
        column=column,
        derivation=derivation,
    )


def _month_end(dates: pd.Series | pd.Index) -> pd.DatetimeIndex:
    """Last calendar day of each date's month."""
    return pd.DatetimeIndex(dates) + pd.offsets.MonthEnd(0)


def _raw_series(
    loaded: LoadedFile,
    column: str,
    dates: pd.DatetimeIndex,
    known_on: pd.DatetimeIndex,
    meta: SeriesMeta,
) -> SeriesData:
    """Wrap one raw column as a :class:`SeriesData`."""
    frame = make_frame(dates, loaded.frame[column].to_numpy(dtype=np.float64), known_on)
    return SeriesData(meta=meta, data=frame)


def _index_series(levels: pd.Series, known_on: pd.DatetimeIndex, meta: SeriesMeta) -> SeriesData:
    """Wrap an index (levels indexed by date) as a :class:`SeriesData`."""
    dates = pd.DatetimeIndex(levels.index)
    return SeriesData(meta=meta, data=make_frame(dates, levels.to_numpy(), known_on))


def load_arch_market_data() -> list[SeriesData]:
    """Load every market series from the files ``arch`` ships, raw and derived.

    Reads ``sp500.csv.gz``, ``nasdaq.csv.gz``, ``frenchdata.csv.gz``, ``default.csv.gz`` and
    ``core-cpi.csv.gz`` directly (not through ``arch.data.*.load()``), hashes each file's bytes
    and returns the series listed in :data:`SERIES_IDS`, in that order. Conventions per series
    (units, dating, ``known_on``, formulas and sources) are in ``docs/marketdata.md`` and in each
    series' :class:`SeriesMeta`.

    Returns
    -------
    list of SeriesData
        One entry per id in :data:`SERIES_IDS`. Each ``data`` frame has columns ``date``,
        ``level``, ``known_on`` (``datetime64[ns]`` midnight, ``float64``, ``datetime64[ns]``),
        sorted, without NaN, with ``known_on >= date``.

    Notes
    -----
    Raw: ``SP500``/``NASDAQ`` (daily closes, price indices without dividends), ``FF_*``
    (monthly Fama-French factors in percent, dated at month end), ``AAA_YIELD``/``BAA_YIELD``
    (Moody's monthly average yields in percent, dated on the 1st, known at month end),
    ``CORE_CPI`` (dated on the 1st, known on the 15th of the next month).

    Derived (index, 100 at the first date): ``FF_MKT_TR`` and ``CASH_TBILL`` (from
    ``Mkt-RF + RF`` and ``RF``), ``BOND_AAA_TR``/``BOND_BAA_TR`` (20-year par bond, duration +
    convexity, Swinkels 2019), and their point-in-time daily interpolations on the S&P 500
    calendar ``BOND_AAA_TR_D``, ``BOND_BAA_TR_D``, ``CASH_TBILL_D``
    (:func:`bond_daily_index`, :func:`tbill_daily_index`).
    """
    sp500 = read_arch_file(SP500_FILE)
    nasdaq = read_arch_file(NASDAQ_FILE)
    french = read_arch_file(FRENCH_FILE)
    default = read_arch_file(DEFAULT_FILE)
    cpi = read_arch_file(CORE_CPI_FILE)
    out: list[SeriesData] = []

    # --- raw daily prices -------------------------------------------------------------------
    for series_id, loaded, name in (
        ("SP500", sp500, "S&P 500 (^GSPC)"),
        ("NASDAQ", nasdaq, "NASDAQ Composite (^IXIC)"),
    ):
        dates = pd.DatetimeIndex(loaded.frame["date"])
        meta = _meta(
            series_id,
            f"{name} daily closing level, 'Adj Close' (equal to 'Close' for an index): a price "
            "index WITHOUT dividends, not a total return. Yahoo! Finance data shipped by arch.",
            "index",
            "daily",
            [loaded],
            "Adj Close",
        )
        out.append(_raw_series(loaded, "Adj Close", dates, dates, meta))

    # --- raw Fama-French factors (file dates YYYYMM -> parsed as the 1st -> month end) ------
    ff_dates = _month_end(french.frame["date"])
    ff_descriptions = {
        "Mkt-RF": "Fama-French market excess return: value-weighted return of CRSP US firms "
        "minus the one-month T-bill return",
        "SMB": "Fama-French size factor (small minus big)",
        "HML": "Fama-French value factor (high minus low book-to-market)",
        "RF": "One-month US Treasury bill return (Ibbotson Associates), the Fama-French "
        "risk-free rate",
    }
    for series_id, column in (
        ("FF_MKT_RF", "Mkt-RF"),
        ("FF_SMB", "SMB"),
        ("FF_HML", "HML"),
        ("FF_RF", "RF"),
    ):
        meta = _meta(
            series_id,
            f"{ff_descriptions[column]}; monthly return in percent, dated at the last calendar "
            "day of the month (Kenneth R. French Data Library).",
            "percent_return",
            "monthly",
            [french],
            column,
        )
        out.append(_raw_series(french, column, ff_dates, ff_dates, meta))

    # --- raw Moody's yields (dated on the 1st; a monthly average is known at month end) -----
    y_dates = pd.DatetimeIndex(default.frame["date"])
    y_known = _month_end(y_dates)
    for series_id, column, grade in (("AAA_YIELD", "AAA", "Aaa"), ("BAA_YIELD", "BAA", "Baa")):
        meta = _meta(
            series_id,
            f"Moody's Seasoned {grade} Corporate Bond Yield (FRED: {column}), monthly average "
            "of daily yields in percent; bonds with maturities of 20 years and above. Dated on "
            "the 1st of the month, known at the month's last calendar day.",
            "percent",
            "monthly",
            [default],
            column,
        )
        out.append(_raw_series(default, column, y_dates, y_known, meta))

    # --- raw core CPI (dated on the 1st; known on the 15th of the next month) --------------
    cpi_dates = pd.DatetimeIndex(cpi.frame["date"])
    cpi_known = (
        cpi_dates + pd.offsets.MonthBegin(1) + pd.Timedelta(days=CPI_KNOWN_DAY_OF_NEXT_MONTH - 1)
    )
    meta = _meta(
        "CORE_CPI",
        "US CPI for All Urban Consumers: All Items Less Food and Energy (FRED: CPILFESL), "
        "index level (1982-84 = 100), monthly, dated on the 1st of the month; treated as known "
        "on the 15th of the following month (approximate BLS release lag).",
        "index",
        "monthly",
        [cpi],
        "CPILFESL",
    )
    out.append(_raw_series(cpi, "CPILFESL", cpi_dates, cpi_known, meta))

    # --- derived monthly: market total return and T-bill indices ----------------------------
    mkt_rf = pd.Series(french.frame["Mkt-RF"].to_numpy(), index=ff_dates)
    rf = pd.Series(french.frame["RF"].to_numpy(), index=ff_dates)
    mkt_index = index_from_returns(prepend_base_period(market_total_returns(mkt_rf, rf)))
    meta = _meta(
        "FF_MKT_TR",
        "Total-return index of the Fama-French market portfolio (dividends reinvested), "
        "monthly, 100 at 1926-06-30 (the month end before the first return), dated at month "
        "ends.",
        "index",
        "monthly",
        [french],
        "Mkt-RF,RF",
        "I_t = I_{t-1} * (1 + (MktRF_t + RF_t)/100), I_0 = 100 at the month end before the first "
        "return (Kenneth R. French Data Library: Mkt-RF is the market return minus RF).",
    )
    out.append(_index_series(mkt_index, pd.DatetimeIndex(mkt_index.index), meta))

    cash_returns = tbill_returns(rf)
    cash_index = index_from_returns(prepend_base_period(cash_returns))
    meta = _meta(
        "CASH_TBILL",
        "One-month US Treasury bill total-return index (rolled monthly), monthly, 100 at "
        "1926-06-30, dated at month ends.",
        "index",
        "monthly",
        [french],
        "RF",
        "I_t = I_{t-1} * (1 + RF_t/100), I_0 = 100 at the month end before the first return "
        "(Kenneth R. French Data Library, RF from Ibbotson Associates).",
    )
    out.append(_index_series(cash_index, pd.DatetimeIndex(cash_index.index), meta))

    # --- derived monthly: constant-maturity par-bond indices off Moody's yields -------------
    yields: dict[str, pd.Series] = {}
    for series_id, column, grade in (("BOND_AAA_TR", "AAA", "Aaa"), ("BOND_BAA_TR", "BAA", "Baa")):
        y = pd.Series(default.frame[column].to_numpy(dtype=np.float64), index=y_dates)
        yields[column] = y
        r = bond_returns_from_yields(y, maturity_years=BOND_MATURITY_YEARS, convexity=True)
        meta = _meta(
            series_id,
            f"Total-return index of a constant-maturity {BOND_MATURITY_YEARS:g}-year par bond "
            f"(semiannual coupons) priced off Moody's seasoned {grade} yields, rebought at par "
            "every month; monthly, 100 on the first yield date. The level dated on the 1st of "
            "month t is the value after month t's return, known at month t's last calendar day.",
            "index",
            "monthly",
            [default],
            column,
            "I_t = I_{t-1} * (1 + r_t), r_t = y_{t-1}/12 - D_{t-1} (y_t - y_{t-1}) "
            "+ 0.5 C_{t-1} (y_t - y_{t-1})^2, y in decimals, D and C the modified duration and "
            f"convexity of a {BOND_MATURITY_YEARS:g}y par bond at y_{{t-1}}: "
            "D = (1 - (1 + y/2)^(-2M))/y, "
            "C = 2/y^2 (1 - (1 + y/2)^(-2M)) - 2M/(y (1 + y/2)^(2M+1)); "
            f"I = 100 at the first yield date. Sources: {_SWINKELS}.",
        )
        levels = index_from_returns(r)
        out.append(_index_series(levels, _month_end(levels.index), meta))

    # --- derived daily: point-in-time interpolation on the S&P 500 calendar -----------------
    calendar = pd.DatetimeIndex(sp500.frame["date"])
    base_day = f"{calendar[0] - pd.offsets.MonthEnd(1):%Y-%m-%d}"
    daily_common = (
        "Point-in-time daily interpolation on the S&P 500 business-day calendar, NOT a traded "
        "daily index: on business day t of month m, L_t = L(A) * (1 + c_m * days(t - A)/365) "
        f"with A the last business day of month m-1 ({base_day} for the first month) and "
        f"L = 100 at {base_day}; on the last business day of month m, L = L(A) * (1 + R_m) with "
        "R_m the monthly index's return, so month-end levels equal the monthly index rebased to "
        f"100 at {base_day[:7]}."
    )
    for series_id, column, monthly_id in (
        ("BOND_AAA_TR_D", "AAA", "BOND_AAA_TR"),
        ("BOND_BAA_TR_D", "BAA", "BOND_BAA_TR"),
    ):
        levels = bond_daily_index(yields[column], calendar, BOND_MATURITY_YEARS)
        meta = _meta(
            series_id,
            f"Daily version of {monthly_id} (point in time; carry accrual within the month, "
            f"duration/convexity price change on the month's last business day), 100 at "
            f"{base_day}.",
            "index",
            "daily",
            [default, sp500],
            f"{column},Date",
            f"{daily_common} Carry c_m = y_{{m-1}}/100 (the previous month's average yield, "
            f"known at the end of month m-1); R_m as in {monthly_id}. The month's average yield "
            "is treated as known at the month's last business day (its last daily input).",
        )
        out.append(_index_series(levels, pd.DatetimeIndex(levels.index), meta))

    levels = tbill_daily_index(rf, calendar)
    meta = _meta(
        "CASH_TBILL_D",
        "Daily version of CASH_TBILL (point in time; accrual at the month's T-bill rate), 100 "
        f"at {base_day}. Months after the Fama-French file ends (in the shipped data: December "
        "2018) accrue at the last known rate with no month-end true-up (extrapolated).",
        "index",
        "daily",
        [french, sp500],
        "RF,Date",
        f"{daily_common} Carry c_m = RF_m/100 * 12 (the month's one-month bill rate, known at "
        "the month's start); R_m = RF_m/100. Months after the last RF reuse the last known rate.",
    )
    out.append(_index_series(levels, pd.DatetimeIndex(levels.index), meta))

    # --- derived daily: equity total return (price + implied dividend yield) ----------------
    market_returns = market_total_returns(mkt_rf, rf)
    for series_id, loaded, name, price_id, scale in (
        ("SP500_TR", sp500, "S&P 500", "SP500", 1.0),
        ("NASDAQ_TR", nasdaq, "NASDAQ Composite", "NASDAQ", NASDAQ_YIELD_SCALE),
    ):
        prices = pd.Series(
            loaded.frame["Adj Close"].to_numpy(dtype=np.float64),
            index=pd.DatetimeIndex(loaded.frame["date"]),
        )
        div_yield = implied_dividend_yield(prices, market_returns, yield_scale=scale)
        levels = total_return_daily_index(prices, div_yield)
        scale_text = (
            "the market's implied yield"
            if scale == 1.0
            else f"{scale:g} times the market's implied yield (an assumption: the tech-heavy "
            "NASDAQ Composite pays about half the broad market's dividend yield; its own "
            "implied yield is swamped by its tracking difference to the market)"
        )
        meta = _meta(
            series_id,
            f"{name} daily TOTAL-RETURN index (point in time): the {price_id} price index's "
            f"daily returns plus a dividend yield accrued ACT/365, {scale_text}. Equal to "
            f"{price_id} on its first day. Use it wherever income matters (the sample vehicle's "
            f"equity sleeve, benchmarks, proxies); {price_id} stays the price index.",
            "index",
            "daily",
            [loaded, french],
            "Adj Close,Mkt-RF,RF",
            "TR_t = TR_{t-1} (1 + P_t/P_{t-1} - 1 + y_m days(t - t_prev)/365), TR = P on the first "
            "day; y_m = max(0, 12 mean_k d_{m-k}) * scale over the trailing "
            f"{YIELD_WINDOW_MONTHS} months k = 1.. (at least {YIELD_MIN_MONTHS}, else y = 0: "
            "the price return only), d = (Mkt-RF + RF)/100 - (month-end price return): the "
            "dividend return implied by the Fama-French market total return, known at the start "
            "of month m; months after the last Fama-French month keep the last yield.",
        )
        out.append(_index_series(levels, pd.DatetimeIndex(levels.index), meta))

    out = [
        dataclasses.replace(
            s,
            meta=dataclasses.replace(
                s.meta,
                asset_type=SERIES_ASSET_TYPES[s.meta.series_id],
                move_tolerance=SERIES_MOVE_TOLERANCE.get(s.meta.series_id),
            ),
        )
        for s in out
    ]
    ids = tuple(s.meta.series_id for s in out)
    if ids != SERIES_IDS:  # pragma: no cover - guards the documented order
        raise RuntimeError(f"series order drifted: {ids}")
    return out


def arch_levels(series_ids: tuple[str, ...] | list[str] | None = None) -> dict[str, pd.Series]:
    """Levels of shipped series by id, indexed by their dates (what the sample book reads).

    Parameters
    ----------
    series_ids : sequence of str, optional
        Series to return (default: :data:`SAMPLE_BOOK_SERIES`, what the sample book reads).

    Returns
    -------
    dict[str, pandas.Series]
        Per id, ``float64`` levels indexed by a tz-naive ``DatetimeIndex`` named ``date``.
    """
    wanted = list(series_ids or SAMPLE_BOOK_SERIES)
    unknown = sorted(set(wanted) - set(SERIES_IDS))
    if unknown:
        raise ValueError(f"unknown series {unknown}; shipped: {list(SERIES_IDS)}")
    out: dict[str, pd.Series] = {}
    for s in load_arch_market_data():
        if s.meta.series_id in wanted:
            idx = pd.DatetimeIndex(s.data["date"], name="date")
            out[s.meta.series_id] = pd.Series(
                s.data["level"].to_numpy(dtype=np.float64), index=idx, name=s.meta.series_id
            )
    return {sid: out[sid] for sid in wanted}


def file_digests(series: Iterable[SeriesData]) -> dict[str, str]:
    """The shipped files behind ``series`` and the SHA-256 of each: ``{file name: hex digest}``.

    What a figure computed from :func:`load_arch_market_data` or :func:`arch_levels` cites as its
    provenance (the same digests the ledger's ``series`` table records), sorted by file name.
    """
    out: dict[str, str] = {}
    for s in series:
        names = [x for x in s.meta.file_name.split(",") if x]
        digests = [x for x in s.meta.file_sha256.split(",") if x]
        out.update(zip(names, digests, strict=True))
    return dict(sorted(out.items()))
