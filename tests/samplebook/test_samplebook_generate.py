"""Shape, formats, determinism and input checks of the generated sample book."""

from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import pytest

from altsleeve.domain import AssetClass, CashflowKind, OrderKind, VehicleType
from altsleeve.samplebook import (
    DEFAULT_PARAMS,
    SampleBook,
    SampleBookParams,
    generate_sample_book,
)

INGEST_COLUMNS = {
    "holdings": [
        "holding_id",
        "name",
        "asset_class",
        "vehicle_type",
        "proxy",
        "commitment",
        "vintage",
        "currency",
    ],
    "statements": ["holding_id", "as_of", "known_on", "nav"],
    "cashflows": ["holding_id", "date", "kind", "amount"],
    "orders": ["vehicle", "date", "kind", "amount"],
}


def _assert_books_equal(a: SampleBook, b: SampleBook) -> None:
    for name, frame in {**a.ingest_tables(), **a.truth_tables()}.items():
        other = {**b.ingest_tables(), **b.truth_tables()}[name]
        pd.testing.assert_frame_equal(frame, other, check_exact=True)


def test_same_seed_same_book_other_seed_differs(
    market: dict[str, pd.Series], book: SampleBook
) -> None:
    start = time.perf_counter()
    again = generate_sample_book(market, seed=2045)
    elapsed = time.perf_counter() - start
    assert elapsed < 5.0, f"generation took {elapsed:.2f} s"
    _assert_books_equal(book, again)
    other = generate_sample_book(market, seed=7)
    assert not other.truth["value"].equals(book.truth["value"])
    assert not other.cashflows.equals(book.cashflows)
    assert not other.orders["amount"].equals(book.orders["amount"])
    assert other.seed == 7


def test_funds_are_independent_streams(market: dict[str, pd.Series], book: SampleBook) -> None:
    # Dropping the last class leaves every other fund's draws unchanged (one child seed per fund).
    # With per-fund sizes (rule "draw"): under the pacing rule a fund's commitment depends on the
    # whole book by design, but the same vintages give the same draws (checked below).
    drawn = dataclasses.replace(DEFAULT_PARAMS.pacing, rule="draw")
    full = generate_sample_book(
        market, seed=2045, params=dataclasses.replace(DEFAULT_PARAMS, pacing=drawn)
    )
    fewer = dataclasses.replace(
        DEFAULT_PARAMS, asset_classes=DEFAULT_PARAMS.asset_classes[:-1], pacing=drawn
    )
    small = generate_sample_book(market, seed=2045, params=fewer)
    kept = small.holdings["holding_id"]
    same_vintage = small.holdings.merge(full.holdings, on=["holding_id", "vintage"])["holding_id"]
    pd.testing.assert_frame_equal(
        small.truth[small.truth["holding_id"].isin(same_vintage)].reset_index(drop=True),
        full.truth[full.truth["holding_id"].isin(same_vintage)].reset_index(drop=True),
    )
    assert len(kept) == 25 and len(same_vintage) > 0


def test_book_shape(book: SampleBook) -> None:
    h = book.holdings
    assert len(h) >= 24
    assert h["holding_id"].is_unique
    assert set(h["asset_class"]) == {c.value for c in AssetClass}
    assert h["vintage"].min() == 1999 and h["vintage"].max() == 2015
    assert h["vintage"].between(1999, 2015).all()
    # sized by the pacing rule: at least commitment_min, in multiples of commitment_rounding
    assert (h["commitment"] >= 15e6).all()
    assert (h["commitment"] % 0.5e6 == 0).all()
    assert len(h) == 30
    assert set(h["vehicle_type"]) <= {v.value for v in VehicleType}
    semi = h[h["vehicle_type"] != VehicleType.DRAWDOWN.value]
    assert len(semi) >= 3
    assert set(semi["asset_class"]) <= {
        AssetClass.REAL_ESTATE.value,
        AssetClass.PRIVATE_CREDIT.value,
    }
    assert (h["currency"] == "USD").all()
    assert h["name"].str.startswith("Synthetic").all()
    venture = h["asset_class"] == AssetClass.VENTURE.value
    assert (h.loc[venture, "proxy"] == "NASDAQ_TR").all()
    assert (h.loc[~venture, "proxy"] == "SP500_TR").all()
    fp = book.fund_params.set_index("holding_id")
    assert (fp.loc[h["holding_id"], "driver"].to_numpy() == h["proxy"].to_numpy()).all()
    for col in ("beta", "alpha", "idio_vol", "smoothing_a", "life_years", "bow", "yield_"):
        assert col in fp.columns


