"""Two processes on one ledger: a bounded wait for the lock, a plain message, readers share.

A second process (a small ``python -c`` script that opens the ledger and sleeps) holds the file;
this test process is the other one. Every wait is bounded by ``ALTSLEEVE_LOCK_TIMEOUT``.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from altsleeve.cli import run
from altsleeve.ledger import LOCK_TIMEOUT_ENV
from tests.cli.commands import commands_with
from tests.conftest import fingerprint

HOLD = """
import sys, time
from altsleeve.ledger import Ledger
with Ledger(sys.argv[1], read_only=sys.argv[2] == "read") as led:
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
"""

CASHFLOW = "holding_id,date,kind,amount\nH1,2008-07-15,call,500\n"


@contextmanager
def held(db: Path, mode: str = "write", seconds: float = 60.0) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``db`` (``write`` or ``read``) until it sleeps ``seconds`` out."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode, str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "holding", "the holder did not open the ledger"
        yield proc
    finally:
        proc.kill()
        proc.wait(timeout=30)


def _holder_message(pid: int, db: Path) -> str:
    return f"another altsleeve run, PID {pid}, holds the ledger {db}; try again when it finishes"


def test_a_held_ledger_is_refused_after_the_wait_naming_the_holder(
    db: Path,
    write: Callable[[str, str | bytes], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = fingerprint(db)
    f = write("c.csv", CASHFLOW)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0.5")
    with held(db) as holder:
        for args in (["ingest", "cashflows", str(f)], ["ledger", "status"]):
            started = time.monotonic()
            assert run([*args, "--db", str(db)]) == 2
            waited = time.monotonic() - started
            err = capsys.readouterr().err
            assert _holder_message(holder.pid, db) in err
            assert "IO Error" not in err and "Conflicting lock" not in err
            assert "Traceback" not in err
            assert 0.5 <= waited < 15
    assert fingerprint(db) == before


def test_the_wait_ends_when_the_holder_finishes(
    db: Path,
    write: Callable[[str, str | bytes], Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    f = write("c.csv", CASHFLOW)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "60")
    with held(db, seconds=1.5):
        started = time.monotonic()
        assert run(["ingest", "cashflows", str(f), "--db", str(db)]) == 0
        waited = time.monotonic() - started
    assert "1 new" in capsys.readouterr().out
    assert 0.5 < waited < 30


def test_a_killed_holder_does_not_block(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0")
    with held(db) as holder:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
        assert run(["ledger", "status", "--db", str(db)]) == 0
        assert run(["ledger", "verify", "--db", str(db)]) == 0
    capsys.readouterr()


# Commands that write; every other command with --db must only read.
WRITERS = {"ingest", "marketdata load", "sample", "value", "strike", "ledger init"}
WRITERS |= {"vehicle register", "exceptions accept", "marketdata register"}
WRITERS |= {"users add", "users disable", "tokens issue", "tokens revoke"}
WRITERS |= {"serve"}  # the service is the ledger's single writer

READ_ARGS: dict[str, list[str]] = {
    "ingest --dry-run": ["ingest", "cashflows", "{cashflows}", "--dry-run"],
    "limits": ["limits"],
    "dilution": ["dilution"],
    "calls": ["calls", "--paths", "50"],
    "liquidity": ["liquidity", "--paths", "50"],
    "perf": ["perf", "--from-ledger"],
    "report": ["report", "--paths", "100", "--no-pdf"],
    "ledger verify": ["ledger", "verify"],
    "ledger status": ["ledger", "status"],
    "ledger log": ["ledger", "log"],
    "ledger export": ["ledger", "export", "statements"],
    "marketdata list": ["marketdata", "list"],
    "nav backtest": ["nav", "backtest"],
    "strike diff": ["strike", "diff", "--date", "2008-01-02"],
    "pacing plan": ["pacing", "plan", "--paths", "50"],
    "stress": ["stress"],
    "stress size-buffer": ["stress", "size-buffer"],
    "stress montecarlo": ["stress", "montecarlo", "--paths", "100", "--workers", "0"],
    "vehicle list": ["vehicle", "list"],
    "vehicle show": ["vehicle", "show"],
    "exceptions list": ["exceptions", "list"],
    "valuation test": ["valuation", "test", "--as-of", "2008-01-04"],
    "users list": ["users", "list"],
}


def test_every_reading_command_is_listed() -> None:
    assert set(READ_ARGS) - {"ingest --dry-run"} == commands_with("--db") - WRITERS


def test_reading_commands_open_read_only_beside_another_reader(
    db: Path,
    write: Callable[[str, str | bytes], Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A reader holds the file: readers may share it, a writer must wait (here: not at all)."""
    f = write("c.csv", CASHFLOW)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "0")
    with held(db, mode="read") as holder:
        for name, args in READ_ARGS.items():
            run([*(a.format(cashflows=f) for a in args), "--db", str(db)])
            err = capsys.readouterr().err
            assert "holds the ledger" not in err, (name, err)
        # the check has teeth: a command that writes cannot open beside the reader
        assert run(["ingest", "cashflows", str(f), "--db", str(db)]) == 2
        assert _holder_message(holder.pid, db) in capsys.readouterr().err


def test_a_bad_lock_timeout_is_named(
    db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(LOCK_TIMEOUT_ENV, "soon")
    assert run(["ledger", "status", "--db", str(db)]) == 2
    assert "$ALTSLEEVE_LOCK_TIMEOUT: 'soon' is not a number of seconds" in capsys.readouterr().err
