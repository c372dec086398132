"""Pacing against the ledger: the plan and the calls calendar as known on a date, and the backtest.

Owns the ledger reads of the planner's inputs as known on a date (and, with ``recorded_at``, as
recorded by a time): market history, the book's state, the noticed flows and the vehicle's
facts; and the backtest of the planner on the SYNTHETIC sample book with the vehicle struck by
the fund engine. Must not change the ledger and must not hold model equations (they belong to
:mod:`altsleeve.pacing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.fund import (
    StrikeInputs,
    Vehicle,
    launch_state,
    strike_days,
    trailing_flows,
)
from altsleeve.ledger import Ledger
from altsleeve.pacing import (
    PacingPlan,
    PlannerSettings,
    StochasticSettings,
    book_state,
    plan_commitments,
)
from altsleeve.pacing._outlook import (
    SCENARIO_COLUMNS,
    noticed_flows,
    scenarios_as_of,
    vehicle_outlook,
)
from altsleeve.samplebook import generate_sample_book, simulate_extra_fund
from altsleeve.workflows import pit

# -- the backtest on the synthetic sample book -------------------------------------------------


@dataclass(frozen=True)
class PacingBacktest:
    """One strategy followed on the SYNTHETIC sample book, the vehicle struck every day.

    Attributes
    ----------
    strategy : str
        ``planner`` or ``constant``.
    daily : pandas.DataFrame
        Per business day from the start year: ``net_assets``, ``private_value`` (true NAV of the
        synthetic funds, dollars), ``private_share``, ``target``, ``lower``, ``upper``.
    commitments : pandas.DataFrame
        ``year``, ``asset_class``, ``commitment`` (dollars) made by the strategy.
    summary : dict
        ``days``, ``share_in_band`` (decimal of days with lower <= share <= upper),
        ``days_above_max``, ``mean_abs_gap`` (mean |share - target|), ``max_share``,
        ``min_share``, ``committed`` (dollars).
    """

    strategy: str
    daily: pd.DataFrame
    commitments: pd.DataFrame
    summary: dict[str, float]


def _by_day(frame: pd.DataFrame, kind: str, days: pd.DatetimeIndex) -> pd.Series:
    """Sum of a kind of flow per strike day (a flow on a holiday goes to the next day struck)."""
    rows = frame[frame["kind"] == kind]
    d = np.asarray(pd.to_datetime(rows["date"]), dtype="datetime64[ns]")
    pos = np.searchsorted(np.asarray(days.values, dtype="datetime64[ns]"), d, side="left")
    keep = pos < len(days)
    s = pd.Series(rows["amount"].to_numpy(dtype=float)[keep], index=days[pos[keep]])
    return s.groupby(level=0).sum().reindex(days, fill_value=0.0)


def run_pacing_backtest(
    market: Mapping[str, pd.Series],
    vehicle: Vehicle,
    *,
    strategy: str = "planner",
    constant_amount: float | None = None,
    seed: int = 2045,
    start_year: int = 2003,
    settings: StochasticSettings | None = None,
    planner: PlannerSettings | None = None,
    progress: ProgressFn = quiet,
) -> PacingBacktest:
    """Follow a commitment strategy on the sample book from ``start_year`` and strike the vehicle.

    The book's funds of vintages before ``start_year`` are kept; its later funds are replaced by
    the strategy's commitments. Each January the strategy decides the year's commitments as known
    on the last day of the previous year: ``planner`` runs :func:`plan_commitments` on the book's
    state then (:func:`book_state`, point in time) with the vehicle's net assets from the strike,
    its net participant flow over the last 12 months and scenarios bootstrapped from the history
    known then, and commits its first year; ``constant`` commits ``constant_amount`` dollars a year.
    Both split by the planner's class mix. Each commitment becomes a SYNTHETIC fund of the sample
    book's model (:func:`~altsleeve.samplebook.simulate_extra_fund`, driven by the real market
    path). The vehicle is struck daily by the fund engine with the funds' TRUE values as its
    private value (this measures pacing, not valuation), the book's participant orders and the
    funds' calls and distributions.

    Raises
    ------
    InputError
        When ``start_year`` is not after the first year of the S&P 500 history or is past its
        last year (``--start-year``).
    """
    if strategy not in ("planner", "constant"):
        raise ValueError(f"strategy = {strategy!r}: use 'planner' or 'constant'")
    if strategy == "constant" and not (constant_amount is not None and constant_amount >= 0):
        raise ValueError("the constant strategy needs constant_amount >= 0 dollars a year")
    days = pd.DatetimeIndex(market["SP500"].index.astype("datetime64[ns]"))
    if not days[0].year < start_year <= days[-1].year:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"--start-year {start_year} is outside {days[0].year + 1}..{days[-1].year}: "
                    "the strategy plans from the book's first full year of market history",
                    column="--start-year",
                )
            ]
        )
    settings = settings or StochasticSettings(n_paths=500)
    planner = planner or PlannerSettings()
    book = generate_sample_book(market, seed=seed)
    keep = book.holdings[book.holdings["vintage"] < start_year]
    kept = set(keep["holding_id"])
    holdings = keep.copy()
    cashflows = book.cashflows[book.cashflows["holding_id"].isin(kept)]
    statements = book.statements[book.statements["holding_id"].isin(kept)]
    truth = book.truth[book.truth["holding_id"].isin(kept)]
    series = [s.series for s in vehicle.sleeves if s.series is not None]
    prices = pd.DataFrame(
        {s: market[s].reindex(market[s].index.union(days)).ffill().reindex(days) for s in series},
        index=days,
    )
    orders = book.orders[book.orders["vehicle"] == vehicle.vehicle.id]
    purchases = _by_day(orders, "purchase", days)
    redemptions = _by_day(orders, "redemption", days)
    state = launch_state(vehicle, days[0], prices.iloc[0])
    struck: list[pd.DataFrame] = []
    made: list[dict[str, Any]] = []
    mix = dict(planner.mix)
    fees = sum(f.bp_per_year for f in vehicle.fees) / 1e4
    for year in range(days[0].year, days[-1].year + 1):
        in_year = days[days.year == year]
        if year >= start_year:
            as_of = days[days < pd.Timestamp(year, 1, 1)][-1]
            last = pd.concat(struck).iloc[-1]
            if strategy == "planner":
                st = book_state(holdings, cashflows, statements, as_of)
                window = orders[
                    (pd.to_datetime(orders["date"]) > as_of - pd.Timedelta(days=365))
                    & (pd.to_datetime(orders["date"]) <= as_of)
                ]
                signed = np.where(window["kind"] == "purchase", 1.0, -1.0)
                flow = float((signed * window["amount"].to_numpy(float)).sum())
                na_year = pd.concat(struck)["net_assets"]
                na_avg = float(na_year[na_year.index > as_of - pd.Timedelta(days=365)].mean())
                yearly = PlannerSettings(
                    years=planner.years,
                    lead_years=planner.lead_years,
                    cap_quantile=planner.cap_quantile,
                    aim=planner.aim,
                    net_flow_rate=flow / na_avg,
                    fee_rate=fees,
                    mix=planner.mix,
                )
                n_q = 4 * (planner.years + planner.lead_years)
                scen = scenarios_as_of(
                    market,
                    as_of,
                    settings.n_paths,
                    n_q,
                    block_quarters=settings.block_quarters,
                    seed=settings.seed + year,
                )
                outlook = vehicle_outlook(vehicle, as_of, float(last["net_assets"]), n_q)
                plan = plan_commitments(st, scen, settings, outlook, yearly)
                first = plan.commitments[plan.commitments["year"] == 1]
                amounts = dict(zip(first["asset_class"], first["commitment"], strict=True))
            else:
                assert constant_amount is not None
                amounts = {c: constant_amount * w for c, w in mix.items()}
            for k, (asset_class, amount) in enumerate(sorted(amounts.items())):
                if amount < 1.0:
                    continue
                hid = f"PLAN-{asset_class}-{year}"
                fund = simulate_extra_fund(
                    market,
                    asset_class,
                    year,
                    float(round(amount, 2)),
                    hid,
                    seed * 1000 + year * 10 + k,
                )
                holdings = pd.concat([holdings, pd.DataFrame([fund.holding])], ignore_index=True)
                cashflows = pd.concat([cashflows, fund.cashflows], ignore_index=True)
                statements = pd.concat([statements, fund.statements], ignore_index=True)
                truth = pd.concat([truth, fund.truth], ignore_index=True)
                made.append({"year": year, "asset_class": asset_class, "commitment": amount})
            progress(f"{year}: committed ${sum(amounts.values()) / 1e6:,.1f}m ({strategy})", 0, 1)
        private = truth.groupby("date")["value"].sum()
        private = private.reindex(private.index.union(in_year)).reindex(in_year).fillna(0.0)
        inputs = StrikeInputs(
            days=in_year,
            prices=prices.loc[in_year],
            private_value=private,
            calls=_by_day(cashflows, "call", days).loc[in_year],
            distributions=_by_day(cashflows, "distribution", days).loc[in_year],
            purchases=purchases.loc[in_year],
            redemptions=redemptions.loc[in_year],
        )
        frame, state = strike_days(vehicle, inputs, state)
        struck.append(frame.set_index(pd.DatetimeIndex(frame["date"])))
    rows = pd.concat(struck)
    rows = rows[rows.index >= pd.Timestamp(start_year, 1, 1)]
    target = pd.Series(
        vehicle.target_matrix(pd.DatetimeIndex(rows.index))[
            :, vehicle.sleeve_ids.index(next(s.id for s in vehicle.sleeves if s.kind == "private"))
        ],
        index=rows.index,
    )
    band = next(s.band for s in vehicle.sleeves if s.kind == "private")
    upper = np.minimum(target + band, vehicle.private.max)
    lower = np.maximum(target - band, 0.0)
    share = rows["value_private"] / rows["net_assets"]
    daily = pd.DataFrame(
        {
            "net_assets": rows["net_assets"],
            "private_value": rows["value_private"],
            "private_share": share,
            "target": target,
            "lower": lower,
            "upper": upper,
        }
    )
    commitments = pd.DataFrame(made, columns=["year", "asset_class", "commitment"])
    summary = {
        "days": float(len(daily)),
        "share_in_band": float(((share >= lower) & (share <= upper)).mean()),
        "days_above_max": float((share > vehicle.private.max).sum()),
        "days_below_lower": float((share < lower).sum()),
        "mean_abs_gap": float((share - target).abs().mean()),
        "max_share": float(share.max()),
        "min_share": float(share.min()),
        "committed": float(commitments["commitment"].sum()),
    }
    return PacingBacktest(strategy, daily, commitments, summary)


def plan_as_of(
    state: pd.DataFrame,
    market: Mapping[str, pd.Series],
    vehicle: Vehicle,
    as_of: dt.date | pd.Timestamp,
    net_assets: float,
    settings: StochasticSettings,
    planner: PlannerSettings,
) -> PacingPlan:
    """The planner's recommendation for ``vehicle`` on ``as_of`` (scenarios known that day)."""
    day = pd.Timestamp(as_of).normalize()
    n_q = 4 * (planner.years + planner.lead_years)
    scen = scenarios_as_of(
        market,
        day,
        settings.n_paths,
        n_q,
        block_quarters=settings.block_quarters,
        seed=settings.seed,
    )
    return plan_commitments(
        state, scen, settings, vehicle_outlook(vehicle, day, net_assets, n_q), planner
    )


