"""The participant flow rates over a trailing window: one definition, worked by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from altsleeve.fund import trailing_flows
from altsleeve.liquidity import trailing_redemptions


def test_a_young_vehicle_counts_the_days_since_its_first_strike() -> None:
    # first strike 2018-10-02, day 2018-12-31: covered = 90 days + 1 (the first day) = 91.
    # mean net assets (100 + 300) / 2 = 200; purchases 20 -> 20 / 200 * 365 / 91 = 0.401099
    # redemptions 5 (the one before the first strike is not counted) -> 0.100275
    strikes = pd.DataFrame({"date": ["2018-10-02", "2018-12-31"], "net_assets": [100.0, 300.0]})
    orders = pd.DataFrame(
        {
            "date": ["2018-09-28", "2018-11-01", "2018-12-03", "2019-01-02"],
            "kind": ["redemption", "purchase", "redemption", "purchase"],
            "amount": [50.0, 20.0, 5.0, 999.0],
        }
    )
    f = trailing_flows(orders, strikes, "2018-12-31")
    assert f.covered_days == 91
    assert f.average_net_assets == 200.0
    assert (f.purchases, f.redemptions) == (20.0, 5.0)
    assert (f.purchase_orders, f.redemption_orders) == (1, 1)
    assert f.purchase_rate == pytest.approx(20 / 200 * 365 / 91)
    assert f.redemption_rate == pytest.approx(5 / 200 * 365 / 91)
    assert f.net_rate == pytest.approx(f.purchase_rate - f.redemption_rate)


def test_orders_not_yet_known_and_an_empty_window_count_nothing() -> None:
    strikes = pd.DataFrame({"date": ["2017-01-03", "2018-12-31"], "net_assets": [100.0, 100.0]})
    orders = pd.DataFrame(
        {
            "date": ["2018-06-01", "2018-06-01"],
            "kind": ["purchase", "purchase"],
            "amount": [10.0, 7.0],
            "known_on": ["2018-06-01", "2019-01-15"],  # the second was known only later
        }
    )
    f = trailing_flows(orders, strikes, "2018-12-31")
    assert (f.covered_days, f.purchases) == (365, 10.0)
    assert f.purchase_rate == pytest.approx(10 / 100)
    none = trailing_flows(orders, strikes, "2016-06-30")  # before the first strike
    assert (none.covered_days, none.purchase_rate, none.redemption_rate) == (0, 0.0, 0.0)


def test_the_liquidity_profiles_redemption_rate_is_this_definition() -> None:
    strikes = pd.DataFrame({"date": ["2018-10-02", "2018-12-31"], "net_assets": [100.0, 300.0]})
    orders = pd.DataFrame({"date": ["2018-12-03"], "kind": ["redemption"], "amount": [5.0]})
    red = trailing_redemptions(orders, strikes, "2018-12-31")
    f = trailing_flows(orders, strikes, "2018-12-31")
    assert (red.rate, red.redemptions, red.covered_days) == (
        f.redemption_rate,
        f.redemptions,
        f.covered_days,
    )
