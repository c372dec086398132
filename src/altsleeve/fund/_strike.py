"""The daily strike: the day-by-day accounting of the vehicle.

Owns turning each business day's inputs (index levels, the private sleeve's value, capital calls,
distributions and the participants' filled orders) into the vehicle's NAV per unit, its units
outstanding, the holdings of its liquid and cash sleeves, the accrual and monthly payment of its
fees, the rebalancing trades and the daily limit checks, carried from one day to the next in a
:class:`StrikeState`. Pure: arrays and DataFrames in, a DataFrame out, the same inputs always give
the same outputs, and a run split at any day and resumed from the returned state gives exactly
the rows of the whole run.

Must not touch the ledger or any file, nor value the private holdings: the private sleeve's daily
value comes in from the valuation engine as :attr:`StrikeInputs.private_value`, and every input
is what was known on its day.

Conventions (units): money in dollars of the vehicle's currency; levels are index levels (a
sleeve holds units of its series, worth ``units x level`` dollars); weights are shares of net
assets (decimals); fees are basis points a year of net assets, accrued on ACT/365.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.fund._vehicle import Vehicle

#: The fixed columns at the head of a strike row, in order.
_HEAD = (
    "date",
    "nav_per_unit",
    "net_assets",
    "units_outstanding",
    "units_issued",
    "units_redeemed",
    "purchases",
    "redemptions",
    "calls",
    "distributions",
    "holding_fees",
    "fees_accrued",
    "fees_paid",
    "fees_payable",
)
#: The fixed columns at the tail of a strike row, in order.
_TAIL = (
    "rebalanced",
    "rebalance_reason",
    "breach_private_max",
    "breach_cash_floor",
    "breach_band_uncurable",
    "cash_in",
    "cash_out",
    "cash_interest",
)

#: The vehicle-independent columns of :func:`strike_days`'s frame, in frame order. Between
#: ``fees_payable`` and ``rebalanced`` the frame has the per-sleeve block (see
#: :func:`strike_columns`): ``value_<id>`` and ``weight_<id>`` for every sleeve, then
#: ``trade_<id>`` for each liquid and cash sleeve, each in the vehicle's sleeve order.
STRIKE_COLUMNS: tuple[str, ...] = _HEAD + _TAIL

#: Accepted float noise when a share is compared with a limit (a share of net assets).
_EPS = 1e-12


def strike_columns(vehicle: Vehicle) -> list[str]:
    """All columns of :func:`strike_days`'s frame for ``vehicle``, in frame order.

    Parameters
    ----------
    vehicle : Vehicle
        The vehicle struck.

    Returns
    -------
    list of str
        :data:`STRIKE_COLUMNS` with the per-sleeve block (``value_<id>``, ``weight_<id>`` for
        every sleeve, ``trade_<id>`` for each liquid and cash sleeve) after ``fees_payable``.
    """
    ids = vehicle.sleeve_ids
    traded = [s.id for s in vehicle.sleeves if s.kind != "private"]
    return [
        *_HEAD,
        *(f"value_{s}" for s in ids),
        *(f"weight_{s}" for s in ids),
        *(f"trade_{s}" for s in traded),
        *_TAIL,
    ]


@dataclass(frozen=True)
class StrikeInputs:
    """What the strike needs for each day, all indexed by ``days`` exactly.

    Attributes
    ----------
    days : pandas.DatetimeIndex
        Business days to strike, strictly ascending, tz-naive. Days on or before the state's
        day are skipped, so the same inputs can resume a run.
    prices : pandas.DataFrame
        Index ``days``; one column per series id of the liquid and cash sleeves (other columns
        are ignored): the index level known that day (positive, finite).
    private_value : pandas.Series
        The private sleeve's value that day (dollars, >= 0) from the valuation engine as known
        that day, after that day's calls and distributions. All zero for a vehicle without a
        private sleeve.
    calls : pandas.Series
        Capital calls paid from cash that day (dollars, >= 0).
    distributions : pandas.Series
        Distributions received into cash that day (dollars, >= 0).
    purchases : pandas.Series
        Participant purchases filled that day (dollars, >= 0).
    redemptions : pandas.Series
        Participant redemptions filled that day (dollars, >= 0).
    holding_fees : pandas.Series or None
        Fees the private holdings bill the vehicle outside their NAV that day (the ledger's
        ``fee`` cash flows: management fees of drawdown funds billed on top of calls), paid from
        cash (dollars, >= 0); ``None`` when there are none.
    """

    days: pd.DatetimeIndex
    prices: pd.DataFrame
    private_value: pd.Series
    calls: pd.Series
    distributions: pd.Series
    purchases: pd.Series
    redemptions: pd.Series
    holding_fees: pd.Series | None = None

    def fees_outside_nav(self) -> pd.Series:
        """``holding_fees``, or zeros on every day when there are none."""
        if self.holding_fees is None:
            return pd.Series(0.0, index=self.days)
        return self.holding_fees


@dataclass(frozen=True)
class StrikeState:
    """Everything carried from one strike to the next (the end of day ``day``).

    Attributes
    ----------
    day : pandas.Timestamp
        The last day struck (or the launch day).
    units_outstanding : float
        Units held by participants after that day's orders.
    sleeve_units : dict of str to float
        Units of its series held by each liquid and cash sleeve, by sleeve id (cash is held as
        units of the cash index, so it earns the T-bill return).
    fees_payable : float
        Fees accrued and not yet paid (dollars).
    fees_accrued_total : float
        Fees accrued since inception (dollars).
    fees_paid_total : float
        Fees paid since inception (dollars).
    levels : dict of str to float
        The level of each liquid and cash series on ``day``, by series id: the next day's cash
        interest is the cash units times the cash index's move from this level.
    """

    day: pd.Timestamp
    units_outstanding: float
    sleeve_units: dict[str, float]
    fees_payable: float
    fees_accrued_total: float
    fees_paid_total: float
    levels: dict[str, float]


@dataclass(frozen=True)
class _Layout:
    """The vehicle's traded (liquid and cash) sleeves as positions, for the day loop."""

    ids: tuple[str, ...]  # liquid and cash sleeve ids, in sleeve order
    series: tuple[str, ...]  # their price series
    cols: tuple[int, ...]  # their columns in vehicle.target_matrix
    cash: int  # position of the cash sleeve in ``ids``
    liquid: tuple[int, ...]  # positions of the liquid sleeves in ``ids``
    bands: tuple[float, ...]
    private_id: str | None
    private_col: int  # column of the private sleeve in target_matrix (-1: none)
    private_band: float


