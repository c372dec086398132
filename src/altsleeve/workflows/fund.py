"""Striking the vehicle against the ledger: inputs in, strikes, limit breaches and exceptions out.

Owns the I/O edge of fund accounting: the vehicle's business days (its exchange calendar), the
definition in force on each day (registered in the ledger), assembling each day's strike inputs
from the ledger (sleeve prices, the private sleeve valued by the valuation engine as known that
day, calls, distributions, the fees holdings bill outside their NAV, participant orders), the
controls (``_controls``: a price missing or moving beyond tolerance, a NAV move beyond the
vehicle's tolerance) with the exceptions a person must clear, running the pure engine
(``_strike``) day by day, and recording each day (its components, the state carried to the next
day and the inputs it used) in the ledger. Whole days are written in one transaction, so a run
killed at any point leaves no partial day and resumes from the last day recorded. Must not hold
accounting rules (``_strike`` does) nor estimate values (``valuation`` does).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike, NDArray

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.domain import series_tolerance
from altsleeve.errors import InputError, Problem
from altsleeve.fund._calendar import business_days
from altsleeve.fund._controls import (
    CARRIED_PRICE,
    MISSING_PRICE,
    PRICE_MOVE,
    Finding,
    NavBase,
    check_prices,
    nav_moves,
)
from altsleeve.fund._strike import StrikeInputs, StrikeState, launch_state, strike_days
from altsleeve.fund._vehicle import Vehicle
from altsleeve.ledger import Ledger
from altsleeve.valuation import (
    METHODS,
    ValuationInputs,
)
from altsleeve.workflows import pit
from altsleeve.workflows.overrides import apply_overrides, approved_overrides, overrides_used
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.vehicles import (
    Definition,
    definitions,
    in_force,
    registered_vehicle,
    resolve_vehicle_id,
)

_FAR = dt.date(2100, 12, 31)

#: Scope of exceptions found on prices at ingest (not tied to one vehicle).
PRICES_SCOPE = "prices"
#: The ``exceptions`` scope of recorded price challenges (``valuation test --record``).
VALUATION_SCOPE = "valuation"

_BREACHES = {
    "breach_private_max": "private_max",
    "breach_cash_floor": "cash_floor",
    "breach_band_uncurable": "private_band_uncurable",
}

#: Valuation methods that move a holding's value with its proxy series (which must be priced).
_PROXY_METHODS = ("proxy", "nowcast", "nowcast-ph")


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


class StrikeStoppedError(InputError):
    """The strike stopped on a day with an exception no person has accepted (exit status 2).

    The days before it were struck and recorded; the exception is recorded as ``open``.
    """

    def __init__(self, problems: list[Problem], run: StrikeRun) -> None:
        super().__init__(problems)
        self.run = run


def launch_day(vehicle: Vehicle) -> pd.Timestamp:
    """The vehicle's launch: its first business day on or after the inception."""
    info = vehicle.vehicle
    days = business_days(info.calendar, info.inception, info.inception + dt.timedelta(days=15))
    return pd.Timestamp(days[0])


def _prices_frame(
    ledger: Ledger, series: Iterable[str], *, recorded_at: dt.datetime | None = None
) -> dict[str, pd.Series]:
    """Every recorded level of each series (latest version by ``recorded_at``), by date."""
    wanted = sorted(set(series))
    prices = ledger.as_known_on(
        _FAR, recorded_at=recorded_at, tables=("prices",), where={"series_id": wanted}
    ).prices
    out: dict[str, pd.Series] = {}
    for sid in wanted:
        rows = prices[prices["series_id"] == sid]
        out[sid] = pd.Series(
            rows["level"].to_numpy(float), index=pd.DatetimeIndex(rows["date"]), name=sid
        ).sort_index()
    return out


def vehicle_calendar(ledger: Ledger, vehicle: Vehicle) -> pd.DatetimeIndex:
    """Business days from the vehicle's launch to the last day every sleeve series is priced.

    The days are the sessions of the vehicle's exchange calendar (``vehicle.calendar``), never
    the dates a price file happens to have; the end is the last date on which each liquid and
    cash sleeve's series has a level (for a replay or a study of the recorded history).
    """
    series = [s.series for s in vehicle.sleeves if s.series]
    observed = _prices_frame(ledger, [str(s) for s in series])
    empty = [sid for sid, s in observed.items() if s.empty]
    if empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no prices for series {', '.join(repr(e) for e in empty)}; ingest them "
                    "(or run `altsleeve marketdata load` for the shipped data) first",
                )
            ]
        )
    last = min(s.index.max() for s in observed.values())
    return business_days(vehicle.vehicle.calendar, launch_day(vehicle), last)


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


def required_series(
    vehicle: Vehicle, holdings: pd.DataFrame, method: str | None = None
) -> dict[str, list[str]]:
    """Each series a day's strike needs, with what needs it (a sleeve, or the holdings' proxy).

    The liquid and cash sleeves' series, and the proxy of every private holding valued by a
    method that moves with it (``proxy``, ``nowcast``).
    """
    out: dict[str, list[str]] = {}
    for s in vehicle.sleeves:
        if s.series:
            out.setdefault(s.series, []).append(f"sleeve {s.id}")
    if vehicle.private_sleeve is not None and len(holdings):
        for r in holdings.to_dict("records"):
            m = method or vehicle.valuation_method(str(r["asset_class"]))
            if m in _PROXY_METHODS:
                out.setdefault(str(r["proxy"]), []).append(f"proxy of {r['holding_id']}")
    return out


def series_tolerances(
    ledger: Ledger, vehicle: Vehicle, series: Iterable[str]
) -> dict[str, float | None]:
    """The move tolerance of each series: the vehicle's override, the series' own, its type's."""
    meta = ledger.as_known_on(_FAR, tables=("series",)).series.set_index("series_id")
    out: dict[str, float | None] = {}
    for sid in series:
        if sid in vehicle.pricing.move_tolerance:
            out[sid] = float(vehicle.pricing.move_tolerance[sid])
        elif sid in meta.index:
            row = meta.loc[sid]
            explicit = row.get("move_tolerance")
            out[sid] = series_tolerance(
                None if pd.isna(row.get("asset_type")) else str(row.get("asset_type")),
                str(row.get("frequency", "daily")),
                None if explicit is None or pd.isna(explicit) else float(explicit),
            )
        else:
            out[sid] = series_tolerance(None, "daily", None)
    return out


