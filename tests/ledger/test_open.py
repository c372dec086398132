"""Opening a ledger: only `ledger init` (or the demo) creates one, and a non-ledger is refused.

Every command given a path with no ledger exits 2 naming `altsleeve ledger init` and leaves no
file or folder behind; a SQLite file, a CSV, an empty file, a folder or a DuckDB file without
altsleeve's tables is refused before anything writes to it, and left byte for byte as it was.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from altsleeve.cli import run
from altsleeve.errors import InputError
from altsleeve.fund import sample_vehicle_path
from altsleeve.ledger import Ledger
from altsleeve.ledger._migrations import available_migrations
from tests.cli.commands import commands_with
from tests.conftest import PRICES, fingerprint

# Each command that takes --db, with the least it needs besides --db.
MISSING_LEDGER_ARGS: dict[str, list[str]] = {
    "serve": ["serve", "--dev-token", "ann:viewer:t1"],
    "ingest": ["ingest", "prices", "{prices}"],
    "ingest --dry-run": ["ingest", "prices", "{prices}", "--dry-run"],
    "sample": ["sample"],
    "value": ["value", "--date", "2008-01-02"],
    "limits": ["limits"],
    "dilution": ["dilution"],
    "calls": ["calls", "--paths", "50"],
    "liquidity": ["liquidity", "--paths", "50"],
    "perf": ["perf", "--from-ledger"],
    "report": ["report", "--paths", "100"],
    "ledger verify": ["ledger", "verify"],
    "ledger status": ["ledger", "status"],
    "ledger log": ["ledger", "log"],
    "ledger export": ["ledger", "export", "statements"],
    "marketdata load": ["marketdata", "load"],
    "marketdata list": ["marketdata", "list"],
    "nav backtest": ["nav", "backtest"],
    "strike": ["strike", "--to", "2008-01-02"],
    "strike diff": ["strike", "diff", "--date", "2008-01-02"],
    "pacing plan": ["pacing", "plan", "--paths", "50"],
    "stress": ["stress"],
    "stress size-buffer": ["stress", "size-buffer"],
    "stress montecarlo": ["stress", "montecarlo", "--paths", "100", "--workers", "0"],
    "vehicle register": ["vehicle", "register", "{vehicle}"],
    "vehicle list": ["vehicle", "list"],
    "vehicle show": ["vehicle", "show"],
    "exceptions list": ["exceptions", "list"],
    "valuation test": ["valuation", "test", "--as-of", "2008-01-04"],
    "exceptions accept": [
        "exceptions",
        "accept",
        "--date",
        "2008-01-02",
        "--kind",
        "price_move",
        "--reason",
        "ok",
    ],
    "marketdata register": ["marketdata", "register", "{prices}"],
    "users add": ["users", "add", "ann", "--role", "viewer", "--password-stdin"],
    "users list": ["users", "list"],
    "users disable": ["users", "disable", "ann"],
    "tokens issue": ["tokens", "issue", "--user", "ann", "--scope", "nav:read", "--expires", "1"],
    "tokens revoke": ["tokens", "revoke", "0123456789ab"],
}


def _tree(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _missing_message(path: Path) -> str:
    return f"no ledger at {path} (create one with `altsleeve ledger init --db {path}`)"


def test_every_command_with_a_ledger_is_covered() -> None:
    covered = {c.removesuffix(" --dry-run") for c in MISSING_LEDGER_ARGS}
    assert covered == commands_with("--db") - {"ledger init"}


@pytest.mark.parametrize("command", sorted(MISSING_LEDGER_ARGS))
def test_a_missing_ledger_is_refused_and_nothing_is_created(
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)  # commands that write output default to folders in the cwd
    prices = tmp_path / "p.csv"
    prices.write_text(PRICES)
    missing = tmp_path / "typo" / "ledger.duckdb"
    before = _tree(tmp_path)
    vehicle = sample_vehicle_path()
    args = [a.format(prices=prices, vehicle=vehicle) for a in MISSING_LEDGER_ARGS[command]]
    args += ["--db", str(missing)]
    assert run(args) == 2
    err = capsys.readouterr().err
    assert _missing_message(missing) in err
    assert "Traceback" not in err
    assert _tree(tmp_path) == before  # no ledger, no folder, no output folder


def test_a_missing_ledger_named_by_the_environment_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nowhere" / "altsleeve.duckdb"
    monkeypatch.setenv("ALTSLEEVE_DB", str(missing))
    assert run(["marketdata", "load"]) == 2
    assert _missing_message(missing) in capsys.readouterr().err
    assert _tree(tmp_path) == set()


def test_library_opens_only_an_existing_ledger_unless_asked_to_create(tmp_path: Path) -> None:
    path = tmp_path / "new" / "book.duckdb"
    for read_only in (False, True):
        with pytest.raises(InputError, match="no ledger at"):
            Ledger(path, read_only=read_only)
    assert not path.parent.exists()
    with pytest.raises(ValueError, match="read-only"):
        Ledger(path, create=True, read_only=True)
    with Ledger(path, create=True) as led:
        assert led.schema_version == len(available_migrations())
        assert led.verify().ok and led.audit_log().empty
    assert sorted(p.name for p in path.parent.iterdir()) == ["book.duckdb"]  # no temp file left
    with Ledger(path, create=True) as led:  # an existing ledger is opened as it is
        assert led.schema_version == len(available_migrations())


def test_ledger_init_creates_once_then_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a" / "b" / "ledger.duckdb"
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert f"created an empty ledger at {db}" in capsys.readouterr().out
    before = fingerprint(db)
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert f"{db} is already an altsleeve ledger" in capsys.readouterr().out
    assert run(["ledger", "init", "--db", str(db), "--json"]) == 0
    assert '"created": false' in capsys.readouterr().out
    assert fingerprint(db) == before
    assert run(["ledger", "verify", "--db", str(db)]) == 0


def test_ledger_init_keeps_an_existing_ledger_with_its_facts(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db)
    assert run(["ledger", "init", "--db", str(db)]) == 0
    assert "already an altsleeve ledger" in capsys.readouterr().out
    assert fingerprint(db) == before


def _sqlite(path: Path) -> None:
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (a INTEGER)")
    con.commit()
    con.close()


def _duckdb_without_tables(path: Path) -> None:
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (a INTEGER)")
    con.execute("INSERT INTO t VALUES (1)")
    con.close()


NOT_A_DUCKDB_FILE = "(not a DuckDB file)"
NOT_ALTSLEEVE = "(a DuckDB file without altsleeve's schema_migrations and audit_log tables)"

# (id, make the file, the reason the message gives)
NON_LEDGERS: list[tuple[str, Callable[[Path], None], str]] = [
    ("sqlite", _sqlite, NOT_A_DUCKDB_FILE),
    ("csv", lambda p: p.write_text(PRICES), NOT_A_DUCKDB_FILE),
    ("empty", lambda p: p.write_bytes(b""), NOT_A_DUCKDB_FILE),
    ("short", lambda p: p.write_bytes(b"DUCK"), NOT_A_DUCKDB_FILE),
    ("duckdb_without_tables", _duckdb_without_tables, NOT_ALTSLEEVE),
]

COMMANDS = [
    ["ledger", "init"],
    ["ledger", "status"],
    ["ingest", "prices", "{prices}"],
    ["ingest", "prices", "{prices}", "--dry-run"],
    ["marketdata", "load"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a[:2]) + str(len(a)) for a in COMMANDS])
@pytest.mark.parametrize(
    ("make", "reason"), [c[1:] for c in NON_LEDGERS], ids=[c[0] for c in NON_LEDGERS]
)
def test_a_file_that_is_not_a_ledger_is_refused_untouched(
    make: Callable[[Path], None],
    reason: str,
    args: list[str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    prices = tmp_path / "p.csv"
    prices.write_text(PRICES)
    path = tmp_path / "book.db"
    make(path)
    digest, before = _sha(path), _tree(tmp_path)
    argv = [a.format(prices=prices) for a in args] + ["--db", str(path)]
    assert run(argv) == 2
    err = capsys.readouterr().err
    assert f"{path} is not an altsleeve ledger {reason}" in err
    assert "Traceback" not in err and "IO Error" not in err
    assert _sha(path) == digest
    assert _tree(tmp_path) == before  # no .wal, no extension download, nothing else


def test_a_folder_is_not_a_ledger(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (["ledger", "init"], ["ledger", "status"], ["marketdata", "load"]):
        assert run([*args, "--db", str(tmp_path)]) == 2
        assert f"{tmp_path} is not an altsleeve ledger (a folder)" in capsys.readouterr().err
    assert _tree(tmp_path) == set()