# -- from the ledger -----------------------------------------------------------------------------


def ledger_market(
    ledger: Ledger, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> dict[str, pd.Series]:
    """The scenario series (:data:`SCENARIO_COLUMNS`) as the ledger knew them on ``as_of``.

    ``recorded_at``: the recorded-time cutoff (UTC; default none), as in
    :meth:`~altsleeve.ledger.Ledger.as_known_on`.
    """
    from altsleeve.workflows.marketdata import market_paths

    return market_paths(ledger, SCENARIO_COLUMNS, known_on=as_of, recorded_at=recorded_at)


def ledger_state(
    ledger: Ledger, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> pd.DataFrame:
    """The private book's projection state as the ledger knew it on ``as_of`` (point in time).

    ``recorded_at``: the recorded-time cutoff (UTC; default none).
    """
    snap = ledger.as_known_on(
        as_of, recorded_at=recorded_at, tables=("holdings", "cashflows", "statements")
    )
    return book_state(snap.holdings, snap.cashflows, snap.statements, as_of)


def ledger_noticed(
    ledger: Ledger, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> pd.DataFrame:
    """The calls and distributions noticed by ``as_of`` and dated after it (:func:`noticed_flows`).

    ``recorded_at``: the recorded-time cutoff (UTC; default none).
    """
    snap = ledger.as_known_on(as_of, recorded_at=recorded_at, tables=("cashflows",))
    return noticed_flows(snap.cashflows, as_of)


@dataclass(frozen=True)
class VehicleFacts:
    """What the planner reads about the vehicle from the ledger on a date.

    Attributes
    ----------
    net_assets : float
        Net assets at the last strike on or before the date (dollars).
    strike_date : pandas.Timestamp
        That strike's date.
    net_flow_rate : float
        Participants' purchases minus redemptions over the 365 days to the date, divided by the
        average net assets struck then (decimal a year).
    """

    net_assets: float
    strike_date: pd.Timestamp
    net_flow_rate: float


def vehicle_facts(
    ledger: Ledger, vehicle: Vehicle, as_of: dt.date, *, recorded_at: dt.datetime | None = None
) -> VehicleFacts:
    """Net assets and the net flow rate of ``vehicle`` as struck and known on ``as_of``.

    The net flow rate is :func:`altsleeve.fund.trailing_flows`'s over the year to ``as_of``
    (purchases less redemptions over the mean net assets struck, a year).

    ``recorded_at``: the recorded-time cutoff (UTC; default none): strikes recorded after it
    (a later restrike of a day) are not seen.
    """
    day = pd.Timestamp(as_of)
    strikes = pit.strikes(ledger, vehicle.vehicle.id, as_of=as_of, recorded_at=recorded_at)
    if strikes.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no strike of {vehicle.vehicle.id} on or before {as_of}; run "
                    "`altsleeve strike --to DATE` first or give --net-assets",
                    column="--as-of",
                )
            ]
        )
    last = strikes.iloc[-1]
    orders = ledger.as_known_on(as_of, recorded_at=recorded_at, tables=("orders",)).orders
    orders = orders[orders["vehicle"] == vehicle.vehicle.id]
    # the one definition of the participant flow rate (altsleeve.fund.trailing_flows)
    rate = trailing_flows(orders, strikes, day).net_rate
    return VehicleFacts(float(last["net_assets"]), pd.Timestamp(last["date"]), rate)


