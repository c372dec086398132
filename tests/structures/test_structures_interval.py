"""Interval funds (Rule 23c-3): proration, terms refusals, the calendar, offers under stress."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.errors import InputError
from altsleeve.structures import (
    IntervalTerms,
    interval_offer,
    prorate,
    repurchase_calendar,
    vehicle_tender,
    weekday_calendar,
)

# --------------------------------------------------------------------------------------------
# Proration: three holders, oversubscribed
# --------------------------------------------------------------------------------------------
# Shares outstanding 10,000; a 5% offer = 500 shares. Holders A, B, C tender 640, 320, 40
# (total 1,000 > 500: oversubscribed).
TENDERS = [640.0, 320.0, 40.0]
OFFER = 500.0


def test_prorate_three_holders_plain() -> None:
    # ratio = 500 / 1000 = 0.5 -> A 640*0.5 = 320, B 320*0.5 = 160, C 40*0.5 = 20; sum 500.
    r = prorate(TENDERS, OFFER)
    np.testing.assert_allclose(r.accepted, [320.0, 160.0, 20.0])
    assert r.ratio == pytest.approx(0.5)
    assert r.extra_used == 0.0
    assert r.oversubscribed


def test_prorate_three_holders_with_extra_two_percent() -> None:
    # Extra 2% of 10,000 = 200 shares taken first: capacity 500 + 200 = 700;
    # ratio = 700 / 1000 = 0.7 -> A 448, B 224, C 28; sum 700.
    r = prorate(TENDERS, OFFER, extra_amount=0.02 * 10_000)
    np.testing.assert_allclose(r.accepted, [448.0, 224.0, 28.0])
    assert r.capacity == pytest.approx(700.0)
    assert r.extra_used == pytest.approx(200.0)


def test_prorate_three_holders_small_holder_priority() -> None:
    # C owns 40 shares (< 100) and tenders all 40: accepted in full first.
    # Left: 500 - 40 = 460 for A and B, who tendered 640 + 320 = 960:
    # ratio = 460 / 960 = 23/48 = 0.4791667 -> A 640*23/48 = 306.6667, B 320*23/48 = 153.3333.
    r = prorate(TENDERS, OFFER, held=[1_000.0, 500.0, 40.0], small_holder_max=100)
    np.testing.assert_allclose(r.accepted, [306.6666667, 153.3333333, 40.0])
    assert r.ratio == pytest.approx(23 / 48)
    assert list(r.priority) == [False, False, True]


def test_prorate_small_holder_must_tender_all() -> None:
    # C owns 60 but tenders 40: not "all of their stock", so no priority; plain 0.5 for all.
    r = prorate(TENDERS, OFFER, held=[1_000.0, 500.0, 60.0], small_holder_max=100)
    np.testing.assert_allclose(r.accepted, [320.0, 160.0, 20.0])


def test_prorate_small_holder_priority_and_extra() -> None:
    # capacity 700; C's 40 first; 660 / 960 = 0.6875 -> A 440, B 220.
    r = prorate(TENDERS, OFFER, extra_amount=200, held=[1_000, 500, 40], small_holder_max=100)
    np.testing.assert_allclose(r.accepted, [440.0, 220.0, 40.0])


def test_prorate_undersubscribed_accepts_everything() -> None:
    # 300 tendered <= 500 offered: all accepted, no extra used.
    r = prorate([100.0, 200.0], OFFER, extra_amount=200)
    np.testing.assert_allclose(r.accepted, [100.0, 200.0])
    assert r.capacity == OFFER and r.extra_used == 0.0 and not r.oversubscribed


def test_prorate_refusals() -> None:
    with pytest.raises(InputError, match="fewer than 100 shares"):
        prorate(TENDERS, OFFER, held=[1_000, 500, 40], small_holder_max=150)
    with pytest.raises(InputError, match="whole holding"):
        prorate(TENDERS, OFFER, small_holder_max=100)
    with pytest.raises(InputError, match="more than it holds"):
        prorate(TENDERS, OFFER, held=[600, 500, 40])
    with pytest.raises(InputError, match="tender must be"):
        prorate([-1.0], OFFER)


@settings(max_examples=200, deadline=None)
@given(
    tendered=st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=12),
    offer=st.floats(0, 2e6, allow_nan=False),
    extra=st.floats(0, 5e5, allow_nan=False),
    small=st.booleans(),
    spare=st.lists(st.floats(0, 200, allow_nan=False), min_size=12, max_size=12),
)
def test_prorate_property(
    tendered: list[float], offer: float, extra: float, small: bool, spare: list[float]
) -> None:
    held = [t + s if i % 2 else t for i, (t, s) in enumerate(zip(tendered, spare, strict=False))]
    r = prorate(
        tendered,
        offer,
        extra_amount=extra,
        held=held if small else None,
        small_holder_max=99 if small else None,
    )
    total = sum(tendered)
    capacity = total if total <= offer else min(total, offer + extra)
    # never more than tendered, never more than the capacity, and the sums match
    assert np.all(r.accepted <= r.tendered * (1 + 1e-12) + 1e-9)
    assert np.all(r.accepted >= 0)
    assert r.total_accepted <= offer + extra + 1e-6 * max(1.0, total) or total <= offer
    assert r.total_accepted == pytest.approx(capacity, rel=1e-9, abs=1e-6)


# --------------------------------------------------------------------------------------------
# Terms: refused outside Rule 23c-3
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("frequency_months", 4, "every 3, 6 or 12 months"),
        ("offer_fraction", 0.04, "5% to 25%"),
        ("offer_fraction", 0.26, "5% to 25%"),
        ("notice_days", 20, "21 to 42 days"),
        ("notice_days", 43, "21 to 42 days"),
        ("pricing_lag_days", 15, "within 14 days"),
        ("payment_lag_days", 8, "within 7 days"),
        ("extra_fraction", 0.03, "at most 2%"),
        ("small_holder_max", 101, "fewer than 100 shares"),
    ],
)
def test_interval_terms_refused(field: str, value: float, words: str) -> None:
    with pytest.raises(InputError, match=words) as info:
        IntervalTerms(**{field: value})  # type: ignore[arg-type]
    assert info.value.problems[0].column == field
    assert "Rule 23c-3" in str(info.value)


def test_interval_terms_lists_every_fault() -> None:
    with pytest.raises(InputError) as info:
        IntervalTerms(frequency_months=1, offer_fraction=0.5, notice_days=10)
    assert [p.column for p in info.value.problems] == [
        "frequency_months",
        "offer_fraction",
        "notice_days",
    ]


def test_interval_terms_at_the_bounds_are_accepted() -> None:
    IntervalTerms(12, 0.25, 42, 14, 7, 0.02, 99)
    IntervalTerms(6, 0.05, 21, 0, 0, 0.0, None)


# --------------------------------------------------------------------------------------------
# Calendar: a quarterly fund over one year
# --------------------------------------------------------------------------------------------


def test_quarterly_calendar_2025_golden() -> None:
    # Deadlines scheduled on the 15th of Mar/Jun/Sep/Dec 2025; notice 30 days, pricing 14 days
    # after the deadline, payment 7 days after pricing; weekdays with July 4 a holiday.
    #  Mar 15 is a Saturday -> deadline Fri Mar 14; notice Mar 14 - 30 = Wed Feb 12;
    #    pricing Mar 14 + 14 = Fri Mar 28; payment Mar 28 + 7 = Fri Apr 4.
    #  Jun 15 is a Sunday -> deadline Fri Jun 13; notice Jun 13 - 30 = Wed May 14;
    #    pricing Fri Jun 27; payment Jun 27 + 7 = Fri Jul 4, a holiday -> Thu Jul 3 (6 days).
    #  Sep 15 Monday: notice Sep 15 - 30 = Sat Aug 16 -> Fri Aug 15 (31 days <= 42);
    #    pricing Mon Sep 29; payment Mon Oct 6.
    #  Dec 15 Monday: notice Sat Nov 15 -> Fri Nov 14 (31 days); pricing Mon Dec 29;
    #    payment Mon Jan 5 2026.
    terms = IntervalTerms(3, 0.05, notice_days=30, pricing_lag_days=14, payment_lag_days=7)
    cal = weekday_calendar([dt.date(2025, 7, 4)])
    frame = repurchase_calendar(terms, dt.date(2025, 3, 15), dt.date(2025, 12, 31), calendar=cal)
    d = dt.date
    assert frame["notice"].tolist() == [
        d(2025, 2, 12),
        d(2025, 5, 14),
        d(2025, 8, 15),
        d(2025, 11, 14),
    ]
    assert frame["deadline"].tolist() == [
        d(2025, 3, 14),
        d(2025, 6, 13),
        d(2025, 9, 15),
        d(2025, 12, 15),
    ]
    assert frame["pricing"].tolist() == [
        d(2025, 3, 28),
        d(2025, 6, 27),
        d(2025, 9, 29),
        d(2025, 12, 29),
    ]
    assert frame["payment"].tolist() == [
        d(2025, 4, 4),
        d(2025, 7, 3),
        d(2025, 10, 6),
        d(2026, 1, 5),
    ]
    assert frame["notice_days"].tolist() == [30, 30, 31, 31]
    assert frame["payment_days"].tolist() == [7, 6, 7, 7]
    assert (frame["notice_days"].between(21, 42)).all()
    assert (frame["pricing_days"] <= 14).all() and (frame["payment_days"] <= 7).all()


def test_calendar_rolls_within_the_rule_around_holidays() -> None:
    # 12-month fund, deadline Fri Jan 17 2025, notice 42 days before = Fri Dec 6 2024, made a
    # holiday: the preceding business day (Thu Dec 5) would be 43 days > 42, so the notice rolls
    # forward to Mon Dec 9 (39 days). Pricing 14 days after = Fri Jan 31 2025, made a holiday:
    # the rule allows the next business day, Mon Feb 3 (17 days). Payment 7 days after pricing
    # = Mon Feb 10.
    terms = IntervalTerms(12, 0.05, notice_days=42, pricing_lag_days=14, payment_lag_days=7)
    cal = weekday_calendar([dt.date(2024, 12, 6), dt.date(2025, 1, 31)])
    frame = repurchase_calendar(terms, dt.date(2025, 1, 17), dt.date(2025, 12, 31), calendar=cal)
    row = frame.iloc[0]
    assert len(frame) == 1
    assert row["notice"] == dt.date(2024, 12, 9) and row["notice_days"] == 39
    assert row["pricing"] == dt.date(2025, 2, 3) and row["pricing_days"] == 17
    assert row["payment"] == dt.date(2025, 2, 10)


def test_calendar_pricing_on_a_weekend_rolls_forward() -> None:
    # deadline Fri Jan 17 2025, pricing lag 1 -> Sat Jan 18 -> Mon Jan 20 (3 days <= 14).
    terms = IntervalTerms(12, 0.05, notice_days=21, pricing_lag_days=1, payment_lag_days=0)
    frame = repurchase_calendar(terms, dt.date(2025, 1, 17), dt.date(2025, 12, 31))
    assert frame["pricing"].tolist() == [dt.date(2025, 1, 20)]
    assert frame["payment"].tolist() == [dt.date(2025, 1, 20)]


# --------------------------------------------------------------------------------------------
# The vehicle's tender and its outcome under stress
# --------------------------------------------------------------------------------------------


def test_interval_offer_under_market_wide_tenders() -> None:
    # 1,000,000 shares outstanding; the vehicle holds and tenders 50,000; 20% of the other
    # holders' 950,000 shares are tendered = 190,000; total 240,000.
    # capacity = 5% * 1,000,000 + 2% * 1,000,000 = 70,000; ratio 70,000/240,000 = 0.2916667;
    # vehicle accepted 50,000 * 0.2916667 = 14,583.33 shares * $10 = $145,833.33.
    terms = IntervalTerms(3, 0.05, 21)
    out = interval_offer(
        terms, 1_000_000, 50_000, nav_per_share=10.0, market_tender_ratio=0.20, vehicle_held=50_000
    )
    assert out.proration.capacity == pytest.approx(70_000)
    assert out.vehicle_accepted == pytest.approx(14_583.3333, rel=1e-8)
    assert out.vehicle_cash == pytest.approx(145_833.333, rel=1e-8)
    assert out.acceptance == pytest.approx(70 / 240)
    assert out.unfilled == pytest.approx(50_000 - 14_583.3333, rel=1e-8)
    # without the extra: 50,000 / 240,000 -> 10,416.67 shares
    plain = interval_offer(
        terms, 1_000_000, 50_000, market_tender_ratio=0.20, vehicle_held=50_000, take_extra=False
    )
    assert plain.vehicle_accepted == pytest.approx(50_000 * 50 / 240)


def test_interval_offer_quiet_market_is_paid_in_full() -> None:
    # others tender 10,000; with the vehicle's 30,000: 40,000 <= 50,000 offered -> all accepted.
    out = interval_offer(IntervalTerms(), 1_000_000, 30_000, others_tendered=10_000)
    assert out.vehicle_accepted == 30_000 and out.acceptance == 1.0


def test_interval_offer_needs_one_way_of_giving_others() -> None:
    with pytest.raises(InputError, match="exactly one"):
        interval_offer(IntervalTerms(), 1_000_000, 30_000)


def test_vehicle_tender_grosses_up_for_expected_proration() -> None:
    # need $100,000 at $10 a share, expecting half accepted: tender 100,000/(10*0.5) = 20,000;
    # expected accepted 10,000 shares = $100,000, no shortfall.
    d = vehicle_tender(100_000, 50_000, 10.0, expected_acceptance=0.5)
    assert (d.shares_tendered, d.expected_accepted, d.expected_cash, d.shortfall) == (
        pytest.approx(20_000),
        pytest.approx(10_000),
        pytest.approx(100_000),
        pytest.approx(0.0),
    )
    # holding only 15,000 shares: tender all; expected 7,500 shares = $75,000; short $25,000.
    d = vehicle_tender(100_000, 15_000, 10.0, expected_acceptance=0.5)
    assert d.shares_tendered == 15_000 and d.shortfall == pytest.approx(25_000)
    with pytest.raises(InputError, match="expected_acceptance"):
        vehicle_tender(1.0, 1.0, 1.0, expected_acceptance=0.0)
