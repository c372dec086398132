"""The policy's checks: each threshold against the figures as known on a date.

Owns turning a :class:`~altsleeve.report.Policy` and a :class:`Figures` record (the numbers the
edge gathered from the ledger as known on the as-of date, each with where it came from) into a
list of :class:`Check` rows (pass / warn / fail, the value, the threshold, the evidence) and the
monitoring triggers that fired. Pure: must not read the ledger or compute the figures (the
capability packages do; the report's edge gathers them).

Statuses:

- ``fail``: the threshold is breached;
- ``warn``: within the policy's warning margin of it (a cap within ``warn_margin``, a coverage
  minimum below ``coverage_warn`` times the minimum);
- ``pass``: inside it;
- ``info``: no threshold, shown for the record (or a figure that could not be measured, with
  the reason).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from altsleeve.report._policy import Policy

Status = Literal["pass", "warn", "fail", "info"]
#: The DOL proposed safe harbor's six factors, plus the allocation limit the 2020 letter asks.
FACTORS: tuple[str, ...] = (
    "performance",
    "fees",
    "liquidity",
    "valuation",
    "benchmark",
    "complexity",
    "allocation",
)


@dataclass(frozen=True)
class Check:
    """One threshold checked.

    Attributes
    ----------
    factor : str
        One of :data:`FACTORS`.
    key : str
        The policy key checked (``allocation.private_max``).
    title : str
        What is checked, in words.
    status : str
        ``pass``, ``warn``, ``fail`` or ``info``.
    value : float or None
        The measured figure (None when it could not be measured).
    threshold : float or None
        The policy's limit.
    unit : str
        ``share``, ``bp``, ``ratio``, ``days`` or ``count``.
    evidence : str
        Where the figure comes from (the command or function, as known on the date).
    """

    factor: str
    key: str
    title: str
    status: Status
    value: float | None
    threshold: float | None
    unit: str
    evidence: str


@dataclass(frozen=True)
class StressFigures:
    """One stress scenario's result (``altsleeve stress``'s summary)."""

    scenario: str
    shortfall: float
    days_above_cap: int
    private_share_peak: float


@dataclass(frozen=True)
class TrueUp:
    """A GP statement's true-up of the daily estimate: ``size`` = statement / estimate - 1."""

    holding_id: str
    asset_class: str
    date: str
    size: float


@dataclass(frozen=True)
class Figures:
    """The figures the checks need, as known on the as-of date, and where each came from.

    Shares are decimals of net assets, fees bp a year, coverage ratios liquid over needs.
    ``sources`` maps a figure's name to its evidence text; a figure that is None was not
    measured (``missing`` gives the reason).
    """

    as_of: str
    private_share: float | None = None
    days_above_cap: int | None = None
    highly_liquid_share: float | None = None
    cash_share: float | None = None
    coverage: Mapping[str, float] = field(default_factory=dict)
    private_layers_bp: float | None = None
    vehicle_bp: float | None = None
    breakeven_bp: float | None = None
    stress: Sequence[StressFigures] = ()
    trueups: Sequence[TrueUp] = ()
    staleness_days: Mapping[str, tuple[str, int]] = field(default_factory=dict)
    sleeve_excess_return: Mapping[int, float] = field(default_factory=dict)
    testing_failures: Sequence[Mapping[str, str]] | None = None
    sources: Mapping[str, str] = field(default_factory=dict)
    missing: Mapping[str, str] = field(default_factory=dict)


def _src(f: Figures, name: str) -> str:
    return f.sources.get(name, "") or f.missing.get(name, "not measured")


def _upper(
    factor: str,
    key: str,
    title: str,
    value: float | None,
    limit: float,
    warn_at: float | None,
    unit: str,
    evidence: str,
) -> Check:
    """A figure that must stay at or below ``limit`` (warn above ``warn_at``)."""
    if value is None:
        return Check(factor, key, title, "info", None, limit, unit, evidence)
    if value > limit:
        status: Status = "fail"
    elif warn_at is not None and value > warn_at:
        status = "warn"
    else:
        status = "pass"
    return Check(factor, key, title, status, value, limit, unit, evidence)


def _lower(
    factor: str,
    key: str,
    title: str,
    value: float | None,
    limit: float,
    warn_below: float | None,
    unit: str,
    evidence: str,
) -> Check:
    """A figure that must stay at or above ``limit`` (warn below ``warn_below``)."""
    if value is None:
        return Check(factor, key, title, "info", None, limit, unit, evidence)
    if value < limit:
        status: Status = "fail"
    elif warn_below is not None and value < warn_below:
        status = "warn"
    else:
        status = "pass"
    return Check(factor, key, title, status, value, limit, unit, evidence)


