"""The fiduciary evidence file's figures, gathered from the ledger as known on a date.

Owns reading the ledger (as known on ``--as-of`` and as recorded by ``--recorded-by``), the
vehicle, policy, fee-stack and outcome files, and calling the capability packages for every
figure of the report: the daily strike (``fund``), the valuation back-test and true-ups
(``valuation``), the liquidity profile and stress replays (``liquidity``), the fee stack and
break-even (``fees``), the private book's IRR and PME (``performance``) and savers' outcomes
(``outcomes``). It returns one JSON-ready dict (schema ``altsleeve.evidence/1``, rendered by
:mod:`altsleeve.views.evidence`) and the policy's checks (:mod:`altsleeve.report`). Must not
compute a figure a capability package computes, and must not draw or write files.

Point in time: every figure uses only facts whose ``known_on`` is on or before ``as_of`` and
that were recorded by ``recorded_by`` (default: the ledger's newest recording), so the appendix's
command reproduces the JSON byte for byte from the same ledger, whatever was recorded after (a
restated mark, a restrike, later facts). Every ledger read below takes that cutoff explicitly
(``recorded_at=cutoff``): the snapshot, the private book, the liquidity profile, the stress
paths, the valuation inputs, the synthetic truth and book, and the orders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import platform
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import pandas as pd

from altsleeve.common.jsonvalues import finite, plain
from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.fees import (
    FeeStack,
    breakeven_report,
    fee_stack_report,
    sample_stack_path,
)
from altsleeve.fees._gross import benchmark_return
from altsleeve.fund import Vehicle
from altsleeve.ledger import Ledger, LedgerSnapshot
from altsleeve.marketdata import history_statement, long_history
from altsleeve.performance import max_drawdown
from altsleeve.report import (
    TRIGGERS,
    Check,
    Figures,
    Policy,
    StressFigures,
    TrueUp,
    evaluate,
    status_counts,
    triggers_by_key,
)
from altsleeve.workflows import pit
from altsleeve.workflows.vehicles import definition_on

SCHEMA = "altsleeve.evidence/1"
#: Trailing windows of the performance table, in years (None: since the first common month).
WINDOWS: tuple[tuple[str, int | None], ...] = (
    ("1y", 1),
    ("3y", 3),
    ("5y", 5),
    ("10y", 10),
    ("since_start", None),
)
#: Who does what around the sleeve, and what the engine does for each (complexity factor).
ROLES: tuple[tuple[str, str, str], ...] = (
    (
        "Plan investment committee (fiduciary)",
        "Adopts this policy, reads this file, decides the allocation and minutes its reasons.",
        "altsleeve report (this file); the policy's checks and triggers",
    ),
    (
        "CIT trustee, operations",
        "Strikes the unit price every business day; processes purchases, redemptions, calls.",
        "altsleeve strike; altsleeve limits; altsleeve ledger verify",
    ),
    (
        "Valuation committee (trustee)",
        "Approves each asset class's daily method; reviews true-ups above the threshold.",
        "altsleeve value; altsleeve nav backtest; true-ups in this file",
    ),
    (
        "General partners / fund administrators",
        "Send quarterly NAV statements 45-120 days late; call and distribute capital.",
        "altsleeve ingest (statements, cash flows) into the append-only ledger",
    ),
    (
        "Recordkeeper",
        "Sends participants' daily purchase and redemption orders.",
        "altsleeve ingest (orders); dilution measured by altsleeve dilution",
    ),
    (
        "Investment consultant",
        "Checks pacing, liquidity, fees and outcomes against the policy.",
        "altsleeve pacing plan; liquidity; stress; fees; outcomes",
    ),
)
#: What the engine automates, and what stays manual.
AUTOMATED: tuple[tuple[str, str, str], ...] = (
    (
        "Daily value of each private holding",
        "altsleeve value",
        "Method choice per class (valuation committee); GP statements ingested as received.",
    ),
    (
        "Daily unit price, fee accruals, rebalancing",
        "altsleeve strike",
        "Sign-off of each day's strike by the trustee.",
    ),
    (
        "Allocation and liquidity limits",
        "altsleeve limits; altsleeve liquidity",
        "Action on a breach (the committee's escalation path).",
    ),
    (
        "Commitment pacing",
        "altsleeve pacing plan",
        "New commitments: manager selection and legal terms.",
    ),
    (
        "Stress replays and Monte Carlo",
        "altsleeve stress; altsleeve stress montecarlo",
        "Choosing the scenarios the policy names.",
    ),
    (
        "Fees gross to net and break-even",
        "altsleeve fees stack; altsleeve fees breakeven",
        "Negotiating the terms.",
    ),
    (
        "Participant outcomes",
        "altsleeve outcomes",
        "Choosing the cohorts and the funding of the sleeve.",
    ),
    (
        "Audit trail (append-only, hash-chained ledger)",
        "altsleeve ledger verify; altsleeve ledger log",
        "None: every write is recorded and verified.",
    ),
)


@dataclass(frozen=True)
class EvidenceInputs:
    """The files and options of one report (paths as given; None: the shipped samples).

    ``vehicle`` is the id of a vehicle registered in the ledger (``altsleeve vehicle
    register``); the report uses its definition in force on ``as_of`` as known then and
    recorded by ``recorded_by``.
    """

    db: Path
    vehicle: str
    policy: Path
    as_of: dt.date
    recorded_by: dt.datetime | None = None
    fee_stack: Path | None = None
    outcome_params: Path | None = None
    paths: int = 10_000
    seed: int = 2045
    trailing_valuation_years: int = 5


@dataclass(frozen=True)
class Evidence:
    """The payload (schema :data:`SCHEMA`) and the checks behind its ``checks`` section."""

    payload: dict[str, Any]
    checks: list[Check]
    fired: list[str]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


_clean = plain


def _iso(days: Any) -> list[str]:
    return [d.strftime("%Y-%m-%d") for d in pd.DatetimeIndex(days)]


def _floats(values: Any, digits: int | None = None) -> list[float | None]:
    arr = np.asarray(values, dtype=float)
    if digits is not None:
        arr = np.round(arr, digits)
    return [float(x) if math.isfinite(x) else None for x in arr]


# -- the ledger as known on the date ------------------------------------------------------------
def _cutoff(ledger: Ledger, recorded_by: dt.datetime | None) -> dt.datetime:
    """The recorded-time cutoff: given, else the ledger's newest recording (UTC, naive)."""
    if recorded_by is not None:
        return recorded_by
    log = ledger.audit_log(1)
    if log.empty:
        raise InputError([Problem(str(ledger.path), "the ledger is empty: nothing to report")])
    return pd.Timestamp(log["recorded_at"].iloc[0]).to_pydatetime()


def _head(ledger: Ledger, cutoff: dt.datetime) -> tuple[int, str]:
    """The audit chain's last entry recorded by ``cutoff``: its sequence number and hash."""
    log = ledger.audit_log()
    log = log[pd.to_datetime(log["recorded_at"]) <= pd.Timestamp(cutoff)]
    if log.empty:
        return 0, ""
    top = log.sort_values("seq").iloc[-1]
    return int(top["seq"]), str(top["entry_hash"])


def _components(strikes: pd.DataFrame) -> pd.DataFrame:
    comp = pd.DataFrame([json.loads(str(c)) for c in strikes["components"]])
    comp.index = pd.DatetimeIndex(strikes["date"])
    return comp


def _prices(p: pd.DataFrame) -> pd.DataFrame:
    """The snapshot's index levels as a wide frame, one column per series."""
    if p.empty:
        return pd.DataFrame()
    wide = p.pivot_table(index="date", columns="series_id", values="level", aggfunc="last")
    wide.index = pd.DatetimeIndex(wide.index)
    return wide.sort_index()


def _private_target(vehicle: Vehicle, day: Any, default: float) -> float:
    """The glide path's private target on ``day`` (``default`` for a vehicle with no sleeve)."""
    priv = vehicle.private_sleeve
    return vehicle.targets(day)[priv.id] if priv is not None else default


