"""The vehicle file: the sample loads, targets follow the glide path, bad input names its key."""

from __future__ import annotations

import copy
import datetime as dt
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from altsleeve.errors import InputError
from altsleeve.fund import (
    Vehicle,
    sample_vehicle_path,
)

SAMPLE = sample_vehicle_path()
BASE: dict[str, Any] = tomllib.loads(SAMPLE.read_text(encoding="utf-8"))
Mutation = Callable[[dict[str, Any]], None]


def _mutated(f: Mutation) -> dict[str, Any]:
    d = copy.deepcopy(BASE)
    f(d)
    return d


def _error(d: dict[str, Any]) -> str:
    with pytest.raises(InputError) as info:
        Vehicle.from_mapping(d, label="v.toml")
    return str(info.value)


# -- the sample file -------------------------------------------------------------------------


def test_sample_loads() -> None:
    v = Vehicle.from_toml(SAMPLE)
    assert v.vehicle.id == "TDF2045"
    assert v.vehicle.inception == dt.date(1999, 1, 4)
    assert v.sleeve_ids == ["equity", "bonds", "cash", "private"]
    assert v.cash_sleeve.id == "cash"
    assert v.private_sleeve is not None and v.private_sleeve.id == "private"
    assert v.private.max == 0.15
    assert v.fee_bp_per_year == 35.0
    assert v.valuation_method("buyout") == "nowcast"
    assert v.rebalance.trigger == "both" and v.rebalance.schedule == "quarterly"


def test_targets_on_glide_path_dates_equal_the_points() -> None:
    v = Vehicle.from_toml(SAMPLE)
    for p in v.glide_path:
        got = v.targets(p.date)
        assert got == pytest.approx(p.weights, abs=1e-12)


def test_targets_linear_between_points_checked_by_hand() -> None:
    v = Vehicle.from_toml(SAMPLE)
    # 2030-01-01 to 2045-01-01 is 15 * 365 + 4 leap days = 5479 days; 2037-07-02 is day 2739.
    assert (dt.date(2045, 1, 1) - dt.date(2030, 1, 1)).days == 5479
    assert (dt.date(2037, 7, 2) - dt.date(2030, 1, 1)).days == 2739
    f = 2739 / 5479
    got = v.targets("2037-07-02")
    assert got["equity"] == pytest.approx(0.65 + f * (0.40 - 0.65), abs=1e-12)
    assert got["bonds"] == pytest.approx(0.23 + f * (0.50 - 0.23), abs=1e-12)
    assert got["cash"] == pytest.approx(0.02 + f * (0.05 - 0.02), abs=1e-12)
    assert got["private"] == pytest.approx(0.10 + f * (0.05 - 0.10), abs=1e-12)


def _zero() -> dict[str, float]:
    return {"equity": 0.0, "bonds": 0.0, "cash": 0.0, "private": 0.0}


def test_targets_exact_midpoint() -> None:
    d = _mutated(
        lambda d: d.update(
            glide_path=[
                {"date": dt.date(2000, 1, 1), "weights": {**_zero(), "equity": 0.6, "cash": 0.4}},
                {"date": dt.date(2000, 1, 11), "weights": {**_zero(), "equity": 0.4, "cash": 0.6}},
            ]
        )
    )
    v = Vehicle.from_mapping(d)
    got = v.targets(pd.Timestamp("2000-01-06"))
    assert got == pytest.approx({"equity": 0.5, "bonds": 0.0, "cash": 0.5, "private": 0.0})


def test_targets_flat_beyond_the_ends() -> None:
    v = Vehicle.from_toml(SAMPLE)
    first, last = v.glide_path[0], v.glide_path[-1]
    for day in ("1990-01-01", "1999-01-03"):
        assert v.targets(day) == pytest.approx(first.weights, abs=1e-12)
    for day in ("2045-01-02", "2099-12-31"):
        assert v.targets(day) == pytest.approx(last.weights, abs=1e-12)


