"""Dilution against the synthetic truth stops where the truth ends (issue 16 item 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows.fund import _truth_ends, dilution_report
from altsleeve.workflows.samplebook import build_sample_book

TRUTH_END = "2018-12-31"  # the sample book's truth ends with the market data


@pytest.fixture(scope="module")
def past_truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book, with the vehicle's prices and purchases running into January 2019."""
    root = tmp_path_factory.mktemp("dilution")
    db = root / "ledger.duckdb"
    v = Vehicle.from_toml(sample_vehicle_path())
    series = [s.series for s in v.sleeves if s.series]
    with Ledger(db, create=True) as led:
        build_sample_book(led)
        prices = led.as_known_on(dt.date(2100, 12, 31), tables=("prices",)).prices
        lines = ["series,date,level"]
        for sid in series:
            last = float(
                prices.loc[prices["series_id"] == sid].sort_values("date")["level"].iloc[-1]
            )
            for d in pd.bdate_range("2019-01-02", "2019-01-11"):
                lines.append(f"{sid},{d.date()},{last:.6f}")
        f = root / "later-prices.csv"
        f.write_text("\n".join(lines) + "\n")
        ingest_file(led, "prices", f)
        # purchases on those days: with a missing truth counted as $0 they "moved" millions
        orders = ["vehicle,date,kind,amount"] + [
            f"{v.vehicle.id},{d.date()},purchase,5000000"
            for d in pd.bdate_range("2019-01-02", "2019-01-11")
        ]
        f = root / "later-orders.csv"
        f.write_text("\n".join(orders) + "\n")
        ingest_file(led, "orders", f)
    return db


def test_truth_ends_at_the_first_live_holding_without_truth() -> None:
    truth = pd.DataFrame(
        {
            "holding_id": ["A", "A", "B", "B", "C", "C"],
            "date": pd.to_datetime(
                ["2010-01-04", "2010-01-05", "2010-01-04", "2010-01-08", "2010-01-04", "2010-01-12"]
            ),
            "value": [5.0, 0.0, 5.0, 4.0, 3.0, 3.0],
        }
    )
    none = pd.DataFrame({"holding_id": [], "date": []})
    # A was liquidated (its truth ends at zero); B is still held when its truth stops
    assert _truth_ends(truth, none) == pd.Timestamp("2010-01-08")
    liquidated = truth.assign(value=[5.0, 0.0, 5.0, 0.0, 3.0, 3.0])
    assert _truth_ends(liquidated, none) == pd.Timestamp("2010-01-12")
    # a holding with cash flows and no truth at all ends it the day before its first flow
    extra = pd.DataFrame({"holding_id": ["D"], "date": pd.to_datetime(["2010-01-07"])})
    assert _truth_ends(liquidated, extra) == pd.Timestamp("2010-01-06")


def test_dilution_stops_at_the_truth_and_says_so(
    past_truth: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    v = Vehicle.from_toml(sample_vehicle_path())
    with Ledger(past_truth, read_only=True) as led:
        past = dilution_report(led, v, end="2019-01-10")
        inside = dilution_report(led, v, end=TRUTH_END)
    assert past["last"] == TRUTH_END and past["to"] == "2019-01-10"
    assert past["truth_ends"] == TRUTH_END and past["stopped_at_truth"] is True
    assert TRUTH_END in past["note"]
    assert inside["stopped_at_truth"] is False and inside["note"] == ""
    # the days past the truth add nothing: the same dollars as measured to its end
    assert past["methods"] == inside["methods"]
    assert "2019" not in {y for m in past["methods"].values() for y in m["per_year"]}
    # the CLI says so in the title and a note; the default end (the last price day) too
    capsys.readouterr()
    assert run(["dilution", "--db", str(past_truth), "--json"]) == 0
    rep = json.loads(capsys.readouterr().out)
    assert rep["to"] == "2019-01-11" and rep["last"] == TRUTH_END and rep["stopped_at_truth"]
    assert run(["dilution", "--db", str(past_truth), "--to", "2019-01-10"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert f"it ends {TRUTH_END}" in text and "asked to 2019-01-10" in text
    assert f"stopped at the synthetic truth's last day {TRUTH_END}" in text


# -- issue 17, item 4: the stayers' loss is exact; gross does not net a day's trades ----------


def test_gh_17_stayers_loss_is_exact_and_gross_counts_each_side() -> None:
    """100 units at an estimated NAV of 10 whose true value is 11. A $200 purchase buys 20 units:
    the true $1,300 is then shared over 120 units, so the stayers' $1,100 becomes $1,083.33, a
    loss of $16.67, not the first-order $200 x 10% = $20: the exact factor is U / (U + P / NAV).
    With a $50 redemption the same day (5 units at 10, worth 55) the stayers are the 95 units
    left: 95 / 115 x $150 x 10% = $12.39; the buyers gain $17.39 and the redeemers lose $5. The
    gross counts both sides ($22.39), where netting the day's orders would give $15."""
    from altsleeve.workflows.fund import dilution_transfers

    t = dilution_transfers(
        purchases=np.array([200.0, 200.0, 0.0]),
        redemptions=np.array([0.0, 50.0, 50.0]),
        units_before=np.array([100.0, 100.0, 100.0]),
        nav=np.array([10.0, 10.0, 10.0]),
        nav_true=np.array([11.0, 11.0, 11.0]),
    )
    np.testing.assert_allclose(t.stayers_loss, [200 / 12, 95 / 115 * 15, -5.0], rtol=1e-12)
    np.testing.assert_allclose(t.to_buyers, [200 / 12, 20 / 115 * 1250 - 200, 0.0], rtol=1e-12)
    np.testing.assert_allclose(t.to_redeemers, [0.0, -5.0, -5.0], rtol=1e-12)
    # money is conserved: what the traders gain the stayers lose
    np.testing.assert_allclose(t.to_buyers + t.to_redeemers, t.stayers_loss, rtol=1e-12)
    np.testing.assert_allclose(t.gross, [200 / 12, 20 / 115 * 1250 - 200 + 5.0, 5.0])
    # by brute force: the stayers' true wealth before and after the day's orders
    u, nav, true = 100.0, 10.0, 11.0
    for p, r in ((200.0, 0.0), (200.0, 50.0), (0.0, 50.0)):
        stay = u - r / nav
        after = stay / (stay + p / nav) * (u * true + p - r)
        assert stay * true - after == pytest.approx(
            float(dilution_transfers(p, r, u, nav, true).stayers_loss), rel=1e-12
        )


def test_gh_17_dilution_report_states_gross_and_is_exact(past_truth: Path) -> None:
    """The report's dollars are the exact stayers' loss and its gross counts buyers and
    redeemers apart (at least the net, never netted within a day), and it says so."""
    v = Vehicle.from_toml(sample_vehicle_path())
    with Ledger(past_truth, read_only=True) as led:
        rep = dilution_report(led, v, methods=("stale",), end=TRUTH_END)
    m = rep["methods"]["stale"]
    assert m["gross_dollars"] >= abs(m["dollars"])
    assert "not netted" in rep["gross_is"]
    assert "U / (U + P / NAV)" in rep["exact"]
