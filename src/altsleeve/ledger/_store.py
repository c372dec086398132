"""The ledger store: an embedded DuckDB file, append-only and bitemporal, with an audit hash chain.

Owns every read and write of the ledger file. Each fact row carries a business key, a version
(1, 2, ... per key), the date it became known in the world (``known_on``), the time the ledger
recorded it (``recorded_at``, UTC) and the batch that wrote it. Nothing is ever updated or
deleted: a correction is a new version. Each write is one transaction together with its audit
entry, so a killed process leaves all or none of a batch.

Opening is strict: only ``Ledger(path, create=True)`` makes a new file, any file is checked to be
an altsleeve ledger (DuckDB's header, then altsleeve's tables) before DuckDB writes to it, and a
lock held by another process is waited for, for a bounded time, then reported with its PID.

A large file's validated rows are staged, checked and written without holding them in memory
(:meth:`Ledger.stage`, :meth:`Ledger.append_staged`): the staging is a DuckDB database of its own
in a temporary folder, removed when done; ``verify`` streams the tables.

Must not parse user files or validate their fields (``_files``/``_validate`` do that), and must
not compute any estimate: it stores and returns facts.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from altsleeve.errors import MAX_PROBLEMS, InputError, Problem
from altsleeve.ledger._hashing import (
    GENESIS_HASH,
    content_hash,
    content_hash_of_digests,
    entry_hash,
    row_hash,
)
from altsleeve.ledger._migrations import available_migrations, current_version, first_row, migrate
from altsleeve.ledger._schema import (
    ACCESS_TABLES,
    DERIVED_TABLES,
    FACT_TABLES,
    KNOWLEDGE_TABLES,
    OPERATIONS_TABLES,
    FactTable,
)

#: Default ledger path, relative to the working directory.
DEFAULT_DB = Path("altsleeve.duckdb")

#: Environment variable naming a file (``FILE`` or ``FILE#N``): when set, the N-th write (default
#: the first) pauses before COMMIT after creating that file. Used only by the kill tests to
#: SIGKILL a process inside a transaction.
FAULT_PAUSE_ENV = "ALTSLEEVE_FAULT_PAUSE_BEFORE_COMMIT"

#: Environment variable: seconds an open waits for another process's lock on the ledger file.
LOCK_TIMEOUT_ENV = "ALTSLEEVE_LOCK_TIMEOUT"

#: Seconds an open waits for another process's lock when ``ALTSLEEVE_LOCK_TIMEOUT`` is not set.
DEFAULT_LOCK_TIMEOUT = 30.0

#: DuckDB files carry this magic at byte offset 8 (after a checksum).
DUCKDB_MAGIC = b"DUCK"
DUCKDB_MAGIC_OFFSET = 8

#: DuckDB's memory limit while the ledger is verified (a stream of every row).
BOUNDED_MEMORY = "500MB"

#: DuckDB's memory limit for the staging database of a large ingest (its data stays on disk).
STAGING_MEMORY = "500MB"

#: Rows read at a time when a query's result is streamed (``verify``).
_STREAM_ROWS = 100_000

_LOCK_HOLDER = re.compile(r"\(PID (\d+)\)")

_ARROW_TYPES: dict[str, pa.DataType] = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "DOUBLE": pa.float64(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "BOOLEAN": pa.bool_(),
    "TIMESTAMP": pa.timestamp("us"),
}


def utc_now() -> dt.datetime:
    """The current UTC time as a naive ``datetime`` (the ledger stores UTC without zone)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _lock_timeout_from_env() -> float:
    """Seconds to wait for another process's lock: ``$ALTSLEEVE_LOCK_TIMEOUT``, else 30."""
    text = os.environ.get(LOCK_TIMEOUT_ENV, "").strip()
    if not text:
        return DEFAULT_LOCK_TIMEOUT
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0:
        raise InputError(
            [Problem(f"${LOCK_TIMEOUT_ENV}", f"{text!r} is not a number of seconds >= 0")]
        )
    return value


def _missing_message(path: Path) -> str:
    return f"no ledger at {path} (create one with `altsleeve ledger init --db {path}`)"


def _not_a_ledger(path: Path, why: str) -> InputError:
    return InputError([Problem(str(path), f"{path} is not an altsleeve ledger ({why})")])


def _check_duckdb_file(path: Path) -> None:
    """Refuse a folder, an empty file or any file without DuckDB's header, before DuckDB reads it.

    DuckDB would try to read (for a SQLite file even download an extension for) whatever it is
    given; its files carry ``DUCK`` at byte offset 8.
    """
    if path.is_dir():
        raise _not_a_ledger(path, "a folder")
    try:
        with path.open("rb") as f:
            head = f.read(len(DUCKDB_MAGIC) + DUCKDB_MAGIC_OFFSET)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot read the ledger: {exc.strerror or exc}")]
        ) from exc
    if head[DUCKDB_MAGIC_OFFSET:] != DUCKDB_MAGIC:
        raise _not_a_ledger(path, "not a DuckDB file")


def _check_altsleeve_tables(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Refuse a DuckDB file without altsleeve's bookkeeping tables (nothing is written to it)."""
    found = {
        str(r[0])
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_name IN ('schema_migrations', 'audit_log')"
        ).fetchall()
    }
    if found != {"schema_migrations", "audit_log"}:
        raise _not_a_ledger(
            path, "a DuckDB file without altsleeve's schema_migrations and audit_log tables"
        )


def _connect(path: Path, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Connect, retrying while another process holds the file's lock for up to ``wait`` seconds.

    DuckDB's lock is the operating system's file lock, released when its holder exits or is
    killed, so a dead holder never blocks. The holder's PID is read from DuckDB's message.
    """
    deadline = time.monotonic() + wait
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            text = str(exc)
            if "lock" not in text.lower():
                raise _unopenable(path, exc) from exc
            left = deadline - time.monotonic()
            if left <= 0:
                holder = _LOCK_HOLDER.search(text)
                who = (
                    f"another altsleeve run, PID {holder.group(1)},"
                    if holder
                    else ("another altsleeve run")
                )
                raise InputError(
                    [
                        Problem(
                            str(path),
                            f"{who} holds the ledger {path}; try again when it finishes",
                        )
                    ]
                ) from None
            time.sleep(min(pause, left))
            pause = min(pause * 2, 0.5)
        except duckdb.Error as exc:
            raise _unopenable(path, exc) from exc


def _unopenable(path: Path, exc: Exception) -> InputError:
    return InputError([Problem(str(path), f"cannot open as a ledger: {str(exc).splitlines()[0]}")])


def _create_ledger(path: Path, now: dt.datetime, wait: float) -> None:
    """Build a migrated, empty ledger beside ``path`` and move it into place whole.

    A run killed meanwhile leaves at most a hidden ``.NAME.PID.creating`` file, never a
    half-migrated ledger at ``path``. When another process creates ``path`` first, theirs is kept.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot create the ledger's folder: {exc.strerror or exc}")]
        ) from exc
    tmp = path.with_name(f".{path.name}.{os.getpid()}.creating")
    try:
        con = _connect(tmp, False, wait)
        try:
            migrate(con, now)
        finally:
            con.close()
        try:
            os.link(tmp, path)  # never replaces a file that appeared meanwhile
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    except OSError as exc:
        raise InputError(
            [Problem(str(path), f"cannot create the ledger: {exc.strerror or exc}")]
        ) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)


