"""The ``stale`` and ``proxy`` estimators on a tiny hand-made book, with values worked out by hand.

Book (one buyout holding ``H``, proxy ``IDX``):

    IDX level   100 up to 2020-01-31, 120 in February, 150 in March, 200 from April
                (the proxy doubles between the mark's as-of date and April).
    call        1000 on 2019-12-02 (before the mark), 300 on 2020-02-03 (after it)
    fee         50 on 2020-02-10 (paid outside NAV: ignored)
    distribution 100 on 2020-03-02
    mark        as of 2019-12-31, NAV 1100, known on 2020-02-14 (version 1)
    restatement as of 2019-12-31, NAV 1200, known on 2020-03-16 (version 2)
    mark        as of 2020-03-31, NAV 1500, known on 2020-05-15
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from altsleeve.valuation import (
    CLASS_PRIORS,
    ESTIMATE_COLUMNS,
    NowcastValuer,
    ProxyValuer,
    StaleValuer,
    ValuationInputs,
    make_inputs,
)

DAYS = pd.bdate_range("2019-12-02", "2020-06-30")


def level(day: pd.Timestamp) -> float:
    if day < pd.Timestamp("2020-02-01"):
        return 100.0
    if day < pd.Timestamp("2020-03-01"):
        return 120.0
    if day < pd.Timestamp("2020-04-01"):
        return 150.0
    return 200.0


PROXY = pd.Series([level(d) for d in DAYS], index=DAYS)

HOLDINGS = pd.DataFrame(
    {"holding_id": ["H"], "asset_class": ["buyout"], "proxy": ["IDX"], "commitment": [5000.0]}
)
CASHFLOWS = pd.DataFrame(
    {
        "holding_id": ["H", "H", "H", "H"],
        "date": ["2019-12-02", "2020-02-03", "2020-02-10", "2020-03-02"],
        "kind": ["call", "call", "fee", "distribution"],
        "amount": [1000.0, 300.0, 50.0, 100.0],
    }
)
STATEMENTS = pd.DataFrame(
    {
        "holding_id": ["H", "H", "H"],
        "as_of": ["2019-12-31", "2019-12-31", "2020-03-31"],
        "known_on": ["2020-02-14", "2020-03-16", "2020-05-15"],
        "nav": [1100.0, 1200.0, 1500.0],
        "version": [1, 2, 1],
    }
)


def book(
    statements: pd.DataFrame = STATEMENTS,
    cashflows: pd.DataFrame = CASHFLOWS,
    holdings: pd.DataFrame = HOLDINGS,
) -> ValuationInputs:
    return make_inputs(holdings, statements, cashflows, {"IDX": PROXY})


def row(frame: pd.DataFrame, day: str, holding: str = "H") -> pd.Series:
    sel = frame[(frame["date"] == pd.Timestamp(day)) & (frame["holding_id"] == holding)]
    assert len(sel) == 1, (day, holding, len(sel))
    return sel.iloc[0]


def check_parts(frame: pd.DataFrame) -> None:
    """value == last_mark + desmoothing_adj + cashflow_adj + market_adj, interval around value."""
    mark = frame["last_mark"].fillna(0.0)
    total = mark + frame["desmoothing_adj"] + frame["cashflow_adj"] + frame["market_adj"]
    np.testing.assert_allclose(total, frame["value"], rtol=1e-6, atol=1e-6)
    assert (frame["lower"] <= frame["value"]).all()
    assert (frame["value"] <= frame["upper"]).all()
    assert (frame["value"] >= 0).all()


# -- stale ---------------------------------------------------------------------------------------

STALE_BY_HAND = {
    # before the mark is known: cost = calls - distributions (the fee is ignored)
    "2019-12-02": (1000.0, None, 0),
    "2020-01-31": (1000.0, None, 0),
    "2020-02-03": (1300.0, None, 0),
    "2020-02-13": (1300.0, None, 0),
    # mark 1100 as of 2019-12-31 + the 300 call after it
    "2020-02-14": (1400.0, 1100.0, 1),
    "2020-02-28": (1400.0, 1100.0, 1),
    "2020-03-02": (1300.0, 1100.0, 1),
    "2020-03-13": (1300.0, 1100.0, 1),
    # restated to 1200 from its known-on date
    "2020-03-16": (1400.0, 1200.0, 2),
    "2020-05-14": (1400.0, 1200.0, 2),
    # mark 1500 as of 2020-03-31: the earlier flows are inside it
    "2020-05-15": (1500.0, 1500.0, 1),
    "2020-06-30": (1500.0, 1500.0, 1),
}


def test_stale_values_by_hand() -> None:
    est = StaleValuer().fit(book()).estimate()
    assert list(est.columns) == list(ESTIMATE_COLUMNS)
    assert len(est) == len(DAYS)
    assert (est["method"] == "stale").all()
    for day, (value, mark, version) in STALE_BY_HAND.items():
        r = row(est, day)
        assert r["value"] == pytest.approx(value, rel=1e-12), day
        if mark is None:
            assert math.isnan(r["last_mark"]), day
            assert pd.isna(r["last_mark_as_of"]), day
        else:
            assert r["last_mark"] == mark, day
            assert r["last_mark_as_of"] == pd.Timestamp(
                "2020-03-31" if mark == 1500 else "2019-12-31"
            )
        assert r["last_mark_version"] == version, day
        assert r["market_adj"] == 0.0
        assert r["desmoothing_adj"] == 0.0
    check_parts(est)


def test_fees_are_ignored() -> None:
    no_fee = CASHFLOWS[CASHFLOWS["kind"] != "fee"]
    for valuer in (StaleValuer(), ProxyValuer(beta=0.5), NowcastValuer()):
        with_fee = valuer.fit(book()).estimate()
        without = valuer.fit(book(cashflows=no_fee)).estimate()
        pd.testing.assert_frame_equal(with_fee, without)


def test_stale_cashflow_adj_counts_flows_after_the_mark_only() -> None:
    est = StaleValuer().fit(book()).estimate()
    assert row(est, "2020-02-13")["cashflow_adj"] == 1300.0  # cost, no mark yet
    assert row(est, "2020-02-14")["cashflow_adj"] == 300.0
    assert row(est, "2020-03-02")["cashflow_adj"] == 200.0
    assert row(est, "2020-05-15")["cashflow_adj"] == 0.0


def test_stale_interval_by_hand() -> None:
    est = StaleValuer().fit(book()).estimate()
    z = norm.ppf(0.95)
    vol = CLASS_PRIORS["buyout"].total_vol
    r = row(est, "2020-03-02")  # 62 days after the as-of date 2019-12-31
    sd = vol * math.sqrt(62 / 365)
    assert r["lower"] == pytest.approx(1300.0 * math.exp(-z * sd), rel=1e-9)
    assert r["upper"] == pytest.approx(1300.0 * math.exp(z * sd), rel=1e-9)
    r = row(est, "2020-05-15")  # 45 days after 2020-03-31
    sd = vol * math.sqrt(45 / 365)
    assert r["upper"] == pytest.approx(1500.0 * math.exp(z * sd), rel=1e-9)
    wide = StaleValuer(coverage=0.99).fit(book()).estimate("2020-05-15", "2020-05-15")
    assert wide["upper"].iloc[0] > r["upper"]


def test_new_statement_and_true_up() -> None:
    for valuer in (StaleValuer(), ProxyValuer(beta=0.5)):
        est = valuer.fit(book()).estimate()
        flagged = est.loc[est["new_statement"], "date"].dt.strftime("%Y-%m-%d").tolist()
        assert flagged == ["2020-02-14", "2020-03-16", "2020-05-15"]
        assert (est.loc[~est["new_statement"], "true_up"] == 0.0).all()
    stale = StaleValuer().fit(book()).estimate()
    assert row(stale, "2020-02-14")["true_up"] == pytest.approx(1400.0 - 1300.0)
    assert row(stale, "2020-03-16")["true_up"] == pytest.approx(1400.0 - 1300.0)
    assert row(stale, "2020-05-15")["true_up"] == pytest.approx(1500.0 - 1400.0)


def test_statement_is_used_from_its_known_on_day_only() -> None:
    for valuer in (StaleValuer(), ProxyValuer(beta=0.5)):
        est = valuer.fit(book()).estimate()
        before, on = row(est, "2020-02-13"), row(est, "2020-02-14")
        assert math.isnan(before["last_mark"]) and not before["new_statement"]
        assert on["last_mark"] == 1100.0 and on["new_statement"]
        # true-up = value on D minus the value on D computed with the old knowledge
        old = valuer.fit(book(STATEMENTS.iloc[0:0])).estimate("2020-02-14", "2020-02-14")
        assert on["true_up"] == pytest.approx(on["value"] - old["value"].iloc[0], rel=1e-12)
        # the restatement: D-1 keeps version 1, D uses version 2
        assert row(est, "2020-03-13")["last_mark_version"] == 1
        assert row(est, "2020-03-13")["last_mark"] == 1100.0
        r = row(est, "2020-03-16")
        assert (r["last_mark_version"], r["last_mark"]) == (2, 1200.0)
        old = valuer.fit(book(STATEMENTS.iloc[[0]])).estimate("2020-03-16", "2020-03-16")
        assert r["true_up"] == pytest.approx(r["value"] - old["value"].iloc[0], rel=1e-12)


def test_restatement_changes_values_only_from_its_known_on() -> None:
    for valuer in (StaleValuer(), ProxyValuer(beta=0.5)):
        with_v2 = valuer.fit(book()).estimate()
        without = valuer.fit(book(STATEMENTS.drop(index=1))).estimate()
        cut = pd.Timestamp("2020-03-16")
        early = with_v2["date"] < cut
        cols = ["value", "lower", "upper", "last_mark", "last_mark_version", "market_adj"]
        pd.testing.assert_frame_equal(with_v2.loc[early, cols], without.loc[early, cols])
        window = (with_v2["date"] >= cut) & (with_v2["date"] < pd.Timestamp("2020-05-15"))
        assert (with_v2.loc[window, "value"] > without.loc[window, "value"]).all()
        assert (with_v2.loc[window, "last_mark_version"] == 2).all()


def test_statement_known_on_a_weekend_counts_from_the_next_business_day() -> None:
    st = STATEMENTS.copy()
    st.loc[0, "known_on"] = "2020-02-15"  # a Saturday
    est = StaleValuer().fit(book(st)).estimate()
    assert math.isnan(row(est, "2020-02-14")["last_mark"])
    r = row(est, "2020-02-17")
    assert r["last_mark"] == 1100.0 and r["new_statement"]


def test_late_known_cashflow_counts_from_its_known_on() -> None:
    cf = CASHFLOWS.copy()
    cf["known_on"] = cf["date"]
    cf.loc[3, "known_on"] = "2020-03-09"  # the distribution of 2020-03-02 learnt a week later
    stale = StaleValuer().fit(book(cashflows=cf)).estimate()
    assert row(stale, "2020-03-06")["value"] == 1400.0
    assert row(stale, "2020-03-09")["value"] == 1300.0
    proxy = ProxyValuer(beta=0.5).fit(book(cashflows=cf)).estimate()
    # once known, the distribution is rolled from its own date (proxy 150)
    want = 1100.0 * math.sqrt(150 / 100) + 300.0 * math.sqrt(150 / 120) - 100.0
    assert row(proxy, "2020-03-09")["value"] == pytest.approx(want, rel=1e-12)


# -- proxy ---------------------------------------------------------------------------------------


def proxy_by_hand(day: str, beta: float) -> float:
    b = level(pd.Timestamp(day))
    d = pd.Timestamp(day)
    if d < pd.Timestamp("2020-02-14"):  # no mark: flows rolled from their own dates
        v = 1000.0 * (b / 100) ** beta
        if d >= pd.Timestamp("2020-02-03"):
            v += 300.0 * (b / 120) ** beta
        return v
    if d >= pd.Timestamp("2020-05-15"):
        return 1500.0 * (b / 150) ** beta
    mark = 1100.0 if d < pd.Timestamp("2020-03-16") else 1200.0
    v = mark * (b / 100) ** beta + 300.0 * (b / 120) ** beta
    if d >= pd.Timestamp("2020-03-02"):
        v -= 100.0 * (b / 150) ** beta
    return max(v, 0.0)


@pytest.mark.parametrize("beta", [0.5, 1.0, 1.4])
def test_proxy_values_by_hand(beta: float) -> None:
    est = ProxyValuer(beta=beta).fit(book()).estimate()
    assert (est["method"] == "proxy").all()
    for day in [*STALE_BY_HAND, "2020-04-01", "2020-04-30", "2020-03-31"]:
        r = row(est, day)
        assert r["value"] == pytest.approx(proxy_by_hand(day, beta), rel=1e-12), day
    # e.g. 2020-04-15, beta 0.5: 1200 sqrt(2) + 300 sqrt(200/120) - 100 sqrt(200/150)
    if beta == 0.5:
        want = 1200 * math.sqrt(2) + 300 * math.sqrt(200 / 120) - 100 * math.sqrt(200 / 150)
        assert row(est, "2020-04-15")["value"] == pytest.approx(want, rel=1e-12)
        r = row(est, "2020-04-15")
        assert r["cashflow_adj"] == 200.0
        assert r["market_adj"] == pytest.approx(want - 1200 - 200, rel=1e-12)
    check_parts(est)


def test_proxy_beta_zero_is_stale() -> None:
    stale = StaleValuer().fit(book()).estimate()
    proxy = ProxyValuer(beta=0.0).fit(book()).estimate()
    np.testing.assert_allclose(proxy["value"], stale["value"], rtol=1e-12)


def test_value_floored_at_zero() -> None:
    cf = pd.concat(
        [
            CASHFLOWS,
            pd.DataFrame(
                {
                    "holding_id": ["H"],
                    "date": ["2020-03-20"],
                    "kind": ["distribution"],
                    "amount": [5000.0],
                }
            ),
        ],
        ignore_index=True,
    )
    for valuer, restart in (
        (StaleValuer(), 1500.0),
        (ProxyValuer(beta=0.5), proxy_by_hand("2020-05-15", 0.5)),
    ):
        est = valuer.fit(book(cashflows=cf)).estimate()
        for day in ("2020-03-20", "2020-04-15", "2020-05-14"):
            r = row(est, day)
            assert r["value"] == 0.0, day
            assert r["lower"] == 0.0 and r["upper"] == 0.0
        assert row(est, "2020-03-19")["value"] > 0
        # the next mark (as of 2020-03-31, after the distribution) restarts from it
        assert row(est, "2020-05-15")["value"] == pytest.approx(restart, rel=1e-12)
        check_parts(est)


def two_holdings() -> ValuationInputs:
    h = pd.DataFrame(
        {
            "holding_id": ["B", "V", "V2"],
            "asset_class": ["buyout", "venture", "venture"],
            "proxy": ["IDX", "IDX", "IDX"],
        }
    )
    st = pd.DataFrame(
        {
            "holding_id": ["B", "V", "V2"],
            "as_of": ["2019-12-31"] * 3,
            "known_on": ["2020-01-15"] * 3,
            "nav": [1000.0] * 3,
        }
    )
    cf = pd.DataFrame(columns=["holding_id", "date", "kind", "amount"])
    return make_inputs(h, st, cf, {"IDX": PROXY})


def test_proxy_beta_mapping_by_class_and_holding() -> None:
    est = (
        ProxyValuer(beta={"buyout": 0.7, "V2": 2.0}, default_beta=1.3)
        .fit(two_holdings())
        .estimate("2020-04-15", "2020-04-15")
    )
    by_id = est.set_index("holding_id")["value"]
    assert by_id["B"] == pytest.approx(1000 * 2.0**0.7, rel=1e-12)
    assert by_id["V"] == pytest.approx(1000 * 2.0**1.3, rel=1e-12)  # no entry: default_beta
    assert by_id["V2"] == pytest.approx(1000 * 2.0**2.0, rel=1e-12)  # holding id wins


# -- proxy with an estimated beta ------------------------------------------------------------------

EST_DAYS = pd.bdate_range("2016-01-01", "2019-12-31")


def estimated_beta_book(beta: float, n_marks: int) -> tuple[ValuationInputs, pd.Series]:
    """Quarter-end marks whose log returns are exactly ``beta`` times the proxy's, no flows."""
    rng = np.random.default_rng(3)
    levels = pd.Series(
        100 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(EST_DAYS)))), index=EST_DAYS
    )
    qe = pd.date_range("2016-03-31", periods=n_marks, freq="QE")
    b = np.array([levels[levels.index <= d].iloc[-1] for d in qe])
    nav = 1000.0 * (b / b[0]) ** beta
    st = pd.DataFrame(
        {
            "holding_id": "H",
            "as_of": qe,
            "known_on": qe + pd.Timedelta(days=40),
            "nav": nav,
        }
    )
    cf = pd.DataFrame(
        {"holding_id": ["H"], "date": ["2016-01-04"], "kind": ["call"], "amount": [1000.0]}
    )
    return make_inputs(HOLDINGS, st, cf, {"IDX": levels}), levels


