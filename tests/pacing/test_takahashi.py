"""Takahashi-Alexander (2002) core: golden values computed by hand, identities, helpers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.pacing import (
    PROJECTION_COLUMNS,
    TakahashiAlexanderParams,
    contribution_rate,
    project_commitment,
    ta_call,
    ta_distribution_rate,
    to_period_growth,
    to_period_rate,
)

# Golden example (annual, the paper's recursion), computed by hand:
#   CC = 100, RC = (0.25, 0.5, ...), L = 3, B = 2, G = 10%, Y = 0.
#   year 1: C1 = 0.25 * (100 - 0) = 25;       RD1 = (1/3)^2 = 1/9;  D1 = 1/9 * 0 * 1.1 = 0
#           NAV1 = 0 * 1.1 + 25 - 0 = 25
#   year 2: C2 = 0.5 * (100 - 25) = 37.5;     RD2 = (2/3)^2 = 4/9
#           D2 = 4/9 * 25 * 1.1 = 12.2222...; NAV2 = 27.5 + 37.5 - 12.2222 = 52.7777...
#   year 3: RD3 = (3/3)^2 = 1;                D3 = 52.7777 * 1.1 = 58.0555...
#           paper (calls go on):  C3 = 0.5 * (100 - 62.5) = 18.75, NAV3 = 18.75
#           default (calls stop at t >= L): C3 = 0, NAV3 = 0
GOLDEN = TakahashiAlexanderParams(rate_of_contribution=(0.25, 0.5), life=3, bow=2.0, growth=0.10)


def test_golden_annual_paper_recursion() -> None:
    df = project_commitment(GOLDEN, 100.0, calls_stop_at_life=False)
    assert list(df.columns) == list(PROJECTION_COLUMNS)
    assert df["period"].tolist() == [1, 2, 3]
    np.testing.assert_allclose(df["call"], [25.0, 37.5, 18.75], atol=1e-12)
    nav2 = 27.5 + 37.5 - 110 / 9  # 52.7777...
    np.testing.assert_allclose(df["distribution"], [0.0, 110 / 9, nav2 * 1.1], rtol=1e-12)
    np.testing.assert_allclose(df["nav"], [25.0, nav2, 18.75], rtol=1e-12)
    np.testing.assert_allclose(df["paid_in"], [25.0, 62.5, 81.25])
    np.testing.assert_allclose(df["unfunded"], [75.0, 37.5, 18.75])


def test_golden_annual_default_stops_calls_at_life() -> None:
    df = project_commitment(GOLDEN, 100.0)
    np.testing.assert_allclose(df["call"], [25.0, 37.5, 0.0], atol=1e-12)
    np.testing.assert_allclose(df["distribution"], [0.0, 110 / 9, (27.5 + 37.5 - 110 / 9) * 1.1])
    np.testing.assert_allclose(df["nav"], [25.0, 27.5 + 37.5 - 110 / 9, 0.0], atol=1e-12)


def test_golden_yield_floor() -> None:
    # Y = 20% > (1/3)^2: year 2 uses max(0.2, 4/9) = 4/9, year 1 would use 0.2 (NAV0 = 0).
    # With a one-year RC of 100%: C1 = 100, NAV1 = 100; year 2: D2 = 4/9 * 110 = 48.888...
    p = TakahashiAlexanderParams((1.0,), life=3, bow=2.0, growth=0.10, yield_=0.20)
    df = project_commitment(p, 100.0, n_periods=2)
    np.testing.assert_allclose(df["distribution"], [0.0, 4 / 9 * 110.0])
    # bow 4: (2/3)^4 = 0.1975 < 0.2, so the yield floor binds: D2 = 0.2 * 110 = 22
    p4 = TakahashiAlexanderParams((1.0,), life=3, bow=4.0, growth=0.10, yield_=0.20)
    np.testing.assert_allclose(project_commitment(p4, 100.0, n_periods=2)["distribution"][1], 22.0)


def test_golden_quarterly_first_periods() -> None:
    # Quarterly: rc_q = 1 - (1 - 0.25)^(1/4) = 0.0693951...; g_q = 1.1^(1/4) - 1 = 0.0241137...
    # rd_q(t = 0.5) = 1 - (1 - (0.5/3)^2)^(1/4) = 1 - (35/36)^(1/4) = 0.0070180...
    # P1: C1 = 100 rc_q = 6.93951; NAV1 = 6.93951
    # P2: C2 = rc_q (100 - 6.93951) = 6.45795; D2 = rd_q(0.5) * NAV1 * (1 + g_q) = 0.04988
    rc_q = 1 - 0.75**0.25
    g_q = 1.1**0.25 - 1
    rd2 = 1 - (35 / 36) ** 0.25
    df = project_commitment(GOLDEN, 100.0, periods_per_year=4)
    assert len(df) == 12  # ceil(3 * 4)
    c1 = 100 * rc_q
    c2 = rc_q * (100 - c1)
    d2 = rd2 * c1 * (1 + g_q)
    np.testing.assert_allclose(df["call"][:2], [c1, c2], rtol=1e-12)
    np.testing.assert_allclose(df["distribution"][1], d2, rtol=1e-12)
    np.testing.assert_allclose(df["nav"][1], c1 * (1 + g_q) + c2 - d2, rtol=1e-12)
    # four quarters call exactly the first year's 25% of the commitment
    np.testing.assert_allclose(df["paid_in"][3], 25.0, rtol=1e-12)
    assert df["nav"].iloc[-1] == 0.0


def test_helpers() -> None:
    assert ta_call(0.25, 100.0, 40.0) == pytest.approx(15.0)
    assert ta_call(0.5, 100.0, 120.0) == 0.0  # never negative
    np.testing.assert_allclose(
        ta_call(np.array([0.1, 1.0]), 100.0, np.array([0.0, 50.0])), [10.0, 50.0]
    )
    assert ta_distribution_rate(1.5, 3.0, 2.0, 0.0) == pytest.approx(0.25)
    assert ta_distribution_rate(0.1, 3.0, 2.0, 0.05) == pytest.approx(0.05)
    assert ta_distribution_rate(5.0, 3.0, 2.0, 0.0) == 1.0  # after the life, all is paid
    np.testing.assert_allclose(
        ta_distribution_rate(np.array([0.0, 3.0]), 3.0, 2.0, 0.1), [0.1, 1.0]
    )
    assert to_period_rate(0.25, 1) == 0.25
    assert (1 - to_period_rate(0.25, 4)) ** 4 == pytest.approx(0.75)
    assert to_period_rate(1.0, 4) == 1.0
    np.testing.assert_allclose(to_period_rate(np.array([0.0, 1.0]), 4), [0.0, 1.0])
    assert (1 + to_period_growth(0.1, 4)) ** 4 == pytest.approx(1.1)
    assert contribution_rate((0.25, 0.333, 0.5), 1) == 0.25
    assert contribution_rate((0.25, 0.333, 0.5), 9) == 0.5


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate_of_contribution": ()},
        {"rate_of_contribution": (1.5,)},
        {"life": 0.0},
        {"bow": -1.0},
        {"growth": -1.0},
        {"yield_": 1.5},
    ],
)
def test_params_validation(kwargs: dict[str, object]) -> None:
    base: dict[str, object] = {
        "rate_of_contribution": (0.25,),
        "life": 10.0,
        "bow": 2.0,
        "growth": 0.1,
        "yield_": 0.0,
    }
    base.update(kwargs)
    with pytest.raises(ValueError):
        TakahashiAlexanderParams(**base)  # type: ignore[arg-type]


def test_bad_arguments() -> None:
    with pytest.raises(ValueError):
        project_commitment(GOLDEN, -1.0)
    with pytest.raises(ValueError):
        project_commitment(GOLDEN, 1.0, periods_per_year=0)
    assert project_commitment(GOLDEN, 1.0, n_periods=0).empty


rates = st.floats(min_value=0.0, max_value=1.0)


@settings(max_examples=150, deadline=None)
@given(
    rc=st.lists(rates, min_size=1, max_size=5),
    life=st.integers(min_value=1, max_value=15),
    bow=st.floats(min_value=0.2, max_value=5.0),
    growth=st.floats(min_value=-0.5, max_value=0.5),
    yield_=st.floats(min_value=0.0, max_value=0.2),
    ppy=st.sampled_from([1, 4]),
    extra=st.integers(min_value=0, max_value=8),
    stop=st.booleans(),
)
def test_identities(
    rc: list[float],
    life: int,
    bow: float,
    growth: float,
    yield_: float,
    ppy: int,
    extra: int,
    stop: bool,
) -> None:
    p = TakahashiAlexanderParams(tuple(rc), float(life), bow, growth, yield_)
    cc = 1_000_000.0
    df: pd.DataFrame = project_commitment(
        p, cc, periods_per_year=ppy, n_periods=life * ppy + extra, calls_stop_at_life=stop
    )
    tol = 1e-6 * cc
    assert (df["paid_in"] <= cc + tol).all()  # paid-in never exceeds the commitment
    assert (df[["call", "distribution", "nav", "unfunded"]] >= -tol).all().all()
    np.testing.assert_allclose(df["paid_in"] + df["unfunded"], cc, atol=tol)
    # cumulative calls - distributions + growth = NAV
    g = to_period_growth(growth, ppy)
    nav_before = df["nav"].shift(fill_value=0.0)
    growth_dollars = (g * nav_before).cumsum()
    np.testing.assert_allclose(
        df["call"].cumsum() - df["distribution"].cumsum() + growth_dollars, df["nav"], atol=tol
    )
    # the recursion, step by step
    np.testing.assert_allclose(
        df["nav"], nav_before * (1 + g) + df["call"] - df["distribution"], atol=tol
    )
    if stop:
        # everything is distributed at the end of life
        assert df["nav"].iloc[life * ppy - 1] == pytest.approx(0.0, abs=tol)
        assert math.isclose(df["call"].iloc[life * ppy - 1 :].sum(), 0.0, abs_tol=tol)
