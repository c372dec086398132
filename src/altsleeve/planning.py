"""Pacing at the edges: the planner and the cash-flow calendar wired to a vehicle and to data.

Owns what joins the pure pacing core (:mod:`altsleeve.pacing`) to the rest: the vehicle's outlook
(glide-path targets and liquid mix per quarter, from a :class:`~altsleeve.fund.Vehicle`), the
scenarios bootstrapped from the real market history known on a date, the calls and distributions
the GPs have noticed before their dates (:func:`noticed_flows`: certain), the expected calls and
distributions over the next 30/90/365 days with the notices counted once, the ledger reads of all
these as known on a date (and, with ``recorded_at``, as recorded by a time), and the backtest of
the planner on the SYNTHETIC sample book with the vehicle struck by the fund engine. Must not
change the ledger (it only reads it and the frames it is given) and must not hold model equations
(they belong to the pacing core).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.fund import StrikeInputs, Vehicle, launch_state, strike_days
from altsleeve.ledger import Ledger
from altsleeve.marketdata import history_statement, long_history
from altsleeve.pacing import (
    PacingPlan,
    PlannerSettings,
    Scenarios,
    StochasticSettings,
    VehicleOutlook,
    book_state,
    bootstrap_scenarios,
    plan_commitments,
    quarterly_returns,
    simulate_holdings,
)
from altsleeve.samplebook import generate_sample_book, simulate_extra_fund

ProgressFn = Callable[[str], None]

#: Scenario columns every plan bootstraps together (one common index per path): the long real
#: history of each asset type (:data:`altsleeve.marketdata.LONG_HISTORY`) plus the Baa bond.
SCENARIO_COLUMNS: tuple[str, ...] = ("FF_MKT_TR", "BOND_AAA_TR", "BOND_BAA_TR", "CASH_TBILL")


def sleeve_histories(vehicle: Vehicle) -> dict[str, str]:
    """The long real series each liquid and cash sleeve of ``vehicle`` is bootstrapped from.

    A sleeve maps by its ``asset_type`` (:func:`altsleeve.marketdata.long_history`: equity to
    ``FF_MKT_TR``, bond to ``BOND_AAA_TR``, cash to ``CASH_TBILL``), never by its series' name:
    the vehicle's own daily series are too short to bootstrap decades from, so every sleeve of a
    type earns that type's real history in the scenarios (the S&P 500 price index of the sample
    vehicle maps to the market's total return, so scenario equity returns include dividends).

    Returns
    -------
    dict
        Sleeve id -> series id of :data:`SCENARIO_COLUMNS`, in sleeve order.

    Raises
    ------
    InputError
        A sleeve whose asset type has no shipped long history (crypto, other), naming the
        vehicle's key.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for i, s in enumerate(vehicle.sleeves):
        if s.kind == "private":
            continue
        try:
            out[s.id] = long_history(str(s.asset_type)).series_id
        except ValueError as exc:
            problems.append(
                Problem(
                    f"vehicle {vehicle.vehicle.id}",
                    f"sleeve {s.id!r} (series {s.series}): {exc}",
                    column=f"sleeves[{i}].asset_type",
                )
            )
    if problems:
        raise InputError(problems)
    return out


def history_used(vehicle: Vehicle, *, private: bool = True) -> dict[str, str]:
    """What each asset type of ``vehicle`` was bootstrapped from, for a command's output.

    ``{"equity": "FF_MKT_TR (arch, real, 1926-2018)", ...}`` for the asset types of its liquid
    and cash sleeves, and, with ``private``, the private funds' growth link
    (:func:`altsleeve.marketdata.history_statement`).
    """
    sleeve_histories(vehicle)  # refuses a type with no history
    types = [str(s.asset_type) for s in vehicle.sleeves if s.kind != "private"]
    return history_statement(types, private=private)


def _quiet(_: str) -> None:
    return None


def quarter_ends_after(as_of: pd.Timestamp, n_quarters: int) -> pd.DatetimeIndex:
    """The ``n_quarters`` quarter ends after ``as_of`` (the first is the end of its quarter)."""
    first = (pd.Timestamp(as_of).normalize() + pd.offsets.QuarterEnd(1)).normalize()
    return pd.date_range(first, periods=n_quarters, freq="QE")


