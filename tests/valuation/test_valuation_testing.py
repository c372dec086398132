"""The Rule 2a-5 testing pack's engine: back-test at arrival, bias sign, challenges, coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from altsleeve.valuation._engine import ESTIMATE_COLUMNS
from altsleeve.valuation._testing import (
    arrival_backtest,
    bias_table,
    coverage_table,
    period_bounds,
    price_challenges,
)

HOLDINGS = pd.DataFrame(
    {
        "holding_id": ["A", "B"],
        "asset_class": ["buyout", "venture"],
        "proxy": ["EQ", "EQ"],
        "commitment": [1.0, 1.0],
    }
)


def _estimates(values: dict[str, float], band: float = 0.10) -> pd.DataFrame:
    """Flat daily estimates on business days of 2018 H2 (each holding a constant value)."""
    days = pd.bdate_range("2018-06-01", "2018-12-31")
    rows = []
    for hid, v in values.items():
        for d in days:
            new = d == pd.Timestamp("2018-11-15")
            rows.append(
                {
                    "holding_id": hid,
                    "date": d,
                    "method": "nowcast",
                    "value": v,
                    "lower": v * np.exp(-band),
                    "upper": v * np.exp(band),
                    "last_mark": 95.0,
                    "last_mark_as_of": pd.Timestamp("2018-03-31"),
                    "last_mark_version": 1,
                    "desmoothing_adj": 0.0,
                    "cashflow_adj": 0.0,
                    "market_adj": 0.0,
                    "true_up": 5.0 if new else 0.0,
                    "new_statement": new,
                }
            )
    return pd.DataFrame(rows, columns=list(ESTIMATE_COLUMNS))


def _statements(marks: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "holding_id": list(marks),
            "as_of": pd.Timestamp("2018-09-30"),
            "known_on": pd.Timestamp("2018-11-15"),
            "nav": list(marks.values()),
            "version": 1,
        }
    )


def test_estimate_above_mark_is_positive_bias_and_challenged_outside_band() -> None:
    est = _estimates({"A": 100.0, "B": 100.0})
    # A: mark 80 -> estimate overstates by ln(100/80) = 22%, outside a +-10% band
    # B: mark 104 -> estimate understates by ln(100/104), inside the band
    st = _statements({"A": 80.0, "B": 104.0})
    arr = arrival_backtest(est, st, HOLDINGS, start="2018-10-01", end="2018-12-31")
    assert len(arr) == 2
    a = arr.set_index("holding_id")
    # 2018-09-30 is a Sunday: the estimate of Friday 28 September is the one struck for it
    assert a.at["A", "estimate_date"] == pd.Timestamp("2018-09-28")
    assert a.at["A", "log_error"] == pytest.approx(np.log(100 / 80))
    assert a.at["B", "log_error"] == pytest.approx(np.log(100 / 104))
    assert not a.at["A", "inside_band"] and a.at["B", "inside_band"]
    assert a.at["A", "beyond_band"] == pytest.approx(np.log(80 / (100 * np.exp(-0.10))))
    assert (
        a.at["A", "days_since_mark"]
        == (pd.Timestamp("2018-09-28") - pd.Timestamp("2018-03-31")).days
    )
    assert a.at["A", "trueup_at_arrival"] == pytest.approx(5.0 / 95.0)
    by_class = bias_table(arr).set_index("asset_class")
    assert by_class.at["buyout", "bias"] > 0 > by_class.at["venture", "bias"]
    assert by_class.at["all", "n"] == 2
    assert by_class.at["all", "inside_band"] == pytest.approx(0.5)
    by_days = bias_table(arr, "days_since_mark")
    assert list(by_days["days_since_mark"]) == ["180-269d", "all"]
    ch = price_challenges(arr)
    assert list(ch["holding_id"]) == ["A"]
    assert ch.at[0, "status"] == "open"
    assert "below the band" in ch.at[0, "reason"]


def test_class_threshold_challenges_inside_the_band() -> None:
    est = _estimates({"A": 100.0, "B": 100.0}, band=0.5)
    arr = arrival_backtest(
        est, _statements({"A": 80.0, "B": 104.0}), HOLDINGS, start="2018-10-01", end="2018-12-31"
    )
    assert price_challenges(arr).empty
    ch = price_challenges(arr, {"buyout": 0.15, "default": None})
    assert list(ch["holding_id"]) == ["A"]
    assert "class limit" in ch.at[0, "reason"]


def test_marks_known_after_the_end_are_not_tested() -> None:
    est = _estimates({"A": 100.0, "B": 100.0})
    st = _statements({"A": 80.0, "B": 104.0})
    assert arrival_backtest(est, st, HOLDINGS, start="2018-10-01", end="2018-11-14").empty


def test_coverage_lists_every_holding_above_zero() -> None:
    est = _estimates({"A": 100.0, "B": 0.0})
    on_day = est[est["date"] == est["date"].max()]
    cov = coverage_table(
        on_day, HOLDINGS, _statements({"A": 80.0}), {"A": {"beta": 1.1}}, as_of="2018-12-31"
    )
    assert list(cov["holding_id"]) == ["A"]
    assert cov.at[0, "marks"] == 1 and cov.at[0, "params"] == {"beta": 1.1}


def test_period_bounds() -> None:
    assert period_bounds("2018-11-20", "Q") == (
        pd.Timestamp("2018-10-01"),
        pd.Timestamp("2018-11-20"),
    )
    assert period_bounds("2018-12-31", "2018Q3") == (
        pd.Timestamp("2018-07-01"),
        pd.Timestamp("2018-09-30"),
    )
    assert period_bounds("2018-12-31", "A")[0] == pd.Timestamp("2018-01-01")
    with pytest.raises(ValueError, match="starts after"):
        period_bounds("2018-12-31", "2019Q1")
    with pytest.raises(ValueError, match="period must be"):
        period_bounds("2018-12-31", "M")