def policy_problems(
    ledger: Ledger,
    vehicle: Vehicle,
    policy: Policy,
    policy_path: Path,
    comp: pd.DataFrame,
    prices: pd.DataFrame,
    *,
    recorded_at: dt.datetime | None = None,
) -> None:
    """Refuse a policy that cannot be checked on this vehicle, naming the policy file and key.

    - a replay scenario of ``liquidity.stress_scenarios`` whose window starts before the
      vehicle's first strike (:func:`altsleeve.workflows.stress.replay_before_strikes`: a vehicle
      launched in 2022 has no 2008 to replay);
    - a series of ``benchmark.weights`` (a ``mix`` benchmark) or of
      ``benchmark.alternatives[i].weights`` that the ledger does not know on the as-of date, or
      whose prices do not cover at least two month ends of the vehicle's strikes (the arch
      series end in 2018).

    Raises
    ------
    InputError
        One problem per key at fault.
    """
    from altsleeve.liquidity import load_scenario
    from altsleeve.workflows.stress import (
        projection_scenarios,
        replay_before_strikes,
    )

    label = str(policy_path)
    problems: list[Problem] = []
    for i, sid in enumerate(policy.liquidity.stress_scenarios):
        try:
            sc = load_scenario(sid)
        except (InputError, ValueError, KeyError):
            continue  # reported in the liquidity section as not run (unknown scenario)
        why = replay_before_strikes(ledger, vehicle, sc, recorded_at=recorded_at)
        if why is not None:
            problems.append(
                Problem(
                    label,
                    f"{why}; list scenarios that start from the book as it is "
                    f"({', '.join(projection_scenarios())}) instead",
                    column=f"liquidity.stress_scenarios[{i}]",
                )
            )
    months = pd.DatetimeIndex(comp.index).to_period("M").unique()
    first, last = pd.Timestamp(comp.index[0]).date(), pd.Timestamp(comp.index[-1]).date()

    def check(weights: Mapping[str, float], key: str) -> None:
        unknown, outside = [], []
        for sid in weights:
            if sid not in prices.columns:
                unknown.append(repr(sid))
                continue
            have = prices[sid].dropna()
            covered = months.intersection(pd.DatetimeIndex(have.index).to_period("M").unique())
            if len(covered) < 2:
                span = f"{have.index[0].date()}..{have.index[-1].date()}" if len(have) else "none"
                outside.append(f"{sid!r} ({span})")
        if unknown:
            problems.append(
                Problem(
                    label,
                    f"series {', '.join(unknown)} not in the ledger (as known on the as-of "
                    "date): register and ingest it (`altsleeve marketdata register`), or name "
                    "one that `altsleeve marketdata list` shows",
                    column=key,
                )
            )
        if outside:
            problems.append(
                Problem(
                    label,
                    f"series {', '.join(outside)} {'has' if len(outside) == 1 else 'have'} no "
                    f"prices over {vehicle.vehicle.id}'s strikes ({first}..{last}), so the "
                    "comparison would be empty: name series of the vehicle's period",
                    column=key,
                )
            )

    if policy.benchmark.kind == "mix":
        check(policy.benchmark.weights, "benchmark.weights")
    for i, alt in enumerate(policy.benchmark.alternatives):
        check(alt.weights, f"benchmark.alternatives[{i}].weights")
    if problems:
        raise InputError(problems)


# -- performance ------------------------------------------------------------------------------
def _month_ends(levels: pd.Series) -> pd.Series:
    s = levels.dropna()
    return s.groupby(pd.DatetimeIndex(s.index).to_period("M")).last()


def _trailing(
    growth: pd.Series, windows: Sequence[tuple[str, int | None]] = WINDOWS
) -> dict[str, Any]:
    """Annualised returns over trailing windows, volatility and drawdown of a monthly series.

    ``growth`` is indexed by month (``Period``); a window of ``n`` years needs ``12 n`` months
    before the last (None when the series is shorter). Returns are geometric a year:
    ``(G_end / G_start) ** (12 / months) - 1``; volatility is the monthly standard deviation
    times sqrt(12); the drawdown is the worst fall from a running peak of month ends.
    """
    g = growth.to_numpy(float)
    out: dict[str, float | None] = {}
    for key, years in windows:
        months = len(g) - 1 if years is None else 12 * years
        if months <= 0 or months >= len(g):
            out[key] = None
            continue
        ratio = g[-1] / g[-1 - months]
        out[key] = float(ratio ** (12.0 / months) - 1.0) if months >= 12 else float(ratio - 1.0)
    r = g[1:] / g[:-1] - 1.0
    vol = float(np.std(r, ddof=1) * np.sqrt(12.0)) if len(r) > 1 else None
    dd = max_drawdown(g) if len(g) else None
    return {"returns": out, "volatility": vol, "max_drawdown": dd}


def without_sleeve_returns(
    comp: pd.DataFrame, prices: pd.DataFrame, vehicle: Vehicle, funding: str
) -> tuple[pd.Series, pd.Series]:
    """Daily returns of the vehicle as struck and of the same vehicle without the sleeve.

    With ``w`` the private weight struck the day before, ``r_p`` the private sleeve's return
    (its value after the day's calls and distributions, less calls plus distributions, over the
    day before's value) and ``r_f`` the funding sleeves' index return (equity, bonds or both at
    the glide path's weights of the day; the funding sleeves are chosen by asset type, ``equity``
    and ``bond``, in the vehicle definition), ``r_without = r_with - w (r_p - r_f)``: the sleeve's
    weight held in its funding instead, every other flow, fee and rebalance as struck. Dollars
    and decimal returns; no look-ahead (all inputs dated on or before each day).
    """
    nav = comp["nav_per_unit"].astype(float)
    r_with = nav.pct_change().iloc[1:]
    value = comp.get("value_private", pd.Series(0.0, index=comp.index)).astype(float)
    calls = comp.get("calls", pd.Series(0.0, index=comp.index)).astype(float)
    dists = comp.get("distributions", pd.Series(0.0, index=comp.index)).astype(float)
    prev = value.shift(1)
    r_p = ((value - calls + dists) / prev - 1.0).where(prev > 0, 0.0).iloc[1:]
    w = comp.get("weight_private", pd.Series(0.0, index=comp.index)).astype(float).shift(1)
    sleeves = {s.id: s for s in vehicle.sleeves}
    types = {"equity": ["equity"], "bonds": ["bond"], "both": ["equity", "bond"]}[funding]
    ids = [s.id for t in types for s in vehicle.sleeves_of(t) if s.series in prices.columns]
    if not ids:
        ids = [s.id for s in vehicle.sleeves if s.kind == "liquid" and s.series in prices.columns]
    days = pd.DatetimeIndex(comp.index)
    rets = []
    weights = []
    for i in ids:
        series = sleeves[i].series
        assert series is not None
        lv = prices[series].reindex(days, method="ffill")
        rets.append(lv.pct_change().fillna(0.0))
        weights.append(pd.Series([vehicle.targets(d)[i] for d in days], index=days))
    wsum = sum(weights)
    r_f = sum(r * (wt / wsum) for r, wt in zip(rets, weights, strict=True))
    assert isinstance(r_f, pd.Series)
    r_without = r_with - w.iloc[1:] * (r_p - r_f.iloc[1:])
    return r_with, r_without


def _growth(returns: pd.Series) -> pd.Series:
    g = (1.0 + returns).cumprod()
    first = g.index[0] - pd.Timedelta(days=1)
    out: pd.Series = pd.concat([pd.Series([1.0], index=[first]), g])
    return out


def _mix_growth(prices: pd.DataFrame, weights: Mapping[str, float]) -> pd.Series | None:
    """Growth of $1 in an index mix rebalanced monthly (month-end levels of each series)."""
    cols = [c for c in weights if c in prices.columns]
    if len(cols) != len(weights):
        return None
    monthly = pd.DataFrame({c: _month_ends(prices[c]) for c in cols}).dropna()
    if len(monthly) < 2:
        return None
    r = monthly.pct_change().iloc[1:]
    mix = sum(r[c] * weights[c] for c in cols) / sum(weights.values())
    assert isinstance(mix, pd.Series)
    g = (1.0 + mix).cumprod()
    out: pd.Series = pd.concat([pd.Series([1.0], index=[monthly.index[0]]), g])
    return out


