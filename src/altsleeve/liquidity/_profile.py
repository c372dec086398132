"""The liquidity profile of the vehicle on one day: buckets, limits and coverage of stressed needs.

Owns the classification of every position (each liquid and cash sleeve, each private holding) in
one of SEC Rule 22e-4's four liquidity buckets by the days its whole value takes to become cash,
the dollars each position can turn into cash within 3 business days and 7, 30, 90 and 365
calendar days, the vehicle-level shares per bucket against the private maximum and the highly
liquid minimum, unfunded commitments, and the coverage ratios of liquid assets over stressed needs
(redemptions, a plan-level withdrawal, capital calls already noticed by the GPs, further capital
calls expected at a high quantile, fees payable and the rebalancing back to the glide path) over
the same horizons. Also the small inputs it
derives: the trailing redemption rate (:func:`trailing_redemptions`), the rebalancing need
(:func:`rebalance_need`, the strike engine's own targets) and which recorded commitments are not
yet made (:func:`split_future_commitments`).

Pure: frames and numbers in, a :class:`LiquidityProfile` out. Must not read files or the ledger
(the edge :mod:`altsleeve.workflows.liquidity` gathers the inputs as known on the day), value
holdings, project cash flows (the pacing engine does) or strike the vehicle.

Units: money in dollars (the vehicle's currency); shares are decimals of net assets (0.05 = 5%);
rates are decimals a year; days are calendar days unless called business days (Monday to
Friday; public holidays are not known ahead and are ignored, so a horizon in business days may end
a day early around a holiday).

Sources
-------
* SEC Rule 22e-4 (17 CFR 270.22e-4(a)): an investment is **highly liquid** if reasonably expected
  to be convertible into cash in current market conditions in three business days or less without
  the conversion significantly changing its market value; **moderately liquid** if convertible in
  more than three but at most seven calendar days; **less liquid** if it can be sold or disposed
  of in seven calendar days or less without significantly changing its market value but the sale
  is reasonably expected to settle in more than seven calendar days; **illiquid** if it cannot be
  sold or disposed of in seven calendar days or less without significantly changing its market
  value. The rule caps illiquid investments at 15% of an open-end fund's net assets and asks the
  board for a highly liquid investment minimum (no number is prescribed).
* SEC Rule 23c-3 (interval funds): periodic repurchase offers of 5-25% of shares outstanding,
  paid within seven days of the repurchase pricing date.
* Evergreen and tender-offer funds typically gate redemptions at about 5% of NAV a quarter; a
  tender-offer fund's repurchases are at its board's discretion (DOMAIN.md section 5;
  :data:`altsleeve.pacing.REDEMPTION_TERMS`).
* 401(k) flows: net transfers of 1.59% of balances in Q1 2020 against 0.50% on average, about 3x
  (DOMAIN.md section 5), hence the default stress multiplier of 3 on the trailing redemption rate.
* Plan-level withdrawals (plan terminations, recordkeeper changes) are lumpy; a bank CIT may
  require prior notice for withdrawals from a fund invested mainly in assets that are not readily
  marketable (OCC 12 CFR 9.18, up to a year), so the default counts a plan-level withdrawal only
  in horizons of 30 days or more.
* Secondary sales of drawdown fund interests clear at a discount (DOMAIN.md section 5 stress:
  30%) and take months.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.jsonvalues import plain
from altsleeve.domain import VehicleType
from altsleeve.fund import trailing_flows
from altsleeve.pacing import redemption_terms

DateLike = str | dt.date | pd.Timestamp

#: SEC Rule 22e-4's buckets, most liquid first.
HIGHLY_LIQUID = "highly liquid"
MODERATELY_LIQUID = "moderately liquid"
LESS_LIQUID = "less liquid"
ILLIQUID = "illiquid"
BUCKETS: tuple[str, ...] = (HIGHLY_LIQUID, MODERATELY_LIQUID, LESS_LIQUID, ILLIQUID)

#: Business days from a sale to cash when the vehicle file gives none: the cash sleeve is cash
#: (0), units of a daily index fund settle the next business day (T+1).
DEFAULT_DAYS_TO_CASH: dict[str, int] = {"cash": 0, "liquid": 1}


@dataclass(frozen=True)
class Horizon:
    """A window from the day of the profile: ``days`` business or calendar days.

    Attributes
    ----------
    key : str
        Short name used in frames and JSON (``3bd``, ``7d``, ...).
    label : str
        Words for a report.
    days : int
        Length of the window (> 0).
    business : bool
        Whether ``days`` counts business days (Monday to Friday) rather than calendar days.
    """

    key: str
    label: str
    days: int
    business: bool = False

    def until(self, day: DateLike) -> pd.Timestamp:
        """The window's last day (cash paid on it counts)."""
        start = pd.Timestamp(day).normalize()
        if self.business:
            end = np.busday_offset(np.datetime64(start.date(), "D"), self.days, roll="forward")
            return pd.Timestamp(end)
        return start + pd.Timedelta(days=self.days)

    def calendar_days(self, day: DateLike) -> int:
        """Calendar days from ``day`` to :meth:`until`."""
        return int((self.until(day) - pd.Timestamp(day).normalize()).days)


