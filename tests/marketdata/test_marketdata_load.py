"""Tests for load_arch_market_data: invariants, provenance, conventions and golden values."""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import re
from pathlib import Path

import arch
import numpy as np
import pandas as pd
import pytest

from altsleeve.marketdata import (
    SERIES_IDS,
    SeriesData,
    SeriesMeta,
    arch_data_dir,
    load_arch_market_data,
)
from altsleeve.marketdata._types import check_frame

# Shipped files, by name, relative to arch_data_dir().
FILES = {
    "sp500.csv.gz": "sp500/sp500.csv.gz",
    "nasdaq.csv.gz": "nasdaq/nasdaq.csv.gz",
    "frenchdata.csv.gz": "frenchdata/frenchdata.csv.gz",
    "default.csv.gz": "default/default.csv.gz",
    "core-cpi.csv.gz": "core_cpi/core-cpi.csv.gz",
}

# series_id: (rows, first date, last date, first known_on, last known_on)
EXPECTED_SHAPE = {
    "SP500": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "NASDAQ": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "FF_MKT_RF": (1109, "1926-07-31", "2018-11-30", "1926-07-31", "2018-11-30"),
    "FF_SMB": (1109, "1926-07-31", "2018-11-30", "1926-07-31", "2018-11-30"),
    "FF_HML": (1109, "1926-07-31", "2018-11-30", "1926-07-31", "2018-11-30"),
    "FF_RF": (1109, "1926-07-31", "2018-11-30", "1926-07-31", "2018-11-30"),
    "AAA_YIELD": (1200, "1919-01-01", "2018-12-01", "1919-01-31", "2018-12-31"),
    "BAA_YIELD": (1200, "1919-01-01", "2018-12-01", "1919-01-31", "2018-12-31"),
    "CORE_CPI": (743, "1957-01-01", "2018-11-01", "1957-02-15", "2018-12-15"),
    "FF_MKT_TR": (1110, "1926-06-30", "2018-11-30", "1926-06-30", "2018-11-30"),
    "CASH_TBILL": (1110, "1926-06-30", "2018-11-30", "1926-06-30", "2018-11-30"),
    "BOND_AAA_TR": (1200, "1919-01-01", "2018-12-01", "1919-01-31", "2018-12-31"),
    "BOND_BAA_TR": (1200, "1919-01-01", "2018-12-01", "1919-01-31", "2018-12-31"),
    "BOND_AAA_TR_D": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "BOND_BAA_TR_D": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "CASH_TBILL_D": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "SP500_TR": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
    "NASDAQ_TR": (5031, "1999-01-04", "2018-12-31", "1999-01-04", "2018-12-31"),
}


@pytest.fixture(scope="module")
def series() -> dict[str, SeriesData]:
    return {s.meta.series_id: s for s in load_arch_market_data()}


def level_on(s: SeriesData, day: str) -> float:
    frame = s.data
    hit = frame.loc[frame["date"] == pd.Timestamp(day), "level"]
    assert len(hit) == 1, f"{s.meta.series_id} has no row on {day}"
    return float(hit.iloc[0])


def read_rows(file_name: str) -> list[dict[str, str]]:
    """The shipped file read with the standard library only (independent of the package)."""
    with gzip.open(arch_data_dir() / FILES[file_name], "rt", newline="") as fh:
        return list(csv.DictReader(fh))


# --- shape and invariants --------------------------------------------------------------------


def test_every_series_present_in_stable_order() -> None:
    ids = [s.meta.series_id for s in load_arch_market_data()]
    assert tuple(ids) == SERIES_IDS
    assert set(ids) == set(EXPECTED_SHAPE)


@pytest.mark.parametrize("series_id", SERIES_IDS)
def test_frame_invariants(series: dict[str, SeriesData], series_id: str) -> None:
    s = series[series_id]
    assert isinstance(s, SeriesData)
    frame = s.data
    check_frame(frame)  # the package's own check ...
    # ... and the same invariants spelled out here.
    assert list(frame.columns) == ["date", "level", "known_on"]
    assert frame["date"].dtype == np.dtype("datetime64[ns]")
    assert frame["known_on"].dtype == np.dtype("datetime64[ns]")
    assert frame["level"].dtype == np.float64
    assert frame["date"].dt.tz is None and frame["known_on"].dt.tz is None
    assert (frame["date"] == frame["date"].dt.normalize()).all()
    assert (frame["known_on"] == frame["known_on"].dt.normalize()).all()
    assert frame["date"].is_monotonic_increasing and frame["date"].is_unique
    assert not frame.isna().to_numpy().any()
    assert (frame["known_on"] >= frame["date"]).all()
    assert np.isfinite(frame["level"].to_numpy()).all()


