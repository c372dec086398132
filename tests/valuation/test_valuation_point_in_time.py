"""The point-in-time property: an estimate for day t uses only what was known on t.

On a realistic sample book (six holdings, every asset class) each estimator's rows for days <= T
must be the same whether it is given everything or only ``inputs.truncated(T)``; a fabricated
statement that becomes known after T must change nothing on or before T; and ``predict(day)``
must be the row ``estimate`` gives for that day.

The nowcast refits its parameters on every refit day from the first mark on, so its runs are the
expensive ones: they compare against full inputs estimated through about a quarter past T (enough
for any quarter end, statement or refit after T to be in view) rather than through 2018.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable

import arch.data
import numpy as np
import pandas as pd
import pytest

from altsleeve.marketdata import arch_levels
from altsleeve.samplebook import generate_sample_book
from altsleeve.valuation import (
    ESTIMATE_COLUMNS,
    NowcastValuer,
    ProxyValuer,
    StaleValuer,
    ValuationInputs,
    Valuer,
    make_inputs,
)

KEEP = ["BO-01", "BO-02", "VC-01", "PC-01", "RE-01", "IN-01"]
CUTS = ["2003-06-30", "2008-10-15", "2012-01-03"]
PAST_T = pd.Timedelta(days=95)

#: Columns that must be bit-identical.
EXACT = list(ESTIMATE_COLUMNS)

CHEAP: dict[str, Callable[[], Valuer]] = {
    "stale": StaleValuer,
    "proxy": lambda: ProxyValuer(beta=1.0),
    "proxy_estimate": lambda: ProxyValuer(beta="estimate"),
}


def _read(name: str) -> pd.Series:
    path = pathlib.Path(arch.data.__file__).parent / name / f"{name}.csv.gz"
    frame = pd.read_csv(path, parse_dates=["Date"], date_format="%m/%d/%Y")
    return frame.set_index("Date")["Adj Close"]


@pytest.fixture(scope="module")
def inputs() -> ValuationInputs:
    market = arch_levels()
    book = generate_sample_book(market, seed=7)

    def keep(frame: pd.DataFrame) -> pd.DataFrame:
        return frame[frame["holding_id"].isin(KEEP)]

    out = make_inputs(keep(book.holdings), keep(book.statements), keep(book.cashflows), market)
    assert set(out.holdings["asset_class"]) == set(book.holdings["asset_class"])
    return out


@pytest.fixture(scope="module")
def full_cheap(inputs: ValuationInputs) -> dict[str, pd.DataFrame]:
    """Stale and proxy estimates over the whole calendar from the full inputs."""
    return {name: make().fit(inputs).estimate() for name, make in CHEAP.items()}


def upto(frame: pd.DataFrame, day: str | pd.Timestamp) -> pd.DataFrame:
    return frame[frame["date"] <= pd.Timestamp(day)].reset_index(drop=True)


def assert_same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    """Exact equality of every column, the true-up included."""
    assert len(got) == len(want) > 0
    pd.testing.assert_frame_equal(
        got[EXACT].reset_index(drop=True), want[EXACT].reset_index(drop=True), check_exact=True
    )


def fabricated(inputs: ValuationInputs, cut: str) -> ValuationInputs:
    """The inputs plus wild statements that become known the day after ``cut``."""
    t = pd.Timestamp(cut)
    known = t + pd.Timedelta(days=1)
    last_qe = (t - pd.offsets.QuarterEnd(1)).normalize()
    wild = pd.DataFrame(
        {
            "holding_id": ["BO-01", "VC-01", "RE-01", "PC-01"],
            "as_of": [last_qe, pd.Timestamp("2000-03-31"), pd.Timestamp("1998-12-31"), last_qe],
            "known_on": [known] * 4,
            "nav": [1e12, 1.0, 5e11, 0.0],
            "version": [7, 9, 1, 3],
        }
    )
    st = pd.concat([inputs.statements, wild.astype(inputs.statements.dtypes)], ignore_index=True)
    return ValuationInputs(inputs.holdings, st, inputs.cashflows, inputs.proxies)


# -- stale and proxy: whole calendar ------------------------------------------------------------


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("method", list(CHEAP))
def test_truncated_inputs_give_identical_estimates(
    inputs: ValuationInputs, full_cheap: dict[str, pd.DataFrame], method: str, cut: str
) -> None:
    truncated = CHEAP[method]().fit(inputs.truncated(cut)).estimate()
    assert truncated["date"].max() == pd.Timestamp(cut)
    assert set(truncated["holding_id"]) == set(KEEP)
    assert_same(truncated, upto(full_cheap[method], cut))


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("method", list(CHEAP))
def test_statement_known_after_cut_changes_nothing_before(
    inputs: ValuationInputs, full_cheap: dict[str, pd.DataFrame], method: str, cut: str
) -> None:
    wild = CHEAP[method]().fit(fabricated(inputs, cut)).estimate()
    assert_same(upto(wild, cut), upto(full_cheap[method], cut))
    # ...and it is used from its known-on date (sanity check that the fabrication bites)
    after = wild[wild["date"] > pd.Timestamp(cut)]
    first = after[(after["holding_id"] == "BO-01")].iloc[0]
    assert first["last_mark"] == 1e12 and first["new_statement"]


@pytest.mark.parametrize("method", list(CHEAP))
def test_predict_is_the_estimate_row(
    inputs: ValuationInputs, full_cheap: dict[str, pd.DataFrame], method: str
) -> None:
    full = full_cheap[method]
    stmt_day = (
        full.loc[full["new_statement"] & (full["date"] > "2004-01-01"), "date"].iloc[0].normalize()
    )
    valuer = CHEAP[method]().fit(inputs)
    for day in [pd.Timestamp("1999-01-04"), pd.Timestamp("2008-10-15"), stmt_day]:
        got = valuer.predict(day)
        want = full[full["date"] == day]
        assert len(got) == len(KEEP)
        cols = EXACT
        pd.testing.assert_frame_equal(
            got[cols].reset_index(drop=True), want[cols].reset_index(drop=True), check_exact=True
        )
    # a day that is not a business day of the proxy: no rows
    assert valuer.predict("2008-10-18").empty


# -- nowcast: refit yearly and quarterly --------------------------------------------------------
# One comparison per case covers both properties at once: the full inputs plus the fabricated
# statements (known after T), estimated through a quarter past T, against ``truncated(T)`` (which
# drops the fabrication with everything else known after T). The nowcast refits on every refit
# day from the first mark on, so the cut dates are chosen to keep the number of fits small.

NOWCAST = {
    # case -> (refit, cut); about 75 fits in all (a later cut such as 2008-10-15 needs 40 fits
    # per run with yearly refits and passes too, but triples the time)
    "A-2003": ("A", "2003-06-30"),
    "Q-2001": ("Q", "2001-03-30"),
}


@pytest.fixture(scope="module")
def nowcast_runs(inputs: ValuationInputs) -> dict[str, tuple[pd.DataFrame, pd.DataFrame]]:
    """Per case: (full inputs + fabrication, truncated inputs) estimates."""
    out = {}
    for case, (refit, cut) in NOWCAST.items():
        end = pd.Timestamp(cut) + PAST_T
        full = NowcastValuer(refit=refit).fit(fabricated(inputs, cut)).estimate(end=end)
        trunc = NowcastValuer(refit=refit).fit(inputs.truncated(cut)).estimate()
        out[case] = (full, trunc)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("case", list(NOWCAST))
def test_nowcast_point_in_time(
    nowcast_runs: dict[str, tuple[pd.DataFrame, pd.DataFrame]], case: str
) -> None:
    _, cut = NOWCAST[case]
    full, truncated = nowcast_runs[case]
    assert truncated["date"].max() == pd.Timestamp(cut)
    assert set(truncated["holding_id"]) == set(KEEP)
    # the nowcast did de-smooth something (otherwise this would only repeat the proxy test)
    assert (truncated["desmoothing_adj"].abs() > 0).any()
    assert_same(truncated, upto(full, cut))
    # the fabricated mark is used after T
    after = full[(full["date"] > pd.Timestamp(cut)) & (full["holding_id"] == "BO-01")]
    assert after.iloc[0]["last_mark"] == 1e12


@pytest.mark.slow
def test_nowcast_predict_is_the_estimate_row(
    inputs: ValuationInputs, nowcast_runs: dict[str, tuple[pd.DataFrame, pd.DataFrame]]
) -> None:
    cols = EXACT
    _, truncated = nowcast_runs["A-2003"]
    valuer = NowcastValuer(refit="A").fit(inputs)
    for day in ["2000-06-30", "2001-01-02"]:  # the second is a refit day
        got = valuer.predict(day)
        want = truncated[truncated["date"] == pd.Timestamp(day)]
        assert len(got) == len(KEEP)
        pd.testing.assert_frame_equal(
            got[cols].reset_index(drop=True), want[cols].reset_index(drop=True), check_exact=True
        )
    _, truncated = nowcast_runs["Q-2001"]
    valuer = NowcastValuer(refit="Q").fit(inputs)
    day = "2000-04-03"  # a quarterly refit day
    got = valuer.predict(day)
    want = truncated[truncated["date"] == pd.Timestamp(day)]
    pd.testing.assert_frame_equal(
        got[cols].reset_index(drop=True), want[cols].reset_index(drop=True), check_exact=True
    )


# -- hand-made cases: bugs -------------------------------------------------------------------------

SMALL_DAYS = pd.bdate_range("2015-01-01", "2018-12-31")


def small_proxy(seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    steps = rng.normal(0.0003, 0.01, len(SMALL_DAYS))
    return pd.Series(100 * np.exp(np.cumsum(steps)), index=SMALL_DAYS)


def small_book(as_of: list[pd.Timestamp], holdings: tuple[str, ...] = ("H",)) -> ValuationInputs:
    """Buyout holdings with marks at ``as_of`` (known 17 days later) and one call each."""
    rng = np.random.default_rng(1)
    rows = []
    for hid in holdings:
        nav = 1000 * np.exp(np.cumsum(rng.normal(0.02, 0.05, len(as_of))))
        rows += [(hid, d, d + pd.Timedelta(days=17), v) for d, v in zip(as_of, nav, strict=True)]
    st = pd.DataFrame(rows, columns=["holding_id", "as_of", "known_on", "nav"])
    cf = pd.DataFrame(
        {"holding_id": list(holdings), "date": "2015-01-05", "kind": "call", "amount": 1000.0}
    )
    h = pd.DataFrame(
        {"holding_id": list(holdings), "asset_class": "buyout", "proxy": "IDX"}, index=holdings
    )
    return make_inputs(h, st, cf, {"IDX": small_proxy()})


def test_nowcast_mid_quarter_mark_does_not_look_ahead() -> None:
    as_of = [*pd.date_range("2015-03-31", "2017-03-31", freq="QE"), pd.Timestamp("2017-05-15")]
    inputs = small_book(as_of)
    cut = "2017-06-15"  # the mark as of 2017-05-15 is known; its quarter ends 2017-06-30
    valuer = NowcastValuer(refit="Q")
    truncated = valuer.fit(inputs.truncated(cut)).estimate("2017-06-01", cut)
    full = valuer.fit(inputs).estimate("2017-06-01", "2017-08-31")
    assert truncated["last_mark_as_of"].iloc[-1] == pd.Timestamp("2017-05-15")
    assert_same(truncated, upto(full, cut))


def test_true_up_bits_do_not_depend_on_unknown_flows() -> None:
    days = pd.bdate_range("2020-01-01", "2020-12-31")
    flat = pd.Series(100.0, index=days)
    dates = pd.bdate_range("2020-02-03", periods=24)
    cut = dates[12]
    st = pd.DataFrame(
        {
            "holding_id": "H",
            "as_of": ["2019-12-31", "2019-12-31"],
            "known_on": ["2020-01-02", cut],  # a restatement known on the cut day
            "nav": [1000.0, 1100.0],
            "version": [1, 2],
        }
    )
    h = pd.DataFrame({"holding_id": ["H"], "asset_class": ["buyout"], "proxy": ["IDX"]})
    ups = []
    for seed in (3, 9, 19):
        rng = np.random.default_rng(seed)
        amount = np.round(rng.uniform(1, 100, 24), 2)
        kind = np.where(rng.random(24) < 0.5, "call", "distribution")
        cf = pd.DataFrame({"holding_id": "H", "date": dates, "kind": kind, "amount": amount})
        inputs = make_inputs(h, st, cf, {"IDX": flat})
        full = StaleValuer().fit(inputs).estimate("2020-01-02", "2020-06-30")
        trunc = StaleValuer().fit(inputs.truncated(cut)).estimate("2020-01-02", cut)
        a = full.set_index("date").loc[cut]
        b = trunc.set_index("date").loc[cut]
        assert a["new_statement"] and a["value"] == b["value"]
        ups.append((a["true_up"], b["true_up"]))
    assert all(x == y for x, y in ups), ups


def test_nowcast_holdings_filter_does_not_change_values() -> None:
    as_of = list(pd.date_range("2015-03-31", "2017-12-31", freq="QE"))
    inputs = small_book(as_of, holdings=("B1", "B2"))
    valuer = NowcastValuer(refit="A").fit(inputs)
    both = valuer.estimate("2017-01-02", "2018-06-29")
    one = valuer.estimate("2017-01-02", "2018-06-29", holdings=["B1"])
    assert_same(one, both[both["holding_id"] == "B1"])