#: The coverage horizons: SEC Rule 22e-4's three business days and seven calendar days, and a
#: month (when calls, a plan-level withdrawal and a month's redemptions can come together).
COVERAGE_HORIZONS: tuple[Horizon, ...] = (
    Horizon("3bd", "3 business days", 3, business=True),
    Horizon("7d", "7 days", 7),
    Horizon("30d", "30 days", 30),
)
#: Horizons of the dollars reachable per position: the coverage horizons plus a quarter and a
#: year, for information (gated windows and secondary sales show there).
REACH_HORIZONS: tuple[Horizon, ...] = (
    *COVERAGE_HORIZONS,
    Horizon("90d", "90 days", 90),
    Horizon("365d", "365 days", 365),
)


@dataclass(frozen=True)
class LiquidityAssumptions:
    """The stress assumptions of a liquidity profile (module docstring: sources).

    Attributes
    ----------
    stress_multiplier : float, default 3.0
        Multiplier on the trailing redemption rate (Q1 2020 net transfers 1.59% vs 0.50% on
        average, about 3x).
    plan_withdrawal : float, default 0.05
        A plan-level withdrawal, share of net assets (the sample book's largest lumpy withdrawal,
        5% of its reference assets).
    plan_withdrawal_days : int, default 30
        The withdrawal counts only in horizons of at least this many calendar days (the notice a
        CIT may require, OCC 12 CFR 9.18).
    call_quantile : float, default 0.95
        Quantile of the projected capital calls counted as the need (a 1-in-20 high).
    secondary_discount : float, default 0.30
        Discount on a secondary sale of a drawdown fund interest (share of its value).
    secondary_days : int, default 180
        Calendar days from deciding a secondary sale to cash.
    evergreen_settlement_days : int, default 30
        Calendar days from an evergreen fund's quarterly dealing date to payment.
    interval_settlement_days : int, default 7
        Calendar days from an interval fund's repurchase pricing date to payment (Rule 23c-3).
    redemption_window_days : int, default 365
        Trailing window of participant redemptions behind the redemption rate.
    """

    stress_multiplier: float = 3.0
    plan_withdrawal: float = 0.05
    plan_withdrawal_days: int = 30
    call_quantile: float = 0.95
    secondary_discount: float = 0.30
    secondary_days: int = 180
    evergreen_settlement_days: int = 30
    interval_settlement_days: int = 7
    redemption_window_days: int = 365

    def __post_init__(self) -> None:
        checks = {
            "stress_multiplier": self.stress_multiplier >= 0.0,
            "plan_withdrawal": 0.0 <= self.plan_withdrawal <= 1.0,
            "plan_withdrawal_days": self.plan_withdrawal_days >= 0,
            "call_quantile": 0.0 <= self.call_quantile <= 1.0,
            "secondary_discount": 0.0 <= self.secondary_discount <= 1.0,
            "secondary_days": self.secondary_days >= 0,
            "evergreen_settlement_days": self.evergreen_settlement_days >= 0,
            "interval_settlement_days": self.interval_settlement_days >= 0,
            "redemption_window_days": self.redemption_window_days >= 1,
        }
        for name, ok in checks.items():
            value = getattr(self, name)
            if not (ok and math.isfinite(float(value))):
                raise ValueError(f"{name} = {value} is out of range")


@dataclass(frozen=True)
class RedemptionHistory:
    """Participant redemptions over a trailing window, as a rate a year.

    Attributes
    ----------
    rate : float
        ``redemptions / average_net_assets x 365 / covered_days``, decimal a year.
    redemptions : float
        Redemptions dated in the window (and on or after the first strike) and known by the
        day, dollars (purchases not netted).
    average_net_assets : float
        Mean of the net assets struck in the window, dollars.
    covered_days : int
        Calendar days of the window the vehicle existed (the window, or fewer for a young
        vehicle).
    orders : int
        Redemption orders counted.
    """

    rate: float
    redemptions: float
    average_net_assets: float
    covered_days: int
    orders: int