def test_proxy_estimated_beta_recovers_an_exact_loading() -> None:
    inputs, levels = estimated_beta_book(1.3, 14)
    est = ProxyValuer(beta="estimate", default_beta=0.9, min_obs=8).fit(inputs).estimate()
    last_as_of = pd.Timestamp("2019-06-30")
    day = pd.Timestamp("2019-11-29")
    r = row(est, day.strftime("%Y-%m-%d"))
    assert r["last_mark_as_of"] == last_as_of
    b_ratio = levels[day] / levels[levels.index <= last_as_of].iloc[-1]
    assert r["value"] == pytest.approx(r["last_mark"] * b_ratio**1.3, rel=1e-9)


def test_proxy_estimated_beta_falls_back_to_default_with_few_quarters() -> None:
    # 9 marks give 8 returns, of which 7 have a previous-quarter proxy return: < min_obs = 8
    inputs, levels = estimated_beta_book(1.3, 9)
    est = ProxyValuer(beta="estimate", default_beta=0.9, min_obs=8).fit(inputs).estimate()
    day = pd.Timestamp("2019-06-28")
    r = row(est, day.strftime("%Y-%m-%d"))
    assert r["last_mark_as_of"] == pd.Timestamp("2018-03-31")
    b_ratio = levels[day] / levels[levels.index <= r["last_mark_as_of"]].iloc[-1]
    assert r["value"] == pytest.approx(r["last_mark"] * b_ratio**0.9, rel=1e-9)
    # with a lower threshold the same data give the exact loading
    est = ProxyValuer(beta="estimate", default_beta=0.9, min_obs=7).fit(inputs).estimate()
    r = row(est, day.strftime("%Y-%m-%d"))
    assert r["value"] == pytest.approx(r["last_mark"] * b_ratio**1.3, rel=1e-9)


def test_parts_add_up_for_every_method() -> None:
    inputs = book()
    for valuer in (
        StaleValuer(),
        ProxyValuer(beta=0.5),
        ProxyValuer(beta="estimate"),
        NowcastValuer(refit="Q"),
    ):
        est = valuer.fit(inputs).estimate()
        assert len(est) == len(DAYS)
        check_parts(est)


# -- bugs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["stale", "proxy"])
def test_window_start_keeps_the_new_statement_and_true_up(method: str) -> None:
    valuer = (StaleValuer() if method == "stale" else ProxyValuer(beta=0.5)).fit(book())
    full = row(valuer.estimate(), "2020-02-14")
    assert full["new_statement"] and full["true_up"] != 0
    for got in (valuer.predict("2020-02-14"), valuer.estimate("2020-02-14", "2020-03-31")):
        first = row(got, "2020-02-14")
        assert first["new_statement"]
        assert first["true_up"] == full["true_up"]


def test_proxy_rejects_an_unknown_beta_string() -> None:
    with pytest.raises(ValueError, match="beta"):
        ProxyValuer(beta="estimated").fit(book()).estimate()