@dataclass(frozen=True)
class AppendResult:
    """What one write did.

    Attributes
    ----------
    table : str
        Target table.
    new : int
        Rows for keys the ledger had not seen (version 1).
    restated : int
        Rows recorded as a new version of an existing key.
    unchanged : int
        Rows identical to the latest version already recorded (skipped).
    batch_id : int | None
        The audit sequence number of the write, ``None`` when nothing was written.

    """

    table: str
    new: int
    restated: int
    unchanged: int
    batch_id: int | None

    @property
    def written(self) -> int:
        """Rows written (new plus restated)."""
        return self.new + self.restated


#: Staging folders are named ``altsleeve-stage-<pid>-<random>`` in the temporary directory.
STAGE_PREFIX = "altsleeve-stage-"
_STAGE_NAME = re.compile(re.escape(STAGE_PREFIX) + r"(\d+)-")


def _pid_alive(pid: int) -> bool:
    """Whether a process with this id exists (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def sweep_stale_staging(folder: Path) -> list[Path]:
    """Remove the staging folders left in ``folder`` by ingests whose process no longer exists.

    An ingest that is killed (SIGKILL, power loss) cannot remove its staging folder; the next
    large write sweeps them. Only folders named with a process id that is not running are removed,
    so a concurrent ingest's folder (another ledger, another process) is never touched. Returns
    the folders removed.
    """
    removed: list[Path] = []
    for entry in folder.glob(f"{STAGE_PREFIX}*"):
        m = _STAGE_NAME.match(entry.name)
        if m is None or not entry.is_dir() or _pid_alive(int(m.group(1))):
            continue
        shutil.rmtree(entry, ignore_errors=True)
        removed.append(entry)
    return removed


@dataclass(frozen=True)
class LedgerSnapshot:
    """The ledger as known on a date (and as recorded by a time): one DataFrame per table.

    Each frame holds, per business key, the latest version whose ``known_on`` is on or before
    ``known_on`` and whose ``recorded_at`` is on or before ``recorded_at``. Synthetic truth is
    never part of a snapshot.
    """

    known_on: dt.date
    recorded_at: dt.datetime
    tables: Mapping[str, pd.DataFrame]

    def __getattr__(self, name: str) -> pd.DataFrame:
        """Access a table as an attribute: ``snapshot.statements``."""
        tables = self.__dict__.get("tables", {})
        if name in tables:
            frame: pd.DataFrame = tables[name]
            return frame
        raise AttributeError(name)


@dataclass
class VerifyReport:
    """Result of ``Ledger.verify``: ``ok`` when the chain and every row check out."""

    entries: int = 0
    rows: int = 0
    head_hash: str = GENESIS_HASH
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems


class Ledger:
    """An altsleeve ledger file.

    Only ``create=True`` makes a new file (``altsleeve ledger init`` and the demo use it); every
    other open of a missing path is refused, so a typo in a path never starts an empty ledger.
    A file is checked before DuckDB reads it: it must carry DuckDB's header and altsleeve's
    ``schema_migrations`` and ``audit_log`` tables. DuckDB lets one process write a file (or
    several read it): an open that meets another process's lock retries until ``lock_timeout``
    seconds have passed, then names that process.

    Parameters
    ----------
    path : str or Path
        DuckDB file.
    create : bool
        Create (and migrate) the file when it is missing, with its parent folders. The new file
        appears whole: it is built beside the path and moved into place once migrated. An
        existing file must already be an altsleeve ledger.
    read_only : bool
        Open without write access (several readers may share the file). Cannot be combined
        with ``create``.
    clock : callable, optional
        Returns the current UTC time as a naive ``datetime``; defaults to the system clock.
        Recorded times are forced to increase strictly from one batch to the next.
    lock_timeout : float, optional
        Seconds to wait for another process's lock on the file (default: the
        ``ALTSLEEVE_LOCK_TIMEOUT`` environment variable, else 30).

    Raises
    ------
    InputError
        No file at ``path`` (without ``create``); the file is not an altsleeve ledger (not a
        DuckDB file, or one without altsleeve's tables; it is left as it was); another process
        held it for longer than ``lock_timeout``; its schema cannot be used.

    Examples
    --------
    >>> with Ledger("book.duckdb", create=True) as led:  # doctest: +SKIP
    ...     snap = led.as_known_on(dt.date(2008, 12, 31))
    ...     snap.statements.head()

    """

    def __init__(
        self,
        path: str | Path = DEFAULT_DB,
        *,
        create: bool = False,
        read_only: bool = False,
        clock: Callable[[], dt.datetime] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        if create and read_only:
            raise ValueError("a ledger cannot be created read-only")
        self.path = Path(path)
        self._clock = clock or utc_now
        self._depth = 0
        self._commits = 0
        self._actor: str | None = None
        self._stage: duckdb.DuckDBPyConnection | None = None
        self._stage_dir: str | None = None
        self._view = False
        wait = lock_timeout if lock_timeout is not None else _lock_timeout_from_env()
        if not self.path.exists() and not self.path.is_symlink():
            if not create:
                raise InputError([Problem(str(self.path), _missing_message(self.path))])
            _create_ledger(self.path, self._clock(), wait)
        _check_duckdb_file(self.path)
        self._con = _connect(self.path, read_only, wait)
        try:
            _check_altsleeve_tables(self._con, self.path)
            if read_only:
                self._check_schema_read_only(wait)
            else:
                migrate(self._con, self._clock())
        except BaseException:
            self._con.close()
            raise

    def _check_schema_read_only(self, wait: float) -> None:
        have, want = current_version(self._con), len(available_migrations())
        if have < want:  # an older ledger: upgrade its schema once, then reopen read-only
            self._con.close()
            with _connect(self.path, False, wait) as upgrade:
                migrate(upgrade, self._clock())
            self._con = _connect(self.path, True, wait)
            have = current_version(self._con)
        if have != want:
            raise InputError(
                [
                    Problem(
                        str(self.path),
                        f"ledger schema is at version {have}, this altsleeve expects "
                        f"{want}; open it once for writing to migrate",
                    )
                ]
            )

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        """Close the underlying connection (and drop any staged rows)."""
        self.drop_staged("")
        self._con.close()

    def __enter__(self) -> Ledger:
        return self

    def reader(self) -> Ledger:
        """A read-only view of this ledger on a DuckDB cursor of its own (one thread's reads).

        The view shares this process's database instance (no second open of the file, no lock to
        wait for) and sees the last committed state (DuckDB's MVCC): a write in progress on this
        ledger neither blocks it nor shows through until it commits. Its writes are refused
        (``PermissionError``) and it leaves the database's global settings (memory limit,
        threads) to its owner. A view is used by one thread at a time; close it when done.
        """
        view = object.__new__(Ledger)
        view.path = self.path
        view._clock = self._clock
        view._depth = 0
        view._commits = 0
        view._stage = None
        view._stage_dir = None
        view._view = True
        view._con = self._con.cursor()
        return view

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The applied migration version."""
        return current_version(self._con)

    # -- writing -----------------------------------------------------------------------------
    def _recorded_time(self) -> dt.datetime:
        now = self._clock()
        row = first_row(self._con.execute("SELECT max(recorded_at) FROM audit_log"))
        last = row[0] if row else None
        if last is not None and now <= last:
            now = last + dt.timedelta(microseconds=1)
        return now

    @contextmanager
    def transaction(self) -> Iterator[Ledger]:
        """Group several appends into one all-or-nothing write.

        Appends inside the block join its transaction; an exception rolls every one back.

        Examples
        --------
        >>> with led.transaction():  # doctest: +SKIP
        ...     led.append("holdings", holdings, action="ingest", source="h.csv")
        ...     led.append("statements", statements, action="ingest", source="s.csv")
        """
        with self._transaction():
            yield self

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        if self._view:
            raise PermissionError(f"{self.path}: a read-only view of the ledger cannot write")
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._con.execute("BEGIN TRANSACTION")
        self._depth = 1
        try:
            yield
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        finally:
            self._depth = 0
        pause = os.environ.get(FAULT_PAUSE_ENV)
        if pause:  # fault injection for the SIGKILL tests ("FILE" or "FILE#N"); never in normal use
            path, _, nth = pause.partition("#")
            self._commits += 1
            if self._commits >= int(nth or 1):
                Path(path).write_text("in transaction")
                time.sleep(60)
        self._con.execute("COMMIT")

    @contextmanager
    def acting_as(self, actor: str) -> Iterator[Ledger]:
        """Record ``actor`` in the audit entry of every write inside the block.

        For a use case that writes through others (an approval that strikes or registers a
        definition): each append without its own ``actor`` is recorded as this one's.

        Examples
        --------
        >>> with led.transaction(), led.acting_as("rev"):  # doctest: +SKIP
        ...     strike_range(led, "TDF", day, day, restrike=True, reason="restatement")
        """
        if not actor.strip():
            raise ValueError("an actor needs a name")
        before = self._actor
        self._actor = actor
        try:
            yield self
        finally:
            self._actor = before

    def append(
        self,
        table: str,
        rows: pd.DataFrame,
        *,
        action: str,
        source: str,
        source_sha256: str = "",
        restate: bool = False,
        detail: Mapping[str, Any] | None = None,
        row_numbers: Sequence[int] | None = None,
        line_numbers: Sequence[int | None] | None = None,
        actor: str | None = None,
    ) -> AppendResult:
        """Append rows to a fact table as one all-or-nothing batch with its audit entry.

        Rows whose business key is new get version 1; rows identical to the key's latest version
        are skipped (re-ingesting the same content is a no-op); rows that differ are refused with
        an :class:`InputError` naming each one, unless ``restate`` is true, when they become the
        next version and the old one is kept.

        Parameters
        ----------
        table : str
            A name from ``FACT_TABLES``.
        rows : DataFrame
            The table's key and value columns, already validated and typed (dates as dates or
            datetimes at midnight, amounts in dollars as floats).
        action : str
            Audit label, e.g. ``"ingest"`` or ``"marketdata"``.
        source : str
            Where the rows came from (a file path or a generator label).
        source_sha256 : str
            SHA-256 of the source file, when there is one.
        restate : bool
            Record differing rows as new versions instead of refusing them.
        detail : mapping, optional
            Extra JSON-serialisable facts for the audit entry (e.g. the restatement reason).
        row_numbers, line_numbers : sequence, optional
            The rows' positions in the user's file, used to name them in error messages.
        actor : str, optional
            Who wrote the batch (a user's name, for the operations service); recorded in the
            audit entry and hashed with it. ``None`` (every write before issue 20, and the
            commands that run as whoever holds the file) leaves the entry as before.

        Returns
        -------
        AppendResult

        """
        spec = FACT_TABLES[table]
        actor = actor if actor is not None else self._actor
        values = _python_columns(spec, rows)
        n = len(rows)
        rows_no = list(row_numbers) if row_numbers is not None else list(range(1, n + 1))
        lines_no = list(line_numbers) if line_numbers is not None else [None] * n
        keys = [tuple(values[k][i] for k in spec.key) for i in range(n)]
        vals = [tuple(values[v][i] for v in spec.values) for i in range(n)]

        with self._transaction():
            latest = self._latest_for_keys(spec, rows, keys) if spec.versioned else {}
            versions: list[int] = []
            insert_idx: list[int] = []
            conflicts: list[Problem] = []
            new = restated = unchanged = 0
            for i in range(n):
                prev = latest.get(keys[i])
                if prev is None:
                    versions.append(1)
                    insert_idx.append(i)
                    new += 1
                    continue
                prev_version, prev_vals = prev
                if all(prev_vals[j] == vals[i][j] for j in spec.compared):
                    unchanged += 1
                    continue
                if not restate:
                    conflicts.append(
                        Problem(
                            source,
                            _conflict_message(spec, keys[i], prev_version, prev_vals, vals[i]),
                            row=rows_no[i],
                            line=lines_no[i],
                            column=_first_diff(spec, prev_vals, vals[i]),
                        )
                    )
                    continue
                versions.append(prev_version + 1)
                insert_idx.append(i)
                restated += 1
            if conflicts:
                raise InputError(conflicts)
            if not insert_idx:
                return AppendResult(table, 0, 0, unchanged, None)
            batch_id = self._write_batch(
                spec, values, insert_idx, versions, action, source, source_sha256, detail, actor
            )
        return AppendResult(table, new, restated, unchanged, batch_id)

    # -- large writes: staged rows ----------------------------------------------------------
    @contextmanager
    def single_thread(self) -> Iterator[None]:
        """Run the ledger's DuckDB on one thread inside the block (less memory for a large write).

        DuckDB's memory limit is left as it is: the index of a table's key grows with the rows
        written in one transaction and cannot be spilled.
        """
        if self._view:  # the settings are the database's: its owner's to change
            yield
            return
        row = first_row(self._con.execute("SELECT current_setting('threads')"))
        threads = int(row[0]) if row else 0
        self._con.execute("SET threads = 1")
        try:
            yield
        finally:
            if threads:
                self._con.execute(f"SET threads = {threads}")

    @contextmanager
    def bounded_memory(self, limit: str = BOUNDED_MEMORY) -> Iterator[None]:
        """Hold DuckDB's memory to ``limit`` (e.g. ``"1GB"``) inside the block, then restore it.

        For reading millions of rows (``verify``, a large ingest's recorded versions): DuckDB
        then spills to disk rather than holding what it reads.
        """
        if self._view:  # the settings are the database's: its owner's to change
            yield
            return
        row = first_row(self._con.execute("SELECT current_setting('memory_limit')"))
        before = str(row[0]) if row else ""
        row = first_row(self._con.execute("SELECT current_setting('threads')"))
        threads = int(row[0]) if row else 0
        self._con.execute(f"SET memory_limit = '{limit}'")
        self._con.execute("SET threads = 1")
        try:
            yield
        finally:
            if before:
                self._con.execute(f"SET memory_limit = '{before}'")
            if threads:
                self._con.execute(f"SET threads = {threads}")

    def stage(
        self,
        table: str,
        rows: pd.DataFrame,
        row_numbers: Sequence[int],
        line_numbers: Sequence[int | None],
    ) -> None:
        """Add validated rows to this connection's temporary staging table for ``table``.

        For files too large to hold in memory: rows are staged chunk by chunk (in file order,
        with their row and line numbers), checked with :meth:`staged_groups` and written with
        :meth:`append_staged`. The staging table lives only in this connection (it is never part
        of the ledger file, and a read-only ledger can stage); :meth:`drop_staged` removes it.
        """
        spec = FACT_TABLES[table]
        name = f"_staged_{table}"
        cols = (*spec.key, *spec.values)
        sc = self._staging()
        sc.execute(
            f"CREATE TABLE IF NOT EXISTS {name} ("
            + ", ".join(f"{c} {spec.types[c]}" for c in cols)
            + ", _row BIGINT, _line BIGINT)"
        )
        arrays: dict[str, pa.Array] = {}
        for c in cols:
            if c not in rows.columns:
                raise ValueError(f"{spec.name}: missing column {c!r}")
            arrays[c] = _arrow_column(rows[c], spec.types[c])
        arrays["_row"] = pa.array(list(row_numbers), type=pa.int64())
        arrays["_line"] = pa.array(list(line_numbers), type=pa.int64())
        sc.register("_stage_chunk", pa.table(arrays))
        try:
            sc.execute(f"INSERT INTO {name} SELECT * FROM _stage_chunk")
        finally:
            sc.unregister("_stage_chunk")

    def drop_staged(self, table: str) -> None:
        """Remove the staged rows (of every table: the staging database and its folder)."""
        if self._stage is not None:
            self._stage.close()
            self._stage = None
        if self._stage_dir is not None:
            shutil.rmtree(self._stage_dir, ignore_errors=True)
            self._stage_dir = None

    def _staging(self) -> duckdb.DuckDBPyConnection:
        """The staging database: a DuckDB file of its own in a temporary folder.

        Separate from the ledger (its own memory limit, its data on disk, never part of the
        ledger file, usable with a read-only ledger) and removed by :meth:`drop_staged`.
        """
        if self._stage is None:
            sweep_stale_staging(Path(tempfile.gettempdir()))
            self._stage_dir = tempfile.mkdtemp(prefix=f"{STAGE_PREFIX}{os.getpid()}-")
            self._stage = duckdb.connect(str(Path(self._stage_dir) / "stage.duckdb"))
            self._stage.execute(f"SET memory_limit = '{STAGING_MEMORY}'")
            self._stage.execute("SET threads = 1")
            self._stage.execute("SET preserve_insertion_order = true")
        return self._stage

    def staged_groups(self, table: str, column: str, max_rows: int) -> Iterator[pd.DataFrame]:
        """The staged rows of ``table`` grouped by values of ``column`` (e.g. by series).

        Each frame holds every staged row of some values of ``column`` (at most ``max_rows``
        rows unless one value has more), in file order, with ``_row`` and ``_line``.
        """
        name = f"_staged_{table}"
        sc = self._staging()
        counts = sc.execute(
            f"SELECT {column}, count(*) FROM {name} GROUP BY {column} ORDER BY {column}"
        ).fetchall()
        group: list[Any] = []
        size = 0
        for value, n in [*counts, (None, None)]:
            if group and (value is None or size + int(n) > max_rows):
                yield sc.execute(
                    f"SELECT * FROM {name} WHERE {column} IN (SELECT unnest($v)) ORDER BY _row",
                    {"v": group},
                ).df()
                group, size = [], 0
            if value is not None:
                group.append(value)
                size += int(n)

    def append_staged(
        self,
        table: str,
        *,
        action: str,
        source: str,
        source_sha256: str = "",
        restate: bool = False,
        detail: Mapping[str, Any] | None = None,
        chunk_rows: int = 50_000,
    ) -> AppendResult:
        """:meth:`append` for the rows staged with :meth:`stage`, without holding them in memory.

        The same versions, the same refusal of differing rows (the first ``MAX_PROBLEMS`` named,
        in file order), the same row hashes and one audit entry with the same content hash as
        :meth:`append` would write for those rows. The comparison with recorded versions is a
        join in the database; rows are hashed and inserted ``chunk_rows`` at a time.
        """
        spec = FACT_TABLES[table]
        if not spec.versioned:
            raise ValueError(f"{table!r} is not versioned; use append")
        staged, plan = f"_staged_{table}", f"_plan_{table}"
        key_cols = ", ".join(spec.key)
        on = " AND ".join(f"s.{k} = l.{k}" for k in spec.key)
        same = " AND ".join(
            f"s.{spec.values[j]} IS NOT DISTINCT FROM l.{spec.values[j]}" for j in spec.compared
        )
        prev = ", ".join(f"l.{v} AS _prev_{v}" for v in spec.values)
        sc = self._staging()
        firsts = [
            r[0] for r in sc.execute(f"SELECT DISTINCT {spec.key[0]} FROM {staged}").fetchall()
        ]
        # Read under a memory limit (the window over the recorded rows then spills; measured at
        # 7M recorded rows: a no-change re-ingest peaks at 958 MiB, 1,342 without the limit).
        # Only reads run under it: the insert below cannot (the key's index cannot spill).
        with self.bounded_memory():
            latest = self._con.sql(
                f"SELECT {', '.join((*spec.key, 'version', *spec.values))} FROM {spec.name} "
                f"WHERE {spec.key[0]} IN (SELECT unnest($v)) "
                f"QUALIFY row_number() OVER (PARTITION BY {key_cols} ORDER BY version DESC) = 1",
                params={"v": firsts},
            ).to_arrow_reader(_STREAM_ROWS)
            sc.register("_latest_src", latest)
            try:
                sc.execute("CREATE OR REPLACE TABLE _latest AS SELECT * FROM _latest_src")
            finally:
                sc.unregister("_latest_src")
        sc.execute(
            f"CREATE OR REPLACE TABLE {plan} AS "
            f"SELECT s.*, l.version AS _prev_version, {prev}, "
            f"CASE WHEN l.version IS NULL THEN 0 WHEN {same or 'TRUE'} THEN 1 ELSE 2 END "
            f"AS _status FROM {staged} s LEFT JOIN _latest l ON {on}"
        )
        sc.execute(f"DROP TABLE {staged}")  # the plan holds every staged row
        sc.execute("DROP TABLE _latest")
        with self._transaction():
            counts = dict(
                sc.execute(f"SELECT _status, count(*) FROM {plan} GROUP BY _status").fetchall()
            )
            new, unchanged, differ = (int(counts.get(k, 0)) for k in (0, 1, 2))
            if differ and not restate:
                found = sc.execute(
                    f"SELECT {key_cols}, _prev_version, "
                    f"{', '.join(f'_prev_{v}' for v in spec.values)}, "
                    f"{', '.join(spec.values)}, _row, _line FROM {plan} WHERE _status = 2 "
                    f"ORDER BY _row LIMIT {MAX_PROBLEMS}"
                ).fetchall()
                nk, nv = len(spec.key), len(spec.values)
                conflicts = []
                for r in found:
                    key, version = tuple(r[:nk]), int(r[nk])
                    old = tuple(r[nk + 1 : nk + 1 + nv])
                    vals = tuple(r[nk + 1 + nv : nk + 1 + 2 * nv])
                    conflicts.append(
                        Problem(
                            source,
                            _conflict_message(spec, key, version, old, vals),
                            row=int(r[-2]),
                            line=None if r[-1] is None else int(r[-1]),
                            column=_first_diff(spec, old, vals),
                        )
                    )
                raise InputError(conflicts, total=differ)
            if not new + differ:
                return AppendResult(table, 0, 0, unchanged, None)
            batch_id = self._write_staged(spec, action, source, source_sha256, detail, chunk_rows)
        return AppendResult(table, new, differ, unchanged, batch_id)

    def _write_staged(
        self,
        spec: FactTable,
        action: str,
        source: str,
        source_sha256: str,
        detail: Mapping[str, Any] | None,
        chunk_rows: int,
    ) -> int:
        """Insert the new and differing rows of a staged plan as one batch, with its audit entry."""
        plan = f"_plan_{spec.name}"
        row = first_row(self._con.execute("SELECT coalesce(max(seq), 0), count(*) FROM audit_log"))
        seq = int(row[0]) + 1 if row else 1
        recorded_at = self._recorded_time()
        business = ", ".join(
            "coalesce(_prev_version, 0) + 1 AS version" if c == "version" else c
            for c in spec.business_columns
        )
        sc = self._staging()
        bounds = first_row(sc.execute(f"SELECT min(_row), max(_row) FROM {plan}"))
        top, last = (int(bounds[0]), int(bounds[1])) if bounds and bounds[0] is not None else (1, 0)
        m = 0
        digests = bytearray()  # every row's hash, 32 bytes each, for the batch's content hash
        # The hashed rows are written to a Parquet file in the staging folder, then inserted.
        rows_file = Path(self._stage_dir or tempfile.gettempdir()) / f"_new_{spec.name}.parquet"
        writer: pq.ParquetWriter | None = None
        stored_cols = [c for c in spec.columns if c != "row_hash"]
        for lo in range(top, last + 1, chunk_rows):
            fetched = sc.execute(
                f"SELECT {business} FROM {plan} "
                "WHERE _row BETWEEN $lo AND $hi AND _status <> 1 ORDER BY _row",
                {"lo": lo, "hi": lo + chunk_rows - 1},
            ).fetchall()
            if not fetched:
                continue
            n = len(fetched)
            m += n
            columns: dict[str, list[Any]] = {
                c: [r[j] for r in fetched] for j, c in enumerate(spec.business_columns)
            }
            del fetched
            columns["recorded_at"] = [recorded_at] * n
            columns["batch_id"] = [seq] * n
            stored = [columns[c] for c in stored_cols]
            columns["row_hash"] = [row_hash(spec.hashed(r)) for r in zip(*stored, strict=True)]
            digests += bytes.fromhex("".join(columns["row_hash"]))
            arrow = pa.table(
                {c: pa.array(columns[c], type=_ARROW_TYPES[spec.sql_type(c)]) for c in spec.columns}
            )
            del columns, stored
            if writer is None:
                writer = pq.ParquetWriter(str(rows_file), arrow.schema)
            writer.write_table(arrow)
            del arrow
        if writer is not None:
            writer.close()
            # One INSERT ... SELECT from the file: DuckDB writes the transaction's rows to the
            # ledger file as it goes, where many small INSERTs of Arrow tables held them all in
            # memory until the commit (measured: 1.9 GB against 0.5 GB for 7M rows, no key).
            self._con.execute(
                f"INSERT INTO {spec.name} ({', '.join(spec.columns)}) "
                f"SELECT {', '.join(spec.columns)} FROM read_parquet($f)",
                {"f": str(rows_file)},
            )
            rows_file.unlink()
        self._append_audit(
            seq,
            recorded_at,
            action,
            spec.name,
            source,
            source_sha256,
            m,
            content_hash_of_digests(digests),
            detail,
            self._actor,
        )
        return seq

    def _latest_for_keys(
        self, spec: FactTable, rows: pd.DataFrame, keys: list[tuple[Any, ...]]
    ) -> dict[tuple[Any, ...], tuple[int, tuple[Any, ...]]]:
        """Latest version and values for each incoming key that the table already has."""
        if not keys:
            return {}
        key_table = pa.table(
            {
                k: pa.array([key[j] for key in keys], type=_ARROW_TYPES[spec.types[k]])
                for j, k in enumerate(spec.key)
            }
        )
        self._con.register("_incoming_keys", key_table)
        try:
            on = " AND ".join(f"t.{k} = i.{k}" for k in spec.key)
            part = ", ".join(f"t.{k}" for k in spec.key)
            cols = ", ".join(f"t.{c}" for c in (*spec.key, "version", *spec.values))
            found = self._con.execute(
                f"SELECT {cols} FROM {spec.name} t JOIN (SELECT DISTINCT * FROM _incoming_keys) i "
                f"ON {on} QUALIFY row_number() OVER (PARTITION BY {part} "
                "ORDER BY t.version DESC) = 1"
            ).fetchall()
        finally:
            self._con.unregister("_incoming_keys")
        nk = len(spec.key)
        return {tuple(r[:nk]): (int(r[nk]), tuple(r[nk + 1 :])) for r in found}

    def _write_batch(
        self,
        spec: FactTable,
        values: dict[str, list[Any]],
        insert_idx: list[int],
        versions: list[int],
        action: str,
        source: str,
        source_sha256: str,
        detail: Mapping[str, Any] | None,
        actor: str | None = None,
    ) -> int:
        row = first_row(self._con.execute("SELECT coalesce(max(seq), 0), count(*) FROM audit_log"))
        seq = int(row[0]) + 1 if row else 1
        recorded_at = self._recorded_time()
        columns: dict[str, list[Any]] = {}
        for c in spec.business_columns:
            if c == "version":
                columns[c] = versions
            else:
                col = values[c]
                columns[c] = [col[i] for i in insert_idx]
        m = len(insert_idx)
        columns["recorded_at"] = [recorded_at] * m
        columns["batch_id"] = [seq] * m
        stored = [columns[c] for c in spec.columns if c != "row_hash"]
        hashes = [row_hash(spec.hashed(r)) for r in zip(*stored, strict=True)]
        columns["row_hash"] = hashes
        arrow = pa.table(
            {c: pa.array(columns[c], type=_ARROW_TYPES[spec.sql_type(c)]) for c in spec.columns}
        )
        self._con.register("_new_rows", arrow)
        try:
            self._con.execute(
                f"INSERT INTO {spec.name} ({', '.join(spec.columns)}) "
                f"SELECT {', '.join(spec.columns)} FROM _new_rows"
            )
        finally:
            self._con.unregister("_new_rows")
        self._append_audit(
            seq,
            recorded_at,
            action,
            spec.name,
            source,
            source_sha256,
            m,
            content_hash(hashes),
            detail,
            actor,
        )
        return seq

    def _append_audit(
        self,
        seq: int,
        recorded_at: dt.datetime,
        action: str,
        table: str,
        source: str,
        source_sha256: str,
        n_rows: int,
        chash: str,
        detail: Mapping[str, Any] | None,
        actor: str | None = None,
    ) -> None:
        prev = first_row(
            self._con.execute("SELECT entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        )
        prev_hash = str(prev[0]) if prev else GENESIS_HASH
        detail_json = json.dumps(dict(detail or {}), sort_keys=True, default=str)
        fields = [
            seq,
            recorded_at,
            action,
            table,
            source,
            source_sha256,
            n_rows,
            chash,
            detail_json,
        ]
        # the actor (migration 0005) is hashed only when set, so older entries still verify
        ehash = entry_hash(prev_hash, _audit_fields(fields, actor))
        self._con.execute(
            "INSERT INTO audit_log (seq, recorded_at, action, target_table, source, "
            "source_sha256, n_rows, content_hash, detail, prev_hash, entry_hash, actor) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [*fields, prev_hash, ehash, actor],
        )

    # -- reading -----------------------------------------------------------------------------
    def as_known_on(
        self,
        known_on: dt.date | str,
        *,
        recorded_at: dt.datetime | None = None,
        tables: Sequence[str] = KNOWLEDGE_TABLES,
        where: Mapping[str, Sequence[Any]] | None = None,
    ) -> LedgerSnapshot:
        """Exactly what was known on ``known_on`` (and recorded by ``recorded_at``).

        Parameters
        ----------
        known_on : date or ISO string
            The knowledge date: a fact counts once its ``known_on`` date is on or before it
            (statements: their release date; cash flows, prices, orders: their own date unless
            given otherwise).
        recorded_at : datetime, optional
            Also ignore what the ledger recorded after this UTC time (the second time axis);
            default: everything recorded so far.
        tables : sequence of str
            Which tables to return (default: every knowledge table; never synthetic truth).
        where : mapping of column to values, optional
            Only rows whose key column has one of the values (e.g. ``{"series_id": ["SP500"]}``),
            filtered in the database so that the rest is never read into memory. Applies to each
            table that has the column.

        Returns
        -------
        LedgerSnapshot
            Per table, the latest qualifying version of each key (``row_hash`` dropped).

        """
        day = _as_date(known_on)
        rec = recorded_at or dt.datetime.max.replace(microsecond=0)
        out: dict[str, pd.DataFrame] = {}
        for name in tables:
            if name not in KNOWLEDGE_TABLES and name not in ACCESS_TABLES:
                raise ValueError(f"{name!r} is not a knowledge table")
            spec = FACT_TABLES[name]
            cols = ", ".join(c for c in spec.columns if c != "row_hash")
            cond = "recorded_at <= $rec"
            if "known_on" in spec.values:
                cond += " AND known_on <= $day"
            order = ", ".join(spec.key)
            params: dict[str, Any] = {"rec": rec}
            if "known_on" in spec.values:
                params["day"] = day
            for i, (col, vals) in enumerate((where or {}).items()):
                if col in spec.key:
                    cond += f" AND {col} IN (SELECT unnest($w{i}))"
                    params[f"w{i}"] = [str(v) for v in vals]
            sql = (
                f"SELECT {cols} FROM {name} WHERE {cond} QUALIFY row_number() OVER "
                f"(PARTITION BY {', '.join(spec.key)} ORDER BY version DESC) = 1 ORDER BY {order}"
            )
            out[name] = self._con.execute(sql, params).df()
        return LedgerSnapshot(day, rec, out)

    def price_levels_near(self, bounds: pd.DataFrame) -> pd.DataFrame:
        """Recorded levels (latest version of each date) around ranges of dates, per series.

        ``bounds`` has ``series_id, first, last``. For each series: every level dated in
        ``[first, last]``, the last one before ``first`` and the first one after ``last``. What
        a price check needs to see the moves into and out of new levels, without reading every
        price into memory. Returns ``series_id, date, level`` sorted by series and date.
        """
        table = pa.table(
            {
                "series_id": pa.array(bounds["series_id"].astype(str), type=pa.string()),
                "first": pa.array(pd.to_datetime(bounds["first"]).dt.date, type=pa.date32()),
                "last": pa.array(pd.to_datetime(bounds["last"]).dt.date, type=pa.date32()),
            }
        )
        self._con.register("_bounds", table)
        try:
            return self._con.execute(
                "WITH latest AS (SELECT p.series_id, p.date, p.level, b.first, b.last "
                "FROM prices p JOIN _bounds b ON p.series_id = b.series_id "
                "QUALIFY row_number() OVER (PARTITION BY p.series_id, p.date "
                "ORDER BY p.version DESC) = 1), "
                "ranked AS (SELECT *, "
                "row_number() OVER (PARTITION BY series_id, date < first ORDER BY date DESC) "
                "AS before_rank, "
                "row_number() OVER (PARTITION BY series_id, date > last ORDER BY date) "
                "AS after_rank FROM latest) "
                "SELECT series_id, date, level FROM ranked WHERE "
                "(date BETWEEN first AND last) OR (date < first AND before_rank = 1) "
                "OR (date > last AND after_rank = 1) ORDER BY series_id, date"
            ).df()
        finally:
            self._con.unregister("_bounds")

    def history(self, table: str, *, recorded_at: dt.datetime | None = None) -> pd.DataFrame:
        """Every version of every row of a knowledge table (for vectorised point-in-time work).

        ``recorded_at``: only the versions the ledger had recorded by this UTC time (the second
        time axis); default: every version.
        """
        if table not in KNOWLEDGE_TABLES and table not in ACCESS_TABLES:
            raise ValueError(f"{table!r} is not a knowledge table")
        spec = FACT_TABLES[table]
        cols = ", ".join(c for c in spec.columns if c != "row_hash")
        order = ", ".join((*spec.key, "version"))
        if recorded_at is None:
            return self._con.execute(f"SELECT {cols} FROM {table} ORDER BY {order}").df()
        return self._con.execute(
            f"SELECT {cols} FROM {table} WHERE recorded_at <= ? ORDER BY {order}", [recorded_at]
        ).df()

    def synthetic_truth(
        self, book_id: str | None = None, *, recorded_at: dt.datetime | None = None
    ) -> pd.DataFrame:
        """The synthetic book's true daily values. For validation only: no estimator reads this.

        ``recorded_at``: only the rows recorded by this UTC time (default: every row).
        """
        sql = "SELECT book_id, holding_id, date, value FROM synthetic_truth"
        where: list[str] = []
        params: list[Any] = []
        if book_id is not None:
            where.append("book_id = ?")
            params.append(book_id)
        if recorded_at is not None:
            where.append("recorded_at <= ?")
            params.append(recorded_at)
        if where:
            sql += " WHERE " + " AND ".join(where)
        return self._con.execute(sql + " ORDER BY holding_id, date", params).df()

    def synthetic_books(self, *, recorded_at: dt.datetime | None = None) -> pd.DataFrame:
        """The synthetic books recorded in this ledger (seed, generator, parameters).

        ``recorded_at``: only the versions recorded by this UTC time (default: every version).
        """
        where = "" if recorded_at is None else " WHERE recorded_at <= ?"
        return self._con.execute(
            "SELECT book_id, seed, generator, generator_version, description, params_json, "
            f"recorded_at FROM synthetic_books{where} ORDER BY book_id, version",
            [] if recorded_at is None else [recorded_at],
        ).df()

    def latest_keys(self, table: str, column: str) -> set[str]:
        """Distinct values of one key column of a table, e.g. every known ``holding_id``."""
        spec = FACT_TABLES[table]
        if column not in spec.key:
            raise ValueError(f"{column!r} is not a key column of {table!r}")
        return {
            str(r[0])
            for r in self._con.execute(f"SELECT DISTINCT {column} FROM {table}").fetchall()
        }

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table: stored rows (every version) and distinct business keys."""
        out: dict[str, dict[str, int]] = {}
        for name, spec in FACT_TABLES.items():
            r = first_row(
                self._con.execute(
                    f"SELECT count(*), count(DISTINCT ({', '.join(spec.key)})) FROM {name}"
                )
            )
            out[name] = {"rows": int(r[0]) if r else 0, "keys": int(r[1]) if r else 0}
        return out

    def audit_log(self, limit: int | None = None) -> pd.DataFrame:
        """The audit chain, newest first (``limit`` entries when given)."""
        sql = "SELECT * FROM audit_log ORDER BY seq DESC"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return self._con.execute(sql).df()

    def inputs_recorded_at(self) -> dt.datetime:
        """The newest recording time of any input fact (derived tables excluded), UTC.

        Derived rows (valuations, strikes) store it so they can be reproduced from exactly the
        inputs recorded by then; the current time when nothing is recorded yet.
        """
        row = first_row(
            self._con.execute(
                "SELECT max(recorded_at) FROM audit_log WHERE target_table NOT IN "
                f"({', '.join(repr(t) for t in (*DERIVED_TABLES, *OPERATIONS_TABLES))})"
            )
        )
        return row[0] if row and row[0] is not None else self._clock()

    def content_fingerprint(self) -> dict[str, str]:
        """A digest of every table's full content (rows in key order), for equality checks.

        Two ledgers, or one ledger before and after a refused write, have the same fingerprint
        exactly when their content is the same.
        """
        out: dict[str, str] = {}
        for name in (*FACT_TABLES, "audit_log", "schema_migrations"):
            rows = self._con.execute(f"SELECT * FROM {name} ORDER BY ALL").fetchall()
            out[name] = content_hash(row_hash(r) for r in rows)
        return out

    # -- verification ------------------------------------------------------------------------
    def verify(self, progress: Callable[[str, int, int], None] | None = None) -> VerifyReport:
        """Check the audit hash chain and that every row still matches its batch's hash.

        Detects an edited, deleted or inserted fact row (its batch's content hash, or the row's
        own hash, no longer matches) and an edited or deleted audit entry (the chain breaks).
        Deleting the newest entries together with their rows is only detectable against a head
        hash kept elsewhere, so the report gives the head hash to record. Tables are read as
        streams of rows (with DuckDB's memory bounded); what is kept is each row's 32-byte hash.
        """
        with self.bounded_memory():
            return self._verify(progress)

    def _verify(self, progress: Callable[[str, int, int], None] | None) -> VerifyReport:
        rep = VerifyReport()
        entries = self._con.execute(
            "SELECT seq, recorded_at, action, target_table, source, source_sha256, n_rows, "
            "content_hash, detail, prev_hash, entry_hash, actor FROM audit_log ORDER BY seq"
        ).fetchall()
        prev = GENESIS_HASH
        batches: dict[int, tuple[str, int, str]] = {}
        for i, e in enumerate(entries, start=1):
            seq = int(e[0])
            if seq != i:
                rep.problems.append(f"audit_log: entry {i} is missing (found seq {seq} instead)")
            if e[9] != prev:
                rep.problems.append(f"audit_log: entry {seq} does not chain to the entry before")
            if entry_hash(str(e[9]), _audit_fields(list(e[:9]), e[11])) != e[10]:
                rep.problems.append(f"audit_log: entry {seq} was edited (its hash differs)")
            prev = str(e[10])
            batches[seq] = (str(e[3]), int(e[6]), str(e[7]))
        rep.entries = len(entries)
        rep.head_hash = prev
        for done, (name, spec) in enumerate(FACT_TABLES.items()):
            if progress:
                progress(f"verifying {name}", done, len(FACT_TABLES))
            cols = [c for c in spec.columns if c != "row_hash"]
            at_batch = cols.index("batch_id")
            found: dict[int, int] = {}  # rows per batch
            digests: dict[int, bytearray] = {}  # each batch's row hashes as computed, raw
            for r in self._stream(f"SELECT {', '.join(cols)}, row_hash FROM {name}"):
                rep.rows += 1
                h = row_hash(spec.hashed(r[:-1]))
                batch = int(r[at_batch])
                if h != r[-1]:
                    key = ", ".join(f"{k}={r[cols.index(k)]}" for k in spec.key)
                    rep.problems.append(
                        f"{name}: row ({key}) of batch {batch} was edited (its hash differs)"
                    )
                found[batch] = found.get(batch, 0) + 1
                digests.setdefault(batch, bytearray()).extend(bytes.fromhex(h))
            for batch, count in sorted(found.items()):
                if batch not in batches or batches[batch][0] != name:
                    rep.problems.append(f"{name}: batch {batch} has no audit entry (rows added)")
                    continue
                _, n_rows, chash = batches[batch]
                if count != n_rows:
                    rep.problems.append(
                        f"{name}: batch {batch} has {count} rows, its audit entry "
                        f"says {n_rows} (rows deleted or added)"
                    )
                elif content_hash_of_digests(digests[batch]) != chash:
                    rep.problems.append(
                        f"{name}: batch {batch} content differs from its audit hash"
                    )
            for seq, (tname, n_rows, _) in batches.items():
                if tname == name and seq not in found and n_rows > 0:
                    rep.problems.append(f"{name}: every row of batch {seq} was deleted")
        if progress:
            progress("ledger verified", len(FACT_TABLES), len(FACT_TABLES))
        return rep

    def _stream(self, sql: str, params: Sequence[Any] = ()) -> Iterator[tuple[Any, ...]]:
        """The rows of a query as Python tuples, read in batches (memory does not grow)."""
        reader = self._con.sql(sql, params=list(params)).to_arrow_reader(_STREAM_ROWS)
        for batch in reader:
            columns = [col.to_pylist() for col in batch.columns]
            yield from zip(*columns, strict=True)


def _audit_fields(fields: Sequence[Any], actor: str | None) -> list[Any]:
    """An audit entry's hashed fields: the actor (added by migration 0005) only when set."""
    return [*fields, actor] if actor is not None else list(fields)


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _python_columns(spec: FactTable, rows: pd.DataFrame) -> dict[str, list[Any]]:
    """The key and value columns as lists of plain Python values of the stored types."""
    out: dict[str, list[Any]] = {}
    for c in (*spec.key, *spec.values):
        if c not in rows.columns:
            raise ValueError(f"{spec.name}: missing column {c!r}")
        typ = spec.types[c]
        s = rows[c]
        if typ == "DATE":
            out[c] = [None if pd.isna(d) else d.date() for d in pd.to_datetime(s)]
        elif typ == "TIMESTAMP":
            out[c] = [None if pd.isna(d) else d.to_pydatetime() for d in pd.to_datetime(s)]
        elif typ == "DOUBLE":
            out[c] = [None if pd.isna(x) else float(x) for x in s]
        elif typ in ("INTEGER", "BIGINT"):
            out[c] = [int(x) for x in s]
        elif typ == "BOOLEAN":
            out[c] = [bool(x) for x in s]
        elif c in spec.nullable:
            out[c] = [
                None if x is None or (isinstance(x, float) and math.isnan(x)) else str(x) for x in s
            ]
        else:
            out[c] = [str(x) for x in s]
    return out


def _arrow_column(values: pd.Series, sql_type: str) -> pa.Array:
    """One column of validated rows as Arrow, of the stored type (NaN and NaT as NULL)."""
    typ = _ARROW_TYPES[sql_type]
    if sql_type == "DATE":
        days = pd.to_datetime(values).to_numpy(dtype="datetime64[D]")
        return pa.array(days, type=typ, mask=pd.isna(values).to_numpy())
    if sql_type == "VARCHAR":
        return pa.array(values.astype(str), type=typ)
    return pa.array(values, type=typ, from_pandas=True)


def _first_diff(spec: FactTable, old: tuple[Any, ...], new: tuple[Any, ...]) -> str | None:
    for name, a, b in zip(spec.values, old, new, strict=True):
        if a != b:
            return name
    return None


def _conflict_message(
    spec: FactTable,
    key: tuple[Any, ...],
    version: int,
    old: tuple[Any, ...],
    new: tuple[Any, ...],
) -> str:
    key_text = ", ".join(f"{k}={v}" for k, v in zip(spec.key, key, strict=True))

    def short(v: Any) -> str:
        text = str(v)
        return text if len(text) <= 60 else text[:57] + "..."

    diffs = "; ".join(
        f"{n}: recorded {short(a)}, file has {short(b)}"
        for n, a, b in zip(spec.values, old, new, strict=True)
        if a != b
    )
    return (
        f"({key_text}) is already recorded as version {version} with different content "
        f"({diffs}); use --restate to record a new version"
    )
