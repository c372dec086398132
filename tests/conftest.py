"""Shared fixtures: a small ledger with one proxy series, two holdings and a few statements."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from altsleeve.fund import Vehicle
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows.vehicles import register_definition

#: Series metadata (``altsleeve marketdata register``): a price series must be registered first.
SERIES = (
    "series,description,unit,frequency,asset_type\n"
    "IDX,Test equity index,index,daily,equity\n"
    "BIG,A long test series,index,daily,equity\n"
)
PRICES = "series,date,level\nIDX,2008-01-02,100\nIDX,2008-01-03,101.5\nIDX,2008-01-04,99.25\n"
HOLDINGS = (
    "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
    "H1,Fund One,buyout,drawdown,IDX,25000000,2005\n"
    "H2,Fund Two,real_estate,evergreen,IDX,10000000,2007\n"
)
STATEMENTS = (
    "holding_id,as_of,known_on,nav\n"
    "H1,2008-03-31,2008-05-20,1000000\n"
    "H1,2008-06-30,2008-08-25,1100000\n"
    "H2,2008-06-30,2008-08-14,9000000\n"
)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str, str | bytes], Path]:
    """Write a file under tmp_path and return its path."""

    def _write(name: str, content: str | bytes) -> Path:
        p = tmp_path / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)
        return p

    return _write


@pytest.fixture
def db(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    """A ledger holding IDX prices, holdings H1/H2, three statements and vehicle TDF."""
    path = tmp_path / "ledger.duckdb"
    with Ledger(path, create=True) as led:
        ingest_file(led, "series", write("series.csv", SERIES))
        register_test_vehicle(led, tmp_path, "TDF")
        ingest_file(led, "prices", write("p.csv", PRICES))
        ingest_file(led, "holdings", write("h.csv", HOLDINGS))
        ingest_file(led, "statements", write("s.csv", STATEMENTS))
    return path


def register_series(
    led: Ledger,
    directory: Path,
    series: dict[str, str],
    *,
    name: str = "series.csv",
    frequency: str = "daily",
) -> None:
    """Register price series (id -> asset type) in a ledger, as `marketdata register` does."""
    path = directory / name
    path.write_text(
        "series,description,unit,frequency,asset_type\n"
        + "".join(
            f"{sid},Test series {sid},index,{frequency},{kind}\n" for sid, kind in series.items()
        )
    )
    ingest_file(led, "series", path)


def register_test_vehicle(
    led: Ledger,
    directory: Path,
    vehicle: dict[str, Any] | str | Vehicle = "TDF",
    *,
    series: dict[str, str] | None = None,
) -> Vehicle:
    """Register a vehicle (a mapping as in a vehicle file, or an id for a minimal one).

    The series it names are registered first (``series``: id -> asset type; by default every
    liquid sleeve's series as equity and the cash sleeve's as cash) when they are not yet.
    """
    if isinstance(vehicle, str):
        vehicle = {
            "vehicle": {"id": vehicle, "inception": "2008-01-02", "initial_assets": 1.0e8},
            "sleeves": [
                {"id": "equity", "kind": "liquid", "series": "IDX", "asset_type": "equity"},
                {"id": "cash", "kind": "cash", "series": "CASHX"},
            ],
            "glide_path": [{"date": "2008-01-01", "weights": {"equity": 0.95, "cash": 0.05}}],
        }
    v = vehicle if isinstance(vehicle, Vehicle) else Vehicle.from_mapping(vehicle)
    if series is None:
        series = {
            str(s.series): ("cash" if s.kind == "cash" else str(s.asset_type or "equity"))
            for s in v.sleeves
            if s.series
        }
    have = led.latest_keys("series", "series_id")
    todo = {k: t for k, t in series.items() if k not in have}
    if todo:
        register_series(led, directory, todo, name=f"series-{v.vehicle.id}.csv")
    register_definition(led, v, source=f"<test vehicle {v.vehicle.id}>")
    return v


def fingerprint(path: Path) -> dict[str, str]:
    """Digest of every table's content."""
    with Ledger(path, read_only=True) as led:
        return led.content_fingerprint()


TODAY = dt.date(2026, 1, 1)
