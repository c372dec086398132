"""`altsleeve fees stack` and `altsleeve fees breakeven`: JSON, tables, bad input."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from altsleeve.cli import run
from altsleeve.fees import render_fee_report, sample_fee_report, sample_stack_path


def test_stack_json_is_one_object_with_every_layer(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fees", "stack", "--json", "--gross", "0.12"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["vehicle"] == "TDF2045"
    assert rep["assumptions"]["gross_return"] == 0.12
    assert rep["assumptions"]["sleeve_size"] == pytest.approx(100e6)  # $1bn x 10%
    layers = rep["sleeve"]["layers"]
    assert [x["key"] for x in layers][-2:] == ["vehicle.trustee", "vehicle.wrapper"]
    assert rep["sleeve"]["gross_irr"] == pytest.approx(0.12, abs=1e-9)
    assert rep["sleeve"]["net_irr"] < rep["sleeve"]["gross_irr"]
    assert sum(x["dollars"] for x in layers) == pytest.approx(rep["sleeve"]["total_dollars"])
    assert {r["fund_id"] for r in rep["routes"]} == {"buyout", "real-estate-evergreen"}


def test_stack_table(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fees", "stack", "--evergreen-path", "history"]) == 0
    out = capsys.readouterr().out
    for text in ("fund: management", "fund: carry", "fund: incentive", "vehicle: wrapper"):
        assert text in out
    assert "all layers" in out


def test_breakeven_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fees", "breakeven", "--json", "--benchmark", "0.08", "--horizon", "8"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["benchmark"]["value"] == 0.08
    rows = rep["rows"]
    assert rows[0]["key"] == "gross" and rows[0]["excess_bp"] == pytest.approx(-5.0, abs=0.1)
    assert rows[-1]["excess_bp"] == pytest.approx(rep["total_excess_bp"])
    assert all(b["excess_bp"] > a["excess_bp"] for a, b in itertools.pairwise(rows))


def test_bad_stack_file_exits_2_naming_file_and_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "stack.toml"
    bad.write_text(
        sample_stack_path().read_text(encoding="utf-8").replace("rate = 0.20", "rate = 2.0")
    )
    assert run(["fees", "stack", "--stack", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: key 'funds[0].carry.rate'" in err


def test_bad_path_option_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fees", "stack", "--evergreen-path", "random"]) == 2
    assert "--evergreen-path" in capsys.readouterr().err


def test_sample_fee_report_for_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    from rich.console import Console

    rep = sample_fee_report()
    assert set(rep) == {"stack", "breakeven"}
    json.dumps(rep)  # JSON-ready (no NaN, no dates)
    render_fee_report(rep, Console(width=140))
    out = capsys.readouterr().out
    assert "Fee stack of TDF2045" in out and "Break-even" in out