def build_inputs(
    ledger: Ledger,
    vehicle: Vehicle,
    days: pd.DatetimeIndex,
    *,
    recorded_at: dt.datetime | None = None,
    method: str | None = None,
    prices_only: bool = False,
    levels: pd.DataFrame | None = None,
) -> tuple[StrikeInputs, pd.DataFrame, dt.datetime]:
    """Everything the engine needs for ``days``, as the ledger knew it (by ``recorded_at``).

    ``levels`` are the sleeves' levels per day as checked by the strike's controls (carried
    prices included); without them every sleeve series must have its own level on every day,
    else an :class:`InputError` names the series and the first day without one (nothing is
    carried forward in silence).
    """
    cutoff = recorded_at or ledger.inputs_recorded_at()
    sleeve_series = [str(s.series) for s in vehicle.sleeves if s.series]
    if levels is None:
        observed = _prices_frame(ledger, sleeve_series, recorded_at=cutoff)
        check = check_prices(days, observed, {}, {})
        missing = [f for f in check.findings if f.kind == MISSING_PRICE]
        if missing:
            raise InputError(
                [Problem(str(ledger.path), missing[0].message, column=missing[0].subject)]
            )
        levels = check.levels
    price_frame = levels.reindex(index=days, columns=sleeve_series)
    if prices_only:
        pv, est = pd.Series(dtype=float), pd.DataFrame()
    else:
        pv, est = private_values(
            inputs_from_ledger(ledger, recorded_at=cutoff), vehicle, days[0], days[-1], method
        )
        # Issue 20: an approved override (four eyes, workflows.approvals) replaces its holding's
        # estimate for its day; the strike records it with its inputs (overrides_used).
        over = approved_overrides(ledger, days[0], days[-1], recorded_at=cutoff)
        if len(over):
            est = apply_overrides(est, over)
            pv = est.groupby("date")["value"].sum()
    snap = ledger.as_known_on(_FAR, recorded_at=cutoff, tables=("cashflows", "orders"))
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
        holding_fees=by_day(cf, "fee"),
    )
    return inp, est, cutoff


@dataclass(frozen=True)
class StrikeRun:
    """What a strike run did (days counted once, breaches as found on the days struck).

    ``stopped`` names the day the run stopped on and why (``None`` when it struck every day);
    ``carried`` counts the prices carried forward within the vehicle's allowance.
    """

    vehicle: str
    first: str
    last: str
    days: int
    new: int
    restruck: int
    unchanged: int
    breaches: int
    carried: int = 0
    accepted: int = 0
    stopped: dict[str, Any] | None = None
    definitions: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready figures."""
        return asdict(self)


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
    defn: Definition,
    rows: pd.DataFrame,
    states: list[StrikeState | None],
    digests: dict[pd.Timestamp, tuple[int, str]],
    cutoff: dt.datetime,
    reason: str,
    notes: Mapping[pd.Timestamp, dict[str, Any]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ledger rows for struck days: one strike per day, one breach row per limit breached."""
    vehicle = defn.vehicle
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
        inputs: dict[str, Any] = {
            "inputs_recorded_at": cutoff.isoformat(),
            "valuation": methods,
            "holdings_valued": n_marks,
            "marks_sha256": digest,
            "definition": defn.provenance(),
        }
        inputs.update(notes.get(day, {}))
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


# -- exceptions -------------------------------------------------------------------------------
EXCEPTION_COLUMNS = (
    "scope",
    "date",
    "kind",
    "subject",
    "status",
    "value",
    "threshold",
    "detail",
    "reason",
    "known_on",
)


