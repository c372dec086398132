"""simulate_extra_fund: one more synthetic fund of the book's model, with a chosen commitment."""

from __future__ import annotations

import pandas as pd
import pytest

from altsleeve.samplebook import simulate_extra_fund


def test_extra_fund_has_the_commitment_and_is_reproducible(market: dict[str, pd.Series]) -> None:
    a = simulate_extra_fund(market, "private_credit", 2006, 7_250_000.0, "PLAN-PC-2006", seed=11)
    b = simulate_extra_fund(market, "private_credit", 2006, 7_250_000.0, "PLAN-PC-2006", seed=11)
    assert a.holding["commitment"] == 7_250_000.0
    assert a.holding["vehicle_type"] == "drawdown"
    pd.testing.assert_frame_equal(a.cashflows, b.cashflows)
    pd.testing.assert_frame_equal(a.truth, b.truth)
    calls = a.cashflows[a.cashflows["kind"] == "call"]
    assert calls["amount"].sum() <= 7_250_000.0 + 1e-6
    assert pd.Timestamp(calls["date"].min()).year == 2006
    assert (a.statements["known_on"] > a.statements["as_of"]).all()


def test_extra_fund_rejects_bad_input(market: dict[str, pd.Series]) -> None:
    with pytest.raises(ValueError, match="commitment"):
        simulate_extra_fund(market, "buyout", 2006, 0.0, "X", seed=1)
    with pytest.raises(ValueError, match="unknown asset class"):
        simulate_extra_fund(market, "hedge_fund", 2006, 1e6, "X", seed=1)
