"""Shared fixtures: the real index paths shipped with arch and the default seed-2045 book."""

from __future__ import annotations

import pathlib

import arch.data
import pandas as pd
import pytest

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import SampleBook, generate_sample_book

ARCH_DATA = pathlib.Path(arch.data.__file__).parent


def _adj_close(relative: str) -> pd.Series:
    df = pd.read_csv(ARCH_DATA / relative, parse_dates=["Date"], date_format="%m/%d/%Y")
    return df.set_index("Date")["Adj Close"]


@pytest.fixture(scope="session")
def market() -> dict[str, pd.Series]:
    out = arch_levels()
    # the raw shipped closes, read directly, are the price series
    pd.testing.assert_series_equal(
        out["SP500"], _adj_close("sp500/sp500.csv.gz"), check_names=False, check_index=False
    )
    return out


@pytest.fixture(scope="session")
def book(market: dict[str, pd.Series]) -> SampleBook:
    return generate_sample_book(market, seed=2045)
