"""Stress tests on a ledger: base paths as the ledger knows them, and the runs the CLI prints.

Owns reading what a stress scenario's base needs from the ledger (the real prices of a replay
window, the book's reported private values as the vehicle's valuation gives them day by day, its
SYNTHETIC true values, capital calls, distributions and participant orders, and the vehicle's
recorded net assets and unit price on the start day) into a
:class:`~altsleeve.liquidity.StressPath`, building a flat projection instead
(:func:`projection_path`), and running scenarios and buffer sizing on them. Every read takes an
optional recorded-time cutoff (``recorded_at``, UTC): what the ledger recorded after it (a
restated mark, a restrike) is not seen, so a past evidence report's stress paths can be rebuilt.
The engine itself is pure (:mod:`altsleeve.liquidity._stress`). Must not write to the ledger.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.jsonvalues import plain
from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.fund import Vehicle, trailing_flows
from altsleeve.ledger import Ledger
from altsleeve.liquidity import (
    Design,
    Scenario,
    Sizing,
    StressPath,
    StressResult,
    run_stress,
    shock_start,
    size_buffer,
)
from altsleeve.pacing import Scenarios, StochasticSettings, quarterly_returns, simulate_holdings
from altsleeve.workflows import pit
from altsleeve.workflows.fund import (
    build_inputs,
    vehicle_calendar,
)
from altsleeve.workflows.pacing import (
    ledger_market,
    ledger_noticed,
    ledger_state,
)


def equity_series(vehicle: Vehicle) -> tuple[str, ...]:
    """The series an ``equity`` shock moves: those of the vehicle's equity sleeves.

    Chosen by each sleeve's ``asset_type`` in the vehicle definition (``equity``), never by the
    series' name, so a sleeve on a series called ``US_EQ`` falls with the shock like one on the
    S&P 500.
    """
    return tuple(str(s.series) for s in vehicle.sleeves_of("equity") if s.series)


def _calendar(
    ledger: Ledger, vehicle: Vehicle, recorded_at: dt.datetime | None
) -> pd.DatetimeIndex:
    """The vehicle's business days as the prices recorded by ``recorded_at`` give them.

    :func:`~altsleeve.workflows.fund.vehicle_calendar` with a recorded-time cutoff.
    """
    if recorded_at is None:
        return vehicle_calendar(ledger, vehicle)
    series = next(s.series for s in vehicle.sleeves if s.kind == "liquid" and s.series)
    prices = ledger.as_known_on(
        dt.date(2100, 12, 31),
        recorded_at=recorded_at,
        tables=("prices",),
        where={"series_id": [series]},
    ).prices
    days = pd.DatetimeIndex(prices.loc[prices["series_id"] == series, "date"]).sort_values()
    if days.empty:
        raise InputError(
            [Problem(str(ledger.path), f"no prices of {series!r} recorded by {recorded_at}")]
        )
    return days


def _truth(
    ledger: Ledger, days: pd.DatetimeIndex, recorded_at: dt.datetime | None = None
) -> pd.Series | None:
    truth = ledger.synthetic_truth(recorded_at=recorded_at)
    if truth.empty:
        return None
    daily = truth.groupby(pd.to_datetime(truth["date"]))["value"].sum()
    return daily.reindex(daily.index.union(days)).ffill().reindex(days).fillna(0.0)


def replay_path(
    ledger: Ledger,
    vehicle: Vehicle,
    start: dt.date,
    end: dt.date,
    label: str = "",
    *,
    recorded_at: dt.datetime | None = None,
) -> StressPath:
    """A replay window of the ledger's data: the base of a ``replay`` scenario.

    ``days[0]`` is the vehicle's last business day before ``start`` (its recorded strike gives
    the start net assets and unit price); the days run to ``end``. Prices are the real levels of
    the sleeves' series; the reported private value is the vehicle's valuation of each holding
    as known that day (:func:`altsleeve.workflows.fund.build_inputs`); the true value is the
    sample book's SYNTHETIC truth (the reported value when the ledger has none); calls,
    distributions and orders are the ledger's, each booked when known. ``recorded_at``: the
    recorded-time cutoff of every read (UTC; default: everything recorded).
    """
    cal = _calendar(ledger, vehicle, recorded_at)
    before = cal[cal < pd.Timestamp(start)]
    if before.empty:
        raise InputError([Problem(str(ledger.path), f"no business day before {start}")])
    days = cal[(cal >= before[-1]) & (cal <= pd.Timestamp(end))]
    if len(days) < 2:
        raise InputError([Problem(str(ledger.path), f"no business day in {start}..{end}")])
    na, nav = pit.struck_on(ledger, vehicle.vehicle.id, days[0], recorded_at=recorded_at)
    inputs, _, _ = build_inputs(ledger, vehicle, days, recorded_at=recorded_at)
    truth = _truth(ledger, days, recorded_at)
    reported = inputs.private_value
    return StressPath(
        days=days,
        prices=inputs.prices,
        private_reported=reported,
        private_true=reported.copy() if truth is None else truth,
        calls=inputs.calls,
        distributions=inputs.distributions,
        purchases=inputs.purchases,
        redemptions=inputs.redemptions,
        start_net_assets=na,
        start_nav_per_unit=nav,
        equity_series=equity_series(vehicle),
        label=label
        or f"replay {days[0].date()}..{days[-1].date()} "
        + (
            "(the ledger's prices and book as recorded)"
            if truth is None
            else "(real markets; synthetic private book)"
        ),
    )


def projection_path(
    ledger: Ledger,
    vehicle: Vehicle,
    as_of: dt.date | None,
    n_days: int,
    *,
    recorded_at: dt.datetime | None = None,
) -> StressPath:
    """A flat projection from ``as_of``: the base of a ``projection`` scenario.

    ``n_days`` business days (Monday to Friday) after ``as_of`` (default: the last day struck).
    Liquid sleeves' levels stay at their ``as_of`` level; the cash index grows at its mean daily
    return over the last 63 days. The private book follows its expected path from its state as
    known on ``as_of`` (:func:`~altsleeve.workflows.pacing.ledger_state`): the pacing engine on one
    market path at the history's mean return with no noise (the deterministic
    Takahashi-Alexander model), each quarter's calls and distributions spread evenly over its
    business days and the NAV linear between quarter ends. Participant purchases and
    redemptions are the trailing year's daily averages (:func:`altsleeve.fund.trailing_flows`
    over the business days the vehicle existed in that year). No truth: the true value is the
    reported one until a shock moves it. Capital calls already noticed by ``as_of`` and dated in
    the window are paid on their dates in full; each holding's projected calls in a quarter are
    reduced by its notices there (floored at zero), as in
    :func:`~altsleeve.pacing.cashflow_calendar`. ``recorded_at``: the recorded-time cutoff of
    every read (UTC; default: everything recorded).
    """
    if as_of is not None:
        day = pd.Timestamp(as_of)
    else:
        day = pd.Timestamp(pit.last_struck_day(ledger, vehicle.vehicle.id, recorded_at=recorded_at))
    na, nav = pit.struck_on(ledger, vehicle.vehicle.id, day, recorded_at=recorded_at)
    days = pd.DatetimeIndex([day, *pd.bdate_range(day + pd.Timedelta(days=1), periods=n_days)])
    start_in, _, _ = build_inputs(ledger, vehicle, pd.DatetimeIndex([day]), recorded_at=recorded_at)
    market = ledger_market(ledger, day.date(), recorded_at=recorded_at)
    prices = {}
    cash_series = str(vehicle.cash_sleeve.series)
    for s in vehicle.sleeves:
        if s.series is None:
            continue
        level = float(start_in.prices[s.series].iloc[0])
        if s.series == cash_series:
            hist = market.get(s.series)
            r = 0.0
            if hist is not None and len(hist) > 64:
                h = hist[hist.index <= day].iloc[-64:].to_numpy(float)
                r = float((h[-1] / h[0]) ** (1 / 63) - 1.0)
            prices[s.series] = level * (1.0 + r) ** np.arange(len(days))
        else:
            prices[s.series] = np.full(len(days), level)
    price_frame = pd.DataFrame(prices, index=days)
    p0 = float(start_in.private_value.iloc[0])
    state = ledger_state(ledger, day.date(), recorded_at=recorded_at)
    notices = ledger_noticed(ledger, day.date(), recorded_at=recorded_at)
    notices = notices[notices["kind"] == "call"]
    n_q = int(np.ceil(n_days / 63)) + 1
    calls = np.zeros(len(days))
    dists = np.zeros(len(days))
    value = np.full(len(days), p0)
    in_state: set[str] = set()
    if not state.empty:
        cols = sorted(set(state["proxy"]))
        qret = quarterly_returns({c: market[c] for c in cols}, end=day)
        mean_log = np.log1p(qret.to_numpy(float)).mean(axis=0)
        scen = Scenarios(
            series=tuple(cols),
            log_returns=np.broadcast_to(mean_log, (1, n_q, len(cols))).copy(),
            mean_log=mean_log,
            var_log=np.zeros(len(cols)),
            source_start=pd.Timestamp(qret.index[0]),
            source_end=pd.Timestamp(qret.index[-1]),
            block_quarters=1.0,
            seed=0,
        )
        settings = StochasticSettings(
            n_paths=1, n_quarters=n_q, call_rate_sd=0.0, distribution_rate_sd=0.0
        )
        paths = simulate_holdings(state, scen, settings)
        ends = pd.date_range(day, periods=n_q + 1, freq="QE")
        ends = ends[ends > day][:n_q]
        # notices replace the projection's calls of their holding and quarter (floored at 0);
        # a notice above the projection adds the difference to the NAV from that quarter on
        ids = [str(h) for h in paths.holding_ids]
        in_state = set(ids)
        model = paths.call[:, 0, :]
        known = np.zeros_like(model)
        for h, d, a in zip(notices["holding_id"], notices["date"], notices["amount"], strict=True):
            q = int(ends.searchsorted(pd.Timestamp(d), side="left"))
            if str(h) in in_state and q < len(ends):
                known[ids.index(str(h)), q] += float(a)
        q_call = np.maximum(model - known, 0.0).sum(axis=0)
        q_dist = paths.distribution[:, 0, :].sum(axis=0)
        above = (known - np.minimum(known, model)).sum(axis=0)
        q_nav = paths.nav[:, 0, :].sum(axis=0) + np.cumsum(above)
        prev_nav, prev_end = p0, day
        for q, qend in enumerate(ends):
            inq = np.flatnonzero((days > prev_end) & (days <= qend))
            if inq.size:
                calls[inq] = q_call[q] / inq.size
                dists[inq] = q_dist[q] / inq.size
                frac = np.arange(1, inq.size + 1) / inq.size
                value[inq] = prev_nav + frac * (q_nav[q] - prev_nav)
            prev_nav, prev_end = float(q_nav[q]), qend
    # every notice is paid in full on its date (the next business day of the path)
    for h, d, a in zip(notices["holding_id"], notices["date"], notices["amount"], strict=True):
        pos = int(days.searchsorted(pd.Timestamp(d), side="left"))
        if 0 < pos < len(days):
            calls[pos] += float(a)
            if str(h) not in in_state:  # not projected: its call adds to the NAV from then on
                value[pos:] += float(a)
    orders = ledger.as_known_on(day.date(), recorded_at=recorded_at, tables=("orders",)).orders
    orders = orders[orders["vehicle"] == vehicle.vehicle.id]
    # the trailing year's orders (altsleeve.fund.trailing_flows, the one definition), as a
    # daily average over the business days the vehicle existed in that year
    struck = pit.strikes(ledger, vehicle.vehicle.id, as_of=day.date(), recorded_at=recorded_at)
    flows = trailing_flows(orders, struck, day)
    covered = flows.covered_days or 365
    year_days = max(1, int(np.busday_count((day - pd.Timedelta(days=covered)).date(), day.date())))
    purch = np.full(len(days), flows.purchases / year_days)
    red = np.full(len(days), flows.redemptions / year_days)

    def ser(a: np.ndarray) -> pd.Series:
        return pd.Series(np.maximum(a, 0.0), index=days, dtype=float)

    return StressPath(
        days=days,
        prices=price_frame,
        private_reported=ser(value),
        private_true=ser(value),
        calls=ser(calls),
        distributions=ser(dists),
        purchases=ser(purch),
        redemptions=ser(red),
        start_net_assets=na,
        start_nav_per_unit=nav,
        equity_series=equity_series(vehicle),
        label=f"projection {n_days} business days from {day.date()} (flat markets; expected "
        "private flows)",
    )


def projection_scenarios() -> list[str]:
    """The built-in scenarios that start from the book as it is (``projection`` bases)."""
    from altsleeve.liquidity import builtin_scenario_paths, load_scenario

    return sorted(
        sid for sid in builtin_scenario_paths() if load_scenario(sid).base.kind == "projection"
    )


def replay_before_strikes(
    ledger: Ledger,
    vehicle: Vehicle,
    scenario: Scenario,
    *,
    recorded_at: dt.datetime | None = None,
) -> str | None:
    """Why a replay scenario cannot run on ``vehicle`` (``None`` when it can, or not a replay).

    A replay strikes the vehicle through its window from the strike recorded on the business
    day before the window starts (:func:`replay_path`), so the window must start after the
    vehicle's first strike: a vehicle launched in 2022 has no 2008 to replay. The message names
    the window and the vehicle's launch and first strike; the caller adds what to do instead
    (the ``projection`` scenarios, :func:`projection_scenarios`).
    """
    b = scenario.base
    if b.kind != "replay" or b.start is None:
        return None
    strikes = pit.strikes(ledger, vehicle.vehicle.id, recorded_at=recorded_at)
    first = pd.Timestamp(pd.to_datetime(strikes["date"]).min()) if len(strikes) else None
    if first is not None and first < pd.Timestamp(b.start):
        return None
    struck = f"first struck {first.date()}" if first is not None else "never struck"
    return (
        f"scenario {scenario.id} replays {b.start}..{b.end}, before {vehicle.vehicle.id} was "
        f"launched or struck (inception {vehicle.vehicle.inception}, {struck}): a replay runs "
        "the vehicle's own strikes through its window from the day before it starts"
    )


def base_path(
    ledger: Ledger,
    vehicle: Vehicle,
    scenario: Scenario,
    *,
    recorded_at: dt.datetime | None = None,
) -> StressPath:
    """The base path a scenario asks for (:func:`replay_path` or :func:`projection_path`)."""
    b = scenario.base
    if b.kind == "replay":
        assert b.start is not None and b.end is not None
        why = replay_before_strikes(ledger, vehicle, scenario, recorded_at=recorded_at)
        if why is not None:
            hint = (
                "; use a scenario that starts from the book as it is "
                f"({', '.join(projection_scenarios())}), with --shock KIND=VALUE for "
                "hypothetical shocks"
            )
            raise InputError([Problem("<args>", why + hint, column="--scenario")])
        return replay_path(ledger, vehicle, b.start, b.end, recorded_at=recorded_at)
    return projection_path(ledger, vehicle, b.as_of, b.days, recorded_at=recorded_at)


@dataclass(frozen=True)
class StressRun:
    """Scenarios run on one design, with the base paths reused across designs."""

    ledger: Ledger
    vehicle: Vehicle
    scenarios: Sequence[Scenario]
    paths: dict[str, StressPath]

    def __call__(self, design: Design) -> list[StressResult]:
        """Run every scenario on ``design``."""
        return [run_stress(design, self.paths[s.id], s) for s in self.scenarios]


def prepare(
    ledger: Ledger,
    vehicle: Vehicle,
    scenarios: Sequence[Scenario],
    progress: ProgressFn = quiet,
    *,
    recorded_at: dt.datetime | None = None,
) -> StressRun:
    """Build each scenario's base path once (a replay window or a projection).

    ``recorded_at``: the recorded-time cutoff of every read (UTC; default: everything recorded).
    """
    paths: dict[str, StressPath] = {}
    built: dict[str, StressPath] = {}
    problems: list[Problem] = []
    for k, s in enumerate(scenarios, start=1):
        key = s.base.model_dump_json()
        if key not in built:
            progress(f"[{k}/{len(scenarios)}] base path of {s.id} ({s.base.kind})", 0, 1)
            built[key] = base_path(ledger, vehicle, s, recorded_at=recorded_at)
        paths[s.id] = built[key]
        problems += shock_problems(s, built[key])
    if problems:
        raise InputError(problems)
    return StressRun(ledger, vehicle, list(scenarios), paths)


def shock_problems(scenario: Scenario, path: StressPath) -> list[Problem]:
    """Shocks of ``scenario`` dated where its path has no day to act on (none: ``[]``).

    The days struck are the path's days after its first (the history day). A ``plan_withdrawal``
    happens on the first of them on or after its date, so its date must fall in
    ``(days[0], days[-1]]``; any other dated shock acts on the days of its ``start``..``end``
    window (``after_days`` counts business days from the path's first day), which must hold at
    least one of them. Otherwise the shock would do nothing, silently: a plan withdrawal dated
    2019-01-31 on a projection from 2024-12-31, say.
    """
    days = path.days[1:]
    out: list[Problem] = []
    for i, shock in enumerate(scenario.shocks):
        first = shock_start(path.days, shock)
        last = pd.Timestamp(shock.end) if shock.end is not None else None
        if first is None and last is None:
            continue
        if shock.kind == "plan_withdrawal":
            assert first is not None
            acts = bool(path.days[0] < first <= days[-1])
        else:
            lo = first if first is not None else days[0]
            hi = last if last is not None else days[-1]
            acts = bool(((days >= lo) & (days <= hi)).any())
        if not acts:
            if getattr(shock, "after_days", None) is not None:
                when = f"after_days = {shock.after_days}"
            elif shock.end is None:
                when = f"start {shock.start}"
            else:
                when = f"{shock.start or 'start'}..{shock.end}"
            out.append(
                Problem(
                    f"scenario {scenario.id}",
                    f"the {shock.kind} shock ({when}) falls outside the days struck "
                    f"{days[0].date()}..{days[-1].date()} ({path.label}): it would do nothing; "
                    "date it inside them (or use after_days for a projection)",
                    column=f"shocks[{i}]",
                )
            )
    return out


def sizing_json(sizing: Sizing) -> dict[str, Any]:
    """A :class:`~altsleeve.liquidity.Sizing` as plain JSON values."""
    return {
        "buffer": sizing.buffer,
        "private_share": sizing.private_share,
        "tolerance": sizing.tolerance,
        "searched": [sizing.lo, sizing.hi],
        "criteria": list(sizing.criteria),
        "trials": sizing.trials.to_dict(orient="records"),
    }


def run_size_buffer(
    run: StressRun,
    design: Design,
    *,
    hi: float = 0.40,
    tolerance: float = 0.0025,
    criteria: Sequence[str] = ("shortfall", "cap"),
) -> Sizing:
    """:func:`~altsleeve.liquidity.size_buffer` on the prepared scenarios."""
    return size_buffer(design, run, hi=hi, tolerance=tolerance, criteria=criteria)


# -- the use cases of ``stress``, ``stress list`` and ``stress size-buffer`` --------------------

MONTHLY_COLUMNS = (
    "month",
    "private_share_end",
    "private_share_peak",
    "cash_share_low",
    "days_above_cap",
    "calls",
    "distributions",
    "redemptions",
    "forced_liquid_sales",
    "secondary_sold",
    "unrebalanced_max",
)
"""The month-by-month aggregation of a stress run's days (:func:`monthly`)."""


def monthly(daily: pd.DataFrame) -> pd.DataFrame:
    """A stress run's days by calendar month (:data:`MONTHLY_COLUMNS`).

    ``month`` is ``YYYY-MM``; the private share at the month's last day struck and its peak, the
    cash share's low, the days above the private cap, and the month's calls, distributions,
    redemptions, forced sales of liquid sleeves and secondary sales (dollars), and the most the
    private sleeve stood above its glide target (dollars). Months with no day struck are left out.
    """
    d = daily.set_index("date")
    g = d.resample("ME")
    m = pd.DataFrame(
        {
            "private_share_end": g["private_share"].last(),
            "private_share_peak": g["private_share"].max(),
            "cash_share_low": g["cash_share"].min(),
            "days_above_cap": g["breach_private_max"].sum(),
            "calls": g["calls"].sum(),
            "distributions": g["distributions"].sum(),
            "redemptions": g["redemptions"].sum(),
            "forced_liquid_sales": g["forced_liquid_sales"].sum(),
            "secondary_sold": g["secondary_sold"].sum(),
            "unrebalanced_max": g["unrebalanced"].max(),
        }
    ).dropna(subset=["private_share_end"])
    m["days_above_cap"] = m["days_above_cap"].astype(int)
    m.insert(0, "month", [pd.Timestamp(str(day)).strftime("%Y-%m") for day in m.index])
    return m.reset_index(drop=True)


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario struck on one design.

    The engine's :class:`~altsleeve.liquidity.StressResult`, the scenario's title and the run's
    days by month (:func:`monthly`).
    """

    result: StressResult
    title: str
    monthly: pd.DataFrame


@dataclass(frozen=True)
class StressReport:
    """What ``altsleeve stress`` found: each scenario's run on the design.

    Attributes
    ----------
    vehicle : str
    synthetic : bool
        Whether the private values and flows come from the SYNTHETIC sample book.
    equity_shock_moves : list of str
        The series an equity shock moves (:func:`equity_series`).
    history : dict
        The shipped series a projection's private growth is linked to (empty: only replays).
    runs : list of ScenarioRun
    daily : bool
        Whether ``to_dict()`` holds each run's daily rows.
    equity_shocked : bool
        Whether a scenario shocks equity (then ``equity_shock_moves`` says what it moved).
    """

    vehicle: str
    synthetic: bool
    equity_shock_moves: list[str]
    history: dict[str, str]
    runs: list[ScenarioRun]
    daily: bool = False
    equity_shocked: bool = False

    def to_dict(self) -> dict[str, Any]:
        """What ``stress --json`` prints (and ``--out``'s stress.json holds)."""
        return {
            "vehicle": self.vehicle,
            "synthetic_note": "private values and flows come from the SYNTHETIC sample book"
            if self.synthetic
            else None,
            "equity_shock_moves": self.equity_shock_moves,
            "history": self.history,
            "results": [
                {
                    "scenario": r.result.scenario,
                    "title": r.title,
                    "design": r.result.design,
                    "summary": r.result.summary,
                    **(
                        {"daily": plain(r.result.daily.to_dict(orient="records"))}
                        if self.daily
                        else {}
                    ),
                    "monthly": plain(r.monthly.to_dict(orient="records")),
                }
                for r in self.runs
            ],
        }


def stress_scenarios(
    ledger: Ledger,
    design: Design,
    scenarios: Sequence[Scenario],
    *,
    daily: bool = False,
    progress: ProgressFn = quiet,
) -> StressReport:
    """Strike ``design`` day by day through each scenario (base paths from :func:`prepare`).

    ``daily``: whether ``to_dict()`` holds each run's daily rows (the runs hold them always).
    """
    from altsleeve.marketdata import history_statement

    vehicle = design.vehicle

    run = prepare(ledger, vehicle, scenarios, progress)
    runs: list[ScenarioRun] = []
    for k, s in enumerate(scenarios, start=1):
        progress(f"striking {s.id}", k, len(scenarios))
        r = run_stress(design, run.paths[s.id], s)
        runs.append(ScenarioRun(r, s.scenario.title, monthly(r.daily)))
    synthetic = not ledger.synthetic_books().empty
    projected = any(s.base.kind == "projection" for s in scenarios)
    return StressReport(
        vehicle=vehicle.vehicle.id,
        synthetic=synthetic,
        equity_shock_moves=list(equity_series(vehicle)),
        history=history_statement((), private=True) if projected else {},
        runs=runs,
        daily=daily,
        equity_shocked=any(sh.kind == "equity" for s in scenarios for sh in s.shocks),
    )


@dataclass(frozen=True)
class BuiltinScenario:
    """A stress scenario shipped with altsleeve (``altsleeve stress list``)."""

    id: str
    title: str
    base: str
    shocks: list[str]
    file: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values."""
        return {
            "id": self.id,
            "title": self.title,
            "base": self.base,
            "shocks": self.shocks,
            "file": self.file,
        }


@dataclass(frozen=True)
class ScenarioList:
    """The built-in stress scenarios; ``to_dict()`` is a list, one row each."""

    scenarios: list[BuiltinScenario]

    def to_dict(self) -> list[dict[str, Any]]:
        """What ``stress list --json`` prints."""
        return [s.to_dict() for s in self.scenarios]


def builtin_scenarios() -> ScenarioList:
    """The shipped stress scenario files (documented in docs/stress.md)."""
    from altsleeve.liquidity import builtin_scenario_paths, load_scenario

    rows: list[BuiltinScenario] = []
    for sid, path in builtin_scenario_paths().items():
        s = load_scenario(sid)
        base = (
            f"replay {s.base.start}..{s.base.end}"
            if s.base.kind == "replay"
            else f"projection {s.base.days} days"
        )
        rows.append(
            BuiltinScenario(
                id=sid,
                title=s.scenario.title,
                base=base,
                shocks=[sh.kind for sh in s.shocks],
                file=str(path),
            )
        )
    return ScenarioList(rows)


@dataclass(frozen=True)
class BufferSizing:
    """What ``altsleeve stress size-buffer`` found (:class:`~altsleeve.liquidity.Sizing`).

    ``private_max`` is the vehicle's private cap; ``private_share_start`` the starting private
    share asked for (None: the book as it is).
    """

    vehicle: str
    scenarios: list[str]
    private_share_start: float | None
    private_max: float
    sizing: Sizing

    def to_dict(self) -> dict[str, Any]:
        """What ``stress size-buffer --json`` prints."""
        return {
            "vehicle": self.vehicle,
            "scenarios": self.scenarios,
            "private_share_start": self.private_share_start,
            **sizing_json(self.sizing),
        }


def stress_size_buffer(
    ledger: Ledger,
    design: Design,
    scenarios: Sequence[Scenario],
    *,
    max_buffer: float = 0.40,
    tolerance: float = 0.0025,
    criteria: Sequence[str] = ("shortfall", "cap"),
    progress: ProgressFn = quiet,
) -> BufferSizing:
    """The smallest liquid buffer, and the largest private share, that survive ``scenarios``.

    The search starts from ``design`` (its ``private_share``; its buffer is searched) up to
    ``max_buffer`` with precision ``tolerance``; ``criteria`` are what a design must avoid
    (:data:`~altsleeve.liquidity.CRITERIA`).
    """
    vehicle = design.vehicle
    run = prepare(ledger, vehicle, scenarios, progress)
    progress("searching buffers and private shares", 0, 1)
    sizing = run_size_buffer(run, design, hi=max_buffer, tolerance=tolerance, criteria=criteria)
    progress("sizing done", 1, 1)
    return BufferSizing(
        vehicle=vehicle.vehicle.id,
        scenarios=[s.id for s in scenarios],
        private_share_start=design.private_share,
        private_max=vehicle.private.max,
        sizing=sizing,
    )
