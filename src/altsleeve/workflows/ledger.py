"""The ledger's own use cases: create, verify, read its state and audit log, export, ingest a file.

Owns what ``altsleeve ledger init/verify/status/log/export`` and ``altsleeve ingest`` compute,
each returning a typed result whose ``to_dict()`` is the command's ``--json``. Must not print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from altsleeve.common.progress import ProgressFn, quiet
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import KNOWLEDGE_TABLES, Ledger, export_frame, ingest_file
from altsleeve.ledger._ingest import check_file

#: The columns of ``altsleeve ledger log``'s table, in order.
LOG_COLUMNS = ("seq", "recorded_at", "action", "target_table", "n_rows", "source", "entry_hash")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict(orient="records")]


# -- init --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerInit:
    """What ``init_ledger`` found or made: the file, whether it was created, its schema."""

    db: str
    created: bool
    schema_version: int

    def to_dict(self) -> dict[str, Any]:
        """``{"db", "created", "schema_version"}``."""
        return {"db": self.db, "created": self.created, "schema_version": self.schema_version}


def init_ledger(db: Path) -> LedgerInit:
    """Create an empty ledger at ``db`` (with its folders) unless one is there already."""
    existed = db.exists()
    with Ledger(db, create=True) as led:
        version = led.schema_version
    return LedgerInit(str(db), not existed, int(version))


# -- verify ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerVerification:
    """The audit hash chain checked: entries, rows, the head hash and any problem found."""

    ok: bool
    entries: int
    rows: int
    head_hash: str | None
    problems: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """``{"ok", "entries", "rows", "head_hash", "problems"}``."""
        return {
            "ok": self.ok,
            "entries": self.entries,
            "rows": self.rows,
            "head_hash": self.head_hash,
            "problems": self.problems,
        }


def verify_ledger(ledger: Ledger, progress: ProgressFn = quiet) -> LedgerVerification:
    """Check the audit hash chain and every row against it."""
    rep = ledger.verify(progress)
    return LedgerVerification(rep.ok, rep.entries, rep.rows, rep.head_hash, list(rep.problems))


# -- status ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LedgerStatus:
    """Rows and keys per table, the schema version and the newest audit entry."""

    db: str
    schema_version: int
    tables: dict[str, dict[str, int]]
    last_entry: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """``{"db", "schema_version", "tables", "last_entry"}``."""
        return {
            "db": self.db,
            "schema_version": self.schema_version,
            "tables": self.tables,
            "last_entry": self.last_entry,
        }


def ledger_status(ledger: Ledger) -> LedgerStatus:
    """The ledger's tables (rows, keys), schema version and newest audit entry."""
    counts = ledger.counts()
    version = ledger.schema_version
    log = ledger.audit_log(limit=1)
    head = log.iloc[0].to_dict() if len(log) else {}
    return LedgerStatus(
        db=str(ledger.path),
        schema_version=version,
        tables=counts,
        last_entry={
            k: head.get(k) for k in ("seq", "recorded_at", "action", "target_table", "source")
        },
    )


# -- log ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditLog:
    """The newest audit entries, newest first (one dict per entry)."""

    entries: list[dict[str, Any]]

    def to_dict(self) -> list[dict[str, Any]]:
        """The entries as a list of rows."""
        return self.entries


def audit_log(ledger: Ledger, limit: int = 20) -> AuditLog:
    """The audit log, newest first: who wrote what, from which file, with which hash."""
    return AuditLog(_records(ledger.audit_log(limit=limit)))


# -- export ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TableExport:
    """A table as known on a date (latest version of each key known then), as a frame."""

    table: str
    frame: pd.DataFrame

    def to_dict(self) -> list[dict[str, Any]]:
        """The rows."""
        return _records(self.frame)


def check_export_table(table: str) -> None:
    """Refuse a table that cannot be exported."""
    if table not in KNOWLEDGE_TABLES:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"unknown table {table!r}; expected one of {', '.join(KNOWLEDGE_TABLES)}",
                    column="TABLE",
                )
            ]
        )