def exceptions_table(
    ledger: Ledger,
    scopes: Iterable[str] | None = None,
    *,
    recorded_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The latest version of every exception (of the given scopes), by date."""
    ex = ledger.as_known_on(_FAR, recorded_at=recorded_at, tables=("exceptions",)).exceptions
    if scopes is not None:
        ex = ex[ex["scope"].isin(list(scopes))]
    return ex.sort_values(["date", "scope", "kind", "subject"]).reset_index(drop=True)


def finding_row(
    scope: str, f: Finding, status: str, reason: str = "", extra: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """An ``exceptions`` row for a finding."""
    detail = {**f.detail, "message": f.message, **(extra or {})}
    return {
        "scope": scope,
        "date": f.date,
        "kind": f.kind,
        "subject": f.subject,
        "status": status,
        "value": f.value,
        "threshold": f.threshold,
        "detail": json.dumps(detail, sort_keys=True, default=str),
        "reason": reason,
        "known_on": f.date,
    }


def _write_exceptions(ledger: Ledger, rows: list[dict[str, Any]], source: str) -> None:
    if rows:
        ledger.append(
            "exceptions",
            pd.DataFrame(rows, columns=list(EXCEPTION_COLUMNS)),
            action="exception",
            source=source,
            restate=True,
        )


@dataclass(frozen=True)
class _Acceptances:
    """Exceptions a person accepted, by (day, kind, subject), with their recorded rows."""

    rows: Mapping[tuple[pd.Timestamp, str, str], Mapping[str, Any]]
    open_rows: Mapping[tuple[pd.Timestamp, str, str], Mapping[str, Any]]

    def accepts(self, f: Finding) -> Mapping[str, Any] | None:
        """The acceptance that covers a finding (a price move only at the level accepted)."""
        row = self.rows.get(f.key)
        if row is None:
            return None
        if f.kind == PRICE_MOVE:
            accepted = json.loads(str(row["detail"])).get("level")
            level = f.detail.get("level")
            if accepted is None or level is None:
                return None
            if not math.isclose(float(accepted), float(level), rel_tol=1e-12, abs_tol=0.0):
                return None
        return row

    def missing(self) -> frozenset[tuple[pd.Timestamp, str]]:
        """Missing prices accepted to be carried for a day."""
        return frozenset((d, s) for (d, k, s) in self.rows if k == MISSING_PRICE)


def _acceptances(ledger: Ledger, vehicle_id: str) -> _Acceptances:
    ex = exceptions_table(ledger, (vehicle_id, PRICES_SCOPE))
    acc: dict[tuple[pd.Timestamp, str, str], Mapping[str, Any]] = {}
    opened: dict[tuple[pd.Timestamp, str, str], Mapping[str, Any]] = {}
    for rec in ex.to_dict("records"):
        r = {str(k): val for k, val in rec.items()}
        key = (pd.Timestamp(r["date"]), str(r["kind"]), str(r["subject"]))
        if r["status"] == "accepted":
            # a vehicle's own acceptance wins over the ledger-wide one at ingest
            if key not in acc or r["scope"] == vehicle_id:
                acc[key] = r
        elif r["status"] == "open" and r["scope"] == vehicle_id:
            opened[key] = r
    return _Acceptances(acc, opened)


def _stop_problem(vid: str, findings: list[Finding], run: StrikeRun) -> list[Problem]:
    day = findings[0].date.date()
    done = (
        f"struck {run.days} day(s) {run.first}..{run.last} before it"
        if run.days
        else "no day struck"
    )
    out = [
        Problem(
            f"strike {vid}",
            f"stopped on {day}: {f.message}",
            column=f.subject,
        )
        for f in findings
    ]
    kinds = sorted({f.kind for f in findings})
    subject = findings[0].subject
    out.append(
        Problem(
            f"strike {vid}",
            f"{done}; the exception is recorded (see `altsleeve exceptions list`). Correct the "
            "input and strike again, or, if it is right, accept it with `altsleeve exceptions "
            f"accept --vehicle {vid} --date {day} --kind {kinds[0]} --subject {subject} "
            "--reason TEXT` and strike again",
        )
    )
    return out


def _segments(
    defs: list[Definition], days: pd.DatetimeIndex
) -> list[tuple[Definition, pd.DatetimeIndex]]:
    """Consecutive runs of days with the same definition in force (as known each day)."""
    out: list[tuple[Definition, pd.DatetimeIndex]] = []
    current: Definition | None = None
    start = 0
    for i, d in enumerate(days):
        defn = in_force(defs, d)
        if defn is None:
            raise InputError(
                [
                    Problem(
                        "<vehicle>",
                        f"no definition of {defs[0].vehicle_id} is in force on {d.date()}",
                    )
                ]
            )
        if current is None or defn != current:
            if current is not None:
                out.append((current, days[start:i]))
            current, start = defn, i
    if current is not None:
        out.append((current, days[start:]))
    return out


def _base_from(row: Mapping[str, Any], vehicle: Vehicle) -> NavBase:
    """The NAV base of a strike row (its components)."""
    priv = vehicle.private_sleeve
    return NavBase(
        nav_per_unit=float(row["nav_per_unit"]),
        net_assets=float(row["net_assets"]),
        weights={
            k.removeprefix("weight_"): float(v) for k, v in row.items() if k.startswith("weight_")
        },
        private_value=float(row.get(f"value_{priv.id}", 0.0)) if priv else 0.0,
    )


def _nav_base(
    done: pd.DataFrame, state: StrikeState, vehicle: Vehicle, levels: Mapping[str, float]
) -> NavBase:
    """The strike the first day's NAV move is measured from (the launch when none before)."""
    prior = done[pd.to_datetime(done["date"]) == state.day]
    if len(prior):
        return _base_from(json.loads(str(prior.iloc[-1]["components"])), vehicle)
    series = {s.id: s.series for s in vehicle.sleeves if s.series}
    values = {sid: state.sleeve_units[sid] * levels[str(ser)] for sid, ser in series.items()}
    na = math.fsum(values.values()) - state.fees_payable
    return NavBase(
        nav_per_unit=na / state.units_outstanding,
        net_assets=na,
        weights={k: v / na for k, v in values.items()},
        private_value=0.0,
    )


def strike_range(
    ledger: Ledger,
    vehicle: str | Vehicle,
    start: str | dt.date | None,
    end: str | dt.date,
    *,
    restrike: bool = False,
    reason: str = "",
    months_per_write: int = 12,
    progress: ProgressFn = quiet,
) -> StrikeRun:
    """Strike every business day in ``[start, end]``, resuming from the last state recorded.

    The vehicle is a registered one (its id, or a :class:`Vehicle` whose id is registered); each
    day is struck with the definition in force that day as known that day. The days are the
    sessions of the vehicle's exchange calendar. Without ``start`` the run begins after the last
    day struck, so ``strike --to D`` strikes only the days not yet struck (and re-checks the days
    of that month back to its last recorded state).

    Before a day is struck, its prices are checked (``_controls.check_prices``): a required
    price that is missing (and not allowed or accepted to be carried), or that moved beyond its
    tolerance (and was not accepted), stops the run on that day; after it is struck, a NAV move
    beyond the vehicle's tolerance (not accepted) stops it too. The days before the stop are
    recorded, the finding is recorded as an ``open`` exception and :class:`StrikeStoppedError` (an
    :class:`InputError`) is raised. Carried prices and accepted exceptions are recorded with the
    strike of their day; an open exception no longer found is recorded as ``resolved``.

    The engine runs a calendar month at a time; the state carried to the next day is recorded on
    each month's last business day (a rule of the date alone, so that striking again with the
    same knowledge reproduces every row exactly). A day struck again with the same knowledge
    writes nothing; a day whose figures differ is refused unless ``restrike`` (then it becomes a
    new version with ``reason``, the old one kept). Whole months are written ``months_per_write``
    at a time, each group in one transaction with its limit breaches, so a killed run leaves no
    partial day.
    """
    vid = vehicle if isinstance(vehicle, str) else vehicle.vehicle.id
    defs = definitions(ledger, vid)
    if not defs:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"vehicle {vid!r} is not registered: register its file with `altsleeve "
                    "vehicle register FILE`",
                    column="--vehicle",
                )
            ]
        )
    first_def = defs[0].vehicle
    code = first_def.vehicle.calendar
    launch = launch_day(first_def)
    end_ts = pd.Timestamp(end)
    if end_ts < launch:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{end_ts.date()} is before {vid}'s launch on {launch.date()}",
                    column="--to",
                )
            ]
        )
    done = pit.strikes(ledger, vid)
    done_days = pd.DatetimeIndex(pd.to_datetime(done["date"]))
    if start is not None:
        start_ts = max(pd.Timestamp(start), launch)
    elif len(done_days):
        start_ts = max(done_days.max() + pd.Timedelta(days=1), launch)
    else:
        start_ts = launch
    with_state = done[(done_days < start_ts) & (done["state"] != "")]
    cal_all = business_days(code, launch, max(end_ts, launch))
    if not with_state.empty:
        state = state_from_json(str(with_state.iloc[-1]["state"]))
    else:
        lp = _launch_prices(ledger, first_def, launch)
        state = launch_state(first_def, launch, lp)
    days = cal_all[(cal_all > state.day) & (cal_all <= end_ts)]
    if days.empty:
        return StrikeRun(vid, str(start_ts.date()), str(end_ts.date()), 0, 0, 0, 0, 0)
    # the month's last business day, from a calendar that runs to the end of the last month
    full = business_days(code, launch, max(end_ts, launch) + pd.offsets.MonthEnd(0))
    month_end = set(pd.Series(full).groupby(full.to_period("M")).max())
    cutoff = ledger.inputs_recorded_at()
    holdings = ledger.as_known_on(_FAR, recorded_at=cutoff, tables=("holdings",)).holdings
    acc = _acceptances(ledger, vid)
    segments = _segments(defs, days)
    totals = {"new": 0, "restruck": 0, "unchanged": 0, "breaches": 0, "carried": 0, "acc": 0}
    struck: list[pd.Timestamp] = []
    used_defs: list[dict[str, Any]] = []

    def run_so_far(stopped: dict[str, Any] | None = None) -> StrikeRun:
        return StrikeRun(
            vid,
            str(struck[0].date()) if struck else str(days[0].date()),
            str(struck[-1].date()) if struck else str(days[0].date()),
            len(struck),
            totals["new"],
            totals["restruck"],
            totals["unchanged"],
            totals["breaches"],
            totals["carried"],
            totals["acc"],
            stopped,
            used_defs,
        )

    def stop(findings: list[Finding]) -> None:
        rows = [
            finding_row(vid, f, "open")
            for f in findings
            if not _same_open(acc.open_rows.get(f.key), f)
        ]
        with ledger.transaction():
            _write_exceptions(ledger, rows, f"strike {vid}")
        day = findings[0].date
        stopped = {
            "date": str(day.date()),
            "findings": [
                {
                    "kind": f.kind,
                    "subject": f.subject,
                    "value": f.value,
                    "threshold": f.threshold,
                    "message": f.message,
                }
                for f in findings
            ],
        }
        run = run_so_far(stopped)
        raise StrikeStoppedError(_stop_problem(vid, findings, run), run)

    progress("checking prices and valuing the private sleeve", 0, len(days))
    base = _nav_base(done, state, first_def, state.levels)
    prev_levels = dict(state.levels)
    for defn, seg_days in segments:
        v = defn.vehicle
        used_defs.append(defn.provenance())
        need = required_series(v, holdings)
        observed = _prices_frame(ledger, need, recorded_at=cutoff)
        tol = series_tolerances(ledger, v, need)
        check = check_prices(
            seg_days,
            observed,
            tol,
            dict(v.pricing.carry_forward),
            acc.missing(),
            calendar=business_days(code, launch, seg_days[-1]),
        )
        blocking: dict[pd.Timestamp, list[Finding]] = {}
        notes: dict[pd.Timestamp, dict[str, Any]] = {}
        auto_rows: list[dict[str, Any]] = []
        for f in check.findings:
            note = notes.setdefault(f.date, {})
            if f.kind == CARRIED_PRICE:
                note.setdefault("carried", {})[f.subject] = f.detail.get("carried_from")
                if not f.detail.get("accepted"):
                    auto_rows.append(
                        finding_row(
                            vid,
                            f,
                            "accepted",
                            f"carry forward allowed by the vehicle's pricing.carry_forward "
                            f"(at most {v.pricing.carry_forward.get(f.subject)} business days)",
                        )
                    )
                continue
            accepted = acc.accepts(f) if f.kind != MISSING_PRICE else None
            if accepted is not None:
                note.setdefault("accepted", []).append(_accepted_note(accepted))
                continue
            blocking.setdefault(f.date, []).append(f)
        stop_day = min(blocking) if blocking else None
        run_days = seg_days[seg_days < stop_day] if stop_day is not None else seg_days
        if len(run_days):
            inp, est, _ = build_inputs(ledger, v, run_days, recorded_at=cutoff, levels=check.levels)
            digests = _marks_digests(est)
            for o_day, used in overrides_used(est).items():  # issue 20: name approved overrides
                notes.setdefault(o_day, {})["overrides"] = used
            months = run_days.to_period("M")
            groups = [run_days[months == m] for m in months.unique()]
            priced = [(s.id, str(s.series)) for s in v.sleeves if s.series]
            for g0 in range(0, len(groups), months_per_write):
                frames: list[pd.DataFrame] = []
                states: list[StrikeState | None] = []
                nav_stop: list[Finding] = []
                for month_days in groups[g0 : g0 + months_per_write]:
                    rows, new_state = strike_days(v, _slice(inp, month_days), state)
                    found = nav_moves(
                        rows,
                        base,
                        priced,
                        check.levels,
                        prev_levels,
                        v.private_sleeve.id if v.private_sleeve else None,
                        v.pricing.nav_move_multiplier,
                        v.pricing.nav_move_floor,
                    )
                    for f in found:
                        accepted = acc.accepts(f)
                        if accepted is not None:
                            notes.setdefault(f.date, {}).setdefault("accepted", []).append(
                                _accepted_note(accepted)
                            )
                        else:
                            nav_stop = [f]
                            break
                    if nav_stop:
                        keep = rows[pd.to_datetime(rows["date"]) < nav_stop[0].date]
                        frames.append(keep)
                        states += [None] * len(keep)
                        break
                    frames.append(rows)
                    states += [new_state if d in month_end else None for d in month_days]
                    last = {str(k): val for k, val in rows.iloc[-1].items()}
                    base = _base_from(last, v)
                    prev_levels = {
                        sid: float(check.levels[sid].loc[month_days[-1]]) for _, sid in priced
                    }
                    state = new_state
                frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
                if len(frame):
                    _record(
                        ledger,
                        defn,
                        frame,
                        states,
                        digests,
                        cutoff,
                        reason,
                        notes,
                        restrike,
                        auto_rows,
                        acc,
                        totals,
                        vid,
                    )
                    written = set(pd.DatetimeIndex(frame["date"]))
                    struck.extend(sorted(written))
                    auto_rows = [r for r in auto_rows if pd.Timestamp(r["date"]) not in written]
                    progress(
                        f"struck {vid} to {struck[-1].date()}",
                        int(days.searchsorted(struck[-1], side="right")),
                        len(days),
                    )
                if nav_stop:
                    stop(nav_stop)
        if stop_day is not None:
            stop(blocking[stop_day])
    return run_so_far()