def vehicle_outlook(
    vehicle: Vehicle, as_of: pd.Timestamp, net_assets: float, n_quarters: int
) -> VehicleOutlook:
    """Targets and the liquid mix of ``vehicle`` for the next ``n_quarters`` quarter ends.

    The liquid weights are the glide path's liquid and cash weights at each quarter end, rescaled
    to sum to one and mapped to their scenario series by asset type (:func:`sleeve_histories`).
    """
    if not any(s.kind == "private" for s in vehicle.sleeves):
        raise ValueError(f"vehicle {vehicle.vehicle.id} has no private sleeve to plan")
    ends = quarter_ends_after(as_of, n_quarters)
    matrix = vehicle.target_matrix(ends)
    ids = vehicle.sleeve_ids
    private_ids = [s.id for s in vehicle.sleeves if s.kind == "private"]
    p_idx = ids.index(private_ids[0])
    liquid = pd.DataFrame(0.0, index=ends, columns=list(SCENARIO_COLUMNS))
    for sid, col in sleeve_histories(vehicle).items():
        liquid[col] += matrix[:, ids.index(sid)]
    liquid = liquid.div(liquid.sum(axis=1), axis=0)
    band = next(s.band for s in vehicle.sleeves if s.kind == "private")
    return VehicleOutlook(
        net_assets=float(net_assets),
        quarter_ends=ends,
        private_target=np.asarray(matrix[:, p_idx], dtype=np.float64),
        private_max=float(vehicle.private.max),
        private_band=float(band),
        liquid_weights=liquid,
    )


def scenarios_as_of(
    market: Mapping[str, pd.Series],
    as_of: pd.Timestamp,
    n_paths: int,
    n_quarters: int,
    *,
    block_quarters: float = 4.0,
    seed: int = 0,
) -> Scenarios:
    """Bootstrap scenarios of :data:`SCENARIO_COLUMNS` from the history known on ``as_of``."""
    levels = {c: market[c] for c in SCENARIO_COLUMNS}
    returns = quarterly_returns(levels, end=as_of)
    return bootstrap_scenarios(
        returns, n_paths, n_quarters, block_quarters=block_quarters, seed=seed
    )


#: Cash-flow kinds a notice can announce before their date (a call notice, a distribution notice).
NOTICED_KINDS: tuple[str, ...] = ("call", "distribution")


def noticed_flows(cashflows: pd.DataFrame, as_of: dt.date | pd.Timestamp) -> pd.DataFrame:
    """Calls and distributions known on ``as_of`` but dated after it: the GPs' notices.

    A cash-flow row whose ``known_on`` is on or before ``as_of`` and whose ``date`` is after it
    (``known_on <= as_of < date``) is a notice: the amount and the day are known, the money has
    not moved yet (the strike books it on its date). Pure: filters the frame it is given.

    Parameters
    ----------
    cashflows : pandas.DataFrame
        ``holding_id``, ``date``, ``kind``, ``amount`` (dollars, positive), ``known_on`` (a
        missing ``known_on`` column means every flow is known on its date: no notice).
    as_of : date-like
        The day the notices are taken as known.

    Returns
    -------
    pandas.DataFrame
        ``holding_id, date, kind, amount, known_on`` of the noticed calls and distributions,
        sorted by date, kind and holding (dates ``datetime64``; amounts dollars).
    """
    cols = ["holding_id", "date", "kind", "amount", "known_on"]
    if cashflows.empty or "known_on" not in cashflows.columns:
        return pd.DataFrame(columns=cols)
    day = pd.Timestamp(as_of).normalize()
    dated = pd.to_datetime(cashflows["date"]).dt.normalize()
    known = pd.to_datetime(cashflows["known_on"]).dt.normalize()
    kind = cashflows["kind"].astype(str)
    rows = cashflows[(known <= day) & (dated > day) & kind.isin(NOTICED_KINDS)]
    out = pd.DataFrame(
        {
            "holding_id": rows["holding_id"].astype(str),
            "date": pd.to_datetime(rows["date"]),
            "kind": rows["kind"].astype(str),
            "amount": rows["amount"].astype(float).abs(),
            "known_on": pd.to_datetime(rows["known_on"]),
        },
        columns=cols,
    )
    return out.sort_values(["date", "kind", "holding_id"], ignore_index=True)