def performance_section(
    comp: pd.DataFrame,
    prices: pd.DataFrame,
    vehicle: Vehicle,
    policy: Policy,
) -> tuple[dict[str, Any], dict[int, float]]:
    """Trailing returns net of every fee layer: with the sleeve, the benchmark, alternatives.

    Returns the section (without the private book and outcomes) and the vehicle's excess
    return over the benchmark by trailing years (for the underperformance trigger).
    """
    b = policy.benchmark
    r_with, r_without = without_sleeve_returns(comp, prices, vehicle, b.funding)
    lines: dict[str, tuple[str, pd.Series]] = {}
    name_with = f"{vehicle.vehicle.id} with the private sleeve (net of every fee layer)"
    lines[name_with] = ("vehicle", _month_ends(_growth(r_with)))
    if b.kind == "glide_without_sleeve":
        bench = _month_ends(_growth(r_without))
    else:
        mixed = _mix_growth(prices, b.weights)
        bench = pd.Series(dtype=float) if mixed is None else mixed
    lines[f"Benchmark: {b.name}"] = ("benchmark", bench)
    for alt in b.alternatives:
        g = _mix_growth(prices, alt.weights)
        if g is not None:
            lines[alt.name] = ("alternative", g)
    # a common monthly grid: months every line has
    common = None
    for _, (_, s) in lines.items():
        idx = s.index
        common = idx if common is None else common.intersection(idx)
    assert common is not None
    common = common.sort_values()
    rows = []
    growth: dict[str, list[float | None]] = {}
    rebased: dict[str, pd.Series] = {}
    for name, (kind, s) in lines.items():
        if len(common) < 2:
            break
        g = s.reindex(common)
        g = g / g.iloc[0]
        rebased[name] = g
        growth[name] = _floats(g.to_numpy(), 6)
        rows.append({"name": name, "kind": kind, **_trailing(g)})
    excess: dict[str, float | None] = {}
    by_years: dict[int, float] = {}
    if len(rows) >= 2:
        v, bm = rows[0]["returns"], rows[1]["returns"]
        for key, years in WINDOWS:
            if v[key] is None or bm[key] is None:
                excess[key] = None
                continue
            excess[key] = float(v[key] - bm[key])
            if years is not None:
                by_years[years] = excess[key]  # type: ignore[assignment]
        # any trailing years the policy asks for (underperformance_years)
        n = policy.monitoring.underperformance_years
        if n not in by_years:
            tr = _trailing(rebased[name_with], (("n", n),))["returns"]["n"]
            tb = _trailing(list(rebased.values())[1], (("n", n),))["returns"]["n"]
            if tr is not None and tb is not None:
                by_years[n] = float(tr - tb)
    months = [p.to_timestamp(how="end").strftime("%Y-%m-%d") for p in common]
    section = {
        "period": {"start": months[0] if months else None, "end": months[-1] if months else None},
        "trailing": rows,
        "excess": excess,
        "growth": {"dates": months, "lines": growth},
        "sources": {
            "vehicle": "NAV per unit of the recorded daily strikes (altsleeve strike), month "
            "ends; net of the vehicle's bp layers and of the private funds' fees (GP NAVs are net)",
            "benchmark": (
                "the same strikes with the private sleeve's weight held in its funding sleeves "
                f"({b.funding}) at the day's glide-path weights: r_without = r_with - "
                "w_private (r_private - r_funding), daily (altsleeve.workflows.evidence."
                "without_sleeve_returns)"
                if b.kind == "glide_without_sleeve"
                else "an index mix rebalanced monthly, before index-fund fees"
            ),
            "alternatives": "index mixes of the ledger's series named by the policy, rebalanced "
            "monthly, before index-fund fees of a few bp; a total-return series against a price "
            "index sleeve (such as the S&P 500 price index, no dividends, about 2% a year less) "
            "is not like for like",
            "window": "months every line has, as known on the as-of date",
        },
    }
    return section, by_years


def pme_index(
    ledger: Ledger,
    vehicle: Vehicle,
    book: Any,
    as_of: dt.date,
    *,
    recorded_at: dt.datetime | None = None,
) -> tuple[str | None, pd.Series | None, list[str]]:
    """The equity index the private book's PME is measured against, and why.

    The first of the long equity history (:data:`altsleeve.marketdata.LONG_HISTORY`, the
    Fama-French market total return) and the vehicle's equity sleeves' series (by asset type)
    whose levels known on ``as_of`` cover every cash flow
    (:func:`altsleeve.workflows.performance.check_index_covers`): the long history for a book it
    covers, the book's own equity index for one that starts after it ends (2018). Returns the
    series id (``None`` when none covers), its levels and one line per series passed over.
    """
    from altsleeve.workflows.performance import (
        check_index_covers,
        index_from_ledger,
    )

    candidates = [long_history("equity").series_id]
    candidates += [str(s.series) for s in vehicle.sleeves_of("equity") if s.series]
    passed: list[str] = []
    for sid in dict.fromkeys(candidates):
        try:
            levels = index_from_ledger(ledger, sid, as_of, recorded_at=recorded_at)
            check_index_covers(book.cashflows, levels, sid, "the private book")
        except InputError as exc:
            first = exc.problems[0].message if exc.problems else str(exc)
            passed.append(f"{sid}: {first}")
            continue
        return sid, levels, passed
    return None, None, passed


def private_book(
    ledger: Ledger,
    as_of: dt.date,
    vehicle: Vehicle,
    *,
    recorded_at: dt.datetime | None = None,
) -> dict[str, Any]:
    """Pooled IRR, TVPI, DPI, RVPI and KS-PME of the ledger's book as known on ``as_of``.

    The PME's index is :func:`pme_index`'s. ``recorded_at``: the recorded-time cutoff (UTC) of
    the reads (default: none).
    """
    from altsleeve.performance import performance_table, pooled_cashflows
    from altsleeve.workflows.performance import cashflows_from_ledger

    book = cashflows_from_ledger(ledger, as_of, recorded_at=recorded_at)
    if book.cashflows.empty:
        return {"missing": "no cash flows known on the as-of date"}
    sid, index, passed = pme_index(ledger, vehicle, book, as_of, recorded_at=recorded_at)
    pooled = performance_table(pooled_cashflows(book.cashflows), index).iloc[0]
    out = {
        "irr": finite(pooled["irr"]),
        "tvpi": finite(pooled["tvpi"]),
        "dpi": finite(pooled["dpi"]),
        "rvpi": finite(pooled["rvpi"]),
        "ks_pme": finite(pooled["ks_pme"]),
        "paid_in": finite(pooled["pic"]),
        "distributed": finite(pooled["distributed"]),
        "nav": finite(pooled["nav"]),
        "holdings": int(book.cashflows["fund_id"].nunique()),
        "benchmark_series": sid,
        "left_out": list(book.left_out),
        "source": f"altsleeve perf --from-ledger --index-series {sid or 'NAME'} --as-of {as_of} "
        "(pooled row; XIRR ACT/365F)",
    }
    if passed:
        out["benchmark_passed_over"] = passed
    return out