def evaluate(policy: Policy, f: Figures) -> list[Check]:
    """Every threshold of ``policy`` against the figures, in the order of :data:`FACTORS`."""
    a, liq, fees, val = policy.allocation, policy.liquidity, policy.fees, policy.valuation
    out: list[Check] = [
        _upper(
            "allocation",
            "allocation.private_max",
            "Private share of net assets at most the cap",
            f.private_share,
            a.private_max,
            a.private_max - a.warn_margin,
            "share",
            _src(f, "private_share"),
        ),
        _upper(
            "allocation",
            "monitoring.cap_breach",
            "Days above the cap in the trailing year",
            None if f.days_above_cap is None else float(f.days_above_cap),
            0.0,
            None,
            "days",
            _src(f, "days_above_cap"),
        ),
        _upper(
            "fees",
            "fees.private_layers_max_bp",
            "Private fee layers, bp a year of the sleeve's NAV",
            f.private_layers_bp,
            fees.private_layers_max_bp,
            None,
            "bp",
            _src(f, "private_layers_bp"),
        ),
        _upper(
            "fees",
            "fees.vehicle_max_bp",
            "Vehicle fee layers (trustee, wrapper), bp a year",
            f.vehicle_bp,
            fees.vehicle_max_bp,
            None,
            "bp",
            _src(f, "vehicle_bp"),
        ),
        _upper(
            "fees",
            "fees.breakeven_max_bp",
            "Gross excess return the sleeve needs over the benchmark, bp a year",
            f.breakeven_bp,
            fees.breakeven_max_bp,
            None,
            "bp",
            _src(f, "breakeven_bp"),
        ),
        _lower(
            "liquidity",
            "liquidity.highly_liquid_min",
            "Highly liquid share of net assets (Rule 22e-4)",
            f.highly_liquid_share,
            liq.highly_liquid_min,
            None,
            "share",
            _src(f, "highly_liquid_share"),
        ),
        _lower(
            "liquidity",
            "liquidity.cash_buffer_min",
            "Cash share of net assets",
            f.cash_share,
            liq.cash_buffer_min,
            None,
            "share",
            _src(f, "cash_share"),
        ),
    ]
    for horizon, minimum in liq.coverage_min.items():
        out.append(
            _lower(
                "liquidity",
                f"liquidity.coverage_min.{horizon}",
                f"Coverage over {horizon}: liquid assets over stressed needs",
                f.coverage.get(horizon),
                minimum,
                minimum * liq.coverage_warn,
                "ratio",
                _src(f, "coverage"),
            )
        )
    stress = {s.scenario: s for s in f.stress}
    for sid in liq.stress_scenarios:
        s = stress.get(sid)
        why = _src(f, "stress") if s is not None else f.missing.get(f"stress.{sid}", "not run")
        out.append(
            _upper(
                "liquidity",
                "liquidity.stress_shortfall_allowed",
                f"Stress {sid}: unpaid redemptions (dollars)",
                None if s is None else s.shortfall,
                float("inf") if liq.stress_shortfall_allowed else 0.0,
                None,
                "dollars",
                why,
            )
        )
        out.append(
            _upper(
                "liquidity",
                "liquidity.stress_max_days_above_cap",
                f"Stress {sid}: days above the private cap",
                None if s is None else float(s.days_above_cap),
                float(liq.stress_max_days_above_cap),
                None,
                "days",
                why,
            )
        )
    worst = max((abs(t.size) for t in f.trueups), default=None)
    reviews = [t for t in f.trueups if abs(t.size) > val.for_class(t.asset_class).trueup_review]
    out.append(
        _upper(
            "valuation",
            "valuation.*.trueup_review",
            "True-ups above their class's review threshold (count)",
            None if not f.trueups else float(len(reviews)),
            0.0,
            None,
            "count",
            _src(f, "trueups") + (f"; largest |true-up| {worst:.2%}" if worst is not None else ""),
        )
    )
    stale = [
        (h, cls, d)
        for h, (cls, d) in sorted(f.staleness_days.items())
        if d > val.for_class(cls).max_staleness_days
    ]
    out.append(
        _upper(
            "valuation",
            "valuation.*.max_staleness_days",
            "Holdings whose last GP statement is older than their class allows (count)",
            None if not f.staleness_days else float(len(stale)),
            0.0,
            None,
            "count",
            _src(f, "staleness_days")
            + (f"; e.g. {stale[0][0]} at {stale[0][2]} days" if stale else ""),
        )
    )
    fails = f.testing_failures
    kinds = sorted({str(x.get("kind", "")) for x in fails or ()})
    out.append(
        _upper(
            "valuation",
            "valuation.*.testing",
            "Failures of the quarter's valuation testing: price challenges, class bias beyond "
            "its limit, band coverage, stale marks (count)",
            None if fails is None else float(len(fails)),
            0.0,
            None,
            "count",
            _src(f, "testing_failures") + (f"; kinds: {', '.join(kinds)}" if kinds else ""),
        )
    )
    years = policy.monitoring.underperformance_years
    excess = f.sleeve_excess_return.get(years)
    out.append(
        _lower(
            "performance",
            "monitoring.underperformance_years",
            f"Vehicle net of fees over the benchmark, trailing {years} years (a year)",
            excess,
            0.0,
            None,
            "share",
            _src(f, "sleeve_excess_return"),
        )
    )
    return out