def _layout(vehicle: Vehicle) -> _Layout:
    traded = [(i, s) for i, s in enumerate(vehicle.sleeves) if s.kind != "private"]
    ids = tuple(s.id for _, s in traded)
    priv = vehicle.private_sleeve
    return _Layout(
        ids=ids,
        series=tuple(str(s.series) for _, s in traded),
        cols=tuple(i for i, _ in traded),
        cash=ids.index(vehicle.cash_sleeve.id),
        liquid=tuple(k for k, (_, s) in enumerate(traded) if s.kind == "liquid"),
        bands=tuple(s.band for _, s in traded),
        private_id=None if priv is None else priv.id,
        private_col=-1 if priv is None else vehicle.sleeve_ids.index(priv.id),
        private_band=0.0 if priv is None else priv.band,
    )


def _targets(
    total: float,
    payable: float,
    floor_value: float,
    weights: list[float],
    liquid: tuple[int, ...],
    cash: int,
) -> list[float]:
    """Rebalancing target of each liquid and cash sleeve (dollars), in layout order.

    ``total`` is what the liquid and cash sleeves hold together (dollars); it is shared out so
    that trading is self-financing. The glide-path weights of the liquid and cash sleeves are
    rescaled to share ``total - payable`` (net assets less the private sleeve: the private
    sleeve's target share, or its shortfall, is held in them pro rata); the cash sleeve is then
    raised to ``floor_value`` (dollars) by taking from the liquid sleeves pro rata (no further
    than they hold), and finally holds ``payable`` on top (the fees owed are paid from cash at the
    month end). The cash target is the remainder, so the targets sum to ``total``. No liquid
    target is negative; if ``total - payable <= 0`` every liquid target is 0.
    """
    out = [0.0] * len(weights)
    base = total - payable
    w_sum = math.fsum(weights)
    if base > 0.0 and w_sum > 0.0:
        for j in liquid:
            out[j] = weights[j] * base / w_sum
        cash_pre = weights[cash] * base / w_sum
    else:
        cash_pre = base
    liq_sum = math.fsum(out[j] for j in liquid)
    short = floor_value - cash_pre
    if short > 0.0 and liq_sum > 0.0:
        scale = (liq_sum - min(short, liq_sum)) / liq_sum
        for j in liquid:
            out[j] *= scale
    out[cash] = total - math.fsum(out[j] for j in liquid)
    return out


