"""The policy's checks: pass / warn / fail at the documented edges, and the triggers fired."""

from __future__ import annotations

import pytest

from altsleeve.report import (
    Figures,
    Policy,
    StressFigures,
    TrueUp,
    evaluate,
    sample_policy_path,
    status_counts,
    triggers,
)

POLICY = Policy.from_toml(sample_policy_path())


def good() -> Figures:
    """Figures inside every threshold of the sample policy."""
    return Figures(
        as_of="2018-12-31",
        private_share=0.10,
        days_above_cap=0,
        highly_liquid_share=0.85,
        cash_share=0.02,
        coverage={"3bd": 18.0, "7d": 17.0, "30d": 6.0},
        private_layers_bp=550.0,
        vehicle_bp=35.0,
        breakeven_bp=430.0,
        stress=[
            StressFigures("gfc-2008-09", 0.0, 0, 0.13),
            StressFigures("dotcom-2000-02", 0.0, 0, 0.12),
        ],
        trueups=[TrueUp("BO-01", "buyout", "2018-11-15", 0.02)],
        staleness_days={"BO-01": ("buyout", 90), "VC-01": ("venture", 140)},
        sleeve_excess_return={3: 0.004},
        testing_failures=[],
        sources={"private_share": "strike of 2018-12-31"},
    )


def test_all_pass_when_every_figure_is_inside_the_policy() -> None:
    """No check fails or warns and no trigger fires on figures inside every threshold."""
    checks = evaluate(POLICY, good())
    assert status_counts(checks) == {"pass": len(checks), "warn": 0, "fail": 0, "info": 0}
    assert triggers(POLICY, checks, good()) == []
    assert {c.factor for c in checks} >= {"allocation", "fees", "liquidity", "valuation"}
    assert next(c for c in checks if c.key == "allocation.private_max").evidence == (
        "strike of 2018-12-31"
    )


@pytest.mark.parametrize(
    ("share", "status"),
    [(0.139, "pass"), (0.1400001, "warn"), (0.15, "warn"), (0.1500001, "fail")],
)
def test_the_cap_passes_warns_within_the_margin_and_fails_above(share: float, status: str) -> None:
    """Cap 15%, warning margin 1 point: above 14% warns, above 15% fails (at 15% it holds)."""
    f = good()
    f = Figures(**{**f.__dict__, "private_share": share})
    checks = evaluate(POLICY, f)
    c = next(c for c in checks if c.key == "allocation.private_max")
    assert c.status == status
    fired = triggers(POLICY, checks, f)
    assert any(t.startswith("Cap breach") for t in fired) == (status == "fail")


def test_coverage_warns_below_one_and_a_half_times_the_minimum_and_fails_below_it() -> None:
    """Minimum 1.0 and warn factor 1.5: 1.4 warns, 0.9 fails and fires the coverage trigger."""
    f = Figures(**{**good().__dict__, "coverage": {"3bd": 1.4, "7d": 0.9, "30d": 2.0}})
    checks = evaluate(POLICY, f)
    status = {c.key: c.status for c in checks if c.key.startswith("liquidity.coverage")}
    assert status == {
        "liquidity.coverage_min.3bd": "warn",
        "liquidity.coverage_min.7d": "fail",
        "liquidity.coverage_min.30d": "pass",
    }
    assert triggers(POLICY, checks, f) == ["Coverage over 7d is 0.90, below 1"]


def test_true_ups_are_judged_by_their_class_threshold() -> None:
    """Venture reviews above 10%, real estate above 3%: a 6% venture true-up needs no review,
    a 4% real-estate one does; the 5% monitoring trigger fires for the 6% one only."""
    f = Figures(
        **{
            **good().__dict__,
            "trueups": [
                TrueUp("VC-01", "venture", "2018-11-15", 0.06),
                TrueUp("RE-01", "real_estate", "2018-11-20", -0.04),
            ],
        }
    )
    checks = evaluate(POLICY, f)
    c = next(c for c in checks if c.key == "valuation.*.trueup_review")
    assert (c.status, c.value) == ("fail", 1.0)
    assert "largest |true-up| 6.00%" in c.evidence
    assert triggers(POLICY, checks, f) == ["True-up of +6.0% on VC-01 (venture) on 2018-11-15"]


