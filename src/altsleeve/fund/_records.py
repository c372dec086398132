"""Striking the vehicle against the ledger: inputs in, strikes and limit breaches out.

Owns the I/O edge of fund accounting: assembling each day's strike inputs from the ledger (sleeve
prices, the private sleeve valued by the valuation engine as known that day, calls,
distributions, participant orders), running the pure engine (``_strike``) day by day, and
recording each day (its components, the state carried to the next day and the inputs it used) in
the ledger. Whole days are written in one transaction, so a run killed at any point leaves no
partial day and resumes from the last day recorded. Must not hold accounting rules (``_strike``
does) nor estimate values (``valuation`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.fund._strike import StrikeInputs, StrikeState, launch_state, strike_days
from altsleeve.fund._vehicle import Vehicle
from altsleeve.ledger import Ledger
from altsleeve.valuation import (
    METHODS,
    ValuationInputs,
    inputs_from_ledger,
)

ProgressFn = Callable[[str, int, int], None]

_BREACHES = {
    "breach_private_max": "private_max",
    "breach_cash_floor": "cash_floor",
    "breach_band_uncurable": "private_band_uncurable",
}


def _quiet(_: str, __: int, ___: int) -> None:
    return None


def state_to_json(state: StrikeState) -> str:
    """The carried state as JSON (floats keep their shortest round-trip form)."""
    d = asdict(state)
    d["day"] = pd.Timestamp(state.day).date().isoformat()
    return json.dumps(d, sort_keys=True)


def state_from_json(text: str) -> StrikeState:
    """Inverse of :func:`state_to_json`."""
    d = json.loads(text)
    d["day"] = pd.Timestamp(d["day"])
    return StrikeState(**d)


def vehicle_calendar(ledger: Ledger, vehicle: Vehicle) -> pd.DatetimeIndex:
    """Business days of the vehicle: dates of its first liquid sleeve's price series."""
    series = next(s.series for s in vehicle.sleeves if s.kind == "liquid" and s.series)
    prices = ledger.as_known_on(dt.date(2100, 12, 31), tables=("prices",)).prices
    days = pd.DatetimeIndex(prices.loc[prices["series_id"] == series, "date"]).sort_values()
    if days.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no prices for series {series!r}; run `altsleeve marketdata load` first",
                )
            ]
        )
    return days


def private_values(
    inputs: ValuationInputs,
    vehicle: Vehicle,
    start: pd.Timestamp,
    end: pd.Timestamp,
    method: str | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """The private sleeve's value per day: each holding by its class's method, as known that day.

    Returns the daily sum (dollars) and the per-holding estimates used (for the inputs record).
    """
    h = inputs.holdings
    if h.empty:
        return pd.Series(dtype=float), pd.DataFrame()
    wanted = h["asset_class"].map(lambda ac: method or vehicle.valuation_method(ac))
    frames = []
    for m in sorted(set(wanted)):
        ids = list(h.loc[wanted == m, "holding_id"])
        est = METHODS[m]().fit(inputs).estimate(start, end, holdings=ids)
        frames.append(est)
    est = pd.concat(frames, ignore_index=True)
    daily = est.groupby("date")["value"].sum()
    return daily, est


def build_inputs(
    ledger: Ledger,
    vehicle: Vehicle,
    days: pd.DatetimeIndex,
    *,
    recorded_at: dt.datetime | None = None,
    method: str | None = None,
    prices_only: bool = False,
) -> tuple[StrikeInputs, pd.DataFrame, dt.datetime]:
    """Everything the engine needs for ``days``, as the ledger knew it (by ``recorded_at``)."""
    cutoff = recorded_at or ledger.inputs_recorded_at()
    snap = ledger.as_known_on(
        dt.date(2100, 12, 31), recorded_at=cutoff, tables=("prices", "cashflows", "orders")
    )
    prices = snap.prices
    cols = {}
    for s in vehicle.sleeves:
        if s.series is None:
            continue
        rows = prices[prices["series_id"] == s.series]
        if rows.empty:
            raise InputError(
                [Problem(str(ledger.path), f"no prices for sleeve {s.id!r}'s series {s.series!r}")]
            )
        ser = pd.Series(rows["level"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]))
        cols[s.series] = ser.reindex(ser.index.union(days)).ffill().reindex(days)
    price_frame = pd.DataFrame(cols, index=days)
    if prices_only:
        pv, est = pd.Series(dtype=float), pd.DataFrame()
    else:
        pv, est = private_values(
            inputs_from_ledger(ledger, recorded_at=cutoff), vehicle, days[0], days[-1], method
        )
    cf = snap.cashflows
    day_ns = np.asarray(days.values, dtype="datetime64[ns]")
    eff = np.maximum(
        np.asarray(pd.to_datetime(cf["date"]), dtype="datetime64[ns]"),
        np.asarray(pd.to_datetime(cf["known_on"]), dtype="datetime64[ns]"),
    )
    # A flow on a non-business day is booked on the next business day; flows before the first
    # day to strike belong to days already struck (or before the launch) and are not re-booked.
    pos = np.searchsorted(day_ns, eff, side="left")
    keep = (pos < len(days)) & (eff >= day_ns[0])
    cf = cf[keep].assign(day=days[pos[keep]])

    def by_day(frame: pd.DataFrame, kind: str) -> pd.Series:
        s = frame.loc[frame["kind"] == kind].groupby("day")["amount"].sum()
        return s.reindex(days, fill_value=0.0).astype(float)

    orders = snap.orders
    orders = orders[orders["vehicle"] == vehicle.vehicle.id]
    odays = np.asarray(pd.to_datetime(orders["date"]), dtype="datetime64[ns]")
    opos = np.searchsorted(day_ns, odays, side="left")
    okeep = (opos < len(days)) & (odays >= day_ns[0])
    orders = orders[okeep].assign(day=days[opos[okeep]])
    inp = StrikeInputs(
        days=days,
        prices=price_frame,
        private_value=pv.reindex(days, fill_value=0.0).astype(float),
        calls=by_day(cf, "call"),
        distributions=by_day(cf, "distribution"),
        purchases=by_day(orders, "purchase"),
        redemptions=by_day(orders, "redemption"),
    )
    return inp, est, cutoff


