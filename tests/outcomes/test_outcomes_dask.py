"""Participant outcomes on Dask: the same bits in process and on 1 or 2 workers, any chunking.

Each seeded block of paths has its own generators (``SeedSequence([seed, block, stream])``),
so a run's numbers depend only on the seed, the number of paths and the block size, never on
how the blocks are grouped into tasks or which worker runs them.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from distributed import Client

from altsleeve.common.scaleout import dask_client
from altsleeve.errors import InputError
from altsleeve.outcomes import BlockResult, Prepared, prepare, run_outcomes
from altsleeve.workflows.outcomes import simulate
from tests.outcomes.test_outcomes_model import SAMPLE_STACK, VEHICLE, market_history, params

N_PATHS = 350  # three whole blocks of 100 and a partial one of 50


def small_prep(seed: int = 21) -> Prepared:
    """The shipped defaults (four cohorts, hardship on, the sample stack), blocks of 100."""
    return prepare(params(block_paths=100), VEHICLE, SAMPLE_STACK, market_history(), seed=seed)


def assert_same(a: BlockResult, b: BlockResult) -> None:
    """Bit for bit, every array."""
    assert a.wealth.shape == b.wealth.shape
    assert np.array_equal(a.wealth, b.wealth)
    assert np.array_equal(a.sleeve_gross, b.sleeve_gross)
    assert np.array_equal(a.sleeve_net, b.sleeve_net)


def test_chunk_size_changes_nothing_in_process() -> None:
    """In process, tasks of 1 block, 2 blocks, everything, or a size rounded up to whole blocks
    give the same bits; the first whole blocks of a longer run are a shorter run's paths; another
    seed gives other paths."""
    prep = small_prep()
    seen: list[tuple[int, int]] = []
    whole = run_outcomes(prep, N_PATHS, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(100, N_PATHS), (200, N_PATHS), (300, N_PATHS), (350, N_PATHS)]
    assert whole.wealth.shape == (4, 4, N_PATHS)
    for chunk in (1, 250, 10_000):
        assert_same(whole, run_outcomes(prep, N_PATHS, chunk_paths=chunk))
    fewer = run_outcomes(prep, 200)
    assert np.array_equal(fewer.wealth, whole.wealth[:, :, :200])
    other = run_outcomes(small_prep(seed=22), N_PATHS)
    assert not np.array_equal(other.wealth, whole.wealth)
    with pytest.raises(ValueError, match="n_paths"):
        run_outcomes(prep, 0)


@pytest.fixture(scope="module")
def one_worker() -> Iterator[Client]:
    """A local cluster of one worker process, shared by this file's tests (each start costs
    seconds on two cores)."""
    with dask_client(n_workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        yield client


def test_one_and_two_dask_workers_equal_in_process_bit_for_bit(one_worker: Client) -> None:
    """Acceptance: the same run in process (one task), on one Dask worker (tasks of 100 paths)
    and on two (tasks of 200 paths, about one per worker) gives identical arrays, with progress
    in paths."""
    prep = small_prep()
    local = run_outcomes(prep, N_PATHS, chunk_paths=N_PATHS)
    seen: list[tuple[int, int]] = []
    one = run_outcomes(
        prep,
        N_PATHS,
        client=one_worker,
        chunk_paths=100,
        progress=lambda done, total: seen.append((done, total)),
    )
    assert_same(local, one)
    assert len(seen) == 4 and seen[-1] == (N_PATHS, N_PATHS)
    assert sorted(d for d, _ in seen) == [d for d, _ in seen]
    with dask_client(n_workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        two = run_outcomes(prep, N_PATHS, client=client, chunk_paths=200)
    assert_same(local, two)


def test_repeated_runs_on_one_client(one_worker: Client) -> None:
    """A client outlives a run (a scheduler's address, a notebook): running the same prepared
    inputs again on it, with another chunk size, gives the same bits again.

    A regression test: the inputs were once scattered under a content-hash key and released at
    the end of each run, so the next run's scatter got the same key and the earlier release
    dropped it under the new run's tasks ("lost dependencies"); they now scatter with
    ``hash=False``.
    """
    prep = small_prep()
    local = run_outcomes(prep, N_PATHS)
    for chunk in (200, 400, 200):
        assert_same(local, run_outcomes(prep, N_PATHS, client=one_worker, chunk_paths=chunk))


def test_simulate_refuses_bad_worker_settings() -> None:
    """The edge's settings: paths below 1, negative workers, or workers with a scheduler's
    address are input errors naming the option (no cluster is started)."""
    prep = small_prep()
    with pytest.raises(InputError, match="--paths"):
        simulate(prep, 0, workers=0)
    with pytest.raises(InputError, match="--workers"):
        simulate(prep, 10, workers=-1)
    with pytest.raises(InputError, match="--workers"):
        simulate(prep, 10, workers=2, scheduler="tcp://127.0.0.1:1")
