"""Generate the synthetic sample book from real daily index paths.

Owns :func:`generate_sample_book`: checking the market input, laying out the funds (ids, names,
vintages, vehicle types), giving every fund its own independent random stream
(:class:`numpy.random.SeedSequence` spawned per fund) and assembling the book's tables. All numbers
come from :class:`~altsleeve.samplebook._params.SampleBookParams`. Pure: must not write files,
touch the ledger or read anything but its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from altsleeve.domain import AssetClass, VehicleType
from altsleeve.samplebook._book import (
    CASHFLOWS_COLUMNS,
    HOLDINGS_COLUMNS,
    ORDERS_COLUMNS,
    STATEMENTS_COLUMNS,
    TRUTH_COLUMNS,
    TRUTH_RETURNS_COLUMNS,
    SampleBook,
)
from altsleeve.samplebook._calendar import Calendar, build_calendar
from altsleeve.samplebook._funds import (
    STATEMENT_DRAW_COLUMNS,
    FundSpec,
    FundTables,
    simulate_fund,
)
from altsleeve.samplebook._orders import simulate_orders
from altsleeve.samplebook._params import DEFAULT_PARAMS, SampleBookParams

FloatArray = NDArray[np.float64]

#: Short code of each asset class in holding ids (labels, not model numbers).
_ID_PREFIX: dict[AssetClass, str] = {
    AssetClass.BUYOUT: "BO",
    AssetClass.VENTURE: "VC",
    AssetClass.PRIVATE_CREDIT: "PC",
    AssetClass.REAL_ESTATE: "RE",
    AssetClass.INFRASTRUCTURE: "IN",
}


def _levels(
    market: Mapping[str, pd.Series], series_id: str, calendar: pd.DatetimeIndex
) -> FloatArray:
    """Levels of one market series on the calendar's dates; :class:`ValueError` if unusable."""
    if series_id not in market:
        raise ValueError(f"market has no series {series_id!r} (has: {sorted(market)})")
    s = market[series_id]
    if not isinstance(s, pd.Series):
        raise ValueError(f"market[{series_id!r}] must be a pandas Series")
    index = s.index
    if not isinstance(index, pd.DatetimeIndex):
        raise ValueError(f"market[{series_id!r}] must be indexed by a DatetimeIndex")
    if index.tz is not None:
        raise ValueError(f"market[{series_id!r}] must have tz-naive dates")
    if not (index.is_monotonic_increasing and index.is_unique):
        raise ValueError(f"market[{series_id!r}] dates must be increasing and unique")
    values = pd.to_numeric(s, errors="coerce").reindex(calendar).to_numpy(dtype=np.float64)
    bad = ~(np.isfinite(values) & (values > 0))
    if bad.any():
        first_bad = calendar[int(np.flatnonzero(bad)[0])].date()
        raise ValueError(
            f"market[{series_id!r}] lacks a positive level on {int(bad.sum())} calendar days "
            f"(first {first_bad})"
        )
    return values


def _calendar_index(market: Mapping[str, pd.Series], series_id: str) -> pd.DatetimeIndex:
    if series_id not in market:
        raise ValueError(f"market has no calendar series {series_id!r} (has: {sorted(market)})")
    index = market[series_id].index
    if not isinstance(index, pd.DatetimeIndex) or index.tz is not None:
        raise ValueError(f"market[{series_id!r}] must be indexed by a tz-naive DatetimeIndex")
    if not (index.is_monotonic_increasing and index.is_unique) or len(index) < 2:
        raise ValueError(f"market[{series_id!r}] dates must be increasing, unique, at least 2")
    if not (index == index.normalize()).all():
        raise ValueError(f"market[{series_id!r}] dates must be at midnight")
    return pd.DatetimeIndex(index.astype("datetime64[ns]"))