def test_target_matrix_rows_sum_to_one() -> None:
    v = Vehicle.from_toml(SAMPLE)
    days = pd.bdate_range("1995-01-02", "2050-12-30")
    m = v.target_matrix(days)
    assert m.shape == (len(days), 4)
    np.testing.assert_allclose(m.sum(axis=1), 1.0, atol=1e-9)
    assert (m >= 0).all()


# -- bad input: each names its dotted key ----------------------------------------------------


def _set(*path: str | int, value: Any) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        node: Any = d
        for k in path[:-1]:
            node = node[k]
        node[path[-1]] = value

    return f


def _pop(*path: str | int) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        node: Any = d
        for k in path[:-1]:
            node = node[k]
        del node[path[-1]]

    return f


def _both(*fs: Mutation) -> Mutation:
    def f(d: dict[str, Any]) -> None:
        for g in fs:
            g(d)

    return f


NAMED = [
    ("missing inception", _pop("vehicle", "inception"), "vehicle.inception", "Field required"),
    (
        "negative assets",
        _set("vehicle", "initial_assets", value=-1.0),
        "vehicle.initial_assets",
        "",
    ),
    (
        "zero nav/unit",
        _set("vehicle", "initial_nav_per_unit", value=0),
        "vehicle.initial_nav_per_unit",
        "",
    ),
    ("bad date", _set("vehicle", "inception", value="1999-13-01"), "vehicle.inception", ""),
    ("id not a string", _set("vehicle", "id", value=5), "vehicle.id", ""),
    (
        "weights sum",
        _set("glide_path", 1, "weights", "equity", value=0.70),
        "glide_path[1]",
        "weights sum to 1.050000",
    ),
    (
        "negative weight",
        _set("glide_path", 0, "weights", "cash", value=-0.02),
        "glide_path[0].weights.cash",
        "",
    ),
    ("empty glide path", _set("glide_path", value=[]), "glide_path", ""),
    ("liquid no series", _pop("sleeves", 0, "series"), "sleeves[0]", "needs a price series"),
    ("cash no series", _pop("sleeves", 2, "series"), "sleeves[2]", "needs a price series"),
    ("private series", _set("sleeves", 3, "series", value="X"), "sleeves[3]", "not a series"),
    ("bad sleeve kind", _set("sleeves", 1, "kind", value="hedge"), "sleeves[1].kind", ""),
    ("band above 1", _set("sleeves", 1, "band", value=2), "sleeves[1].band", ""),
    ("unknown key", _set("vehicle", "colour", value="red"), "vehicle.colour", "Extra inputs"),
    ("unknown table", _set("extras", value={}), "extras", "Extra inputs"),
    (
        "unknown sleeve key",
        _set("sleeves", 0, "ticker", value="SPY"),
        "sleeves[0].ticker",
        "Extra inputs",
    ),
    (
        "bad trigger",
        _set("rebalance", "trigger", value="never"),
        "rebalance.trigger",
        "'band', 'schedule' or 'both'",
    ),
    ("bad schedule", _set("rebalance", "schedule", value="weekly"), "rebalance.schedule", ""),
    (
        "bad valuation method",
        _set("private", "valuation", "buyout", value="guess"),
        "private.valuation.buyout",
        "'stale', 'proxy', 'nowcast' or 'nowcast-ph'",
    ),
    (
        "bad default valuation",
        _set("private", "default_valuation", value="x"),
        "private.default_valuation",
        "",
    ),
    ("private.max above 1", _set("private", "max", value=1.5), "private.max", ""),
    ("negative fee", _set("fees", 0, "bp_per_year", value=-1), "fees[0].bp_per_year", ""),
    ("fee without name", _pop("fees", 1, "name"), "fees[1].name", "Field required"),
    ("cash floor above 1", _set("cash", "floor", value=1.5), "cash.floor", ""),
]


