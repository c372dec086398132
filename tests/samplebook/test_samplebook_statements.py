"""GP statements: release lags, late and missing marks, Geltner smoothing recovered from data."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from altsleeve.samplebook import DEFAULT_PARAMS, SampleBook

SP = DEFAULT_PARAMS.statements


def _binomial_tolerance(p: float, n: int, z: float = 4.0) -> float:
    """z standard errors of a sample fraction: the stated tolerance of the fraction tests."""
    return z * math.sqrt(p * (1 - p) / n)


def test_known_on_after_as_of_and_as_of_is_quarter_end(book: SampleBook) -> None:
    s = book.statements
    assert (s["known_on"] >= s["as_of"]).all()
    assert s["as_of"].dt.is_quarter_end.all()
    assert (s["nav"] >= 0).all()
    assert s["as_of"].max() <= pd.Timestamp("2018-12-31")


def test_on_time_lags_within_documented_ranges(book: SampleBook) -> None:
    d = book.statement_draws
    lag = (d["known_on"] - d["as_of"]).dt.days
    q4 = d["as_of"].dt.quarter == 4
    on_time = ~d["late"]
    assert lag[on_time & ~q4].between(SP.lag_days_min, SP.lag_days_max).all()
    assert lag[on_time & q4].between(SP.q4_lag_days_min, SP.q4_lag_days_max).all()
    # late marks add the documented extra days to a base lag drawn from the same ranges
    extra = lag[d["late"]] - d.loc[d["late"], "base_lag_days"]
    assert extra.between(SP.late_extra_days_min, SP.late_extra_days_max).all()
    assert (extra == d.loc[d["late"], "extra_lag_days"]).all()
    # the delivered statements carry exactly these release dates
    delivered = d[~d["missing"]]
    merged = book.statements.merge(delivered, on=["holding_id", "as_of"], suffixes=("", "_d"))
    assert len(merged) == len(book.statements) == len(delivered)
    assert (merged["known_on"] == merged["known_on_d"]).all()
    assert np.allclose(merged["nav"], merged["reported_nav"])
    # both ranges are well used (uniform draws), Q4 about 30 days later on average
    assert lag[on_time & q4].mean() - lag[on_time & ~q4].mean() > 20


def test_late_and_missing_fractions(book: SampleBook) -> None:
    d = book.statement_draws
    n = len(d)
    assert n > 800
    missing = d["missing"].mean()
    late = d["late"].mean()
    assert abs(missing - SP.missing_probability) < _binomial_tolerance(SP.missing_probability, n)
    assert abs(late - SP.late_probability) < _binomial_tolerance(SP.late_probability, n)
    # from the public tables alone: quarters without a statement while the fund is alive
    fp = book.fund_params
    assert fp["n_missing"].sum() == d["missing"].sum()
    assert (fp["n_statements"] + fp["n_missing"] == fp["n_quarters_marked"]).all()


def test_marks_taken_at_last_business_day(book: SampleBook) -> None:
    d = book.statement_draws
    t = book.truth.set_index(["holding_id", "date"])["value"]
    alive = d[d["true_nav"] > 0]
    values = t.loc[list(zip(alive["holding_id"], alive["mark_date"], strict=True))].to_numpy()
    np.testing.assert_allclose(values, alive["true_nav"].to_numpy(), rtol=1e-12)
    assert (alive["mark_date"] <= alive["as_of"]).all()
    assert ((alive["as_of"] - alive["mark_date"]).dt.days < 7).all()


def _recovered_returns(book: SampleBook) -> pd.DataFrame:
    """Reported and true quarterly log returns from statements, truth and true daily returns.

    rho = reported NAV / true value at the mark day; the reported log return of a quarter is
    r*_q = r_q + log(rho_q / rho_{q-1}) with r_q the sum of true daily log returns.
    """
    truth = book.truth.merge(book.truth_returns, on=["holding_id", "date"])
    truth["G"] = truth.groupby("holding_id")["log_return"].cumsum()
    frames = []
    for hid, s in book.statements.groupby("holding_id"):
        t = truth[truth["holding_id"] == hid]
        idx = t["date"].searchsorted(s["as_of"], side="right") - 1
        s = s.sort_values("as_of").assign(V=t["value"].to_numpy()[idx], G=t["G"].to_numpy()[idx])
        frames.append(s)
    s = pd.concat(frames, ignore_index=True)
    s = s[s["V"] > 0].copy()
    s["qid"] = s["as_of"].dt.year * 4 + s["as_of"].dt.quarter
    s["rho"] = s["nav"] / s["V"]
    g = s.groupby("holding_id")
    s["r"] = s["G"] - g["G"].shift()
    s["r_star"] = s["r"] + np.log(s["rho"] / g["rho"].shift())
    s["r_star_prev"] = g["r_star"].shift()
    consecutive = (s["qid"] - g["qid"].shift() == 1) & (g["qid"].shift() - g["qid"].shift(2) == 1)
    s = s[consecutive].dropna(subset=["r", "r_star", "r_star_prev"])
    return s.merge(book.holdings[["holding_id", "asset_class"]], on="holding_id")


def test_geltner_smoothing_recovered_per_asset_class(book: SampleBook) -> None:
    # Regress r*_q on r_q and r*_{q-1} (Geltner 1993): coefficients a and 1 - a.
    # Stated tolerance: 0.05 on each coefficient.
    data = _recovered_returns(book)
    expected = {c.asset_class.value: c.smoothing_a for c in DEFAULT_PARAMS.asset_classes}
    for asset_class, g in data.groupby("asset_class"):
        assert len(g) > 60, asset_class
        x = np.column_stack([g["r"], g["r_star_prev"]])
        (a_hat, rho_hat), *_ = np.linalg.lstsq(x, g["r_star"].to_numpy(), rcond=None)
        a = expected[str(asset_class)]
        assert abs(a_hat - a) < 0.05, (asset_class, a_hat, a)
        assert abs(rho_hat - (1 - a)) < 0.05, (asset_class, rho_hat, 1 - a)


def test_reported_marks_are_smoother_and_stay_near_truth(book: SampleBook) -> None:
    data = _recovered_returns(book)
    for _, g in data.groupby("asset_class"):
        assert g["r_star"].std() < 0.85 * g["r"].std()
    d = book.statement_draws
    alive = d[d["true_nav"] > 0]
    ratio = alive["reported_nav"] / alive["true_nav"]
    assert ratio.between(0.3, 3.0).all()
    assert abs(float(np.median(np.log(ratio.to_numpy())))) < 0.1
