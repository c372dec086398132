"""Evergreen fees: a high-water mark case worked by hand, and properties of the engine."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.fees import (
    Incentive,
    crystallisation_mask,
    evergreen_fees,
)

# Terms of the large evergreen real-estate fund in DOMAIN.md section 8: 1.25% of NAV plus 12.5%
# over a 5% hurdle, here with a high-water mark and annual crystallisation.
TERMS = Incentive(rate=0.125, hurdle=0.05, high_water_mark=True, crystallisation="annual")


def test_high_water_mark_worked_by_hand() -> None:
    # Four years of 365 days each (tau = 1), $100 subscribed, gross +20%, -10%, +15%, +10%.
    # Management = 1.25% x opening NAV; incentive = 12.5% x (NAV after management - T),
    # T = max(HWM, opening NAV x 1.05).
    #
    # Year 1: 100 x 1.20 = 120; mgmt 1.25 -> 118.75; T = max(100, 105) = 105;
    #         incentive 0.125 x 13.75 = 1.71875 -> NAV 117.03125; HWM 117.03125.
    # Year 2: 117.03125 x 0.90 = 105.328125; mgmt 1.462890625 -> 103.865234375;
    #         T = max(117.03125, 122.8828125) -> no fee; NAV 103.865234375; HWM unchanged.
    # Year 3: x 1.15 = 119.44501953125; mgmt 1.2983154296875 -> 118.1467041015625;
    #         T = max(HWM 117.03125, 103.865234375 x 1.05 = 109.05849609375) = 117.03125:
    #         the HWM binds; incentive 0.125 x 1.1154541015625 = 0.1394317626953125
    #         -> NAV 118.0072723388671875; HWM 118.0072723388671875.
    # Year 4: x 1.10 = 129.80799957275390625; mgmt 1.47509090423583984375
    #         -> 128.33290866851806640625; T = max(118.00727..., 123.90763595581054688)
    #         = 123.90763595581054688; incentive 0.125 x 4.42527271270751953 = 0.55315908908843994
    #         -> NAV 127.77974957942962646.
    r = evergreen_fees(
        100.0,
        [0.20, -0.10, 0.15, 0.10],
        [1.0] * 4,
        management_rate=0.0125,
        incentive=TERMS,
        periods_per_year=1,
    )
    assert r.management == pytest.approx([1.25, 1.462890625, 1.2983154296875, 1.47509090423584])
    assert r.incentive == pytest.approx([1.71875, 0.0, 0.1394317626953125, 0.55315908908844])
    assert r.nav == pytest.approx(
        [117.03125, 103.865234375, 118.00727233886719, 127.77974957942963]
    )
    assert r.hwm == pytest.approx([117.03125, 117.03125, 118.00727233886719, 127.77974957942963])
    # Without the HWM, year 3's threshold is the hurdle alone (109.0585): the fee is
    # 0.125 x (118.1467041 - 109.0584961) = 1.1360260009765625, eight times as much.
    no_hwm = evergreen_fees(
        100.0,
        [0.20, -0.10, 0.15, 0.10],
        [1.0] * 4,
        management_rate=0.0125,
        incentive=TERMS.model_copy(update={"high_water_mark": False}),
        periods_per_year=1,
    )
    assert no_hwm.incentive[2] == pytest.approx(1.1360260009765625)


def test_catch_up_variant_by_hand() -> None:
    # +20% in a year, no management fee, 12.5% with catch-up over a 5% hurdle: the manager may
    # take 12.5% of the whole gain (2.5) but only what exceeds T = 105: min(2.5, 15) = 2.5.
    # At +6%: min(0.75, 1.0) = 0.75; at +5.5%: min(0.6875, 0.5) = 0.5 (inside the catch-up zone).
    t = TERMS.model_copy(update={"catch_up": True})
    for gross, fee in ((0.20, 2.5), (0.06, 0.75), (0.055, 0.5), (0.04, 0.0)):
        r = evergreen_fees(100.0, [gross], [1.0], incentive=t, periods_per_year=1)
        assert r.incentive[0] == pytest.approx(fee)


def test_crystallisation_dates() -> None:
    assert crystallisation_mask(10, 4).tolist() == [0, 0, 0, 1, 0, 0, 0, 1, 0, 1]
    assert crystallisation_mask(3, 1).all()


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-0.5, max_value=0.5), min_size=1, max_size=24),
    st.floats(min_value=0.0, max_value=0.05),
    st.floats(min_value=0.0, max_value=0.3),
    st.floats(min_value=0.0, max_value=0.1),
    st.booleans(),
    st.booleans(),
    st.sampled_from(["quarterly", "annual"]),
)
def test_net_never_above_gross_and_money_conserved(
    returns: list[float],
    m: float,
    k: float,
    h: float,
    hwm: bool,
    catch_up: bool,
    cryst: str,
) -> None:
    tau = np.full(len(returns), 0.25)
    inc = Incentive(
        rate=k,
        hurdle=h,
        high_water_mark=hwm,
        catch_up=catch_up,
        crystallisation=cryst,  # type: ignore[arg-type]
    )
    r = evergreen_fees(1e6, returns, tau, management_rate=m, incentive=inc)
    gross = 1e6 * np.cumprod(1.0 + np.asarray(returns))
    assert (r.nav <= gross * (1 + 1e-12) + 1e-6).all()
    assert (r.management >= 0).all() and (r.incentive >= 0).all()
    assert (r.nav >= -1e-9).all()
    # each period: NAV before fees = NAV after fees + the fees
    assert np.allclose(r.nav_pre, r.nav + r.management + r.incentive, rtol=1e-12, atol=1e-6)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.floats(min_value=-0.5, max_value=0.5), min_size=1, max_size=24))
def test_zero_rates_give_net_equal_to_gross(returns: list[float]) -> None:
    tau = np.full(len(returns), 0.25)
    r = evergreen_fees(
        1e6, returns, tau, management_rate=0.0, incentive=TERMS.model_copy(update={"rate": 0.0})
    )
    assert r.nav == pytest.approx(1e6 * np.cumprod(1.0 + np.asarray(returns)), rel=1e-12)
    assert r.net_returns(1e6) == pytest.approx(returns, abs=1e-12)