def compare_strategies(
    market: Mapping[str, pd.Series],
    vehicle: Vehicle,
    *,
    start_year: int = 2003,
    seed: int = 2045,
    settings: StochasticSettings | None = None,
    planner: PlannerSettings | None = None,
    progress: ProgressFn = quiet,
) -> dict[str, Any]:
    """The planner against two naive constant-commitment plans on the sample book.

    * ``planner``: :func:`run_pacing_backtest` with ``strategy="planner"``;
    * ``constant (same dollars)``: the planner's average yearly commitment, every year (the same
      money, not paced);
    * ``constant (one third of target)``: each year one third of the target private NAV on the
      first day planned (target weight x net assets then), the common rule of thumb for a
      three-year deployment.
    """
    runs: list[tuple[str, PacingBacktest]] = []
    plan = run_pacing_backtest(
        market,
        vehicle,
        strategy="planner",
        seed=seed,
        start_year=start_year,
        settings=settings,
        planner=planner,
        progress=progress,
    )
    runs.append(("planner", plan))
    n_years = len(range(start_year, plan.daily.index[-1].year + 1))
    same = plan.summary["committed"] / n_years
    first = plan.daily.iloc[0]
    third = float(first["target"] * first["net_assets"]) / 3.0
    for label, amount in (
        ("constant (same dollars)", same),
        ("constant (one third of target)", third),
    ):
        progress(f"constant plan: ${amount / 1e6:,.1f}m a year", 0, 1)
        runs.append(
            (
                label,
                run_pacing_backtest(
                    market,
                    vehicle,
                    strategy="constant",
                    constant_amount=amount,
                    seed=seed,
                    start_year=start_year,
                    settings=settings,
                    planner=planner,
                ),
            )
        )
    return {
        "start_year": start_year,
        "book_seed": seed,
        "note": "SYNTHETIC sample book funds (true values from a factor model driven by real "
        "S&P 500 / NASDAQ paths); the vehicle struck daily by the fund engine",
        "strategies": [
            {
                "label": label,
                "summary": run.summary,
                "commitments_by_year": {
                    int(y): float(v) for y, v in zip(*_by_year(run.commitments), strict=True)
                },
            }
            for label, run in runs
        ],
    }