def noticed_in_window(
    noticed: pd.DataFrame, as_of: pd.Timestamp, days: int, kind: str
) -> dict[str, float]:
    """Dollars of ``kind`` noticed per holding and dated in ``(as_of, as_of + days]``."""
    if noticed.empty:
        return {}
    start = pd.Timestamp(as_of).normalize()
    stop = start + pd.Timedelta(days=days)
    dates = pd.to_datetime(noticed["date"])
    rows = noticed[(noticed["kind"] == kind) & (dates > start) & (dates <= stop)]
    sums = rows.groupby("holding_id")["amount"].sum()
    return {str(h): float(v) for h, v in sums.items()}


@dataclass(frozen=True)
class CashflowCalendar:
    """Expected calls and distributions over the next windows, with ranges.

    Attributes
    ----------
    sleeve : pandas.DataFrame
        One row per window (``days``) and ``kind``, dollars: ``mean`` and the quantile columns.
        Kinds: ``call`` and ``distribution`` (everything expected: the noticed amounts plus the
        model's remainder), ``net`` (distributions - calls), ``noticed_call`` and
        ``noticed_distribution`` (certain: the notices dated in the window, every quantile the
        same), ``model_call`` and ``model_distribution`` (the projection's flows of each holding
        less its noticed amount in the window, floored at zero, summed).
    holdings : pandas.DataFrame
        Per holding, window and kind (``call``, ``distribution``, ``net``): ``mean``, ``q05``,
        ``q95`` (everything expected, as in ``sleeve``) and ``noticed`` (the certain part),
        dollars. A holding with a notice but no live state (not projected) has its notices only.
    as_of : pandas.Timestamp
    noticed : pandas.DataFrame
        The notices themselves (:func:`noticed_flows`) dated within the longest window.
    """

    sleeve: pd.DataFrame
    holdings: pd.DataFrame
    as_of: pd.Timestamp
    noticed: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            columns=["holding_id", "date", "kind", "amount", "known_on"]
        )
    )


def _window_weights(as_of: pd.Timestamp, days: int, ends: pd.DatetimeIndex) -> np.ndarray:
    """Share of each projection quarter inside ``(as_of, as_of + days]`` (flows spread evenly)."""
    stop = as_of + pd.Timedelta(days=days)
    w = np.zeros(len(ends))
    start_q = as_of
    for i, end in enumerate(ends):
        q_start = (end - pd.offsets.QuarterEnd(1)).normalize()
        lo = max(q_start, start_q) if i == 0 else q_start
        span = (end - q_start).days
        covered = (min(end, stop) - lo).days
        if covered > 0:
            w[i] = covered / span if i else covered / max((end - lo).days, 1)
        if end >= stop:
            break
    return w