def fund_specs(params: SampleBookParams) -> list[FundSpec]:
    """Lay out the book's funds: ids, names, vintages and vehicle types (no randomness).

    Each class's vintages are evenly spaced from ``vintage_first`` to ``vintage_last``
    (rounded to whole years); its ``semi_liquid_vehicles`` take the earliest vintages.

    Parameters
    ----------
    params : SampleBookParams
        The assumptions.

    Returns
    -------
    list of FundSpec
        One per fund, in the order of ``params.asset_classes``.

    """
    specs: list[FundSpec] = []
    for cls in params.asset_classes:
        n = cls.n_funds
        if n == 0:
            continue
        vintages = np.rint(np.linspace(params.vintage_first, params.vintage_last, n)).astype(int)
        label = cls.asset_class.value.replace("_", " ").title()
        for j in range(n):
            vehicle = (
                cls.semi_liquid_vehicles[j]
                if j < len(cls.semi_liquid_vehicles)
                else VehicleType.DRAWDOWN
            )
            kind = "Fund" if vehicle == VehicleType.DRAWDOWN else f"{vehicle.value.title()} Fund"
            vintage = int(vintages[j])
            specs.append(
                FundSpec(
                    holding_id=f"{_ID_PREFIX[cls.asset_class]}-{j + 1:02d}",
                    name=f"Synthetic {label} {kind} {j + 1:02d} ({vintage})",
                    asset_class=cls,
                    vehicle_type=vehicle,
                    vintage=vintage,
                )
            )
    return specs


def _describe(params: SampleBookParams, seed: int, calendar: Calendar, drivers: list[str]) -> str:
    counts = ", ".join(f"{c.n_funds} {c.asset_class.value}" for c in params.asset_classes)
    start = str(calendar.days[0])
    end = str(calendar.days[-1])
    return (
        f"SYNTHETIC sample book (seed {seed}): the {params.n_funds} private funds in it "
        f"({counts}) do not exist. Their true daily values come from a documented factor model "
        f"(docs/sample-book.md) driven by the real daily paths of {' and '.join(drivers)} from "
        f"{start} to {end}, with Takahashi-Alexander calls and distributions, and their GP "
        f"statements are Geltner-smoothed, lagged, sometimes late or missing quarter-end marks "
        f"derived from that truth. The participant orders of the {params.flows.vehicle} "
        f"vehicle are synthetic too. The truth (true daily values, daily true returns, "
        f"statement draws, flow drivers and drawn fund parameters) is kept in separate tables "
        f"that no estimator reads; only holdings, statements, cash flows and orders are inputs."
    )


def _concat(frames: list[pd.DataFrame], columns: tuple[str, ...]) -> pd.DataFrame:
    nonempty = [f for f in frames if len(f)]
    if not nonempty:
        return pd.DataFrame({c: [] for c in columns})
    return pd.concat(nonempty, ignore_index=True)[list(columns)]


def generate_sample_book(
    market: Mapping[str, pd.Series],
    seed: int = 2045,
    params: SampleBookParams = DEFAULT_PARAMS,
) -> SampleBook:
    """Generate the synthetic sample book of private funds for the TDF2045 vehicle.

    Parameters
    ----------
    market : Mapping[str, pandas.Series]
        Daily index levels by series id, each indexed by a tz-naive ``DatetimeIndex`` of
        business days at midnight. Needs ``params.calendar_series`` (whose dates become the
        book's calendar, "SP500" by default), every class's driver ("SP500_TR", "NASDAQ_TR") and
        ``params.flows.stress_driver``, each with a positive level on every calendar day.
    seed : int, default 2045
        Seed of the :class:`numpy.random.SeedSequence`; each fund and the orders get their own
        spawned child, so the same seed gives the identical book.
    params : SampleBookParams, default DEFAULT_PARAMS
        All assumptions (documented in ``docs/sample-book.md``).

    Returns
    -------
    SampleBook
        Ingest-format tables (holdings, statements, cashflows, orders), the synthetic truth
        tables, the seed, the params and a plain description.

    Raises
    ------
    ValueError
        A required series is missing, badly indexed or lacks a level on a calendar day, or a
        vintage lies outside the calendar.

    Examples
    --------
    >>> book = generate_sample_book(market)  # doctest: +SKIP
    >>> book.holdings.groupby("asset_class").size()  # doctest: +SKIP

    """
    if not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed = {seed!r} must be a non-negative integer")
    index = _calendar_index(market, params.calendar_series)
    calendar = build_calendar(index, params.days_per_year)

    drivers = list(dict.fromkeys(c.driver for c in params.asset_classes if c.n_funds > 0))
    log_returns: dict[str, FloatArray] = {}
    for series_id in drivers:
        levels = _levels(market, series_id, index)
        log_returns[series_id] = np.concatenate(([0.0], np.diff(np.log(levels))))
    stress_levels = _levels(market, params.flows.stress_driver, index)

    specs = fund_specs(params)
    root = np.random.SeedSequence(int(seed))
    funds_root, orders_root = root.spawn(2)
    fund_seeds = funds_root.spawn(len(specs))
    results: list[FundTables] = [
        simulate_fund(
            spec,
            calendar,
            log_returns[spec.asset_class.driver],
            params,
            np.random.Generator(np.random.PCG64(ss)),
        )
        for spec, ss in zip(specs, fund_seeds, strict=True)
    ]
    orders, flow_drivers = simulate_orders(
        calendar, stress_levels, params, np.random.Generator(np.random.PCG64(orders_root))
    )

    holdings = pd.DataFrame([r.holding for r in results], columns=list(HOLDINGS_COLUMNS))
    holdings = holdings.astype({"commitment": "float64", "vintage": "int64"})
    fund_params = pd.DataFrame([r.fund_params for r in results])
    for col in ("inception", "liquidation_date"):
        fund_params[col] = pd.to_datetime(fund_params[col]).astype("datetime64[ns]")

    statements = _concat([r.statements for r in results], STATEMENTS_COLUMNS)
    statements = statements.sort_values(["holding_id", "as_of"], ignore_index=True)
    draws = _concat([r.statement_draws for r in results], STATEMENT_DRAW_COLUMNS)
    draws = draws.sort_values(["holding_id", "as_of"], ignore_index=True)
    cashflows = _concat([r.cashflows for r in results], CASHFLOWS_COLUMNS)
    cashflows = cashflows.sort_values(["date", "holding_id", "kind"], ignore_index=True)
    truth = _concat([r.truth for r in results], TRUTH_COLUMNS)
    truth_returns = _concat([r.truth_returns for r in results], TRUTH_RETURNS_COLUMNS)

    names = [*drivers]
    if params.flows.stress_driver not in names:
        names.append(params.flows.stress_driver)
    return SampleBook(
        holdings=holdings,
        statements=statements,
        cashflows=cashflows,
        orders=orders[list(ORDERS_COLUMNS)],
        truth=truth,
        truth_returns=truth_returns,
        statement_draws=draws,
        flow_drivers=flow_drivers,
        fund_params=fund_params,
        seed=int(seed),
        params=params,
        description=_describe(params, int(seed), calendar, names),
    )