def latest_strikes(ledger: Ledger, vehicle_id: str) -> pd.DataFrame:
    """The latest version of every recorded strike of a vehicle, by date."""
    s = ledger.as_known_on(dt.date(2100, 12, 31), tables=("strikes",)).strikes
    return s[s["vehicle"] == vehicle_id].sort_values("date").reset_index(drop=True)


@dataclass(frozen=True)
class StrikeRun:
    """What a strike run did (days counted once, breaches as found on the days struck)."""

    first: str
    last: str
    days: int
    new: int
    restruck: int
    unchanged: int
    breaches: int


def _marks_digests(est: pd.DataFrame) -> dict[pd.Timestamp, tuple[int, str]]:
    """Per day: how many holdings were valued and a SHA-256 of (holding, mark as-of, version)."""
    if est.empty:
        return {}
    as_of = pd.to_datetime(est["last_mark_as_of"]).dt.strftime("%Y-%m-%d").fillna("-")
    key = est["holding_id"].astype(str) + ":" + as_of + ":" + est["last_mark_version"].astype(str)
    frame = pd.DataFrame({"date": est["date"], "key": key}).sort_values(["date", "key"])
    out: dict[pd.Timestamp, tuple[int, str]] = {}
    for day, g in frame.groupby("date"):
        stamp = pd.Timestamp(str(day))
        out[stamp] = (len(g), hashlib.sha256("|".join(g["key"]).encode()).hexdigest())
    return out


