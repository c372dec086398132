"""Distribution waterfalls: published worked examples to the cent, hand cases, properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.fees import (
    Carry,
    Deal,
    american_waterfall,
    european_waterfall,
)

D0 = dt.date(2021, 1, 1)
D1 = dt.date(2022, 1, 1)  # 365 days after D0: one year exactly on ACT/365


def cents(x: float) -> float:
    return round(x, 2)


# -- golden: published worked examples ----------------------------------------------------------


def test_golden_full_catch_up_cfa_style_problem() -> None:
    # Source: the CFA/CAIA-style waterfall problem worked on AnalystForum,
    # https://www.analystforum.com/t/can-anyone-pls-explain-how-does-catch-up-clause-work-through-an-example-with-hurdle-rate/154723
    # (also thread 124656, "How is the catch-up rate calculated?", a Schweser example):
    # "Year 1: LP contributes 50mill. Hurdle is 8%, catch-up is full (100%) and carry split is
    # 80/20. Year 2: investment is sold for 100mill."  Published answer, in $m:
    #   return of capital 50 (LP); 8% hurdle 4 (LP); catch-up 1 (GP): the first 5 of profit
    #   split 4/1 = 80/20; the remaining 45 split 36 (LP) / 9 (GP).
    #   LP gets 90 = 50 + 4 + 36; GP gets 10 = 1 + 9.
    # One year = 2021-01-01 -> 2022-01-01, 365 days (ACT/365), so the pref is exactly 8%.
    r = european_waterfall([(D0, 50e6)], [(D1, 100e6)], Carry(rate=0.20, preferred_return=0.08))
    row = r.rows.iloc[0]
    assert cents(row["lp_capital"]) == 50_000_000.00
    assert cents(row["lp_pref"]) == 4_000_000.00
    assert cents(row["gp_catch_up"]) == 1_000_000.00
    assert cents(row["lp_split"]) == 36_000_000.00
    assert cents(row["gp_split"]) == 9_000_000.00
    assert cents(r.lp_total) == 90_000_000.00
    assert cents(r.gp_net) == 10_000_000.00
    assert r.clawback == 0.0


def test_golden_preferred_return_without_catch_up_plumule() -> None:
    # Source: Plumule Advisory, "How investment fund carried interest works", part 3
    # ("Preferred returns, GP catch-ups, and clawbacks"),
    # https://plumuleadvisory.com/how-investment-fund-carried-interest-works-part-2-2
    # Waterfall: 100% to LPs until capital back; 100% to LPs until 8% compounded annually;
    # then 80/20. "LP invested a total of $100. The Fund sells assets and has $200 to
    # distribute ... it's been one year ... the preferred return is $8 ... the remaining $92 is
    # split 80% to the LP ($73.60) and 20% to the GP ($18.40). Here, the LP received $181.60
    # (100+8+73.6) and the GP received $18.40."
    r = european_waterfall(
        [(D0, 100.0)], [(D1, 200.0)], Carry(rate=0.20, preferred_return=0.08, catch_up=0.0)
    )
    row = r.rows.iloc[0]
    assert (cents(row["lp_capital"]), cents(row["lp_pref"])) == (100.00, 8.00)
    assert (cents(row["lp_split"]), cents(row["gp_split"])) == (73.60, 18.40)
    assert cents(r.lp_total) == 181.60
    assert cents(r.gp_net) == 18.40


def test_golden_american_clawback_sydecar() -> None:
    # Source: Sydecar glossary, "Clawback", https://www.sydecar.io/glossary/clawback :
    # "a $1M fund has 2 deals at $500k each in investment. The 1st deal has a 4x return, which
    # nets $2M in return. In an American waterfall, the GP gets $300k in carry interest at a 20%
    # rate. Assume the 2nd deal was a complete loss ... the fund overall got $2M in
    # distributions, $1M is returned back to the LPs, leaving $1M left as profit ... the GP's net
    # carried interest is now 30% ($300k/$1M), far in excess of the stated 20%."
    # No preferred return, no catch-up. The clawback restores 20% of the $1M profit:
    # GP keeps $200,000.00 and returns $100,000.00.
    terms = Carry(rate=0.20, preferred_return=0.0, catch_up=0.0, waterfall="american")
    deals = [
        Deal("deal 1", dt.date(2020, 1, 1), 500_000.0, dt.date(2022, 1, 1), 2_000_000.0),
        Deal("deal 2", dt.date(2020, 1, 1), 500_000.0, dt.date(2024, 1, 1), 0.0),
    ]
    r = american_waterfall(deals, terms)
    first = r.rows.iloc[0]
    assert cents(first["lp_capital"]) == 500_000.00
    assert cents(first["gp"]) == 300_000.00
    assert cents(first["lp"]) == 1_700_000.00
    assert cents(r.gp_carry) == 300_000.00
    assert cents(r.clawback) == 100_000.00
    assert cents(r.gp_net) == 200_000.00  # 20% of the $1m profit
    assert cents(r.lp_total) == 1_800_000.00
    assert r.lp_flows()[-1] == (dt.date(2024, 1, 1), 100_000.0)
    # the whole-fund (European) waterfall never overpays on the same flows
    eu = european_waterfall(
        [(d.invested, d.cost) for d in deals],
        [(d.exited, d.proceeds) for d in deals],
        terms.model_copy(update={"waterfall": "european"}),
    )
    assert cents(eu.gp_carry) == 200_000.00 and eu.clawback == 0.0


# -- hand-worked cases ----------------------------------------------------------------------------


def test_european_interim_distribution_then_clawback_by_hand() -> None:
    # 100 contributed on D0; 150 distributed on D1 (one year: pref 8); then 60 more contributed
    # and lost (written off, nothing more distributed) by 2023-01-01.
    # On D1: capital 100, pref 8, catch-up 8 * 0.25 = 2, split 40 -> 32 LP / 8 GP; GP = 10.
    # At the end: paid-in 160, distributed 150: the fund lost 10, so (a) the excess is all of
    # the GP's 10; (b) the LPs are short too. Clawback = min(GP carry 10, max(a, b)) = 10.
    end = dt.date(2023, 1, 1)
    r = european_waterfall(
        [(D0, 100.0), (dt.date(2022, 6, 1), 60.0)],
        [(D1, 150.0)],
        Carry(rate=0.2),
        end=end,
    )
    assert cents(r.gp_carry) == 10.00
    assert cents(r.clawback) == 10.00
    assert cents(r.gp_net) == 0.00
    assert cents(r.lp_total) == 150.00
    assert r.lp_flows()[-1][0] == end


def test_european_pref_compounds_on_dated_contributions_act_365() -> None:
    # 100 on 2020-01-01, returned with everything on 2022-01-01: 731 days (2020 is a leap year).
    # Pref = 100 * (1.08 ** (731 / 365) - 1) = 16.6426...; then a full catch-up of pref / 4.
    d_end = dt.date(2022, 1, 1)
    r = european_waterfall([(dt.date(2020, 1, 1), 100.0)], [(d_end, 200.0)], Carry(rate=0.2))
    pref = 100.0 * (1.08 ** (731 / 365) - 1.0)
    row = r.rows.iloc[0]
    assert row["lp_pref"] == pytest.approx(pref, abs=1e-9)
    assert row["gp_catch_up"] == pytest.approx(pref / 4.0, abs=1e-9)
    assert r.gp_net == pytest.approx(0.2 * 100.0, abs=1e-9)  # caught up: 20% of all profit


def test_american_carries_realised_losses_forward_by_hand() -> None:
    # No pref, 20% carry, no catch-up. Deal A (cost 10) is written off first; deal B (cost 10)
    # then sells for 30. Deal by deal with loss carry-forward: B first returns its 10 and A's 10,
    # then splits 10 -> GP 2, LP 8.
    t = Carry(rate=0.2, preferred_return=0.0, catch_up=0.0, waterfall="american")
    deals = [
        Deal("A", D0, 10.0, dt.date(2022, 1, 1), 0.0),
        Deal("B", D0, 10.0, dt.date(2023, 1, 1), 30.0),
    ]
    r = american_waterfall(deals, t)
    b = r.rows.iloc[1]
    assert cents(b["lp_capital"]) == 20.00
    assert cents(b["gp"]) == 2.00
    assert r.clawback == 0.0


def test_american_returns_allocated_fees_first() -> None:
    # A fee of 2 paid while only deal A (cost 8) is held is allocated to A; A sells for 20: LPs
    # get 8 + 2 back, then 10 is split (no pref, no catch-up) 8 / 2.
    t = Carry(rate=0.2, preferred_return=0.0, catch_up=0.0, waterfall="american")
    deals = [Deal("A", D0, 8.0, D1, 20.0)]
    r = american_waterfall(deals, t, fees=[(D0, 2.0)])
    row = r.rows.iloc[0]
    assert (cents(row["lp_capital"]), cents(row["gp"])) == (10.00, 2.00)
    no_fees = american_waterfall(deals, t.model_copy(update={"return_fees": False}), fees=[])
    assert cents(no_fees.rows.iloc[0]["gp"]) == 2.40


# -- properties -----------------------------------------------------------------------------------

amounts = st.floats(min_value=0.0, max_value=1e7, allow_nan=False)
days = st.integers(min_value=0, max_value=4000)


@st.composite
def deal_lists(draw: st.DrawFn) -> list[Deal]:
    n = draw(st.integers(min_value=1, max_value=6))
    out = []
    for i in range(n):
        start = D0 + dt.timedelta(days=draw(days))
        hold = draw(st.integers(min_value=1, max_value=3000))
        cost = draw(st.floats(min_value=1.0, max_value=1e7))
        out.append(Deal(f"d{i}", start, cost, start + dt.timedelta(days=hold), draw(amounts)))
    return out


carry_terms = st.builds(
    lambda k, p, c, w: Carry(
        rate=k,
        preferred_return=p,
        catch_up=0.0 if c < 0.5 else max(c, k + 0.01),
        waterfall=w,
    ),
    st.floats(min_value=0.0, max_value=0.5),
    st.floats(min_value=0.0, max_value=0.15),
    st.floats(min_value=0.0, max_value=1.0),
    st.sampled_from(["european", "american"]),
)


def _run(deals: list[Deal], t: Carry, fees: list[tuple[dt.date, float]]):  # type: ignore[no-untyped-def]
    if t.waterfall == "american":
        return american_waterfall(deals, t, fees=fees)
    return european_waterfall(
        [(d.invested, d.cost) for d in deals],
        [(d.exited, d.proceeds) for d in deals],
        t,
        fees=fees,
    )


@settings(max_examples=80, deadline=None)
@given(deal_lists(), carry_terms, st.lists(st.tuples(days, amounts), max_size=4))
def test_cash_is_conserved_and_lp_net_never_exceeds_gross(
    deals: list[Deal], t: Carry, raw_fees: list[tuple[int, float]]
) -> None:
    fees = [(D0 + dt.timedelta(days=d), a) for d, a in raw_fees]
    r = _run(deals, t, fees)
    gross = sum(d.proceeds for d in deals)
    # LP + GP = gross at every distribution, and in total (the clawback moves GP -> LP)
    assert (r.rows["lp"] + r.rows["gp"] - r.rows["gross"]).abs().max() <= 1e-6 * max(gross, 1)
    assert r.lp_total + r.gp_net == pytest.approx(gross, rel=1e-9, abs=1e-6)
    # net <= gross: the LPs never get more than the fund distributed; the GP never goes negative
    assert r.lp_total <= gross + 1e-6
    assert (r.rows["gp"] >= -1e-9).all()
    assert 0.0 <= r.clawback <= r.gp_carry + 1e-9


@settings(max_examples=60, deadline=None)
@given(deal_lists(), st.sampled_from(["european", "american"]))
def test_zero_carry_gives_net_equal_to_gross(deals: list[Deal], waterfall: str) -> None:
    t = Carry(rate=0.0, preferred_return=0.08, catch_up=1.0, waterfall=waterfall)  # type: ignore[arg-type]
    r = _run(deals, t, [])
    assert r.gp_net == 0.0
    assert r.lp_total == pytest.approx(sum(d.proceeds for d in deals), rel=1e-12, abs=1e-9)


def test_gh_17_clawback_without_catch_up_keeps_the_preferred_return() -> None:
    """Issue 17, item 4: without a catch-up the GP is owed ``k`` of the profit above the LPs'
    capital and preferred return, not ``k`` of all the profit, but the clawback test used the
    latter. 100 contributed on 2020-01-01 (D0); 150 distributed on 2021-01-01: capital 100, pref
    100 x (1.08^(366/365) - 1) = 8.02, then 20% of the remaining 41.98 to the GP: 8.40. Then 50
    more are called on 2021-01-02 and only 40 come back on 2022-01-01. Paid-in 150, distributed
    190, profit 40: the old test allowed the GP 20% x 40 = 8 and clawed back 0.40. Whole-fund
    in end-of-fund dollars (ACT/365, 8% a year): the LPs are owed 100 x 1.08^(731/365) +
    50 x 1.08^(364/365) = 170.63; the distributions are worth 150 x 1.08 + 40 = 202.02: the GP
    is entitled to 20% of 31.39 = 6.28, and its carry is worth 8.40 x 1.08 = 9.07 at the end:
    it returns 2.79."""
    end = dt.date(2022, 1, 1)
    terms = Carry(rate=0.2, catch_up=0.0)
    r = european_waterfall(
        [(dt.date(2020, 1, 1), 100.0), (dt.date(2021, 1, 2), 50.0)],
        [(dt.date(2021, 1, 1), 150.0), (end, 40.0)],
        terms,
        end=end,
    )

    def fv(x: float, days: int) -> float:
        return x * 1.08 ** (days / 365)

    pref = fv(100.0, 366) - 100.0
    gp = 0.2 * (150.0 - 100.0 - pref)
    assert r.gp_carry == pytest.approx(gp, abs=1e-9)
    owed = fv(100.0, 731) + fv(50.0, 364)
    worth = fv(150.0, 365) + 40.0
    expected = fv(gp, 365) - 0.2 * (worth - owed)
    assert expected == pytest.approx(2.79, abs=0.01)
    assert r.clawback == pytest.approx(expected, abs=1e-9)
    # with a full catch-up the GP is owed 20% of all the profit: the standard test (a) holds
    full = european_waterfall(
        [(dt.date(2020, 1, 1), 100.0), (dt.date(2021, 1, 2), 50.0)],
        [(dt.date(2021, 1, 1), 150.0), (end, 40.0)],
        Carry(rate=0.2),
        end=end,
    )
    assert full.clawback == pytest.approx(full.gp_carry - 0.2 * 40.0, abs=1e-9)
