"""Daily valuation against the ledger: backtests, recorded estimates and the testing pack.

Owns the ledger-bound use cases of :mod:`altsleeve.valuation`: assembling its inputs from the
ledger or from files (validated with ingest's rules), the backtest of every method strictly as of
each business day, writing daily estimates (versioned), and the Rule 2a-5-style testing pack with
its recorded price challenges. Must not hold model logic (that lives in :mod:`altsleeve.valuation`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.common.jsonvalues import plain
from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.domain import AssetClass
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import (
    FORMATS,
    AppendResult,
    FileFormat,
    Ledger,
    LedgerKnowledge,
    RawTable,
    read_table_file,
    validate,
)
from altsleeve.ledger._validate import FieldSpec, _enum
from altsleeve.valuation import (
    METHODS,
    HoldingNowcastValuer,
    NowcastValuer,
    ProxyValuer,
    ValuationInputs,
    Valuer,
    make_inputs,
)
from altsleeve.valuation._metrics import backtest_report, report_table
from altsleeve.workflows.fund import VALUATION_SCOPE
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.samplebook import default_flows, sample_book_flows

#: File format of ``--holdings`` for a backtest: only these columns are read.
VALUATION_HOLDINGS = FileFormat(
    kind="valuation holdings",
    table="holdings",
    fields=(
        FieldSpec("holding_id", "id"),
        _enum("asset_class", AssetClass),
        FieldSpec("proxy", "id"),
        FieldSpec("commitment", "amount", required=False, default="0"),
    ),
    key=("holding_id",),
    ignore_unknown=True,
)

#: File format of a backtest's ``--statements``: a restatement is a row with the same as-of date
#: and a later known-on date (it becomes the next version).
VALUATION_STATEMENTS = dataclasses.replace(
    FORMATS["statements"], kind="valuation statements", key=("holding_id", "as_of", "known_on")
)

#: File format of ``--truth``: a holding's true value per day (synthetic books only).
TRUTH_FORMAT = FileFormat(
    kind="truth",
    table="synthetic_truth",
    fields=(
        FieldSpec("holding_id", "id"),
        FieldSpec("date", "date"),
        FieldSpec("value", "amount"),
    ),
    key=("holding_id", "date"),
)


def read_truth(path: str | Path) -> pd.DataFrame:
    """Read a ``--truth`` file (``holding_id, date, value``), validated like an ingest file."""
    checked = validate(TRUTH_FORMAT, read_table_file(path))
    return checked.frame


def inputs_from_files(
    holdings: str | Path,
    statements: str | Path,
    cashflows: str | Path,
    proxies: str | Path,
) -> ValuationInputs:
    """Assemble inputs from files, each validated with the ingest rules and messages.

    ``holdings`` needs ``holding_id, asset_class, proxy`` (``commitment`` optional; other columns
    are ignored); ``statements`` is ``holding_id, as_of, known_on, nav``, where a row repeating an
    as-of date with a later ``known_on`` is a restatement (the next version); ``cashflows`` and
    ``proxies`` use the ingest formats of ``cashflows`` and ``prices``. Statements and cash flows
    must name a holding of the holdings file; each holding's proxy must be a series of the proxies
    file.

    Raises
    ------
    InputError
        Every problem of every file (file, row, column).
    """
    problems: list[Problem] = []
    raws = {}
    for name, path in (
        ("proxies", proxies),
        ("holdings", holdings),
        ("statements", statements),
        ("cashflows", cashflows),
    ):
        try:
            raws[name] = read_table_file(path)
        except InputError as exc:
            problems += exc.problems
    # References are checked against every id the other file names, valid row or not, so that
    # one bad row never hides another file's problems.
    series = _column_values(raws.get("proxies"), "series")
    ids = _column_values(raws.get("holdings"), "holding_id")
    where_h = f"add it to the holdings file ({holdings})"
    where_s = f"add it to the proxies file ({proxies})"
    frames: dict[str, pd.DataFrame] = {}
    checks: tuple[tuple[str, FileFormat, LedgerKnowledge | None], ...] = (
        ("proxies", FORMATS["prices"], None),
        (
            "holdings",
            VALUATION_HOLDINGS,
            LedgerKnowledge(series=series, series_hint=where_s) if series is not None else None,
        ),
        (
            "statements",
            VALUATION_STATEMENTS,
            LedgerKnowledge(holdings=ids, holdings_hint=where_h) if ids is not None else None,
        ),
        (
            "cashflows",
            FORMATS["cashflows"],
            LedgerKnowledge(holdings=ids, holdings_hint=where_h) if ids is not None else None,
        ),
    )
    for name, fmt, knowledge in checks:
        if name not in raws:
            continue
        try:
            frames[name] = validate(fmt, raws[name], knowledge).frame
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    st = frames["statements"].sort_values(["holding_id", "as_of", "known_on"])
    st["version"] = st.groupby(["holding_id", "as_of"]).cumcount() + 1
    levels = {
        str(sid): pd.Series(g["level"].to_numpy(float), index=pd.DatetimeIndex(g["date"]))
        for sid, g in frames["proxies"].groupby("series_id")
    }
    return make_inputs(frames["holdings"], st, frames["cashflows"], levels)


def _column_values(raw: RawTable | None, column: str) -> frozenset[str] | None:
    """Every non-blank value of a column of a file as read (None without the file or column)."""
    if raw is None or column not in raw.header:
        return None
    i = raw.header.index(column)
    return frozenset(r[i] for r in raw.rows if r[i])


#: The nowcast's appraisal models (``NowcastValuer(appraisal=...)``; docs/valuation.md).
APPRAISALS: tuple[str, ...] = ("geltner", "moving_average", "auto")


def make_valuers(
    methods: Iterable[str], proxy_beta: str = "1.0", appraisal: str = "geltner"
) -> list[Valuer]:
    """Estimators by name; ``proxy_beta`` is a number or ``estimate``.

    ``appraisal`` is the nowcasts' model of the GP's smoothing (``geltner``, ``moving_average``
    or ``auto``), for ``nowcast`` and ``nowcast-ph``; an unknown one is refused naming
    ``--appraisal``.
    """
    if appraisal not in APPRAISALS:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"unknown appraisal {appraisal!r}; expected {', '.join(APPRAISALS)}",
                    column="--appraisal",
                )
            ]
        )
    out: list[Valuer] = []
    for m in methods:
        if m == "proxy":
            beta: float | str = "estimate" if proxy_beta == "estimate" else float(proxy_beta)
            out.append(ProxyValuer(beta=beta))
        elif m == "nowcast":
            out.append(NowcastValuer(appraisal=appraisal))
        elif m == "nowcast-ph":
            out.append(HoldingNowcastValuer(appraisal=appraisal))
        elif m in METHODS:
            out.append(METHODS[m]())
        else:
            raise InputError(
                [
                    Problem(
                        "<args>",
                        f"unknown method {m!r}; expected {', '.join(METHODS)}",
                        column="--method",
                    )
                ]
            )
    return out


@dataclass(frozen=True)
class BacktestResult:
    """Estimates of every method, and their scores when a truth was given."""

    estimates: pd.DataFrame
    report: dict[str, dict[str, Any]] | None
    table: pd.DataFrame | None


def run_backtest(
    inputs: ValuationInputs,
    valuers: Iterable[Valuer],
    *,
    start: str | None = None,
    end: str | None = None,
    truth: pd.DataFrame | None = None,
    flows: pd.Series | None = None,
    progress: ProgressFn = quiet,
) -> BacktestResult:
    """Run every estimator strictly as of each business day; score against a truth if given."""
    vals = list(valuers)
    frames = []
    for i, v in enumerate(vals):
        progress(f"backtest: {v.method}", i, len(vals))
        frames.append(v.fit(inputs).estimate(start, end))
    progress("backtest: estimates done", len(vals), len(vals))
    estimates = pd.concat(frames, ignore_index=True)
    if truth is None:
        return BacktestResult(estimates, None, None)
    progress("scoring against the truth", 0, 1)
    if flows is None:
        flows = default_flows(pd.DatetimeIndex(estimates["date"].unique()).sort_values())
    commitment = inputs.holdings.set_index("holding_id")["commitment"]
    report = backtest_report(estimates, truth, flows=flows, commitment=commitment)
    progress("scored", 1, 1)
    return BacktestResult(estimates, report, report_table(report))


def _holding_params_json(valuer: NowcastValuer, asset_class: str, hid: str, day: Any) -> str:
    """A per-holding nowcast's parameters of one holding on a day, as recorded in ``params``."""
    p = method_params(valuer, asset_class, day, hid)
    keep = ("a", "alpha", "beta", "sigma", "noise", "n_obs", "sd_alpha", "sd_beta", "fallback")
    return json.dumps({k: p[k] for k in keep if k in p}, sort_keys=True)


