"""One day count per measure (issue 17, item 4): each measure states its convention and uses
it throughout, inputs included.

- dilution: ACT/365.25 (the annualisation in ``valuation.dilution`` and the flows' reference
  size in ``workflows.flow_fractions``, which fed it ACT/365 years);
- the demo's annualised NAV return: ACT/365F, as every rate of ``altsleeve.performance`` (TWR,
  XIRR), where it used 365.25.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

from altsleeve.fund import nav_path_summary as _nav_path_summary
from altsleeve.valuation._metrics import _DAYS_PER_YEAR
from altsleeve.workflows.samplebook import flow_fractions


def test_gh_17_dilution_flows_grow_the_reference_size_on_act_365_25() -> None:
    """Four calendar years (1,461 days, one leap day) are four years on ACT/365.25: the
    reference size has grown by exactly (1 + g)^4 there, the same years the dilution divides
    by."""
    assert _DAYS_PER_YEAR == 365.25
    orders = pd.DataFrame(
        {
            "date": pd.to_datetime(["2000-01-01", "2004-01-01"]),
            "kind": ["purchase", "purchase"],
            "amount": [1.0, 1.0],
        }
    )
    f = flow_fractions(orders, 100.0, 0.10)
    assert f.iloc[0] == pytest.approx(0.01)
    assert f.iloc[1] == pytest.approx(1.0 / (100.0 * 1.1**4), rel=1e-12)


def test_gh_17_demo_annualised_nav_return_is_act_365f_like_performance() -> None:
    """A NAV that doubles over 730 days returns sqrt(2) - 1 a year on ACT/365F (two years),
    as altsleeve.performance's TWR would say; ACT/365.25 gave a slightly different rate."""
    days = pd.to_datetime(["2001-01-01", "2002-01-01", "2003-01-01"])
    strikes = pd.DataFrame(
        {
            "date": days,
            "nav_per_unit": [1.0, 1.5, 2.0],
            "net_assets": [1.0, 1.5, 2.0],
            "components": [json.dumps({"weight_private": 0.1})] * 3,
        }
    )
    s = _nav_path_summary(strikes)
    assert (days[-1] - days[0]).days == 730
    assert s["annualised"] == pytest.approx(2.0**0.5 - 1.0, rel=1e-12)
