"""Dilution against the synthetic truth stops where the truth ends (issue 16 item 8)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import Vehicle, dilution_report, sample_vehicle_path
from altsleeve.fund._records import _truth_ends
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows import build_sample_book

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