def export_table(
    ledger: Ledger,
    table: str,
    *,
    known_on: dt.date | None = None,
    recorded_at: dt.datetime | None = None,
    with_bookkeeping: bool = False,
) -> TableExport:
    """``table`` as known on ``known_on`` (default: everything) and recorded by ``recorded_at``.

    A date that empties a table holding rows is refused: nothing in it was known then.
    """
    check_export_table(table)
    frame = export_frame(
        ledger,
        table,
        known_on=known_on or dt.date(2100, 12, 31),
        recorded_at=recorded_at,
        with_bookkeeping=with_bookkeeping,
    )
    if frame.empty and (known_on is not None or recorded_at is not None):
        _explain_empty_export(ledger, table, known_on, recorded_at)
    return TableExport(table, frame)


def _explain_empty_export(
    led: Ledger, table: str, day: dt.date | None, rec: dt.datetime | None
) -> None:
    """Refuse a date that empties a table with rows: it is before anything in it was known."""
    every = led.history(table)
    if every.empty:
        return  # an empty table exports as its header, whatever the date
    if rec is not None and not (every["recorded_at"] <= pd.Timestamp(rec)).any():
        first = pd.Timestamp(every["recorded_at"].min())
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"nothing in {table} was recorded by {rec} (the first row was recorded at "
                    f"{first})",
                    column="--recorded-at",
                )
            ]
        )
    known = every["known_on"] if "known_on" in every.columns else every["recorded_at"]
    first_known = pd.Timestamp(known.min()).date()
    raise InputError(
        [
            Problem(
                "<args>",
                f"nothing in {table} was known on {day} (the first fact was known on "
                f"{first_known})",
                column="--as-known-on",
            )
        ]
    )


# -- ingest ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class IngestOutcome:
    """What ingesting a file did (``dry_run``: validated only, nothing written)."""

    kind: str
    file: str
    rows: int
    dry_run: bool
    sha256: str | None = None
    new: int = 0
    restated: int = 0
    unchanged: int = 0
    batch_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """A dry run: ``{kind, file, rows, valid, written}``; else the rows new, restated..."""
        if self.dry_run:
            return {
                "kind": self.kind,
                "file": self.file,
                "rows": self.rows,
                "valid": True,
                "written": 0,
            }
        return {
            "kind": self.kind,
            "file": self.file,
            "sha256": self.sha256,
            "rows": self.rows,
            "new": self.new,
            "restated": self.restated,
            "unchanged": self.unchanged,
            "batch_id": self.batch_id,
        }


def check_ingest_options(*, restate: bool, reason: str | None, accept_move: bool) -> None:
    """Refuse ``accept_move`` or ``restate`` without a reason."""
    if accept_move and not reason:
        raise InputError([Problem("<args>", "--accept-move needs --reason", column="--reason")])
    if restate and not (reason or "").strip():
        raise InputError(
            [
                Problem(
                    "<args>",
                    "--restate needs --reason TEXT: why the rows are restated (kept in the audit "
                    "log)",
                    column="--reason",
                )
            ]
        )


def ingest(
    ledger: Ledger,
    kind: str,
    file: Path,
    *,
    restate: bool = False,
    reason: str | None = None,
    accept_move: bool = False,
    dry_run: bool = False,
    progress: ProgressFn = quiet,
) -> IngestOutcome:
    """Validate a file completely, then (unless ``dry_run``) append it in one transaction."""
    check_ingest_options(restate=restate, reason=reason, accept_move=accept_move)
    if dry_run:
        checked = check_file(ledger, kind, file, accept_move=accept_move, progress=progress)
        return IngestOutcome(kind, str(file), checked.row_count, True)
    rep = ingest_file(
        ledger,
        kind,
        file,
        restate=restate,
        reason=reason,
        accept_move=accept_move,
        progress=progress,
    )
    r = rep.result
    return IngestOutcome(
        rep.kind,
        rep.path,
        rep.rows_read,
        False,
        sha256=rep.sha256,
        new=r.new,
        restated=r.restated,
        unchanged=r.unchanged,
        batch_id=r.batch_id,
    )


__all__ = [
    "LOG_COLUMNS",
    "AuditLog",
    "IngestOutcome",
    "LedgerInit",
    "LedgerStatus",
    "LedgerVerification",
    "TableExport",
    "audit_log",
    "check_export_table",
    "check_ingest_options",
    "export_table",
    "ingest",
    "init_ledger",
    "ledger_status",
    "verify_ledger",
]
