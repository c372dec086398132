"""Numbered schema migrations for the ledger.

Owns applying ``migrations/NNNN_name.sql`` in order, once each, recording every applied version
with the checksum of its text so that an edited migration is detected. Must not write facts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import duckdb

_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    """One schema migration file."""

    version: int
    name: str
    sql: str

    @property
    def checksum(self) -> str:
        """SHA-256 (hex) of the migration's text."""
        return hashlib.sha256(self.sql.encode()).hexdigest()


def available_migrations() -> list[Migration]:
    """All migrations shipped with the package, ordered by version (1, 2, ...)."""
    found: list[Migration] = []
    for entry in resources.files("altsleeve.ledger").joinpath("migrations").iterdir():
        m = _NAME.match(entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text("utf-8")))
    found.sort(key=lambda x: x.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"ledger migrations are not numbered 1..N without gaps: {versions}")
    return found


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The highest applied migration version (0 for an empty database)."""
    exists = first_row(
        con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
        )
    )
    if not exists or exists[0] == 0:
        return 0
    row = first_row(con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations"))
    return int(row[0]) if row else 0


def migrate(con: duckdb.DuckDBPyConnection, now: dt.datetime) -> list[int]:
    """Apply every pending migration, each in its own transaction; return the versions applied.

    Raises
    ------
    RuntimeError
        If an applied migration's recorded checksum differs from the shipped file, or the
        database is newer than this software.

    """
    con.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
        "name VARCHAR NOT NULL, checksum VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    shipped = available_migrations()
    applied = {
        int(v): str(c)
        for v, c in con.execute("SELECT version, checksum FROM schema_migrations").fetchall()
    }
    if applied and max(applied) > len(shipped):
        raise RuntimeError(
            f"ledger schema version {max(applied)} is newer than this altsleeve "
            f"(knows {len(shipped)}); upgrade altsleeve"
        )
    done: list[int] = []
    for mig in shipped:
        if mig.version in applied:
            if applied[mig.version] != mig.checksum:
                raise RuntimeError(
                    f"ledger migration {mig.version:04d}_{mig.name} was edited after it was "
                    "applied (checksum differs); write a new migration instead"
                )
            continue
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(mig.sql)
            con.execute(
                "INSERT INTO schema_migrations VALUES (?, ?, ?, ?)",
                [mig.version, mig.name, mig.checksum, now],
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        done.append(mig.version)
    return done


def first_row(result: duckdb.DuckDBPyConnection) -> tuple[Any, ...] | None:
    """The first row of an executed query (fetching it to the end, as DuckDB requires)."""
    rows = result.fetchall()
    return tuple(rows[0]) if rows else None
