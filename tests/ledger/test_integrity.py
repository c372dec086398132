"""Tamper detection (ledger verify), kill-mid-ingest atomicity and numbered migrations."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest

from altsleeve.cli import run
from altsleeve.ledger import FACT_TABLES, FAULT_PAUSE_ENV, Ledger
from altsleeve.ledger._migrations import available_migrations
from tests.conftest import fingerprint


def _tamper(db: Path, sql: str) -> None:
    con = duckdb.connect(str(db))
    con.execute(sql)
    con.close()


def test_verify_passes_on_untouched_ledger(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ledger", "verify", "--db", str(db)]) == 0
    assert "ledger OK" in capsys.readouterr().out


def test_verify_catches_an_edited_row(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _tamper(db, "UPDATE statements SET nav = nav * 1.1 WHERE holding_id = 'H2'")
    assert run(["ledger", "verify", "--db", str(db)]) == 1
    err = capsys.readouterr().err
    assert "statements: row (holding_id=H2, as_of=2008-06-30" in err
    assert "was edited" in err


def test_verify_catches_an_edit_that_also_fixes_the_row_hash(db: Path) -> None:
    with Ledger(db, read_only=True) as led:
        row = led.history("statements").iloc[0]
    _tamper(
        db,
        "UPDATE statements SET nav = 1, row_hash = 'f' || substr(row_hash, 2) "
        f"WHERE holding_id = '{row.holding_id}' AND as_of = DATE '{row.as_of.date()}'",
    )
    with Ledger(db, read_only=True) as led:
        rep = led.verify()
    assert not rep.ok


def test_verify_catches_a_deleted_row(db: Path) -> None:
    _tamper(db, "DELETE FROM statements WHERE holding_id = 'H1' AND as_of = DATE '2008-03-31'")
    with Ledger(db, read_only=True) as led:
        rep = led.verify()
    assert any("rows deleted" in p for p in rep.problems)


def test_verify_catches_an_inserted_row(db: Path) -> None:
    _tamper(
        db,
        "INSERT INTO prices SELECT series_id, DATE '2008-01-07', 1, level, known_on, "
        "recorded_at, batch_id, row_hash FROM prices LIMIT 1",
    )
    with Ledger(db, read_only=True) as led:
        assert not led.verify().ok


def test_verify_catches_an_edited_or_deleted_audit_entry(db: Path) -> None:
    _tamper(db, "UPDATE audit_log SET source = 'elsewhere.csv' WHERE seq = 2")
    with Ledger(db, read_only=True) as led:
        assert any("entry 2 was edited" in p for p in led.verify().problems)
    _tamper(db, "DELETE FROM audit_log WHERE seq = 1")
    with Ledger(db, read_only=True) as led:
        assert not led.verify().ok


def test_verify_json(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ledger", "verify", "--db", str(db), "--json"]) == 0
    assert '"ok": true' in capsys.readouterr().out


def _big_prices(path: Path, n: int) -> Path:
    import datetime as dt

    start = dt.date(1950, 1, 1)
    lines = ["series,date,level"]
    lines += [f"BIG,{start + dt.timedelta(days=i)},{100 + i * 0.01:.2f}" for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _ingest_cmd(db: Path, f: Path) -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from altsleeve.cli import run; "
        f"sys.exit(run(['ingest', 'prices', {str(f)!r}, '--db', {str(db)!r}]))",
    ]


def test_sigkill_inside_the_transaction_leaves_nothing(db: Path, tmp_path: Path) -> None:
    before = fingerprint(db)
    flag = tmp_path / "in-transaction.flag"
    env = {**os.environ, FAULT_PAUSE_ENV: str(flag)}
    proc = subprocess.Popen(_ingest_cmd(db, _big_prices(tmp_path / "big.csv", 20_000)), env=env)
    deadline = time.monotonic() + 60
    while not flag.exists():
        assert proc.poll() is None, "ingest ended before reaching the commit"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert fingerprint(db) == before
    with Ledger(db, read_only=True) as led:
        assert led.verify().ok
        assert "BIG" not in set(led.history("prices").series_id)


@pytest.mark.parametrize("delay", [0.3, 0.8, 1.3, 2.0])
def test_sigkill_at_any_moment_leaves_all_or_none(db: Path, tmp_path: Path, delay: float) -> None:
    n = 20_000
    proc = subprocess.Popen(_ingest_cmd(db, _big_prices(tmp_path / "big.csv", n)))
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with Ledger(db) as led:
        rows = int((led.history("prices").series_id == "BIG").sum())
        assert rows in (0, n)
        assert led.verify().ok


def test_migrations_are_numbered_and_recorded(db: Path) -> None:
    migs = available_migrations()
    assert [m.version for m in migs] == list(range(1, len(migs) + 1))
    con = duckdb.connect(str(db), read_only=True)
    applied = con.execute("SELECT version, checksum FROM schema_migrations ORDER BY 1").fetchall()
    con.close()
    assert applied == [(m.version, m.checksum) for m in migs]


def test_schema_matches_table_specs(db: Path) -> None:
    con = duckdb.connect(str(db), read_only=True)
    for name, spec in FACT_TABLES.items():
        cols = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [name],
            ).fetchall()
        ]
        assert tuple(cols) == spec.columns, name
    con.close()


def test_edited_migration_is_detected(db: Path) -> None:
    _tamper(db, "UPDATE schema_migrations SET checksum = 'x' WHERE version = 1")
    with pytest.raises(RuntimeError, match="edited after it was applied"):
        Ledger(db)


def test_read_only_open_of_missing_ledger_is_input_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["ledger", "status", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert "no ledger at" in capsys.readouterr().err


def test_dry_run_writes_nothing(
    db: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db)
    f = write("c.csv", "holding_id,date,kind,amount\nH1,2008-07-15,call,500\n")
    assert run(["ingest", "cashflows", str(f), "--db", str(db), "--dry-run"]) == 0
    assert "nothing written" in capsys.readouterr().out
    assert fingerprint(db) == before