def test_stress_results_and_staleness_and_fees_fail_where_they_breach() -> None:
    """A scenario with a shortfall and days above the cap, a stale holding, fees over budget
    and underperformance each fail, and the fee and underperformance triggers fire."""
    f = Figures(
        **{
            **good().__dict__,
            "stress": [StressFigures("gfc-2008-09", 1e6, 12, 0.18)],
            "staleness_days": {"BO-01": ("buyout", 200)},
            "private_layers_bp": 650.0,
            "sleeve_excess_return": {3: -0.01},
        }
    )
    checks = evaluate(POLICY, f)
    fails = {(c.key, c.title) for c in checks if c.status == "fail"}
    titles = {t for _, t in fails}
    assert "Stress gfc-2008-09: unpaid redemptions (dollars)" in titles
    assert "Stress gfc-2008-09: days above the private cap" in titles
    # the dot-com scenario was not run: shown as info, not passed
    info = [c for c in checks if c.status == "info"]
    assert {c.title for c in info} == {
        "Stress dotcom-2000-02: unpaid redemptions (dollars)",
        "Stress dotcom-2000-02: days above the private cap",
    }
    assert "valuation.*.max_staleness_days" in {k for k, _ in fails}
    fired = triggers(POLICY, checks, f)
    assert any(t.startswith("Fee budget: Private fee layers") for t in fired)
    assert any(t.startswith("Underperformance: -1.00%") for t in fired)


def test_a_figure_not_measured_is_info_with_the_reason() -> None:
    """Nothing measured: every check is ``info`` and says why, never a silent pass."""
    f = Figures(as_of="2018-12-31", missing={"private_share": "no strike on or before the date"})
    checks = evaluate(POLICY, f)
    assert {c.status for c in checks} == {"info"}
    c = next(c for c in checks if c.key == "allocation.private_max")
    assert c.evidence == "no strike on or before the date"


def test_a_stress_scenario_not_run_is_info_with_its_reason() -> None:
    """A scenario the policy names but the date cannot support is never a silent pass."""
    from dataclasses import replace

    f = replace(
        good(),
        stress=[StressFigures("gfc-2008-09", 0.0, 0, 0.13)],
        missing={"stress.dotcom-2000-02": "not run: its window ends after the as-of date"},
    )
    rows = [c for c in evaluate(POLICY, f) if "dotcom-2000-02" in c.title]
    assert len(rows) == 2
    assert {c.status for c in rows} == {"info"}
    assert all(c.evidence.startswith("not run: its window ends") for c in rows)


def test_valuation_testing_failures_fail_the_check_and_fire_the_trigger() -> None:
    """Issue 18: each failure of the quarter's testing is counted and reported to the committee."""
    fails = [
        {"kind": "challenge", "subject": "VC-04", "asset_class": "venture", "detail": "outside"},
        {"kind": "bias", "subject": "venture", "asset_class": "venture", "detail": "+12.8%"},
    ]
    f = Figures(**{**good().__dict__, "testing_failures": fails})
    checks = evaluate(POLICY, f)
    c = next(c for c in checks if c.key == "valuation.*.testing")
    assert (c.status, c.value, c.factor) == ("fail", 2.0, "valuation")
    assert "bias, challenge" in c.evidence
    fired = triggers(POLICY, checks, f)
    assert "Valuation testing: challenge VC-04: outside" in fired
    assert "Valuation testing: bias venture: +12.8%" in fired
    # not measured (no testing in the file): info with the reason, never a silent pass
    none = Figures(**{**good().__dict__, "testing_failures": None})
    c = next(c for c in evaluate(POLICY, none) if c.key == "valuation.*.testing")
    assert c.status == "info"
    # the committee may switch the trigger off; the check still counts
    quiet = Policy.from_mapping(
        {**POLICY.model_dump(mode="json"), "monitoring": {"testing_failures": False}}
    )
    assert not [x for x in triggers(quiet, evaluate(quiet, f), f) if "Valuation testing" in x]