def _by_year(commitments: pd.DataFrame) -> tuple[list[int], list[float]]:
    """Years and the total committed in each."""
    sums = commitments.groupby("year")["commitment"].sum()
    return [int(y) for y in sums.index.to_numpy()], [float(v) for v in sums.to_numpy()]


# -- the use cases of ``pacing plan``, ``calls`` and ``pacing backtest`` --------------------------


def planner_settings(
    vehicle: Vehicle,
    *,
    years: int = 10,
    lead_years: int = 3,
    mix: tuple[tuple[str, float], ...] | None = None,
    net_flow_rate: float | None = None,
) -> PlannerSettings:
    """The planner's settings for ``vehicle``.

    Its fees a year, the class mix (default the planner's) and the net flow (default 0 until
    read from the ledger).

    Raises
    ------
    ValueError
        When the settings are refused (the CLI names the option).
    """
    return PlannerSettings(
        years=years,
        lead_years=lead_years,
        net_flow_rate=net_flow_rate or 0.0,
        fee_rate=sum(f.bp_per_year for f in vehicle.fees) / 1e4,
        mix=mix or PlannerSettings().mix,
    )


@dataclass(frozen=True)
class PacingPlanResult:
    """The planner's recommendation as of a day, with the book and vehicle facts it started from.

    Attributes
    ----------
    vehicle : str
    as_of : datetime.date
    net_assets : float
        Net assets planned on (dollars; the last strike's unless given).
    net_flow_rate : float
        Net participant flow a year (decimal of net assets).
    holdings : int
        Live private holdings known on the day.
    private_nav_known, unfunded_known : float
        Their NAV and unfunded commitments known on the day (dollars).
    paths, seed : int
        The scenarios' bootstrap paths and seed.
    history : dict
        The shipped real series each asset type was bootstrapped from.
    plan : PacingPlan
        ``commitments`` (year, asset_class, commitment), ``yearly`` and ``share``.
    chart : str or None
        The chart drawn from it, where one was drawn (then in ``to_dict()``).
    """

    vehicle: str
    as_of: dt.date
    net_assets: float
    net_flow_rate: float
    holdings: int
    private_nav_known: float
    unfunded_known: float
    paths: int
    seed: int
    history: dict[str, str]
    plan: PacingPlan
    chart: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """What ``pacing plan --json`` prints (``chart`` only where one was drawn)."""
        d: dict[str, Any] = {
            "vehicle": self.vehicle,
            "as_of": self.as_of.isoformat(),
            "net_assets": self.net_assets,
            "net_flow_rate": self.net_flow_rate,
            "holdings": self.holdings,
            "private_nav_known": self.private_nav_known,
            "unfunded_known": self.unfunded_known,
            "paths": self.paths,
            "seed": self.seed,
            "history": self.history,
            "commitments": self.plan.commitments.to_dict(orient="records"),
            "yearly": self.plan.yearly.to_dict(orient="records"),
            "share": self.plan.share.reset_index().to_dict(orient="records"),
        }
        if self.chart is not None:
            d["chart"] = self.chart
        return d