def _same_open(row: Mapping[str, Any] | None, f: Finding) -> bool:
    """Whether an open exception already records this finding as it stands (nothing to write)."""
    if row is None:
        return False
    same_value = (row["value"] is None and f.value is None) or (
        row["value"] is not None
        and f.value is not None
        and math.isclose(float(row["value"]), float(f.value), rel_tol=1e-12)
    )
    return bool(same_value)


def _accepted_note(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "kind": str(row["kind"]),
        "subject": str(row["subject"]),
        "scope": str(row["scope"]),
        "version": int(row["version"]),
        "reason": str(row["reason"]),
    }


def _record(
    ledger: Ledger,
    defn: Definition,
    frame: pd.DataFrame,
    states: list[StrikeState | None],
    digests: dict[pd.Timestamp, tuple[int, str]],
    cutoff: dt.datetime,
    reason: str,
    notes: Mapping[pd.Timestamp, dict[str, Any]],
    restrike: bool,
    auto_rows: list[dict[str, Any]],
    acc: _Acceptances,
    totals: dict[str, int],
    vid: str,
) -> None:
    """Write struck days, their breaches and exceptions in one transaction; count them."""
    strikes, breaches = _rows_to_records(defn, frame, states, digests, cutoff, reason, notes)
    day_set = set(pd.DatetimeIndex(frame["date"]))
    rows = [r for r in auto_rows if pd.Timestamp(r["date"]) in day_set]
    # open exceptions on days now struck without them: the input was corrected
    for (d, _kind, _subject), row in acc.open_rows.items():
        if d in day_set:
            rows.append(
                {
                    **{c: row[c] for c in EXCEPTION_COLUMNS},
                    "status": "resolved",
                    "reason": "not found when the day was struck again (the input was corrected)",
                }
            )
    with ledger.transaction():
        try:
            res = ledger.append(
                "strikes",
                strikes,
                action="strike",
                source=f"strike {vid}",
                restate=restrike,
                detail={"reason": reason} if reason else None,
            )
        except InputError as exc:
            raise _restrike_needed(vid, exc) from None
        if len(breaches):
            ledger.append(
                "limit_breaches",
                breaches,
                action="strike",
                source=f"strike {vid}",
                restate=restrike,
            )
        _write_exceptions(ledger, rows, f"strike {vid}")
    totals["new"] += res.new
    totals["restruck"] += res.restated
    totals["unchanged"] += res.unchanged
    totals["breaches"] += len(breaches)
    totals["carried"] += sum(len(n.get("carried", {})) for d, n in notes.items() if d in day_set)
    totals["acc"] += sum(len(n.get("accepted", [])) for d, n in notes.items() if d in day_set)


