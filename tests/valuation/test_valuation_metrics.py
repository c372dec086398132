"""Back-test metrics: values worked out by hand on tiny frames, identities, and one property."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.valuation._metrics import (
    LOG_ERROR_COLUMNS,
    ErrorStats,
    backtest_report,
    dilution,
    error_stats,
    log_errors,
    report_table,
    sleeve_error_by_date,
)

Row = tuple[str, str, float]  # holding_id, date, value


def truth_frame(rows: Sequence[Row]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "holding_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "value": [float(r[2]) for r in rows],
        }
    )


def estimate_frame(
    rows: Sequence[Row],
    method: str = "m",
    *,
    lower: Sequence[float] | None = None,
    upper: Sequence[float] | None = None,
    true_up: Sequence[float] | None = None,
    new_statement: Sequence[bool] | None = None,
) -> pd.DataFrame:
    n = len(rows)
    values = [float(r[2]) for r in rows]
    return pd.DataFrame(
        {
            "holding_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]).astype("datetime64[ns]"),
            "method": [method] * n,
            "value": values,
            "lower": list(lower) if lower is not None else [v * 0.5 for v in values],
            "upper": list(upper) if upper is not None else [v * 2.0 for v in values],
            "true_up": list(true_up) if true_up is not None else [0.0] * n,
            "new_statement": list(new_statement) if new_statement is not None else [False] * n,
        }
    )


# Four days of one holding with truth 100 and estimates 100 * exp(e), e = 0.1, -0.2, 0, 0.3:
#   rmse = sqrt((0.01 + 0.04 + 0 + 0.09) / 4) = sqrt(0.035) = 0.1870828693...
#   mae  = (0.1 + 0.2 + 0 + 0.3) / 4 = 0.15
#   bias = (0.1 - 0.2 + 0 + 0.3) / 4 = 0.05
DATES4 = ["2008-04-01", "2008-04-02", "2008-04-03", "2008-04-04"]
ERRS4 = [0.1, -0.2, 0.0, 0.3]
RMSE4 = math.sqrt(0.035)


def four_days() -> tuple[pd.DataFrame, pd.DataFrame]:
    truth = truth_frame([("H1", d, 100.0) for d in DATES4])
    est = estimate_frame(
        [("H1", d, 100.0 * math.exp(e)) for d, e in zip(DATES4, ERRS4, strict=True)]
    )
    return est, truth


def test_log_errors_hand_values() -> None:
    est, truth = four_days()
    le = log_errors(est, truth)
    assert list(le.columns) == list(LOG_ERROR_COLUMNS)
    np.testing.assert_allclose(le["log_error"], ERRS4, atol=1e-12)
    np.testing.assert_allclose(le["truth"], 100.0)
    s = error_stats(le["log_error"])
    assert s.n == 4
    assert s.rmse == pytest.approx(RMSE4, abs=1e-12)
    assert s.mae == pytest.approx(0.15, abs=1e-12)
    assert s.bias == pytest.approx(0.05, abs=1e-12)


def test_error_stats_skips_nan_and_empty_is_nan() -> None:
    s = error_stats(pd.Series([0.1, -0.2, np.nan, 0.0, 0.3]))
    assert s.n == 4
    assert s.rmse == pytest.approx(RMSE4)
    assert s.mae == pytest.approx(0.15)
    assert s.bias == pytest.approx(0.05)
    empty = error_stats(pd.Series([], dtype=float))
    assert empty.n == 0
    assert math.isnan(empty.rmse) and math.isnan(empty.mae) and math.isnan(empty.bias)


def test_report_overall_matches_error_stats() -> None:
    est, truth = four_days()
    rep = backtest_report(est, truth)
    assert list(rep) == ["m"]
    o = rep["m"]["overall"]
    assert o["n"] == 4
    assert o["rmse"] == pytest.approx(RMSE4)
    assert o["mae"] == pytest.approx(0.15)
    assert o["bias"] == pytest.approx(0.05)
    assert rep["m"]["n_holdings"] == 1
    assert (rep["m"]["first"], rep["m"]["last"]) == ("2008-04-01", "2008-04-04")
    assert rep["m"]["dilution_bp_per_year"] is None
    assert rep["m"]["dilution_to_traders_bp_per_year"] is None


def test_coverage_by_hand() -> None:
    # truth 100 on four days; intervals [90, 110] in, [100, 120] in (lower == truth counts),
    # [101, 120] out, [80, 99.99] out -> 2 of 4 covered = 0.5.
    truth = truth_frame([("H1", d, 100.0) for d in DATES4])
    est = estimate_frame(
        [("H1", d, 100.0) for d in DATES4],
        lower=[90.0, 100.0, 101.0, 80.0],
        upper=[110.0, 120.0, 120.0, 99.99],
    )
    le = log_errors(est, truth)
    assert le["covered"].tolist() == [True, True, False, False]
    assert backtest_report(est, truth)["m"]["coverage"] == pytest.approx(0.5)


def test_coverage_missing_bounds() -> None:
    # A missing bound counts as a miss; a method stating no interval at all has NaN coverage.
    truth = truth_frame([("H1", d, 100.0) for d in DATES4])
    est = estimate_frame(
        [("H1", d, 100.0) for d in DATES4],
        lower=[90.0, np.nan, 90.0, 90.0],
        upper=[110.0, 110.0, 110.0, 110.0],
    )
    assert backtest_report(est, truth)["m"]["coverage"] == pytest.approx(0.75)
    none = estimate_frame(
        [("H1", d, 100.0) for d in DATES4], lower=[np.nan] * 4, upper=[np.nan] * 4
    )
    assert math.isnan(backtest_report(none, truth)["m"]["coverage"])


def test_days_since_quarter_end() -> None:
    # Calendar days since the latest quarter end on or before the date; 0 on the quarter end.
    cases = {
        "2007-12-31": 0,
        "2008-01-01": 1,
        "2008-02-29": 60,  # 31 (Jan) + 29 (leap February)
        "2008-03-30": 90,
        "2008-03-31": 0,
        "2008-04-30": 30,
        "2008-05-01": 31,
        "2008-06-29": 90,
        "2008-06-30": 0,
        "2008-09-29": 91,  # 31 (Jul) + 31 (Aug) + 29: the most a 92-day quarter gives
        "2008-09-30": 0,
        "2008-12-30": 91,
        "1969-12-31": 0,  # before the epoch too
        "1969-11-15": 46,  # 31 (Oct) + 15
    }
    truth = truth_frame([("H1", d, 100.0) for d in cases])
    est = estimate_frame([("H1", d, 100.0) for d in cases])
    le = log_errors(est, truth)
    got = dict(zip(le["date"].dt.strftime("%Y-%m-%d"), le["days_since_quarter_end"], strict=True))
    assert got == cases


def test_buckets_by_hand() -> None:
    # Days since quarter end -> bucket: 0 (31 Mar) and 30 (30 Apr) -> "0-30"; 31 (1 May) -> "31-60";
    # 61 (31 May) and 91 (29 Sep) -> "61-92". Log errors 0.1, 0.3 | 0.2 | -0.4, 0.4 give
    # rmse sqrt((0.01 + 0.09) / 2) = sqrt(0.05); 0.2; 0.4 and bias 0.2; 0.2; 0.
    dates = ["2008-03-31", "2008-04-30", "2008-05-01", "2008-05-31", "2008-09-29"]
    errs = [0.1, 0.3, 0.2, -0.4, 0.4]
    truth = truth_frame([("H1", d, 50.0) for d in dates])
    est = estimate_frame([("H1", d, 50.0 * math.exp(e)) for d, e in zip(dates, errs, strict=True)])
    b = backtest_report(est, truth)["m"]["by_days_since_quarter_end"]
    assert list(b) == ["0-30", "31-60", "61-92"]
    assert [b[k]["n"] for k in b] == [2, 1, 2]
    assert b["0-30"]["rmse"] == pytest.approx(math.sqrt(0.05))
    assert b["0-30"]["bias"] == pytest.approx(0.2)
    assert b["31-60"]["rmse"] == pytest.approx(0.2)
    assert b["61-92"]["rmse"] == pytest.approx(0.4)
    assert b["61-92"]["bias"] == pytest.approx(0.0, abs=1e-12)
    # Custom edges: an empty bucket is reported with n == 0 and NaN statistics.
    b2 = backtest_report(est, truth, day_buckets=(0, 10, 20))["m"]["by_days_since_quarter_end"]
    assert list(b2) == ["0-10", "11-20"]
    assert b2["0-10"]["n"] == 1  # only the quarter end; days 30, 31, 61, 91 fall outside
    assert b2["11-20"]["n"] == 0 and math.isnan(b2["11-20"]["rmse"])


def test_windows_only_when_covered() -> None:
    # Business days 2008-01-02 .. 2009-12-31 cover "2008-09" (within a week of 1 Jan) but not
    # "2000-02"; a shorter span covers neither.
    days = pd.bdate_range("2008-01-02", "2009-12-31")
    rows = [("H1", str(d.date()), 100.0) for d in days]
    truth = truth_frame(rows)
    est = estimate_frame([(h, d, v * math.exp(0.02)) for h, d, v in rows])
    rep = backtest_report(est, truth)["m"]
    assert list(rep["windows"]) == ["2008-09"]
    w = rep["windows"]["2008-09"]
    assert w["n"] == len(days)
    assert w["rmse"] == pytest.approx(0.02)
    short = backtest_report(est.iloc[:100], truth)["m"]
    assert short["windows"] == {}
    custom = backtest_report(est, truth, windows={"h2-2008": ("2008-07-01", "2008-12-31")})["m"]
    n_h2 = int(((days >= "2008-07-01") & (days <= "2008-12-31")).sum())
    assert custom["windows"]["h2-2008"]["n"] == n_h2
    with pytest.raises(ValueError, match="ends"):
        backtest_report(est, truth, windows={"bad": ("2009-01-01", "2008-01-01")})


def test_true_up_jump_from_value_and_true_up() -> None:
    # Statement days: value 105 with true_up +5 -> before 100, |log(1.05)|;
    #                 value 95 with true_up -5  -> before 100, |log(0.95)|;
    #                 value 10 with true_up 10  -> before 0: skipped.
    # A non-statement day's true_up is ignored. Mean = (0.0487902 + 0.0512933) / 2.
    dates = ["2008-05-15", "2008-05-16", "2008-05-19", "2008-05-20"]
    truth = truth_frame([("H1", d, 100.0) for d in dates])
    est = estimate_frame(
        [("H1", d, v) for d, v in zip(dates, [105.0, 95.0, 10.0, 100.0], strict=True)],
        true_up=[5.0, -5.0, 10.0, 50.0],
        new_statement=[True, True, True, False],
    )
    rep = backtest_report(est, truth)["m"]
    assert rep["true_up_count"] == 2
    expected = (abs(math.log(105 / 100)) + abs(math.log(95 / 100))) / 2
    assert rep["true_up_mean_abs"] == pytest.approx(expected)
    assert expected == pytest.approx(0.05004173, abs=1e-8)


def _daily(start: str, end: str, value: float) -> pd.Series:
    idx = pd.date_range(start, end, freq="D")
    return pd.Series(value, index=idx)


def test_dilution_constant_error_and_flow() -> None:
    # 2000-01-01 .. 2004-01-01 daily: 1462 dates spanning 1461 days = exactly 4 years of 365.25.
    # Each day's redemption moves 0.001 * 0.01 = 1e-5 of the sleeve: sum = 1462e-5 = 0.01462;
    # gross = 1e4 * 0.01462 / 4 = 36.55 bp a year. A purchase moves 1e-5 / 1.001 exactly: the
    # buyers' new units share the mispricing (U / (U + P / NAV), issue 17).
    err = _daily("2000-01-01", "2004-01-01", 0.01)
    flows = _daily("2000-01-01", "2004-01-01", 0.001)
    gross, to_traders = dilution(err, flows)
    assert gross == pytest.approx(36.55 / 1.001, rel=1e-12)
    # Buying (+) at an overstated NAV (+): traders overpay, wealth goes to the stayers.
    assert to_traders == pytest.approx(-36.55 / 1.001, rel=1e-12)
    # Redeeming (-) at an overstated NAV: traders are overpaid.
    gross2, to_traders2 = dilution(err, -flows)
    assert gross2 == pytest.approx(36.55, rel=1e-12)
    assert to_traders2 == pytest.approx(36.55, rel=1e-12)
    # Buying at an understated NAV: traders gain.
    assert dilution(-err, flows)[1] == pytest.approx(36.55 / 1.001, rel=1e-12)


def test_dilution_dates_and_nan() -> None:
    err = pd.Series(
        [0.01, 0.02, 0.01], index=pd.to_datetime(["2000-01-01", "2002-01-01", "2004-01-01"])
    )
    # A NaN flow counts as 0; the span is still 2000-01-01 .. 2004-01-01 (4 years).
    flows = pd.Series([0.001, np.nan, 0.001], index=err.index.astype("datetime64[us]"))
    gross, to_traders = dilution(err, flows)
    assert gross == pytest.approx(1e4 * 2e-5 / 1.001 / 4)
    assert to_traders == pytest.approx(-1e4 * 2e-5 / 1.001 / 4)
    # Fewer than two common dates: nothing to annualise over.
    g, t = dilution(err, flows.iloc[:1])
    assert math.isnan(g) and math.isnan(t)
    with pytest.raises(ValueError, match="more than one"):
        dilution(err, pd.concat([flows, flows]))


def test_report_dilution_on_sleeve_error() -> None:
    # Two holdings on 2000-01-01 and 2004-01-01 (4 years): H1 true 100 est 102, H2 true 300 est
    # 300 -> sleeve error 2 / 400 = 0.005 each day; flow +0.002 -> 1e-5 a day, 2 days:
    # gross = 1e4 * 2e-5 / 4 = 0.05 bp a year, to traders -0.05, times 1 / 1.002 (exact).
    dates = ["2000-01-01", "2004-01-01"]
    truth = truth_frame([(h, d, v) for d in dates for h, v in (("H1", 100.0), ("H2", 300.0))])
    est = estimate_frame([(h, d, v) for d in dates for h, v in (("H1", 102.0), ("H2", 300.0))])
    se = sleeve_error_by_date(log_errors(est, truth))
    assert list(se.columns) == ["m"]
    np.testing.assert_allclose(se["m"], [0.005, 0.005])
    flows = pd.Series(0.002, index=pd.to_datetime(dates))
    rep = backtest_report(est, truth, flows=flows)["m"]
    assert rep["dilution_bp_per_year"] == pytest.approx(0.05 / 1.002)
    assert rep["dilution_to_traders_bp_per_year"] == pytest.approx(-0.05 / 1.002)
    assert rep["n_holdings"] == 2


def test_floor_excludes_liquidating_tail_and_clips() -> None:
    # H1 liquidates: max true value 1000 -> floor 1% = 10. Truth 5 and 1 are below: excluded.
    # On the day truth is 20 the estimate 2 is clipped to 10: log(10 / 20) = -log 2.
    dates = ["2008-01-02", "2008-01-03", "2008-01-04", "2008-01-07", "2008-01-08"]
    truth = truth_frame([("H1", d, v) for d, v in zip(dates, [1000, 500, 20, 5, 1], strict=True)])
    est = estimate_frame([("H1", d, v) for d, v in zip(dates, [1000, 500, 2, 50, 0], strict=True)])
    le = log_errors(est, truth)
    assert le["truth"].tolist() == [1000.0, 500.0, 20.0]
    np.testing.assert_allclose(le["log_error"], [0.0, 0.0, -math.log(2)], atol=1e-12)
    assert le["value"].tolist() == [1000.0, 500.0, 2.0]  # the estimate itself is not changed
    # With a commitment of 2000 the floor is 20: truth 20 stays, the estimate is clipped to 20.
    le_c = log_errors(est, truth, commitment=pd.Series({"H1": 2000.0}))
    np.testing.assert_allclose(le_c["log_error"], [0.0, 0.0, 0.0], atol=1e-12)
    # A floor share of 2.1% of 1000 = 21 drops the truth-20 day.
    assert len(log_errors(est, truth, floor_fraction=0.021)) == 2
    # Unknown or zero commitments fall back to the largest true value.
    for com in (pd.Series({"H1": 0.0}), pd.Series({"H9": 1e9})):
        pd.testing.assert_frame_equal(log_errors(est, truth, commitment=com), le)
    with pytest.raises(ValueError, match="floor_fraction"):
        log_errors(est, truth, floor_fraction=0.0)


def test_perfect_estimator() -> None:
    days = pd.bdate_range("2007-12-03", "2009-12-31")
    rows = [
        (h, str(d.date()), 100.0 + i + 50.0 * k)
        for k, h in enumerate(("A", "B"))
        for i, d in enumerate(days)
    ]
    truth = truth_frame(rows)
    vals = [r[2] for r in rows]
    est = estimate_frame(rows, method="perfect", lower=vals, upper=vals)
    flows = pd.Series(np.linspace(-0.01, 0.01, len(days)), index=days)
    rep = backtest_report(est, truth, flows=flows)["perfect"]
    assert rep["overall"]["n"] == 2 * len(days)
    assert rep["overall"]["rmse"] == 0.0
    assert rep["overall"]["bias"] == 0.0
    assert rep["coverage"] == 1.0
    assert rep["dilution_bp_per_year"] == 0.0
    assert rep["dilution_to_traders_bp_per_year"] == 0.0
    assert rep["windows"]["2008-09"]["rmse"] == 0.0
    assert math.isnan(rep["true_up_mean_abs"]) and rep["true_up_count"] == 0


def test_methods_stacked_and_table() -> None:
    est, truth = four_days()
    other = est.assign(method="other", value=est["value"] * 0 + 100.0)
    both = pd.concat([est, other], ignore_index=True)
    rep = backtest_report(both, truth, flows=pd.Series(0.0, index=pd.to_datetime(DATES4)))
    assert list(rep) == ["m", "other"]
    assert rep["other"]["overall"]["rmse"] == 0.0
    table = report_table(rep)
    assert list(table.index) == ["m", "other"]
    assert table.index.name == "method"
    for col in (
        "rmse",
        "mae",
        "bias",
        "n",
        "coverage",
        "true_up_mean_abs",
        "dilution_bp_per_year",
        "dilution_to_traders_bp_per_year",
        "rmse_0-30",
        "rmse_31-60",
        "rmse_61-92",
    ):
        assert col in table.columns
    assert table.loc["m", "rmse"] == pytest.approx(RMSE4)
    assert table.loc["m", "rmse_0-30"] == pytest.approx(RMSE4)  # 1-4 April: days 1 to 4
    assert math.isnan(table.loc["m", "rmse_31-60"])
    assert not any(c.startswith("rmse_20") for c in table.columns)  # no window covered
    assert table.loc["m", "dilution_bp_per_year"] == 0.0
    # Without flows the dilution columns are NaN, not None.
    t2 = report_table(backtest_report(both, truth))
    assert t2["dilution_bp_per_year"].isna().all()


def test_join_rules() -> None:
    est, truth = four_days()
    # Estimates without truth are dropped; dates compare at day resolution across units.
    extra = estimate_frame([("H2", "2008-04-01", 1.0), ("H1", "2008-04-07", 1.0)])
    est2 = pd.concat([est, extra], ignore_index=True)
    est2["date"] = est2["date"].astype("datetime64[us]")
    le = log_errors(est2, truth)
    assert len(le) == 4
    # A NaN estimate gives a NaN log error, skipped by the statistics.
    est3 = est.copy()
    est3.loc[1, "value"] = np.nan
    rep = backtest_report(est3, truth)["m"]
    assert rep["overall"]["n"] == 3
    assert math.isnan(log_errors(est3, truth)["log_error"].iloc[1])
    with pytest.raises(ValueError, match="more than one row"):
        log_errors(est, pd.concat([truth, truth.iloc[:1]], ignore_index=True))
    with pytest.raises(ValueError, match="missing column"):
        log_errors(est.drop(columns="true_up"), truth)
    with pytest.raises(ValueError, match="day_buckets"):
        backtest_report(est, truth, day_buckets=(30, 0))
    assert backtest_report(est, truth.iloc[:0]) == {}


@settings(max_examples=50, deadline=None)
@given(
    scale=st.floats(min_value=1e-3, max_value=1e3, allow_nan=False, allow_infinity=False),
    truths=st.lists(st.floats(min_value=50.0, max_value=100.0), min_size=2, max_size=6),
    ratios=st.lists(st.floats(min_value=1e-4, max_value=3.0), min_size=6, max_size=6),
)
def test_scaling_a_holding_leaves_log_error_stats_unchanged(
    scale: float, truths: list[float], ratios: list[float]
) -> None:
    # H1 and H2 share the same truths; ratios below 1% of the truth exercise the clip at the floor
    # (1% of the holding's largest true value), which scales with the holding.
    dates = [str(d.date()) for d in pd.bdate_range("2008-03-24", periods=len(truths))]
    truth_rows = [(h, d, t) for h in ("H1", "H2") for d, t in zip(dates, truths, strict=True)]
    est_rows = [(h, d, t * r) for (h, d, t), r in zip(truth_rows, ratios * 2, strict=False)]
    base = error_stats(log_errors(estimate_frame(est_rows), truth_frame(truth_rows))["log_error"])

    def scaled(rows: list[Row]) -> list[Row]:
        return [(h, d, v * scale if h == "H1" else v) for h, d, v in rows]

    le = log_errors(estimate_frame(scaled(est_rows)), truth_frame(scaled(truth_rows)))
    got = error_stats(le["log_error"])
    assert got.n == base.n == 2 * len(truths)
    for field in ("rmse", "mae", "bias"):
        assert getattr(got, field) == pytest.approx(getattr(base, field), rel=1e-9, abs=1e-12)


def test_error_stats_type() -> None:
    s = error_stats(pd.Series([0.5]))
    assert s == ErrorStats(n=1, rmse=0.5, mae=0.5, bias=0.5)