def _rows_to_records(
    vehicle: Vehicle,
    rows: pd.DataFrame,
    states: list[StrikeState | None],
    digests: dict[pd.Timestamp, tuple[int, str]],
    cutoff: dt.datetime,
    reason: str,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ledger rows for struck days: one strike per day, one breach row per limit breached."""
    methods = {
        ac: vehicle.valuation_method(ac)
        for ac in ("buyout", "venture", "private_credit", "real_estate", "infrastructure")
    }
    priv = vehicle.private_sleeve
    cash_id = vehicle.cash_sleeve.id
    strikes: list[dict[str, Any]] = []
    breaches: list[dict[str, Any]] = []
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in rec.items()} for rec in rows.to_dict("records")
    ]
    for r, state in zip(records, states, strict=True):
        day = pd.Timestamp(r["date"])
        comp = {
            str(k): (
                v if isinstance(v, str) else bool(v) if isinstance(v, np.bool_ | bool) else float(v)
            )
            for k, v in r.items()
            if k != "date"
        }
        n_marks, digest = digests.get(day, (0, ""))
        inputs = {
            "inputs_recorded_at": cutoff.isoformat(),
            "valuation": methods,
            "holdings_valued": n_marks,
            "marks_sha256": digest,
        }
        strikes.append(
            {
                "vehicle": vehicle.vehicle.id,
                "date": day,
                "nav_per_unit": float(r["nav_per_unit"]),
                "net_assets": float(r["net_assets"]),
                "units_outstanding": float(r["units_outstanding"]),
                "components": json.dumps(comp, sort_keys=True),
                "state": state_to_json(state) if state is not None else "",
                "inputs": json.dumps(inputs, sort_keys=True),
                "reason": reason,
                "known_on": day,
            }
        )
        share = float(r.get(f"weight_{priv.id}", 0.0)) if priv else 0.0
        figures = {
            "breach_private_max": (share, vehicle.private.max),
            "breach_cash_floor": (float(r.get(f"weight_{cash_id}", 0.0)), vehicle.cash.floor),
            "breach_band_uncurable": (share, priv.band if priv else 0.0),
        }
        for col, name in _BREACHES.items():
            if bool(r.get(col, False)):
                value, threshold = figures[col]
                breaches.append(
                    {
                        "vehicle": vehicle.vehicle.id,
                        "date": day,
                        "limit_name": name,
                        "value": value,
                        "threshold": threshold,
                        "detail": json.dumps({"net_assets": float(r["net_assets"])}),
                        "known_on": day,
                    }
                )
    cols = ["vehicle", "date", "limit_name", "value", "threshold", "detail", "known_on"]
    return pd.DataFrame(strikes), pd.DataFrame(breaches, columns=cols)


def strike_range(
    ledger: Ledger,
    vehicle: Vehicle,
    start: str | dt.date | None,
    end: str | dt.date,
    *,
    restrike: bool = False,
    reason: str = "",
    months_per_write: int = 12,
    progress: ProgressFn = _quiet,
) -> StrikeRun:
    """Strike every business day in ``[start, end]``, resuming from the last state recorded.

    The engine runs a calendar month at a time; the state carried to the next day is recorded on
    each month's last business day (a rule of the date alone, so that striking again with the
    same knowledge reproduces every row exactly). A run starts from the last recorded state before
    ``start`` (or the launch), so days not yet struck, or struck by a run killed before its
    month's state was recorded, are struck first. A day struck again with the same knowledge
    writes nothing; a day whose figures differ is refused unless ``restrike`` (then it becomes a
    new version with ``reason``, the old one kept). Whole months are written ``months_per_write``
    at a time, each group in one transaction with its limit breaches, so a killed run leaves no
    partial day.
    """
    vid = vehicle.vehicle.id
    cal = vehicle_calendar(ledger, vehicle)
    launch = cal[cal >= pd.Timestamp(vehicle.vehicle.inception)]
    if launch.empty:
        raise InputError(
            [
                Problem(
                    "<vehicle>",
                    "no business day on or after the inception",
                    column="vehicle.inception",
                )
            ]
        )
    launch_day = launch[0]
    end_ts = pd.Timestamp(end)
    start_ts = max(pd.Timestamp(start), launch_day) if start is not None else launch_day
    done = latest_strikes(ledger, vid)
    with_state = done[(pd.to_datetime(done["date"]) < start_ts) & (done["state"] != "")]
    if not with_state.empty:
        state = state_from_json(str(with_state.iloc[-1]["state"]))
    else:
        state = launch_state(vehicle, launch_day, _price_row(ledger, vehicle, cal, launch_day))
    days = cal[(cal > state.day) & (cal <= end_ts)]
    if days.empty:
        return StrikeRun(str(start_ts.date()), str(end_ts.date()), 0, 0, 0, 0, 0)
    month_end = set(pd.Series(cal).groupby(cal.to_period("M")).max())
    progress("assembling strike inputs (valuing the private sleeve)", 0, len(days))
    inp, est, cutoff = build_inputs(ledger, vehicle, days)
    digests = _marks_digests(est)
    new = restruck = unchanged = n_breach = 0
    months = days.to_period("M")
    groups = [days[months == m] for m in months.unique()]
    for g0 in range(0, len(groups), months_per_write):
        frames, states = [], []
        for month_days in groups[g0 : g0 + months_per_write]:
            rows, state = strike_days(vehicle, _slice(inp, month_days), state)
            frames.append(rows)
            states += [state if d in month_end else None for d in month_days]
        frame = pd.concat(frames, ignore_index=True)
        strikes, breaches = _rows_to_records(vehicle, frame, states, digests, cutoff, reason)
        with ledger.transaction():
            res = ledger.append(
                "strikes",
                strikes,
                action="strike",
                source=f"strike {vid}",
                restate=restrike,
                detail={"reason": reason} if reason else None,
            )
            if len(breaches):
                ledger.append(
                    "limit_breaches",
                    breaches,
                    action="strike",
                    source=f"strike {vid}",
                    restate=restrike,
                )
        new, restruck, unchanged = new + res.new, restruck + res.restated, unchanged + res.unchanged
        n_breach += len(breaches)
        last_done = pd.Timestamp(frame["date"].iloc[-1])
        progress(
            f"struck {vid} to {last_done.date()}",
            int(days.searchsorted(last_done, side="right")),
            len(days),
        )
    return StrikeRun(
        str(days[0].date()), str(days[-1].date()), len(days), new, restruck, unchanged, n_breach
    )


def strike(
    ledger: Ledger,
    vehicle: Vehicle,
    day: str | dt.date,
    *,
    restrike: bool = False,
    reason: str = "",
) -> StrikeRun:
    """Strike one business day (and any day before it not yet struck); see :func:`strike_range`."""
    return strike_range(ledger, vehicle, day, day, restrike=restrike, reason=reason)


def _price_row(
    ledger: Ledger, vehicle: Vehicle, cal: pd.DatetimeIndex, day: pd.Timestamp
) -> pd.Series:
    inp, _, _ = build_inputs(ledger, vehicle, cal[cal == day], prices_only=True)
    return inp.prices.iloc[0]


def _slice(inp: StrikeInputs, idx: pd.DatetimeIndex) -> StrikeInputs:
    return StrikeInputs(
        days=idx,
        prices=inp.prices.loc[idx],
        private_value=inp.private_value.loc[idx],
        calls=inp.calls.loc[idx],
        distributions=inp.distributions.loc[idx],
        purchases=inp.purchases.loc[idx],
        redemptions=inp.redemptions.loc[idx],
    )


def strike_diff(ledger: Ledger, vehicle_id: str, day: str | dt.date) -> pd.DataFrame:
    """Each component of a day's strike in its previous and latest versions."""
    hist = ledger.history("strikes")
    rows = hist[(hist["vehicle"] == vehicle_id) & (hist["date"] == pd.Timestamp(day))]
    rows = rows.sort_values("version")
    if len(rows) < 2:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{vehicle_id} on {day} has {len(rows)} version(s); nothing to compare",
                    column="--date",
                )
            ]
        )
    old, new = rows.iloc[-2], rows.iloc[-1]
    a, b = json.loads(str(old["components"])), json.loads(str(new["components"]))
    out: list[dict[str, Any]] = []
    for k in sorted(set(a) | set(b)):
        va, vb = a.get(k), b.get(k)
        change = (vb - va) if isinstance(va, float) and isinstance(vb, float) else None
        out.append(
            {
                "component": k,
                f"v{int(old['version'])}": va,
                f"v{int(new['version'])}": vb,
                "change": change,
            }
        )
    return pd.DataFrame(out)