@pytest.mark.parametrize(("case", "mutate", "key", "text"), NAMED, ids=[c[0] for c in NAMED])
def test_bad_input_names_its_key(case: str, mutate: Mutation, key: str, text: str) -> None:
    msg = _error(_mutated(mutate))
    assert msg.startswith("v.toml: ")
    assert f"key '{key}': " in msg, msg
    assert text in msg


# Whole-vehicle rules (checked across tables). Each is enforced (first test, green); the message
# should also name the key at fault, but the cross-table validator raises with an empty location,
# so the InputError says "v.toml: Value error, ..." with no key (second test, xfail).
CROSS = [
    (
        "glide point missing a sleeve",
        _both(
            _pop("glide_path", 1, "weights", "cash"),
            _set("glide_path", 1, "weights", "equity", value=0.67),
        ),
        "glide_path[1].weights",
        "glide_path[1] weights name ['bonds', 'equity', 'private']",
    ),
    (
        "two cash sleeves",
        _both(_set("sleeves", 1, "kind", value="cash"), _pop("sleeves", 1, "asset_type")),
        "sleeves",
        "exactly one sleeve must be of kind 'cash'",
    ),
    (
        "no cash sleeve",
        _both(
            _set("sleeves", 2, "kind", value="liquid"),
            _set("sleeves", 2, "asset_type", value="other"),
        ),
        "sleeves",
        "exactly one sleeve must be of kind 'cash'",
    ),
    (
        "two private sleeves",
        _both(
            _set("sleeves", 1, "kind", value="private"),
            _both(_pop("sleeves", 1, "series"), _pop("sleeves", 1, "asset_type")),
        ),
        "sleeves",
        "at most one sleeve may be of kind 'private'",
    ),
    (
        "repeated sleeve id",
        _set("sleeves", 1, "id", value="equity"),
        "sleeves[1].id",
        "sleeve ids repeat",
    ),
    (
        "private target above private.max",
        _set("private", "max", value=0.08),
        "glide_path[0].weights.private",
        "glide_path[0] private target 0.1 exceeds private.max 0.08",
    ),
    (
        "glide dates not increasing",
        _set("glide_path", 2, "date", value=dt.date(2030, 1, 1)),
        "glide_path[2].date",
        "glide_path dates must be strictly increasing",
    ),
    (
        "glide dates out of order",
        _set("glide_path", 0, "date", value=dt.date(2040, 1, 1)),
        "glide_path[1].date",
        "glide_path dates must be strictly increasing",
    ),
]
_CROSS_IDS = [c[0] for c in CROSS]


@pytest.mark.parametrize(("case", "mutate", "key", "text"), CROSS, ids=_CROSS_IDS)
def test_cross_table_rule_is_enforced(case: str, mutate: Mutation, key: str, text: str) -> None:
    msg = _error(_mutated(mutate))
    assert msg.startswith("v.toml: ")
    assert text in msg, msg


@pytest.mark.parametrize(("case", "mutate", "key", "text"), CROSS, ids=_CROSS_IDS)
def test_cross_table_rule_names_its_key(case: str, mutate: Mutation, key: str, text: str) -> None:
    msg = _error(_mutated(mutate))
    assert f"key '{key}': " in msg, msg


def test_bad_asset_class_in_valuation_is_refused() -> None:
    msg = _error(_mutated(_set("private", "valuation", "hedge", value="stale")))
    assert "'buyout', 'venture', 'private_credit', 'real_estate' or 'infrastructure'" in msg


def test_bad_asset_class_in_valuation_names_its_key() -> None:
    msg = _error(_mutated(_set("private", "valuation", "hedge", value="stale")))
    assert "key 'private.valuation.hedge': " in msg, msg


def test_infinite_initial_assets_refused() -> None:
    msg = _error(_mutated(_set("vehicle", "initial_assets", value=float("inf"))))
    assert "key 'vehicle.initial_assets': " in msg