def outcomes_section(
    vehicle: Vehicle,
    vehicle_label: str,
    params: Path | None,
    fee_stack: Path | None,
    as_of: dt.date,
    funding: str,
    paths: int,
    seed: int,
    progress: ProgressFn,
) -> dict[str, Any]:
    """Savers' real wealth at retirement with and without the sleeve (altsleeve outcomes)."""
    from altsleeve.workflows.outcomes import (
        load_inputs,
        prepare_inputs,
        result_json,
        simulate,
    )

    inputs = load_inputs(
        vehicle, params, fee_stack, pd.Timestamp(as_of), vehicle_label=vehicle_label
    )
    prep = prepare_inputs(inputs, seed, funding)
    result = simulate(prep, paths, workers=0, progress=progress)
    full = result_json(inputs, prep, result, n_paths=paths, seed=seed, funding=funding)
    cohorts = []
    for i, c in enumerate(full["cohorts"]):
        w = result.wealth[i]
        without, with_ = w[0], w[1]
        lo, hi = np.quantile(np.concatenate([without, with_]), [0.005, 0.995])
        edges = np.linspace(lo, hi, 41)
        h0 = np.histogram(np.clip(without, lo, hi), bins=edges)[0]
        h1 = np.histogram(np.clip(with_, lo, hi), bins=edges)[0]

        def pick(d: Mapping[str, Any]) -> dict[str, float | None]:
            keys = ("p5", "p25", "p50", "p75", "p95", "mean")
            return {k: finite(d.get(k)) for k in keys}

        ce = next(
            (x for x in c["certainty_equivalent"] if x["risk_aversion"] == 3.0),
            c["certainty_equivalent"][0] if c["certainty_equivalent"] else None,
        )
        cohorts.append(
            {
                "label": f"{c['cohort']}, ${c['salary_today']:,.0f}",
                "age": c["age"],
                "wealth_without": pick(c["wealth"]["without"]),
                "wealth_with": pick(c["wealth"]["with"]),
                "replacement_without": pick(c["replacement_ratio"]["without"]),
                "replacement_with": pick(c["replacement_ratio"]["with"]),
                "p_better": c["p_better_off"],
                "p_worse": c["p_worse_off"],
                "ce_difference": None if ce is None else ce["relative"],
                "ce_risk_aversion": None if ce is None else ce["risk_aversion"],
                "histogram": {
                    "edges": _floats(edges, 2),
                    "without": [int(x) for x in h0],
                    "with": [int(x) for x in h1],
                },
            }
        )
    s = full["settings"]
    sleeve = full["sleeve"]
    return {
        "paths": paths,
        "seed": seed,
        "funding": funding,
        "history": f"{s['history_first']}..{s['history_last']} ({s['history_months']} months)",
        "note": full["note"],
        "cohorts": cohorts,
        "sleeve_return": {
            "gross": sleeve["gross_return"]["p50"],
            "net": sleeve["net_return"]["p50"],
        },
        "source": f"altsleeve outcomes --vehicle FILE --as-of {as_of} --paths {paths} "
        f"--seed {seed} --funding {funding} (FILE: {vehicle_label})",
    }


# -- fees -------------------------------------------------------------------------------------
def fees_section(
    vehicle: Vehicle,
    stack: FeeStack,
    as_of: dt.date,
    ff_last: pd.Timestamp | None,
) -> dict[str, Any]:
    """The fee stack gross to net, the layers' bp, the waterfall and the break-even.

    The break-even asks the sleeve's question, the same as ``altsleeve fees breakeven`` by
    default and whatever the policy's benchmark: against the same vehicle without the sleeve,
    which pays the base vehicle layers too, so only the private layers and the vehicle layers'
    incremental part are to be earned back (:func:`altsleeve.fees.breakeven_report`). The
    vehicle-level comparison with an index target-date fund is its own line
    (``breakeven.vehicle_vs_index_tdf``).
    """
    rep = fee_stack_report(vehicle, stack)
    s = rep["sleeve"]
    layers = s["layers"]
    last = 201811 if ff_last is None else ff_last.year * 100 + ff_last.month
    bench = benchmark_return(1.0, 192701, min(last, 201811))
    be = breakeven_report(vehicle, stack, benchmark=bench.value)
    private_bp = sum(x["bp_per_year"] or 0.0 for x in layers if x["level"] != "vehicle")
    vehicle_bp = float(sum(f.bp_per_year for f in vehicle.fees))
    waterfall: list[dict[str, Any]] = [
        {"label": "Gross IRR", "value": s["gross_irr"], "kind": "total"}
    ]
    prev = s["gross_irr"]
    for x in layers:
        after = x["irr_after"]
        waterfall.append(
            {
                "label": f"{x['level']} {x['name']}",
                "value": None if after is None or prev is None else after - prev,
                "kind": "step",
            }
        )
        prev = after
    waterfall.append({"label": "Net to participants", "value": s["net_irr"], "kind": "total"})
    rows = be["rows"]
    final = rows[-1] if rows else {}
    return {
        "stack_name": rep["stack"],
        "gross_irr": s["gross_irr"],
        "net_irr": s["net_irr"],
        "total_drag_bp": s["total_drag_bp"],
        "layers": [
            {
                k: x.get(k)
                for k in ("key", "level", "name", "basis", "rate", "bp_per_year", "drag_bp")
            }
            for x in layers
        ],
        "private_layers_bp": private_bp,
        "vehicle_bp": vehicle_bp,
        "waterfall": waterfall,
        "breakeven": {
            "benchmark_return": bench.value,
            "benchmark_text": f"Fama-French US market total return {bench.first}..{bench.last} "
            f"as known on {as_of}",
            "private_weight": be["private_weight"],
            "required_gross_excess_bp": final.get("excess_bp"),
            "required_gross_return": final.get("required_gross"),
            "alternative": be["alternative"],
            "vehicle_vs_index_tdf": {
                "excess_bp": be["vehicle_vs_index_tdf"]["excess_bp"],
                "required_gross_return": be["vehicle_vs_index_tdf"]["required_gross"],
                "text": be["vehicle_vs_index_tdf"]["text"],
            },
            "rows": [
                {
                    "label": f"{r['level']} {r['name']}",
                    "excess_bp": r["excess_bp"],
                    "increment_bp": r["increment_bp"],
                    "required_gross": r["required_gross"],
                }
                for r in rows
            ],
        },
        "assumptions": rep["assumptions"]["case"],
        "sources": {
            "stack": f"altsleeve fees stack --vehicle ... --fee-stack ... (representative case, "
            f"{100 * rep['assumptions']['gross_return']:.0f}% gross a year, "
            f"{rep['assumptions']['horizon_years']} years)",
            "breakeven": "altsleeve fees breakeven (cumulative per layer; against the same "
            "vehicle without the sleeve; the benchmark's return from the Fama-French market known "
            "on the as-of date)",
        },
    }


