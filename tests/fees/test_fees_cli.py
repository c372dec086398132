"""`altsleeve fees stack` and `altsleeve fees breakeven`: JSON, tables, bad input."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from altsleeve.cli import run
from altsleeve.fees import (
    sample_fee_report,
    sample_stack_path,
)
from altsleeve.views.fees import render_fee_report


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


def test_gh_17_breakeven_asks_the_sleeves_question_everywhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17, item 2: the CLI, the demo's report and the evidence report ask the same
    question by default, against the same vehicle without the sleeve (a wrapper the vehicle
    charges anyway is not the sleeve's cost), and show 'this vehicle vs an index target-date
    fund' as its own vehicle-level line; ``--index-tdf`` asks the vehicle's question."""
    import inspect

    from altsleeve.fees import (
        FeeStack,
        benchmark_return,
    )
    from altsleeve.fund import (
        Vehicle,
        sample_vehicle_path,
    )
    from altsleeve.workflows.evidence import fees_section

    assert run(["fees", "breakeven", "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["same_wrapper"] is True
    wrapper = next(r for r in rep["rows"] if r["key"] == "vehicle.wrapper")
    assert abs(wrapper["increment_bp"]) < 10  # was +362
    line = rep["vehicle_vs_index_tdf"]
    assert line["excess_bp"] > rep["total_excess_bp"] + 300
    assert run(["fees", "breakeven", "--json", "--index-tdf"]) == 0
    index = json.loads(capsys.readouterr().out)
    assert index["same_wrapper"] is False
    assert index["total_excess_bp"] == pytest.approx(line["excess_bp"], abs=0.01)
    assert run(["fees", "breakeven"]) == 0
    assert "this vehicle vs an index target-date fund" in capsys.readouterr().out
    # the demo
    assert sample_fee_report()["breakeven"]["total_excess_bp"] == pytest.approx(
        rep["total_excess_bp"]
    )
    # the evidence report: no switch left that the policy's benchmark kind could turn
    assert "same_wrapper" not in inspect.signature(fees_section).parameters
    vehicle = Vehicle.from_toml(sample_vehicle_path())
    stack = FeeStack.from_toml(sample_stack_path())
    import datetime as dt

    section = fees_section(vehicle, stack, dt.date(2019, 1, 1), None)
    assert benchmark_return().value == section["breakeven"]["benchmark_return"]
    assert section["breakeven"]["required_gross_excess_bp"] == pytest.approx(rep["total_excess_bp"])
    assert section["breakeven"]["vehicle_vs_index_tdf"]["excess_bp"] == pytest.approx(
        line["excess_bp"]
    )


def test_gh_17_incremental_vehicle_fee_from_the_vehicle_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A vehicle file whose wrapper charges 5 of its 30 bp for the sleeve: the break-even counts
    those 5 bp (about 5 / w net), not the other 25."""
    from altsleeve.fund import sample_vehicle_path

    text = sample_vehicle_path().read_text(encoding="utf-8")
    assert "bp_per_year = 30" in text
    f = tmp_path / "v.toml"
    f.write_text(text.replace("bp_per_year = 30", "bp_per_year = 30\nincremental_bp_per_year = 5"))
    assert run(["fees", "breakeven", "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert run(["fees", "breakeven", "--json", "--vehicle", str(f)]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["incremental_bp"] == 5.0
    assert rep["rows"][-1]["required_net"] == pytest.approx(
        base["rows"][-1]["required_net"] + 0.005
    )
    bad = tmp_path / "bad.toml"
    bad.write_text(
        text.replace("bp_per_year = 30", "bp_per_year = 30\nincremental_bp_per_year = 40")
    )
    assert run(["fees", "breakeven", "--vehicle", str(bad)]) == 2
    assert "incremental_bp_per_year" in capsys.readouterr().err