def test_every_problem_is_listed() -> None:
    msg = _error(
        _mutated(
            _both(_set("fees", 0, "bp_per_year", value=-1), _set("rebalance", "trigger", value="x"))
        )
    )
    assert "key 'fees[0].bp_per_year'" in msg and "key 'rebalance.trigger'" in msg


# -- the file itself ----------------------------------------------------------------------------


def test_invalid_toml_syntax(tmp_path: Path) -> None:
    p = tmp_path / "bad.toml"
    p.write_text("[vehicle\nid = 'X'\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        Vehicle.from_toml(p)
    assert str(info.value).startswith(f"{p}: not valid TOML: ")
    assert "line 1" in str(info.value)


def test_file_not_found(tmp_path: Path) -> None:
    p = tmp_path / "missing.toml"
    with pytest.raises(InputError) as info:
        Vehicle.from_toml(p)
    assert str(info.value) == f"{p}: file not found"


def test_bad_value_in_a_file_names_the_file_and_key(tmp_path: Path) -> None:
    text = SAMPLE.read_text(encoding="utf-8").replace("bp_per_year = 5", "bp_per_year = -5")
    p = tmp_path / "v.toml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        Vehicle.from_toml(p)
    assert str(info.value) == (
        f"{p}: key 'fees[0].bp_per_year': Input should be greater than or equal to 0"
    )


# -- property: any valid glide path gives sound targets -----------------------------------------

EPOCH = dt.date(1990, 1, 1)


@st.composite
def glide_paths(draw: st.DrawFn) -> tuple[dict[str, Any], list[dt.date]]:
    n_liquid = draw(st.integers(1, 4))
    with_private = draw(st.booleans())
    ids = [f"s{i}" for i in range(n_liquid)] + ["cash"] + (["priv"] if with_private else [])
    sleeves: list[dict[str, Any]] = [
        {"id": f"s{i}", "kind": "liquid", "series": f"S{i}", "asset_type": "equity"}
        for i in range(n_liquid)
    ]
    sleeves.append({"id": "cash", "kind": "cash", "series": "CASH"})
    if with_private:
        sleeves.append({"id": "priv", "kind": "private"})
    offsets = draw(st.lists(st.integers(0, 40_000), min_size=1, max_size=6, unique=True))
    points = []
    for off in sorted(offsets):
        raw = draw(st.lists(st.integers(0, 1000), min_size=len(ids), max_size=len(ids)))
        if sum(raw) == 0:
            raw[0] = 1
        total = sum(raw)
        date = EPOCH + dt.timedelta(days=off)
        points.append(
            {"date": date, "weights": {k: r / total for k, r in zip(ids, raw, strict=True)}}
        )
    data = {
        "vehicle": {"id": "P", "inception": EPOCH, "initial_assets": 1e6},
        "sleeves": sleeves,
        "glide_path": points,
        "private": {"max": 1.0},
    }
    days = draw(st.lists(st.integers(-2_000, 42_000), min_size=1, max_size=20))
    return data, [EPOCH + dt.timedelta(days=d) for d in days]


@settings(max_examples=200, deadline=None)
@given(glide_paths())
def test_any_valid_glide_path_gives_sound_targets(
    case: tuple[dict[str, Any], list[dt.date]],
) -> None:
    data, days = case
    v = Vehicle.from_mapping(data)
    m = v.target_matrix(pd.DatetimeIndex(days))
    assert m.shape == (len(days), len(v.sleeve_ids))
    np.testing.assert_allclose(m.sum(axis=1), 1.0, rtol=0, atol=1e-9)
    for j, s in enumerate(v.sleeve_ids):
        ws = [p.weights[s] for p in v.glide_path]
        assert (m[:, j] >= min(ws) - 1e-12).all()
        assert (m[:, j] <= max(ws) + 1e-12).all()
