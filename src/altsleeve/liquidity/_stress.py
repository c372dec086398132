"""The stress engine: the daily strike run forward under a scenario, with a crisis policy on top.

Owns laying a scenario's shocks over a base path (:func:`apply_shocks`), running the vehicle's
own daily strike (:func:`altsleeve.fund.strike_days`) through the stressed days with the crisis
actions the strike itself does not take (plan-level withdrawals and their gate, secondary sales
of the private book at a discount), the day-by-day stress measures and their summary
(:func:`run_stress`), and sizing the liquid buffer and the private share that survive a set of
scenarios (:func:`size_buffer`, :func:`largest_private_share`). Pure: paths and designs in,
frames and dataclasses out. Must not read files or the ledger (the edge
:mod:`altsleeve.workflows.stress` builds the base paths) nor value holdings.

Units: money in dollars; shares are decimals of net assets; days are business days of the path.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.fund import (
    StrikeInputs,
    StrikeState,
    Vehicle,
    strike_days,
)
from altsleeve.liquidity._design import Design
from altsleeve.liquidity._scenario import (
    EquityShock,
    Gate,
    MultiplierShock,
    PlanWithdrawal,
    RatioShock,
    Scenario,
    Secondary,
)
from altsleeve.performance import max_drawdown

#: Business days in a quarter: a gate's period and the spacing of cap-curing secondary sales.
QUARTER_DAYS = 63
#: A cap-curing secondary sale brings the private share this far below the maximum.
CURE_MARGIN = 0.01


@dataclass(frozen=True)
class StressPath:
    """The daily inputs of a stress run, before the design is applied.

    ``days[0]`` is the start day: the vehicle's net assets and unit price are known at its close
    and the run strikes ``days[1:]``. Every series is indexed by ``days`` exactly.

    Attributes
    ----------
    days : pandas.DatetimeIndex
        Business days, strictly ascending, tz-naive.
    prices : pandas.DataFrame
        Level of every liquid and cash sleeve's series per day (index levels).
    private_reported : pandas.Series
        The private sleeve's value the vehicle strikes with (its valuation as known that day),
        dollars, after the day's calls and distributions.
    private_true : pandas.Series
        The private sleeve's true value (the sample book's SYNTHETIC truth, or the reported value
        when no truth is known), dollars.
    calls, distributions : pandas.Series
        The private book's capital calls and distributions per day, dollars.
    purchases, redemptions : pandas.Series
        Participant purchases and redemptions per day, dollars.
    start_net_assets : float
        Net assets at the start day's close, dollars.
    start_nav_per_unit : float
        Unit price at the start day's close, dollars a unit.
    equity_series : tuple of str
        The price series that an ``equity`` shock moves.
    label : str
        Where the path comes from (for reports).
    """

    days: pd.DatetimeIndex
    prices: pd.DataFrame
    private_reported: pd.Series
    private_true: pd.Series
    calls: pd.Series
    distributions: pd.Series
    purchases: pd.Series
    redemptions: pd.Series
    start_net_assets: float
    start_nav_per_unit: float
    equity_series: tuple[str, ...]
    label: str = ""

    def __post_init__(self) -> None:
        if len(self.days) < 2:
            raise ValueError("a stress path needs the start day and at least one day to strike")
        for name in (
            "private_reported",
            "private_true",
            "calls",
            "distributions",
            "purchases",
            "redemptions",
        ):
            ser: pd.Series = getattr(self, name)
            if not ser.index.equals(self.days):
                raise ValueError(f"{name} must be indexed by days exactly")
            arr = ser.to_numpy(dtype=float)
            if not (np.isfinite(arr).all() and (arr >= 0.0).all()):
                raise ValueError(f"{name} must be finite and >= 0 dollars")
        if not self.prices.index.equals(self.days):
            raise ValueError("prices must be indexed by days exactly")
        if not (self.start_net_assets > 0.0 and self.start_nav_per_unit > 0.0):
            raise ValueError("start net assets and unit price must be positive")


@dataclass(frozen=True)
class Policy:
    """The crisis actions a scenario allows.

    From its ``plan_withdrawal``, ``gate`` and ``secondary`` shocks.
    """

    withdrawals: tuple[tuple[pd.Timestamp, float], ...] = ()
    gate_per_quarter: float | None = None
    secondary_discount: float | None = None
    cure_cap: bool = False
    secondary_from: pd.Timestamp | None = None
    secondary_to: pd.Timestamp | None = None


def shock_start(days: pd.DatetimeIndex, shock: Any) -> pd.Timestamp | None:
    """The first day a shock acts on: its ``start``, or ``days[after_days]`` (None: the first).

    ``after_days`` past the path's end gives a day after it (the shock never acts; the edge
    refuses such a scenario before it runs).
    """
    if shock.start is not None:
        return pd.Timestamp(shock.start)
    k = getattr(shock, "after_days", None)
    if k is None:
        return None
    return days[k] if k < len(days) else days[-1] + pd.Timedelta(days=1)


def _window_mask(days: pd.DatetimeIndex, shock: Any) -> np.ndarray:
    mask = np.ones(len(days), dtype=bool)
    mask[0] = False  # the start day is history: shocks act on the days struck
    first = shock_start(days, shock)
    if first is not None:
        mask &= np.asarray(days >= first)
    if shock.end is not None:
        mask &= np.asarray(days <= pd.Timestamp(shock.end))
    return mask


def _carry(
    value: np.ndarray, calls: np.ndarray, dists: np.ndarray, dc: np.ndarray, dd: np.ndarray
) -> np.ndarray:
    """Value after extra calls ``dc`` and withheld distributions ``-dd`` (dollars).

    The difference is carried at the sleeve's own daily return
    ``r_t = (V_t - c_t + d_t) / V_{t-1} - 1``.
    """
    out = value.copy()
    extra = 0.0
    for t in range(1, len(value)):
        prev = value[t - 1]
        growth = (value[t] - calls[t] + dists[t]) / prev if prev > 0.0 else 1.0
        extra = extra * growth + dc[t] - dd[t]
        out[t] = max(value[t] + extra, 0.0)
    return out


def apply_shocks(path: StressPath, scenario: Scenario) -> tuple[StressPath, Policy]:
    """Lay ``scenario``'s shocks over ``path``, in the order listed.

    - ``equity``: the equity series' levels are multiplied by
      ``f_t = 1 + change x min(1, k / over_days)`` on the ``k``-th business day from the shock's
      start (held after). The private true value is multiplied by ``1 + private_beta x (f_t - 1)``
      and the reported value by the same factor ``report_lag_days`` calendar days later (a stale
      mark catching up when the statement arrives).
    - ``calls`` / ``distributions``: the flow times ``multiplier``; the difference is carried in
      the private values at the sleeve's own daily return (:func:`_carry`), so extra calls add
      to NAV and withheld distributions stay in it.
    - ``calls_over_distributions``: per calendar year ``y`` listed, distributions on the window's
      days of ``y`` are multiplied by ``C_y / (ratio_y x D_y)`` (``C_y``, ``D_y`` the year's calls
      and distributions in the window), carried as above.
    - ``redemptions`` / ``purchases``: participant flows times ``multiplier``.
    - ``plan_withdrawal``, ``gate``, ``secondary``: returned as the :class:`Policy` that
      :func:`run_stress` applies day by day.

    Returns
    -------
    (StressPath, Policy)
        The stressed path and the crisis policy.
    """
    days = path.days
    prices = path.prices.copy()
    rep = path.private_reported.to_numpy(dtype=float).copy()
    true = path.private_true.to_numpy(dtype=float).copy()
    calls = path.calls.to_numpy(dtype=float).copy()
    dists = path.distributions.to_numpy(dtype=float).copy()
    purch = path.purchases.to_numpy(dtype=float).copy()
    red = path.redemptions.to_numpy(dtype=float).copy()
    withdrawals: list[tuple[pd.Timestamp, float]] = []
    gate: float | None = None
    secondary: Secondary | None = None
    for shock in scenario.shocks:
        mask = _window_mask(days, shock)
        if isinstance(shock, EquityShock):
            k = np.cumsum(mask)
            f = np.where(k > 0, 1.0 + shock.change * np.minimum(1.0, k / shock.over_days), 1.0)
            for s in path.equity_series:
                if s in prices.columns:
                    prices[s] = prices[s].to_numpy(dtype=float) * f
            true_f = 1.0 + shock.private_beta * (f - 1.0)
            true = true * true_f
            lagged = pd.Series(true_f, index=days)
            seen = days - pd.Timedelta(days=shock.report_lag_days)
            pos = np.searchsorted(days.values, seen.values, side="right") - 1
            rep_f = np.where(pos >= 0, lagged.to_numpy()[np.maximum(pos, 0)], 1.0)
            rep = rep * rep_f
        elif isinstance(shock, MultiplierShock):
            m = np.where(mask, shock.multiplier, 1.0)
            if shock.kind in ("calls", "distributions"):
                base = calls if shock.kind == "calls" else dists
                delta = base * (m - 1.0)
                dc = delta if shock.kind == "calls" else np.zeros_like(delta)
                dd = delta if shock.kind == "distributions" else np.zeros_like(delta)
                rep = _carry(rep, calls, dists, dc, dd)
                true = _carry(true, calls, dists, dc, dd)
                base *= m
            elif shock.kind == "redemptions":
                red = red * m
            else:
                purch = purch * m
        elif isinstance(shock, RatioShock):
            m = np.ones(len(days))
            for y, ratio in shock.ratios.items():
                in_year = mask & np.asarray(days.year == int(y))
                c, d = calls[in_year].sum(), dists[in_year].sum()
                if d > 0.0 and c > 0.0:
                    m[in_year] = c / (ratio * d)
            dd = dists * (m - 1.0)
            rep = _carry(rep, calls, dists, np.zeros_like(dd), dd)
            true = _carry(true, calls, dists, np.zeros_like(dd), dd)
            dists = dists * m
        elif isinstance(shock, PlanWithdrawal):
            when = shock_start(days, shock)
            assert when is not None
            withdrawals.append((when, shock.share))
        elif isinstance(shock, Gate):
            gate = shock.share_per_quarter
        else:
            secondary = shock

    def ser(a: np.ndarray) -> pd.Series:
        return pd.Series(a, index=days, dtype=float)

    stressed = replace(
        path,
        prices=prices,
        private_reported=ser(rep),
        private_true=ser(true),
        calls=ser(calls),
        distributions=ser(dists),
        purchases=ser(purch),
        redemptions=ser(red),
    )
    policy = Policy(
        withdrawals=tuple(withdrawals),
        gate_per_quarter=gate,
        secondary_discount=None if secondary is None else secondary.discount,
        cure_cap=bool(secondary is not None and secondary.cure_cap),
        secondary_from=None if secondary is None else shock_start(days, secondary),
        secondary_to=None
        if secondary is None or secondary.end is None
        else pd.Timestamp(secondary.end),
    )
    return stressed, policy


def start_state(vehicle: Vehicle, path: StressPath, private_value: float) -> StrikeState:
    """The vehicle at the start day's close, re-invested to the design.

    Units outstanding are ``start_net_assets / start_nav_per_unit``. The liquid and cash sleeves
    share ``start_net_assets - private_value`` by the glide path's weights of the start day
    rescaled around the private sleeve (as the strike's rebalance does), cash raised to its floor
    by taking from the liquid sleeves pro rata.
    """
    day = path.days[0]
    na = path.start_net_assets
    traded = [s for s in vehicle.sleeves if s.kind != "private"]
    w_all = vehicle.target_matrix(pd.DatetimeIndex([day]))[0]
    w = {s.id: float(w_all[vehicle.sleeve_ids.index(s.id)]) for s in traded}
    rest = na - private_value
    if rest <= 0.0:
        raise ValueError(f"the private sleeve ({private_value:,.0f}) is all of net assets")
    total_w = math.fsum(w.values())
    vals = {k: v * rest / total_w for k, v in w.items()}
    cash_id = vehicle.cash_sleeve.id
    short = vehicle.cash.floor * na - vals[cash_id]
    liquid = [s.id for s in traded if s.kind == "liquid"]
    liq_sum = math.fsum(vals[k] for k in liquid)
    if short > 0.0 and liq_sum > 0.0:
        take = min(short, liq_sum)
        for k in liquid:
            vals[k] -= take * vals[k] / liq_sum
        vals[cash_id] += take
    levels = {str(s.series): float(path.prices[str(s.series)].iloc[0]) for s in traded}
    return StrikeState(
        day=pd.Timestamp(day),
        units_outstanding=na / path.start_nav_per_unit,
        sleeve_units={s.id: vals[s.id] / levels[str(s.series)] for s in traded},
        fees_payable=0.0,
        fees_accrued_total=0.0,
        fees_paid_total=0.0,
        levels=levels,
    )


@dataclass(frozen=True)
class StressResult:
    """A stress run.

    Attributes
    ----------
    scenario : str
        The scenario's id.
    design : dict
        The buffer, the private share and the private scale applied.
    daily : pandas.DataFrame
        One row per day struck: ``date, nav_per_unit, nav_true, net_assets, private_value,
        private_true, private_share, private_target, private_max, cash, cash_share, cash_floor,
        liquid_share, calls, distributions, purchases, redemptions, plan_withdrawal,
        queued_withdrawal, shortfall, forced_liquid_sales, secondary_sold, secondary_proceeds,
        secondary_cost, unrebalanced, cap_excess, to_traders, breach_private_max,
        breach_cash_floor`` (dollars, shares of net assets).
    summary : dict
        The figures a committee reads (see :func:`summarise`).
    """

    scenario: str
    design: dict[str, Any]
    daily: pd.DataFrame
    summary: dict[str, Any]


def _segment_inputs(
    path: StressPath, a: int, b: int, scale: float, extra_red: np.ndarray
) -> StrikeInputs:
    ix = path.days[a:b]

    def cut(s: pd.Series, k: float = 1.0) -> pd.Series:
        return pd.Series(s.to_numpy(dtype=float)[a:b] * k, index=ix)

    red = pd.Series(path.redemptions.to_numpy(dtype=float)[a:b] + extra_red[a:b], index=ix)
    return StrikeInputs(
        days=ix,
        prices=path.prices.iloc[a:b],
        private_value=cut(path.private_reported, scale),
        calls=cut(path.calls, scale),
        distributions=cut(path.distributions, scale),
        purchases=cut(path.purchases),
        redemptions=red,
    )


def _with_cash(state: StrikeState, vehicle: Vehicle, dollars: float) -> StrikeState:
    cash = vehicle.cash_sleeve
    units = dict(state.sleeve_units)
    units[cash.id] += dollars / state.levels[str(cash.series)]
    return replace(state, sleeve_units=units)


def run_stress(design: Design, path: StressPath, scenario: Scenario) -> StressResult:
    """Strike the design's vehicle through the scenario, day by day, and measure the stress.

    The vehicle is re-invested to the design at the start day's close (:func:`start_state`;
    ``design.private_share`` scales the private book, values and flows alike). The days are
    struck by the vehicle's own engine (:func:`altsleeve.fund.strike_days`: calls from cash,
    distributions into cash, fees, orders at the day's NAV, rebalancing through the liquid and
    cash sleeves only, an overdraft covered by selling the liquid sleeves pro rata). On top, as a
    trustee would in a crisis:

    - a **plan withdrawal** on its day redeems ``share`` of the previous day's net assets; under
      a **gate** it is paid in tranches of at most ``share_per_quarter`` of that net assets, one
      every :data:`QUARTER_DAYS` business days (the rest is queued);
    - with **secondary** sales allowed, at the close of a day whose cash is below zero (a
      shortfall: the liquid sleeves are exhausted) a strip ``f`` of the private book (values,
      future calls and distributions alike) is sold at ``discount`` to its NAV, enough to bring
      cash back to its floor: proceeds ``(1 - discount) f P`` go to cash and the discount
      ``discount x f x P`` is lost to net assets (the next day's unit price bears it). With
      ``cure_cap``, a day above the private maximum also sells, down to the maximum less
      :data:`CURE_MARGIN`, at most once a quarter.

    Measures per day (dollars unless a share): ``shortfall = max(0, -cash)``;
    ``forced_liquid_sales`` = the liquid sleeves sold to keep cash at its floor,
    ``min(liquid sold, max(0, floor x NA - cash before trades))``; ``unrebalanced`` = the private
    sleeve above its glide-path target, ``max(0, P - target x NA)``, which the fund could not
    sell to rebalance (the liquid sleeves are under target by as much); ``cap_excess`` =
    ``max(0, P - max x NA)``; ``nav_true`` = the unit price had the private sleeve been at its
    true value; ``to_traders`` = ``(redemptions - purchases) x (1 - nav_true / nav)``, the wealth
    moved from staying to trading participants by the day's mispricing (Zitzewitz 2003).

    Raises
    ------
    ValueError
        A day's net assets are not positive (the vehicle cannot strike a price).
    """
    vehicle = design.effective_vehicle()
    path, policy = apply_shocks(path, scenario)
    days = path.days
    n = len(days)
    p0 = float(path.private_reported.iloc[0])
    scale = 1.0
    if design.private_share is not None:
        if p0 <= 0.0:
            raise ValueError("the book has no private value on the start day to scale")
        scale = design.private_share * path.start_net_assets / p0
    first_scale = scale
    state = start_state(vehicle, path, scale * p0)
    cash_id = vehicle.cash_sleeve.id
    cash_series = str(vehicle.cash_sleeve.series)
    pmax = vehicle.private.max
    extra_red = np.zeros(n)
    withdrawal = np.zeros(n)
    queued = np.zeros(n)
    w_events = {
        int(np.searchsorted(days.values, np.datetime64(d), side="left")): s
        for d, s in policy.withdrawals
    }
    w_events = {k: v for k, v in w_events.items() if 1 <= k < n}
    sale_rows: dict[int, tuple[float, float, float]] = {}
    scales = np.full(n, scale)
    frames: list[pd.DataFrame] = []
    last_na = path.start_net_assets
    last_cure = -(10**9)
    pos = 1
    while pos < n:
        if pos in w_events:
            amount = w_events[pos] * last_na
            paid = np.zeros(n)
            if policy.gate_per_quarter is None:
                paid[pos] = amount
            else:
                tranche = policy.gate_per_quarter * last_na
                left, k = amount, pos
                while left > 1e-9 and k < n:
                    paid[k] = min(tranche, left)
                    left -= paid[k]
                    k += QUARTER_DAYS
            extra_red += paid
            withdrawal += paid
            queued[pos:] += np.maximum(amount - np.cumsum(paid[pos:]), 0.0)
        stop = min([n, *[k for k in w_events if k > pos]])
        frame, end = strike_days(vehicle, _segment_inputs(path, pos, stop, scale, extra_red), state)
        trigger = _first_trigger(frame, policy, pmax, pos, last_cure, f"value_{cash_id}")
        if trigger is None:
            frames.append(frame)
            state = end
            last_na = float(frame["net_assets"].iloc[-1])
            pos = stop
            continue
        j, why = trigger
        frame, end = strike_days(
            vehicle, _segment_inputs(path, pos, j + 1, scale, extra_red), state
        )
        row = frame.iloc[-1]
        p = float(row["value_private"])
        na = float(row["net_assets"])
        cash = float(row[f"value_{cash_id}"])
        assert policy.secondary_discount is not None
        disc = policy.secondary_discount
        if why == "shortfall":
            need = vehicle.cash.floor * na - cash
            f = min(1.0, need / ((1.0 - disc) * p)) if p > 0.0 else 0.0
        else:
            goal = max(pmax - CURE_MARGIN, 0.0)
            f = min(1.0, max(0.0, (p - goal * na) / (p * (1.0 - goal * disc))))
            last_cure = j
        sold = f * p
        proceeds = (1.0 - disc) * sold
        sale_rows[j] = (sold, proceeds, disc * sold)
        frame = frame.copy()
        frame.loc[frame.index[-1], "value_private"] = p - sold
        frame.loc[frame.index[-1], f"value_{cash_id}"] = cash + proceeds
        frame.loc[frame.index[-1], "net_assets"] = na - disc * sold
        frames.append(frame)
        state = _with_cash(end, vehicle, proceeds)
        assert state.levels[cash_series] > 0.0
        scale *= 1.0 - f
        scales[j + 1 :] = scale
        last_na = na - disc * sold
        pos = j + 1
    rows = pd.concat(frames, ignore_index=True)
    daily = _measures(vehicle, path, rows, scales, withdrawal, queued, sale_rows)
    summary = summarise(vehicle, daily, path.start_nav_per_unit)
    return StressResult(
        scenario=scenario.id,
        design={
            "buffer": design.buffer,
            "private_share": design.private_share,
            "private_scale": first_scale,
            "vehicle": vehicle.vehicle.id,
            "path": path.label,
        },
        daily=daily,
        summary=summary,
    )


def _first_trigger(
    frame: pd.DataFrame, policy: Policy, pmax: float, offset: int, last_cure: int, cash_col: str
) -> tuple[int, str] | None:
    """The first day of a struck segment that calls for a secondary sale, and why."""
    if policy.secondary_discount is None or frame.empty:
        return None
    dates = pd.DatetimeIndex(frame["date"])
    allowed = np.ones(len(frame), dtype=bool)
    if policy.secondary_from is not None:
        allowed &= np.asarray(dates >= policy.secondary_from)
    if policy.secondary_to is not None:
        allowed &= np.asarray(dates <= policy.secondary_to)
    cash = frame[cash_col].to_numpy(dtype=float)
    short = allowed & (cash < -1e-6)
    over = np.zeros(len(frame), dtype=bool)
    if policy.cure_cap:
        share = frame["value_private"].to_numpy(float) / frame["net_assets"].to_numpy(float)
        idx = np.arange(len(frame)) + offset
        over = allowed & (share > pmax + 1e-12) & (idx - last_cure >= QUARTER_DAYS)
    hits = np.flatnonzero(short | over)
    if hits.size == 0:
        return None
    k = int(hits[0])
    return offset + k, "shortfall" if short[k] else "cap"


def _measures(
    vehicle: Vehicle,
    path: StressPath,
    rows: pd.DataFrame,
    scales: np.ndarray,
    withdrawal: np.ndarray,
    queued: np.ndarray,
    sales: dict[int, tuple[float, float, float]],
) -> pd.DataFrame:
    n = len(rows)
    cash_id = vehicle.cash_sleeve.id
    liquid = [s.id for s in vehicle.sleeves if s.kind == "liquid"]
    priv_id = vehicle.private_sleeve.id if vehicle.private_sleeve is not None else None
    days = pd.DatetimeIndex(rows["date"])
    na = rows["net_assets"].to_numpy(float)
    p = rows["value_private"].to_numpy(float) if priv_id else np.zeros(n)
    cash = rows[f"value_{cash_id}"].to_numpy(float)
    targets = vehicle.target_matrix(days)
    p_target = targets[:, vehicle.sleeve_ids.index(priv_id)] if priv_id else np.zeros(n)
    true = path.private_true.to_numpy(float)[1:] * scales[1:]
    rep = path.private_reported.to_numpy(float)[1:] * scales[1:]
    sold = np.zeros(n)
    proceeds = np.zeros(n)
    cost = np.zeros(n)
    for j, (sv, pr, c) in sales.items():
        sold[j - 1], proceeds[j - 1], cost[j - 1] = sv, pr, c
    # after a sale day the private value used is already reduced; truth follows the same scale
    true = np.where(
        sold > 0, true - sold * np.divide(true, rep, out=np.ones(n), where=rep > 0), true
    )
    nav = rows["nav_per_unit"].to_numpy(float)
    nav_true = nav * (na - p + true) / na
    cash_pre = cash - rows[f"trade_{cash_id}"].to_numpy(float) - proceeds
    liquid_sold = np.zeros(n)
    for s in liquid:
        liquid_sold += np.maximum(-rows[f"trade_{s}"].to_numpy(float), 0.0)
    floor_val = vehicle.cash.floor * na
    forced = np.minimum(liquid_sold, np.maximum(0.0, floor_val - cash_pre))
    red = rows["redemptions"].to_numpy(float)
    purch = rows["purchases"].to_numpy(float)
    to_traders = (red - purch) * (1.0 - nav_true / nav)
    liquid_val = sum(rows[f"value_{s}"].to_numpy(float) for s in liquid)
    return pd.DataFrame(
        {
            "date": days,
            "nav_per_unit": nav,
            "nav_true": nav_true,
            "net_assets": na,
            "units_outstanding": rows["units_outstanding"].to_numpy(float),
            "units_redeemed": rows["units_redeemed"].to_numpy(float),
            "private_value": p,
            "private_true": true,
            "private_share": p / na,
            "private_target": p_target,
            "private_max": vehicle.private.max,
            "cash": cash,
            "cash_share": cash / na,
            "cash_floor": vehicle.cash.floor,
            "liquid_share": (liquid_val + cash) / na,
            "calls": rows["calls"].to_numpy(float),
            "distributions": rows["distributions"].to_numpy(float),
            "purchases": purch,
            "redemptions": red,
            "plan_withdrawal": withdrawal[1:],
            "queued_withdrawal": queued[1:],
            "shortfall": np.maximum(proceeds - cash, 0.0),
            "forced_liquid_sales": forced,
            "secondary_sold": sold,
            "secondary_proceeds": proceeds,
            "secondary_cost": cost,
            "unrebalanced": np.maximum(p - p_target * na, 0.0),
            "cap_excess": np.maximum(p - vehicle.private.max * na, 0.0),
            "to_traders": to_traders,
            "breach_private_max": p / na > vehicle.private.max + 1e-12,
            "breach_cash_floor": cash / na < vehicle.cash.floor - 1e-12,
        }
    )


def _yearly_ratio(daily: pd.DataFrame) -> dict[str, float | None]:
    out: dict[str, float | None] = {}
    for y, g in daily.groupby(daily["date"].dt.year):
        d = float(g["distributions"].sum())
        out[str(y)] = float(g["calls"].sum()) / d if d > 0 else None
    return out


def summarise(
    vehicle: Vehicle, daily: pd.DataFrame, start_nav: float | None = None
) -> dict[str, Any]:
    """The figures of a stress run (dollars, shares of net assets, days).

    ``survives`` is true when no day has a shortfall and no day ends above the private maximum.
    ``nav_start`` and the drawdown start from ``start_nav`` (the start day's unit price) when
    given.
    The secondary discount is split between participants who left later in the window and
    those who stayed, by the share of the sale day's units redeemed afterwards (redeemers are
    assumed to come from the holders on the sale day).
    """
    share = daily["private_share"]
    peak = int(share.to_numpy().argmax())
    above = daily["breach_private_max"]
    nav = daily["nav_per_unit"]
    first_nav = float(nav.iloc[0]) if start_nav is None else float(start_nav)
    with_start = np.concatenate([[first_nav], nav.to_numpy(float)])
    units = daily["units_outstanding"].to_numpy(float)
    redeemed_after = np.cumsum(daily["units_redeemed"].to_numpy(float)[::-1])[::-1]
    redeemed_after = np.append(redeemed_after[1:], 0.0)
    cost = daily["secondary_cost"].to_numpy(float)
    leave_share = np.minimum(1.0, redeemed_after / units)
    cost_leavers = float((cost * leave_share).sum())
    red = daily["redemptions"].to_numpy(float)
    purch = daily["purchases"].to_numpy(float)
    ratio = 1.0 - daily["nav_true"].to_numpy(float) / nav.to_numpy(float)
    first_above = daily.loc[above, "date"]
    return {
        "first_day": str(daily["date"].iloc[0].date()),
        "last_day": str(daily["date"].iloc[-1].date()),
        "days": len(daily),
        "survives": bool((daily["shortfall"] <= 1e-6).all() and not above.any()),
        "private_share_start": float(share.iloc[0]),
        "private_share_peak": float(share.iloc[peak]),
        "private_share_peak_date": str(daily["date"].iloc[peak].date()),
        "private_share_end": float(share.iloc[-1]),
        "private_max": vehicle.private.max,
        "days_above_cap": int(above.sum()),
        "first_day_above_cap": None if first_above.empty else str(first_above.iloc[0].date()),
        "cap_excess_max": float(daily["cap_excess"].max()),
        "unrebalanced_max": float(daily["unrebalanced"].max()),
        "unrebalanced_max_share": float((daily["unrebalanced"] / daily["net_assets"]).max()),
        "days_cash_below_floor": int(daily["breach_cash_floor"].sum()),
        "cash_share_min": float(daily["cash_share"].min()),
        "shortfall_days": int((daily["shortfall"] > 1e-6).sum()),
        "shortfall_max": float(daily["shortfall"].max()),
        "forced_liquid_sales": float(daily["forced_liquid_sales"].sum()),
        "secondary_sold": float(daily["secondary_sold"].sum()),
        "secondary_proceeds": float(daily["secondary_proceeds"].sum()),
        "secondary_cost": float(cost.sum()),
        "secondary_cost_stayers": float(cost.sum()) - cost_leavers,
        "secondary_cost_leavers": cost_leavers,
        "calls": float(daily["calls"].sum()),
        "distributions": float(daily["distributions"].sum()),
        "calls_over_distributions": _yearly_ratio(daily),
        "purchases": float(purch.sum()),
        "redemptions": float(red.sum()),
        "plan_withdrawals": float(daily["plan_withdrawal"].sum()),
        "queued_withdrawal_end": float(daily["queued_withdrawal"].iloc[-1]),
        "to_leavers": float((red * ratio).sum()),
        "to_buyers": float((-purch * ratio).sum()),
        "to_traders": float(daily["to_traders"].sum()),
        "stayers_cost": float(daily["to_traders"].sum()) + float(cost.sum()) - cost_leavers,
        "nav_start": first_nav,
        "nav_end": float(nav.iloc[-1]),
        "nav_trough": float(nav.min()),
        "max_drawdown": max_drawdown(with_start),
        "net_assets_start": float(daily["net_assets"].iloc[0]),
        "net_assets_end": float(daily["net_assets"].iloc[-1]),
    }


Runner = Callable[[Design], Sequence[StressResult]]


@dataclass(frozen=True)
class Sizing:
    """What :func:`size_buffer` found.

    ``buffer`` is the smallest liquid buffer (cash weight) within ``tolerance`` that survives
    every scenario (None when even ``hi`` does not); ``private_share`` the largest starting
    private share that survives at that buffer (or at ``hi`` when no buffer does); ``trials``
    every design tried with its outcome per scenario.
    """

    buffer: float | None
    private_share: float | None
    tolerance: float
    lo: float
    hi: float
    criteria: tuple[str, ...]
    trials: pd.DataFrame


#: Forced sales up to this share of the starting net assets (1 bp) do not fail a design.
FORCED_SALES_TOLERANCE = 1e-4

#: What a design must avoid to survive, and the summary figure that counts it.
CRITERIA: dict[str, str] = {
    "shortfall": "shortfall_days",
    "cap": "days_above_cap",
    "forced_sales": "forced_liquid_sales",
}


def passes(summary: dict[str, Any], criteria: Sequence[str] = ("shortfall", "cap")) -> bool:
    """Tell whether a run's summary avoids every criterion (:data:`CRITERIA`).

    The criteria: no shortfall day, no day above the private maximum, and (when asked) no forced
    sale of the liquid sleeves larger than :data:`FORCED_SALES_TOLERANCE` of the starting net
    assets (a few dollars of rounding are not a forced sale).
    """
    unknown = sorted(set(criteria) - set(CRITERIA))
    if unknown:
        raise ValueError(f"unknown criteria {unknown}: use {sorted(CRITERIA)}")
    for c in criteria:
        value = float(summary[CRITERIA[c]])
        limit = (
            FORCED_SALES_TOLERANCE * float(summary["net_assets_start"])
            if c == "forced_sales"
            else 0.0
        )
        if value > limit:
            return False
    return True


def _survives(results: Sequence[StressResult], criteria: Sequence[str]) -> bool:
    return all(passes(r.summary, criteria) for r in results)


def _bisect(ok: Callable[[float], bool], lo: float, hi: float, tol: float, want_low: bool) -> float:
    """Bisection on a monotone pass/fail: the smallest passing x (``want_low``) or the largest."""
    while hi - lo > tol:
        mid = 0.5 * (lo + hi)
        if ok(mid) == want_low:
            hi = mid
        else:
            lo = mid
    return hi if want_low else lo


def size_buffer(
    design: Design,
    runner: Runner,
    *,
    lo: float = 0.0,
    hi: float = 0.40,
    tolerance: float = 0.0025,
    criteria: Sequence[str] = ("shortfall", "cap"),
) -> Sizing:
    """Find the smallest liquid buffer and the largest private share that survive.

    Survival (:func:`passes`): by default no shortfall and no day above the private maximum in
    any of ``runner``'s scenarios; ``criteria`` may add ``"forced_sales"`` (the buffer must pay
    every need without a forced sale of the liquid sleeves).

    ``runner(design)`` runs every chosen scenario for a design. The buffer (the cash sleeve's
    weight, :func:`~altsleeve.liquidity.design_vehicle`) is found by bisection on
    ``[lo, hi]`` to ``tolerance``, assuming survival is monotone in the buffer (a larger buffer
    falls less with markets, so the private share rises less, and pays more before the liquid
    sleeves are sold); both ends are tried first. The private share is then found by bisection
    on ``[0, private.max]`` at that buffer (or at ``hi``). Every trial is kept in ``trials``.
    """
    rows: list[dict[str, Any]] = []

    def trial(buffer: float, share: float | None) -> bool:
        d = Design(design.vehicle, buffer=buffer, private_share=share)
        results = runner(d)
        for r in results:
            rows.append(
                {
                    "buffer": buffer,
                    "private_share": share,
                    "scenario": r.scenario,
                    "survives": passes(r.summary, criteria),
                    "private_share_peak": r.summary["private_share_peak"],
                    "days_above_cap": r.summary["days_above_cap"],
                    "shortfall_days": r.summary["shortfall_days"],
                    "forced_liquid_sales": r.summary["forced_liquid_sales"],
                }
            )
        return _survives(results, criteria)

    share = design.private_share
    buffer: float | None
    if trial(lo, share):
        buffer = lo
    elif not trial(hi, share):
        buffer = None
    else:
        buffer = _bisect(lambda b: trial(b, share), lo, hi, tolerance, want_low=True)
    at = hi if buffer is None else buffer
    pmax = design.vehicle.private.max
    best: float | None
    if trial(at, pmax):
        best = pmax
    elif not trial(at, 0.0):
        best = None
    else:
        best = _bisect(lambda s: trial(at, s), 0.0, pmax, tolerance, want_low=False)
    return Sizing(buffer, best, tolerance, lo, hi, tuple(criteria), pd.DataFrame(rows))


def largest_private_share(
    design: Design,
    runner: Runner,
    *,
    tolerance: float = 0.0025,
    criteria: Sequence[str] = ("shortfall", "cap"),
) -> float | None:
    """The largest starting private share that survives at the design's buffer (None: none)."""
    pmax = design.vehicle.private.max

    def ok(s: float) -> bool:
        return _survives(runner(Design(design.vehicle, design.buffer, s)), criteria)

    if ok(pmax):
        return pmax
    if not ok(0.0):
        return None
    return _bisect(ok, 0.0, pmax, tolerance, want_low=False)
