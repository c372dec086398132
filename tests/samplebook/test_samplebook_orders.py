"""Participant orders of the TDF2045 vehicle: amounts, payroll cadence, stress spike."""

from __future__ import annotations

import numpy as np
import pandas as pd

from altsleeve.samplebook import DEFAULT_PARAMS, SampleBook, stress_flags

FP = DEFAULT_PARAMS.flows


def test_orders_positive_and_both_kinds(book: SampleBook) -> None:
    o = book.orders
    assert (o["amount"] > 0).all()
    assert set(o["kind"]) == {"purchase", "redemption"}
    assert o["date"].is_monotonic_increasing


def test_payroll_cadence(book: SampleBook) -> None:
    buys = book.orders[book.orders["kind"] == "purchase"]
    gaps = buys["date"].diff().dt.days.dropna()
    # a payday that is not a business day moves to the business day before (holidays, and the
    # 2001-09-14 market closure moves that payday to Monday 2001-09-10)
    assert gaps.median() == FP.payroll_interval_days
    near = gaps.between(FP.payroll_interval_days - 1, FP.payroll_interval_days + 1)
    assert near.mean() > 0.99
    assert gaps.between(FP.payroll_interval_days - 7, FP.payroll_interval_days + 7).all()
    assert (buys["date"].dt.day_of_week <= FP.payroll_weekday).all()
    # about deferral_rate * payroll_to_assets of reference assets a year
    drivers = book.flow_drivers.set_index("date")
    yearly = (
        drivers["purchase"].resample("YE").sum() / drivers["reference_assets"].resample("YE").mean()
    )
    expected = FP.deferral_rate * FP.payroll_to_assets
    assert (yearly.iloc[1:-1] - expected).abs().max() < 0.1 * expected


def test_stress_spike_in_october_2008(book: SampleBook) -> None:
    red = book.orders[book.orders["kind"] == "redemption"].set_index("date")["amount"]
    monthly = red.resample("ME").sum()
    calm = monthly.loc["2006-01":"2007-06"].median()
    assert monthly.loc["2008-10"].iloc[0] > 2.0 * calm
    drivers = book.flow_drivers.set_index("date")
    assert drivers.loc["2008-10-10":"2008-10-31", "stress"].all()
    assert not drivers.loc["2006-01":"2006-12", "stress"].any()


def test_stress_flags_are_point_in_time(market: dict[str, pd.Series]) -> None:
    levels = market["SP500"].to_numpy()
    flags = stress_flags(levels, FP.stress_window_days, FP.stress_threshold, FP.stress_hold_days)
    # changing the future does not change the past
    cut = 2500
    shocked = levels.copy()
    shocked[cut:] *= 0.5
    flags2 = stress_flags(shocked, FP.stress_window_days, FP.stress_threshold, FP.stress_hold_days)
    assert (flags[: cut + 1] == flags2[: cut + 1]).all()
    assert flags2[cut + 1]  # the crash is seen from the next day on (previous close)
    toy = np.array([100.0] * 30 + [80.0] * 30)
    f = stress_flags(toy, 21, -0.10, 5)
    # triggers while the 21-day window spans the drop (days 31-51), held 5 days after the last
    assert not f[:31].any() and f[31:56].all() and not f[56:].any()


def test_lumpy_withdrawals_are_rare_and_sized(book: SampleBook) -> None:
    d = book.flow_drivers
    hits = d[d["lumpy_redemption"] > 0]
    years = len(d) / DEFAULT_PARAMS.business_days_per_year
    assert 0 < len(hits) <= FP.lumpy_rate_per_year * years * 4
    share = hits["lumpy_redemption"] / hits["reference_assets"]
    assert share.between(FP.lumpy_fraction_min - 1e-9, FP.lumpy_fraction_max + 1e-9).all()
