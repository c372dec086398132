"""Early or inverted dates are bad input naming the option, for every command that takes dates.

One module ledger: the sample book struck to mid-2001. Each case must exit 2 with the option in
the message, print no traceback and leave the ledger as it was.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from altsleeve.cli import run
from altsleeve.ledger import Ledger
from tests.cli.commands import commands_with

DATE_OPTIONS = (
    "--date",
    "--from",
    "--to",
    "--as-of",
    "--as-known-on",
    "--recorded-at",
    "--recorded-by",
    "--as-recorded",
    "--start-year",
)

# (id, arguments, the option the message must name)
CASES: list[tuple[str, list[str], str]] = [
    ("value_date_early", ["value", "--date", "1990-01-02"], "--date"),
    ("value_range_early", ["value", "--from", "1990-01-01", "--to", "1990-02-01"], "--to"),
    ("value_inverted", ["value", "--from", "2010-02-01", "--to", "2010-01-01"], "--from"),
    (
        "value_as_recorded_early",
        ["value", "--date", "2001-06-29", "--as-recorded", "1990-01-01T00:00"],
        "--as-recorded",
    ),
    ("backtest_early", ["nav", "backtest", "--to", "1990-06-01"], "--to"),
    (
        "backtest_inverted",
        ["nav", "backtest", "--from", "2001-02-01", "--to", "2001-01-02"],
        "--from",
    ),
    ("strike_date_early", ["strike", "--date", "1990-01-02"], "--date"),
    ("strike_to_early", ["strike", "--to", "1990-01-02"], "--to"),
    ("strike_inverted", ["strike", "--from", "2001-02-01", "--to", "2001-01-02"], "--from"),
    ("strike_diff_early", ["strike", "diff", "--date", "1990-01-02"], "--date"),
    ("dilution_early", ["dilution", "--to", "1990-01-02"], "--to"),
    ("dilution_launch_day", ["dilution", "--to", "1999-01-04"], "--to"),
    ("pacing_plan_early", ["pacing", "plan", "--as-of", "1990-01-01", "--paths", "50"], "--as-of"),
    ("calls_early", ["calls", "--as-of", "1990-01-01", "--paths", "50"], "--as-of"),
    ("liquidity_early", ["liquidity", "--date", "1990-01-02", "--paths", "50"], "--date"),
    (
        "montecarlo_early",
        ["stress", "montecarlo", "--as-of", "1990-01-01", "--paths", "100", "--workers", "0"],
        "--as-of",
    ),
    ("perf_early", ["perf", "--from-ledger", "--as-of", "1990-01-01"], "--as-of"),
    (
        "perf_index_early",
        ["perf", "--from-ledger", "--as-of", "1990-01-01", "--index-series", "SP500"],
        "--as-of",
    ),
    ("outcomes_early", ["outcomes", "--as-of", "1800-01-01", "--paths", "100"], "--as-of"),
    ("report_early", ["report", "--as-of", "1990-01-01", "--paths", "100"], "--as-of"),
    (
        "report_recorded_by_early",
        ["report", "--recorded-by", "1990-01-01T00:00", "--paths", "100"],
        "--recorded-by",
    ),
    (
        "export_known_early",
        ["ledger", "export", "statements", "--as-known-on", "1990-01-01"],
        "--as-known-on",
    ),
    (
        "export_recorded_early",
        ["ledger", "export", "statements", "--recorded-at", "1990-01-01"],
        "--recorded-at",
    ),
    ("pacing_backtest_early", ["pacing", "backtest", "--start-year", "1990"], "--start-year"),
    ("vehicle_show_early", ["vehicle", "show", "--date", "1990-01-02"], "--date"),
    ("valuation_test_early", ["valuation", "test", "--as-of", "1990-01-02"], "--as-of"),
    (
        "valuation_test_recorded_by_early",
        ["valuation", "test", "--as-of", "2001-06-29", "--recorded-by", "1990-01-01T00:00"],
        "--recorded-by",
    ),
    (
        "exception_accept_early",
        ["exceptions", "accept", "--date", "1990-01-02", "--kind", "price_move", "--reason", "x"],
        "--date",
    ),
]


@pytest.fixture(scope="module")
def struck(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("dates") / "ledger.duckdb"
    for args in (
        ["ledger", "init"],
        ["marketdata", "load"],
        ["sample"],
        ["strike", "--to", "2001-06-29"],
    ):
        assert run([*args, "--db", str(db), "--json"]) == 0
    return db


def _state(db: Path) -> tuple[Any, ...]:
    with Ledger(db, read_only=True) as led:
        head = led.audit_log(limit=1)
        return (led.counts(), tuple(head["entry_hash"]))


GROUPS = {
    "ledger",
    "marketdata",
    "nav",
    "strike",
    "pacing",
    "stress",
    "fees",
    "vehicle",
    "exceptions",
    "valuation",
}


def _command(args: list[str]) -> str:
    """The command an argument list runs, named as :func:`commands_with` names it."""
    if args[0] in GROUPS and len(args) > 1 and not args[1].startswith("-"):
        return f"{args[0]} {args[1]}"
    return args[0]


def test_every_command_with_a_date_option_is_surveyed() -> None:
    dated = set().union(*(commands_with(o) for o in DATE_OPTIONS))
    surveyed = {_command(args) for _, args, _ in CASES}
    assert dated <= surveyed, dated - surveyed


@pytest.mark.parametrize(("args", "option"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_early_or_inverted_dates_are_bad_input(
    struck: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    option: str,
) -> None:
    monkeypatch.chdir(tmp_path)  # output folders (backtest, report) land in the test's folder
    before = _state(struck)
    capsys.readouterr()
    db = ["--db", str(struck)] if _command(args) in commands_with("--db") else []
    assert run([*args, *db]) == 2
    err = capsys.readouterr().err
    assert f"column '{option}'" in err, err
    assert "Traceback" not in err and "internal error" not in err
    assert _state(struck) == before
