"""Generate the synthetic sample book from real daily index paths.

Owns :func:`generate_sample_book`: checking the market input, laying out the funds (ids, names,
vintages, vehicle types), giving every fund its own independent random stream
(:class:`numpy.random.SeedSequence` spawned per fund) and assembling the book's tables. All numbers
come from :class:`~altsleeve.samplebook._params.SampleBookParams`. Pure: must not write files,
touch the ledger or read anything but its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

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
from altsleeve.samplebook._pacing import FundState, decide_commitment, vehicle_path
from altsleeve.samplebook._params import DEFAULT_PARAMS, PacingParams, SampleBookParams

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

    Each class's funds are spread evenly over its life in the book: fund ``j`` of ``n`` sits at
    position ``j / (n - 1)``; its ``semi_liquid_vehicles`` take the earliest positions. All funds
    are then ordered by position (perpetual before drawdown, then class order) and the ``k``-th
    of ``N`` gets vintage ``vintage_first + floor(k * Y / N)``, ``Y`` the number of years from
    ``vintage_first`` to ``vintage_last``: every year has a fund to commit to (one or two with
    the defaults), which the yearly pacing rule needs.

    Parameters
    ----------
    params : SampleBookParams
        The assumptions.

    Returns
    -------
    list of FundSpec
        One per fund, in the order of ``params.asset_classes``.

    """
    entries: list[tuple[float, bool, int, int]] = []
    vehicles: dict[tuple[int, int], VehicleType] = {}
    for ci, cls in enumerate(params.asset_classes):
        n = cls.n_funds
        for j in range(n):
            vehicle = (
                cls.semi_liquid_vehicles[j]
                if j < len(cls.semi_liquid_vehicles)
                else VehicleType.DRAWDOWN
            )
            vehicles[(ci, j)] = vehicle
            entries.append((j / (n - 1) if n > 1 else 0.0, vehicle == VehicleType.DRAWDOWN, ci, j))
    n_years = params.vintage_last - params.vintage_first + 1
    total = len(entries)
    vintage_of: dict[tuple[int, int], int] = {}
    for k, (_, _, ci, j) in enumerate(sorted(entries)):
        vintage_of[(ci, j)] = params.vintage_first + (k * n_years) // max(total, 1)
    specs: list[FundSpec] = []
    for ci, cls in enumerate(params.asset_classes):
        label = cls.asset_class.value.replace("_", " ").title()
        for j in range(cls.n_funds):
            vehicle = vehicles[(ci, j)]
            kind = "Fund" if vehicle == VehicleType.DRAWDOWN else f"{vehicle.value.title()} Fund"
            vintage = vintage_of[(ci, j)]
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
    orders, flow_drivers = simulate_orders(
        calendar, stress_levels, params, np.random.Generator(np.random.PCG64(orders_root))
    )
    sized = _size_and_simulate(
        market, index, calendar, specs, fund_seeds, log_returns, orders, params
    )
    results = sized.results

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
        pacing=sized.decisions,
        vehicle=sized.vehicle,
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


@dataclass(frozen=True)
class _Sized:
    results: list[FundTables]
    decisions: pd.DataFrame
    vehicle: pd.DataFrame


PACING_COLUMNS = (
    "year",
    "decided_on",
    "net_assets",
    "private_share",
    "net_flow_rate",
    "planner",
    "feedback",
    "cap_bound",
    "rule",
    "commitment",
    "funds",
)


def _day_positions(days: NDArray[np.datetime64], dates: pd.Series) -> NDArray[np.int64]:
    values = pd.to_datetime(dates).to_numpy(dtype="datetime64[D]")
    return np.searchsorted(days, values).astype(np.int64)


