"""The audit log's actor (migration 0005): hashed when set, absent from older entries' hashes.

A ledger written at schema 4 (before the actor existed) migrates and still verifies; entries
written without an actor hash exactly as before; an edited actor breaks its entry's hash.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd

from altsleeve.ledger import Ledger
from altsleeve.ledger._hashing import GENESIS_HASH, content_hash, entry_hash, row_hash
from altsleeve.ledger._migrations import available_migrations

T0 = dt.datetime(2026, 1, 5, 12, 0)


def _schema4_ledger(path: Path) -> None:
    """A ledger as altsleeve wrote it at schema 4: one price row and its audit entry."""
    con = duckdb.connect(str(path))
    con.execute(
        "CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
        "checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    for m in available_migrations()[:4]:
        con.execute(m.sql)
        con.execute(
            "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)", [m.version, m.name, m.checksum, T0]
        )
    stored = ["EQ", dt.date(2026, 1, 2), 1, 100.5, dt.date(2026, 1, 2), T0, 1]
    rh = row_hash(stored)
    con.execute("INSERT INTO prices VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [*stored, rh])
    fields = [1, T0, "ingest", "prices", "p.csv", "", 1, content_hash([rh]), "{}"]
    con.execute(
        "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [*fields, GENESIS_HASH, entry_hash(GENESIS_HASH, fields)],
    )
    con.close()


def _user(name: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "name": name,
                "roles": "viewer",
                "password_hash": "$argon2id$placeholder",
                "status": "active",
                "created_by": "root",
                "known_on": dt.date(2026, 1, 6),
            }
        ]
    )


def test_schema4_ledger_migrates_and_verifies_with_and_without_actors(tmp_path: Path) -> None:
    db = tmp_path / "old.duckdb"
    _schema4_ledger(db)
    with Ledger(db) as led:
        assert led.schema_version == len(available_migrations())
        assert led.verify().ok
        assert led.audit_log()["actor"].isna().all()
        led.append("users", _user("ann"), action="user_add", source="t", actor="root")
        led.append("users", _user("bob"), action="user_add", source="t")  # no actor
        with led.acting_as("carol"):
            led.append("users", _user("cat"), action="user_add", source="t")
        log = led.audit_log().set_index("seq")
        assert [log.loc[s, "actor"] for s in (2, 4)] == ["root", "carol"]
        assert pd.isna(log.loc[3, "actor"])
        rep = led.verify()
        assert rep.ok, rep.problems
    # the entry written without an actor hashes as an entry did before 0005
    e = log.loc[3]
    fields = [3, *(e[c] for c in ("recorded_at", "action", "target_table", "source"))]
    fields += [e["source_sha256"], int(e["n_rows"]), e["content_hash"], e["detail"]]
    fields[1] = pd.Timestamp(fields[1]).to_pydatetime()
    assert entry_hash(str(e["prev_hash"]), fields) == e["entry_hash"]


def test_an_edited_actor_is_detected(tmp_path: Path) -> None:
    db = tmp_path / "new.duckdb"
    with Ledger(db, create=True) as led:
        led.append("users", _user("ann"), action="user_add", source="t", actor="root")
        led.append("users", _user("bob"), action="user_add", source="t")
    for sql in (
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 1",
        "UPDATE audit_log SET actor = 'mallory' WHERE seq = 2",
    ):
        copy = tmp_path / f"t{sql[-1]}.duckdb"
        copy.write_bytes(db.read_bytes())
        con = duckdb.connect(str(copy))
        con.execute(sql)
        con.close()
        with Ledger(copy, read_only=True) as led:
            problems = led.verify().problems
        assert any("was edited" in p for p in problems), problems