def launch_state(vehicle: Vehicle, day: pd.Timestamp, prices_row: pd.Series) -> StrikeState:
    """The vehicle on its launch day: the seed money invested, nothing struck yet.

    ``initial_assets / initial_nav_per_unit`` units are outstanding. The seed assets (dollars)
    are invested at the day's glide-path weights by the same rule as a rebalance with an empty
    private sleeve: the private sleeve is only reached through capital calls, so its target
    share is held in the liquid and cash sleeves pro rata to their targets (then the cash floor
    is applied). No fees are accrued on the launch day.

    Parameters
    ----------
    vehicle : Vehicle
        The vehicle launched.
    day : pandas.Timestamp
        The launch day (normally ``vehicle.vehicle.inception``), tz-naive.
    prices_row : pandas.Series
        The level of each liquid and cash series on ``day``, indexed by series id.

    Returns
    -------
    StrikeState
        The state to pass to :func:`strike_days` (which strikes the days after ``day``).

    Raises
    ------
    ValueError
        If ``day`` has a time zone or a level is missing, not finite or not positive.
    """
    lay = _layout(vehicle)
    day = pd.Timestamp(day)
    if day.tz is not None:
        raise ValueError(f"launch day {day} must be tz-naive")
    levels = []
    for s in lay.series:
        level = float(prices_row[s]) if s in prices_row.index else math.nan
        if not (math.isfinite(level) and level > 0.0):
            raise ValueError(f"level of series '{s}' on launch day {day.date()} is {level}")
        levels.append(level)
    assets = vehicle.vehicle.initial_assets
    weights = vehicle.target_matrix(pd.DatetimeIndex([day]))[0, list(lay.cols)].tolist()
    values = _targets(assets, 0.0, vehicle.cash.floor * assets, weights, lay.liquid, lay.cash)
    return StrikeState(
        day=day,
        units_outstanding=assets / vehicle.vehicle.initial_nav_per_unit,
        sleeve_units={s: v / lv for s, v, lv in zip(lay.ids, values, levels, strict=True)},
        fees_payable=0.0,
        fees_accrued_total=0.0,
        fees_paid_total=0.0,
        levels=dict(zip(lay.series, levels, strict=True)),
    )