def test_ingest_formats(book: SampleBook) -> None:
    for name, frame in book.ingest_tables().items():
        assert list(frame.columns) == INGEST_COLUMNS[name], name
    date_cols = {
        "statements": ["as_of", "known_on"],
        "cashflows": ["date"],
        "orders": ["date"],
    }
    for name, cols in date_cols.items():
        frame = book.ingest_tables()[name]
        for col in cols:
            assert frame[col].dtype == np.dtype("datetime64[ns]"), (name, col)
            assert (frame[col] == frame[col].dt.normalize()).all()
    for frame, col in [
        (book.holdings, "commitment"),
        (book.statements, "nav"),
        (book.cashflows, "amount"),
        (book.orders, "amount"),
        (book.truth, "value"),
    ]:
        assert frame[col].dtype == np.float64
    assert book.truth["date"].dtype == np.dtype("datetime64[ns]")
    assert set(book.cashflows["kind"]) == {k.value for k in CashflowKind}
    assert set(book.orders["kind"]) == {k.value for k in OrderKind}
    assert (book.orders["vehicle"] == "TDF2045").all()
    # business keys of the ledger are unique
    assert not book.statements.duplicated(["holding_id", "as_of"]).any()
    assert not book.cashflows.duplicated(["holding_id", "date", "kind"]).any()
    assert not book.orders.duplicated(["vehicle", "date", "kind"]).any()
    assert not book.truth.duplicated(["holding_id", "date"]).any()
    known = set(book.holdings["holding_id"])
    for frame in (book.statements, book.cashflows, book.truth):
        assert set(frame["holding_id"]) <= known


def test_description_says_synthetic(book: SampleBook) -> None:
    text = book.description
    assert "SYNTHETIC" in text and "do not exist" in text
    assert "no estimator" in text
    assert "\n" not in text
    assert book.params is DEFAULT_PARAMS and book.seed == 2045


def test_calendar_is_sp500(market: dict[str, pd.Series], book: SampleBook) -> None:
    days = set(book.truth["date"])
    assert days <= set(market["SP500"].index)
    assert book.truth["date"].max() == pd.Timestamp("2018-12-31")
    assert set(book.orders["date"]) <= set(market["SP500"].index)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda m: {"SP500": m["SP500"], "SP500_TR": m["SP500_TR"]}, "NASDAQ_TR"),
        (lambda m: {**m, "NASDAQ_TR": m["NASDAQ_TR"].iloc[10:]}, "lacks a positive level"),
        (lambda m: {**m, "SP500": m["SP500"].tz_localize("UTC")}, "tz-naive"),
        (lambda m: {**m, "SP500": m["SP500"].iloc[::-1]}, "increasing"),
        (lambda m: {**m, "NASDAQ_TR": m["NASDAQ_TR"].to_numpy()}, "pandas Series"),
    ],
)
def test_bad_market_is_refused(market: dict[str, pd.Series], mutate: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        generate_sample_book(mutate(market))  # type: ignore[operator]


def test_vintage_outside_calendar_is_refused(market: dict[str, pd.Series]) -> None:
    late = dataclasses.replace(DEFAULT_PARAMS, vintage_last=2030)
    with pytest.raises(ValueError, match="outside the calendar"):
        generate_sample_book(market, params=late)


def test_params_validation() -> None:
    with pytest.raises(ValueError):
        SampleBookParams(vintage_first=2016, vintage_last=2015)
    with pytest.raises(ValueError):
        dataclasses.replace(DEFAULT_PARAMS.asset_classes[0], smoothing_a=0.0)
    with pytest.raises(ValueError):
        dataclasses.replace(DEFAULT_PARAMS.statements, missing_probability=1.0)
    with pytest.raises(ValueError):
        dataclasses.replace(DEFAULT_PARAMS.flows, stress_window_days=0)