# -- liquidity --------------------------------------------------------------------------------
def liquidity_section(
    ledger: Ledger,
    vehicle: Vehicle,
    policy: Policy,
    day: dt.date,
    as_of: dt.date,
    progress: ProgressFn,
    *,
    recorded_at: dt.datetime | None = None,
) -> tuple[dict[str, Any], list[StressFigures], dict[str, str]]:
    """The Rule 22e-4 profile on the last strike and the policy's stress scenarios.

    ``recorded_at``: the recorded-time cutoff (UTC) of every read (the report's
    ``--recorded-by``; default: none).

    A replay scenario runs its window's real markets and the book's flows with the private book
    scaled to its share of net assets on ``day`` (``altsleeve stress --private-share S``): the
    committee's question is whether the vehicle as it stands would get through that market. A
    projection scenario starts from the book as known on ``day`` itself.
    """
    from altsleeve.liquidity import Design, load_scenario, run_stress
    from altsleeve.workflows.liquidity import profile_from_ledger
    from altsleeve.workflows.stress import prepare

    progress("liquidity profile", 0, 1)
    prof = profile_from_ledger(
        ledger,
        vehicle,
        day,
        highly_liquid_min=policy.liquidity.highly_liquid_min,
        recorded_at=recorded_at,
    ).to_dict()
    na = float(prof["net_assets"])
    buckets = [
        {"bucket": str(b.get("bucket")), "dollars": b.get("dollars"), "share": b.get("share")}
        for b in prof["buckets"]
    ]
    coverage = [
        {
            "horizon": str(c.get("horizon")),
            "liquid": c.get("liquid"),
            "needs": c.get("needs"),
            "ratio": c.get("ratio"),
        }
        for c in prof["coverage"]
    ]
    limits = prof["limits"]
    stress_rows = []
    figures: list[StressFigures] = []
    missing: dict[str, str] = {}
    for k, sid in enumerate(policy.liquidity.stress_scenarios, start=1):
        progress(f"stress replay {sid}", k, len(policy.liquidity.stress_scenarios) + 1)
        try:
            sc = load_scenario(sid)
        except (InputError, ValueError, KeyError) as exc:
            missing[sid] = f"unknown scenario: {exc}"
            continue
        base = sc.base
        if base.kind == "replay":
            assert base.end is not None
            if base.end > as_of:
                missing[sid] = f"its window ends {base.end}, after the as-of date {as_of}"
                continue
        else:
            sc = sc.model_copy(update={"base": base.model_copy(update={"as_of": day})})
        run_ = prepare(ledger, vehicle, [sc], recorded_at=recorded_at)
        if base.kind == "replay":
            share = round(float(prof["limits"]["private_share"]), 4)
            design = Design(vehicle, private_share=share)
            how = f"the private book scaled to {share:.2%} of net assets, its share on {day}"
        else:
            share, design, how = None, Design(vehicle), f"the book as known on {day}"
        res = run_stress(design, run_.paths[sc.id], sc)
        sm = res.summary
        daily = res.daily
        step = max(1, len(daily) // 260)
        d = daily.iloc[::step]
        stress_rows.append(
            {
                "scenario": sid,
                "name": sc.scenario.title or sid,
                "path_label": run_.paths[sc.id].label,
                "design": how,
                "design_private_share": share,
                **{
                    k2: _clean(sm.get(k2))
                    for k2 in (
                        "first_day",
                        "last_day",
                        "survives",
                        "shortfall_max",
                        "shortfall_days",
                        "days_above_cap",
                        "private_share_start",
                        "private_share_peak",
                        "private_share_peak_date",
                        "cash_share_min",
                        "max_drawdown",
                        "forced_liquid_sales",
                        "stayers_cost",
                        "calls",
                        "distributions",
                        "redemptions",
                    )
                },
                "path": {
                    "dates": _iso(d["date"]),
                    "private_share": _floats(d["private_share"], 6),
                    "cash_share": _floats(d["cash_share"], 6),
                    "nav_per_unit": _floats(d["nav_per_unit"], 6),
                },
            }
        )
        figures.append(
            StressFigures(
                scenario=sid,
                shortfall=float(sm.get("shortfall_max") or 0.0),
                days_above_cap=int(sm.get("days_above_cap") or 0),
                private_share_peak=float(sm.get("private_share_peak") or 0.0),
            )
        )
    section = {
        "as_of": prof["day"],
        "net_assets": na,
        "highly_liquid_share": limits.get("highly_liquid_share"),
        "cash_share": None,  # the strike's weight_cash, filled in by gather
        "private_share": limits.get("private_share"),
        "buckets": buckets,
        "coverage": coverage,
        "assumptions": prof["assumptions"],
        "stress": stress_rows,
        "stress_missing": missing,
        "sources": {
            "profile": f"altsleeve liquidity --date {prof['day']} --highly-liquid-min "
            f"{policy.liquidity.highly_liquid_min:g} (strike of the day, book as known then)",
            "stress": "altsleeve stress --scenario ID --private-share S (replays: the private "
            "book scaled to its share on the day; real markets, SYNTHETIC private book)",
        },
    }
    return section, figures, missing


# -- valuation --------------------------------------------------------------------------------
def valuation_section(
    ledger: Ledger,
    snap: LedgerSnapshot,
    vehicle: Vehicle,
    policy: Policy,
    as_of: dt.date,
    cutoff: dt.datetime,
    years: int,
    progress: ProgressFn,
) -> tuple[dict[str, Any], list[TrueUp], dict[str, tuple[str, int]]]:
    """Valuation policy, back-test, the sleeve's NAV history with GP marks, true-ups, staleness."""
    from altsleeve.workflows.pit import inputs_from_ledger
    from altsleeve.workflows.samplebook import sample_book_flows
    from altsleeve.workflows.valuation import (
        make_valuers,
        run_backtest,
    )

    start = (pd.Timestamp(as_of) - pd.DateOffset(years=years)).date()
    inputs = inputs_from_ledger(ledger, recorded_at=cutoff)
    holdings = snap.holdings
    classes = holdings.set_index("holding_id")["asset_class"].astype(str)
    truth_frame = ledger.synthetic_truth(recorded_at=cutoff)
    truth = None
    if len(truth_frame):
        t = truth_frame[pd.to_datetime(truth_frame["date"]) <= pd.Timestamp(as_of)]
        truth = t[["holding_id", "date", "value"]]
    flows = sample_book_flows(ledger, recorded_at=cutoff)
    if flows is not None:
        flows = flows[flows.index <= pd.Timestamp(as_of)]
    # the three methods compared, and any other the policy names for a class (nowcast-ph)
    run = ["stale", "proxy", "nowcast"]
    for asset_class in sorted(set(classes)):
        m = str(policy.valuation.for_class(asset_class).method)
        if m not in run:
            run.append(m)
    valuers = make_valuers(run, appraisal=policy.valuation.appraisal)
    bt = run_backtest(
        inputs,
        valuers,
        start=start.isoformat(),
        end=as_of.isoformat(),
        truth=truth,
        flows=flows,
        progress=progress,
    )
    est = bt.estimates
    methods = []
    for m in run:
        r = (bt.report or {}).get(m)
        e = est[est["method"] == m]
        ups = e[e["new_statement"].astype(bool)]
        base = ups["value"] - ups["true_up"]
        size = (ups["true_up"] / base).where(base > 0)
        methods.append(
            {
                "method": m,
                "rmse": None if r is None else finite(r["overall"]["rmse"]),
                "mae": None if r is None else finite(r["overall"]["mae"]),
                "bias": None if r is None else finite(r["overall"]["bias"]),
                "coverage": None if r is None else finite(r.get("coverage")),
                "dilution_bp": None if r is None else finite(r.get("dilution_bp_per_year")),
                "trueup_mean_abs": finite(size.abs().mean()) if size.notna().any() else None,
                "trueups": int(size.notna().sum()),
            }
        )
    # the method the policy names per class gives the NAV history and the true-ups
    est = est.assign(asset_class=est["holding_id"].map(classes))
    chosen = est["asset_class"].map(lambda c: policy.valuation.for_class(str(c)).method)
    mine = est[est["method"] == chosen].copy()
    daily = mine.groupby("date")[["value", "lower", "upper"]].sum().sort_index()
    stale = est[est["method"] == "stale"].groupby("date")["value"].sum().reindex(daily.index)
    st = snap.statements
    st = st[pd.to_datetime(st["as_of"]) >= pd.Timestamp(start)]
    marks = st.groupby("as_of").agg(nav=("nav", "sum"), holdings=("holding_id", "nunique"))
    # a quarter's sum is shown only when every holding valued that day had reported for it
    active = mine[mine["value"] > 0].groupby("date")["holding_id"].nunique()
    need = active.reindex(pd.DatetimeIndex(marks.index), method="ffill").fillna(0).to_numpy()
    marks = marks[marks["holdings"].to_numpy() >= need]
    step = max(1, len(daily) // 400)
    dd = daily.iloc[::step]
    nav_history = {
        "dates": _iso(dd.index),
        "estimate": _floats(dd["value"], 2),
        "lower": _floats(dd["lower"], 2),
        "upper": _floats(dd["upper"], 2),
        "stale": _floats(stale.iloc[::step], 2),
        "gp_marks": [
            {"date": _iso([d])[0], "nav": float(n), "holdings": int(k)}
            for d, n, k in zip(marks.index, marks["nav"], marks["holdings"], strict=True)
        ],
    }
    ups = mine[mine["new_statement"].astype(bool)].copy()
    base = ups["value"] - ups["true_up"]
    ups = ups[base > 0].assign(size=ups["true_up"] / base[base > 0])
    ups = ups.sort_values(["date", "holding_id"])
    trueups = [
        TrueUp(str(h), str(c), pd.Timestamp(d).strftime("%Y-%m-%d"), float(s))
        for h, c, d, s in zip(
            ups["holding_id"], ups["asset_class"], ups["date"], ups["size"], strict=True
        )
    ]
    trueup_rows = [
        {
            **asdict(t),
            "statement_as_of": pd.Timestamp(a).strftime("%Y-%m-%d"),
            "review": abs(t.size) > policy.valuation.for_class(t.asset_class).trueup_review,
        }
        for t, a in zip(trueups, ups["last_mark_as_of"], strict=True)
    ]
    sizes = np.array([abs(t.size) for t in trueups])
    stats = {
        "count": len(trueups),
        "mean_abs": finite(sizes.mean()) if len(sizes) else None,
        "p90_abs": finite(np.quantile(sizes, 0.9)) if len(sizes) else None,
        "max_abs": finite(sizes.max()) if len(sizes) else None,
        "above_review": int(sum(r["review"] for r in trueup_rows)),
        "window": {"start": start.isoformat(), "end": as_of.isoformat()},
    }
    # staleness: holdings still held (a last estimate above zero) by their last statement
    last_value = mine[mine["date"] == mine["date"].max()].set_index("holding_id")["value"]
    latest = snap.statements.groupby("holding_id")["as_of"].max()
    staleness: dict[str, tuple[str, int]] = {}
    stale_rows = []
    for h, a in latest.items():
        if float(last_value.get(h, 0.0)) <= 0.0:
            continue
        cls = str(classes.get(h, ""))
        days = (pd.Timestamp(as_of) - pd.Timestamp(a)).days
        staleness[str(h)] = (cls, int(days))
        stale_rows.append(
            {
                "holding_id": str(h),
                "asset_class": cls,
                "last_statement": pd.Timestamp(a).strftime("%Y-%m-%d"),
                "days": int(days),
                "max_days": policy.valuation.for_class(cls).max_staleness_days,
            }
        )
    per_class = holdings.groupby("asset_class")["holding_id"].nunique()
    cls_rows = []
    for c, n in per_class.items():
        cv = policy.valuation.for_class(str(c))
        cls_rows.append(
            {
                "asset_class": str(c),
                "method": cv.method,
                "vehicle_method": {str(k): v for k, v in vehicle.private.valuation.items()}.get(
                    str(c), vehicle.private.default_valuation
                ),
                "max_staleness_days": cv.max_staleness_days,
                "trueup_review": cv.trueup_review,
                "holdings": int(n),
            }
        )
    recorded = ledger.as_known_on(as_of, recorded_at=cutoff, tables=("valuations",)).valuations
    testing = testing_section(
        mine, inputs, {v.method: v for v in valuers}, policy, as_of, cutoff, recorded
    )
    section = {
        "oversight": policy.valuation.oversight,
        "classes": cls_rows,
        "backtest": {
            "window": {"start": start.isoformat(), "end": as_of.isoformat()},
            "truth": (
                "scored against the sample book's SYNTHETIC true values (generated by a "
                "documented model driven by real index paths; no estimator reads them)"
                if truth is not None
                else None
            ),
            "methods": methods,
        },
        "nav_history": nav_history,
        "testing": testing,
        "trueups": trueup_rows,
        "trueup_stats": stats,
        "staleness": stale_rows,
        "sources": {
            "backtest": f"altsleeve nav backtest --start {start} --end {as_of} (each method "
            "strictly as known each business day)",
            "trueups": "the policy's method per class: the jump in a holding's daily value on "
            "the day a GP statement arrives, over the value before it",
            "nav_history": "sum over holdings of the daily estimate and its band (the bands "
            "are added, i.e. treated as fully correlated: a conservative band); GP marks: the "
            "sum of the statements known on the as-of date for each quarter end, shown where every "
            "holding valued that day had reported for it",
        },
    }
    return section, trueups, staleness


def testing_section(
    estimates: pd.DataFrame,
    inputs: Any,
    valuers: Mapping[str, Any],
    policy: Policy,
    as_of: dt.date,
    cutoff: dt.datetime,
    recorded: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The valuation testing of the quarter to ``as_of`` (``altsleeve valuation test``).

    ``estimates``: the policy's method per class, each day as known that day (the back-test's
    rows); ``inputs``: the valuation inputs recorded by ``cutoff`` (every statement version);
    ``recorded``: the ``valuations`` the ledger recorded (used where present, as the command does).
    Kept short: the summary, the bias tables, the open challenges, what failed and what changed;
    the full pack (every position and mark) is the command in ``source``.
    """
    from altsleeve.valuation._testing import period_bounds
    from altsleeve.workflows.valuation import testing_pack

    day = pd.Timestamp(as_of)
    start, end = period_bounds(day, "Q")
    pack = testing_pack(
        estimates,
        inputs.statements,
        inputs.holdings,
        valuers,
        policy,
        start=start,
        end=end,
        as_of=day,
        recorded_by=cutoff,
        recorded=recorded,
    ).to_dict()
    per_class: dict[str, int] = {}
    for r in pack["coverage"]:
        per_class[r["asset_class"]] = per_class.get(r["asset_class"], 0) + 1
    keep = (
        "holding_id",
        "asset_class",
        "mark_as_of",
        "known_on",
        "mark",
        "estimate",
        "lower",
        "upper",
        "log_error",
        "beyond_band",
        "status",
        "reason",
    )
    return {
        "period": pack["period"],
        "summary": pack["summary"],
        "positions_by_class": dict(sorted(per_class.items())),
        "bias_by_class": pack["bias_by_class"],
        "bias_by_days": pack["bias_by_days"],
        "challenges": [{k: c[k] for k in keep} for c in pack["challenges"]],
        "failures": pack["failures"],
        "changes": [
            {k: c[k] for k in ("asset_class", "method", "positions", "changed")}
            for c in pack["changes"]
        ],
        "source": f"altsleeve valuation test --as-of {as_of} --period Q --recorded-by "
        f"{cutoff.isoformat()} (the full pack: every position with its parameters, every mark)",
        "definitions": pack["definitions"],
    }


# -- the whole file ---------------------------------------------------------------------------
def _versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for pkg in (
        "altsleeve",
        "numpy",
        "pandas",
        "scipy",
        "duckdb",
        "arch",
        "pyxirr",
        "matplotlib",
        "jinja2",
        "weasyprint",
    ):
        try:
            out[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def report_command(inp: EvidenceInputs, cutoff: dt.datetime, out: str = "DIR") -> str:
    """The exact command that rebuilds the report's JSON from the same ledger and files."""
    parts = [
        "altsleeve report",
        f"--db {inp.db}",
        f"--vehicle {inp.vehicle}",
        f"--policy {inp.policy}",
        f"--as-of {inp.as_of.isoformat()}",
        f"--recorded-by {cutoff.isoformat()}",
    ]
    if inp.fee_stack is not None:
        parts.append(f"--fee-stack {inp.fee_stack}")
    if inp.outcome_params is not None:
        parts.append(f"--params {inp.outcome_params}")
    parts += [f"--paths {inp.paths}", f"--seed {inp.seed}", f"--out {out}"]
    return " ".join(parts)


def gather(ledger: Ledger, inp: EvidenceInputs, progress: ProgressFn = quiet) -> Evidence:
    """Every figure of the report, as known on ``inp.as_of``, and the policy's checks.

    Raises
    ------
    InputError
        Bad policy, vehicle or fee-stack files (file and key named), or a vehicle never struck
        on or before the as-of date.
    """
    policy = Policy.from_toml(inp.policy)
    stack_path = inp.fee_stack or sample_stack_path()
    stack = FeeStack.from_toml(stack_path)
    as_of = inp.as_of
    cutoff = _cutoff(ledger, inp.recorded_by)
    vid = inp.vehicle
    steps = 7

    progress("reading the ledger as known on the date", 0, steps)
    snap = ledger.as_known_on(as_of, recorded_at=cutoff)
    strikes = pit.strikes_through(snap.strikes, vid, as_of)
    if strikes.empty:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    f"vehicle {vid} has no strike on or before {as_of}: run "
                    f"`altsleeve strike --to {as_of}` first",
                    column="--as-of",
                )
            ]
        )
    definition = definition_on(ledger, vid, as_of, recorded_at=cutoff)
    vehicle = definition.vehicle
    vehicle_label = (
        f"{vid}'s registered definition effective {definition.effective}, version "
        f"{definition.version} (altsleeve vehicle show --vehicle {vid} --date {as_of})"
    )
    comp = _components(strikes)
    prices = _prices(snap.prices)
    day = pd.Timestamp(strikes["date"].iloc[-1]).date()
    policy_problems(ledger, vehicle, policy, inp.policy, comp, prices, recorded_at=cutoff)
    sources: dict[str, str] = {}
    missing: dict[str, str] = {}

    # allocation
    share = comp["weight_private"].astype(float)
    cap, target = policy.allocation.private_max, policy.allocation.private_target
    year_ago = pd.Timestamp(as_of) - pd.Timedelta(days=365)
    last_year = share[share.index > year_ago]
    days_above = int((last_year > cap).sum())
    step = max(1, len(share) // 1000)
    sh = share.iloc[::step]
    private_share = float(share.iloc[-1])
    allocation: dict[str, Any] = {
        "private_share": private_share,
        "date": day.isoformat(),
        "target": target,
        "cap": cap,
        "days_above_cap_trailing_year": days_above,
        "days_above_cap_all": int((share > cap).sum()),
        "days_struck": len(share),
        "history": {
            "dates": _iso(sh.index),
            "private_share": _floats(sh, 6),
            "cap": [cap] * len(sh),
            "target": _floats([_private_target(vehicle, d, target) for d in sh.index], 6),
        },
        "sources": {
            "private_share": f"strike of {day} (altsleeve strike; components.weight_private)",
            "days_above_cap": f"strikes {year_ago.date()}..{as_of} with weight_private > "
            f"{cap:g} (the policy's cap)",
        },
    }
    sources["private_share"] = allocation["sources"]["private_share"]
    sources["days_above_cap"] = allocation["sources"]["days_above_cap"]
    cash_share = float(comp["weight_cash"].iloc[-1]) if "weight_cash" in comp else None
    sources["cash_share"] = f"strike of {day} (components.weight_cash)"

    progress("performance with and without the sleeve", 1, steps)
    perf, excess_by_years = performance_section(comp, prices, vehicle, policy)
    perf["private_book"] = private_book(ledger, as_of, vehicle, recorded_at=cutoff)
    sources["sleeve_excess_return"] = perf["sources"]["benchmark"]

    progress("savers' outcomes", 2, steps)
    perf["outcomes"] = outcomes_section(
        vehicle,
        vehicle_label,
        inp.outcome_params,
        inp.fee_stack,
        as_of,
        policy.benchmark.funding,
        inp.paths,
        inp.seed,
        progress,
    )

    progress("fees gross to net and break-even", 3, steps)
    ff = long_history("equity").series_id
    ff_last = prices[ff].dropna().index[-1] if ff in prices else None
    fees = fees_section(vehicle, stack, as_of, ff_last)
    sources["private_layers_bp"] = fees["sources"]["stack"]
    sources["vehicle_bp"] = f"the [[fees]] layers of {vehicle_label}"
    sources["breakeven_bp"] = fees["sources"]["breakeven"]

    progress("liquidity profile and stress replays", 4, steps)
    liq, stress, stress_missing = liquidity_section(
        ledger, vehicle, policy, day, as_of, progress, recorded_at=cutoff
    )
    liq["cash_share"] = cash_share
    sources["highly_liquid_share"] = liq["sources"]["profile"]
    sources["coverage"] = liq["sources"]["profile"]
    sources["stress"] = liq["sources"]["stress"]
    for sid, why in stress_missing.items():
        missing[f"stress.{sid}"] = f"not run: {why}"

    progress("valuation back-test and true-ups", 5, steps)
    val, trueups, staleness = valuation_section(
        ledger, snap, vehicle, policy, as_of, cutoff, inp.trailing_valuation_years, progress
    )
    sources["trueups"] = val["sources"]["trueups"]
    if val.get("testing") is not None:
        sources["testing_failures"] = val["testing"]["source"]
    sources["staleness_days"] = f"the last GP statement known on {as_of} per holding still held"

    progress("checks and triggers", 6, steps)
    coverage = {
        str(c["horizon"]): float(c["ratio"]) for c in liq["coverage"] if c["ratio"] is not None
    }
    review_from = pd.Timestamp(as_of) - pd.DateOffset(months=policy.policy.review_every_months)
    recent = [t for t in trueups if pd.Timestamp(t.date) > review_from]
    sources["trueups"] += (
        f"; true-ups since the last review period began ({review_from.date()}: "
        f"review_every_months = {policy.policy.review_every_months})"
    )
    figures = Figures(
        as_of=as_of.isoformat(),
        private_share=private_share,
        days_above_cap=days_above,
        highly_liquid_share=finite(liq["highly_liquid_share"]),
        cash_share=cash_share,
        coverage=coverage,
        private_layers_bp=fees["private_layers_bp"],
        vehicle_bp=fees["vehicle_bp"],
        breakeven_bp=finite(fees["breakeven"]["required_gross_excess_bp"]),
        stress=stress,
        trueups=recent,
        staleness_days=staleness,
        sleeve_excess_return=excess_by_years,
        testing_failures=None if val.get("testing") is None else val["testing"]["failures"],
        sources=sources,
        missing=missing,
    )
    checks = evaluate(policy, figures)
    fired_by_key = triggers_by_key(policy, checks, figures)
    fired = [text for texts in fired_by_key.values() for text in texts]

    seq, head = _head(ledger, cutoff)
    counts = _complexity_counts(snap.tables, as_of, stack, len(fees["layers"]))
    book = ledger.synthetic_books(recorded_at=cutoff)
    synthetic = (
        "SYNTHETIC private funds: the sample book's funds, statements and cash flows are "
        "generated by a documented model driven by real index paths (docs/sample-book.md); "
        "public-market figures are real (arch data)."
        if len(book)
        else None
    )
    files = [
        ("policy", inp.policy),
        ("fee stack", Path(stack_path)),
    ]
    if inp.outcome_params is not None:
        files.append(("outcome parameters", inp.outcome_params))
    sc = status_counts(checks)
    payload: dict[str, Any] = {
        "schema": SCHEMA,
        "title": f"Fiduciary evidence file: {vehicle.vehicle.name}",
        "as_of": as_of.isoformat(),
        "recorded_by": cutoff.isoformat(),
        "synthetic_note": synthetic,
        "vehicle": {
            "id": vid,
            "name": vehicle.vehicle.name,
            "currency": vehicle.vehicle.currency,
            "inception": vehicle.vehicle.inception.isoformat(),
            "target_date": max(g.date for g in vehicle.glide_path).year,
            "private_target": target,
            "private_max": cap,
            "sleeves": [
                {
                    "id": s.id,
                    "kind": s.kind,
                    "series": s.series,
                    "days_to_cash": (
                        s.days_to_cash
                        if s.days_to_cash is not None
                        else {"cash": 0, "liquid": 1}.get(s.kind)
                    ),
                }
                for s in vehicle.sleeves
            ],
            "fees_bp": {f.name: f.bp_per_year for f in vehicle.fees},
        },
        "policy": {
            "name": policy.policy.name,
            "committee": policy.policy.committee,
            "adopted": policy.policy.adopted.isoformat(),
            "review_every_months": policy.policy.review_every_months,
            "path": str(inp.policy),
            "sha256": _sha256(inp.policy),
        },
        "summary": {
            "status_counts": sc,
            "triggers_fired": len(fired),
            "headlines": _headlines(allocation, perf, fees, liq, val, sc, fired),
        },
        "performance": perf,
        "fees": fees,
        "liquidity": liq,
        "valuation": val,
        "allocation": allocation,
        "benchmark": {
            "name": policy.benchmark.name,
            "kind": policy.benchmark.kind,
            "funding": policy.benchmark.funding,
            "weights": dict(policy.benchmark.weights),
            "rationale": policy.benchmark.rationale,
            "horizon_years": policy.benchmark.horizon_years,
            "alternatives": [
                {"name": a.name, "weights": dict(a.weights)} for a in policy.benchmark.alternatives
            ],
        },
        "complexity": {
            "roles": [{"who": w, "does": d, "engine": e} for w, d, e in ROLES],
            "automated": [{"step": s, "command": c, "manual": m} for s, c, m in AUTOMATED],
            "counts": counts,
        },
        "checks": [asdict(c) for c in checks],
        "triggers": _trigger_rows(fired_by_key),
        "appendix": {
            "command": report_command(inp, cutoff),
            "ledger": {
                "path": str(ledger.path),
                "known_on": as_of.isoformat(),
                "recorded_by": cutoff.isoformat(),
                "audit_seq": seq,
                "head_hash": head,
                "rows_known": {k: len(v) for k, v in snap.tables.items()},
            },
            "vehicle": definition.provenance(),
            "long_history": history_statement(
                (str(s.asset_type) for s in vehicle.sleeves if s.kind != "private"), private=True
            ),
            "inputs": [{"name": n, "path": str(p), "sha256": _sha256(Path(p))} for n, p in files],
            "software": _versions(),
            "data": _data_rows(prices, snap.tables.get("series", pd.DataFrame())),
            "notes": [
                "Every figure is computed from the ledger as known on the as-of date (facts "
                "with known_on <= as-of) and as recorded by recorded_by; rerunning the command "
                "above on the same ledger gives byte-identical JSON.",
                *(
                    [
                        "Private funds' true values are not public: the sample book is "
                        "SYNTHETIC, generated by a documented model driven by real index paths."
                    ]
                    if len(book)
                    else []
                ),
                "Outcome and fee figures are model results under stated assumptions, not "
                "forecasts.",
                "Models that need decades of history (the savers' outcomes, the fee "
                "break-even's benchmark, the pacing projection of calls) draw the shipped real "
                "series of each asset type (long_history above), not the vehicle's own series.",
            ],
        },
    }
    progress("evidence gathered", steps, steps)
    return Evidence(_clean(payload), checks, fired)


def _complexity_counts(
    tables: Mapping[str, pd.DataFrame], as_of: dt.date, stack: FeeStack, fee_layers: int
) -> dict[str, int]:
    year_ago = pd.Timestamp(as_of) - pd.Timedelta(days=365)
    st = tables.get("statements", pd.DataFrame())
    cf = tables.get("cashflows", pd.DataFrame())
    hold = tables.get("holdings", pd.DataFrame())
    recent_st = st[pd.to_datetime(st["known_on"]) > year_ago] if len(st) else st
    recent_cf = cf[pd.to_datetime(cf["date"]) > year_ago] if len(cf) else cf
    kinds = recent_cf["kind"].astype(str) if len(recent_cf) else pd.Series(dtype=str)
    return {
        "holdings": len(hold),
        "asset_classes": int(hold["asset_class"].nunique()) if len(hold) else 0,
        "gp_statements_last_year": len(recent_st),
        "capital_calls_last_year": int((kinds == "call").sum()),
        "distributions_last_year": int((kinds == "distribution").sum()),
        "private_funds_in_fee_stack": len(stack.funds),
        "fee_layers": fee_layers,
    }


def _data_rows(prices: pd.DataFrame, series: pd.DataFrame) -> list[dict[str, Any]]:
    """Each market series used: its range as known, its provenance (file and SHA-256)."""
    meta = series.set_index("series_id") if len(series) else pd.DataFrame()
    rows = []
    for c in sorted(prices.columns):
        s = prices[c].dropna()
        if s.empty:
            continue
        src = "n/a"
        if str(c) in meta.index:
            m = meta.loc[str(c)]
            sha = f"sha256 {str(m['file_sha256'])[:12]}..."
            if str(m.get("package") or "user") == "user":
                # a series registered by the user (altsleeve marketdata register)
                src = f"registered from {m['file_name']} ({sha}); source: {m['source']}"
            else:
                kind = "derived from" if str(m["source"]) == "derived" else "from"
                src = f"{kind} {m['package']} {m['package_version']} {m['file_name']} ({sha})"
        rows.append(
            {
                "series": str(c),
                "first": s.index[0].strftime("%Y-%m-%d"),
                "last": s.index[-1].strftime("%Y-%m-%d"),
                "points": len(s),
                "source": src,
            }
        )
    return rows


def _trigger_rows(fired: Mapping[str, Sequence[str]]) -> list[dict[str, Any]]:
    rows = []
    for key, title in TRIGGERS:
        hits = list(fired.get(key, ()))
        more = f" (and {len(hits) - 10} more: valuation.trueups)" if len(hits) > 10 else ""
        rows.append(
            {
                "key": key,
                "title": title,
                "fired": bool(hits),
                "count": len(hits),
                "detail": "; ".join(hits[:10]) + more if hits else "not fired",
            }
        )
    return rows


def _headlines(
    allocation: Mapping[str, Any],
    perf: Mapping[str, Any],
    fees: Mapping[str, Any],
    liq: Mapping[str, Any],
    val: Mapping[str, Any],
    counts: Mapping[str, int],
    fired: Sequence[str],
) -> list[str]:
    out = [
        f"Policy checks: {counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail, "
        f"{counts['info']} for the record; {len(fired)} monitoring trigger(s) fired.",
        f"Private share {allocation['private_share']:.2%} on {allocation['date']} against a "
        f"{allocation['cap']:.0%} cap; {allocation['days_above_cap_trailing_year']} day(s) above "
        "it in the trailing year.",
    ]
    ex = perf.get("excess", {})
    if ex.get("since_start") is not None:
        out.append(
            f"Net of every fee layer the vehicle returned {ex['since_start']:+.2%} a year against "
            f"the benchmark since {perf['period']['start']}."
        )
    be = fees["breakeven"]["required_gross_excess_bp"]
    if be is not None:
        out.append(
            f"Fees: the private layers cost {fees['private_layers_bp']:.0f} bp a year; the sleeve "
            f"must beat the market by {be:.0f} bp a year gross to break even."
        )
    if liq.get("highly_liquid_share") is not None:
        out.append(f"Highly liquid share {liq['highly_liquid_share']:.1%} of net assets.")
    st = val["trueup_stats"]
    if st["count"]:
        out.append(
            f"{st['count']} GP true-ups in {st['window']['start']}..{st['window']['end']}: mean "
            f"|size| {st['mean_abs']:.2%}, {st['above_review']} above the review threshold."
        )
    return out


# -- the use case of ``altsleeve report`` --------------------------------------------------------


class WrittenFiles(Protocol):
    """What a writer of the evidence file wrote (:class:`altsleeve.views.evidence.ReportFiles`)."""

    @property
    def html(self) -> Path:
        """The HTML file."""
        ...

    @property
    def json(self) -> Path:
        """The JSON file."""
        ...

    @property
    def pdf(self) -> Path | None:
        """The PDF file, if one was written."""
        ...

    @property
    def pdf_note(self) -> str | None:
        """Why no PDF was written, if none was."""
        ...


#: Writes the payload's documents into a folder (the views' ``write_report`` with its options).
EvidenceWriter = Callable[[dict[str, Any], Path], WrittenFiles]


@dataclass(frozen=True)
class EvidenceFiles:
    """The evidence file written for the committee, and its headline counts.

    Attributes
    ----------
    html, json : str
        The files written.
    pdf : str or None
        The PDF, where one was written; ``pdf_note`` says why not (else None).
    counts : dict
        Checks by status (``pass``, ``warn``, ``fail``, ``info``).
    triggers_fired : int
        Review triggers the policy fired.
    """

    html: str
    pdf: str | None
    json: str
    pdf_note: str | None
    counts: dict[str, int]
    triggers_fired: int

    def to_dict(self) -> dict[str, Any]:
        """What ``report --json`` prints."""
        return {
            "html": self.html,
            "pdf": self.pdf,
            "json": self.json,
            "pdf_note": self.pdf_note,
            "counts": self.counts,
            "triggers_fired": self.triggers_fired,
        }


def evidence_report(
    ledger: Ledger,
    inp: EvidenceInputs,
    out_dir: Path,
    write: EvidenceWriter,
    progress: ProgressFn = quiet,
) -> EvidenceFiles:
    """Gather the evidence as known on ``inp.as_of`` (:func:`gather`) and write it to ``out_dir``.

    ``write`` draws the documents (the views' ``write_report``); an unusable ``out_dir`` is
    refused before the minute of gathering, not after.

    Raises
    ------
    InputError
        When ``out_dir`` cannot be created or written (``--out``).
    """
    try:  # refuse an unusable --out before the minute of gathering, not after
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(out_dir), f"cannot write the report: {exc}", column="--out")]
        ) from None
    ev = gather(ledger, inp, progress)
    progress(f"writing the evidence file to {out_dir}", 0, 1)
    try:
        files = write(ev.payload, out_dir)
    except OSError as exc:
        raise InputError(
            [Problem(str(out_dir), f"cannot write the report: {exc}", column="--out")]
        ) from None
    progress(f"writing the evidence file to {out_dir}", 1, 1)
    return EvidenceFiles(
        html=str(files.html),
        pdf=None if files.pdf is None else str(files.pdf),
        json=str(files.json),
        pdf_note=files.pdf_note,
        counts=ev.payload["summary"]["status_counts"],
        triggers_fired=ev.payload["summary"]["triggers_fired"],
    )


__all__ = [
    "AUTOMATED",
    "ROLES",
    "SCHEMA",
    "Evidence",
    "EvidenceFiles",
    "EvidenceInputs",
    "EvidenceWriter",
    "WrittenFiles",
    "evidence_report",
    "fees_section",
    "gather",
    "liquidity_section",
    "outcomes_section",
    "performance_section",
    "private_book",
    "report_command",
    "valuation_section",
    "without_sleeve_returns",
]