def _restrike_needed(vid: str, exc: InputError) -> InputError:
    """The ledger's conflict on recorded strikes, said as the strike's own refusal."""
    first = exc.problems[0].message if exc.problems else ""
    day = first.partition("date=")[2].partition(")")[0].split(" ")[0]
    diffs = first.partition("content (")[2].rpartition("); use")[0]
    diffs = diffs.replace("file has", "now")
    return InputError(
        [
            Problem(
                f"strike {vid}",
                f"{exc.total} day(s) already struck would now strike differently (first: "
                f"{day}: {diffs}); the inputs changed since they were struck. Strike again with "
                "--restrike --reason TEXT to record the new figures as new versions (the old "
                "ones are kept; `altsleeve strike diff --date D` compares them)",
                column="--restrike",
            )
        ]
    )


def strike(
    ledger: Ledger,
    vehicle: str | Vehicle,
    day: str | dt.date,
    *,
    restrike: bool = False,
    reason: str = "",
) -> StrikeRun:
    """Strike one business day (and any day before it not yet struck); see :func:`strike_range`."""
    return strike_range(ledger, vehicle, day, day, restrike=restrike, reason=reason)


def _launch_prices(ledger: Ledger, vehicle: Vehicle, day: pd.Timestamp) -> pd.Series:
    """Each sleeve series' level on the launch day (refused, naming it, when one is missing)."""
    inp, _, _ = build_inputs(ledger, vehicle, pd.DatetimeIndex([day]), prices_only=True)
    return inp.prices.iloc[0]


def _price_row(
    ledger: Ledger, vehicle: Vehicle, cal: pd.DatetimeIndex, day: pd.Timestamp
) -> pd.Series:
    return _launch_prices(ledger, vehicle, day)


