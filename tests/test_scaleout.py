"""The Dask helper: a one-worker local cluster runs the stochastic projection unchanged."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from altsleeve.common.scaleout import dask_client
from altsleeve.pacing._stochastic import (
    VARIABLES,
    StochasticSettings,
    bootstrap_scenarios,
    project_stochastic,
    state_frame,
)
from tests.pacing.test_pacing_stochastic import history, perpetual, row


def test_a_local_cluster_gives_the_in_process_result() -> None:
    state = state_frame(
        [
            row("B0"),
            row("V1", "venture", age_quarters=12, paid_in=70.0, nav=85.0),
            perpetual("E2"),
            row("C3", "private_credit", start_quarter=2),
            row("I4", "infrastructure", age_quarters=30, paid_in=90.0, nav=100.0),
        ]
    )
    cfg = StochasticSettings(n_paths=32, n_quarters=12, seed=4)
    scenarios = bootstrap_scenarios(history(), n_paths=32, n_quarters=12, seed=2)
    local = project_stochastic(state, scenarios, cfg)
    with dask_client(n_workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        remote = project_stochastic(state, scenarios, cfg, client=client, chunk_holdings=2)
    pd.testing.assert_frame_equal(local.holding_quantiles, remote.holding_quantiles)
    pd.testing.assert_frame_equal(local.sleeve_quantiles, remote.sleeve_quantiles)
    for name in VARIABLES:
        np.testing.assert_array_equal(local.sleeve_paths[name], remote.sleeve_paths[name])


def test_workers_cannot_be_asked_of_a_remote_scheduler() -> None:
    with (
        pytest.raises(ValueError, match="local cluster only"),
        dask_client("tcp://127.0.0.1:1", n_workers=2),
    ):
        pass
    with pytest.raises(ValueError, match="at least 1"), dask_client(n_workers=0):
        pass


def test_local_workers_keep_glibcs_adaptive_allocator() -> None:
    """Dask's nannies set MALLOC_TRIM_THRESHOLD_ in their workers, which made NumPy-heavy
    Monte Carlo workers 3-4x slower than in process (BENCHMARKS.md, participant outcomes); the
    local cluster unsets it, unless this process's own environment sets it."""
    import os

    with dask_client(n_workers=1) as client:
        seen = list(client.run(lambda: os.environ.get("MALLOC_TRIM_THRESHOLD_")).values())
    assert seen == [os.environ.get("MALLOC_TRIM_THRESHOLD_")]