def _params_json(valuer: Valuer, asset_class: str, day: pd.Timestamp) -> str:
    if isinstance(valuer, NowcastValuer):
        p = valuer.params_on(asset_class, day)
        out: dict[str, Any] = {
            "a": p.a,
            "alpha": p.alpha,
            "beta": p.beta,
            "sigma": p.sigma,
            "noise": p.noise,
            "n_obs": p.n_obs,
        }
        if p.kernel is not None:  # a moving-average appraisal (Geltner's rows stay as they were)
            out["kernel"] = list(p.kernel)
        return json.dumps(out, sort_keys=True)
    if isinstance(valuer, ProxyValuer):
        return json.dumps({"beta": valuer.beta}, sort_keys=True, default=str)
    return "{}"


def _check_proxy_prices(
    ledger: Ledger, inputs: ValuationInputs, methods: list[str], start: str, end: str
) -> None:
    """Refuse to value a range in which a proxy the methods need has no level on a business day.

    The business days are the sessions of the registered vehicles' calendars (New York Stock
    Exchange when none is registered). A holding valued by ``proxy`` or ``nowcast`` moves with its
    proxy: on a day without the proxy's level it would be left out (or carried) in silence.
    """
    from altsleeve.fund import business_days
    from altsleeve.workflows.vehicles import definitions

    codes = {d.vehicle.vehicle.calendar for d in definitions(ledger)} or {"XNYS"}
    days = pd.DatetimeIndex([])
    for code in sorted(codes):
        days = days.union(business_days(code, start, end))
    if days.empty:
        raise InputError([Problem("<args>", f"no business day in {start}..{end}", column="--date")])
    if not set(methods) & {"proxy", "nowcast", "nowcast-ph"}:
        return
    problems: list[Problem] = []
    used = inputs.holdings.groupby("proxy")["holding_id"].apply(list)
    for sid, ids in used.items():
        ser = inputs.proxies.get(str(sid))
        have = pd.DatetimeIndex([]) if ser is None else pd.DatetimeIndex(ser.index)
        missing = days.difference(have)
        if len(missing):
            problems.append(
                Problem(
                    str(ledger.path),
                    f"no price for proxy {sid} on {missing[0].date()} ({len(missing)} business "
                    f"day(s) of {start}..{end} without one), which values {', '.join(ids)}: "
                    "ingest its prices first; nothing was valued",
                    column=str(sid),
                )
            )
    if problems:
        raise InputError(problems)


