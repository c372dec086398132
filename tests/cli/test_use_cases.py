"""Each command's ``--json`` is exactly its use case's ``to_dict()`` (issue 19).

One module ledger (the sample book struck to mid-2001, as in ``test_json``); each use case of
:mod:`altsleeve.workflows` is called directly with the options the command is given, and its
``to_dict()``, through the CLI's one encoder, must equal what the command printed.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from altsleeve.cli import run
from altsleeve.cli._app import _json_text
from altsleeve.fund import Vehicle, sample_vehicle_path
from altsleeve.ledger import Ledger
from altsleeve.liquidity import Design, LiquidityAssumptions, MonteCarloSettings, load_scenario
from altsleeve.pacing import StochasticSettings
from altsleeve.workflows.result import Result
from altsleeve.workflows.vehicles import registered_vehicle

AS_OF = "2001-06-29"
DAY = dt.date(2001, 6, 29)


@pytest.fixture(scope="module")
def ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("use-cases") / "ledger.duckdb"
    for args in (["ledger", "init"], ["marketdata", "load"], ["sample"], ["strike", "--to", AS_OF]):
        assert run([*args, "--db", str(db)]) == 0, args
    return db


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> Any:
    capsys.readouterr()
    assert run([*args, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def _same(res: Result, printed: Any) -> None:
    assert isinstance(res, Result)
    assert json.loads(_json_text(res.to_dict())) == printed


def _vehicle(db: Path) -> Vehicle:
    with Ledger(db, read_only=True) as led:
        return registered_vehicle(led, None)


def test_pacing_plan(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.pacing import pacing_plan, planner_settings

    printed = _cli(capsys, "pacing", "plan", "--paths", "50", "--as-of", AS_OF, "--db", str(ledger))
    v = _vehicle(ledger)
    with Ledger(ledger, read_only=True) as led:
        res = pacing_plan(
            led,
            v,
            DAY,
            planner=planner_settings(v),
            settings=StochasticSettings(n_paths=50, seed=0),
        )
    assert res.chart is None and "chart" not in printed
    _same(res, printed)
    with_chart = dataclasses.replace(res, chart="plan.png").to_dict()
    assert list(with_chart)[-1] == "chart"


def test_calls(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.pacing import calls_calendar

    printed = _cli(capsys, "calls", "--paths", "50", "--as-of", AS_OF, "--db", str(ledger))
    with Ledger(ledger, read_only=True) as led:
        res = calls_calendar(led, DAY, settings=StochasticSettings(n_paths=50, seed=0))
    _same(res, printed)


def test_pacing_backtest(capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.pacing import pacing_backtest

    printed = _cli(capsys, "pacing", "backtest", "--start-year", "2018", "--paths", "20")
    res = pacing_backtest(
        Vehicle.from_toml(sample_vehicle_path()),
        start_year=2018,
        settings=StochasticSettings(n_paths=20, seed=0),
    )
    _same(res, printed)


def test_liquidity(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.liquidity import profile_from_ledger

    printed = _cli(capsys, "liquidity", "--paths", "50", "--db", str(ledger))
    with Ledger(ledger, read_only=True) as led:
        res = profile_from_ledger(
            led, _vehicle(ledger), assumptions=LiquidityAssumptions(), paths=50, seed=0
        )
    _same(res, printed)
    limits = printed["limits"]
    assert limits["highly_liquid_headroom"] == pytest.approx(
        limits["highly_liquid_share"] - limits["highly_liquid_min"]
    )


def test_stress_with_its_months(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.stress import stress_scenarios

    printed = _cli(
        capsys, "stress", "--scenario", "dotcom-2000-02", "--no-monthly", "--db", str(ledger)
    )
    with Ledger(ledger, read_only=True) as led:
        res = stress_scenarios(led, Design(_vehicle(ledger)), [load_scenario("dotcom-2000-02")])
    _same(res, printed)
    months = printed["results"][0]["monthly"]
    daily = res.runs[0].result.daily
    assert [m["month"] for m in months] == sorted({f"{d:%Y-%m}" for d in daily["date"]})
    assert sum(m["calls"] for m in months) == pytest.approx(float(daily["calls"].sum()))
    assert sum(m["days_above_cap"] for m in months) == int(daily["breach_private_max"].sum())


def test_stress_list(capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.stress import builtin_scenarios

    _same(builtin_scenarios(), _cli(capsys, "stress", "list"))


def test_stress_size_buffer(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.stress import stress_size_buffer

    args = ["--scenario", "dotcom-2000-02", "--tolerance", "0.05", "--max-buffer", "0.2"]
    printed = _cli(capsys, "stress", "size-buffer", *args, "--db", str(ledger))
    with Ledger(ledger, read_only=True) as led:
        res = stress_size_buffer(
            led,
            Design(_vehicle(ledger)),
            [load_scenario("dotcom-2000-02")],
            max_buffer=0.2,
            tolerance=0.05,
        )
    _same(res, printed)


def test_stress_montecarlo(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.stress_montecarlo import montecarlo_report

    args = ["--paths", "200", "--years", "1", "--workers", "0", "--chunk", "100"]
    printed = _cli(capsys, "stress", "montecarlo", *args, "--db", str(ledger))
    with Ledger(ledger, read_only=True) as led:
        res = montecarlo_report(
            led,
            Design(_vehicle(ledger)),
            settings=MonteCarloSettings(n_paths=200, years=1, seed=0),
            workers=0,
            chunk_paths=100,
        )
    _same(res, printed)
    start = printed["start"]
    assert start["cash"] + start["liquid_sleeves"] == pytest.approx(sum(start["sleeves"].values()))


def test_perf_with_its_pooled_row(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.performance import performance

    args = ["--from-ledger", "--index-series", "FF_MKT_TR", "--as-of", AS_OF]
    printed = _cli(capsys, "perf", *args, "--db", str(ledger))
    res = performance(from_ledger=True, index_series="FF_MKT_TR", db=ledger, as_of=DAY)
    _same(res, printed)
    *funds, pooled = printed
    assert pooled["fund_id"] == "pooled" and "time_weighted_return" in pooled
    assert pooled["pic"] == pytest.approx(sum(f["pic"] for f in funds))
    twr = pooled["time_weighted_return"]
    assert twr["unavailable"] is not None or twr["annualised"] is not None


def test_fees(capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.fees import fee_breakeven, fee_files, fee_stack

    v, s = fee_files(None, None)
    _same(fee_stack(v, s), _cli(capsys, "fees", "stack"))
    _same(fee_breakeven(v, s), _cli(capsys, "fees", "breakeven"))


def test_outcomes(capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.workflows.outcomes import savers_outcomes

    printed = _cli(capsys, "outcomes", "--paths", "100", "--workers", "0")
    _same(savers_outcomes(paths=100, workers=0), printed)


def test_report(ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from altsleeve.report import sample_policy_path
    from altsleeve.views.evidence import write_report
    from altsleeve.workflows.evidence import EvidenceInputs, evidence_report

    out = tmp_path / "evidence"
    args = ["--as-of", AS_OF, "--paths", "100", "--no-pdf", "--out", str(out)]
    printed = _cli(capsys, "report", *args, "--db", str(ledger))
    first = (out / "evidence.json").read_text()
    v = _vehicle(ledger)
    inp = EvidenceInputs(
        db=ledger, vehicle=v.vehicle.id, policy=sample_policy_path(), as_of=DAY, paths=100
    )
    with Ledger(ledger, read_only=True) as led:
        res = evidence_report(led, inp, out, lambda p, d: write_report(p, d, pdf=False))
    _same(res, printed)
    assert (out / "evidence.json").read_text() == first