@dataclass(frozen=True)
class LiquidityProfile:
    """The vehicle's liquidity on one day.

    Attributes
    ----------
    day : pandas.Timestamp
        The day of the profile (the strike's day).
    net_assets : float
        Sleeve values less fees payable, dollars.
    positions : pandas.DataFrame
        One row per liquid or cash sleeve and per private holding: ``position``, ``kind``
        (liquid / cash / private), ``vehicle_type`` and ``asset_class`` (private only),
        ``value`` (dollars; a private holding's share of the struck private sleeve value),
        ``share`` (of net assets), ``bucket``, ``days_to_cash`` (calendar days to the first cash
        on the assumed terms; NaN when none is assured), ``days_to_all`` (calendar days until the
        whole value is cash; NaN when never assured), ``reach_<key>`` per
        :data:`REACH_HORIZONS` and per other coverage horizon (dollars reachable by the
        horizon's end), ``unfunded`` (dollars)
        and ``terms`` (words).
    buckets : pandas.DataFrame
        Per bucket (:data:`BUCKETS` order): ``dollars``, ``share`` (of net assets), ``positions``.
    limits : dict
        ``private_value``, ``private_share``, ``private_max``, ``private_headroom`` (max - share),
        ``private_headroom_dollars``, ``private_breach``; ``highly_liquid``,
        ``highly_liquid_share``, ``highly_liquid_min``, ``highly_liquid_surplus`` (dollars above
        the minimum, negative below), ``highly_liquid_breach``; ``illiquid_share``;
        ``highly_liquid_headroom`` (share - minimum).
    unfunded : dict
        ``dollars``, ``share_of_net_assets``, ``over_highly_liquid`` (unfunded / highly liquid
        dollars), ``holdings`` (drawdown funds with unfunded commitments).
    coverage : pandas.DataFrame
        Per coverage horizon: ``horizon``, ``label``, ``until``, ``calendar_days``, ``liquid``
        (dollars reachable), ``cash`` (the cash sleeve), ``redemptions`` (stressed),
        ``plan_withdrawal``, ``noticed_calls`` (certain: noticed by the day, dated within the
        horizon), ``calls`` (the model's further calls at the quantile), ``fees_payable``,
        ``rebalancing``, ``needs`` (their sum), ``ratio`` (liquid / needs; inf when nothing is
        needed), ``cash_ratio`` (cash / needs), ``surplus`` (liquid - needs).
    redemption_rate : float
        Trailing redemption rate, decimal a year (before the stress multiplier).
    rebalancing : float
        Dollars a rebalance to the glide path would sell today (:func:`rebalance_need`).
    fees_payable : float
        Fees accrued and not yet paid, dollars.
    assumptions : LiquidityAssumptions
    sources : dict
        Where the inputs came from (filled by the caller: ledger, strike version, as-of).
    """

    day: pd.Timestamp
    net_assets: float
    positions: pd.DataFrame
    buckets: pd.DataFrame
    limits: dict[str, Any]
    unfunded: dict[str, Any]
    coverage: pd.DataFrame
    redemption_rate: float
    rebalancing: float
    fees_payable: float
    assumptions: LiquidityAssumptions
    sources: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """One JSON-ready object (NaN and infinity become ``None``; dates ISO strings)."""
        return {
            "day": self.day.date().isoformat(),
            "net_assets": self.net_assets,
            "limits": _clean(self.limits),
            "unfunded": _clean(self.unfunded),
            "buckets": _records(self.buckets),
            "coverage": _records(self.coverage),
            "redemption_rate": self.redemption_rate,
            "rebalancing": self.rebalancing,
            "fees_payable": self.fees_payable,
            "assumptions": asdict(self.assumptions),
            "positions": _records(self.positions),
            "sources": _clean(self.sources),
        }


_clean = plain


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): _clean(v) for k, v in row.items()} for row in frame.to_dict(orient="records")]


# -- the inputs derived from history -----------------------------------------------------------


