"""Issue 17 item 3: daily total-return series of the S&P 500 and NASDAQ, point in time."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.marketdata import (
    implied_dividend_yield,
    load_arch_market_data,
    market_total_returns,
    total_return_daily_index,
)
from altsleeve.samplebook import DEFAULT_PARAMS


@pytest.fixture(scope="module")
def series() -> dict[str, pd.Series]:
    out = {}
    for s in load_arch_market_data():
        out[s.meta.series_id] = pd.Series(
            s.data["level"].to_numpy(), index=pd.DatetimeIndex(s.data["date"])
        )
    return out


@pytest.fixture(scope="module")
def metas() -> dict[str, object]:
    return {s.meta.series_id: s.meta for s in load_arch_market_data()}


def test_gh17_total_return_series_are_registered_with_provenance(metas: dict) -> None:
    for sid, price in (("SP500_TR", "SP500"), ("NASDAQ_TR", "NASDAQ")):
        meta = metas[sid]
        assert meta.asset_type == "equity"
        assert meta.unit == "index" and meta.frequency == "daily"
        assert "TOTAL-RETURN" in meta.description and price in meta.description
        assert "Fama-French" in meta.derivation
        assert "sp500" in meta.file_name or "nasdaq" in meta.file_name
        assert "frenchdata" in meta.file_name
    assert "SP500" in metas and "NASDAQ" in metas  # the price indices stay


def test_total_return_is_at_least_the_price_return(series: dict[str, pd.Series]) -> None:
    for sid, price in (("SP500_TR", "SP500"), ("NASDAQ_TR", "NASDAQ")):
        tr, px = series[sid], series[price]
        assert tr.index.equals(px.index)
        assert tr.iloc[0] == pytest.approx(px.iloc[0])
        ratio = (tr / px).to_numpy()
        assert (np.diff(ratio) >= -1e-12).all()  # income only adds
        years = (tr.index[-1] - tr.index[0]).days / 365.25
        extra = (ratio[-1]) ** (1 / years) - 1
        # S&P 500: about 2.5% a year; NASDAQ half of it (the stated assumption)
        lo, hi = (0.01, 0.03) if sid == "SP500_TR" else (0.004, 0.015)
        assert lo < extra < hi, (sid, extra)


def test_implied_yield_is_in_a_sane_range(series: dict[str, pd.Series]) -> None:
    mkt = market_total_returns(series["FF_MKT_RF"], series["FF_RF"])
    y = implied_dividend_yield(series["SP500"], mkt)
    assert (y >= 0).all()
    assert (y <= 0.05).all()
    assert 0.01 < float(y.mean()) < 0.03
    # the first 19 months have under 18 trailing months: yield 0, stated
    assert (y.iloc[:19] == 0.0).all() and y.iloc[19] > 0


def test_total_return_is_point_in_time(series: dict[str, pd.Series]) -> None:
    mkt = market_total_returns(series["FF_MKT_RF"], series["FF_RF"])
    px = series["SP500"]
    full = total_return_daily_index(px, implied_dividend_yield(px, mkt))
    for cut in ("2003-06-17", "2008-10-31", "2012-01-03"):
        day = pd.Timestamp(cut)
        px_cut = px[px.index <= day]
        mkt_cut = mkt[mkt.index < day.to_period("M").start_time]  # months ended before
        early = total_return_daily_index(px_cut, implied_dividend_yield(px_cut, mkt_cut))
        np.testing.assert_allclose(early.to_numpy(), full[px_cut.index].to_numpy(), rtol=1e-13)


def test_sample_vehicle_benchmark_and_proxies_use_total_return() -> None:
    vehicle = Vehicle.from_toml(sample_vehicle_path())
    equity = next(s for s in vehicle.sleeves if s.id == "equity")
    assert equity.series == "SP500_TR"  # also the with/without-sleeve benchmark's equity
    drivers = {c.asset_class.value: c.driver for c in DEFAULT_PARAMS.asset_classes}
    assert set(drivers.values()) == {"SP500_TR", "NASDAQ_TR"}
    assert drivers["venture"] == "NASDAQ_TR"
