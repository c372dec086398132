"""Issue 17 item 5: the sample book's commitments come from a point-in-time pacing rule.

The vehicle's private share is measured on the generator's mirror of the strike
(``SampleBook.vehicle``: the book's orders and fund flows, the liquid sleeves' real returns, the
funds at their true value); the demo's strike (nowcast values) is checked by ``altsleeve demo``
and ``benchmarks/validate_sample_pacing.py --ledger``.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from altsleeve.samplebook import (
    DEFAULT_PARAMS,
    PacingParams,
    SampleBook,
    decide_commitment,
    generate_sample_book,
)
from altsleeve.samplebook._pacing import FundState

CAP, LOWER = 0.15, 0.05


def test_gh17_sample_vehicle_stays_under_its_cap_and_in_its_band(book: SampleBook) -> None:
    share = book.vehicle.set_index("date")["private_share"]
    assert share.index[0] == pd.Timestamp("1999-01-04")
    assert share.index[-1] == pd.Timestamp("2018-12-31")
    assert (share <= CAP).all(), f"{int((share > CAP).sum())} days above the cap"
    in_band = float(((share >= LOWER) & (share <= CAP)).mean())
    assert in_band >= 0.80, in_band


def test_gh17_constant_commitments_break_the_policy(market: dict[str, pd.Series]) -> None:
    """The same dollars committed evenly do not hold the cap: the rule is what keeps it."""
    params = dataclasses.replace(
        DEFAULT_PARAMS, pacing=PacingParams(rule="constant", constant_amount=43.5e6)
    )
    share = generate_sample_book(market, seed=2045, params=params).vehicle["private_share"]
    assert (share > CAP).sum() > 100


def test_gh17_commitments_are_smoothed_and_capped(book: SampleBook) -> None:
    p = book.pacing.set_index("year")
    assert list(p.index) == list(range(1999, 2016))
    pacing = book.params.pacing
    prev = p["commitment"].shift(1)
    rises = (p["rule"] - prev).iloc[1:]
    # a rise moves at most max_step of net assets a year (partial adjustment)
    assert (rises <= pacing.max_step * p["net_assets"].iloc[1:] + 1.0).all()
    # never above what keeps every projected quarter at or under the cap guard
    assert (p["rule"] <= p["cap_bound"] + 1.0).all()
    # the yearly amounts are what the holdings commit
    by_year = book.holdings.groupby("vintage")["commitment"].sum()
    committed = p["commitment"][p["commitment"] > 0]
    pd.testing.assert_series_equal(
        by_year.astype(float), committed.astype(float), check_names=False, check_index_type=False
    )
    assert (book.holdings["commitment"] >= book.params.commitment_min).all()


def test_gh17_decisions_use_only_what_was_known(book: SampleBook) -> None:
    """Each January's inputs are the mirror's values the day before: later funds had no flows."""
    v = book.vehicle.set_index("date")
    for row in book.pacing.itertuples():
        assert row.decided_on < pd.Timestamp(row.year, 1, 1) or row.year == 1999
        if row.year > 1999:
            assert row.net_assets == pytest.approx(v.loc[row.decided_on, "net_assets"], rel=1e-9)
            assert row.private_share == pytest.approx(
                v.loc[row.decided_on, "private_share"], abs=1e-12
            )
    first_flow = book.cashflows.merge(book.holdings[["holding_id", "vintage"]], on="holding_id")
    assert (pd.to_datetime(first_flow["date"]).dt.year >= first_flow["vintage"]).all()


def test_gh17_decisions_do_not_change_when_later_data_are_added(
    market: dict[str, pd.Series], book: SampleBook
) -> None:
    """A crash after 2008-12-31 changes no decision made by then (years up to 2009)."""
    cut = pd.Timestamp("2008-12-31")
    other = {k: s.where(s.index <= cut, s * 0.5) for k, s in market.items()}
    crashed = generate_sample_book(other, seed=2045)
    a = crashed.pacing.set_index("year")
    b = book.pacing.set_index("year")
    pd.testing.assert_frame_equal(a.loc[:2009], b.loc[:2009])
    assert not a.loc[2010:, "net_assets"].equals(b.loc[2010:, "net_assets"])


def _fund(value: float) -> FundState:
    return FundState("buyout", True, value, value, value, 8)


def test_rule_feedback_smoothing_and_cap_guard() -> None:
    pacing = PacingParams()
    mix = [("buyout", True, 1.0)]
    low = decide_commitment(pacing, 1e9, 0.05, 0.0, [_fund(50e6)], mix, previous=40e6)
    high = decide_commitment(pacing, 1e9, 0.08, 0.0, [_fund(50e6)], mix, previous=40e6)
    # below target the feedback adds, closer to target less
    assert low["feedback"] == pytest.approx(0.5 * 0.04 * 1e9)
    assert high["feedback"] < low["feedback"]
    # a rise is a partial adjustment bounded by max_step of net assets
    assert low["commitment"] <= 40e6 + pacing.max_step * 1e9 + 1.0
    first = decide_commitment(pacing, 1e9, 0.0, 0.0, [], mix, previous=None)
    assert first["feedback"] == 0.0
    assert first["commitment"] == pytest.approx(min(first["planner"], first["cap_bound"]))
    # a book already at the guard gets nothing
    full = decide_commitment(pacing, 1e9, 0.14, 0.0, [_fund(140e6)], mix, previous=40e6)
    assert full["commitment"] == 0.0 and full["cap_bound"] == 0.0
    assert np.isfinite(full["planner"])
