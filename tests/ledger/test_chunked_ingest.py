"""Chunked price ingest gives exactly what the whole-file ingest gave (golden values).

The golden file was written by the row-by-row ingest before it was made chunked: ledger content
(row hashes, audit chain), results, and error texts (file, row, line, column, message) must not
change, whatever the chunk size.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import tempfile
from pathlib import Path

import pytest

from altsleeve.errors import MAX_PROBLEMS, InputError
from altsleeve.ledger import Ledger, _ingest, check_file, ingest_file
from altsleeve.ledger._hashing import content_hash, content_hash_of_digests
from tests.conftest import register_series
from tests.ledger.scale_scenarios import GOLDEN, run_scenarios


@pytest.mark.parametrize("chunk_rows", [None, 7, 1000])
def test_price_ingest_matches_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int | None
) -> None:
    if chunk_rows is not None:
        monkeypatch.setattr(_ingest, "CHUNK_ROWS", chunk_rows, raising=False)
    golden = json.loads(GOLDEN.read_text())
    got = json.loads(json.dumps(run_scenarios(tmp_path), sort_keys=True))
    assert sorted(got) == sorted(golden)
    for name in golden:
        assert got[name] == golden[name], name


def test_content_hash_of_digests_matches_content_hash() -> None:
    rng = random.Random(5)
    hashes = [f"{rng.getrandbits(256):064x}" for _ in range(70_001)]
    hashes += ["00" * 32, "ff" * 31 + "00", "00" * 31 + "01"]
    digests = bytearray(b"".join(bytes.fromhex(h) for h in hashes))
    assert content_hash_of_digests(digests) == content_hash(hashes)
    assert content_hash_of_digests(bytearray()) == content_hash([])


def test_price_dry_run_counts_rows_and_stages_nothing(tmp_path: Path) -> None:
    db = tmp_path / "l.duckdb"
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"A": "equity", "B": "equity"})
    p = tmp_path / "p.csv"
    p.write_text(
        "series,date,level\n"
        + "".join(f"{s},2020-01-{d:02d},{100 + d}\n" for s in "AB" for d in range(1, 29))
    )
    with Ledger(db, read_only=True) as led:
        checked = check_file(led, "prices", p, today=dt.date(2026, 1, 1))
        assert checked.row_count == 56
        assert checked.moves == ()
        tables = led._con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_name LIKE '_staged%'"
        ).fetchall()
        assert tables == []


def test_staged_conflicts_are_capped_and_counted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_ingest, "CHUNK_ROWS", 13)
    db = tmp_path / "l.duckdb"
    rows = [(s, f"2020-{m:02d}-{d:02d}") for s in "AB" for m in (1, 2) for d in range(1, 29)]
    first = tmp_path / "p1.csv"
    first.write_text("series,date,level\n" + "".join(f"{s},{d},100\n" for s, d in rows))
    second = tmp_path / "p2.csv"
    second.write_text("series,date,level\n" + "".join(f"{s},{d},101\n" for s, d in rows))
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"A": "equity", "B": "equity"})
        ingest_file(led, "prices", first, today=dt.date(2026, 1, 1))
        before = led.content_fingerprint()
        with pytest.raises(InputError) as err:
            ingest_file(led, "prices", second, today=dt.date(2026, 1, 1))
        assert err.value.total == len(rows)
        assert len(err.value.problems) == MAX_PROBLEMS
        assert [p.row for p in err.value.problems] == list(range(1, MAX_PROBLEMS + 1))
        assert "level: recorded 100.0, file has 101.0" in err.value.problems[0].message
        assert led.content_fingerprint() == before
        rep = ingest_file(
            led, "prices", second, restate=True, reason="fix", today=dt.date(2026, 1, 1)
        )
        assert (rep.result.new, rep.result.restated, rep.result.unchanged) == (0, len(rows), 0)
        assert led.verify().ok


def test_staged_write_leaves_nothing_behind_and_rolls_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The hashed rows go through a Parquet file in the staging folder, inserted by one
    # INSERT ... SELECT inside the transaction: a failure after it leaves the ledger unchanged,
    # and the folder (with the file) is removed whether the ingest succeeds or fails.
    monkeypatch.setattr(_ingest, "CHUNK_ROWS", 11)
    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    db = tmp_path / "l.duckdb"
    p = tmp_path / "p.csv"
    p.write_text(
        "series,date,level\n"
        + "".join(f"{s},2020-01-{d:02d},{100 + d}\n" for s in "AB" for d in range(1, 29))
    )
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"A": "equity", "B": "equity"})
        before = led.content_fingerprint()
        n_audit = len(led.audit_log())

        def boom(*_: object, **__: object) -> None:
            raise RuntimeError("audit write failed")

        with monkeypatch.context() as m:
            m.setattr(Ledger, "_append_audit", boom)
            with pytest.raises(RuntimeError, match="audit write failed"):
                ingest_file(led, "prices", p, today=dt.date(2026, 1, 1))
        assert list(temp.iterdir()) == []
        assert led.content_fingerprint() == before
        assert len(led.audit_log()) == n_audit
        assert int((led.history("prices").series_id.isin(["A", "B"])).sum()) == 0
        rep = ingest_file(led, "prices", p, today=dt.date(2026, 1, 1))
        assert rep.result.new == 56
        assert list(temp.iterdir()) == []
        assert led.verify().ok


def test_staging_left_by_a_killed_ingest_is_swept_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SIGKILLed ingest cannot remove its staging folder; the next large write removes the
    # folders whose process is gone and never one whose process still runs.
    import os
    import subprocess
    import sys

    temp = tmp_path / "tmp"
    temp.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    )
    dead = temp / f"altsleeve-stage-{int(gone.stdout)}-abc"
    (dead / "stage.duckdb").parent.mkdir()
    (dead / "stage.duckdb").write_text("left behind")
    alive = temp / f"altsleeve-stage-{os.getpid()}-xyz"
    alive.mkdir()
    other = temp / "altsleeve-stage-notapid"
    other.mkdir()
    db = tmp_path / "l.duckdb"
    p = tmp_path / "p.csv"
    p.write_text(
        "series,date,level\n" + "".join(f"A,2020-01-{d:02d},{100 + d}\n" for d in range(1, 9))
    )
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"A": "equity"})
        ingest_file(led, "prices", p, today=dt.date(2026, 1, 1))
    assert not dead.exists()
    assert alive.exists() and other.exists()