@pytest.mark.parametrize("series_id", SERIES_IDS)
def test_rows_and_date_ranges(series: dict[str, SeriesData], series_id: str) -> None:
    rows, first, last, known_first, known_last = EXPECTED_SHAPE[series_id]
    frame = series[series_id].data
    assert len(frame) == rows
    assert frame["date"].iloc[0] == pd.Timestamp(first)
    assert frame["date"].iloc[-1] == pd.Timestamp(last)
    assert frame["known_on"].iloc[0] == pd.Timestamp(known_first)
    assert frame["known_on"].iloc[-1] == pd.Timestamp(known_last)


# --- provenance ----------------------------------------------------------------------------


@pytest.mark.parametrize("series_id", SERIES_IDS)
def test_meta_filled_and_hashes_match_shipped_files(
    series: dict[str, SeriesData], series_id: str
) -> None:
    meta = series[series_id].meta
    assert isinstance(meta, SeriesMeta)
    assert meta.series_id == series_id
    assert meta.description and meta.column
    assert meta.unit in {"index", "percent", "percent_return"}
    assert meta.frequency in {"daily", "monthly"}
    assert meta.package == "arch"
    assert meta.package_version == arch.__version__
    names = meta.file_name.split(",")
    digests = meta.file_sha256.split(",")
    assert len(names) == len(digests) >= 1
    for name, digest in zip(names, digests, strict=True):
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        path = arch_data_dir() / FILES[name]
        assert digest == hashlib.sha256(path.read_bytes()).hexdigest()
    headers: set[str] = set()
    for name in names:
        headers |= set(read_rows(name)[0].keys())
    assert set(meta.column.split(",")) <= headers
    if meta.derivation:
        assert meta.source == "derived"
        assert meta.unit == "index"
    else:
        assert re.fullmatch(r"arch\.data\.\w+", meta.source)
        assert len(names) == 1


def test_arch_data_dir_is_arch_data_package() -> None:
    import arch.data

    assert arch_data_dir() == Path(arch.data.__file__).resolve().parent
    for rel in FILES.values():
        assert (arch_data_dir() / rel).is_file()


def test_units_and_frequencies(series: dict[str, SeriesData]) -> None:
    units = {k: s.meta.unit for k, s in series.items()}
    assert units["SP500"] == units["NASDAQ"] == units["CORE_CPI"] == "index"
    assert {units[k] for k in ("FF_MKT_RF", "FF_SMB", "FF_HML", "FF_RF")} == {"percent_return"}
    assert units["AAA_YIELD"] == units["BAA_YIELD"] == "percent"
    daily = {k for k, s in series.items() if s.meta.frequency == "daily"}
    assert daily == {
        "SP500",
        "NASDAQ",
        "BOND_AAA_TR_D",
        "BOND_BAA_TR_D",
        "CASH_TBILL_D",
        "SP500_TR",
        "NASDAQ_TR",
    }
    assert "dividend" in series["SP500"].meta.description.lower()


# --- dating and known_on conventions -------------------------------------------------------


def test_known_on_conventions(series: dict[str, SeriesData]) -> None:
    for sid in ("SP500", "NASDAQ", "FF_MKT_TR", "CASH_TBILL", "BOND_AAA_TR_D", "CASH_TBILL_D"):
        frame = series[sid].data
        assert (frame["known_on"] == frame["date"]).all(), sid
    for sid in ("FF_MKT_RF", "FF_SMB", "FF_HML", "FF_RF", "FF_MKT_TR", "CASH_TBILL"):
        frame = series[sid].data
        assert frame["date"].dt.is_month_end.all(), sid
        assert (frame["known_on"] == frame["date"]).all(), sid
    for sid in ("AAA_YIELD", "BAA_YIELD", "CORE_CPI", "BOND_AAA_TR", "BOND_BAA_TR"):
        assert (series[sid].data["date"].dt.day == 1).all(), sid
    for sid in ("AAA_YIELD", "BAA_YIELD", "BOND_AAA_TR", "BOND_BAA_TR"):
        frame = series[sid].data
        assert (frame["known_on"] == frame["date"] + pd.offsets.MonthEnd(0)).all(), sid
    cpi = series["CORE_CPI"].data
    expected = cpi["date"] + pd.offsets.MonthBegin(1) + pd.Timedelta(days=14)
    assert (cpi["known_on"] == expected).all()
    assert (cpi["known_on"].dt.day == 15).all()


def test_daily_series_share_the_sp500_calendar(series: dict[str, SeriesData]) -> None:
    calendar = series["SP500"].data["date"]
    for sid in ("NASDAQ", "BOND_AAA_TR_D", "BOND_BAA_TR_D", "CASH_TBILL_D", "SP500_TR"):
        assert series[sid].data["date"].equals(calendar), sid


# --- golden values ---------------------------------------------------------------------------