def _slice(inp: StrikeInputs, idx: pd.DatetimeIndex) -> StrikeInputs:
    return StrikeInputs(
        days=idx,
        prices=inp.prices.loc[idx],
        private_value=inp.private_value.loc[idx],
        calls=inp.calls.loc[idx],
        distributions=inp.distributions.loc[idx],
        purchases=inp.purchases.loc[idx],
        redemptions=inp.redemptions.loc[idx],
        holding_fees=inp.fees_outside_nav().loc[idx],
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
    """The limit breaches of a vehicle as its latest strikes found them, by date.

    A breach belongs to a strike version: after a day is restruck, only the limits its latest
    version breached are listed (a breach the restrike cleared is not).
    """
    snap = ledger.as_known_on(_FAR, tables=("limit_breaches", "strikes"))
    b = snap.limit_breaches
    b = b[b["vehicle"] == vehicle_id]
    s = snap.strikes
    s = s[s["vehicle"] == vehicle_id]
    if b.empty or s.empty:
        return b.iloc[0:0].reset_index(drop=True)
    flags: dict[tuple[pd.Timestamp, str], bool] = {}
    for day, text in zip(s["date"], s["components"], strict=True):
        comp = json.loads(str(text))
        for col, name in _BREACHES.items():
            flags[(pd.Timestamp(day), name)] = bool(comp.get(col, False))
    keep = [
        flags.get((pd.Timestamp(d), str(n)), False)
        for d, n in zip(b["date"], b["limit_name"], strict=True)
    ]
    b = b[np.asarray(keep, dtype=bool)]
    return b.sort_values(["date", "limit_name"]).reset_index(drop=True)


__all__ = [
    "ACCEPTABLE_KINDS",
    "EXCEPTION_STATUSES",
    "PRICES_SCOPE",
    "VALUATION_SCOPE",
    "DilutionResult",
    "DilutionTransfers",
    "ExceptionAcceptance",
    "ExceptionList",
    "LimitBreaches",
    "LimitSummary",
    "MethodDilution",
    "StrikeDiff",
    "StrikeRun",
    "StrikeStoppedError",
    "StrikeSummary",
    "accept_exception",
    "build_inputs",
    "check_acceptance",
    "check_exception_status",
    "diff_strike",
    "dilution",
    "dilution_report",
    "dilution_transfers",
    "exceptions_table",
    "finding_row",
    "launch_day",
    "limit_breaches",
    "list_exceptions",
    "private_values",
    "record_breaches",
    "required_series",
    "series_tolerances",
    "state_from_json",
    "state_to_json",
    "strike",
    "strike_diff",
    "strike_range",
    "strike_vehicle",
    "vehicle_calendar",
]


FloatArray = NDArray[np.float64]


@dataclass(frozen=True)
class DilutionTransfers:
    """Wealth moved by one day's orders at a NAV that is not the true one (dollars per day).

    ``stayers_loss = to_buyers + to_redeemers`` (what the traders gain, the participants who did
    not trade lose); ``gross = |to_buyers| + |to_redeemers|``, the wealth that changed hands,
    buyers' and redeemers' transfers counted apart (not netted within a day).
    """

    stayers_loss: FloatArray
    to_buyers: FloatArray
    to_redeemers: FloatArray

    @property
    def gross(self) -> FloatArray:
        """``|to_buyers| + |to_redeemers|``."""
        return np.asarray(np.abs(self.to_buyers) + np.abs(self.to_redeemers), dtype=np.float64)


def dilution_transfers(
    purchases: ArrayLike,
    redemptions: ArrayLike,
    units_before: ArrayLike,
    nav: ArrayLike,
    nav_true: ArrayLike,
) -> DilutionTransfers:
    """The exact wealth moved by a day's purchases ``P`` and redemptions ``R`` filled at ``nav``.

    ``U`` units are outstanding before the orders and each is truly worth ``nav_true``. Buyers get
    ``p = P / nav`` units, redeemers give up ``r = R / nav``; the stayers hold ``S = U - r``.
    After the orders the true assets ``U nav_true + P - R`` are shared over ``S + p`` units, so::

        stayers_loss = S nav_true - S / (S + p) (U nav_true + P - R)
                     = S / (S + p) (P - R) (nav_true / nav - 1)
        to_redeemers = R - r nav_true = -R (nav_true / nav - 1)
        to_buyers    = p / (S + p) (U nav_true + P - R) - P

    The factor ``S / (S + p)`` (``U / (U + P / NAV)`` without redemptions) is what the
    first-order ``(P - R) (nav_true / nav - 1)`` leaves out: a buyer's cheap units also dilute
    the buyer's own gain (issue 17). Arrays broadcast; dollars and units as given.
    """
    p_ = np.asarray(purchases, dtype=np.float64)
    r_ = np.asarray(redemptions, dtype=np.float64)
    u = np.asarray(units_before, dtype=np.float64)
    nav_ = np.asarray(nav, dtype=np.float64)
    true = np.asarray(nav_true, dtype=np.float64)
    bought = p_ / nav_
    stay = u - r_ / nav_
    after = u * true + p_ - r_
    share = stay / (stay + bought)
    rel = true / nav_ - 1.0
    stayers = share * (p_ - r_) * rel
    to_redeemers = -r_ * rel
    return DilutionTransfers(
        np.asarray(stayers, dtype=np.float64),
        np.asarray(bought / (stay + bought) * after - p_, dtype=np.float64),
        np.asarray(to_redeemers, dtype=np.float64),
    )


def dilution_report(
    ledger: Ledger,
    vehicle: Vehicle,
    methods: tuple[str, ...] = ("stale", "proxy", "nowcast"),
    *,
    end: str | dt.date | None = None,
    progress: ProgressFn = quiet,
) -> dict[str, Any]:
    """Wealth moved from staying to trading participants by each valuation method's NAV.

    For each method the vehicle is struck over its whole history (not recorded) with the private
    sleeve valued by that method. The NAV the orders should have filled at uses the SYNTHETIC
    true private values with the same holdings and units:
    ``NAV_true = (net assets - private estimate + private truth) / units``. Traders buying at a NAV
    below the truth (or selling above it) gain at the stayers' expense, so the wealth moved away
    from staying participants is, exactly (:func:`dilution_transfers`),
    ``sum_t S_t / (S_t + P_t / NAV_t) (P_t - R_t) (NAV_true_t / NAV_t - 1)`` dollars with ``S_t``
    the units of those who did not trade (negative if they gained), and in basis points a year
    of the vehicle's true net assets (years ACT/365.25: calendar days / 365.25). ``gross`` is the
    wealth that changed hands, buyers' and redeemers' transfers counted apart (a day's purchases
    and redemptions are not netted). Source: DOMAIN.md section 2; Zitzewitz (2003); Greene &
    Hodges (2002).

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
        "exact": "the stayers' loss S / (S + P / NAV) (P - R) (NAV_true / NAV - 1) a day, S the "
        "units of those who did not trade (U / (U + P / NAV) without redemptions)",
        "gross_is": "the wealth that changed hands: buyers' and redeemers' transfers counted "
        "apart, not netted within a day",
        "day_count": "ACT/365.25",
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
        tr = dilution_transfers(
            rows["purchases"].to_numpy(float),
            rows["redemptions"].to_numpy(float),
            units_before.to_numpy(float),
            rows["nav_per_unit"].to_numpy(float),
            nav_true.to_numpy(float),
        )
        moved = pd.Series(tr.stayers_loss, index=rows.index)
        gross = pd.Series(tr.gross, index=rows.index)
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
            "gross_dollars": float(gross.sum()),
            "gross_bp_per_year": float(gross.sum() / scale / years * 1e4),
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


# -- use cases of the fund commands -----------------------------------------------------------
#: The statuses ``list_exceptions`` filters on (``all``: every one).
EXCEPTION_STATUSES = ("open", "accepted", "resolved", "all")
#: The kinds of exception ``accept_exception`` accepts.
ACCEPTABLE_KINDS = ("price_move", "missing_price", "nav_move", "price_challenge")


@dataclass(frozen=True)
class ExceptionList:
    """Exceptions of a vehicle, the prices and the valuation tests, each at its latest status."""

    vehicle_id: str
    status: str
    rows: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        """One row per exception: scope, date, kind, subject, status, version, value, ..."""
        return self.rows


def check_exception_status(status: str) -> None:
    """Refuse a status filter other than open, accepted, resolved or all."""
    if status not in EXCEPTION_STATUSES:
        raise InputError(
            [
                Problem(
                    "<args>", "--status must be open, accepted, resolved or all", column="--status"
                )
            ]
        )


def list_exceptions(
    ledger: Ledger, vehicle: str | None = None, status: str = "all"
) -> ExceptionList:
    """Exceptions found by the strike, the price checks and valuation tests, latest status."""
    check_exception_status(status)
    vid = resolve_vehicle_id(ledger, vehicle)
    ex = exceptions_table(ledger, (vid, PRICES_SCOPE, VALUATION_SCOPE))
    if status != "all":
        ex = ex[ex["status"] == status]
    rows = [
        {
            "scope": r["scope"],
            "date": pd.Timestamp(r["date"]).date().isoformat(),
            "kind": r["kind"],
            "subject": r["subject"],
            "status": r["status"],
            "version": int(r["version"]),
            "value": None if pd.isna(r["value"]) else float(r["value"]),
            "threshold": None if pd.isna(r["threshold"]) else float(r["threshold"]),
            "reason": r["reason"],
            "detail": json.loads(str(r["detail"])),
            "recorded_at": str(r["recorded_at"]),
        }
        for r in ex.to_dict("records")
    ]
    return ExceptionList(vid, status, rows)


@dataclass(frozen=True)
class ExceptionAcceptance:
    """An exception accepted with a reason (a new version of its row)."""

    vehicle: str
    date: dt.date
    kind: str
    subject: str
    reason: str
    batch_id: int | None

    def to_dict(self) -> dict[str, Any]:
        """``{vehicle, date, kind, subject, status, reason, batch_id}``."""
        return {
            "vehicle": self.vehicle,
            "date": self.date.isoformat(),
            "kind": self.kind,
            "subject": self.subject,
            "status": "accepted",
            "reason": self.reason,
            "batch_id": self.batch_id,
        }


def check_acceptance(kind: str, reason: str) -> None:
    """Refuse an unknown kind or an empty reason."""
    if kind not in ACCEPTABLE_KINDS:
        raise InputError(
            [
                Problem(
                    "<args>",
                    "--kind must be price_move, missing_price, nav_move or price_challenge",
                    column="--kind",
                )
            ]
        )
    if not reason.strip():
        raise InputError([Problem("<args>", "an acceptance needs --reason", column="--reason")])


def accept_exception(
    ledger: Ledger,
    vehicle: str | None,
    day: dt.date,
    kind: str,
    reason: str,
    subject: str | None = None,
) -> ExceptionAcceptance:
    """Accept the one open exception of ``kind`` on ``day`` (of ``subject``) with a reason.

    A ``price_challenge`` is the valuation committee's (scope ``valuation``), not a vehicle's.
    """
    check_acceptance(kind, reason)
    # a price challenge is the valuation committee's, not a vehicle's
    vid = VALUATION_SCOPE if kind == "price_challenge" else resolve_vehicle_id(ledger, vehicle)
    ex = exceptions_table(ledger, (vid,))
    hits = ex[
        (pd.to_datetime(ex["date"]) == pd.Timestamp(day))
        & (ex["kind"] == kind)
        & (ex["status"] == "open")
    ]
    if subject is not None:
        hits = hits[hits["subject"] == subject]
    if len(hits) != 1:
        found = ", ".join(sorted(set(hits["subject"]))) or "none"
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{len(hits)} open {kind} exception(s) of {vid} on {day} (subjects: "
                    f"{found}); give --subject"
                    if len(hits) > 1
                    else f"no open {kind} exception of {vid} on {day}"
                    + (f" for {subject}" if subject else "")
                    + " (see `altsleeve exceptions list --status open`)",
                    column="--subject" if len(hits) > 1 else "--date",
                )
            ]
        )
    row = hits.iloc[0].to_dict()
    new = {
        c: row[c]
        for c in ("scope", "date", "kind", "subject", "value", "threshold", "detail", "known_on")
    }
    new.update(status="accepted", reason=reason.strip())
    res = ledger.append(
        "exceptions",
        pd.DataFrame([new]),
        action="accept",
        source=f"exceptions accept {vid}",
        restate=True,
        detail={"reason": reason.strip()},
    )
    return ExceptionAcceptance(vid, day, kind, str(row["subject"]), reason.strip(), res.batch_id)


@dataclass(frozen=True)
class StrikeSummary:
    """A strike run and the vehicle's latest strike after it (NAV per unit, net assets)."""

    run: StrikeRun
    last_strike: str | None
    nav_per_unit: float | None
    net_assets: float | None

    def to_dict(self) -> dict[str, Any]:
        """The run's figures, the latest NAV per unit, net assets and the latest strike's day."""
        return {
            **self.run.to_dict(),
            "nav_per_unit": self.nav_per_unit,
            "net_assets": self.net_assets,
            "last_strike": self.last_strike,
        }


def strike_vehicle(
    ledger: Ledger,
    vehicle_id: str,
    first: str | dt.date | None,
    last: str | dt.date,
    *,
    restrike: bool = False,
    reason: str = "",
    progress: ProgressFn = quiet,
) -> StrikeSummary:
    """Strike each business day of ``first..last`` (see :func:`strike_range`), then the latest.

    Raises :class:`StrikeStoppedError` (carrying the run so far) when a day stops the strike.
    """
    run = strike_range(
        ledger, vehicle_id, first, last, restrike=restrike, reason=reason, progress=progress
    )
    tail = pit.strikes(ledger, vehicle_id).tail(1)
    if not len(tail):
        return StrikeSummary(run, None, None, None)
    return StrikeSummary(
        run,
        pd.Timestamp(tail["date"].iloc[0]).date().isoformat(),
        float(tail["nav_per_unit"].iloc[0]),
        float(tail["net_assets"].iloc[0]),
    )


@dataclass(frozen=True)
class StrikeDiff:
    """A restruck day's components in their previous and latest versions."""

    vehicle_id: str
    date: str
    columns: list[str]
    rows: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        """One row per component: ``component``, ``vN-1``, ``vN``, ``change``."""
        return self.rows


def diff_strike(ledger: Ledger, vehicle: str | None, day: str) -> StrikeDiff:
    """Old versus new figures of a restruck day of ``vehicle`` (default: the only one)."""
    vid = resolve_vehicle_id(ledger, vehicle)
    diff = strike_diff(ledger, vid, day)
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in diff.to_dict(orient="records")
    ]
    return StrikeDiff(vid, day, [str(c) for c in diff.columns], rows)


