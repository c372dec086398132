"""The planner's view of a vehicle: glide-path outlook, scenarios as of a date, the calls calendar.

Owns what joins the pacing core to a vehicle and to market history, without storage: the
vehicle's outlook (glide-path targets and liquid mix per quarter, from a
:class:`~altsleeve.fund.Vehicle`), the scenarios bootstrapped from the real market history known on
a date, the calls and distributions the GPs have noticed before their dates
(:func:`noticed_flows`: certain), and the expected calls and distributions over the next
30/90/365 days with the notices counted once (:func:`cashflow_calendar`). Must not read the
ledger or files (the frames come from :mod:`altsleeve.workflows.pacing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.fund import Vehicle
from altsleeve.marketdata import history_statement, long_history
from altsleeve.pacing._planner import VehicleOutlook
from altsleeve.pacing._stochastic import (
    Scenarios,
    StochasticSettings,
    bootstrap_scenarios,
    quarterly_returns,
    simulate_holdings,
)

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