def _check(lay: _Layout, inputs: StrikeInputs, state: StrikeState) -> None:
    days = inputs.days
    if not isinstance(days, pd.DatetimeIndex) or days.tz is not None:
        raise ValueError("inputs.days must be a tz-naive DatetimeIndex")
    if not (days.is_monotonic_increasing and days.is_unique):
        raise ValueError("inputs.days must be strictly ascending")
    if not inputs.prices.index.equals(days):
        raise ValueError("inputs.prices must be indexed by inputs.days exactly")
    missing = sorted(set(lay.series) - set(inputs.prices.columns))
    if missing:
        raise ValueError(f"inputs.prices has no column for series {missing}")
    for s in lay.series:
        col = inputs.prices[s].to_numpy(dtype=float, na_value=np.nan)
        bad = ~(np.isfinite(col) & (col > 0.0))
        if bad.any():
            raise ValueError(
                f"inputs.prices['{s}'] is {col[bad][0]} on {days[bad][0].date()} "
                "(levels must be positive and finite)"
            )
    flows = (
        "private_value",
        "calls",
        "distributions",
        "holding_fees",
        "purchases",
        "redemptions",
    )
    for name in flows:
        ser: pd.Series = (
            inputs.fees_outside_nav() if name == "holding_fees" else getattr(inputs, name)
        )
        if not ser.index.equals(days):
            raise ValueError(f"inputs.{name} must be indexed by inputs.days exactly")
        arr = ser.to_numpy(dtype=float, na_value=np.nan)
        bad = ~(np.isfinite(arr) & (arr >= 0.0))
        if bad.any():
            raise ValueError(
                f"inputs.{name} is {arr[bad][0]} on {days[bad][0].date()} "
                "(dollars must be finite and >= 0)"
            )
        if lay.private_id is None and name in flows[:4] and (arr != 0.0).any():
            raise ValueError(f"inputs.{name} is not zero but the vehicle has no private sleeve")
    if state.day.tz is not None:
        raise ValueError("state.day must be tz-naive")
    lacking = sorted(set(lay.ids) - set(state.sleeve_units))
    if lacking:
        raise ValueError(f"state.sleeve_units has no units for sleeves {lacking}")
    lacking = sorted(set(lay.series) - set(state.levels))
    if lacking:
        raise ValueError(f"state.levels has no level for series {lacking}")