def pacing_plan(
    ledger: Ledger,
    vehicle: Vehicle,
    as_of: dt.date,
    *,
    planner: PlannerSettings,
    settings: StochasticSettings,
    net_assets: float | None = None,
    net_flow_rate: float | None = None,
    progress: ProgressFn = quiet,
) -> PacingPlanResult:
    """Commitments per year and asset class to hold ``vehicle``'s private target, as of a day.

    Net assets and the net flow rate default to the ledger's (:func:`vehicle_facts`); the book's
    state and the market history are read as known on ``as_of`` (:func:`ledger_state`,
    :func:`ledger_market`) and the planner runs on ``settings.n_paths`` bootstrap paths
    (:func:`plan_as_of`).
    """
    from altsleeve.pacing._outlook import history_used

    na, flow = net_assets, net_flow_rate
    if na is None or flow is None:
        facts = vehicle_facts(ledger, vehicle, as_of)
        na = facts.net_assets if na is None else na
        flow = facts.net_flow_rate if flow is None else flow
    planner = replace(planner, net_flow_rate=flow)
    progress("reading the book as known on " + as_of.isoformat(), 0, 3)
    state = ledger_state(ledger, as_of)
    market = ledger_market(ledger, as_of)
    progress(f"projecting {len(state)} holdings x {settings.n_paths} paths", 1, 3)
    plan = plan_as_of(state, market, vehicle, as_of, na, settings, planner)
    progress("plan ready", 3, 3)
    return PacingPlanResult(
        vehicle=vehicle.vehicle.id,
        as_of=as_of,
        net_assets=na,
        net_flow_rate=flow,
        holdings=len(state),
        private_nav_known=float(state["nav"].sum()) if len(state) else 0.0,
        unfunded_known=float((state["commitment"] - state["paid_in"]).clip(lower=0).sum())
        if len(state)
        else 0.0,
        paths=settings.n_paths,
        seed=settings.seed,
        history=history_used(vehicle),
        plan=plan,
    )