def simulate_extra_fund(
    market: Mapping[str, pd.Series],
    asset_class: str,
    vintage: int,
    commitment: float,
    holding_id: str,
    seed: int,
    params: SampleBookParams = DEFAULT_PARAMS,
) -> FundTables:
    """Simulate one more SYNTHETIC drawdown fund with the sample book's model.

    For backtests that make new commitments (the pacing planner's): the fund follows exactly the
    model and assumptions of :func:`generate_sample_book` (driven by the real path of its class's
    driver), except that its commitment is ``commitment`` instead of a uniform draw.

    Parameters
    ----------
    market : Mapping[str, pandas.Series]
        As for :func:`generate_sample_book`.
    asset_class : str
        The fund's asset class (an :class:`~altsleeve.domain.AssetClass` value).
    vintage : int
        Calendar year of its first call (inside the market's calendar).
    commitment : float
        The commitment, dollars (> 0).
    holding_id : str
        Its ledger id.
    seed : int
        Seed of its own random stream (a :class:`numpy.random.SeedSequence`).
    params : SampleBookParams, default DEFAULT_PARAMS
        All other assumptions.

    Returns
    -------
    FundTables
        The fund's rows (holding, cash flows, statements, truth ...), all labelled synthetic.

    """
    if not commitment > 0.0:
        raise ValueError(f"commitment = {commitment} must be positive")
    classes = {c.asset_class.value: c for c in params.asset_classes}
    if str(asset_class) not in classes:
        raise ValueError(f"unknown asset class {asset_class!r} (known: {sorted(classes)})")
    cls = classes[str(asset_class)]
    index = _calendar_index(market, params.calendar_series)
    calendar = build_calendar(index, params.days_per_year)
    levels = _levels(market, cls.driver, index)
    log_returns = np.concatenate(([0.0], np.diff(np.log(levels))))
    sized = replace(
        params,
        commitment_min=commitment,
        commitment_max=commitment,
        commitment_rounding=min(params.commitment_rounding, commitment),
    )
    label = cls.asset_class.value.replace("_", " ").title()
    spec = FundSpec(
        holding_id=holding_id,
        name=f"Synthetic {label} Fund {holding_id} ({vintage})",
        asset_class=cls,
        vehicle_type=VehicleType.DRAWDOWN,
        vintage=int(vintage),
    )
    rng = np.random.Generator(np.random.PCG64(np.random.SeedSequence(int(seed))))
    return simulate_fund(spec, calendar, log_returns, sized, rng)