def test_golden_sp500_and_nasdaq(series: dict[str, SeriesData]) -> None:
    # Lehman Brothers' bankruptcy day and the dot-com peak, as shipped in arch's files
    # (sp500.csv.gz row "9/15/2008"; nasdaq.csv.gz row "3/10/2000", column "Adj Close").
    assert level_on(series["SP500"], "2008-09-15") == pytest.approx(1192.699951, abs=1e-9)
    assert level_on(series["NASDAQ"], "2000-03-10") == pytest.approx(5048.620117, abs=1e-9)
    for name, sid, day, key in (
        ("sp500.csv.gz", "SP500", "9/15/2008", "2008-09-15"),
        ("nasdaq.csv.gz", "NASDAQ", "3/10/2000", "2000-03-10"),
    ):
        row = next(r for r in read_rows(name) if r["Date"] == day)
        assert level_on(series[sid], key) == float(row["Adj Close"])


def test_golden_raw_monthly_values(series: dict[str, SeriesData]) -> None:
    # frenchdata.csv.gz row 200810: Mkt-RF -17.23, SMB -2.34, HML -2.9, RF 0.08.
    assert level_on(series["FF_MKT_RF"], "2008-10-31") == -17.23
    assert level_on(series["FF_SMB"], "2008-10-31") == -2.34
    assert level_on(series["FF_HML"], "2008-10-31") == -2.9
    assert level_on(series["FF_RF"], "2008-10-31") == 0.08
    # default.csv.gz row 10/1/2008: AAA 6.28, BAA 8.88; core-cpi.csv.gz row 11/1/2018: 259.481.
    assert level_on(series["AAA_YIELD"], "2008-10-01") == 6.28
    assert level_on(series["BAA_YIELD"], "2008-10-01") == 8.88
    assert level_on(series["CORE_CPI"], "2018-11-01") == 259.481


def test_golden_ff_market_total_return_1927_2018(series: dict[str, SeriesData]) -> None:
    # Independent: compound (Mkt-RF + RF)/100 from 1927-01 to the file's end (2018-11).
    growth, months = 1.0, 0
    for row in read_rows("frenchdata.csv.gz"):
        if 192701 <= int(row["Date"]) <= 201812:
            growth *= 1.0 + (float(row["Mkt-RF"]) + float(row["RF"])) / 100.0
            months += 1
    assert months == 1103
    expected = growth ** (12.0 / months) - 1.0
    tr = series["FF_MKT_TR"]
    got = (level_on(tr, "2018-11-30") / level_on(tr, "1926-12-31")) ** (12.0 / months) - 1.0
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(0.0988985261, abs=1e-9)  # 9.89% a year
    assert tr.data["level"].iloc[0] == 100.0


def test_cash_index_compounds_rf(series: dict[str, SeriesData]) -> None:
    rf = series["FF_RF"].data["level"].to_numpy()
    cash = series["CASH_TBILL"].data["level"].to_numpy()
    np.testing.assert_allclose(cash[1:] / cash[:-1] - 1.0, rf / 100.0, rtol=0, atol=1e-14)
    assert cash[0] == 100.0


def test_golden_bond_month_october_2008(series: dict[str, SeriesData]) -> None:
    # AAA: 5.65% (Sep 2008) -> 6.28% (Oct 2008). Closed forms at y = 0.0565, M = 20, z = 1.02825:
    # D = (1 - z**-40)/y, C = 2/y**2 (1 - z**-40) - 40/(y z**41); r = y/12 - D dy + C dy**2 / 2.
    y, dy = 0.0565, 0.0063
    z = 1.0 + y / 2.0
    d = (1.0 - z**-40) / y
    c = 2.0 / y**2 * (1.0 - z**-40) - 40.0 / (y * z**41)
    expected = y / 12.0 - d * dy + 0.5 * c * dy**2
    bond = series["BOND_AAA_TR"]
    got = level_on(bond, "2008-10-01") / level_on(bond, "2008-09-01") - 1.0
    assert got == pytest.approx(expected, rel=1e-12)
    assert got == pytest.approx(-0.0663377, abs=1e-7)
    assert bond.data["level"].iloc[0] == 100.0


def test_bond_index_long_run_is_plausible(series: dict[str, SeriesData]) -> None:
    # A 20-year Aaa par bond earned roughly its average yield over a century (5-6.5% a year);
    # Baa more than Aaa.
    for sid, lo, hi in (("BOND_AAA_TR", 0.05, 0.065), ("BOND_BAA_TR", 0.06, 0.08)):
        levels = series[sid].data["level"].to_numpy()
        annual = (levels[-1] / levels[0]) ** (12.0 / (len(levels) - 1)) - 1.0
        assert lo < annual < hi, (sid, annual)


def test_loader_does_not_mutate_or_share_state() -> None:
    first = load_arch_market_data()
    first[0].data.loc[0, "level"] = -1.0
    second = load_arch_market_data()
    assert second[0].data["level"].iloc[0] == 1228.099976
    assert math.isclose(second[0].data["level"].iloc[-1], 2506.850098)
