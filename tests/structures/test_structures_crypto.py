"""The crypto sleeve: SYNTHETIC path statistics, the weekend gap, limits, stresses, fallbacks."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest

from altsleeve.errors import InputError
from altsleeve.structures import (
    CRYPTO_STRESSES,
    SYNTHETIC_LABEL,
    CryptoPath,
    CryptoPathSettings,
    PriceSource,
    euler_risk_contributions,
    max_drawdown,
    reference_prices,
    stress_path,
    strike_prices,
    synthetic_crypto_path,
    weekday_calendar,
    weight_limits,
)

d = dt.date


@pytest.fixture(scope="module")
def path() -> CryptoPath:
    """The default 20-year SYNTHETIC path (default seed)."""
    return synthetic_crypto_path(d(2005, 1, 3))


def test_path_is_labelled_synthetic(path: CryptoPath) -> None:
    assert path.synthetic is True
    assert path.label == SYNTHETIC_LABEL and "SYNTHETIC" in path.label
    assert "SYNTHETIC" in str(path.prices.name)
    assert path.equity_synthetic  # no equity series given: the equity side is synthetic too


def test_path_is_24_7_and_20_years(path: CryptoPath) -> None:
    idx = pd.DatetimeIndex(path.prices.index)
    assert len(idx) == 20 * 365 + 1
    assert ((idx[1:] - idx[:-1]) == pd.Timedelta(days=1)).all()  # every calendar day
    assert set(idx.day_of_week) == set(range(7))  # weekends included


def test_path_volatility_in_range(path: CryptoPath) -> None:
    vol = float(path.returns.std()) * math.sqrt(365)
    assert 0.60 <= vol <= 1.00
    assert vol == pytest.approx(0.75, abs=0.05)
    for target in (0.60, 1.00):
        other = synthetic_crypto_path(d(2005, 1, 3), 20, CryptoPathSettings(annual_vol=target))
        assert float(other.returns.std()) * math.sqrt(365) == pytest.approx(target, abs=0.05)


def test_path_is_fat_tailed(path: CryptoPath) -> None:
    r = path.returns.dropna()
    assert float(r.kurt()) > 3.0  # excess kurtosis: a normal path would be near 0


def test_default_path_has_a_drawdown_above_75_percent(path: CryptoPath) -> None:
    dd = max_drawdown(path.prices)
    assert dd.depth > 0.75
    assert dd.peak < dd.trough


def test_correlation_higher_on_equity_down_days(path: CryptoPath) -> None:
    both = pd.DataFrame({"eq": path.equity_returns, "cr": path.returns}).dropna()
    down = both[both["eq"] < 0]
    up = both[both["eq"] >= 0]
    c_down = float(np.corrcoef(down["eq"], down["cr"])[0, 1])
    c_up = float(np.corrcoef(up["eq"], up["cr"])[0, 1])
    assert c_down > c_up + 0.1
    stress = both[path.stress.reindex(both.index)]
    calm = both[~path.stress.reindex(both.index)]
    assert np.corrcoef(stress["eq"], stress["cr"])[0, 1] > np.corrcoef(calm["eq"], calm["cr"])[0, 1]


def test_weekend_gap_lands_in_monday_strike(path: CryptoPath) -> None:
    strikes = strike_prices(path.prices)
    assert set(pd.DatetimeIndex(strikes.index).day_of_week) == {0, 1, 2, 3, 4}
    monday = strikes[pd.DatetimeIndex(strikes.index).day_of_week == 0].iloc[1:]
    assert (monday["days_spanned"] == 3).all() and monday["gap"].all()
    # Monday's strike return is Saturday + Sunday + Monday's daily returns
    day = monday.index[10]
    three = path.returns.loc[day - pd.Timedelta(days=2) : day].sum()
    assert monday["log_return"].iloc[10] == pytest.approx(three)
    # so its variance is about three times a one-day strike's
    gap_var = float(strikes.loc[strikes["gap"], "log_return"].var())
    day_var = float(strikes.loc[~strikes["gap"], "log_return"].var())
    assert 2.0 < gap_var / day_var < 4.0


def test_strike_with_a_holiday_spans_it() -> None:
    prices = pd.Series(
        np.arange(1.0, 11.0), index=pd.date_range("2025-01-01", periods=10, freq="D")
    )
    # Jan 1 2025 is a Wednesday; holiday Thu Jan 2 -> Fri Jan 3's strike spans 2 days.
    s = strike_prices(prices, weekday_calendar([d(2025, 1, 2)]))
    assert [x.date() for x in s.index][:3] == [d(2025, 1, 1), d(2025, 1, 3), d(2025, 1, 6)]
    assert s["days_spanned"].tolist()[1:] == [2, 3, 1, 1, 1, 1]
    # Fri Jan 3's strike return spans the holiday: log(3 / 1)
    assert s["log_return"].iloc[1] == pytest.approx(math.log(3.0))


def test_given_equity_series_is_used() -> None:
    eq = pd.Series(
        np.random.default_rng(5).normal(0, 0.01, 260),
        index=pd.bdate_range("2020-01-01", periods=260),
    )
    p = synthetic_crypto_path(d(2020, 1, 1), 1.0, equity_returns=eq)
    assert not p.equity_synthetic
    assert p.equity_returns.dropna().tolist() == pytest.approx(
        eq.loc[: p.prices.index[-1]].tolist()
    )


def test_settings_refused() -> None:
    with pytest.raises(InputError) as info:
        CryptoPathSettings(annual_vol=0.3, dof=2.0, stress_quantile=0.6)
    assert [p.column for p in info.value.problems] == ["annual_vol", "dof", "stress_quantile"]


def test_stress_scenarios_are_75_to_85_percent() -> None:
    names = [s.name for s in CRYPTO_STRESSES]
    assert names == ["2014", "2018", "2022"]
    for s in CRYPTO_STRESSES:
        assert 0.75 <= s.drawdown <= 0.86
        assert 300 <= s.days <= 420
    # 2018: 1 - 3,200 / 19,800 = 0.8384; Dec 17 2017 -> Dec 15 2018 = 363 days
    s2018 = CRYPTO_STRESSES[1]
    assert s2018.drawdown == pytest.approx(0.838384, abs=1e-6)
    assert s2018.days == 363
    p = stress_path(s2018, d(2025, 1, 1), 100.0)
    assert len(p) == 364 and p.iloc[0] == 100.0
    assert p.iloc[-1] == pytest.approx(100.0 * 3_200 / 19_800)
    assert max_drawdown(p).depth == pytest.approx(s2018.drawdown)


# --------------------------------------------------------------------------------------------
# Limits
# --------------------------------------------------------------------------------------------


def test_weight_limits() -> None:
    # $6m crypto in a $100m sleeve = 6% > 5% (breach); of a $1bn vehicle = 0.6% <= 1% (ok).
    sleeve, vehicle = weight_limits(6e6, 100e6, 1e9, max_vehicle_share=0.01)
    assert (sleeve.value, sleeve.breach) == (pytest.approx(0.06), True)
    assert (vehicle.value, vehicle.breach) == (pytest.approx(0.006), False)
    assert len(weight_limits(5e6, 100e6, 1e9)) == 1
    assert not weight_limits(5e6, 100e6, 1e9)[0].breach  # exactly 5% is within


def test_euler_risk_contributions_golden() -> None:
    # equity vol 16%, crypto vol 75%, correlation 0.3: cov = 0.3 * 0.16 * 0.75 = 0.036.
    # weights 0.95 / 0.05.
    # Sigma w: equity 0.0256*0.95 + 0.036*0.05 = 0.02432 + 0.0018 = 0.02612
    #          crypto 0.036*0.95 + 0.5625*0.05 = 0.0342 + 0.028125 = 0.062325
    # contributions: equity 0.95*0.02612 = 0.024814; crypto 0.05*0.062325 = 0.00311625
    # variance = 0.02793025; crypto share = 0.00311625 / 0.02793025 = 0.111573 > 10%: breach.
    cov = pd.DataFrame(
        [[0.0256, 0.036], [0.036, 0.5625]], index=["equity", "crypto"], columns=["equity", "crypto"]
    )
    rc = euler_risk_contributions(cov, [0.95, 0.05], limit={"crypto": 0.10})
    assert rc.table["contribution"].tolist() == pytest.approx([0.024814, 0.00311625])
    assert rc.variance == pytest.approx(0.02793025)
    assert rc.table["contribution"].sum() == pytest.approx(rc.variance)
    assert rc.table.loc["crypto", "share"] == pytest.approx(0.111573, abs=1e-6)
    assert rc.breaches == ["crypto"]
    # one number limits every asset: equity's 88.8% share breaches a 10% limit too
    assert euler_risk_contributions(cov, [0.95, 0.05], limit=0.10).breaches == ["equity", "crypto"]


def test_euler_contributions_sum_to_variance_random() -> None:
    rng = np.random.default_rng(3)
    a = rng.normal(size=(5, 5))
    cov = a @ a.T
    w = rng.dirichlet(np.ones(5))
    rc = euler_risk_contributions(cov, w)
    assert rc.table["contribution"].sum() == pytest.approx(float(w @ cov @ w))
    assert rc.table["share"].sum() == pytest.approx(1.0)
    assert rc.breaches == []
    with pytest.raises(InputError, match="symmetric"):
        euler_risk_contributions(a, w)


# --------------------------------------------------------------------------------------------
# Reference-price fallback
# --------------------------------------------------------------------------------------------

DAYS = pd.bdate_range("2025-01-06", "2025-01-10")  # Mon-Fri
PRIMARY = PriceSource(
    "reference rate",
    "16:00 ET",
    pd.Series(
        [100.0, 101.0, np.nan, 103.0],
        index=pd.to_datetime(["2025-01-06", "2025-01-07", "2025-01-08", "2025-01-10"]),
    ),
)
FIX_359 = PriceSource(
    "reference rate", "15:59 ET", pd.Series([102.0], index=pd.to_datetime(["2025-01-08"]))
)
ALT = PriceSource(
    "alternate index",
    "16:00 ET",
    pd.Series([99.0, 102.5], index=pd.to_datetime(["2025-01-06", "2025-01-09"])),
)


def test_fallbacks_are_recorded() -> None:
    # Jan 8: primary NaN -> the 15:59 fix (102.0). Jan 9: primary absent, no 15:59 fix ->
    # the alternate index (102.5). Other days: the primary, no record.
    out = reference_prices(PRIMARY, [FIX_359, ALT], DAYS)
    assert out.prices.tolist() == [100.0, 101.0, 102.0, 102.5, 103.0]
    assert [(r.day, r.used, r.price) for r in out.records] == [
        (d(2025, 1, 8), "reference rate @ 15:59 ET", 102.0),
        (d(2025, 1, 9), "alternate index @ 16:00 ET", 102.5),
    ]
    assert all(r.wanted == "reference rate @ 16:00 ET" for r in out.records)
    assert out.source.iloc[0] == "reference rate @ 16:00 ET"
    assert out.missing == []


def test_no_price_is_refused_by_default_never_carried_silently() -> None:
    with pytest.raises(InputError, match="2025-01-09: no price from any source"):
        reference_prices(PRIMARY, [FIX_359], DAYS)
    nan = reference_prices(PRIMARY, [FIX_359], DAYS, on_missing="nan")
    assert math.isnan(nan.prices.iloc[3]) and nan.missing == [d(2025, 1, 9)]
    assert nan.records[-1].used is None
    carry = reference_prices(PRIMARY, [FIX_359], DAYS, on_missing="carry")
    assert carry.prices.iloc[3] == 102.0  # Jan 8's price, carried ...
    rec = carry.records[-1]
    assert rec.day == d(2025, 1, 9)  # ... and on the record
    assert rec.used == "carry: reference rate @ 15:59 ET of 2025-01-08"
    assert carry.source.iloc[3] == rec.used