@dataclass(frozen=True)
class CallsCalendar:
    """Expected calls and distributions over the next 30, 90 and 365 days, with ranges.

    Attributes
    ----------
    as_of : datetime.date
    paths : int
    sleeve : pandas.DataFrame
        Per window (``days``, ``until``) and ``kind`` (call, noticed_call, model_call,
        distribution, noticed_distribution, model_distribution, net): ``mean``, ``q05``,
        ``q50``, ``q95`` (dollars).
    holdings : pandas.DataFrame
        The same per holding (``holding_id``), with ``noticed``.
    noticed : list of dict
        The flows noticed on or before the day and dated after it: ``holding_id``, ``date``,
        ``kind``, ``amount``, ``known_on``.
    history : dict
        The shipped real series each asset type was bootstrapped from.
    """

    as_of: dt.date
    paths: int
    sleeve: pd.DataFrame
    holdings: pd.DataFrame
    noticed: list[dict[str, Any]]
    history: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        """What ``calls --json`` prints."""
        return {
            "as_of": self.as_of.isoformat(),
            "paths": self.paths,
            "sleeve": self.sleeve.to_dict(orient="records"),
            "holdings": self.holdings.to_dict(orient="records"),
            "noticed": self.noticed,
            "history": self.history,
        }


def calls_calendar(
    ledger: Ledger,
    as_of: dt.date,
    *,
    settings: StochasticSettings,
    progress: ProgressFn = quiet,
) -> CallsCalendar:
    """The private sleeve's cash-flow calendar after ``as_of``, as known that day.

    Noticed flows (known on the day, dated after it) are certain and each holding's projection
    is reduced by them (:func:`~altsleeve.pacing._outlook.cashflow_calendar`).

    Raises
    ------
    InputError
        When no private holding is live on ``as_of`` (``--as-of``).
    """
    from altsleeve.marketdata import history_statement
    from altsleeve.pacing._outlook import cashflow_calendar

    paths, seed = settings.n_paths, settings.seed
    progress("reading the book as known on " + as_of.isoformat(), 0, 2)
    state = ledger_state(ledger, as_of)
    if state.empty:
        raise InputError(
            [Problem(str(ledger.path), f"no live private holding on {as_of}", column="--as-of")]
        )
    notices = ledger_noticed(ledger, as_of)
    scen = scenarios_as_of(ledger_market(ledger, as_of), pd.Timestamp(as_of), paths, 6, seed=seed)
    progress(f"projecting {len(state)} holdings x {paths} paths", 1, 2)
    cal = cashflow_calendar(state, scen, settings, pd.Timestamp(as_of), noticed=notices)
    progress("calendar ready", 2, 2)
    noticed_rows: list[dict[str, Any]] = [
        {
            "holding_id": str(r["holding_id"]),
            "date": pd.Timestamp(r["date"]).date().isoformat(),
            "kind": str(r["kind"]),
            "amount": float(r["amount"]),
            "known_on": pd.Timestamp(r["known_on"]).date().isoformat(),
        }
        for r in cal.noticed.to_dict(orient="records")
    ]
    return CallsCalendar(
        as_of=as_of,
        paths=paths,
        sleeve=cal.sleeve,
        holdings=cal.holdings,
        noticed=noticed_rows,
        history=history_statement((), private=True),
    )


@dataclass(frozen=True)
class PacingBacktestResult:
    """The planner against constant plans on the SYNTHETIC sample book (:func:`compare_strategies`).

    ``strategies``: per strategy its ``label``, ``summary`` and ``commitments_by_year``.
    """

    start_year: int
    book_seed: int
    note: str
    strategies: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """What ``pacing backtest --json`` prints."""
        return {
            "start_year": self.start_year,
            "book_seed": self.book_seed,
            "note": self.note,
            "strategies": self.strategies,
        }


def pacing_backtest(
    vehicle: Vehicle,
    *,
    start_year: int = 2003,
    book_seed: int = 2045,
    settings: StochasticSettings | None = None,
    progress: ProgressFn = quiet,
) -> PacingBacktestResult:
    """Follow the planner on the SYNTHETIC sample book and compare two constant plans.

    From ``start_year`` on arch's real market history (:func:`compare_strategies`).
    """
    from altsleeve.marketdata import SERIES_IDS, arch_levels

    res = compare_strategies(
        arch_levels(SERIES_IDS),
        vehicle,
        start_year=start_year,
        seed=book_seed,
        settings=settings,
        progress=progress,
    )
    return PacingBacktestResult(
        start_year=int(res["start_year"]),
        book_seed=int(res["book_seed"]),
        note=str(res["note"]),
        strategies=list(res["strategies"]),
    )
