"""Monte Carlo liquidity stress on a ledger: the inputs as known on a date, and the chunked run.

Owns reading what :func:`altsleeve.liquidity.run_montecarlo` needs from the ledger, strictly as
known on the as-of date: the vehicle's struck net assets (the last strike on or before the date),
the private book's state (:func:`altsleeve.workflows.pacing.ledger_state`), the capital calls the
GPs
have noticed by then and dated after it (:func:`altsleeve.workflows.pacing.ledger_noticed`, the same
function the liquidity profile and ``altsleeve calls`` read: certain outflows), the real quarterly
market
history (:func:`altsleeve.workflows.pacing.ledger_market`, the long monthly series of
:data:`altsleeve.pacing.SCENARIO_COLUMNS`), and the participant flow rates measured on the
trailing year of the vehicle's orders (the sample book's ``FlowParams`` otherwise); then running
the paths in chunks on Dask (:func:`altsleeve.common.scaleout.dask_client`) or in this process.
Must not
write to the ledger and must not hold model equations (they are in
:mod:`altsleeve.liquidity._montecarlo`).
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.common.scaleout import check_cluster_options
from altsleeve.errors import InputError, Problem
from altsleeve.fund import Vehicle
from altsleeve.fund import trailing_flows as fund_trailing_flows
from altsleeve.ledger import Ledger
from altsleeve.liquidity import (
    Design,
    FlowModel,
    MonteCarloInputs,
    MonteCarloResult,
    MonteCarloSettings,
    check_inputs,
    run_montecarlo,
)
from altsleeve.marketdata import long_history
from altsleeve.pacing import quarterly_returns
from altsleeve.pacing._outlook import (
    SCENARIO_COLUMNS,
    history_used,
    sleeve_histories,
)
from altsleeve.samplebook import FlowParams
from altsleeve.workflows import pit
from altsleeve.workflows.pacing import (
    ledger_market,
    ledger_noticed,
    ledger_state,
)

#: Fewer days of order history than this in the trailing year: use the FlowParams defaults.
MIN_FLOW_DAYS = 90


def flow_defaults(params: FlowParams | None = None) -> FlowModel:
    """The sample book's participant flow model (``docs/sample-book.md`` section 7).

    Contributions ``deferral_rate x payroll_to_assets`` a year (0.12 x 0.8 = 9.6 %), routine
    redemptions ``routine_redemption_rate``, the stress threshold and multiplier, and the
    plan-level withdrawals' Poisson rate and uniform size range, all as ``FlowParams`` sets them.
    """
    p = params or FlowParams()
    return FlowModel(
        contribution_rate=p.deferral_rate * p.payroll_to_assets,
        redemption_rate=p.routine_redemption_rate,
        stress_threshold=p.stress_threshold,
        stress_multiplier=p.stress_multiplier,
        withdrawal_rate=p.lumpy_rate_per_year,
        withdrawal_min=p.lumpy_fraction_min,
        withdrawal_max=p.lumpy_fraction_max,
    )


def trailing_flows(ledger: Ledger, vehicle: Vehicle, as_of: dt.date) -> FlowModel:
    """Contribution and redemption rates from the vehicle's orders over the year to ``as_of``.

    :func:`altsleeve.fund.trailing_flows` (the one definition, shared with the liquidity
    profile and the pacing planner): orders dated in ``(as_of - 365 days, as_of]`` and known by
    ``as_of``; each rate is the sum of the kind over the mean net assets struck in the same
    window, scaled to a year by ``365 / days covered`` (fewer than 365 when the vehicle's first
    strike falls inside the window, its first day counted). The redemptions include
    whatever plan-level withdrawals and stress days the year held, so the routine rate is, if
    anything, high. With fewer than :data:`MIN_FLOW_DAYS` days covered, or no strike, the
    sample book's defaults (:func:`flow_defaults`). The stress and withdrawal parameters are
    always the defaults: a year of orders cannot measure rare events.
    """
    base = flow_defaults()
    known = pit.strikes(ledger, vehicle.vehicle.id, as_of=as_of)
    orders = ledger.as_known_on(as_of, tables=("orders",)).orders
    orders = orders[orders["vehicle"] == vehicle.vehicle.id]
    flows = fund_trailing_flows(orders, known, as_of)
    covered = flows.covered_days
    if covered == 0 or covered < MIN_FLOW_DAYS:
        return base
    return FlowModel(
        contribution_rate=flows.purchase_rate,
        redemption_rate=flows.redemption_rate,
        stress_threshold=base.stress_threshold,
        stress_multiplier=base.stress_multiplier,
        withdrawal_rate=base.withdrawal_rate,
        withdrawal_min=base.withdrawal_min,
        withdrawal_max=base.withdrawal_max,
        source=(
            f"{vehicle.vehicle.id}'s purchases and redemptions over the {covered} days to "
            f"{as_of} over its mean struck net assets; stress and plan withdrawals: sample book "
            "FlowParams defaults"
        ),
    )


def _committed_state(ledger: Ledger, day: dt.date) -> tuple[pd.DataFrame, list[str]]:
    """:func:`~altsleeve.workflows.pacing.ledger_state` without the commitments not made by ``day``.

    The ledger's holdings are reference data, known from the start (``known_on`` 1900-01-01 in
    the sample book, ``docs/ledger.md``), so the state as of an early date lists funds of later
    vintages as unfunded commitments whose calls would start at once. A holding with no call
    known by ``day`` and a vintage year after ``day``'s year is taken as not committed yet and
    left out (its id is returned).
    """
    state = ledger_state(ledger, day)
    if state.empty:
        return state, list(state.attrs.get("not_yet_committed", []))
    holdings = ledger.as_known_on(day, tables=("holdings",)).holdings
    vintage = {
        str(h): int(v)
        for h, v in zip(holdings["holding_id"], holdings["vintage"], strict=True)
        if not pd.isna(v)
    }
    # book_state already leaves these out (attrs); the check below catches any it kept
    later = list(state.attrs.get("not_yet_committed", [])) + [
        str(h)
        for h, paid in zip(state["holding_id"], state["paid_in"], strict=True)
        if float(paid) == 0.0 and vintage.get(str(h), day.year) > day.year
    ]
    kept = state[~state["holding_id"].astype(str).isin(later)].reset_index(drop=True)
    return kept, later


def montecarlo_inputs(
    ledger: Ledger,
    design: Design,
    as_of: dt.date | None = None,
    progress: ProgressFn = quiet,
) -> MonteCarloInputs:
    """Everything a Monte Carlo run of ``design`` needs, as the ledger knew it on ``as_of``.

    ``as_of`` defaults to the vehicle's last strike. Net assets are those of the last strike on
    or before ``as_of`` known then; the private book's state is
    :func:`~altsleeve.workflows.pacing.ledger_state` (paid-in, NAV as known, calibrated parameters);
    funds of later vintages with no call yet are left out (:func:`_committed_state`); capital
    calls noticed by ``as_of`` and dated after it are certain outflows of their quarters
    (:func:`~altsleeve.workflows.pacing.ledger_noticed`; the model's calls of the holding are
    reduced by
    them, floored at zero);
    the market history is the quarterly returns of :data:`~altsleeve.pacing.SCENARIO_COLUMNS`
    complete and known by ``as_of``; each liquid and cash sleeve earns the long real series of
    its asset type (:func:`~altsleeve.pacing.sleeve_histories`), the stress trigger is the
    equity history, and ``provenance["history"]`` states the mapping; the flows are
    :func:`trailing_flows`.

    Raises
    ------
    InputError
        No strike on or before ``as_of``, a sleeve whose series has no long history, or a
        missing market series.
    """
    vehicle = design.vehicle
    day = as_of or pit.last_struck_day(ledger, vehicle.vehicle.id)
    strikes = pit.strikes(ledger, vehicle.vehicle.id, as_of=day)
    if strikes.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"no strike of {vehicle.vehicle.id} on or before {day} known then: run "
                    f"`altsleeve strike --to {day}` first",
                    column="--as-of",
                )
            ]
        )
    last = strikes.iloc[-1]
    sleeve_series = sleeve_histories(vehicle)
    progress(f"reading the private book as known on {day} (calibrating)", 0, 3)
    state, not_yet = _committed_state(ledger, day)
    progress("reading the market history and the trailing year of orders", 1, 3)
    market = ledger_market(ledger, day)
    returns = quarterly_returns({c: market[c] for c in SCENARIO_COLUMNS}, end=pd.Timestamp(day))
    flows = trailing_flows(ledger, vehicle, day)
    notices = ledger_noticed(ledger, day)
    notices = notices[notices["kind"] == "call"].reset_index(drop=True)
    components = json.loads(str(last["components"])) if "components" in strikes else {}
    synthetic = not ledger.synthetic_books().empty
    sources = Counter(str(x) for x in state.get("params_source", pd.Series(dtype=str)))
    provenance: dict[str, Any] = {
        "ledger": str(ledger.path),
        "history": history_used(vehicle),
        "knowledge_date": day.isoformat(),
        "strike_date": pd.Timestamp(last["date"]).date().isoformat(),
        "strike_version": int(last["version"]) if "version" in strikes else None,
        "struck_private_value": components.get("value_private"),
        "private_state": "last GP mark known, rolled forward by the flows since "
        "(altsleeve.pacing.book_state)",
        "params_source": dict(sorted(sources.items())),
        "holdings_not_yet_committed": not_yet,
        "noticed_calls": {
            "count": len(notices),
            "dollars": float(notices["amount"].sum()),
            "rule": "certain outflows of their quarters; the projection's calls of the holding "
            "are reduced by them, floored at zero",
        },
        "private_book": "SYNTHETIC sample book" if synthetic else "as recorded",
    }
    return MonteCarloInputs(
        design=design,
        as_of=pd.Timestamp(day),
        net_assets=float(last["net_assets"]),
        state=state,
        returns=returns,
        sleeve_series=sleeve_series,
        equity_series=long_history("equity").series_id,
        flows=flows,
        label=f"{vehicle.vehicle.id} as of {day}"
        + (" (private book SYNTHETIC)" if synthetic else ""),
        provenance=provenance,
        noticed_calls=notices if len(notices) else None,
    )


def stress_montecarlo(
    ledger: Ledger,
    design: Design,
    *,
    as_of: dt.date | None = None,
    settings: MonteCarloSettings | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_paths: int = 10_000,
    progress: ProgressFn = quiet,
) -> MonteCarloResult:
    """The Monte Carlo liquidity stress of ``design`` on the ledger as known on ``as_of``.

    Parameters
    ----------
    ledger : Ledger
        Read only.
    design : Design
        The vehicle, its buffer and its private share.
    as_of : datetime.date, optional
        Knowledge date (default: the vehicle's last strike).
    settings : MonteCarloSettings, optional
        Paths, years, seed (default :class:`~altsleeve.liquidity.MonteCarloSettings`).
    workers : int, optional
        Worker processes of a local Dask cluster (default: one per core); ``0`` runs the chunks
        in this process without Dask.
    scheduler : str, optional
        Address of a running Dask scheduler instead of a local cluster.
    chunk_paths : int, default 10000
        Paths per chunk (one Dask task each).
    progress : callable
        ``(description, done, total)`` as the chunks finish.

    Returns
    -------
    MonteCarloResult
        The same, bit for bit, for the same seed whatever ``workers``, ``scheduler`` and
        ``chunk_paths``.
    """
    settings = settings or MonteCarloSettings()
    check_cluster_options(workers, scheduler)
    inputs = montecarlo_inputs(ledger, design, as_of, progress)
    try:
        check_inputs(inputs, settings)
    except ValueError as exc:
        raise InputError([Problem(str(ledger.path), str(exc))]) from None
    label = f"{settings.n_paths:,} paths x {settings.years} years"

    def step(done: int, total: int) -> None:
        progress(f"simulating {label}: {done:,}/{total:,} paths", done, total)

    if workers == 0:
        progress(f"simulating {label} in process", 0, settings.n_paths)
        return run_montecarlo(inputs, settings, chunk_paths=chunk_paths, progress=step)
    from altsleeve.common.scaleout import dask_client

    progress("starting Dask" + (f" ({scheduler})" if scheduler else " (local cluster)"), 2, 3)
    with dask_client(scheduler, workers) as client:
        n = len(client.scheduler_info()["workers"])
        progress(f"simulating {label} on {n} Dask workers", 0, settings.n_paths)
        return run_montecarlo(
            inputs, settings, client=client, chunk_paths=chunk_paths, progress=step
        )


def result_json(result: MonteCarloResult) -> dict[str, Any]:
    """The result's summary as plain JSON values (NumPy scalars converted)."""

    def plain(x: Any) -> Any:
        if isinstance(x, dict):
            return {str(k): plain(v) for k, v in x.items()}
        if isinstance(x, list | tuple):
            return [plain(v) for v in x]
        if isinstance(x, np.generic):
            return x.item()
        return x

    out: dict[str, Any] = plain(result.summary)
    return out


@dataclass(frozen=True)
class MonteCarloReport:
    """What ``altsleeve stress montecarlo`` found (:class:`~altsleeve.liquidity.MonteCarloResult`).

    ``to_dict()`` is :func:`result_json` with, in its ``start``, the cash sleeve (``cash``,
    dollars; ``cash_share`` of net assets) and the liquid sleeves other than cash
    (``liquid_sleeves``, dollars) that the tables show.
    """

    result: MonteCarloResult

    def to_dict(self) -> dict[str, Any]:
        """What ``stress montecarlo --json`` prints."""
        out = result_json(self.result)
        start = out["start"]
        sleeves = start["sleeves"]
        cash = float(sleeves.get("cash", 0.0))
        start["cash"] = cash
        start["cash_share"] = cash / start["net_assets"]
        start["liquid_sleeves"] = float(sum(v for k, v in sleeves.items() if k != "cash"))
        return out


def montecarlo_report(
    ledger: Ledger,
    design: Design,
    *,
    as_of: dt.date | None = None,
    settings: MonteCarloSettings | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    chunk_paths: int = 10_000,
    progress: ProgressFn = quiet,
) -> MonteCarloReport:
    """:func:`stress_montecarlo` as a typed result (same parameters)."""
    return MonteCarloReport(
        stress_montecarlo(
            ledger,
            design,
            as_of=as_of,
            settings=settings,
            workers=workers,
            scheduler=scheduler,
            chunk_paths=chunk_paths,
            progress=progress,
        )
    )
