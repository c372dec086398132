"""Tests for the point-in-time daily indices (bonds and T-bills on the S&P 500 calendar)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.marketdata import (
    SeriesData,
    bond_daily_index,
    load_arch_market_data,
    point_in_time_daily_index,
    tbill_daily_index,
)


@pytest.fixture(scope="module")
def series() -> dict[str, SeriesData]:
    return {s.meta.series_id: s for s in load_arch_market_data()}


@pytest.fixture(scope="module")
def calendar(series: dict[str, SeriesData]) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(series["SP500"].data["date"])


@pytest.fixture(scope="module")
def aaa_yields(series: dict[str, SeriesData]) -> pd.Series:
    frame = series["AAA_YIELD"].data
    return pd.Series(frame["level"].to_numpy(), index=pd.DatetimeIndex(frame["date"]))


def as_series(s: SeriesData) -> pd.Series:
    return pd.Series(s.data["level"].to_numpy(), index=pd.DatetimeIndex(s.data["date"]))


def month_end_rows(calendar: pd.DatetimeIndex) -> pd.DatetimeIndex:
    """Last business day of each month in the calendar."""
    frame = pd.Series(calendar, index=calendar)
    return pd.DatetimeIndex(frame.groupby(calendar.to_period("M")).max().to_numpy())


# --- month ends match the monthly indices ------------------------------------------------------


@pytest.mark.parametrize(
    ("daily_id", "monthly_id"),
    [("BOND_AAA_TR_D", "BOND_AAA_TR"), ("BOND_BAA_TR_D", "BOND_BAA_TR")],
)
def test_bond_daily_matches_monthly_at_month_ends(
    series: dict[str, SeriesData], calendar: pd.DatetimeIndex, daily_id: str, monthly_id: str
) -> None:
    daily = as_series(series[daily_id])
    monthly = as_series(series[monthly_id])  # dated on the 1st of each month
    ends = month_end_rows(calendar)
    assert len(ends) == 240  # 1999-01 .. 2018-12
    monthly_at_ends = monthly.reindex(ends.to_period("M").to_timestamp()).to_numpy()
    # Convention: daily = monthly rebased to 100 at the month before the calendar starts.
    rebased = 100.0 * monthly_at_ends / monthly[pd.Timestamp("1998-12-01")]
    np.testing.assert_allclose(daily[ends].to_numpy(), rebased, rtol=1e-12)


def test_cash_daily_matches_monthly_at_month_ends(
    series: dict[str, SeriesData], calendar: pd.DatetimeIndex
) -> None:
    daily = as_series(series["CASH_TBILL_D"])
    monthly = as_series(series["CASH_TBILL"])  # dated at month ends, ends 2018-11-30
    ends = month_end_rows(calendar)[:-1]  # December 2018 has no RF in the file
    monthly_at_ends = monthly.reindex(ends + pd.offsets.MonthEnd(0)).to_numpy()
    rebased = 100.0 * monthly_at_ends / monthly[pd.Timestamp("1998-12-31")]
    np.testing.assert_allclose(daily[ends].to_numpy(), rebased, rtol=1e-12)


def test_cash_daily_extrapolates_december_2018_at_the_last_known_rate(
    series: dict[str, SeriesData],
) -> None:
    daily = as_series(series["CASH_TBILL_D"])
    rf_nov = 0.18  # frenchdata.csv.gz row 201811
    anchor = daily[pd.Timestamp("2018-11-30")]
    for day in ("2018-12-03", "2018-12-14", "2018-12-31"):
        days = (pd.Timestamp(day) - pd.Timestamp("2018-11-30")).days
        expected = anchor * (1.0 + rf_nov / 100.0 * 12.0 * days / 365.0)
        assert daily[pd.Timestamp(day)] == pytest.approx(expected, rel=1e-14)


# --- within-month accrual ----------------------------------------------------------------------


def test_within_month_accrual_uses_last_months_yield(series: dict[str, SeriesData]) -> None:
    daily = as_series(series["BOND_AAA_TR_D"])
    # 2008-10-15: anchor 2008-09-30 (last business day of September), carry = Sep 2008 AAA 5.65%.
    anchor = daily[pd.Timestamp("2008-09-30")]
    expected = anchor * (1.0 + 0.0565 * 15.0 / 365.0)
    assert daily[pd.Timestamp("2008-10-15")] == pytest.approx(expected, rel=1e-14)
    # First calendar day: anchored on 1998-12-31 at 100, carry = Dec 1998 AAA yield.
    dec_1998 = as_series(series["AAA_YIELD"])[pd.Timestamp("1998-12-01")]
    assert daily.iloc[0] == pytest.approx(100.0 * (1.0 + dec_1998 / 100.0 * 4.0 / 365.0))


def test_loader_uses_the_public_builders(
    series: dict[str, SeriesData], calendar: pd.DatetimeIndex, aaa_yields: pd.Series
) -> None:
    rebuilt = bond_daily_index(aaa_yields, calendar, maturity_years=20.0)
    np.testing.assert_array_equal(rebuilt.to_numpy(), series["BOND_AAA_TR_D"].data["level"])
    rf = as_series(series["FF_RF"])
    rebuilt_cash = tbill_daily_index(rf, calendar)
    np.testing.assert_array_equal(rebuilt_cash.to_numpy(), series["CASH_TBILL_D"].data["level"])


# --- point in time ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(month=st.integers(0, 238))
def test_truncating_yields_after_month_m_changes_nothing_known_by_then(
    calendar: pd.DatetimeIndex, aaa_yields: pd.Series, month: int
) -> None:
    # Month m = 1999-01 + month. Drop every yield after month m.
    m = pd.Period("1999-01", freq="M") + month
    full = bond_daily_index(aaa_yields, calendar)
    cut = bond_daily_index(aaa_yields[aaa_yields.index <= m.to_timestamp()], calendar)
    ends = month_end_rows(calendar)
    end_m = ends[month]
    end_next = ends[month + 1]
    # (1) Every level through the last business day of month m is unchanged.
    through_m = calendar <= end_m
    np.testing.assert_array_equal(cut[through_m].to_numpy(), full[through_m].to_numpy())
    # (2) Month m+1 before its last business day is unchanged too: it only uses y_m
    #     (known at the end of month m) as carry; y_{m+1} enters on its last business day.
    inside_next = (calendar > end_m) & (calendar < end_next)
    np.testing.assert_array_equal(cut[inside_next].to_numpy(), full[inside_next].to_numpy())
    # (3) ... and only there does it differ (when the yield moved).
    y_now = aaa_yields[(m + 1).to_timestamp()]
    y_prev = aaa_yields[m.to_timestamp()]
    if y_now != y_prev:
        assert cut[end_next] != full[end_next]


def test_truncating_rf_changes_nothing_known_by_then(
    series: dict[str, SeriesData], calendar: pd.DatetimeIndex
) -> None:
    rf = as_series(series["FF_RF"])
    full = tbill_daily_index(rf, calendar)
    cut = tbill_daily_index(rf[rf.index <= pd.Timestamp("2008-09-30")], calendar)
    through = calendar <= pd.Timestamp("2008-09-30")
    np.testing.assert_array_equal(cut[through].to_numpy(), full[through].to_numpy())
    assert cut[pd.Timestamp("2008-10-31")] != full[pd.Timestamp("2008-10-31")]


def test_point_in_time_property_for_arbitrary_inputs() -> None:
    # Random carries/returns on a synthetic weekday calendar: perturbing month k's inputs
    # changes nothing before month k's first business day (carry) or its last (return).
    rng = np.random.default_rng(7)
    cal = pd.bdate_range("2001-01-01", "2002-12-31")
    months = pd.date_range("2000-12-01", "2002-12-01", freq="MS")
    carry = pd.Series(rng.uniform(0.0, 0.1, len(months)), index=months)
    rets = pd.Series(rng.normal(0.0, 0.02, len(months)), index=months)
    base = point_in_time_daily_index(cal, carry, rets)
    for k in range(1, len(months)):
        start = months[k]
        last_bday = cal[cal.to_period("M") == start.to_period("M")].max()
        bumped_ret = rets.copy()
        bumped_ret.iloc[k] += 0.01
        out = point_in_time_daily_index(cal, carry, bumped_ret)
        assert (out[cal < last_bday] == base[cal < last_bday]).all()
        assert out[last_bday] != base[last_bday]
        bumped_carry = carry.copy()
        bumped_carry.iloc[k] += 0.01
        out = point_in_time_daily_index(cal, bumped_carry, rets)
        assert (out[cal < start] == base[cal < start]).all()


# --- edge cases of the builder -----------------------------------------------------------------


def test_truncated_calendar_last_row_is_not_a_month_end() -> None:
    cal = pd.bdate_range("2001-01-01", "2001-02-14")
    months = pd.to_datetime(["2001-01-01", "2001-02-01"])
    carry = pd.Series([0.05, 0.06], index=months)
    rets = pd.Series([0.01, 0.02], index=months)
    out = point_in_time_daily_index(cal, carry, rets)
    assert out[pd.Timestamp("2001-01-31")] == pytest.approx(101.0)
    # 2001-02-14 is not February's last business day: accrual, not the month's return.
    assert out.iloc[-1] == pytest.approx(101.0 * (1.0 + 0.06 * 14.0 / 365.0))


def test_builder_rejects_bad_inputs() -> None:
    cal = pd.bdate_range("2001-01-01", "2001-03-30")
    months = pd.date_range("2001-01-01", periods=3, freq="MS")
    carry = pd.Series([0.05, 0.05, 0.05], index=months)
    rets = pd.Series([0.0, 0.0, 0.0], index=months)
    with pytest.raises(ValueError, match="skips"):
        point_in_time_daily_index(cal[(cal.month != 2)], carry, rets)
    with pytest.raises(ValueError, match="cover"):
        point_in_time_daily_index(cal, carry.iloc[1:], rets)
    with pytest.raises(ValueError, match="increasing"):
        point_in_time_daily_index(cal[::-1], carry, rets)
    assert point_in_time_daily_index(cal[:0], carry, rets).empty
