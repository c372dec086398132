"""Tender-offer funds (schedule, skips, early-repurchase fee) and evergreen gates and queues."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from altsleeve.errors import InputError
from altsleeve.structures import (
    EvergreenTerms,
    TenderOfferTerms,
    early_repurchase_fee,
    evergreen_redemptions,
    evergreen_windows,
    known_nav,
    tender_offer,
    tender_offer_schedule,
)

d = dt.date

# --------------------------------------------------------------------------------------------
# Tender-offer funds
# --------------------------------------------------------------------------------------------


def test_tender_offer_schedule_with_explicit_skip() -> None:
    # Quarterly valuations Mar 31, Jun 30, Sep 30, Dec 31 2025; deadline 30 days before, payment
    # 45 days after (weekdays):
    #  Mar 31 (Mon): deadline Mar 1 (Sat) -> Fri Feb 28; payment May 15 (Thu).
    #  Jun 30 (Mon): deadline May 31 (Sat) -> Fri May 30; payment Aug 14 (Thu). Skipped.
    #  Sep 30 (Tue): deadline Aug 31 (Sun) -> Fri Aug 29; payment Nov 14 (Fri).
    #  Dec 31 (Wed): deadline Dec 1 (Mon); payment Feb 14 2026 (Sat) -> Mon Feb 16.
    frame = tender_offer_schedule(
        TenderOfferTerms(), d(2025, 3, 31), d(2025, 12, 31), skip=[d(2025, 6, 30)]
    )
    assert frame["deadline"].tolist() == [
        d(2025, 2, 28),
        d(2025, 5, 30),
        d(2025, 8, 29),
        d(2025, 12, 1),
    ]
    assert frame["payment"].tolist() == [
        d(2025, 5, 15),
        d(2025, 8, 14),
        d(2025, 11, 14),
        d(2026, 2, 16),
    ]
    assert frame["made"].tolist() == [True, False, True, True]


def test_tender_offer_skip_probability_is_seeded() -> None:
    terms = TenderOfferTerms(skip_probability=0.25)
    a = tender_offer_schedule(terms, d(2000, 3, 31), d(2049, 12, 31), seed=7)
    b = tender_offer_schedule(terms, d(2000, 3, 31), d(2049, 12, 31), seed=7)
    assert a["made"].tolist() == b["made"].tolist()
    # 200 offers, skip chance 25%: made share near 0.75 (binomial sd ~ 0.03)
    assert len(a) == 200
    assert 0.65 < a["made"].mean() < 0.85


def test_early_repurchase_fee_fifo_lots() -> None:
    # Valuation Mar 31 2025, NAV $10 a share, 150,000 shares repurchased from lots
    # Jan 15 2024 (100,000 shares) and Oct 31 2024 (200,000 shares), first in first out:
    #  lot 1: 100,000 shares, held Jan 15 2024 -> Mar 31 2025 = 366 + 75 = 441 days >= 365: no fee
    #  lot 2:  50,000 shares, held Oct 31 2024 -> Mar 31 2025 = 30+31+31+28+31 = 151 days < 365:
    #          fee 2% * 50,000 * $10 = $10,000.
    # gross 150,000 * $10 = $1,500,000; net $1,490,000.
    lots = [(d(2024, 10, 31), 200_000.0), (d(2024, 1, 15), 100_000.0)]
    fee = early_repurchase_fee(TenderOfferTerms(), lots, 150_000, 10.0, d(2025, 3, 31))
    assert fee.gross == pytest.approx(1_500_000)
    assert fee.fee == pytest.approx(10_000)
    assert fee.net == pytest.approx(1_490_000)
    assert fee.lots["days_held"].tolist() == [441, 151]
    assert fee.lots["fee_applies"].tolist() == [False, True]


def test_early_repurchase_fee_boundary_one_year() -> None:
    # held exactly 365 days (Mar 31 2024 -> Mar 31 2025): not "less than one year": no fee;
    # 364 days: fee 2% of $1,000 = $20.
    t = TenderOfferTerms()
    assert early_repurchase_fee(t, [(d(2024, 3, 31), 100.0)], 100, 10.0, d(2025, 3, 31)).fee == 0
    assert early_repurchase_fee(
        t, [(d(2024, 4, 1), 100.0)], 100, 10.0, d(2025, 3, 31)
    ).fee == pytest.approx(20.0)
    with pytest.raises(InputError, match="repurchasing 101"):
        early_repurchase_fee(t, [(d(2024, 4, 1), 100.0)], 101, 10.0, d(2025, 3, 31))


def test_tender_offer_prorated_with_fee() -> None:
    # Fund NAV $200m, offer 5% = $10m; vehicle tenders $3m, others $17m: total $20m,
    # ratio 0.5 -> vehicle accepted $1.5m = 150,000 shares at $10; fee as in the FIFO case
    # above ($10,000) -> cash $1,490,000.
    lots = [(d(2024, 1, 15), 100_000.0), (d(2024, 10, 31), 200_000.0)]
    out = tender_offer(
        TenderOfferTerms(),
        200e6,
        3e6,
        17e6,
        nav_per_share=10.0,
        lots=lots,
        valuation=d(2025, 3, 31),
    )
    assert out.vehicle_accepted == pytest.approx(1.5e6)
    assert out.fee is not None and out.fee.fee == pytest.approx(10_000)
    assert out.vehicle_cash == pytest.approx(1_490_000)
    skipped = tender_offer(TenderOfferTerms(), 200e6, 3e6, 17e6, made=False)
    assert skipped.vehicle_cash == 0.0 and skipped.proration is None


def test_tender_offer_terms_refused() -> None:
    with pytest.raises(InputError) as info:
        TenderOfferTerms(offer_fraction=0.0, skip_probability=1.5, extra_fraction=0.05)
    assert [p.column for p in info.value.problems] == [
        "offer_fraction",
        "skip_probability",
        "extra_fraction",
    ]


# --------------------------------------------------------------------------------------------
# Evergreen funds: a quarterly gate over three quarters with a carried queue
# --------------------------------------------------------------------------------------------

WINDOWS = pd.DataFrame(
    {
        "nav": [100e6, 100e6, 80e6],
        "vehicle": [4e6, 0.0, 1e6],
        "others": [6e6, 4e6, 0.0],
    },
    index=pd.to_datetime(["2025-03-31", "2025-06-30", "2025-09-30"]),
)
QUARTERLY = {"window_months": 3, "monthly_gate": None, "quarterly_gate": 0.05}


def test_evergreen_quarterly_gate_pro_rata_queue() -> None:
    # Q1: requested 4 + 6 = 10m; gate 5% * 100m = 5m; ratio 0.5: vehicle 2m paid, 2m queued;
    #     others 3m paid, 3m queued; queue 5m.
    # Q2: carried 5m + new 4m (others) = 9m; gate 5m; ratio 5/9:
    #     vehicle 2m * 5/9 = 1.1111m paid, 0.8889m queued; others 7m * 5/9 = 3.8889m paid,
    #     3.1111m queued; queue 4m.
    # Q3: NAV 80m -> gate 4m; outstanding 4m + new 1m (vehicle) = 5m; ratio 0.8:
    #     vehicle (0.8889 + 1) = 1.8889m * 0.8 = 1.5111m paid, 0.3778m queued;
    #     others 3.1111m * 0.8 = 2.4889m paid; queue 1m.
    out = evergreen_redemptions(EvergreenTerms(**QUARTERLY, queue="pro_rata"), WINDOWS)  # type: ignore[arg-type]
    m = 1e6
    np.testing.assert_allclose(out["requested"], [10 * m, 9 * m, 5 * m])
    np.testing.assert_allclose(out["gate_capacity"], [5 * m, 5 * m, 4 * m])
    np.testing.assert_allclose(out["paid"], [5 * m, 5 * m, 4 * m])
    np.testing.assert_allclose(out["queued"], [5 * m, 4 * m, 1 * m])
    np.testing.assert_allclose(out["vehicle_paid"], [2 * m, 10 / 9 * m, 1.5111111 * m], rtol=1e-7)
    np.testing.assert_allclose(out["vehicle_queued"], [2 * m, 8 / 9 * m, 0.3777778 * m], rtol=1e-6)
    np.testing.assert_allclose(out["vehicle_share"], [0.4, 2 / 9, 0.3777778], rtol=1e-6)


def test_evergreen_quarterly_gate_fifo_queue() -> None:
    # Q1: as pro rata (one cohort): vehicle 2m paid, 2m queued; others 3m paid, 3m queued.
    # Q2: the Q1 cohort (5m) is served first and fills the 5m gate: vehicle 2m, others 3m paid;
    #     the new 4m (others) waits.
    # Q3: gate 4m; the Q2 cohort (others 4m) is paid in full; the vehicle's new 1m waits.
    out = evergreen_redemptions(EvergreenTerms(**QUARTERLY, queue="fifo"), WINDOWS)  # type: ignore[arg-type]
    m = 1e6
    np.testing.assert_allclose(out["paid"], [5 * m, 5 * m, 4 * m])
    np.testing.assert_allclose(out["queued"], [5 * m, 4 * m, 1 * m])
    np.testing.assert_allclose(out["vehicle_paid"], [2 * m, 2 * m, 0.0])
    np.testing.assert_allclose(out["vehicle_queued"], [2 * m, 0.0, 1 * m])
    np.testing.assert_allclose(out["carried_in"], [0.0, 5 * m, 4 * m])


def test_evergreen_monthly_and_quarterly_gates_both_bind() -> None:
    # Monthly windows, NAV 100m; the vehicle asks 10m in January only.
    # Jan: min(2% * 100 = 2, 5% * 100 - 0 = 5) = 2 -> queue 8
    # Feb: min(2, 5 - 2 = 3) = 2 -> queue 6
    # Mar: min(2, 5 - 4 = 1) = 1 -> queue 5   (the quarterly gate binds)
    # Apr: new quarter: min(2, 5) = 2 -> queue 3
    idx = pd.to_datetime(["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30"])
    w = pd.DataFrame({"nav": 100.0, "vehicle": [10.0, 0, 0, 0], "others": 0.0}, index=idx)
    out = evergreen_redemptions(EvergreenTerms(), w)
    assert out["gate_capacity"].tolist() == pytest.approx([2, 2, 1, 2])
    assert out["queued"].tolist() == pytest.approx([8, 6, 5, 3])
    # without carry, January's unpaid 8 is dropped and nothing is queued
    dropped = evergreen_redemptions(EvergreenTerms(carry=False), w)
    assert dropped["paid"].tolist() == pytest.approx([2, 0, 0, 0])
    assert dropped["dropped"].tolist() == pytest.approx([8, 0, 0, 0])


def test_evergreen_refusals() -> None:
    with pytest.raises(InputError, match="lack columns"):
        evergreen_redemptions(EvergreenTerms(), pd.DataFrame({"nav": [1.0]}))
    with pytest.raises(InputError) as info:
        EvergreenTerms(window_months=2, monthly_gate=0.0, queue="lifo")  # type: ignore[arg-type]
    assert [p.column for p in info.value.problems] == ["window_months", "monthly_gate", "queue"]


def test_known_nav_respects_the_reporting_lag() -> None:
    # Jan 31 NAV 100 known Feb 25 (25 days later); Feb 28 NAV 101 known Mar 25.
    nav = pd.Series([100.0, 101.0], index=pd.to_datetime(["2025-01-31", "2025-02-28"]))
    on = pd.to_datetime(["2025-02-24", "2025-02-25", "2025-03-24", "2025-03-25"])
    out = known_nav(nav, 25, on)
    assert np.isnan(out["nav"].iloc[0])
    assert out["nav"].iloc[1:].tolist() == [100.0, 100.0, 101.0]


def test_evergreen_windows_keep_month_ends() -> None:
    assert evergreen_windows(EvergreenTerms(), d(2025, 1, 31), d(2025, 4, 30)) == [
        d(2025, 1, 31),
        d(2025, 2, 28),
        d(2025, 3, 31),
        d(2025, 4, 30),
    ]