def write_valuations(
    ledger: Ledger,
    start: str,
    end: str,
    methods: Iterable[str] = ("nowcast",),
    *,
    recorded_at: dt.datetime | None = None,
    proxy_beta: str = "1.0",
    appraisal: str = "geltner",
    progress: ProgressFn = quiet,
) -> dict[str, AppendResult]:
    """Value every holding on every business day in ``[start, end]`` and record it.

    Each row carries its method, its parameters, the version of the mark it used and the ledger's
    recorded-time cutoff of its inputs (``inputs_recorded_at``), so that it can be reproduced
    with ``inputs_from_ledger(ledger, recorded_at=...)``. Recomputing a day after a restatement
    that was known on it records a new version; identical recomputations write nothing.
    """
    cutoff = recorded_at or ledger.inputs_recorded_at()
    inputs = inputs_from_ledger(ledger, recorded_at=cutoff)
    classes = inputs.holdings.set_index("holding_id")["asset_class"]
    results: dict[str, AppendResult] = {}
    vals = make_valuers(methods, proxy_beta, appraisal)
    _check_proxy_prices(ledger, inputs, [v.method for v in vals], start, end)
    with ledger.transaction():
        for i, v in enumerate(vals):
            progress(f"valuing with {v.method}", i, len(vals) + 1)
            est = v.fit(inputs).estimate(start, end)
            if est.empty:
                results[v.method] = AppendResult("valuations", 0, 0, 0, None)
                continue
            if isinstance(v, NowcastValuer) and v.per_holding:
                ph: dict[tuple[str, Any], str] = {}
                params = []
                for h, d in zip(est["holding_id"].astype(str), est["date"], strict=True):
                    hp = v.holding_params_on(h, d)
                    key = (h, hp.since if hp is not None else d)
                    if key not in ph:
                        ph[key] = _holding_params_json(v, str(classes[h]), h, d)
                    params.append(ph[key])
            else:
                keys = pd.DataFrame({"ac": est["holding_id"].map(classes), "date": est["date"]})
                uniq = keys.drop_duplicates()
                pj = {
                    (ac, d): _params_json(v, str(ac), pd.Timestamp(d))
                    for ac, d in zip(uniq["ac"], uniq["date"], strict=True)
                }
                params = [pj[(a, d)] for a, d in zip(keys["ac"], keys["date"], strict=True)]
            est = est.assign(
                known_on=est["date"], inputs_recorded_at=pd.Timestamp(cutoff), params=params
            )
            progress(f"recording {len(est):,} {v.method} values", i, len(vals) + 1)
            results[v.method] = ledger.append(
                "valuations",
                est,
                action="valuation",
                source=f"altsleeve value ({v.method})",
                restate=True,
                detail={
                    "method": v.method,
                    "from": start,
                    "to": end,
                    "inputs_recorded_at": str(cutoff),
                },
            )
        progress("values recorded", len(vals) + 1, len(vals) + 1)
    return results


# -- valuation testing (SEC Rule 2a-5 style) ----------------------------------------------------
#: Nominal coverage of the estimators' bands (``altsleeve.valuation`` default).
BAND_COVERAGE = 0.90
#: Least number of marks at arrival before a class's band coverage or bias can fail.
MIN_TESTED = 5