@dataclass(frozen=True)
class LimitSummary:
    """One limit's breaches: days, first and last day, worst value, threshold."""

    limit: str
    days: int
    first: dt.date
    last: dt.date
    worst: float
    threshold: float


@dataclass(frozen=True)
class LimitBreaches:
    """The limit breaches found by a vehicle's latest strikes, one row per day and limit."""

    vehicle_id: str
    rows: list[dict[str, Any]]
    by_limit: list[LimitSummary]

    def to_dict(self) -> list[dict[str, Any]]:
        """The breaches, one row per day and limit (``by_limit`` follows from them)."""
        return self.rows


def limit_breaches(ledger: Ledger, vehicle: str | None = None) -> LimitBreaches:
    """Limit breaches found by the latest strikes: private cap, cash floor, uncurable band.

    ``by_limit``: per limit, the days breached, the first and last, and the worst value (the
    lowest for the cash floor, else the highest) against its threshold.
    """
    v = registered_vehicle(ledger, vehicle)
    b = record_breaches(ledger, v.vehicle.id)
    summary = []
    for name, g in b.groupby("limit_name"):
        worst = g["value"].min() if name == "cash_floor" else g["value"].max()
        summary.append(
            LimitSummary(
                str(name),
                len(g),
                pd.Timestamp(g["date"].min()).date(),
                pd.Timestamp(g["date"].max()).date(),
                float(worst),
                float(g["threshold"].iloc[0]),
            )
        )
    rows: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()}
        for r in b.drop(columns=["recorded_at", "batch_id"], errors="ignore").to_dict(
            orient="records"
        )
    ]
    return LimitBreaches(v.vehicle.id, rows, summary)


@dataclass(frozen=True)
class MethodDilution:
    """One method's wealth moved away from staying participants (see :func:`dilution_report`)."""

    dollars: float
    bp_per_year: float
    gross_dollars: float
    gross_bp_per_year: float
    per_year: dict[str, dict[str, float]]


@dataclass(frozen=True)
class DilutionResult:
    """:func:`dilution_report`'s figures: the days measured and, per method, what moved."""

    first: str
    last: str
    to: str
    truth_ends: str
    stopped_at_truth: bool
    note: str
    synthetic_truth: bool
    exact: str
    gross_is: str
    day_count: str
    methods: dict[str, MethodDilution]

    def to_dict(self) -> dict[str, Any]:
        """The report as :func:`dilution_report` gives it (the same keys in the same order)."""
        return asdict(self)


def dilution(
    ledger: Ledger,
    vehicle: Vehicle,
    *,
    end: str | dt.date | None = None,
    progress: ProgressFn = quiet,
) -> DilutionResult:
    """Wealth moved between trading and staying participants by each method's NAV."""
    rep = dilution_report(ledger, vehicle, end=end, progress=progress)
    methods = {m: MethodDilution(**x) for m, x in rep["methods"].items()}
    return DilutionResult(**{**rep, "methods": methods})