def trailing_redemptions(
    orders: pd.DataFrame,
    strikes: pd.DataFrame,
    day: DateLike,
    *,
    window_days: int = 365,
) -> RedemptionHistory:
    """The vehicle's redemption rate over the ``window_days`` to ``day``, as known on ``day``.

    Parameters
    ----------
    orders : pandas.DataFrame
        The vehicle's participant orders: ``date``, ``kind`` (purchase / redemption), ``amount``
        (dollars), optionally ``known_on``. Rows dated or known after ``day`` are ignored.
    strikes : pandas.DataFrame
        The vehicle's struck days: ``date``, ``net_assets`` (dollars). Days after ``day`` are
        ignored.
    day : date-like
        The day of the profile.
    window_days : int, default 365
        Calendar days of the trailing window ``(day - window_days, day]``.

    Returns
    -------
    RedemptionHistory
        ``rate = redemptions / average net assets x 365 / covered_days``, where covered_days is
        the window or, for a vehicle struck for less than it, the days since its first strike
        (inclusive). Zero when nothing was struck in the window.
    """
    f = trailing_flows(orders, strikes, day, window_days=window_days)
    return RedemptionHistory(
        f.redemption_rate,
        f.redemptions,
        f.average_net_assets,
        f.covered_days,
        f.redemption_orders,
    )


def rebalance_need(sleeves: pd.DataFrame, *, fees_payable: float, cash_floor: float) -> float:
    """Dollars a rebalance to the glide path would sell from overweight sleeves now.

    The targets are the strike engine's (``altsleeve.fund._strike._targets``, docs/fund.md step
    7): the liquid and cash sleeves' glide-path weights rescaled to share net assets less the
    private value, the cash sleeve raised to ``cash_floor x net assets`` by taking from the
    liquid sleeves pro rata, with the fees payable held in cash on top. The targets sum to what
    the liquid and cash sleeves hold, so the sales equal the purchases and both equal half the
    sum of the absolute deviations.

    Parameters
    ----------
    sleeves : pandas.DataFrame
        ``kind`` (liquid / cash / private), ``value`` (dollars), ``target`` (glide-path weight on
        the day, share of net assets).
    fees_payable : float
        Fees accrued not yet paid, dollars.
    cash_floor : float
        The cash floor, share of net assets.

    Returns
    -------
    float
        Dollars, >= 0.
    """
    kind = sleeves["kind"].astype(str).to_numpy()
    value = sleeves["value"].to_numpy(dtype=float)
    weight = sleeves["target"].to_numpy(dtype=float)
    lc = kind != "private"
    liquid = kind == "liquid"
    cash = kind == "cash"
    total = math.fsum(value[lc])
    net = total + math.fsum(value[~lc]) - fees_payable
    base = total - fees_payable
    w_sum = math.fsum(weight[lc])
    target = np.zeros(len(value))
    if base > 0.0 and w_sum > 0.0:
        target[liquid] = weight[liquid] * base / w_sum
        cash_pre = math.fsum(weight[cash]) * base / w_sum
    else:
        cash_pre = base
    liq_sum = math.fsum(target[liquid])
    short = cash_floor * net - cash_pre
    if short > 0.0 and liq_sum > 0.0:
        target[liquid] *= (liq_sum - min(short, liq_sum)) / liq_sum
    target[cash] = total - math.fsum(target[liquid])
    return 0.5 * math.fsum(np.abs(value[lc] - target[lc]))


