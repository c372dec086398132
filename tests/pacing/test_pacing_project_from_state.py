"""Continuing the Takahashi-Alexander recursion from a known state."""

from __future__ import annotations

import numpy as np
import pytest

from altsleeve.pacing import TakahashiAlexanderParams, project_commitment, project_from_state

PARAMS = TakahashiAlexanderParams((0.25, 0.333, 0.5), life=12.0, bow=2.5, growth=0.13, yield_=0.0)


@pytest.mark.parametrize("k", [0, 3, 10, 30])
def test_continuing_from_the_models_own_state_reproduces_the_projection(k: int) -> None:
    full = project_commitment(PARAMS, 100.0, periods_per_year=4, n_periods=48)
    paid_in = 0.0 if k == 0 else float(full["paid_in"].iloc[k - 1])
    nav = 0.0 if k == 0 else float(full["nav"].iloc[k - 1])
    rest = project_from_state(
        PARAMS, 100.0, paid_in=paid_in, nav=nav, age_periods=k, n_periods=48 - k
    )
    for col in ("call", "distribution", "nav", "paid_in", "unfunded"):
        np.testing.assert_allclose(
            rest[col].to_numpy(), full[col].to_numpy()[k:], rtol=1e-10, atol=1e-10
        )


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        project_from_state(PARAMS, 100.0, paid_in=0, nav=0, age_periods=-1, n_periods=4)
