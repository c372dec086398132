"""NAV errors (issue 20): golden cases worked by hand, and the reprocessing identity."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.ops import (
    DEFAULT_POLICY,
    NavErrorClass,
    NavErrorPolicy,
    Order,
    classify,
    reprocess,
)

DAY = dt.date(2026, 3, 9)


def _order(account: str, kind: str, amount: float, released: float) -> Order:
    return Order(account, DAY, kind, amount, amount / released)  # type: ignore[arg-type]


def test_defaults() -> None:
    assert (
        DEFAULT_POLICY.error_per_unit,
        DEFAULT_POLICY.material_share,
        DEFAULT_POLICY.account_minimum,
        DEFAULT_POLICY.reprocess_immaterial,
    ) == (0.01, 0.005, 10.0, False)


@pytest.mark.parametrize(
    ("released", "correct", "cls", "diff", "share"),
    [
        # 10.10 vs 10.00: 0.10 per unit, 0.10 / 10.00 = 1% >= 0.5%: material
        (10.10, 10.00, NavErrorClass.MATERIAL, 0.10, 0.01),
        # 10.005 vs 10.00: half a cent per unit < 1 cent: not an error (rounding)
        (10.005, 10.00, NavErrorClass.NONE, 0.005, 0.0005),
        # 10.06 vs 10.00: 0.06 per unit, 0.6% >= 0.5%: material
        (10.06, 10.00, NavErrorClass.MATERIAL, 0.06, 0.006),
        # 10.01 vs 10.00: exactly one cent (10.01 - 10.00 is 0.00999... in binary): an error,
        # 0.1% < 0.5%: immaterial
        (10.01, 10.00, NavErrorClass.IMMATERIAL, 0.01, 0.001),
        # 10.05 vs 10.00: 0.5% exactly: material ("at least")
        (10.05, 10.00, NavErrorClass.MATERIAL, 0.05, 0.005),
        # 10.04 vs 10.00: 0.4%: immaterial
        (10.04, 10.00, NavErrorClass.IMMATERIAL, 0.04, 0.004),
        # too low: 9.94 vs 10.00: -0.06 per unit, 0.6%: material
        (9.94, 10.00, NavErrorClass.MATERIAL, -0.06, 0.006),
        # a $1.50 unit: 1 cent is 0.67% of NAV, so every error is material
        (1.51, 1.50, NavErrorClass.MATERIAL, 0.01, 0.01 / 1.50),
        (10.00, 10.00, NavErrorClass.NONE, 0.0, 0.0),
    ],
)
def test_classify_golden(
    released: float, correct: float, cls: NavErrorClass, diff: float, share: float
) -> None:
    e = classify(released, correct)
    assert e.error_class is cls
    assert e.difference_per_unit == pytest.approx(diff, abs=1e-12)
    assert e.share == pytest.approx(share, abs=1e-12)


def test_classify_under_another_policy() -> None:
    strict = NavErrorPolicy(error_per_unit=0.001, material_share=0.001)
    assert classify(10.005, 10.00, strict).error_class is NavErrorClass.IMMATERIAL
    assert classify(10.01, 10.00, strict).error_class is NavErrorClass.MATERIAL
    with pytest.raises(ValueError):
        classify(0.0, 10.0)
    with pytest.raises(ValueError):
        NavErrorPolicy(material_share=0.0)
    with pytest.raises(ValueError):
        NavErrorPolicy(account_minimum=-1.0)


def test_reprocess_golden_too_high() -> None:
    # Released 10.10, correct 10.00 (material: 1%).
    #
    # Purchase of $100,000 (plan P1): booked 100,000 / 10.10 = 9,900.990099 units; it should
    # have bought 100,000 / 10.00 = 10,000 units. The participant is owed 99.009901 units,
    # worth 99.009901 x 10.00 = $990.10 (= 100,000 - 9,900.990099 x 10.00).
    #
    # Redemption of $50,000 (plan P2): booked 50,000 / 10.10 = 4,950.495050 units, worth
    # 4,950.495050 x 10.00 = $49,504.95 at the correct NAV: the participant was paid $495.05
    # too much; the fund is owed. Had the dollars been redeemed at 10.00 they would have cost
    # 5,000 units: 49.504950 units too few were taken out of the account.
    out = reprocess(
        [_order("P1", "purchase", 100_000, 10.10), _order("P2", "redemption", 50_000, 10.10)],
        10.10,
        10.00,
    )
    assert out.error.error_class is NavErrorClass.MATERIAL
    buy, sell = out.orders
    assert buy.correct_units == pytest.approx(10_000.0)
    assert buy.units_difference == pytest.approx(99.009901, abs=1e-6)
    assert buy.account_units == pytest.approx(99.009901, abs=1e-6)
    assert buy.participant_dollars == pytest.approx(990.10, abs=0.005)
    assert buy.owed_to == "participant"
    assert sell.correct_units == pytest.approx(5_000.0)
    assert sell.units_difference == pytest.approx(49.504950, abs=1e-6)
    assert sell.account_units == pytest.approx(-49.504950, abs=1e-6)
    assert sell.participant_dollars == pytest.approx(-495.05, abs=0.005)
    assert sell.owed_to == "fund"
    assert buy.clears_minimum and buy.reprocess and sell.clears_minimum and sell.reprocess
    # net: 990.10 - 495.05 = 495.05 = (10.10 - 10.00) x (9,900.990099 - 4,950.495050)
    assert out.participant_dollars == pytest.approx(495.05, abs=0.005)
    assert out.accounts == pytest.approx({"P1": 990.099, "P2": -495.0495}, abs=1e-3)
    assert out.to_dict()["orders"][1]["owed_to"] == "fund"


def test_reprocess_golden_too_low() -> None:
    # Released 9.90, correct 10.00 (1% too low). A $100,000 purchase got 100,000 / 9.90 =
    # 10,101.010101 units instead of 10,000: 101.010101 units too many, $1,010.10 owed to the
    # fund. A $50,000 redemption gave up 5,050.505051 units worth $50,505.05: the participant
    # is owed $505.05.
    out = reprocess(
        [_order("P1", "purchase", 100_000, 9.90), _order("P2", "redemption", 50_000, 9.90)],
        9.90,
        10.00,
    )
    buy, sell = out.orders
    assert buy.participant_dollars == pytest.approx(-1010.10, abs=0.005)
    assert buy.owed_to == "fund"
    assert sell.participant_dollars == pytest.approx(505.05, abs=0.005)
    assert sell.owed_to == "participant"


def test_per_account_minimum_nets_the_accounts_orders() -> None:
    # 10.10 vs 10.00: each dollar bought is owed 1 - 10.00 / 10.10 = 0.0099 (0.99%).
    # A1: $500 -> owed $4.95: under $10. A2: $600 + $500 -> $5.94 + $4.95 = $10.89: clears,
    # though neither order alone would. A3: $2,000 bought (owed $19.80) and $1,500 redeemed
    # (owes $14.85): net $4.95, under $10.
    orders = [
        _order("A1", "purchase", 500, 10.10),
        _order("A2", "purchase", 600, 10.10),
        _order("A2", "purchase", 500, 10.10),
        _order("A3", "purchase", 2_000, 10.10),
        _order("A3", "redemption", 1_500, 10.10),
    ]
    out = reprocess(orders, 10.10, 10.00)
    assert [o.clears_minimum for o in out.orders] == [False, True, True, False, False]
    assert out.accounts["A2"] == pytest.approx(10.89, abs=0.005)
    assert out.accounts["A3"] == pytest.approx(4.95, abs=0.005)
    assert reprocess(orders, 10.10, 10.00, NavErrorPolicy(account_minimum=0)).orders[0].reprocess


def test_only_errors_the_policy_reprocesses_are_flagged() -> None:
    # 10.04 vs 10.00: immaterial (0.4%). $100,000 bought is owed 100,000 x 0.04 / 10.04 =
    # $398.41: it clears the minimum, but an immaterial error is not reprocessed by default.
    order = [_order("P1", "purchase", 100_000, 10.04)]
    out = reprocess(order, 10.04, 10.00)
    assert out.orders[0].participant_dollars == pytest.approx(398.41, abs=0.005)
    assert out.orders[0].clears_minimum and not out.orders[0].reprocess
    assert (
        reprocess(order, 10.04, 10.00, NavErrorPolicy(reprocess_immaterial=True))
        .orders[0]
        .reprocess
    )
    # no error at all (half a cent): nothing is reprocessed
    none = reprocess([_order("P1", "purchase", 10_000_000, 10.005)], 10.005, 10.00)
    assert none.error.error_class is NavErrorClass.NONE
    assert not none.orders[0].reprocess


def test_order_validation() -> None:
    with pytest.raises(ValueError, match="purchase or redemption"):
        Order("P", DAY, "exchange", 100.0, 10.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="amount"):
        Order("P", DAY, "purchase", -100.0, 10.0)


# The identity. Write r for the released NAV, c for the correct one, and for each order A its
# dollars and u = A / r its units. What the participant is owed:
#   purchase:   A - u c        (paid A, received units worth u c)       =  u (r - c)
#   redemption: u c - A        (gave up units worth u c, received A)    = -u (r - c)
# since A = u r. Summed over the orders:
#   sum of participant dollars = (r - c) x (units purchased - units redeemed),
# the released price's error times the net units the wrong price issued: each unit issued at r
# instead of c moved (r - c) from the buyer to the other holders, each unit redeemed moved
# (r - c) from the other holders to the seller.
@settings(max_examples=200, deadline=None)
@given(
    released=st.floats(1.0, 200.0),
    correct=st.floats(1.0, 200.0),
    orders=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "C"]),
            st.sampled_from(["purchase", "redemption"]),
            st.floats(1.0, 1e7),
        ),
        max_size=20,
    ),
)
def test_sum_of_dollar_differences_is_error_times_net_units(
    released: float, correct: float, orders: list[tuple[str, str, float]]
) -> None:
    book = [_order(acc, kind, amount, released) for acc, kind, amount in orders]
    out = reprocess(book, released, correct)
    net_units = sum(o.units if o.kind == "purchase" else -o.units for o in book)
    scale = sum(o.amount for o in book) + 1.0
    assert out.participant_dollars == pytest.approx(
        (released - correct) * net_units, abs=1e-9 * scale
    )
    assert sum(out.accounts.values()) == pytest.approx(out.participant_dollars, abs=1e-9 * scale)
    for c in out.orders:
        # each order's dollars are its account units at the correct price
        assert c.participant_dollars == pytest.approx(c.account_units * correct, abs=1e-9 * scale)
        # too high a price: buyers are owed, sellers owe; too low the other way
        if c.owed_to != "none":
            too_high = released > correct
            buyer = c.order.kind == "purchase"
            assert (c.owed_to == "participant") is (too_high == buyer)