#: The monitoring triggers, in the order the report lists them: policy key and title.
TRIGGERS: tuple[tuple[str, str], ...] = (
    ("monitoring.cap_breach", "Private share above the cap"),
    ("monitoring.coverage_trigger", "A liquidity coverage ratio below the trigger"),
    ("monitoring.trueup_trigger", "A true-up larger than the trigger"),
    ("monitoring.fee_budget", "Fees above the policy's budget"),
    (
        "monitoring.underperformance_years",
        "Net of fees below the benchmark over the trailing years",
    ),
    ("monitoring.testing_failures", "The valuation testing found a failure (Rule 2a-5 style)"),
)


def triggers_by_key(policy: Policy, checks: Sequence[Check], f: Figures) -> dict[str, list[str]]:
    """Each trigger of :data:`TRIGGERS` and what fired it, in words (empty: not fired)."""
    m = policy.monitoring
    fired: dict[str, list[str]] = {key: [] for key, _ in TRIGGERS}
    by_key = {c.key: c for c in checks}
    if m.cap_breach:
        cap = fired["monitoring.cap_breach"]
        c = by_key.get("monitoring.cap_breach")
        if c is not None and c.status == "fail":
            cap.append(f"Cap breach: {c.value:.0f} days above the private cap in the year")
        c = by_key.get("allocation.private_max")
        if c is not None and c.status == "fail" and c.value is not None:
            cap.append(f"Cap breach: the private share is {c.value:.1%} on {f.as_of}")
    for h, ratio in sorted(f.coverage.items()):
        if ratio < m.coverage_trigger:
            fired["monitoring.coverage_trigger"].append(
                f"Coverage over {h} is {ratio:.2f}, below {m.coverage_trigger:g}"
            )
    for t in f.trueups:
        if abs(t.size) > m.trueup_trigger:
            fired["monitoring.trueup_trigger"].append(
                f"True-up of {t.size:+.1%} on {t.holding_id} ({t.asset_class}) on {t.date}"
            )
    if m.fee_budget:
        for c in checks:
            if c.factor == "fees" and c.status == "fail":
                fired["monitoring.fee_budget"].append(
                    f"Fee budget: {c.title} is {c.value:,.0f} bp, above {c.threshold:,.0f}"
                )
    if policy.monitoring.testing_failures:
        for x in f.testing_failures or ():
            fired["monitoring.testing_failures"].append(
                f"Valuation testing: {x.get('kind', '')} {x.get('subject', '')}: "
                f"{x.get('detail', '')}"
            )
    c = by_key.get("monitoring.underperformance_years")
    if c is not None and c.status == "fail" and c.value is not None:
        fired["monitoring.underperformance_years"].append(
            f"Underperformance: {c.value:+.2%} a year against the benchmark over "
            f"{m.underperformance_years} years"
        )
    return fired


def triggers(policy: Policy, checks: Sequence[Check], f: Figures) -> list[str]:
    """The monitoring triggers that fired, in words, for the committee's minutes."""
    return [text for texts in triggers_by_key(policy, checks, f).values() for text in texts]


def status_counts(checks: Sequence[Check]) -> dict[str, int]:
    """How many checks have each status."""
    out = {"pass": 0, "warn": 0, "fail": 0, "info": 0}
    for c in checks:
        out[c.status] += 1
    return out