def strike_days(
    vehicle: Vehicle, inputs: StrikeInputs, state: StrikeState
) -> tuple[pd.DataFrame, StrikeState]:
    """Strike every day of ``inputs.days`` after ``state.day``, in order.

    Each day, in this order (dollars unless stated):

    1. Price the liquid and cash sleeves: value = units x the day's level. The cash interest is
       the cash units times the cash index's move since the previous strike.
    2. The private sleeve's value is ``inputs.private_value`` for the day (it already reflects
       the day's calls and distributions).
    3. Book the day's capital call (paid from cash), distribution (received into cash) and the
       fees the holdings bill outside their NAV (``holding_fees``, paid from cash: they lower
       net assets and never the private sleeve's value).
    4. Accrue fees: ``net assets before fees x fee_bp_per_year / 1e4 x d / 365``, where ``d`` is
       the calendar days since the previous strike (ACT/365) and net assets before fees =
       liquid + cash + private - fees payable; add it to fees payable. Pay all fees payable from
       cash on the month's last business day (pandas ``BMonthEnd``); when that day is not struck
       (a holiday), on the first day struck after it.
    5. Net assets = liquid + cash + private - fees payable; NAV per unit = net assets / units
       outstanding (dollars a unit).
    6. Fill the day's orders at that NAV (forward pricing): units issued = purchases / NAV,
       units redeemed = redemptions / NAV; cash += purchases - redemptions.
    7. Rebalance through the liquid and cash sleeves only (never the private sleeve) when
       triggered (``rebalance.trigger``): ``band`` when some liquid or cash sleeve's weight
       (of net assets after the orders) is further than its band from its effective target
       (below); ``schedule`` on the first day struck in a new month, quarter or year
       (``rebalance.schedule``; the previous strike was in an earlier one); ``both`` either
       (the reason recorded is ``band`` when both hold). The targets are the glide-path weights
       of the liquid and cash sleeves rescaled so they share net assets less the private value,
       ``w_i x (NA - P) / sum of w_j over liquid and cash``; the cash sleeve is then raised to
       the floor (``cash.floor x NA``) by taking from the liquid sleeves pro rata, and holds the
       fees payable on top (so the trades are self-financing). Trades are at the day's levels,
       without costs. The effective target of a sleeve is its target value / NA: the band is
       measured from it, not from the raw glide-path weight, because the rebalance trades to
       it (the raw weight cannot be reached while the private sleeve is off its own target).
       On a day without a rebalance, cash below 0 (redemptions, calls or fees larger than the
       cash sleeve) is covered by selling the liquid sleeves pro rata at the day's levels, as
       far as they go (recorded as trades, ``rebalanced`` stays False); only when the liquid
       sleeves are exhausted does cash stay below 0.
    8. Check the limits on the end-of-day holdings: ``breach_private_max`` = private share >
       ``private.max``; ``breach_cash_floor`` = cash share < ``cash.floor``;
       ``breach_band_uncurable`` = the private sleeve's weight is further than its band from
       its glide-path target (the private sleeve cannot be sold or bought on demand).
    9. Record the row.

    Parameters
    ----------
    vehicle : Vehicle
        The vehicle struck.
    inputs : StrikeInputs
        The days and their levels, private values and flows.
    state : StrikeState
        The end of the previous strike (or :func:`launch_state`).

    Returns
    -------
    rows : pandas.DataFrame
        One row per day struck, columns :func:`strike_columns` (a RangeIndex). ``nav_per_unit``
        is the price the day's orders filled at (dollars a unit); ``net_assets``, the units,
        values (dollars) and weights (shares of net assets) are the end-of-day state, after the
        orders and any rebalance. ``trade_<id>`` is dollars bought (+) or sold (-);
        ``cash_in``/``cash_out`` are the dollars moved into/out of the cash sleeve (flows, fees,
        orders and trades, gross) and ``cash_interest`` the change in the cash sleeve's value
        from the cash index's move, so that ``cash_in - cash_out + cash_interest`` is the day's
        change in ``value_<cash>``.
    state : StrikeState
        The end of the last day struck (``state`` itself when no day is after ``state.day``).

    Raises
    ------
    ValueError
        If the inputs are misshapen (index not ``days``, a missing or non-positive level, a
        negative or non-finite flow) or a day's net assets are not positive (no NAV can be
        struck, e.g. every unit redeemed).
    """
    lay = _layout(vehicle)
    _check(lay, inputs, state)
    mask = np.asarray(inputs.days > state.day)
    days = inputs.days[mask]
    n = len(days)

    # -- per-day facts, vectorised -----------------------------------------------------------
    prev = pd.DatetimeIndex([state.day, *days[:-1]]) if n else days
    gap = (days - prev).days.to_numpy().tolist()
    # fees are paid on the first strike on/after the month-end business day following `prev`
    pay_on = (prev + pd.Timedelta(days=1)) + pd.offsets.BMonthEnd(0)
    pay = np.asarray(days >= pay_on).tolist()
    per = {"monthly": 1, "quarterly": 3, "annually": 12}[vehicle.rebalance.schedule]

    def _period(ix: pd.DatetimeIndex) -> np.ndarray[Any, np.dtype[np.int64]]:
        return np.asarray(ix.year * 12 + (ix.month - 1) // per * per, dtype=np.int64)

    new_period = (_period(days) != _period(prev)).tolist()
    targets = vehicle.target_matrix(days) if n else np.zeros((0, len(vehicle.sleeves)))
    w_lc = targets[:, list(lay.cols)].tolist()
    w_priv = targets[:, lay.private_col].tolist() if lay.private_id is not None else [0.0] * n
    lv_rows = inputs.prices.loc[mask, list(lay.series)].to_numpy(dtype=float).tolist()

    def _flow(ser: pd.Series) -> list[float]:
        return list(ser.to_numpy(dtype=float)[mask].tolist())

    pv, calls, dists = _flow(inputs.private_value), _flow(inputs.calls), _flow(inputs.distributions)
    hfees = _flow(inputs.fees_outside_nav())
    purchases, redemptions = _flow(inputs.purchases), _flow(inputs.redemptions)

    # -- carried state (exactly what StrikeState holds) --------------------------------------
    units = float(state.units_outstanding)
    su = [float(state.sleeve_units[s]) for s in lay.ids]
    prev_lv = [float(state.levels[s]) for s in lay.series]
    payable = float(state.fees_payable)
    acc_total = float(state.fees_accrued_total)
    paid_total = float(state.fees_paid_total)

    bp = vehicle.fee_bp_per_year
    floor = vehicle.cash.floor
    pmax = vehicle.private.max
    trigger = vehicle.rebalance.trigger
    by_band = trigger in ("band", "both")
    by_schedule = trigger in ("schedule", "both")
    k, ci, liq, bands = len(lay.ids), lay.cash, lay.liquid, lay.bands
    has_private = lay.private_id is not None

    scalars: dict[str, list[Any]] = {c: [] for c in STRIKE_COLUMNS if c != "date"}
    val_rows: list[list[float]] = []
    trade_rows: list[list[float]] = []

    for t in range(n):
        lv = lv_rows[t]
        # 1. price the liquid and cash sleeves
        vals = [su[i] * lv[i] for i in range(k)]
        interest = su[ci] * (lv[ci] - prev_lv[ci])
        # 2. the private sleeve
        p = pv[t]
        # 3. calls and distributions
        call, dist, hfee = calls[t], dists[t], hfees[t]
        cash = vals[ci] + (dist - call - hfee)
        cash_in, cash_out = dist, call + hfee
        liquid_total = math.fsum(vals[j] for j in liq)
        # 4. fees
        na_before_fees = liquid_total + cash + p - payable
        if not na_before_fees > 0.0:
            raise ValueError(f"net assets on {days[t].date()} are {na_before_fees}: no NAV")
        fee = na_before_fees * bp / 1e4 * gap[t] / 365.0
        payable += fee
        acc_total += fee
        paid = 0.0
        if pay[t]:
            paid = payable
            cash -= paid
            cash_out += paid
            paid_total += paid
            payable = 0.0
        # 5. NAV
        na = liquid_total + cash + p - payable
        if not (na > 0.0 and units > 0.0):
            raise ValueError(f"net assets {na} and units {units} on {days[t].date()}: no NAV")
        nav = na / units
        # 6. orders
        purch, red = purchases[t], redemptions[t]
        issued, redeemed = purch / nav, red / nav
        units += issued - redeemed
        cash += purch - red
        cash_in += purch
        cash_out += red
        vals[ci] = cash
        na_after = liquid_total + cash + p - payable
        if not na_after > 0.0:
            raise ValueError(f"the orders on {days[t].date()} leave net assets of {na_after}")
        # 7. rebalance, or cover an overdraft
        trades = [0.0] * k
        tgt = _targets(liquid_total + cash, payable, floor * na_after, w_lc[t], liq, ci)
        reason = ""
        if by_band and any(abs(vals[i] - tgt[i]) / na_after > bands[i] + _EPS for i in range(k)):
            reason = "band"
        elif by_schedule and new_period[t]:
            reason = "schedule"
        if reason:
            for j in liq:
                d = tgt[j] - vals[j]
                trades[j] = d
                if d > 0.0:
                    cash_out += d
                else:
                    cash_in -= d
                vals[j] = tgt[j]
                su[j] = tgt[j] / lv[j]
            trades[ci] = tgt[ci] - vals[ci]
            vals[ci] = tgt[ci]
        elif cash < 0.0 and liquid_total > 0.0:
            need = min(-cash, liquid_total)
            for j in liq:
                s = need * vals[j] / liquid_total
                trades[j] = -s
                vals[j] -= s
                su[j] = vals[j] / lv[j]
            trades[ci] = need
            vals[ci] = cash + need
            cash_in += need
        su[ci] = vals[ci] / lv[ci]
        prev_lv = lv
        # 8. limits, on the end-of-day holdings
        net = math.fsum(vals) + p - payable
        private_share = p / net
        scalars["nav_per_unit"].append(nav)
        scalars["net_assets"].append(net)
        scalars["units_outstanding"].append(units)
        scalars["units_issued"].append(issued)
        scalars["units_redeemed"].append(redeemed)
        scalars["purchases"].append(purch)
        scalars["redemptions"].append(red)
        scalars["calls"].append(call)
        scalars["distributions"].append(dist)
        scalars["holding_fees"].append(hfee)
        scalars["fees_accrued"].append(fee)
        scalars["fees_paid"].append(paid)
        scalars["fees_payable"].append(payable)
        scalars["rebalanced"].append(bool(reason))
        scalars["rebalance_reason"].append(reason)
        scalars["breach_private_max"].append(has_private and private_share > pmax + _EPS)
        scalars["breach_cash_floor"].append(vals[ci] / net < floor - _EPS)
        scalars["breach_band_uncurable"].append(
            has_private and abs(private_share - w_priv[t]) > lay.private_band + _EPS
        )
        scalars["cash_in"].append(cash_in)
        scalars["cash_out"].append(cash_out)
        scalars["cash_interest"].append(interest)
        val_rows.append([*vals, p])
        trade_rows.append(trades)

    frame = _frame(vehicle, lay, days, scalars, val_rows, trade_rows)
    if n == 0:
        return frame, state
    end = StrikeState(
        day=pd.Timestamp(days[-1]),
        units_outstanding=units,
        sleeve_units=dict(zip(lay.ids, su, strict=True)),
        fees_payable=payable,
        fees_accrued_total=acc_total,
        fees_paid_total=paid_total,
        levels=dict(zip(lay.series, prev_lv, strict=True)),
    )
    return frame, end


def _frame(
    vehicle: Vehicle,
    lay: _Layout,
    days: pd.DatetimeIndex,
    scalars: dict[str, list[Any]],
    val_rows: list[list[float]],
    trade_rows: list[list[float]],
) -> pd.DataFrame:
    """Assemble the rows into a frame with the columns of :func:`strike_columns`."""
    n = len(days)
    # each value row is the liquid and cash sleeves in layout order, then the private value
    vals = np.array(val_rows, dtype=float).reshape(n, len(lay.ids) + 1)
    pos = {s: i for i, s in enumerate(lay.ids)}
    if lay.private_id is not None:
        pos[lay.private_id] = len(lay.ids)
    trades = np.array(trade_rows, dtype=float).reshape(n, len(lay.ids))
    net = np.asarray(scalars["net_assets"], dtype=float)
    data: dict[str, Any] = {"date": np.asarray(days.values)}
    for c in _HEAD[1:]:
        data[c] = np.asarray(scalars[c], dtype=float)
    for s in vehicle.sleeve_ids:
        data[f"value_{s}"] = vals[:, pos[s]]
    for s in vehicle.sleeve_ids:
        data[f"weight_{s}"] = vals[:, pos[s]] / net
    for i, s in enumerate(lay.ids):
        data[f"trade_{s}"] = trades[:, i]
    data["rebalanced"] = np.asarray(scalars["rebalanced"], dtype=bool)
    data["rebalance_reason"] = pd.array(scalars["rebalance_reason"], dtype="str")
    for c in ("breach_private_max", "breach_cash_floor", "breach_band_uncurable"):
        data[c] = np.asarray(scalars[c], dtype=bool)
    for c in ("cash_in", "cash_out", "cash_interest"):
        data[c] = np.asarray(scalars[c], dtype=float)
    frame = pd.DataFrame(data)
    return frame[strike_columns(vehicle)]