def record_breaches(ledger: Ledger, vehicle_id: str) -> pd.DataFrame:
    """The limit breaches recorded for a vehicle (latest version of each), by date."""
    b = ledger.as_known_on(dt.date(2100, 12, 31), tables=("limit_breaches",)).limit_breaches
    return b[b["vehicle"] == vehicle_id].sort_values(["date", "limit_name"]).reset_index(drop=True)


__all__ = [
    "StrikeRun",
    "build_inputs",
    "dilution_report",
    "latest_strikes",
    "private_values",
    "record_breaches",
    "state_from_json",
    "state_to_json",
    "strike",
    "strike_diff",
    "strike_range",
    "vehicle_calendar",
]


def dilution_report(
    ledger: Ledger,
    vehicle: Vehicle,
    methods: tuple[str, ...] = ("stale", "proxy", "nowcast"),
    *,
    end: str | dt.date | None = None,
    progress: ProgressFn = _quiet,
) -> dict[str, Any]:
    """Wealth moved from staying to trading participants by each valuation method's NAV.

    For each method the vehicle is struck over its whole history (not recorded) with the private
    sleeve valued by that method. The NAV the orders should have filled at uses the SYNTHETIC
    true private values with the same holdings and units:
    ``NAV_true = (net assets - private estimate + private truth) / units``. Traders buying at a NAV
    below the truth (or selling above it) gain at the stayers' expense, so the wealth moved away
    from staying participants is ``sum_t (purchases_t - redemptions_t) (NAV_true_t / NAV_t - 1)``
    dollars (negative if they gained), and in basis points a year of the vehicle's true net assets
    (ACT/365.25 years). Source: DOMAIN.md section 2; Zitzewitz (2003); Greene & Hodges (2002).

    The measure stops on the last day of the truth (:func:`_truth_ends`): a day past it has no
    true value to compare with (a missing truth is not $0), so ``end`` (default: the last price
    day) beyond it is cut there and said so: ``to`` is the day asked, ``truth_ends`` the truth's
    last day, ``stopped_at_truth`` whether the measure stopped before ``to``, and ``note`` says
    it in words.

    Raises
    ------
    InputError
        When the ledger holds no synthetic truth (only a synthetic book has one), or when no
        business day after the launch is left to measure.
    """
    truth = ledger.synthetic_truth()
    if truth.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    "dilution needs true values, which only a "
                    "synthetic book has (altsleeve sample)",
                )
            ]
        )
    cal = vehicle_calendar(ledger, vehicle)
    launch_day = cal[cal >= pd.Timestamp(vehicle.vehicle.inception)][0]
    asked = pd.Timestamp(end) if end is not None else cal[-1]
    known = ledger.as_known_on(dt.date(2100, 12, 31), tables=("cashflows",)).cashflows
    truth_ends = _truth_ends(truth, known)
    last = min(asked, truth_ends)
    days = cal[(cal > launch_day) & (cal <= last)]
    if days.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no business day to measure between the launch ({launch_day.date()}) and "
                    f"{last.date()} (the synthetic truth ends {truth_ends.date()})",
                    column="--to",
                )
            ]
        )
    true_pv = truth.assign(date=pd.to_datetime(truth["date"])).groupby("date")["value"].sum()
    true_pv = true_pv.reindex(days, fill_value=0.0)
    # business days asked for beyond the truth's end were left out
    stopped = bool(((cal > truth_ends) & (cal <= asked)).any())
    out: dict[str, Any] = {
        "first": str(days[0].date()),
        "last": str(days[-1].date()),
        "to": str(asked.date()),
        "truth_ends": str(truth_ends.date()),
        "stopped_at_truth": stopped,
        "note": (
            f"stopped at the synthetic truth's last day {truth_ends.date()}, before "
            f"{asked.date()}: later days have no true value to compare with"
            if stopped
            else ""
        ),
        "synthetic_truth": True,
        "methods": {},
    }
    for i, m in enumerate(methods):
        progress(f"dilution: striking with {m}", i, len(methods))
        start_state = launch_state(
            vehicle, launch_day, _price_row(ledger, vehicle, cal, launch_day)
        )
        inp, _, _ = build_inputs(ledger, vehicle, days, method=m)
        rows, _ = strike_days(vehicle, inp, start_state)
        rows = rows.set_index(pd.DatetimeIndex(rows["date"]))
        units_before = rows["units_outstanding"] - rows["units_issued"] + rows["units_redeemed"]
        na_before = rows["nav_per_unit"] * units_before
        true_na = na_before - inp.private_value + true_pv
        nav_true = true_na / units_before
        moved = (rows["purchases"] - rows["redemptions"]) * (nav_true / rows["nav_per_unit"] - 1)
        years = (days[-1] - days[0]).days / 365.25
        scale = float(true_na.mean())
        per_year = {
            str(y): {
                "dollars": float(g.sum()),
                "bp": float(g.sum() / float(true_na[g.index].mean()) * 1e4),
            }
            for y, g in moved.groupby(pd.DatetimeIndex(moved.index).year)
        }
        out["methods"][m] = {
            "dollars": float(moved.sum()),
            "bp_per_year": float(moved.sum() / scale / years * 1e4),
            "gross_dollars": float(moved.abs().sum()),
            "gross_bp_per_year": float(moved.abs().sum() / scale / years * 1e4),
            "per_year": per_year,
        }
    progress("dilution done", len(methods), len(methods))
    return out


def _truth_ends(truth: pd.DataFrame, cashflows: pd.DataFrame) -> pd.Timestamp:
    """The last day on which every holding still held has a true value.

    A holding whose last truth value is zero was liquidated: its truth is zero from then on and
    it does not end the truth. A holding still valued on its last truth day ends the truth
    there (a missing true value is not $0), and so does the earliest holding held with no truth
    at all: the day before its first cash flow. Over holdings, the earliest of these; the
    truth's last day when every holding was liquidated.
    """
    t = truth.assign(date=pd.to_datetime(truth["date"])).sort_values(["holding_id", "date"])
    last = t.groupby("holding_id").tail(1).set_index("holding_id")
    live = last[last["value"] > 0.0]
    ends = pd.Timestamp(live["date"].min() if len(live) else t["date"].max())
    untracked = cashflows[~cashflows["holding_id"].isin(set(t["holding_id"]))]
    if len(untracked):
        first = pd.Timestamp(pd.to_datetime(untracked["date"]).min()) - pd.Timedelta(days=1)
        ends = min(ends, first)
    return ends