class _Book:
    """Running daily arrays of the committed funds (flows, true values) for the mirror."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        n = calendar.n_days
        self.flows = np.zeros(n)
        self.value = np.zeros(n)
        self.funds: list[tuple[FundSpec, FundTables, NDArray[np.float64], NDArray[np.float64]]] = []

    def add(self, spec: FundSpec, tables: FundTables) -> None:
        days = self.calendar.days
        n = self.calendar.n_days
        cf = tables.cashflows
        pos = _day_positions(days, cf["date"])
        amount = cf["amount"].to_numpy(dtype=np.float64)
        sign = np.where(cf["kind"].to_numpy() == "distribution", 1.0, -1.0)
        self.flows += np.bincount(pos, weights=sign * amount, minlength=n)[:n]
        calls = np.bincount(
            pos, weights=np.where(cf["kind"].to_numpy() == "call", amount, 0.0), minlength=n
        )[:n]
        value = np.zeros(n)
        tpos = _day_positions(days, tables.truth["date"])
        value[tpos] = tables.truth["value"].to_numpy(dtype=np.float64)
        self.value += value
        self.funds.append((spec, tables, np.cumsum(calls), value))

    def states(self, k: int) -> list[FundState]:
        out: list[FundState] = []
        q_now = int(self.calendar.quarter_of_day[k])
        for spec, tables, paid_in, value in self.funds:
            inception = pd.Timestamp(str(tables.fund_params["inception"]))
            inc = int(np.searchsorted(self.calendar.days, np.datetime64(inception.date(), "D")))
            if inc > k or (value[k] <= 0.0 and paid_in[k] > 0.0):
                continue  # not called yet, or liquidated
            out.append(
                FundState(
                    asset_class=spec.asset_class.asset_class.value,
                    drawdown=spec.vehicle_type == VehicleType.DRAWDOWN,
                    commitment=float(tables.holding["commitment"]),  # type: ignore[arg-type]
                    paid_in=float(paid_in[k]),
                    value=float(value[k]),
                    age_quarters=q_now - int(self.calendar.quarter_of_day[inc]) + 1,
                )
            )
        return out


def _with_vintage(spec: FundSpec, year: int) -> FundSpec:
    """The spec of a deferred fund, moved to the year it is committed in."""
    name = spec.name.rsplit(" (", 1)[0]
    return replace(spec, vintage=year, name=f"{name} ({year})")


def _liquid_returns(
    market: Mapping[str, pd.Series], index: pd.DatetimeIndex, pacing: PacingParams
) -> FloatArray:
    total = sum(w for _, w in pacing.liquid_mix)
    out = np.zeros(len(index))
    for series_id, weight in pacing.liquid_mix:
        levels = _levels(market, series_id, index)
        out[1:] += weight / total * (levels[1:] / levels[:-1] - 1.0)
    return out


def _size_and_simulate(
    market: Mapping[str, pd.Series],
    index: pd.DatetimeIndex,
    calendar: Calendar,
    specs: list[FundSpec],
    fund_seeds: list[np.random.SeedSequence],
    log_returns: dict[str, FloatArray],
    orders: pd.DataFrame,
    params: SampleBookParams,
) -> _Sized:
    """Decide each year's commitment (``params.pacing``), point in time, and simulate the funds.

    Years are taken in order; a year's decision sees only the funds of earlier vintages, the
    orders and the market up to the last business day before its January (the mirror of the
    vehicle, :func:`vehicle_path`, is recomputed from the funds committed so far). A fund whose
    share of a year's commitment rounds to nothing is deferred to the next year that commits
    (its vintage moves); funds still deferred after the last year are not in the book.
    """
    pacing = params.pacing
    specs = list(specs)  # a deferred fund's spec moves to the year it is committed in

    def rng(i: int) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(fund_seeds[i]))

    def simulate(i: int, commitment: float | None) -> FundTables:
        spec = specs[i]
        return simulate_fund(
            spec, calendar, log_returns[spec.asset_class.driver], params, rng(i), commitment
        )

    n = calendar.n_days
    liquid = _liquid_returns(market, index, pacing) if pacing.rule != "draw" else np.zeros(n)
    pos = _day_positions(calendar.days, orders["date"])
    sign = np.where(orders["kind"].to_numpy() == "purchase", 1.0, -1.0)
    net_orders = np.asarray(
        np.bincount(pos, weights=sign * orders["amount"].to_numpy(dtype=np.float64), minlength=n)[
            :n
        ],
        dtype=np.float64,
    )
    book = _Book(calendar)
    results: dict[int, FundTables] = {}
    rows: list[dict[str, object]] = []
    previous: float | None = None
    step = params.commitment_rounding
    pending: list[int] = []  # funds deferred from a year that committed nothing to them
    for year in sorted({s.vintage for s in specs}):
        members = pending + [i for i, s in enumerate(specs) if s.vintage == year]
        pending = []
        if pacing.rule == "draw":
            for i in members:
                results[i] = simulate(i, None)
                book.add(specs[i], results[i])
            continue
        first = calendar.year_days(year)
        k = int(first[0]) - 1 if first.size else -1
        if k >= 0:
            na_path, share_path = vehicle_path(
                liquid, calendar.year_fraction, net_orders, book.flows, book.value, pacing
            )
            na, share = float(na_path[k]), float(share_path[k])
            window = (calendar.days > calendar.days[k] - np.timedelta64(365, "D")) & (
                np.arange(n) <= k
            )
            flow_rate = float(net_orders[window].sum() / na_path[window].mean())
            states = book.states(k)
        else:
            na, share, flow_rate, states = pacing.initial_assets, 0.0, 0.0, []
        sizes = np.array(
            [rng(i).uniform(params.commitment_min, params.commitment_max) for i in members]
        )
        weights = sizes / sizes.sum()
        mix = [
            (
                specs[i].asset_class.asset_class.value,
                specs[i].vehicle_type == VehicleType.DRAWDOWN,
                float(w),
            )
            for i, w in zip(members, weights, strict=True)
        ]
        if pacing.rule == "planner":
            decision = decide_commitment(pacing, na, share, flow_rate, states, mix, previous)
        else:
            decision = {
                "planner": float("nan"),
                "feedback": float("nan"),
                "cap_bound": float("nan"),
                "commitment": pacing.constant_amount,
            }
        # at least commitment_min per fund: the year's amount goes to as many of its funds
        # (deferred ones first) as it allows; the others wait for the next year that commits
        n_take = min(len(members), int(decision["commitment"] // params.commitment_min))
        taken = members[:n_take]
        pending = members[n_take:]
        share_of = sizes[:n_take] / sizes[:n_take].sum() if n_take else sizes[:0]
        committed = 0.0
        for i, w in zip(taken, share_of, strict=True):
            c = max(round(decision["commitment"] * float(w) / step) * step, params.commitment_min)
            if specs[i].vintage != year:
                specs[i] = _with_vintage(specs[i], year)
            results[i] = simulate(i, float(c))
            book.add(specs[i], results[i])
            committed += c
        decision = {**decision, "rule": decision["commitment"], "commitment": committed}
        made = n_take
        previous = committed
        rows.append(
            {
                "year": year,
                "decided_on": pd.Timestamp(calendar.days[max(k, 0)]),
                "net_assets": na,
                "private_share": share,
                "net_flow_rate": flow_rate,
                **decision,
                "funds": made,
            }
        )
    na_path, share_path = vehicle_path(
        liquid, calendar.year_fraction, net_orders, book.flows, book.value, pacing
    )
    vehicle = pd.DataFrame(
        {
            "date": pd.DatetimeIndex(calendar.days.astype("datetime64[ns]")),
            "net_assets": na_path,
            "private_value": book.value,
            "private_share": share_path,
        }
    )
    decisions = pd.DataFrame(rows, columns=list(PACING_COLUMNS))
    return _Sized([results[i] for i in sorted(results)], decisions, vehicle)
