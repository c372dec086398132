"""Performance measures: golden values from pyxirr's documented examples, properties, edge cases,
the vectorised XIRR against pyxirr, the time-weighted return, bad files and ``altsleeve perf``.

The private-equity examples are periodic (one period a year). Dated with exactly 365 days
between periods, ACT/365F makes every period one year, so the dated measures must give the
periodic values: both the published figures (to their published precision) and pyxirr's own
``pyxirr.pe`` results (to 1e-8).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import pyxirr
from hypothesis import given, settings
from hypothesis import strategies as st
from pyxirr import pe

from altsleeve.cli import run
from altsleeve.errors import InputError
from altsleeve.performance import (
    MEASURE_COLUMNS,
    fund_flows,
    performance_table,
    pme_flows,
    pooled_cashflows,
    sleeve_series,
    time_weighted_return,
    xirr_many,
)
from altsleeve.performance import index_levels as levels_on
from altsleeve.workflows.performance import (
    check_index_covers,
    read_cashflows,
    read_index,
)

START = dt.date(2001, 1, 1)


def _day(period: int) -> dt.date:
    return START + dt.timedelta(days=365 * period)


def periodic(
    amounts: Sequence[float],
    nav: float | None = None,
    navs: Sequence[float] | None = None,
    fund: str = "F",
) -> pd.DataFrame:
    """A fund from pyxirr-style periodic amounts (negative = call), one period = 365 days.

    ``nav`` (even 0) is a nav row on the last period, which then ends the fund's history as in
    pyxirr's examples; without it the fund ends on its last flow.
    """
    rows: list[tuple[str, dt.date, str, float]] = []
    for i, a in enumerate(amounts):
        if a < 0:
            rows.append((fund, _day(i), "call", -a))
        elif a > 0:
            rows.append((fund, _day(i), "distribution", a))
        if navs is not None:
            rows.append((fund, _day(i), "nav", navs[i]))
    if navs is None and nav is not None:
        rows.append((fund, _day(len(amounts) - 1), "nav", nav))
    return pd.DataFrame(rows, columns=["fund_id", "date", "kind", "amount"])


def index(levels: Sequence[float]) -> pd.Series:
    return pd.Series(list(levels), index=pd.DatetimeIndex([_day(i) for i in range(len(levels))]))


def measures(
    amounts: Sequence[float],
    levels: Sequence[float] | None = None,
    nav: float | None = None,
    navs: Sequence[float] | None = None,
) -> pd.Series:
    idx = index(levels) if levels is not None else None
    return performance_table(periodic(amounts, nav, navs), idx).iloc[0]


# -- golden values ------------------------------------------------------------------------------
def test_xirr_documented_example() -> None:
    # pyxirr docs, "XIRR" > Examples (docs/functions.md): dates 2020-01-01, 2020-03-01,
    # 2020-10-30, 2021-02-15; values -10000, 5750, 4250, 3250 -> 0.6342972615260243.
    flows = pd.DataFrame(
        {
            "fund_id": "X",
            "date": ["2020-01-01", "2020-03-01", "2020-10-30", "2021-02-15"],
            "kind": ["call", "distribution", "distribution", "nav"],
            "amount": [10_000.0, 5750.0, 4250.0, 3250.0],
        }
    )
    row = performance_table(flows).iloc[0]
    assert row["irr"] == pytest.approx(0.6342972615260243, abs=1e-10)
    assert row["tvpi"] == pytest.approx(1.325)


@pytest.mark.parametrize(
    ("amounts", "expected"),
    [
        # INSEAD, "Measuring PE Fund Performance" (2019), cited by pyxirr's
        # src/core/private_equity.rs tests: IRR 49.4% and 32.4% (to 1e-3).
        ([-12.0, 0.0, 0.0, 40.0], 0.494),
        ([-12.0, -10.0, -4.0, 40.0, 0.0, 15.0, 5.0], 0.324),
    ],
)
def test_irr_insead_examples(amounts: list[float], expected: float) -> None:
    row = measures(amounts)
    assert row["irr"] == pytest.approx(expected, abs=1e-3)
    assert row["irr"] == pytest.approx(pyxirr.irr(amounts), abs=1e-8)


def test_multiples_pyxirr_examples() -> None:
    # pyxirr private_equity.rs tests: dpi([-10, -20, 15, 30]) = 1.5;
    # tvpi([-10, -20, 15, 30], nav=15) = 2; tvpi([-25, 15, 0], nav=20) = 1.4;
    # rvpi(contributions [10, 20, 15, 30], nav=15) = 0.2.
    assert measures([-10.0, -20.0, 15.0, 30.0])["dpi"] == pytest.approx(1.5)
    assert measures([-10.0, -20.0, 15.0, 30.0], nav=15.0)["tvpi"] == pytest.approx(2.0)
    assert measures([-25.0, 15.0, 0.0], nav=20.0)["tvpi"] == pytest.approx(1.4)
    assert measures([-10.0, -20.0, -15.0, -30.0], nav=15.0)["rvpi"] == pytest.approx(0.2)
    assert pe.rvpi([10.0, 20.0, 15.0, 30.0], 15.0) == pytest.approx(0.2)


@pytest.mark.parametrize(
    ("amounts", "levels", "nav"),
    [
        # pyxirr private_equity.rs test_ks_pme: both cases 1.14 (to 0.01).
        ([-25.0, 15.0, 0.0], [100.0, 115.0, 130.0], 20.0),
        ([-25.0, 15.0, 20.0], [100.0, 115.0, 130.0], 0.0),
    ],
)
def test_ks_pme_examples(amounts: list[float], levels: list[float], nav: float) -> None:
    row = measures(amounts, levels, nav)
    assert row["ks_pme"] == pytest.approx(1.14, abs=0.01)
    assert row["ks_pme"] == pytest.approx(pe.ks_pme(amounts, levels, nav), abs=1e-12)


@pytest.mark.parametrize(
    ("amounts", "levels", "ln_nav", "ln_pme"),
    [
        # pyxirr private_equity.rs test_ln_pme_nav / test_ln_pme: 15.5 and 14.4%.
        ([-25.0, 15.0, 0.0], [100.0, 115.0, 130.0], 15.5, 0.144),
        # Wikipedia, "Public Market Equivalent", Long-Nickels PME example (cited by pyxirr):
        # LN NAV 104.28, LN-PME 5.3%.
        ([-100.0, -50.0, 60.0, 10.0, 0.0], [100.0, 105.0, 115.0, 117.0, 120.0], 104.28, 0.053),
    ],
)
def test_long_nickels_examples(
    amounts: list[float], levels: list[float], ln_nav: float, ln_pme: float
) -> None:
    flows = fund_flows(periodic(amounts, nav=0.0))  # the last period ends the history
    pme = pme_flows(flows, levels_on(index(levels), flows.day))
    assert pme.ln_nav[0] == pytest.approx(ln_nav, abs=0.1)
    assert pme.ln_nav[0] == pytest.approx(pe.ln_pme_nav(amounts, levels), abs=1e-9)
    row = measures(amounts, levels, nav=0.0)
    assert row["ln_pme"] == pytest.approx(ln_pme, abs=1e-3)
    assert row["ln_pme"] == pytest.approx(pe.ln_pme(amounts, levels), abs=1e-8)


@pytest.mark.parametrize(
    ("amounts", "levels", "nav", "lam", "pme_plus"),
    [
        # pyxirr private_equity.rs test_pme_plus_lambda / test_pme_plus (to 0.1):
        ([-25.0, 15.0, 0.0], [100.0, 115.0, 130.0], 20.0, 0.7, 0.143),
        # Wikipedia, "Public Market Equivalent", PME+ formula example (cited by pyxirr).
        (
            [-100.0, -50.0, 60.0, 100.0, 0.0],
            [100.0, 105.0, 115.0, 110.0, 120.0],
            20.0,
            0.86,
            0.0205,
        ),
    ],
)
def test_pme_plus_examples(
    amounts: list[float], levels: list[float], nav: float, lam: float, pme_plus: float
) -> None:
    row = measures(amounts, levels, nav)
    assert row["pme_plus_lambda"] == pytest.approx(lam, abs=0.1)
    assert row["pme_plus_lambda"] == pytest.approx(pe.pme_plus_lambda(amounts, levels, nav))
    assert row["pme_plus"] == pytest.approx(pme_plus, abs=0.1)
    assert row["pme_plus"] == pytest.approx(pe.pme_plus(amounts, levels, nav), abs=1e-8)


def test_m_pme_example() -> None:
    # pyxirr private_equity.rs test_mpme: amounts [-100, -50, 60, 100, 0], index
    # [100, 105, 115, 100, 120], NAV after each period [100, 165, 125, 15, 20] -> 0.0202 (1e-4).
    amounts = [-100.0, -50.0, 60.0, 100.0, 0.0]
    levels = [100.0, 105.0, 115.0, 100.0, 120.0]
    navs = [100.0, 165.0, 125.0, 15.0, 20.0]
    row = measures(amounts, levels, navs=navs)
    assert row["m_pme"] == pytest.approx(0.0202, abs=1e-4)
    assert row["m_pme"] == pytest.approx(pe.m_pme(amounts, levels, navs), abs=1e-8)
    # Without a nav row on a distribution date the mPME is not defined.
    assert np.isnan(measures(amounts, levels, nav=20.0)["m_pme"])


EDDA = [890.35, 1144.98, 1271.5, 1289.09, 1466.47, 1842.37]
DAM = [100.0, 77.9, 100.24, 111.15, 116.61, 135.03, 142.45, 89.75, 113.50, 130.59]


@pytest.mark.parametrize(
    ("amounts", "levels", "nav", "expected"),
    [
        # pyxirr private_equity.rs test_direct_alpha (to 1e-4):
        ([-25.0, 15.0, 0.0], [100.0, 115.0, 130.0], 20.0, 0.0875),
        # Wikipedia, "Public Market Equivalent", Direct Alpha example:
        ([-100.0, -50.0, 60.0, 10.0, 0.0], [100.0, 105.0, 115.0, 117.0, 120.0], 110.0, 0.0108),
        # https://blog.edda.co/advanced-fund-performance-methods-pme-direct-alpha/
        ([-80.0, -140.0, 0.0, 70.0, 140.0, 85.0], EDDA, 70.0, 0.028),
        # https://directalphamethod.info/ (Gredil, Griffiths & Stucke's site), with the final
        # value as a NAV and as a last distribution:
        ([-100.0, 0.0, -75.0, 0.0, 100.0, 0.0, 150.0, 0.0, 100.0, 0.0], DAM, 75.0, 0.1257),
        ([-100.0, 0.0, -75.0, 0.0, 100.0, 0.0, 150.0, 0.0, 100.0, 75.0], DAM, 0.0, 0.1257),
    ],
)
def test_direct_alpha_examples(
    amounts: list[float], levels: list[float], nav: float, expected: float
) -> None:
    row = measures(amounts, levels, nav)
    assert row["direct_alpha"] == pytest.approx(expected, abs=1e-4)
    assert row["direct_alpha"] == pytest.approx(pe.direct_alpha(amounts, levels, nav), abs=1e-8)


# -- properties ---------------------------------------------------------------------------------
fund_rows = st.lists(
    st.tuples(
        st.integers(0, 3650),
        st.sampled_from(["call", "distribution"]),
        st.one_of(st.just(0.0), st.floats(0.01, 1e8)),  # dollars, to the cent or zero
    ),
    min_size=1,
    max_size=30,
)


def _frame(rows: list[tuple[int, str, float]], nav: float) -> pd.DataFrame:
    data = [("F", START + dt.timedelta(days=d), k, a) for d, k, a in rows]
    end = max(d for d, _, _ in rows) + 1
    data.append(("F", START + dt.timedelta(days=end), "nav", nav))
    return pd.DataFrame(data, columns=["fund_id", "date", "kind", "amount"])


@settings(max_examples=60, deadline=None)
@given(rows=fund_rows, nav=st.floats(0.0, 1e8, allow_nan=False, allow_infinity=False))
def test_tvpi_is_dpi_plus_rvpi_and_pic_is_paid_in(
    rows: list[tuple[int, str, float]], nav: float
) -> None:
    row = performance_table(_frame(rows, nav)).iloc[0]
    calls = sum(a for _, k, a in rows if k == "call")
    dists = sum(a for _, k, a in rows if k == "distribution")
    assert row["pic"] == pytest.approx(calls, rel=1e-12, abs=1e-6)
    assert row["distributed"] == pytest.approx(dists, rel=1e-12, abs=1e-6)
    if calls > 0:
        assert row["tvpi"] == pytest.approx(row["dpi"] + row["rvpi"], rel=1e-12)
        assert row["dpi"] * row["pic"] == pytest.approx(dists, rel=1e-9, abs=1e-6)
    else:
        assert np.isnan(row["tvpi"]) and np.isnan(row["dpi"]) and np.isnan(row["rvpi"])


@settings(max_examples=40, deadline=None)
@given(rows=fund_rows, nav=st.floats(1.0, 1e8, allow_nan=False, allow_infinity=False))
def test_flat_index_makes_pmes_collapse(rows: list[tuple[int, str, float]], nav: float) -> None:
    # With a constant index the public market earns 0%: KS-PME = TVPI, Direct Alpha = IRR.
    frame = _frame(rows, nav)
    flat = pd.Series([100.0], index=pd.DatetimeIndex([START]))
    row = performance_table(frame, flat).iloc[0]
    if row["pic"] > 0:
        assert row["ks_pme"] == pytest.approx(row["tvpi"], rel=1e-12)
    if np.isfinite(row["irr"]):
        assert row["direct_alpha"] == pytest.approx(row["irr"], rel=1e-9, abs=1e-9)


def _random_funds(rng: np.random.Generator, n: int) -> tuple[pd.DataFrame, pd.Series]:
    rows = []
    for i in range(n):
        k = int(rng.integers(2, 30))
        days = np.sort(rng.choice(3650, size=k, replace=False))
        for j, d in enumerate(days):
            kind = "call" if j == 0 or rng.random() < 0.4 else "distribution"
            rows.append(
                (f"F{i:03d}", START + dt.timedelta(days=int(d)), kind, rng.lognormal(14, 1))
            )
        rows.append(
            (
                f"F{i:03d}",
                START + dt.timedelta(days=int(days[-1]) + 30),
                "nav",
                rng.lognormal(14, 1),
            )
        )
    frame = pd.DataFrame(rows, columns=["fund_id", "date", "kind", "amount"])
    daily = pd.date_range(START, periods=4000, freq="D")
    level = pd.Series(100 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(daily)))), daily)
    return frame, level


def test_rates_equal_pyxirr_on_random_funds() -> None:
    rng = np.random.default_rng(7)
    frame, level = _random_funds(rng, 150)
    table = performance_table(frame, level).set_index("fund_id")
    flows = fund_flows(frame)
    pme = pme_flows(flows, levels_on(level, flows.day))
    irr = flows.net
    irr[flows.last_row] += flows.end_nav
    sets = {
        "irr": irr,
        "ln_pme": pme.ln_amounts,
        "pme_plus": pme.pme_plus_amounts,
        "direct_alpha": pme.direct_alpha_amounts,
    }
    checked = 0
    for name, amounts in sets.items():
        for f, fid in enumerate(flows.fund_ids):
            lo, hi = flows.offsets[f], flows.offsets[f + 1]
            ref = pyxirr.xirr(flows.dates()[lo:hi], amounts[lo:hi], silent=True)
            ours = table.at[fid, name]
            if name == "pme_plus" and np.isnan(table.at[fid, "pme_plus_lambda"]):
                assert np.isnan(ours)  # no distribution: PME+ has no scale
                continue
            if ref is None or not np.isfinite(ref):
                assert np.isnan(ours), (name, fid)
                continue
            assert ours == pytest.approx(ref, abs=1e-8 * max(1.0, abs(ref))), (name, fid)
            checked += 1
    assert checked > 500


def test_xirr_many_hands_hard_sets_to_pyxirr() -> None:
    # Two rows: pyxirr solves them in closed form; xirr_many passes them on.
    dates = np.array(["2020-01-01", "2021-01-01"], dtype="datetime64[D]")
    rates, handed = xirr_many(
        np.array([-1.0, 2.0]), np.array([0.0, 366 / 365]), np.array([0, 0]), 1, dates
    )
    assert handed == 1
    assert rates[0] == pytest.approx(pyxirr.xirr(dates, [-1.0, 2.0]), abs=1e-12)
    # No positive flow: no rate.
    rates, _ = xirr_many(
        np.array([-1.0, -2.0, 0.0]),
        np.array([0.0, 1.0, 2.0]),
        np.zeros(3, np.int64),
        1,
        np.array(["2020-01-01", "2021-01-01", "2022-01-01"], dtype="datetime64[D]"),
    )
    assert np.isnan(rates[0])


# -- edge cases ---------------------------------------------------------------------------------
def test_edge_cases_zero_and_single_flows() -> None:
    frame = pd.DataFrame(
        [
            ("NAVONLY", "2020-03-31", "nav", 5.0),  # no flows at all
            ("ONECALL", "2020-01-15", "call", 10.0),  # one call, nothing back, no NAV
            ("SAMEDAY", "2020-01-15", "call", 10.0),  # called and valued the same day
            ("SAMEDAY", "2020-01-15", "nav", 10.0),
            ("NODIST", "2020-01-15", "call", 10.0),  # no distribution: PME+ undefined
            ("NODIST", "2021-01-14", "nav", 12.0),
        ],
        columns=["fund_id", "date", "kind", "amount"],
    )
    level = pd.Series([100.0, 110.0], index=pd.to_datetime(["2019-12-31", "2020-12-31"]))
    t = performance_table(frame, level).set_index("fund_id")
    assert list(t.reset_index().columns) == list(MEASURE_COLUMNS)
    assert t.loc["NAVONLY", ["irr", "tvpi", "dpi", "rvpi", "ks_pme", "ln_pme"]].isna().all()
    assert t.loc["ONECALL", "tvpi"] == 0.0 and t.loc["ONECALL", "ks_pme"] == 0.0
    assert np.isnan(t.loc["ONECALL", "irr"])
    # pyxirr answers 0.0 for flows on a single date; no time passed, so the table says NaN.
    assert pyxirr.xirr(["2020-01-15", "2020-01-15"], [-10.0, 10.0]) == 0.0
    assert t.loc["SAMEDAY", "tvpi"] == 1.0 and np.isnan(t.loc["SAMEDAY", "irr"])
    assert t.loc["NODIST", "irr"] == pytest.approx(0.2)
    assert np.isnan(t.loc["NODIST", "pme_plus"]) and np.isnan(t.loc["NODIST", "pme_plus_lambda"])
    assert t.loc["NODIST", "ks_pme"] == pytest.approx(1.2 / 1.1)


def test_core_refuses_malformed_tables() -> None:
    base = pd.DataFrame(
        [("A", "2020-01-01", "call", 1.0), ("A", "2020-06-30", "nav", 1.0)],
        columns=["fund_id", "date", "kind", "amount"],
    )
    late = pd.concat([base, pd.DataFrame([("A", "2020-07-01", "call", 1.0)], columns=base.columns)])
    with pytest.raises(ValueError, match="after their last nav row"):
        performance_table(late)
    twice = pd.concat([base, pd.DataFrame([("A", "2020-06-30", "nav", 2.0)], columns=base.columns)])
    with pytest.raises(ValueError, match="two nav rows"):
        performance_table(twice)
    with pytest.raises(ValueError, match="index starts after"):
        performance_table(base, pd.Series([1.0], index=pd.to_datetime(["2020-02-01"])))
    with pytest.raises(ValueError, match="unknown kind"):
        performance_table(base.assign(kind=["fee", "nav"]))


def test_pooled_cashflows_lets_early_funds_leave_at_nav() -> None:
    frame = pd.DataFrame(
        [
            ("A", "2020-01-01", "call", 100.0),
            ("A", "2021-01-01", "nav", 110.0),
            ("B", "2020-06-01", "call", 50.0),
            ("B", "2022-01-01", "nav", 60.0),
        ],
        columns=["fund_id", "date", "kind", "amount"],
    )
    pooled = pooled_cashflows(frame)
    assert pooled[["kind", "amount"]].values.tolist() == [
        ["call", 100.0],
        ["call", 50.0],
        ["distribution", 110.0],
        ["nav", 60.0],
    ]
    row = performance_table(pooled).iloc[0]
    assert row["tvpi"] == pytest.approx(170 / 150)


# -- time-weighted return -----------------------------------------------------------------------
def test_twr_exact_when_flows_fall_on_valuation_dates() -> None:
    d = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"])
    values = pd.Series([100.0, 160.0, 176.0], index=d)
    flows = pd.Series([50.0], index=d[1:2])  # 110 grown, then 50 in at the end of day 2
    r = time_weighted_return(values, flows)
    assert r.method == "exact"
    assert r.periods["return"].tolist() == pytest.approx([0.10, 0.10])
    assert r.cumulative == pytest.approx(0.21)
    assert r.annualised == pytest.approx(1.21 ** (365 / 2) - 1)


def test_twr_modified_dietz_between_valuations() -> None:
    values = pd.Series([100.0, 130.0], index=pd.to_datetime(["2020-01-01", "2020-01-11"]))
    flows = pd.Series([20.0], index=pd.to_datetime(["2020-01-06"]))  # weight 5/10
    r = time_weighted_return(values, flows)
    assert r.method == "modified_dietz"
    assert r.cumulative == pytest.approx((130 - 100 - 20) / (100 + 10))
    with pytest.raises(ValueError, match="after the last valuation"):
        time_weighted_return(values, pd.Series([1.0], index=pd.to_datetime(["2020-02-01"])))


def test_sleeve_series_rolls_navs_forward_and_lets_funds_leave() -> None:
    frame = pd.DataFrame(
        [
            ("A", "2020-01-01", "call", 100.0),
            ("A", "2020-03-31", "nav", 110.0),
            ("A", "2020-05-15", "distribution", 10.0),
            ("A", "2020-06-30", "nav", 105.0),
            ("B", "2020-02-01", "call", 50.0),
            ("B", "2020-06-30", "nav", 55.0),
            ("B", "2020-09-30", "nav", 60.0),
        ],
        columns=["fund_id", "date", "kind", "amount"],
    )
    values, flows = sleeve_series(frame)
    # 2020-03-31: A at 110, B not yet reporting, at its call of 50. 2020-06-30: A leaves at 105
    # (a flow out), so the sleeve holds B's 55. 2020-09-30: B's 60.
    assert values.tolist() == pytest.approx([100.0, 160.0, 55.0, 60.0])
    assert flows.loc["2020-06-30"] == pytest.approx(-105.0)
    assert flows.loc["2020-05-15"] == pytest.approx(-10.0)
    r = time_weighted_return(values, flows)
    assert r.periods["return"].iloc[-1] == pytest.approx(60 / 55 - 1)


# -- files and the command line -----------------------------------------------------------------
CASHFLOWS = (
    "fund_id,date,kind,amount\n"
    "A,2008-01-02,call,100\n"
    "A,2008-01-03,distribution,20\n"
    "A,2008-01-04,nav,90\n"
    "B,2008-01-02,call,50\n"
    "B,2008-01-04,nav,55\n"
)


@pytest.fixture
def files(write: Callable[[str, str | bytes], Path]) -> tuple[Path, Path]:
    return (
        write("cf.csv", CASHFLOWS),
        write("idx.csv", "date,level\n2008-01-02,100\n2008-01-03,101.5\n2008-01-04,99.25\n"),
    )


def _problem(exc: pytest.ExceptionInfo[InputError]) -> tuple[str, int | None, str | None]:
    p = exc.value.problems[0]
    return p.file, p.row, p.column


@pytest.mark.parametrize(
    ("text", "row", "column", "message"),
    [
        ("A,2008-01-02,cal,100\n", 1, "kind", "did you mean 'call'"),
        ("A,2008-01-02,call,-5\n", 1, "amount", ">= 0"),
        ("A,2008-02-30,call,5\n", 1, "date", "not a valid calendar date"),
        ("A,2008-01-02,call,5\nA,2008-01-02,call,6\n", 2, "kind", "duplicate key"),
        ("A,2008-01-04,nav,5\nA,2008-01-05,call,6\n", 2, "date", "after its last nav row"),
    ],
)
def test_bad_cashflow_files_name_file_row_and_column(
    write: Callable[[str, str | bytes], Path], text: str, row: int, column: str, message: str
) -> None:
    path = write("bad.csv", "fund_id,date,kind,amount\n" + text)
    with pytest.raises(InputError) as exc:
        read_cashflows(path)
    assert _problem(exc) == (str(path), row, column)
    assert message in str(exc.value)
    assert exc.value.problems[0].line == row + 1


def test_bad_index_files_and_coverage(
    write: Callable[[str, str | bytes], Path], files: tuple[Path, Path]
) -> None:
    bad = write("bad-idx.csv", "date,level\n2008-01-02,0\n")
    with pytest.raises(InputError) as exc:
        read_index(bad)
    assert _problem(exc) == (str(bad), 1, "level")
    missing = write("no-col.csv", "date,value\n2008-01-02,1\n")
    with pytest.raises(InputError, match="required column is missing"):
        read_index(missing)
    cf = read_cashflows(files[0])
    late = pd.Series([100.0], index=pd.to_datetime(["2008-01-03"]))
    with pytest.raises(InputError) as exc:
        check_index_covers(cf, late, "late.csv")
    assert _problem(exc) == (str(files[0]), 1, "date")
    assert "before the first level of index late.csv" in str(exc.value)
    stale = pd.Series([100.0], index=pd.to_datetime(["2007-06-01"]))
    with pytest.raises(InputError, match="days after the last level"):
        check_index_covers(cf, stale, "stale.csv")


def test_perf_json_keys(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    cf, idx = files
    assert run(["perf", "--cashflows", str(cf), "--index", str(idx), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    keys = ["fund_id", "irr", "tvpi", "dpi", "rvpi", "ks_pme", "ln_pme", "pme_plus", "direct_alpha"]
    keys += ["start", "end", "pic", "distributed", "nav"]  # what the table shows, too
    # the funds, then the pooled row with the sleeve's time-weighted return (the table's last)
    assert [list(o) for o in out] == [keys, keys, [*keys, "time_weighted_return"]]
    assert out[2]["fund_id"] == "pooled"
    assert out[2]["pic"] == pytest.approx(out[0]["pic"] + out[1]["pic"])
    twr = out[2]["time_weighted_return"]
    assert list(twr) == [
        "start",
        "end",
        "annualised",
        "cumulative",
        "method",
        "periods",
        "unavailable",
    ]
    a = out[0]
    assert a["fund_id"] == "A" and a["tvpi"] == pytest.approx(1.1) and a["dpi"] == 0.2
    # pme_plus is null (JSON has no NaN) for B, which has no distribution.
    assert out[1]["pme_plus"] is None


def test_perf_table_and_ledger_index(
    files: tuple[Path, Path], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, _ = files
    assert run(["perf", "--cashflows", str(cf), "--index-series", "IDX", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert "KS-PME" in text and "pooled" in text and "IDX (ledger, as known on 2008-01-04)" in text
    assert "Sleeve time-weighted return" in text


def test_perf_bad_input_exits_2(
    files: tuple[Path, Path], db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf, idx = files
    assert run(["perf", "--index", str(idx)]) == 2
    assert "exactly one of --cashflows FILE and --from-ledger" in capsys.readouterr().err
    args = ["perf", "--cashflows", str(cf), "--index-series", "IDY", "--db", str(db)]
    assert run(args) == 2
    assert "did you mean 'IDX'" in capsys.readouterr().err
    assert run(["perf", "--cashflows", str(cf), "--index", str(idx), "--index-series", "X"]) == 2


def test_perf_from_ledger_defaults_to_the_last_strike(
    db: Path, write: Callable[[str, str | bytes], Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16 item 8: ``--from-ledger`` reads the book as known on the vehicle's last strike.

    The conftest ledger has marks known on 2008-05-20 (H1, Q1), 2008-08-14 (H2) and 2008-08-25
    (H1, Q2). Struck to 2008-06-30, the book as known then has H1's Q1 mark only; the ledger's
    latest ``known_on`` (2008-08-25) would add two marks the vehicle had not seen.
    """
    from altsleeve.ledger import Ledger, ingest_file

    flows = "holding_id,date,kind,amount\nH1,2008-01-15,call,900000\nH2,2008-02-01,call,8e6\n"
    with Ledger(db) as led:
        ingest_file(led, "cashflows", write("flows.csv", flows))
    base = ["perf", "--from-ledger", "--db", str(db), "--json"]
    # never struck: refused, asking for --as-of
    capsys.readouterr()
    assert run(base) == 2
    err = capsys.readouterr().err
    assert "--as-of" in err and "never struck" in err
    vid = "TDF"  # the conftest ledger's only registered vehicle
    strike = pd.DataFrame(
        [
            {
                "vehicle": vid,
                "date": dt.date(2008, 6, 30),
                "nav_per_unit": 10.0,
                "net_assets": 1e9,
                "units_outstanding": 1e8,
                "components": "{}",
                "state": "",
                "inputs": "{}",
                "reason": "",
                "known_on": dt.date(2008, 6, 30),
            }
        ]
    )
    with Ledger(db) as led:
        led.append("strikes", strike, action="strike", source="test")
    assert run(base) == 0
    default = json.loads(capsys.readouterr().out)
    # H2 has no mark known on 2008-06-30; the pooled row comes last
    assert [r["fund_id"] for r in default] == ["H1", "pooled"]
    assert default[0]["tvpi"] == pytest.approx(1e6 / 0.9e6)  # H1's Q1 mark over its call
    assert run([*base, "--as-of", "2008-06-30"]) == 0
    assert json.loads(capsys.readouterr().out) == default
    assert run([*base, "--as-of", "2008-08-25"]) == 0
    later = json.loads(capsys.readouterr().out)
    assert [r["fund_id"] for r in later] == ["H1", "H2", "pooled"]
    assert run(base[:-1]) == 0
    assert "book as known on 2008-06-30" in capsys.readouterr().out
