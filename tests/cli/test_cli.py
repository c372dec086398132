"""CLI conventions: help, exit codes (0 ok, 2 bad input, 1 internal), --json, --debug."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from altsleeve import workflows
from altsleeve.cli import run

COMMANDS = ["ingest", "sample", "demo", "ledger", "marketdata"]


def test_help_lists_every_command_with_a_purpose(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"]) == 0
    out = capsys.readouterr().out
    for cmd in COMMANDS:
        line = next(x for x in out.splitlines() if x.strip(" │").startswith(f"{cmd} "))
        assert len(line.strip(" │")[len(cmd) :].strip()) > 10, line


@pytest.mark.parametrize(
    ("group", "subs"),
    [("ledger", ["verify", "status", "log", "export"]), ("marketdata", ["load", "list"])],
)
def test_group_help(group: str, subs: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert run([group, "--help"]) == 0
    out = capsys.readouterr().out
    for s in subs:
        assert f" {s} " in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    assert "altsleeve" in capsys.readouterr().out


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["no-such-command"]) == 2
    assert run(["ingest", "widgets", "x.csv"]) == 2


def test_unreadable_ledger_is_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bogus = tmp_path / "not-a-ledger.duckdb"
    bogus.write_text("hello")
    assert run(["ledger", "status", "--db", str(bogus)]) == 2
    assert "is not an altsleeve ledger (not a DuckDB file)" in capsys.readouterr().err


def test_internal_error_is_one_line_and_traceback_only_with_debug(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr("altsleeve.cli.marketdata.load_market_data", boom)
    db = str(tmp_path / "l.duckdb")
    assert run(["ledger", "init", "--db", db]) == 0
    assert run(["marketdata", "load", "--db", db]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: kaboom" in err
    assert "Traceback" not in err
    assert [x for x in err.splitlines() if "error" in x] == ["internal error: RuntimeError: kaboom"]
    assert run(["--debug", "marketdata", "load", "--db", db]) == 1
    assert "Traceback" in capsys.readouterr().err
    assert workflows is not None


def test_json_outputs_parse(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["ledger", "status"],
        ["ledger", "verify"],
        ["ledger", "log", "--limit", "2"],
        ["marketdata", "list"],
    ):
        assert run([*args, "--db", str(db), "--json"]) == 0, args
        json.loads(capsys.readouterr().out)


def test_export_as_known_on(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(["ledger", "export", "statements", "--db", str(db), "--as-known-on", "2008-06-01"]) == 0
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "holding_id,as_of,known_on,nav"
    assert len(lines) == 2
    out = tmp_path / "s.parquet"
    assert run(["ledger", "export", "statements", "--db", str(db), "--out", str(out)]) == 0
    assert out.exists()
    assert run(["ledger", "export", "nope", "--db", str(db)]) == 2
    assert run(["ledger", "export", "statements", "--db", str(db), "--as-known-on", "x"]) == 2
