"""Tests for the par-bond arithmetic: duration, convexity, exact repricing, yield-to-return."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.marketdata import (
    bond_returns_from_yields,
    par_bond_convexity,
    par_bond_exact_return,
    par_bond_modified_duration,
)

M = 20.0


def cash_flow_sum(y: float, maturity: float, freq: int = 2) -> tuple[float, float, float]:
    """Price, modified duration and convexity of a par bond by a plain loop over cash flows."""
    n = round(maturity * freq)
    z = 1.0 + y / freq
    price = dp = d2p = 0.0
    for k in range(1, n + 1):
        cf = y / freq + (1.0 if k == n else 0.0)
        t = k / freq
        price += cf * z**-k
        dp += cf * t * z ** -(k + 1)  # -dP/dy
        d2p += cf * t * (t + 1.0 / freq) * z ** -(k + 2)  # d2P/dy2
    return price, dp / price, d2p / price


def approx_return(y_prev: float, y_now: float, convexity: bool) -> float:
    dy = y_now - y_prev
    r = y_prev / 12.0 - par_bond_modified_duration(y_prev, M) * dy
    if convexity:
        r += 0.5 * par_bond_convexity(y_prev, M) * dy**2
    return r


# --- textbook values -------------------------------------------------------------------------


def test_textbook_duration_20y_6pct_par_bond() -> None:
    # Closed form (Tuckman & Serrat eq. 4.45): D = (1 - 1.03**-40) / 0.06.
    # 1.03**40 = 3.2620378, 1/3.2620378 = 0.3065568, (1 - 0.3065568)/0.06 = 11.557386.
    # Macaulay duration = D * 1.03 = 11.904108 years (the familiar "about 11.9 years").
    d = par_bond_modified_duration(0.06, 20.0)
    assert d == pytest.approx(11.557386, abs=1e-6)
    assert d * 1.03 == pytest.approx(11.904108, abs=1e-6)
    price, d_sum, c_sum = cash_flow_sum(0.06, 20.0)
    assert price == pytest.approx(1.0, abs=1e-12)  # coupon = yield: priced at par
    assert d == pytest.approx(d_sum, rel=1e-12)
    # Convexity (Tuckman & Serrat eq. 4.52) against the cash-flow sum: 186.8275.
    assert par_bond_convexity(0.06, 20.0) == pytest.approx(c_sum, rel=1e-12)
    assert c_sum == pytest.approx(186.8275, abs=1e-4)


@pytest.mark.parametrize("y", [-0.005, 0.0005, 0.0011, 0.01, 0.035, 0.08, 0.15, 0.25])
@pytest.mark.parametrize(("maturity", "freq"), [(20.0, 2), (10.0, 2), (30.0, 2), (5.0, 1)])
def test_closed_forms_match_cash_flow_sums(y: float, maturity: float, freq: int) -> None:
    _, d_sum, c_sum = cash_flow_sum(y, maturity, freq)
    assert par_bond_modified_duration(y, maturity, freq) == pytest.approx(d_sum, rel=1e-9)
    assert par_bond_convexity(y, maturity, freq) == pytest.approx(c_sum, rel=1e-9)


def test_zero_yield_limits_and_arrays() -> None:
    ys = np.array([0.0, 1e-4, 0.06])
    d = par_bond_modified_duration(ys, 20.0)
    c = par_bond_convexity(ys, 20.0)
    assert isinstance(d, np.ndarray) and d.shape == (3,)
    assert d[0] == pytest.approx(20.0)  # zero-coupon bond at zero yield: D = M
    assert c[0] == pytest.approx(20.0 * 20.5)  # C = M (M + 1/freq)
    assert d[2] == pytest.approx(par_bond_modified_duration(0.06, 20.0))
    assert isinstance(par_bond_modified_duration(0.06, 20.0), float)


def test_convexity_is_the_second_derivative_of_price() -> None:
    # Finite differences of the exact price around par (months=0 prices without ageing).
    y, h = 0.07, 1e-4
    up = par_bond_exact_return(y, y + h, M, months=0)
    down = par_bond_exact_return(y, y - h, M, months=0)
    assert -(up - down) / (2 * h) == pytest.approx(par_bond_modified_duration(y, M), rel=1e-6)
    assert (up + down) / h**2 == pytest.approx(par_bond_convexity(y, M), rel=1e-5)


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        par_bond_modified_duration(0.05, 20.1)
    with pytest.raises(ValueError):
        par_bond_convexity(0.05, 20.0, freq=0)
    with pytest.raises(ValueError):
        par_bond_exact_return(0.05, 0.05, 20.0, months=-1)


# --- exact repricing -------------------------------------------------------------------------


@pytest.mark.parametrize("y", [0.01, 0.06, 0.15])
def test_exact_return_at_unchanged_yield_is_compounded_carry(y: float) -> None:
    # A par bond on a coupon date grows at its yield: one month is (1 + y/2)**(1/6).
    assert par_bond_exact_return(y, y, M) == pytest.approx((1 + y / 2) ** (1 / 6) - 1, rel=1e-12)
    assert par_bond_exact_return(y, y, M, months=0) == pytest.approx(0.0, abs=1e-12)


def test_exact_return_after_a_coupon_date_counts_the_coupon() -> None:
    # Seven months at an unchanged yield: the coupon at month 6 is received (not reinvested).
    y = 0.06
    expected = (1 + y / 2) ** (7 / 6) - 1 - (y / 2) * ((1 + y / 2) ** (1 / 6) - 1)
    assert par_bond_exact_return(y, y, M, months=7) == pytest.approx(expected, rel=1e-12)


def test_exact_return_broadcasts() -> None:
    out = par_bond_exact_return(np.array([0.05, 0.06]), 0.07, M)
    assert isinstance(out, np.ndarray) and out.shape == (2,)
    assert out[1] == pytest.approx(par_bond_exact_return(0.06, 0.07, M))


# --- approximation vs exact ------------------------------------------------------------------

# Stated tolerances (20-year par bond, yields 1%-15%):
# - duration + convexity: within 5 bp of exact repricing for yield changes up to 50 bp; the
#   error is mostly the simple carry y/12 versus the exact (1 + y/2)**(1/6) - 1 (0.6 bp at 6%,
#   3.8 bp at 15%), plus third-order terms;
# - duration only: within 50 bp (its error is the missing 0.5 C dy**2, up to 47 bp at 1%).
TOL_CONVEXITY = 5e-4
TOL_DURATION = 5e-3


def test_approximation_within_tolerance_on_a_grid() -> None:
    ys = np.linspace(0.01, 0.15, 29)
    dys = np.linspace(-0.005, 0.005, 41)
    y_prev, dy = np.meshgrid(ys, dys)
    exact = par_bond_exact_return(y_prev, y_prev + dy, M)
    d = par_bond_modified_duration(y_prev, M)
    c = par_bond_convexity(y_prev, M)
    dur_only = y_prev / 12 - d * dy
    with_conv = dur_only + 0.5 * c * dy**2
    assert np.abs(with_conv - exact).max() < TOL_CONVEXITY
    assert np.abs(dur_only - exact).max() < TOL_DURATION


@settings(max_examples=200, deadline=None)
@given(
    y=st.floats(0.01, 0.15),
    dy=st.floats(-0.005, 0.005),
)
def test_property_small_changes_within_tolerance(y: float, dy: float) -> None:
    exact = par_bond_exact_return(y, y + dy, M)
    assert abs(approx_return(y, y + dy, convexity=True) - exact) < TOL_CONVEXITY
    assert abs(approx_return(y, y + dy, convexity=False) - exact) < TOL_DURATION


@settings(max_examples=300, deadline=None)
@given(
    y=st.floats(0.01, 0.15),
    size=st.floats(0.005, 0.02),
    sign=st.sampled_from([-1.0, 1.0]),
)
def test_property_convexity_improves_large_changes(y: float, size: float, sign: float) -> None:
    # For changes of 50 bp to 2%, adding the convexity term brings the approximation closer
    # to exact repricing. (Below about 45 bp the carry error can dominate at high yields.)
    y_now = y + sign * size
    exact = par_bond_exact_return(y, y_now, M)
    err_conv = abs(approx_return(y, y_now, convexity=True) - exact)
    err_dur = abs(approx_return(y, y_now, convexity=False) - exact)
    assert err_conv < err_dur


# --- yield series to returns -------------------------------------------------------------


def test_bond_returns_from_yields_formula() -> None:
    idx = pd.date_range("2000-01-01", periods=4, freq="MS")
    yields = pd.Series([6.0, 6.5, 6.2, 6.2], index=idx)
    r = bond_returns_from_yields(yields)
    assert r.index.equals(idx)
    assert np.isnan(r.iloc[0])
    y0, y1 = 0.06, 0.065
    expected = (
        y0 / 12
        - par_bond_modified_duration(y0, 20.0) * (y1 - y0)
        + 0.5 * par_bond_convexity(y0, 20.0) * (y1 - y0) ** 2
    )
    assert r.iloc[1] == pytest.approx(expected, rel=1e-12)
    assert r.iloc[3] == pytest.approx(0.062 / 12, rel=1e-12)  # unchanged yield: carry only
    r_dur = bond_returns_from_yields(yields, convexity=False)
    assert r_dur.iloc[1] == pytest.approx(
        y0 / 12 - par_bond_modified_duration(y0, 20.0) * (y1 - y0), rel=1e-12
    )
    r10 = bond_returns_from_yields(yields, maturity_years=10.0)
    assert abs(r10.iloc[1] - y0 / 12) < abs(r.iloc[1] - y0 / 12)  # shorter bond, smaller loss


def test_bond_returns_from_yields_rejects_gaps_and_passes_nan() -> None:
    gappy = pd.Series([6.0, 6.1], index=pd.to_datetime(["2000-01-01", "2000-03-01"]))
    with pytest.raises(ValueError, match="consecutive"):
        bond_returns_from_yields(gappy)
    idx = pd.date_range("2000-01-01", periods=3, freq="MS")
    r = bond_returns_from_yields(pd.Series([6.0, np.nan, 6.1], index=idx))
    assert r.isna().all()
    plain = bond_returns_from_yields(pd.Series([5.0, 5.0]))  # no date index: no month check
    assert plain.iloc[1] == pytest.approx(0.05 / 12)