def split_future_commitments(
    state: pd.DataFrame, vintages: Mapping[str, Any], day: DateLike
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Holdings committed by ``day`` and those of later vintages not yet made.

    A ledger may record the whole schedule of commitments at once (the sample book's holdings
    are known from the start). A drawdown commitment counts from the first day of its vintage
    year, or from its first call if earlier; a holding of a later vintage with nothing paid in and
    no NAV is not yet a commitment on ``day``.

    Parameters
    ----------
    state : pandas.DataFrame
        :func:`altsleeve.pacing.book_state` rows (``holding_id``, ``paid_in``, ``nav``, ...).
    vintages : mapping of str to int or None
        Vintage year per holding id (missing or None: counted).
    day : date-like

    Returns
    -------
    kept, later : pandas.DataFrame
        The rows counted, and the rows left out.
    """
    year = pd.Timestamp(day).year
    vint = state["holding_id"].map(lambda h: vintages.get(str(h)))
    later = vint.map(lambda v: v is not None and not pd.isna(v) and int(v) > year)
    later &= (state["paid_in"].astype(float) <= 0.0) & (state["nav"].astype(float) <= 0.0)
    mask = later.to_numpy(dtype=bool)
    return state[~mask].reset_index(drop=True), state[mask].reset_index(drop=True)


# -- the reach of one position -----------------------------------------------------------------


def _window_payments(
    day: pd.Timestamp, n: int, notice_days: int, settlement_days: int
) -> list[pd.Timestamp]:
    """Payment days of the next ``n`` quarterly windows that ``day`` can still give notice for."""
    first = day + pd.Timedelta(days=notice_days)
    q = (first - pd.Timedelta(days=1) + pd.offsets.QuarterEnd(1)).normalize()  # first QE >= first
    ends = pd.date_range(q, periods=n, freq="QE")
    return [pd.Timestamp(e) + pd.Timedelta(days=settlement_days) for e in ends]


def _bucket(day: pd.Timestamp, settles: pd.Timestamp | None, tradeable_in_7: bool) -> str:
    """Rule 22e-4 bucket of a position whose whole value is cash on ``settles``."""
    if settles is not None:
        bd = int(np.busday_count(np.datetime64(day.date()), np.datetime64(settles.date())))
        if bd <= 3:
            return HIGHLY_LIQUID
        if (settles - day).days <= 7:
            return MODERATELY_LIQUID
    return LESS_LIQUID if tradeable_in_7 else ILLIQUID


def _sleeve_row(
    day: pd.Timestamp, row: Mapping[str, Any], net: float, hs: Sequence[Horizon]
) -> dict[str, Any]:
    kind = str(row["kind"])
    raw = row.get("days_to_cash")
    bdays = DEFAULT_DAYS_TO_CASH[kind] if raw is None or pd.isna(raw) else int(raw)
    settles = pd.Timestamp(np.busday_offset(np.datetime64(day.date(), "D"), bdays, roll="forward"))
    value = float(row["value"])
    days = int((settles - day).days)
    out: dict[str, Any] = {
        "position": str(row["sleeve_id"]),
        "kind": kind,
        "vehicle_type": "",
        "asset_class": "",
        "value": value,
        "share": value / net,
        "bucket": _bucket(day, settles, True),
        "days_to_cash": float(days),
        "days_to_all": float(days),
    }
    for h in hs:
        out[f"reach_{h.key}"] = value if settles <= h.until(day) else 0.0
    out["unfunded"] = 0.0
    out["terms"] = "cash" if bdays == 0 else f"sold today, cash in {bdays} business day(s)"
    return out


def _holding_row(
    day: pd.Timestamp,
    row: Mapping[str, Any],
    value: float,
    net: float,
    a: LiquidityAssumptions,
    hs: Sequence[Horizon],
) -> dict[str, Any]:
    vtype = str(row["vehicle_type"])
    reach = dict.fromkeys((h.key for h in hs), 0.0)
    settles: pd.Timestamp | None = None
    first: float = math.nan
    whole: float = math.nan
    unfunded = 0.0
    if vtype == VehicleType.DRAWDOWN.value:
        unfunded = max(float(row.get("commitment", 0.0)) - float(row.get("paid_in", 0.0)), 0.0)
        first = whole = float(a.secondary_days)
        for h in hs:
            if a.secondary_days <= h.calendar_days(day):
                reach[h.key] = value * (1.0 - a.secondary_discount)
        terms = (
            f"secondary sale only: {a.secondary_discount:.0%} discount, ~{a.secondary_days} days"
        )
    elif vtype in (VehicleType.EVERGREEN.value, VehicleType.INTERVAL.value):
        t = redemption_terms(vtype)
        assert t is not None
        gate_raw = row.get("gate_per_quarter")
        gate = t.gate_per_quarter if gate_raw is None or pd.isna(gate_raw) else float(gate_raw)
        notice_raw = row.get("notice_days")
        notice = t.notice_days if notice_raw is None or pd.isna(notice_raw) else int(notice_raw)
        settle = (
            a.interval_settlement_days
            if vtype == VehicleType.INTERVAL.value
            else a.evergreen_settlement_days
        )
        if gate > 0.0:
            n_all = math.ceil(1.0 / gate - 1e-9)
            pays = _window_payments(day, n_all, notice, settle)
            first = float((pays[0] - day).days)
            whole = float((pays[-1] - day).days)
            settles = pays[-1]
            for h in hs:
                end = h.until(day)
                k = sum(1 for p in pays if p <= end)
                reach[h.key] = value * min(1.0, gate * k)
        word = "repurchase offer" if vtype == VehicleType.INTERVAL.value else "gate"
        terms = (
            f"{word} {gate:.0%} a quarter, notice {notice} d, paid {settle} d after the quarter end"
        )
    elif vtype == VehicleType.TENDER_OFFER.value:
        terms = "tender offers at the board's discretion: nothing assured"
    else:
        terms = "unknown terms: nothing assured"
    out: dict[str, Any] = {
        "position": str(row["holding_id"]),
        "kind": "private",
        "vehicle_type": vtype,
        "asset_class": str(row.get("asset_class", "")),
        "value": value,
        "share": value / net,
        # a secondary sale is at a significant discount, so it never lifts the bucket
        "bucket": _bucket(day, settles, False),
        "days_to_cash": first,
        "days_to_all": whole,
    }
    out.update({f"reach_{k}": v for k, v in reach.items()})
    out["unfunded"] = unfunded
    out["terms"] = terms
    return out


# -- the profile --------------------------------------------------------------------------------


def liquidity_profile(
    day: DateLike,
    sleeves: pd.DataFrame,
    holdings: pd.DataFrame,
    *,
    fees_payable: float = 0.0,
    private_max: float = 0.15,
    highly_liquid_min: float = 0.10,
    cash_floor: float = 0.0,
    redemption_rate: float = 0.0,
    expected_calls: Mapping[str, float] | None = None,
    noticed_calls: Mapping[str, float] | None = None,
    assumptions: LiquidityAssumptions | None = None,
    horizons: Sequence[Horizon] = COVERAGE_HORIZONS,
    sources: Mapping[str, Any] | None = None,
) -> LiquidityProfile:
    """Bucket every position, check the limits and compute the coverage of stressed needs.

    **Positions.** Each liquid or cash sleeve is sold on ``day`` and settles ``days_to_cash``
    business days later (default 0 for cash, 1 for liquid). Each private holding's value is its
    share of the struck private sleeve (the holdings' reported NAVs rolled forward, scaled to sum
    to the private sleeve's value; unscaled when ``sleeves`` has no private row). Per vehicle
    type (:class:`LiquidityAssumptions`):

    * drawdown: only a secondary sale, at ``secondary_discount``, cash after ``secondary_days``;
    * evergreen: ``gate_per_quarter`` of the value at each calendar quarter end that is at least
      ``notice_days`` after ``day`` (from the holding's row, else
      :data:`altsleeve.pacing.REDEMPTION_TERMS`), paid ``evergreen_settlement_days`` later;
      under stress every investor asks, so the gate binds and pays pro rata;
    * interval: the same with the repurchase offer (5% a quarter by default) paid
      ``interval_settlement_days`` after the pricing date (Rule 23c-3);
    * tender-offer: nothing assured (the board decides whether to offer).

    **Buckets** (Rule 22e-4, on the whole position): cash within three business days: highly
    liquid; within seven calendar days: moderately liquid; a sleeve that can be sold at once but
    settles later: less liquid; otherwise (every private holding: the whole value cannot be sold
    within seven days without a significant discount): illiquid.

    **Coverage** for each horizon ``h``: liquid(h) / needs(h), where liquid(h) is the dollars
    every position reaches by the horizon's end and

    ``needs(h) = redemption_rate x stress_multiplier x calendar_days(h) / 365 x net assets
    + plan_withdrawal x net assets (only when calendar_days(h) >= plan_withdrawal_days)
    + noticed_calls[h.key] + expected_calls[h.key] + fees_payable + rebalance_need``.

    A noticed call (the GP's notice is known on ``day``, its date within the horizon) is a
    certain outflow and counts in full; ``expected_calls`` are the model's further calls, which
    the caller has already reduced by the notices (:func:`altsleeve.workflows.liquidity.
    expected_calls`), so no call is counted twice. Noticed distributions are not counted: an
    inflow is never netted against stressed needs (a distribution can be late; a conservative
    profile counts only what the vehicle must pay).

    Parameters
    ----------
    day : date-like
        The day of the profile.
    sleeves : pandas.DataFrame
        One row per sleeve: ``sleeve_id``, ``kind`` (liquid / cash / private), ``value``
        (dollars), ``target`` (glide-path weight on ``day``), optionally ``days_to_cash``
        (business days; NaN or None for the default).
    holdings : pandas.DataFrame
        One row per private holding (:func:`altsleeve.pacing.book_state` columns will do):
        ``holding_id``, ``asset_class``, ``vehicle_type``, ``nav`` (dollars), ``commitment`` and
        ``paid_in`` (dollars, drawdown funds), optionally ``gate_per_quarter`` (decimal) and
        ``notice_days``.
    fees_payable : float
        Fees accrued not yet paid, dollars (a liability: net assets = sleeves - fees payable).
    private_max : float
        The private sleeve's maximum, share of net assets.
    highly_liquid_min : float
        The highly liquid investment minimum, share of net assets.
    cash_floor : float
        The cash floor, share of net assets (for the rebalancing targets).
    redemption_rate : float
        Trailing redemption rate, decimal a year (:func:`trailing_redemptions`).
    expected_calls : mapping of str to float, optional
        Capital calls expected within each horizon at ``call_quantile``, dollars, by horizon key
        (every key of ``horizons``); ``None``: no calls (no unfunded commitment).
    noticed_calls : mapping of str to float, optional
        Capital calls noticed by ``day`` and dated within each horizon, dollars, by horizon key
        (every key of ``horizons``); ``None``: no notice.
    assumptions : LiquidityAssumptions, optional
        The stress assumptions (default: the documented defaults).
    horizons : sequence of Horizon
        The coverage horizons (default :data:`COVERAGE_HORIZONS`).
    sources : mapping, optional
        Provenance kept with the profile.

    Returns
    -------
    LiquidityProfile

    Raises
    ------
    ValueError
        If net assets are not positive, a value is negative or not finite, or
        ``expected_calls`` or ``noticed_calls`` misses a horizon, or a noticed amount is
        negative.

    Examples
    --------
    >>> import pandas as pd
    >>> s = pd.DataFrame({"sleeve_id": ["cash", "eq"], "kind": ["cash", "liquid"],
    ...                   "value": [10.0, 90.0], "target": [0.1, 0.9]})
    >>> h = pd.DataFrame(columns=["holding_id", "asset_class", "vehicle_type", "nav"])
    >>> p = liquidity_profile("2024-01-03", s, h)
    >>> float(p.limits["highly_liquid_share"])
    1.0
    """
    a = assumptions or LiquidityAssumptions()
    d = pd.Timestamp(day).normalize()
    sl = sleeves.reset_index(drop=True)
    values = sl["value"].to_numpy(dtype=float)
    if not (np.isfinite(values).all() and (values >= 0.0).all()):
        raise ValueError("sleeve values must be finite and >= 0 dollars")
    if not (math.isfinite(fees_payable) and fees_payable >= 0.0):
        raise ValueError(f"fees_payable = {fees_payable}: finite and >= 0 dollars")
    kinds = sl["kind"].astype(str)
    private_rows = sl[kinds == "private"]
    h = holdings.reset_index(drop=True)
    navs = h["nav"].to_numpy(dtype=float) if len(h) else np.zeros(0)
    if not (np.isfinite(navs).all() and (navs >= 0.0).all()):
        raise ValueError("holding NAVs must be finite and >= 0 dollars")
    if len(private_rows):
        private_value = float(private_rows["value"].astype(float).sum())
    else:
        private_value = float(navs.sum())
    net = float(values.sum()) - fees_payable + (0.0 if len(private_rows) else private_value)
    if not net > 0.0:
        raise ValueError(f"net assets on {d.date()} are {net}: no profile")

    hs = [*REACH_HORIZONS]
    hs += [x for x in horizons if x.key not in {y.key for y in hs}]
    rows: list[dict[str, Any]] = []
    for r in sl[kinds != "private"].to_dict(orient="records"):
        rows.append(_sleeve_row(d, {str(k): v for k, v in r.items()}, net, hs))
    nav_sum = float(navs.sum())
    scale = private_value / nav_sum if nav_sum > 0.0 else 0.0
    for i, r in enumerate(h.to_dict(orient="records")):
        rec = {str(k): v for k, v in r.items()}
        rows.append(_holding_row(d, rec, float(navs[i]) * scale, net, a, hs))
    if private_value > 0.0 and nav_sum <= 0.0:
        rows.append(
            _holding_row(
                d,
                {"holding_id": "private (not allocated)", "vehicle_type": "unknown"},
                private_value,
                net,
                a,
                hs,
            )
        )
    reach_cols = [f"reach_{x.key}" for x in hs]
    columns = [
        "position",
        "kind",
        "vehicle_type",
        "asset_class",
        "value",
        "share",
        "bucket",
        "days_to_cash",
        "days_to_all",
        *reach_cols,
        "unfunded",
        "terms",
    ]
    positions = pd.DataFrame(rows, columns=columns)

    by_bucket = positions.groupby("bucket")["value"]
    buckets = pd.DataFrame(
        {
            "bucket": list(BUCKETS),
            "dollars": [float(by_bucket.sum().get(b, 0.0)) for b in BUCKETS],
            "positions": [int((positions["bucket"] == b).sum()) for b in BUCKETS],
        }
    )
    buckets.insert(2, "share", buckets["dollars"] / net)

    highly = float(buckets.loc[buckets["bucket"] == HIGHLY_LIQUID, "dollars"].iloc[0])
    illiquid = float(buckets.loc[buckets["bucket"] == ILLIQUID, "dollars"].iloc[0])
    private_share = private_value / net
    limits: dict[str, Any] = {
        "private_value": private_value,
        "private_share": private_share,
        "private_max": float(private_max),
        "private_headroom": float(private_max) - private_share,
        "private_headroom_dollars": float(private_max) * net - private_value,
        "private_breach": private_share > private_max + 1e-12,
        "highly_liquid": highly,
        "highly_liquid_share": highly / net,
        "highly_liquid_min": float(highly_liquid_min),
        "highly_liquid_surplus": highly - float(highly_liquid_min) * net,
        "highly_liquid_breach": highly / net < highly_liquid_min - 1e-12,
        "illiquid_share": illiquid / net,
        "highly_liquid_headroom": highly / net - float(highly_liquid_min),
    }
    unfunded_total = float(positions["unfunded"].sum())
    unfunded: dict[str, Any] = {
        "dollars": unfunded_total,
        "share_of_net_assets": unfunded_total / net,
        "over_highly_liquid": unfunded_total / highly if highly > 0.0 else math.inf,
        "holdings": int((positions["unfunded"] > 0.0).sum()),
    }

    rebalancing = rebalance_need(
        sl.assign(target=sl["target"].astype(float)),
        fees_payable=fees_payable,
        cash_floor=cash_floor,
    )
    cash_value = float(positions.loc[positions["kind"] == "cash", "value"].sum())
    cov_rows: list[dict[str, Any]] = []
    for hz in horizons:
        cal_days = hz.calendar_days(d)
        if expected_calls is None:
            calls = 0.0
        elif hz.key in expected_calls:
            calls = float(expected_calls[hz.key])
        else:
            raise ValueError(f"expected_calls has no {hz.key!r} horizon")
        if noticed_calls is None:
            noticed = 0.0
        elif hz.key in noticed_calls:
            noticed = float(noticed_calls[hz.key])
            if not (math.isfinite(noticed) and noticed >= 0.0):
                raise ValueError(f"noticed_calls[{hz.key!r}] = {noticed}: finite and >= 0 dollars")
        else:
            raise ValueError(f"noticed_calls has no {hz.key!r} horizon")
        liquid = float(positions[f"reach_{hz.key}"].sum())
        redemptions = redemption_rate * a.stress_multiplier * cal_days / 365.0 * net
        plan = a.plan_withdrawal * net if cal_days >= a.plan_withdrawal_days else 0.0
        needs = redemptions + plan + noticed + calls + fees_payable + rebalancing
        cov_rows.append(
            {
                "horizon": hz.key,
                "label": hz.label,
                "until": hz.until(d).date(),
                "calendar_days": cal_days,
                "liquid": liquid,
                "cash": cash_value,
                "redemptions": redemptions,
                "plan_withdrawal": plan,
                "noticed_calls": noticed,
                "calls": calls,
                "fees_payable": float(fees_payable),
                "rebalancing": rebalancing,
                "needs": needs,
                "ratio": liquid / needs if needs > 0.0 else math.inf,
                "cash_ratio": cash_value / needs if needs > 0.0 else math.inf,
                "surplus": liquid - needs,
            }
        )
    coverage = pd.DataFrame(cov_rows)
    return LiquidityProfile(
        day=d,
        net_assets=net,
        positions=positions,
        buckets=buckets,
        limits=limits,
        unfunded=unfunded,
        coverage=coverage,
        redemption_rate=float(redemption_rate),
        rebalancing=rebalancing,
        fees_payable=float(fees_payable),
        assumptions=a,
        sources=dict(sources or {}),
    )
