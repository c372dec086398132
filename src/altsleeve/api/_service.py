"""The service's ledger: one writer, serialised; reads on their own cursors, never blocked.

Owns how the web service holds the ledger file. DuckDB lets one process write a file, and
inside that process one database instance serves every connection: the service opens the
ledger once for writing (:class:`~altsleeve.ledger.Ledger`, which migrates it and holds the
file's lock, so no other process writes it meanwhile) and is its single writer.

- **Writes** (ingest, strike, proposals, decisions) run one at a time on that ledger, under a
  lock (:meth:`LedgerService.write`), in a worker thread: a second write waits for the first.
  Each names the caller as its actor, so ``audit_log.actor`` is the user, not the service.
- **Reads** each get a read-only view on a cursor of their own (:meth:`LedgerService.read`,
  :meth:`Ledger.reader <altsleeve.ledger.Ledger.reader>`): DuckDB's MVCC shows them the last
  committed state, so a read neither waits for a write in progress (a 20-year strike) nor sees
  its uncommitted rows; a view refuses to write.

Must not compute a figure nor know any use case: it hands out ledgers.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from altsleeve.ledger import Ledger

T = TypeVar("T")


class LedgerService:
    """The ledger file held by the service: one writer, any number of concurrent readers.

    Parameters
    ----------
    db : Path
        An existing ledger (never created here: ``altsleeve ledger init`` makes one).
    clock : callable, optional
        The ledger's clock (current UTC time, naive); default the system clock.
    lock_timeout : float, optional
        Seconds to wait for another process holding the file (default as :class:`Ledger`).

    Raises
    ------
    InputError
        As :class:`Ledger`: no ledger at ``db``, not a ledger, held by another process.
    """

    def __init__(
        self,
        db: Path,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        lock_timeout: float | None = None,
    ) -> None:
        self.path = Path(db)
        self._clock = clock
        self._writer = Ledger(self.path, clock=clock, lock_timeout=lock_timeout)
        # Cursors are made from a view that runs no query, so making one never touches the
        # writer's connection while a write runs on it in another thread.
        self._root = self._writer.reader()
        self._spawn = threading.Lock()
        self._write_lock = threading.Lock()
        self._closed = False

    @contextmanager
    def read(self) -> Iterator[Ledger]:
        """A read-only view of the last committed state, for one request (closed after it)."""
        with self._spawn:
            if self._closed:
                raise RuntimeError(f"the service's ledger {self.path} is closed")
            view = self._root.reader()
        try:
            yield view
        finally:
            view.close()

    def write(self, work: Callable[[Ledger], T], *, actor: str | None = None) -> T:
        """Run ``work`` on the writing ledger, after any write in progress has finished.

        ``actor``: the caller's name, recorded in the audit entry of every write ``work`` makes
        without naming its own actor (:meth:`Ledger.acting_as <altsleeve.ledger.Ledger.acting_as>`).
        """
        with self._write_lock:
            if self._closed:
                raise RuntimeError(f"the service's ledger {self.path} is closed")
            if actor is None:
                return work(self._writer)
            with self._writer.acting_as(actor):
                return work(self._writer)

    def now(self) -> dt.datetime:
        """The current time (UTC, timezone-aware) by the ledger's clock."""
        if self._clock is None:
            return dt.datetime.now(dt.UTC)
        return self._clock().replace(tzinfo=dt.UTC)

    @property
    def writing(self) -> bool:
        """Whether a write is in progress (or waited for)."""
        return self._write_lock.locked()

    def close(self) -> None:
        """Close the ledger once the write in progress (if any) has finished."""
        with self._write_lock, self._spawn:
            if self._closed:
                return
            self._closed = True
            self._root.close()
            self._writer.close()


__all__ = ["LedgerService"]
