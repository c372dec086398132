"""Scale-out on Dask: one context manager that hands out a :class:`distributed.Client`.

Owns where Monte Carlo work runs: a local cluster of worker processes on this machine, or a
running Dask scheduler given by its address. The brief's rule: scale out on Dask, never a
home-made process pool. Also owns mapping a model's chunks onto that client or running them
here (:func:`map_chunks`) and checking the CLI's ``--workers`` / ``--scheduler`` pair
(:func:`check_cluster_options`). Must not hold any model: callers hand it their own chunk
functions (e.g. :func:`altsleeve.pacing._stochastic.project_stochastic`). ``distributed`` is
imported only when a cluster is asked for.

Examples
--------
>>> from altsleeve.common.scaleout import dask_client
>>> with dask_client(n_workers=1) as client:  # doctest: +SKIP
...     client.submit(sum, [1, 2, 3]).result()
6
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from altsleeve.errors import InputError, Problem

if TYPE_CHECKING:  # distributed is imported when a cluster is asked for, not with altsleeve
    from distributed import Client

R = TypeVar("R")

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
    import dask
    from distributed import Client, LocalCluster

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


def map_chunks(
    func: Callable[..., R],
    chunks: Sequence[tuple[Any, ...]],
    take: Callable[[R], None],
    *,
    client: Client | None = None,
    shared: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> None:
    """Run ``func(*chunk, **shared, **kwargs)`` for every chunk and hand each result to ``take``.

    Without a client the chunks run here, in order. With one, each ``shared`` value (the large
    inputs every chunk reads) is scattered to the workers once, a task per chunk is mapped, and
    results reach ``take`` as they finish (in any order: ``take`` must key them). Shared data is
    scattered with ``hash=False`` and released at the end, so a second run on the same client
    (a scheduler's address, a notebook) never loses its inputs to the first run's release.
    """
    shared = dict(shared or {})
    if client is None:
        for args in chunks:
            take(func(*args, **shared, **kwargs))
        return
    if not chunks:
        return
    from distributed import as_completed

    futures_of_shared = {
        k: client.scatter(v, broadcast=True, hash=False)  # type: ignore[no-untyped-call]
        for k, v in shared.items()
    }
    columns = [list(col) for col in zip(*chunks, strict=True)]
    futures = client.map(func, *columns, **futures_of_shared, **kwargs, pure=False)
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        take(future.result())
        future.release()
    for f in futures_of_shared.values():
        f.release()


def map_path_ranges(
    func: Callable[..., tuple[int, R]],
    n_paths: int,
    chunk: int,
    /,
    *,
    client: Client | None = None,
    shared: Mapping[str, Any] | None = None,
    progress: Callable[[int, int], None] | None = None,
    **kwargs: Any,
) -> list[R]:
    """Paths ``0..n_paths`` in chunks of ``chunk``, each run by :func:`map_chunks`, in path order.

    ``func(start, stop, **shared, **kwargs)`` returns ``(start, result)`` for paths
    ``[start, stop)``; ``progress(paths done, n_paths)`` is called as each chunk arrives. The
    results come back ordered by ``start`` whatever order the workers finish in.
    """
    starts = list(range(0, n_paths, chunk))
    stops = [min(s + chunk, n_paths) for s in starts]
    sizes = {a: b - a for a, b in zip(starts, stops, strict=True)}
    parts: dict[int, R] = {}
    done = 0

    def take(result: tuple[int, R]) -> None:
        nonlocal done
        start, value = result
        parts[start] = value
        done += sizes[start]
        if progress is not None:
            progress(done, n_paths)

    map_chunks(
        func,
        list(zip(starts, stops, strict=True)),
        take,
        client=client,
        shared=shared,
        **kwargs,
    )
    return [parts[s] for s in starts]


def check_cluster_options(workers: int | None, scheduler: str | None) -> None:
    """Check the CLI's ``--workers`` (0: in process) and ``--scheduler`` before anything runs.

    Raises
    ------
    InputError
        Negative workers, or workers given together with a scheduler's address.
    """
    if workers is not None and workers < 0:
        raise InputError(
            [Problem("<args>", f"--workers {workers} must be >= 0", column="--workers")]
        )
    if workers is not None and scheduler is not None:
        raise InputError(
            [
                Problem(
                    "<args>",
                    "--workers sizes a local cluster (0: in process); a scheduler's cluster "
                    "has its own size: drop one of them",
                    column="--workers",
                )
            ]
        )
