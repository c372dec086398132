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


def test_geltner_smoothing_recovered_per_asset_class(book: SampleBook) -> None:
    # Regress the smoothed r*_q on r_q and r*_{q-1} (Geltner 1993): coefficients a and 1 - a.
    # The smoothed returns come from the draws (noise-free); the public marks add transient
    # noise on top, tested below. Stated tolerance: 0.05 on each coefficient.
    d = book.statement_draws.sort_values(["holding_id", "as_of"]).copy()
    d = d[d["true_nav"] > 0]
    d["r_star_prev"] = d.groupby("holding_id")["reported_log_return"].shift()
    d = d.dropna(subset=["r_star_prev"]).merge(
        book.holdings[["holding_id", "asset_class"]], on="holding_id"
    )
    expected = {c.asset_class.value: c.smoothing_a for c in DEFAULT_PARAMS.asset_classes}
    for asset_class, g in d.groupby("asset_class"):
        assert len(g) > 60, asset_class
        x = np.column_stack([g["true_log_return"], g["r_star_prev"]])
        (a_hat, rho_hat), *_ = np.linalg.lstsq(x, g["reported_log_return"].to_numpy(), rcond=None)
        a = expected[str(asset_class)]
        assert abs(a_hat - a) < 0.05, (asset_class, a_hat, a)
        assert abs(rho_hat - (1 - a)) < 0.05, (asset_class, rho_hat, 1 - a)


def test_appraisal_noise_is_transient_with_documented_size(book: SampleBook) -> None:
    # log(reported / true) = log rho_q + eps_q, with log rho_q = cumsum(r* - r) noise-free.
    # eps must have sd appraisal_noise_sd (tolerance 30% of it) and no autocorrelation (|r| < 0.2).
    d = book.statement_draws.sort_values(["holding_id", "as_of"]).copy()
    d = d[(d["true_nav"] > 0) & (d["reported_nav"] > 0)]
    d["log_rho"] = (
        (d["reported_log_return"] - d["true_log_return"]).groupby(d["holding_id"]).cumsum()
    )
    d["eps"] = np.log(d["reported_nav"] / d["true_nav"]) - d["log_rho"]
    d["eps_prev"] = d.groupby("holding_id")["eps"].shift()
    d = d.merge(book.holdings[["holding_id", "asset_class"]], on="holding_id")
    sds = {c.asset_class.value: c.appraisal_noise_sd for c in DEFAULT_PARAMS.asset_classes}
    for asset_class, g in d.groupby("asset_class"):
        sd = sds[str(asset_class)]
        assert abs(g["eps"].std() - sd) < 0.3 * sd, (asset_class, g["eps"].std(), sd)
        pair = g.dropna(subset=["eps_prev"])
        assert abs(np.corrcoef(pair["eps"], pair["eps_prev"])[0, 1]) < 0.2, asset_class
