"""Scale-out on Dask: one context manager that hands out a :class:`distributed.Client`.

Owns where Monte Carlo work runs: a local cluster of worker processes on this machine, or a
running Dask scheduler given by its address. The brief's rule: scale out on Dask, never a
home-made process pool. Must not hold any model: callers map their own functions onto the
client it yields (e.g. :func:`altsleeve.pacing._stochastic.project_stochastic`).

Examples
--------
>>> from altsleeve.scaleout import dask_client
>>> with dask_client(n_workers=1) as client:  # doctest: +SKIP
...     client.submit(sum, [1, 2, 3]).result()
6
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import dask
from distributed import Client, LocalCluster

#: The ``scheduler`` value that asks for a local cluster (as does ``None``).
LOCAL = "local"


@contextmanager
def dask_client(scheduler: str | None = None, n_workers: int | None = None) -> Iterator[Client]:
    """Yield a Dask client: a local cluster of processes, or a running scheduler's.

    The brief's rule: scale out on Dask, never a home-made process pool.

    Parameters
    ----------
    scheduler : str, optional
        ``None`` or ``"local"``: start a :class:`distributed.LocalCluster` of worker processes
        (one thread each, no dashboard) for the duration of the block and close it on exit.
        Any other string is the address of a running scheduler (e.g.
        ``"tcp://10.0.0.5:8786"``); the client connects to it and disconnects on exit, leaving
        the cluster running.
    n_workers : int, optional
        Worker processes of the local cluster (>= 1); default ``os.cpu_count()``. Only for a
        local cluster: a remote cluster's size is its own.

    Yields
    ------
    distributed.Client
        The connected client.

    Raises
    ------
    ValueError
        ``n_workers`` below 1, or given together with a scheduler address.

    """
    if n_workers is not None and n_workers < 1:
        raise ValueError(f"n_workers = {n_workers} must be at least 1")
    if scheduler is None or scheduler == LOCAL:
        workers = n_workers or os.cpu_count() or 1
        with (
            # Dask's nannies set MALLOC_TRIM_THRESHOLD_=65536 in their workers, which switches
            # off glibc's adaptive mmap threshold: every NumPy temporary over 128 KiB is then
            # mapped and page-faulted afresh, which made a Monte Carlo worker 3-4x slower than
            # the same code in process (BENCHMARKS.md, participant outcomes). Unset it (None
            # unsets a pre-spawn variable) so workers allocate like this process does.
            dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}),
            LocalCluster(  # type: ignore[no-untyped-call]
                processes=True,
                threads_per_worker=1,
                n_workers=workers,
                dashboard_address=None,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
    else:
        if n_workers is not None:
            raise ValueError(
                f"n_workers = {n_workers} applies to a local cluster only, not to the "
                f"scheduler at {scheduler!r}"
            )
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
