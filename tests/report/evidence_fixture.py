"""A small hand-made evidence payload (schema ``altsleeve.evidence/1``) for the renderer's tests.

Every number is made up but shaped like the gatherer's output: decimals for shares and returns,
bp a year for fees, dollars for money, ISO dates. Deterministic (no random numbers), so tests may
compare renders byte for byte. Reuse :func:`sample_payload` and edit the copy it returns.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from typing import Any

VEHICLE_NAME = "TDF2045 with the private sleeve (net of every fee layer)"
BENCHMARK_NAME = "TDF2045 without the sleeve (glide path benchmark)"
ALT_NAME = "60/40 US equity / AAA bonds"


def _month_ends(first: dt.date, n: int) -> list[str]:
    out = []
    y, m = first.year, first.month
    for _ in range(n):
        nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
        out.append((nxt - dt.timedelta(days=1)).isoformat())
        y, m = nxt.year, nxt.month
    return out


def _days(first: dt.date, n: int, step: int = 1) -> list[str]:
    return [(first + dt.timedelta(days=step * i)).isoformat() for i in range(n)]


def _growth(n: int, drift: float, wiggle: float, phase: float) -> list[float]:
    return [
        round(math.exp(drift * i / 12 + wiggle * math.sin(i / 7 + phase)) / math.exp(0), 4)
        for i in range(n)
    ]


def _histogram(center: float, spread: float, shift: float) -> dict[str, list[float]]:
    edges = [round(center * 0.2 + i * center * 0.1, 2) for i in range(21)]
    mids = [(a + b) / 2 for a, b in itertools.pairwise(edges)]

    def counts(mu: float) -> list[float]:
        return [round(200 * math.exp(-(((x - mu) / spread) ** 2) / 2)) for x in mids]

    return {"edges": edges, "without": counts(center), "with": counts(center * (1 + shift))}


def _wealth(p50: float) -> dict[str, float]:
    return {
        "p10": round(0.55 * p50, 0),
        "p25": round(0.78 * p50, 0),
        "p50": round(p50, 0),
        "p75": round(1.3 * p50, 0),
        "p90": round(1.7 * p50, 0),
        "mean": round(1.08 * p50, 0),
    }


def _stress_path(first: dt.date, n: int, start: float, peak: float) -> dict[str, list[Any]]:
    shares = [round(start + (peak - start) * math.sin(math.pi * i / (n - 1)), 4) for i in range(n)]
    cash = [round(0.025 - 0.012 * math.sin(math.pi * i / (n - 1)), 4) for i in range(n)]
    nav = [round(10.0 * (1 - 0.3 * math.sin(math.pi * i / (n - 1))), 3) for i in range(n)]
    return {
        "dates": _days(first, n, 7),
        "private_share": shares,
        "cash_share": cash,
        "nav_per_unit": nav,
    }


def sample_payload() -> dict[str, Any]:
    """A complete payload following ``/tmp/evidence_schema.md`` (a fresh copy each call)."""
    months = _month_ends(dt.date(2014, 1, 1), 60)
    days = _days(dt.date(2018, 1, 1), 120, 3)
    est = [round(4.0e8 * (1 + 0.08 * math.sin(i / 15) + 0.001 * i), 0) for i in range(120)]
    stale = [est[(i // 30) * 30] for i in range(120)]
    trueup_classes = ("buyout", "venture", "credit", "real_estate")
    trueups = [
        {
            "holding_id": f"{trueup_classes[i % 4][:2].upper()}-{i:02d}",
            "asset_class": trueup_classes[i % 4],
            "date": f"2018-{1 + i % 12:02d}-15",
            "statement_as_of": f"2018-{1 + i % 12:02d}-01",
            "size": round(0.004 * (i + 1) * (-1) ** i, 4),
        }
        for i in range(25)
    ]
    return {
        "schema": "altsleeve.evidence/1",
        "title": "Fiduciary evidence file: TDF2045",
        "as_of": "2018-12-31",
        "recorded_by": "2026-11-23T12:37:57.178201",
        "synthetic_note": "SYNTHETIC: private fund statements are simulated; markets are real.",
        "vehicle": {
            "id": "TDF2045",
            "name": "Target date 2045 with a private sleeve",
            "target_date": 2045,
            "private_target": 0.1,
            "private_max": 0.15,
            "sleeves": [
                {"id": "us_equity", "kind": "index", "days_to_cash": 1},
                {"id": "bonds", "kind": "index", "days_to_cash": 2},
                {"id": "cash", "kind": "cash", "days_to_cash": 0},
                {"id": "private", "kind": "private", "days_to_cash": None},
            ],
        },
        "policy": {
            "name": "Private markets sleeve policy",
            "committee": "Plan investment committee",
            "adopted": "2018-06-30",
            "review_every_months": 12,
            "path": "policy.toml",
            "sha256": "ab" * 32,
        },
        "summary": {
            "status_counts": {"pass": 5, "warn": 1, "fail": 1, "info": 1},
            "triggers_fired": 1,
            "headlines": [
                "Private share 7.72% of net assets, under the 15% cap all year.",
                "Net of every fee layer the sleeve returned 8.30% a year against 13.90% gross.",
                "Five GP true-ups exceeded the 5% review threshold.",
            ],
        },
        "performance": {
            "period": {"start": months[0], "end": months[-1]},
            "trailing": [
                {
                    "name": VEHICLE_NAME,
                    "kind": "vehicle",
                    "returns": {
                        "1y": -0.05,
                        "3y": 0.04,
                        "5y": 0.05,
                        "10y": 0.09,
                        "since_start": 0.06,
                    },
                    "volatility": 0.12,
                    "max_drawdown": -0.38,
                },
                {
                    "name": BENCHMARK_NAME,
                    "kind": "benchmark",
                    "returns": {
                        "1y": -0.055,
                        "3y": 0.038,
                        "5y": 0.047,
                        "10y": 0.088,
                        "since_start": 0.058,
                    },
                    "volatility": 0.125,
                    "max_drawdown": -0.40,
                },
                {
                    "name": ALT_NAME,
                    "kind": "alternative",
                    "returns": {
                        "1y": -0.03,
                        "3y": 0.05,
                        "5y": 0.055,
                        "10y": None,
                        "since_start": 0.061,
                    },
                    "volatility": 0.10,
                    "max_drawdown": -0.33,
                },
            ],
            "excess": {"1y": 0.005, "3y": 0.002, "5y": 0.003, "10y": 0.002, "since_start": 0.002},
            "growth": {
                "dates": months,
                "lines": {
                    VEHICLE_NAME: _growth(60, 0.06, 0.05, 0.0),
                    BENCHMARK_NAME: _growth(60, 0.058, 0.055, 0.1),
                    ALT_NAME: _growth(60, 0.061, 0.04, 0.3),
                },
            },
            "private_book": {
                "irr": 0.11,
                "tvpi": 1.5,
                "dpi": 0.9,
                "rvpi": 0.6,
                "ks_pme": 1.05,
                "paid_in": 1.2e9,
                "distributed": 1.1e9,
                "nav": 4.2e8,
                "holdings": 30,
                "benchmark_series": "SP500",
            },
            "outcomes": {
                "paths": 2000,
                "seed": 2045,
                "funding": "both",
                "note": "Block bootstrap of real monthly markets; private funds from factor models",
                "cohorts": [
                    {
                        "label": "age 25, $45,000",
                        "age": 25,
                        "wealth_without": _wealth(1_250_000),
                        "wealth_with": _wealth(1_240_000),
                        "p_better": 0.2,
                        "p_worse": 0.8,
                        "ce_difference": -0.013,
                        "histogram": _histogram(1_250_000, 300_000, -0.01),
                    },
                    {
                        "label": "age 45, $80,000",
                        "age": 45,
                        "wealth_without": _wealth(620_000),
                        "wealth_with": _wealth(618_000),
                        "p_better": 0.35,
                        "p_worse": 0.65,
                        "ce_difference": -0.004,
                        "histogram": _histogram(620_000, 120_000, -0.003),
                    },
                ],
                "sleeve_return": {"gross": 0.139, "net": 0.083},
            },
            "sources": {
                "trailing": "altsleeve performance --vehicle TDF2045 (daily NAV per unit)",
                "private_book": "fund ledger cash flows, 30 holdings, KS-PME vs SP500",
            },
        },
        "fees": {
            "stack_name": "Sample fund-of-one stack",
            "gross_irr": 0.15,
            "net_irr": 0.1016,
            "total_drag_bp": 483.8,
            "layers": [
                {
                    "key": "fund.management",
                    "level": "fund",
                    "name": "management",
                    "basis": "commitment, then NAV",
                    "rate": "1.5%",
                    "bp_per_year": 156.9,
                    "drag_bp": 209.8,
                },
                {
                    "key": "fund.carry",
                    "level": "fund",
                    "name": "carried interest",
                    "basis": "profit over 8% hurdle",
                    "rate": "20%",
                    "bp_per_year": 190.2,
                    "drag_bp": 238.0,
                },
                {
                    "key": "vehicle.admin",
                    "level": "vehicle",
                    "name": "administration",
                    "basis": "net assets",
                    "rate": "0.35%",
                    "bp_per_year": 35.0,
                    "drag_bp": 36.0,
                },
            ],
            "private_layers_bp": 410.0,
            "vehicle_bp": 35.0,
            "waterfall": [
                {"label": "Gross IRR", "value": 0.15, "kind": "total"},
                {"label": "fund management", "value": -0.0209, "kind": "step"},
                {"label": "fund carried interest", "value": -0.0238, "kind": "step"},
                {"label": "secondary discount recovered", "value": 0.0033, "kind": "step"},
                {"label": "vehicle administration", "value": -0.0036, "kind": "step"},
                {"label": "Net to participants", "value": 0.1050, "kind": "total"},
            ],
            "breakeven": {
                "benchmark_return": 0.07,
                "private_weight": 0.1,
                "required_gross_excess_bp": 450.0,
                "required_net_excess_bp": 5.0,
                "rows": [
                    {"label": "no fees (gross)", "value": 5.0},
                    {"label": "fund management", "value": 215.0},
                    {"label": "fund carried interest", "value": 450.0},
                ],
            },
            "assumptions": "Representative fund over 10 years; evergreen path constant.",
            "sources": {"layers": "fees/data/sample_stack.toml"},
        },
        "liquidity": {
            "as_of": "2018-12-31",
            "net_assets": 5.4339e9,
            "highly_liquid_share": 0.92,
            "cash_share": 0.0226,
            "buckets": [
                {"bucket": "highly liquid", "dollars": 5.0e9, "share": 0.92},
                {"bucket": "moderately liquid", "dollars": 0.0, "share": 0.0},
                {"bucket": "illiquid", "dollars": 4.339e8, "share": 0.08},
            ],
            "coverage": [
                {"horizon": "3bd", "liquid": 5.0e9, "needs": 1.99e8, "ratio": 25.1},
                {"horizon": "30d", "liquid": 5.0e9, "needs": 8.0e8, "ratio": 6.25},
            ],
            "stress": [
                {
                    "scenario": "gfc-2008-09",
                    "name": "Global financial crisis 2008-09",
                    "first_day": "2008-09-01",
                    "last_day": "2009-06-30",
                    "shortfall": 0.0,
                    "days_above_cap": 0,
                    "private_share_start": 0.07,
                    "private_share_peak": 0.10,
                    "private_share_peak_date": "2009-02-27",
                    "cash_share_min": 0.013,
                    "max_drawdown": -0.35,
                    "forced_liquid_sales": 0.0,
                    "stayers_cost": 0.0,
                    "path": _stress_path(dt.date(2008, 9, 1), 44, 0.07, 0.10),
                },
                {
                    "scenario": "covid-2020",
                    "name": "Covid crash 2020",
                    "first_day": "2020-02-03",
                    "last_day": "2020-06-30",
                    "shortfall": 0.0,
                    "days_above_cap": 0,
                    "private_share_start": 0.077,
                    "private_share_peak": 0.095,
                    "private_share_peak_date": "2020-03-23",
                    "cash_share_min": 0.015,
                    "max_drawdown": -0.25,
                    "forced_liquid_sales": 1.2e7,
                    "stayers_cost": 3.4e5,
                    "path": _stress_path(dt.date(2020, 2, 3), 22, 0.077, 0.095),
                },
            ],
            "sources": {"coverage": "altsleeve liquidity --as-of 2018-12-31"},
        },
        "valuation": {
            "oversight": "The committee reviews every true-up above 5% within a quarter.",
            "classes": [
                {
                    "asset_class": "buyout",
                    "method": "nowcast",
                    "max_staleness_days": 135,
                    "trueup_review": 0.05,
                    "holdings": 8,
                },
                {
                    "asset_class": "venture",
                    "method": "nowcast",
                    "max_staleness_days": 150,
                    "trueup_review": 0.08,
                    "holdings": 6,
                },
            ],
            "backtest": {
                "window": {"start": "2010-01-01", "end": "2018-12-31"},
                "truth": "SYNTHETIC truth from the simulated funds",
                "methods": [
                    {
                        "method": "stale",
                        "rmse": 0.08,
                        "bias": -0.02,
                        "mae": 0.06,
                        "dilution_bp": 12.0,
                    },
                    {
                        "method": "nowcast",
                        "rmse": 0.03,
                        "bias": 0.001,
                        "mae": 0.02,
                        "dilution_bp": 2.5,
                    },
                ],
            },
            "nav_history": {
                "dates": days,
                "estimate": est,
                "lower": [round(0.96 * x, 0) for x in est],
                "upper": [round(1.04 * x, 0) for x in est],
                "stale": stale,
                "gp_marks": [{"date": days[i], "nav": est[i] * 1.01} for i in (0, 30, 60, 90)],
            },
            "testing": {
                "period": {"start": "2018-10-01", "end": "2018-12-31"},
                "summary": {
                    "positions": 26,
                    "value": 5.4e8,
                    "marks_tested": 26,
                    "marks_arrived": 26,
                    "challenges": 1,
                    "failures": 2,
                    "bias": 0.043,
                    "inside_band": 0.96,
                    "band_coverage_nominal": 0.9,
                },
                "positions_by_class": {"buyout": 9, "venture": 17},
                "bias_by_class": [
                    {
                        "asset_class": "buyout",
                        "n": 7,
                        "bias": 0.004,
                        "median": -0.011,
                        "mae": 0.038,
                        "rmse": 0.044,
                        "inside_band": 1.0,
                    },
                    {
                        "asset_class": "all",
                        "n": 26,
                        "bias": 0.043,
                        "median": 0.019,
                        "mae": 0.057,
                        "rmse": 0.088,
                        "inside_band": 0.96,
                    },
                ],
                "bias_by_days": [],
                "challenges": [
                    {
                        "holding_id": "VC-04",
                        "asset_class": "venture",
                        "mark_as_of": "2018-09-30",
                        "known_on": "2018-12-09",
                        "mark": 2.2e7,
                        "estimate": 2.9e7,
                        "lower": 2.1e7,
                        "upper": 4.1e7,
                        "log_error": 0.282,
                        "beyond_band": 0.0,
                        "status": "open",
                        "reason": "absolute error above the class limit",
                    }
                ],
                "failures": [
                    {
                        "kind": "challenge",
                        "subject": "VC-04",
                        "asset_class": "venture",
                        "detail": "absolute error above the class limit",
                    }
                ],
                "changes": [],
                "source": "altsleeve valuation test --as-of 2018-12-31 --period Q",
                "definitions": {"log_error": "ln(estimate / mark)"},
            },
            "trueups": trueups,
            "trueup_stats": {
                "count": 25,
                "mean_abs": 0.052,
                "p90_abs": 0.09,
                "max_abs": 0.1,
                "above_review": 5,
            },
            "staleness": [
                {
                    "holding_id": "BO-01",
                    "asset_class": "buyout",
                    "last_statement": "2018-09-30",
                    "days": 92,
                    "max_days": 135,
                },
                {
                    "holding_id": "VC-02",
                    "asset_class": "venture",
                    "last_statement": "2018-06-30",
                    "days": 184,
                    "max_days": 150,
                },
            ],
            "sources": {"trueups": "valuation ledger, GP statements known by the recorded-by time"},
        },
        "allocation": {
            "private_share": 0.0772,
            "target": 0.10,
            "cap": 0.15,
            "days_above_cap_trailing_year": 0,
            "history": {
                "dates": days,
                "private_share": [round(0.07 + 0.01 * math.sin(i / 20), 4) for i in range(120)],
                "cap": [0.15] * 120,
                "target": [0.10] * 120,
            },
        },
        "benchmark": {
            "name": BENCHMARK_NAME,
            "kind": "glide_without_sleeve",
            "funding": "both",
            "rationale": "The same glide path without the sleeve isolates what the sleeve adds.",
            "horizon_years": 10,
            "alternatives": [
                {"name": ALT_NAME, "weights": {"FF_MKT_TR": 0.6, "BOND_AAA_TR": 0.4}},
            ],
        },
        "complexity": {
            "roles": [
                {
                    "who": "Trustee operations",
                    "does": "Strikes the daily NAV per unit",
                    "engine": "altsleeve strike",
                },
                {
                    "who": "Valuation agent",
                    "does": "Loads GP statements",
                    "engine": "altsleeve ingest",
                },
            ],
            "automated": [
                {
                    "step": "Daily NAV of each holding",
                    "command": "altsleeve value",
                    "manual": "Review of true-ups above the threshold",
                },
            ],
            "counts": {
                "holdings": 30,
                "asset_classes": 5,
                "gp_statements_last_year": 120,
                "fee_layers": 6,
                "capital_calls_last_year": 40,
                "distributions_last_year": 50,
            },
        },
        "checks": [
            {
                "factor": "allocation",
                "key": "allocation.private_max",
                "title": "Private share under the cap",
                "status": "pass",
                "value": 0.0772,
                "threshold": 0.15,
                "unit": "share",
                "evidence": "daily NAV 2018-12-31",
            },
            {
                "factor": "fees",
                "key": "fees.private_layers_max_bp",
                "title": "Private fee layers",
                "status": "warn",
                "value": 410.0,
                "threshold": 425.0,
                "unit": "bp",
                "evidence": "fee stack",
            },
            {
                "factor": "liquidity",
                "key": "liquidity.coverage_min",
                "title": "Coverage of 3-business-day needs",
                "status": "pass",
                "value": 25.1,
                "threshold": 10.0,
                "unit": "ratio",
                "evidence": "coverage 3bd",
            },
            {
                "factor": "valuation",
                "key": "valuation.max_staleness_days",
                "title": "Oldest GP statement",
                "status": "fail",
                "value": 184,
                "threshold": 150,
                "unit": "days",
                "evidence": "VC-02 last statement 2018-06-30",
            },
            {
                "factor": "valuation",
                "key": "valuation.trueups_above_review",
                "title": "True-ups above the review threshold",
                "status": "info",
                "value": 5,
                "threshold": None,
                "unit": "count",
                "evidence": "true-ups in the trailing year",
            },
            {
                "factor": "performance",
                "key": "performance.ks_pme_min",
                "title": "Private book KS-PME",
                "status": "info",
                "value": None,
                "threshold": 1.0,
                "unit": "ratio",
                "evidence": "not measured",
                "missing": "fewer than 3 years of cash flows",
            },
        ],
        "triggers": [
            {
                "key": "monitoring.trueup_trigger",
                "title": "True-ups above review",
                "fired": True,
                "detail": "5 true-ups above 5%",
            },
            {
                "key": "monitoring.cap_breach",
                "title": "Cap breached",
                "fired": False,
                "detail": "never above the cap",
            },
        ],
        "appendix": {
            "command": (
                "altsleeve report --db /data/ledger.duckdb --vehicle TDF2045 "
                "--policy policy.toml --as-of 2018-12-31 "
                "--recorded-by 2026-11-23T12:37:57.178201 --out evidence/"
            ),
            "ledger": {
                "path": "/data/ledger.duckdb",
                "head_hash": "0f" * 32,
                "recorded_by": "2026-11-23T12:37:57.178201",
                "rows_known": {"holdings": 30, "statements": 1100, "prices": 25000},
            },
            "vehicle": {
                "vehicle": "TDF2045",
                "effective": "1999-01-04",
                "version": 1,
                "sha256": "cd" * 32,
            },
            "long_history": {
                "equity": "FF_MKT_TR (arch, real, 1926-2018)",
                "bond": "BOND_AAA_TR (arch, real, 1919-2018)",
                "cash": "CASH_TBILL (arch, real, 1926-2018)",
            },
            "inputs": [
                {"name": "policy", "path": "policy.toml", "sha256": "ab" * 32},
            ],
            "software": {"altsleeve": "0.1.0", "python": "3.11.7", "numpy": "1.26.4"},
            "data": [
                {"series": "SP500", "first": "1999-01-04", "last": "2018-12-31", "source": "arch"},
            ],
            "notes": ["Figures as known by the recorded-by time; later corrections excluded."],
        },
    }