def method_params(
    valuer: Valuer, asset_class: str, day: Any, holding_id: str | None = None
) -> dict[str, Any]:
    """The parameters a method used for an asset class (or one holding) on a day (plain values).

    ``nowcast``: the fitted state-space parameters in force (smoothing weight ``a``, ``alpha``,
    ``beta``, idiosyncratic ``sigma``, appraisal ``noise``, reported returns used ``n_obs``, the
    refit schedule) and the class prior they are shrunk to; ``proxy``: its beta; ``stale``: none.
    ``nowcast-ph`` (per holding), given ``holding_id`` and after the valuer's ``estimate``
    covered the holding and the day: the holding's own ``a``, ``alpha``, ``beta``, ``sigma`` and
    the spreads ``sd_alpha``, ``sd_beta`` of alpha and beta, the reported returns they rest on
    (``n_obs``), ``fallback`` (True: fewer than ``min_marks`` returns, the
    class's pooled fit was used), ``since`` (first day in force), the class's pooled fit they are
    shrunk to (``pooled``, with the cross-fund spreads ``alpha_dispersion``, ``beta_dispersion``)
    and the documented class ``prior``.
    """
    from altsleeve.valuation import class_prior

    if isinstance(valuer, NowcastValuer):
        p = valuer.params_on(asset_class, pd.Timestamp(day))
        pr = class_prior(asset_class)
        prior = {
            "a": pr.smoothing_a,
            "alpha": pr.alpha,
            "beta": pr.beta,
            "sigma": pr.idio_vol,
            "noise": pr.appraisal_noise,
        }
        pooled = {
            "a": p.a,
            "alpha": p.alpha,
            "beta": p.beta,
            "sigma": p.sigma,
            "noise": p.noise,
            "n_obs": p.n_obs,
        }
        hp = valuer.holding_params_on(holding_id, day) if holding_id is not None else None
        if valuer.per_holding and hp is not None:
            return {
                "a": hp.a,
                "alpha": hp.alpha,
                "beta": hp.beta,
                "sigma": hp.sigma,
                "sd_alpha": hp.sd_alpha,
                "sd_beta": hp.sd_beta,
                "noise": p.noise,
                "n_obs": hp.n_obs,
                "fallback": not hp.own,
                "min_marks": valuer.min_marks,
                "since": str(hp.since.date()),
                "refit": valuer.refit,
                "pooled": {
                    **pooled,
                    "alpha_dispersion": valuer.alpha_dispersion,
                    "beta_dispersion": valuer.beta_dispersion,
                },
                "prior": prior,
            }
        out: dict[str, Any] = {**pooled, "refit": valuer.refit, "prior": prior}
        if valuer.per_holding:
            out["per_holding"] = True
        return out
    if isinstance(valuer, ProxyValuer):
        return {"beta": valuer.beta if isinstance(valuer.beta, str | int | float) else "mapping"}
    return {}


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for r in frame.to_dict("records"):
        out.append({str(k): (None if v is pd.NaT else v) for k, v in r.items()})
    return out