def cashflow_calendar(
    state: pd.DataFrame,
    scenarios: Scenarios,
    settings: StochasticSettings,
    as_of: pd.Timestamp,
    windows: tuple[int, ...] = (30, 90, 365),
    *,
    noticed: pd.DataFrame | None = None,
) -> CashflowCalendar:
    """Expected calls and distributions over the next ``windows`` days, with quantile ranges.

    The stochastic projection is quarterly; a quarter's flows are spread evenly over its days,
    and the first (part) quarter's flows over the days left in it after ``as_of``.

    Notices (``noticed``, :func:`noticed_flows`: calls and distributions known on ``as_of`` and
    dated after it) are certain: each counts in full in every window that holds its date. The
    projection knows nothing of them (a noticed call is still unfunded commitment in the state),
    so, on every path, a holding's projected calls in a window are reduced by its noticed calls
    dated in that window, floored at zero, and the same for distributions::

        calls_h(w, path) = noticed_h(w) + max(model_h(w, path) - noticed_h(w), 0)

    i.e. the larger of the notice and the projection: a notice is counted once, never on top of
    the projection's own estimate of the same money, and a notice above the projection raises
    the figure to the notice. Quantiles are taken over paths of the sums over holdings.
    Dollars throughout (docs/pacing.md, "Noticed calls").
    """
    as_of = pd.Timestamp(as_of).normalize()
    n_q = max(int(np.ceil(max(windows) / 91.0)) + 1, 1)
    ends = quarter_ends_after(as_of, n_q)
    if len(state) == 0:
        raise ValueError("the book holds no live holding on this date")
    sim = StochasticSettings(
        n_paths=settings.n_paths,
        n_quarters=n_q,
        block_quarters=settings.block_quarters,
        call_rate_sd=settings.call_rate_sd,
        distribution_rate_sd=settings.distribution_rate_sd,
        distribution_market_link=settings.distribution_market_link,
        quantiles=settings.quantiles,
        seed=settings.seed,
    )
    paths = simulate_holdings(state, scenarios, sim)
    notes = noticed_flows(pd.DataFrame(), as_of) if noticed is None else noticed
    qs = settings.quantiles
    ids = [str(h) for h in paths.holding_ids]
    sleeve_rows: list[dict[str, Any]] = []
    hold_rows: list[dict[str, Any]] = []

    def sleeve_row(days: int, kind: str, total: np.ndarray) -> dict[str, Any]:
        return {
            "days": days,
            "until": (as_of + pd.Timedelta(days=days)).date(),
            "kind": kind,
            "mean": float(total.mean()),
            **{f"q{round(100 * q):02d}": float(np.quantile(total, q)) for q in qs},
        }

    for days in windows:
        w = _window_weights(as_of, days, ends)
        model = {
            "call": np.einsum("hpq,q->hp", paths.call, w),
            "distribution": np.einsum("hpq,q->hp", paths.distribution, w),
        }
        per_hold: dict[str, np.ndarray] = {}
        certain: dict[str, np.ndarray] = {}
        rest: dict[str, np.ndarray] = {}
        extra: dict[str, dict[str, float]] = {}
        for kind, arr in model.items():
            by_holding = noticed_in_window(notes, as_of, days, kind)
            known = np.array([by_holding.get(h, 0.0) for h in ids])
            rest[kind] = np.maximum(arr - known[:, None], 0.0)
            per_hold[kind] = known[:, None] + rest[kind]
            certain[kind] = known
            extra[kind] = {h: v for h, v in by_holding.items() if h not in set(ids)}
        per_hold["net"] = per_hold["distribution"] - per_hold["call"]
        certain["net"] = certain["distribution"] - certain["call"]
        n_paths = per_hold["call"].shape[1]
        for kind in ("call", "distribution", "net"):
            if kind == "net":
                outside = sum(extra["distribution"].values()) - sum(extra["call"].values())
            else:
                outside = sum(extra[kind].values())
            sleeve_rows.append(sleeve_row(days, kind, per_hold[kind].sum(axis=0) + outside))
        for kind in ("call", "distribution"):
            noticed_total = float(certain[kind].sum()) + sum(extra[kind].values())
            sleeve_rows.append(sleeve_row(days, f"noticed_{kind}", np.full(n_paths, noticed_total)))
            sleeve_rows.append(sleeve_row(days, f"model_{kind}", rest[kind].sum(axis=0)))
        for kind in ("call", "distribution", "net"):
            arr = per_hold[kind]
            for i, hid in enumerate(ids):
                hold_rows.append(
                    {
                        "holding_id": hid,
                        "days": days,
                        "kind": kind,
                        "mean": float(arr[i].mean()),
                        "q05": float(np.quantile(arr[i], 0.05)),
                        "q95": float(np.quantile(arr[i], 0.95)),
                        "noticed": float(certain[kind][i]),
                    }
                )
            outside_ids = sorted(set(extra["call"]) | set(extra["distribution"]))
            for hid in outside_ids:
                c, d = extra["call"].get(hid, 0.0), extra["distribution"].get(hid, 0.0)
                v = {"call": c, "distribution": d, "net": d - c}[kind]
                hold_rows.append(
                    {
                        "holding_id": hid,
                        "days": days,
                        "kind": kind,
                        "mean": v,
                        "q05": v,
                        "q95": v,
                        "noticed": v,
                    }
                )
    stop = as_of + pd.Timedelta(days=max(windows))
    listed = notes[pd.to_datetime(notes["date"]) <= stop].reset_index(drop=True)
    return CashflowCalendar(pd.DataFrame(sleeve_rows), pd.DataFrame(hold_rows), as_of, listed)


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
    progress: ProgressFn = _quiet,
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
            progress(f"{year}: committed ${sum(amounts.values()) / 1e6:,.1f}m ({strategy})")
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
    from altsleeve.workflows import market_paths

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

    ``recorded_at``: the recorded-time cutoff (UTC; default none): strikes recorded after it
    (a later restrike of a day) are not seen.
    """
    day = pd.Timestamp(as_of)
    strikes = ledger.as_known_on(as_of, recorded_at=recorded_at, tables=("strikes",)).strikes
    strikes = strikes[strikes["vehicle"] == vehicle.vehicle.id].sort_values("date")
    strikes = strikes[pd.to_datetime(strikes["date"]) <= day].reset_index(drop=True)
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
    dates = pd.to_datetime(strikes["date"])
    last = strikes.iloc[-1]
    year = strikes[dates > day - pd.Timedelta(days=365)]
    # the day's orders are recorded inside each strike's JSON components
    parts = [json.loads(str(c)) for c in year["components"]]
    flow = float(sum(float(p["purchases"]) - float(p["redemptions"]) for p in parts))
    rate = flow / float(year["net_assets"].mean()) if len(year) else 0.0
    return VehicleFacts(float(last["net_assets"]), pd.Timestamp(last["date"]), rate)


def arch_market() -> dict[str, pd.Series]:
    """Every series of :func:`~altsleeve.marketdata.load_arch_market_data` as level series."""
    from altsleeve.marketdata import load_arch_market_data

    out: dict[str, pd.Series] = {}
    for s in load_arch_market_data():
        frame = s.data
        out[s.meta.series_id] = pd.Series(
            frame["level"].to_numpy(dtype=float),
            index=pd.DatetimeIndex(frame["date"]).astype("datetime64[ns]"),
            name=s.meta.series_id,
        )
    return out


def plan_chart(plan: PacingPlan, path: Path, title: str) -> Path:
    """Draw the plan (private share bands, target, band, maximum; commitments) to PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    share = plan.share
    fig, (ax, bx) = plt.subplots(
        2, 1, figsize=(10, 7), sharex=False, gridspec_kw={"height_ratios": [3, 1]}
    )
    x = share.index
    ax.fill_between(x, share["q05"], share["q95"], alpha=0.2, color="C0", label="5-95%")
    ax.fill_between(x, share["q25"], share["q75"], alpha=0.35, color="C0", label="25-75%")
    ax.plot(x, share["q50"], color="C0", label="median with plan")
    ax.plot(x, share["median_no_plan"], color="0.5", ls=":", label="median, no new commitment")
    ax.plot(x, share["target"], color="k", label="target")
    ax.plot(x, share["lower"], color="k", ls="--", lw=0.8, label="band")
    ax.plot(x, share["max"], color="C3", ls="--", label="maximum")
    ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_ylabel("private share of net assets")
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, ncol=3)
    by_year = plan.commitments.pivot_table(
        index="year", columns="asset_class", values="commitment", aggfunc="sum"
    )
    (by_year / 1e6).plot(kind="bar", stacked=True, ax=bx, width=0.8)
    bx.set_ylabel("commitments ($m)")
    bx.set_xlabel("plan year")
    bx.legend(fontsize=7, ncol=5)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def compare_strategies(
    market: Mapping[str, pd.Series],
    vehicle: Vehicle,
    *,
    start_year: int = 2003,
    seed: int = 2045,
    settings: StochasticSettings | None = None,
    planner: PlannerSettings | None = None,
    progress: ProgressFn = _quiet,
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
        progress(f"constant plan: ${amount / 1e6:,.1f}m a year")
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
