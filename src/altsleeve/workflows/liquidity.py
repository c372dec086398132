"""The liquidity profile on a ledger: the inputs as known on a day, then the pure profile.

Owns gathering what :func:`altsleeve.liquidity.liquidity_profile` needs from a ledger as known on
the day: the vehicle's recorded strike of that day (each sleeve's value, the fees payable, net
assets), the private holdings' state (vehicle type, NAV, commitment, paid-in; via
:func:`altsleeve.workflows.pacing.ledger_state`), the capital calls already noticed by the GPs and
dated
within each coverage horizon (certain: :func:`altsleeve.workflows.pacing.ledger_noticed`), the
further
calls expected at a high quantile (the pacing engine's stochastic projection through
:func:`altsleeve.pacing.cashflow_calendar`, on scenarios bootstrapped from the market history
known that day, less the noticed calls), and the trailing year of the vehicle's participant
redemptions. Every read is as known on the day and, with ``recorded_at``, as recorded by that
time (the evidence report's cutoff). Must not write to the ledger, strike the vehicle (a day not
struck is refused: run ``altsleeve strike`` first) or hold liquidity rules (they belong to
:mod:`altsleeve.liquidity._profile`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pandas as pd

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.fund import Vehicle
from altsleeve.ledger import Ledger
from altsleeve.liquidity import (
    COVERAGE_HORIZONS,
    LiquidityAssumptions,
    LiquidityProfile,
    liquidity_profile,
    split_future_commitments,
    trailing_redemptions,
)
from altsleeve.marketdata import history_statement
from altsleeve.pacing import StochasticSettings
from altsleeve.pacing._outlook import (
    cashflow_calendar,
    noticed_in_window,
    scenarios_as_of,
)
from altsleeve.workflows import pit
from altsleeve.workflows.pacing import (
    ledger_market,
    ledger_noticed,
    ledger_state,
)


def liquidity_assumptions(
    *,
    stress_multiplier: float,
    plan_withdrawal: float,
    call_quantile: float,
    secondary_discount: float,
    source: str = "<args>",
) -> LiquidityAssumptions:
    """The profile's stress assumptions from the user's options, refused with the reason.

    One place for the command line and the web API: an assumption outside its range is an
    :class:`InputError` naming ``source`` (``<args>`` or ``<request>``).
    """
    try:
        return LiquidityAssumptions(
            stress_multiplier=stress_multiplier,
            plan_withdrawal=plan_withdrawal,
            call_quantile=call_quantile,
            secondary_discount=secondary_discount,
        )
    except ValueError as exc:
        raise InputError([Problem(source, str(exc))]) from None


def expected_calls(
    state: pd.DataFrame,
    market: dict[str, pd.Series],
    day: pd.Timestamp,
    windows: dict[str, int],
    *,
    quantile: float,
    paths: int,
    seed: int,
    noticed: pd.DataFrame | None = None,
) -> dict[str, float]:
    """Capital calls the model expects within each window at ``quantile``, beyond the notices.

    The pacing engine projects every live holding quarter by quarter over ``paths`` scenarios
    bootstrapped from the history known on ``day``; :func:`~altsleeve.pacing.cashflow_calendar`
    spreads each quarter's calls evenly over its days (the current quarter's over the days left in
    it), so a window of a few days gets its days' share of the quarter's calls on every path, and
    the quantile is taken over the paths. Each holding's projected calls in a window are first
    reduced by its calls already noticed in that window (``noticed``, floored at zero; the
    notices themselves count apart, certain: :func:`noticed_calls`), so nothing is counted
    twice. ``windows`` maps a key to calendar days; dollars by window key.
    """
    if state.empty or not (state["commitment"] - state["paid_in"]).clip(lower=0.0).sum() > 0.0:
        return dict.fromkeys(windows, 0.0)
    days = tuple(sorted(set(windows.values())))
    n_q = max(math.ceil(max(days) / 91.0) + 1, 1)
    scen = scenarios_as_of(market, day, paths, n_q, seed=seed)
    settings = StochasticSettings(n_paths=paths, seed=seed, quantiles=(quantile,))
    cal = cashflow_calendar(state, scen, settings, day, windows=days, noticed=noticed)
    col = f"q{round(100 * quantile):02d}"
    calls = cal.sleeve[cal.sleeve["kind"] == "model_call"].set_index("days")[col]
    return {k: max(float(calls.loc[v]), 0.0) for k, v in windows.items()}


def noticed_calls(
    noticed: pd.DataFrame, day: pd.Timestamp, windows: dict[str, int]
) -> dict[str, float]:
    """Capital calls noticed by ``day`` and dated within each window, dollars by window key.

    ``noticed`` is :func:`~altsleeve.pacing.noticed_flows`; a call dated in
    ``(day, day + calendar days]`` counts in full (it is certain: amount and date known).
    """
    return {
        k: float(sum(noticed_in_window(noticed, day, v, "call").values()))
        for k, v in windows.items()
    }


def profile_from_ledger(
    ledger: Ledger,
    vehicle: Vehicle,
    day: dt.date | str | None = None,
    *,
    assumptions: LiquidityAssumptions | None = None,
    highly_liquid_min: float | None = None,
    paths: int = 2000,
    seed: int = 0,
    recorded_at: dt.datetime | None = None,
    progress: ProgressFn = quiet,
) -> LiquidityProfile:
    """The vehicle's liquidity profile on ``day`` (default: its last strike), as known that day.

    ``recorded_at`` (UTC, optional) is the recorded-time cutoff of every read: what the ledger
    recorded after it (a restated mark, a restrike of the day) is not seen, so the profile of a
    past evidence report can be rebuilt byte for byte.

    Inputs, each strictly as known on ``day``:

    * the strike recorded for ``day`` (its latest version): each sleeve's value, the fees
      payable; the glide-path targets of ``day`` and the cash floor for the rebalancing need;
    * the private holdings from :func:`~altsleeve.workflows.pacing.ledger_state` (GP NAV rolled
    forward by
      the flows since, commitment, paid-in, gate), less commitments of later vintages with
      nothing paid in (:func:`~altsleeve.liquidity.split_future_commitments`);
    * capital calls noticed by ``day`` and dated within each coverage horizon, certain
      (:func:`noticed_calls`), and the further calls the model expects at
      ``assumptions.call_quantile`` (:func:`expected_calls`, ``paths`` scenarios, ``seed``);
    * the redemptions of the trailing ``redemption_window_days`` over the average net assets
      struck then (:func:`~altsleeve.liquidity.trailing_redemptions`).

    Raises
    ------
    InputError
        When the vehicle has no strike recorded on ``day``.
    """
    a = assumptions or LiquidityAssumptions()
    vid = vehicle.vehicle.id
    if day is not None:
        when = pd.Timestamp(day).date()
    else:
        when = pit.last_struck_day(ledger, vehicle.vehicle.id, recorded_at=recorded_at)
    ts = pd.Timestamp(when)
    strikes = pit.strikes(ledger, vid, recorded_at=recorded_at)
    row = strikes[pd.to_datetime(strikes["date"]) == ts] if len(strikes) else strikes
    if row.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"vehicle {vid} was not struck on {when}: run "
                    f"`altsleeve strike --to {when}` first",
                    column="--date",
                )
            ]
        )
    strike = row.iloc[-1]
    comp = json.loads(str(strike["components"]))
    targets = vehicle.targets(ts)
    sleeves = pd.DataFrame(
        [
            {
                "sleeve_id": s.id,
                "kind": s.kind,
                "value": float(comp.get(f"value_{s.id}", 0.0)),
                "target": targets[s.id],
                "days_to_cash": s.days_to_cash,
            }
            for s in vehicle.sleeves
        ]
    )
    progress(f"reading the private book as known on {when}", 1, 3)
    snap = ledger.as_known_on(when, recorded_at=recorded_at, tables=("holdings", "orders"))
    vintages = {
        str(h): (None if pd.isna(v) else int(v))
        for h, v in zip(snap.holdings["holding_id"], snap.holdings["vintage"], strict=True)
    }
    full = ledger_state(ledger, when, recorded_at=recorded_at)
    notices = ledger_noticed(ledger, when, recorded_at=recorded_at)
    state, later = split_future_commitments(full, vintages, ts)
    # book_state already leaves out later vintages with no call known (attrs)
    skipped = [*full.attrs.get("not_yet_committed", []), *(str(h) for h in later["holding_id"])]
    skipped_commitment = float(
        snap.holdings.loc[snap.holdings["holding_id"].astype(str).isin(skipped), "commitment"].sum()
    )
    horizons = COVERAGE_HORIZONS
    windows = {h.key: h.calendar_days(ts) for h in horizons}
    progress(f"projecting calls of {len(state)} holdings x {paths} paths", 2, 3)
    calls = expected_calls(
        state,
        ledger_market(ledger, when, recorded_at=recorded_at) if len(state) else {},
        ts,
        windows,
        quantile=a.call_quantile,
        paths=paths,
        seed=seed,
        noticed=notices,
    )
    noticed = noticed_calls(notices, ts, windows)
    horizon_end = ts + pd.Timedelta(days=max(windows.values()))
    listed = notices[(notices["kind"] == "call") & (pd.to_datetime(notices["date"]) <= horizon_end)]
    orders = snap.orders[snap.orders["vehicle"] == vid]
    history = strikes[pd.to_datetime(strikes["date"]) <= ts]
    red = trailing_redemptions(orders, history, ts, window_days=a.redemption_window_days)
    inputs = json.loads(str(strike["inputs"])) if strike["inputs"] else {}
    sources: dict[str, Any] = {
        "ledger": str(ledger.path),
        "vehicle": vid,
        "known_on": when.isoformat(),
        "strike": {
            "date": when.isoformat(),
            "version": int(strike["version"]),
            "nav_per_unit": float(strike["nav_per_unit"]),
            "net_assets": float(strike["net_assets"]),
            "inputs_recorded_at": inputs.get("inputs_recorded_at"),
            "marks_sha256": inputs.get("marks_sha256"),
        },
        "holdings": len(state),
        "sleeve_asset_types": {s.id: str(s.asset_type) for s in vehicle.sleeves},
        "later_vintages_left_out": {
            "holdings": sorted(skipped),
            "commitment": skipped_commitment,
        },
        "calls": {
            "method": "pacing stochastic projection (altsleeve.pacing.cashflow_calendar); "
            "a quarter's calls spread evenly over its days; quantile over paths",
            "quantile": a.call_quantile,
            "paths": paths,
            "seed": seed,
            "history": history_statement((), private=True),
            "windows_days": windows,
            "noticed": "calls known by the day and dated within the horizon count in full "
            "(certain); each holding's projected calls in a horizon are reduced by its noticed "
            "calls there, floored at zero",
        },
        "noticed_calls": [
            {
                "holding_id": str(r["holding_id"]),
                "date": pd.Timestamp(r["date"]).date().isoformat(),
                "amount": float(r["amount"]),
                "known_on": pd.Timestamp(r["known_on"]).date().isoformat(),
            }
            for r in listed.to_dict(orient="records")
        ],
        "redemptions": {
            "window_days": a.redemption_window_days,
            "covered_days": red.covered_days,
            "dollars": red.redemptions,
            "orders": red.orders,
            "average_net_assets": red.average_net_assets,
        },
    }
    progress("profile ready", 3, 3)
    return liquidity_profile(
        ts,
        sleeves,
        state,
        fees_payable=float(comp.get("fees_payable", 0.0)),
        private_max=vehicle.private.max,
        highly_liquid_min=(
            vehicle.liquidity.highly_liquid_min if highly_liquid_min is None else highly_liquid_min
        ),
        cash_floor=vehicle.cash.floor,
        redemption_rate=red.rate,
        expected_calls=calls,
        noticed_calls=noticed,
        assumptions=a,
        horizons=horizons,
        sources=sources,
    )


__all__ = [
    "expected_calls",
    "noticed_calls",
    "profile_from_ledger",
]