def _changes(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    keys = sorted(set(before) | set(after))
    return {
        k: {"from": before.get(k), "to": after.get(k)}
        for k in keys
        if k not in ("prior", "pooled", "since") and before.get(k) != after.get(k)
    }


@dataclass(frozen=True)
class ValuationTestResult:
    """The valuation testing pack of a period, as known on ``as_of`` (``altsleeve valuation test``).

    Attributes
    ----------
    coverage : DataFrame
        Every holding valued above zero on the as-of day, with method and parameters used.
    arrivals : DataFrame
        Every GP mark known in the period against the daily value on its as-of date
        (:func:`altsleeve.valuation._testing.arrival_backtest`).
    bias_by_class, bias_by_days : DataFrame
        Error statistics of the arrivals by asset class and by days since the anchor mark.
    challenges : DataFrame
        Marks outside the band or beyond their class's ``challenge_error``: status ``open``.
    failures : list of dict
        What failed: challenges, class biases beyond ``bias_limit``, band coverage below the
        nominal 90% by more than two binomial standard errors, holdings with a mark older than
        ``max_staleness_days``.
    changes : list of dict
        Per asset class, the method's parameters at the end of the previous period and now,
        and the holdings that entered or left the book.
    quarters : list of dict
        Per calendar quarter of the period: marks tested, bias, mean absolute error, share
        inside the band and challenges (one row for a quarter, four for a year).
    """

    as_of: dt.date
    start: dt.date
    end: dt.date
    previous_end: dt.date
    recorded_by: dt.datetime | None
    policy: str
    coverage: pd.DataFrame
    arrivals: pd.DataFrame
    bias_by_class: pd.DataFrame
    bias_by_days: pd.DataFrame
    challenges: pd.DataFrame
    failures: list[dict[str, Any]]
    changes: list[dict[str, Any]]
    quarters: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: dates ISO, NaN as ``None`` (:func:`altsleeve.common.jsonvalues.plain`)."""
        from altsleeve.common.jsonvalues import plain

        held = len(self.coverage)
        out: dict[str, Any] = plain(
            {
                "as_of": self.as_of,
                "period": {"start": self.start, "end": self.end},
                "previous_period_end": self.previous_end,
                "recorded_by": self.recorded_by,
                "policy": self.policy,
                "summary": {
                    "positions": held,
                    "value": float(self.coverage["value"].sum()) if held else 0.0,
                    "marks_tested": int(self.arrivals["log_error"].notna().sum()),
                    "marks_arrived": len(self.arrivals),
                    "challenges": len(self.challenges),
                    "failures": len(self.failures),
                    "bias": _overall(self.bias_by_class, "bias"),
                    "inside_band": _overall(self.bias_by_class, "inside_band"),
                    "band_coverage_nominal": BAND_COVERAGE,
                },
                "coverage": _records(self.coverage),
                "arrivals": _records(self.arrivals),
                "bias_by_class": _records(self.bias_by_class),
                "bias_by_days": _records(self.bias_by_days),
                "challenges": _records(self.challenges),
                "failures": self.failures,
                "changes": self.changes,
                "quarters": self.quarters,
                "definitions": TESTING_DEFINITIONS,
            }
        )
        return out


def _overall(table: pd.DataFrame, column: str) -> float | None:
    rows = table[table.iloc[:, 0] == "all"] if len(table) else table
    return None if rows.empty else float(rows[column].iloc[0])


#: How each figure of the pack is defined (carried into the JSON and the documents).
TESTING_DEFINITIONS: dict[str, str] = {
    "log_error": "ln(daily value on the mark's as-of date, as known that date / the GP mark); "
    "positive: the daily value overstated the mark. The daily value of a non-business as-of "
    "date is that of the last business day before it.",
    "days_since_mark": "the estimate's date minus the as-of date of the mark it rested on",
    "trueup_at_arrival": "the jump in the daily value on the first business day the mark was "
    "known, over the value before it",
    "challenge": "a mark outside the estimate's 90% band on its as-of date, or further than the "
    "policy's challenge_error of its class; open until the valuation committee resolves it",
    "bias_failure": "a class's mean log error over the period beyond the policy's bias_limit, "
    f"with at least {MIN_TESTED} marks",
    "band_failure": "a class's share of marks inside the band below 0.90 - 2 * sqrt(0.09 / n), "
    f"with at least {MIN_TESTED} marks",
    "stale_failure": "a holding held on the as-of date whose last known mark is older than the "
    "policy's max_staleness_days",
}


def _previous_end(start: pd.Timestamp, end: pd.Timestamp) -> pd.Timestamp:
    return start - pd.Timedelta(days=1)


_RECORDED = ("value", "lower", "upper", "last_mark", "last_mark_as_of")


def use_recorded(estimates: pd.DataFrame, recorded: pd.DataFrame | None) -> pd.DataFrame:
    """The estimates with each day's value and band replaced by the one recorded in the ledger.

    ``recorded``: ``valuations`` rows (``altsleeve value``) as known on the as-of date and
    recorded by the cutoff; a (holding, date, method) recorded there is what was struck that day
    and is used (``source = "recorded"``), the others stay as computed point in time
    (``source = "computed"``).
    """
    est = estimates.assign(
        date=pd.to_datetime(estimates["date"]).astype("datetime64[ns]"), source="computed"
    )
    if recorded is None or recorded.empty:
        return est
    keys = ["holding_id", "date", "method"]
    rec = recorded[[*keys, *_RECORDED]].assign(
        date=pd.to_datetime(recorded["date"]).astype("datetime64[ns]"),
        last_mark_as_of=pd.to_datetime(recorded["last_mark_as_of"]).astype("datetime64[ns]"),
    )
    rec = rec.drop_duplicates(keys, keep="last")
    merged = est.merge(rec, on=keys, how="left", suffixes=("", "_rec"))
    has = merged["value_rec"].notna().to_numpy()
    for c in _RECORDED:
        merged[c] = merged[c].where(~has, merged[f"{c}_rec"])
    merged["source"] = np.where(has, "recorded", "computed")
    return merged.drop(columns=[f"{c}_rec" for c in _RECORDED])


def policy_method(policy: Any, asset_class: str, per_holding: bool = False) -> str:
    """The method a class is valued with: the policy's (``nowcast-ph`` for ``nowcast``).

    ``per_holding`` (``altsleeve valuation test --per-holding``) swaps ``nowcast`` for
    ``nowcast-ph``; the other methods stay.
    """
    m = str(policy.valuation.for_class(asset_class).method)
    return "nowcast-ph" if per_holding and m == "nowcast" else m


def testing_pack(
    estimates: pd.DataFrame,
    statements: pd.DataFrame,
    holdings: pd.DataFrame,
    valuers: Mapping[str, Valuer],
    policy: Any,
    *,
    start: pd.Timestamp,
    end: pd.Timestamp,
    as_of: pd.Timestamp,
    recorded_by: dt.datetime | None = None,
    policy_label: str = "",
    recorded: pd.DataFrame | None = None,
    per_holding: bool = False,
) -> ValuationTestResult:
    """The pack from estimates already made (each class's policy method, point in time).

    ``estimates`` must cover every tested mark's as-of date, the day before ``start`` and
    ``as_of``; ``statements`` are every version known (later ones are ignored here);
    ``valuers`` maps method name to the fitted estimator that made the rows; ``policy`` is an
    :class:`altsleeve.report.Policy`; ``per_holding``: the policy's ``nowcast`` was run per
    holding (``nowcast-ph``, :func:`policy_method`).
    """
    from altsleeve.valuation._testing import (
        arrival_backtest,
        bias_table,
        coverage_table,
        price_challenges,
    )

    classes = holdings.set_index("holding_id")["asset_class"].astype(str)
    est = use_recorded(estimates[pd.to_datetime(estimates["date"]) <= as_of], recorded)
    prev_end = _previous_end(start, end)

    def on(day: pd.Timestamp) -> pd.DataFrame:
        e = est[pd.to_datetime(est["date"]) <= day]
        if e.empty:
            return e
        last = e.groupby("holding_id")["date"].transform("max")
        return e[e["date"] == last]

    def params_for(day: pd.Timestamp, ids: Iterable[str], rows: pd.DataFrame) -> dict[str, Any]:
        meth = rows.set_index("holding_id")["method"]
        return {
            h: method_params(valuers[str(meth[h])], str(classes[h]), day, str(h))
            for h in ids
            if str(meth[h]) in valuers
        }

    now = on(as_of)
    coverage = coverage_table(
        now, holdings, statements, params_for(as_of, now["holding_id"], now), as_of=as_of
    )
    arrivals = arrival_backtest(est, statements, holdings, start=start, end=end)
    by_class = bias_table(arrivals, "asset_class")
    by_days = bias_table(arrivals, "days_since_mark")
    limits = {str(c): policy.valuation.for_class(str(c)).challenge_error for c in set(classes)}
    challenges = price_challenges(arrivals, limits)
    failures: list[dict[str, Any]] = []
    for r in _records(challenges):
        failures.append(
            {
                "kind": "challenge",
                "subject": r["holding_id"],
                "asset_class": r["asset_class"],
                "detail": f"mark of {pd.Timestamp(r['mark_as_of']).date()} "
                f"(known {pd.Timestamp(r['known_on']).date()}): {r['reason']}",
            }
        )
    for r in _records(by_class):
        c = str(r["asset_class"])
        if c == "all" or r["n"] < MIN_TESTED:
            continue
        lim = policy.valuation.for_class(c).bias_limit
        if abs(float(r["bias"])) > lim:
            failures.append(
                {
                    "kind": "bias",
                    "subject": c,
                    "asset_class": c,
                    "detail": f"mean log error {float(r['bias']):+.1%} over {r['n']} marks, "
                    f"beyond the bias_limit {lim:.0%}",
                }
            )
        floor = BAND_COVERAGE - 2.0 * math.sqrt(BAND_COVERAGE * (1 - BAND_COVERAGE) / r["n"])
        if float(r["inside_band"]) < floor:
            failures.append(
                {
                    "kind": "band",
                    "subject": c,
                    "asset_class": c,
                    "detail": f"{float(r['inside_band']):.0%} of {r['n']} marks inside the 90% "
                    f"band (below {floor:.0%})",
                }
            )
    for r in _records(coverage):
        days = r["days_since_mark"]
        lim_days = policy.valuation.for_class(r["asset_class"]).max_staleness_days
        if days is not None and days > lim_days:
            failures.append(
                {
                    "kind": "stale",
                    "subject": r["holding_id"],
                    "asset_class": r["asset_class"],
                    "detail": f"last mark {days} days old on {pd.Timestamp(r['date']).date()} "
                    f"(max_staleness_days {lim_days})",
                }
            )
    before = on(prev_end)
    before = before[before["value"] > 0]
    changes: list[dict[str, Any]] = []
    held_now = set(coverage["holding_id"])
    held_before = set(before["holding_id"].astype(str))
    for c in sorted(set(classes)):
        method = policy_method(policy, c, per_holding)
        v = valuers.get(method)
        p_now = method_params(v, c, as_of) if v is not None else {}
        p_before = method_params(v, c, prev_end) if v is not None else {}
        ids = set(classes[classes == c].index.astype(str))
        changes.append(
            {
                "asset_class": c,
                "method": method,
                "params_before": p_before,
                "params_now": p_now,
                "changed": _changes(p_before, p_now),
                "entered": sorted((held_now - held_before) & ids),
                "left": sorted((held_before - held_now) & ids),
                "positions": len(held_now & ids),
            }
        )
    quarters = []
    if len(arrivals):
        q = pd.to_datetime(arrivals["known_on"]).dt.to_period("Q").astype(str)
        qc = (
            pd.to_datetime(challenges["known_on"]).dt.to_period("Q").astype(str)
            if len(challenges)
            else pd.Series(dtype=str)
        )
        for name in sorted(set(q)):
            a = arrivals[(q == name).to_numpy()]
            err = a["log_error"].dropna()
            quarters.append(
                {
                    "quarter": name,
                    "marks": len(a),
                    "tested": len(err),
                    "bias": float(err.mean()) if len(err) else None,
                    "mae": float(err.abs().mean()) if len(err) else None,
                    "inside_band": float(a.loc[err.index, "inside_band"].mean())
                    if len(err)
                    else None,
                    "challenges": int((qc == name).sum()),
                }
            )
    return ValuationTestResult(
        as_of=as_of.date(),
        start=start.date(),
        end=end.date(),
        previous_end=prev_end.date(),
        recorded_by=recorded_by,
        policy=policy_label,
        coverage=coverage,
        arrivals=arrivals,
        bias_by_class=by_class,
        bias_by_days=by_days,
        challenges=challenges,
        failures=failures,
        changes=changes,
        quarters=quarters,
    )


def valuation_test(
    ledger: Ledger,
    as_of: dt.date,
    period: str = "Q",
    *,
    policy: Path | None = None,
    recorded_at: dt.datetime | None = None,
    per_holding: bool = False,
    progress: ProgressFn = quiet,
) -> ValuationTestResult:
    """The valuation testing pack of ``period`` as known on ``as_of`` (and recorded by a time).

    Reads every fact with ``known_on <= as_of`` recorded by ``recorded_at`` (default: all),
    takes each day's value from the ledger's ``valuations`` where ``altsleeve value`` recorded it
    (:func:`use_recorded`), and otherwise values each holding with its class's policy method
    (``policy``: a policy TOML, default the shipped sample) on every business day from the
    oldest tested mark's as-of date to ``as_of``, each day as known that day, and assembles
    :func:`testing_pack`. Adding later facts to the ledger does not change the pack of an
    earlier ``as_of``. ``per_holding``: a class whose policy method is ``nowcast`` is valued with
    ``nowcast-ph`` (each holding's own parameters, reported per position in the coverage).
    """
    from altsleeve.report import Policy, sample_policy_path
    from altsleeve.valuation._testing import period_bounds

    ppath = policy or sample_policy_path()
    pol = Policy.from_toml(ppath)
    day = pd.Timestamp(as_of)
    try:
        start, end = period_bounds(day, period)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--period")]) from None
    progress("reading the ledger as known on the date", 0, 3)
    inputs = inputs_from_ledger(ledger, recorded_at=recorded_at).truncated(as_of)
    st = inputs.statements
    arriving = st[(st["known_on"] >= start) & (st["known_on"] <= end)]
    first = min(
        [_previous_end(start, end), *pd.to_datetime(arriving["as_of"]).tolist()]
    ) - pd.Timedelta(days=7)
    classes = inputs.holdings.set_index("holding_id")["asset_class"].astype(str)
    method_of = {str(h): policy_method(pol, c, per_holding) for h, c in classes.items()}
    valuers: dict[str, Valuer] = {}
    frames = []
    for i, m in enumerate(sorted(set(method_of.values()))):
        progress(f"valuing with {m}, each day as known that day", i + 1, 3)
        v = make_valuers([m], appraisal=pol.valuation.appraisal)[0]
        ids = sorted(h for h, mm in method_of.items() if mm == m)
        frames.append(v.fit(inputs).estimate(first, day, holdings=ids))
        valuers[m] = v
    est = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    recorded = ledger.as_known_on(as_of, recorded_at=recorded_at, tables=("valuations",)).valuations
    progress("testing the marks", 2, 3)
    res = testing_pack(
        est,
        st,
        inputs.holdings,
        valuers,
        pol,
        start=start,
        end=end,
        as_of=day,
        recorded_by=recorded_at,
        policy_label=str(ppath),
        recorded=recorded,
        per_holding=per_holding,
    )
    progress("testing done", 3, 3)
    return res


#: The ``exceptions`` kind of a price challenge.
CHALLENGE_KIND = "price_challenge"


def challenge_rows(result: ValuationTestResult, policy: Any) -> list[dict[str, Any]]:
    """The pack's challenges as ``exceptions`` rows (scope ``valuation``, status ``open``).

    One row per challenged mark: ``date`` and ``known_on`` the day the mark became known,
    ``subject`` ``HOLDING@MARK_AS_OF#vVERSION``, ``value`` the log error, ``threshold`` the
    class's ``challenge_error`` (null: the band alone), ``detail`` the evidence as JSON.
    """
    rows = []
    for c in _records(result.challenges):
        known = pd.Timestamp(c["known_on"]).date()
        evidence = {
            k: (str(pd.Timestamp(v).date()) if isinstance(v, pd.Timestamp) else v)
            for k, v in c.items()
            if k not in ("status",)
        }
        rows.append(
            {
                "scope": VALUATION_SCOPE,
                "date": known,
                "kind": CHALLENGE_KIND,
                "subject": f"{c['holding_id']}@{pd.Timestamp(c['mark_as_of']).date()}"
                f"#v{int(c['version'])}",
                "status": "open",
                "value": float(c["log_error"]),
                "threshold": policy.valuation.for_class(str(c["asset_class"])).challenge_error,
                "detail": json.dumps(
                    {**evidence, "message": str(c["reason"])},
                    sort_keys=True,
                    default=str,
                    allow_nan=False,
                ),
                "reason": "",
                "known_on": known,
            }
        )
    return rows


def record_challenges(
    ledger: Ledger, result: ValuationTestResult, policy: Path | None = None
) -> dict[str, int]:
    """Record the pack's challenges in the ledger's ``exceptions`` table, each once.

    A challenge already recorded (whatever its status since: ``exceptions accept`` resolves it
    with a reason) is left as it is; returns ``{"recorded": new rows, "already": skipped}``.
    """
    from altsleeve.report import Policy, sample_policy_path
    from altsleeve.workflows.fund import exceptions_table

    pol = Policy.from_toml(policy or sample_policy_path())
    rows = challenge_rows(result, pol)
    have = exceptions_table(ledger, (VALUATION_SCOPE,))
    seen = {
        (pd.Timestamp(d).date(), str(k), str(s))
        for d, k, s in zip(have["date"], have["kind"], have["subject"], strict=True)
    }
    new = [r for r in rows if (r["date"], r["kind"], r["subject"]) not in seen]
    if new:
        ledger.append(
            "exceptions",
            pd.DataFrame(new),
            action="exception",
            source=f"altsleeve valuation test --as-of {result.as_of} --record",
            restate=True,
        )
    return {"recorded": len(new), "already": len(rows) - len(new)}


# -- use cases of the valuation commands ------------------------------------------------------
def ledger_backtest_inputs(
    ledger: Ledger, *, with_truth: bool = True, with_flows: bool = True
) -> tuple[ValuationInputs, pd.DataFrame | None, pd.Series | None]:
    """A backtest's inputs from the ledger, with its synthetic truth and flows when asked for.

    The truth is ``None`` when the ledger holds none; the flows are the sample book's orders.
    """
    inputs = inputs_from_ledger(ledger)
    truth: pd.DataFrame | None = None
    flows: pd.Series | None = None
    t = ledger.synthetic_truth()
    if with_truth and not t.empty:
        truth = t[["holding_id", "date", "value"]]
    if with_flows:
        flows = sample_book_flows(ledger)
    return inputs, truth, flows


@dataclass(frozen=True)
class NavBacktestRun:
    """What ``nav_backtest`` wrote: estimates of each method, and their scores with a truth."""

    out: str
    rows: int
    holdings: int
    methods: list[str]
    report: dict[str, dict[str, Any]] | None
    table: pd.DataFrame | None

    def to_dict(self) -> dict[str, Any]:
        """``{out, rows, holdings, methods, report}`` (``table`` flattens ``report``)."""
        return {
            "out": self.out,
            "rows": self.rows,
            "holdings": self.holdings,
            "methods": self.methods,
            "report": self.report,
        }


def nav_backtest(
    inputs: ValuationInputs,
    methods: Iterable[str],
    out_dir: Path,
    *,
    proxy_beta: str = "1.0",
    appraisal: str = "geltner",
    start: str | None = None,
    end: str | None = None,
    truth: pd.DataFrame | None = None,
    flows: pd.Series | None = None,
    progress: ProgressFn = quiet,
) -> NavBacktestRun:
    """Run every method strictly as of each business day; write estimates.csv and the scores.

    ``out_dir`` gets ``estimates.csv``, ``estimates_detail.parquet`` and, with a truth,
    ``report.json`` and ``report.csv``.
    """
    valuers = make_valuers(methods, proxy_beta, appraisal)
    res = run_backtest(
        inputs, valuers, start=start, end=end, truth=truth, flows=flows, progress=progress
    )
    out_dir.mkdir(parents=True, exist_ok=True)
    progress("writing estimates.csv", 0, 1)
    res.estimates[["holding_id", "date", "method", "value", "lower", "upper"]].to_csv(
        out_dir / "estimates.csv", index=False, date_format="%Y-%m-%d", float_format="%.2f"
    )
    res.estimates.to_parquet(out_dir / "estimates_detail.parquet", index=False)
    if res.report is not None and res.table is not None:
        text = json.dumps(plain(res.report), indent=2, default=str, allow_nan=False)
        (out_dir / "report.json").write_text(text)
        res.table.to_csv(out_dir / "report.csv")
    progress("written", 1, 1)
    return NavBacktestRun(
        out=str(out_dir),
        rows=len(res.estimates),
        holdings=int(res.estimates["holding_id"].nunique()),
        methods=sorted(set(res.estimates["method"])),
        report=res.report,
        table=res.table,
    )


@dataclass(frozen=True)
class ValuationWrite:
    """What ``value_holdings`` recorded, per method, and the total value on the last day."""

    first: str
    last: str
    written: dict[str, AppendResult]
    last_day: dict[str, float]

    def to_dict(self) -> dict[str, Any]:
        """``{from, to, written: {method: {new, restated, unchanged, batch_id}}, last_day}``."""
        return {
            "from": self.first,
            "to": self.last,
            "written": {
                m: {
                    "new": r.new,
                    "restated": r.restated,
                    "unchanged": r.unchanged,
                    "batch_id": r.batch_id,
                }
                for m, r in self.written.items()
            },
            "last_day": self.last_day,
        }


def value_holdings(
    ledger: Ledger,
    first: str,
    last: str,
    methods: Iterable[str] = ("nowcast",),
    *,
    recorded_at: dt.datetime | None = None,
    appraisal: str = "geltner",
    progress: ProgressFn = quiet,
) -> ValuationWrite:
    """Value every holding on each business day of ``first..last`` and record it (versioned).

    ``last_day``: per method, the private holdings' total value on the latest day valued as
    known on ``last``.
    """
    res = write_valuations(
        ledger,
        first,
        last,
        list(methods),
        recorded_at=recorded_at,
        appraisal=appraisal,
        progress=progress,
    )
    snap = ledger.as_known_on(dt.date.fromisoformat(last), tables=("valuations",)).valuations
    day = snap[snap["date"] == snap["date"].max()] if len(snap) else snap
    totals = {str(m): float(g["value"].sum()) for m, g in day.groupby("method")} if len(day) else {}
    return ValuationWrite(first, last, res, totals)


@dataclass(frozen=True)
class ValuationTestRun:
    """A valuation testing pack, its annual assessment, what was recorded and written."""

    pack: ValuationTestResult
    annual: ValuationTestResult | None = None
    recorded: dict[str, int] | None = None
    files: list[str] = dataclasses.field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The pack's JSON with the files written and the challenges recorded."""
        return {**self.pack.to_dict(), "files": self.files, "recorded": self.recorded}


def run_valuation_test(
    ledger: Ledger,
    as_of: dt.date,
    period: str = "Q",
    *,
    policy: Path | None = None,
    recorded_at: dt.datetime | None = None,
    per_holding: bool = False,
    annual: bool = False,
    record: bool = False,
    progress: ProgressFn = quiet,
) -> ValuationTestRun:
    """The testing pack of ``period`` as known on ``as_of`` (see :func:`valuation_test`).

    With ``annual`` the year's pack too; with ``record`` its challenges recorded as open
    exceptions (:func:`record_challenges`). The files of the pack are the views' to write
    (``files`` is empty here).
    """
    kw: dict[str, Any] = {"policy": policy, "recorded_at": recorded_at, "per_holding": per_holding}
    res = valuation_test(ledger, as_of, period, progress=progress, **kw)
    year = valuation_test(ledger, as_of, "A", progress=progress, **kw) if annual else None
    recorded = record_challenges(ledger, res, policy) if record else None
    return ValuationTestRun(res, year, recorded)
