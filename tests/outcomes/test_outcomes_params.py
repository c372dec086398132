"""Participant outcomes, inputs and outputs: the parameter file, point in time, goldens, JSON.

Proves that a bad parameter file is refused with the file and the dotted key named; that the
history and a whole run as of a date use only what was known then; the small closed forms the
summary rests on (contribution with the safe-harbor match, the level annuity, CRRA certainty
equivalents); and that the result's JSON is the same bytes for the same seed.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from altsleeve.errors import InputError
from altsleeve.marketdata import SeriesData, load_arch_market_data
from altsleeve.outcomes import (
    HISTORY_SERIES,
    OutcomeParams,
    annuity_payout,
    certainty_equivalent,
    contribution_share,
    default_params_path,
    monthly_history,
    run_outcomes,
)
from altsleeve.workflows.outcomes import (
    load_inputs,
    prepare_inputs,
    result_json,
    simulate,
)
from tests.outcomes.test_outcomes_model import keep_cohorts, params

DEFAULT_TEXT = default_params_path().read_text(encoding="utf-8")


# --------------------------------------------------------------------------------------------
# The parameter file: errors name the file and the dotted key
# --------------------------------------------------------------------------------------------


def write_params(tmp_path: Path, old: str, new: str, name: str = "outcomes.toml") -> Path:
    """The shipped defaults with ``old`` replaced by ``new`` (which must occur)."""
    assert old in DEFAULT_TEXT, old
    path = tmp_path / name
    path.write_text(DEFAULT_TEXT.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        ("age = 25\n", "age = 10\n", "key 'cohorts[0].age'", "greater than or equal to 15"),
        (
            "contribution_rate = 0.06",
            "contribution_rat = 0.06",
            "key 'savers.contribution_rat'",
            "Extra inputs",
        ),
        (
            "smoothing = 0.75",
            "smoothing = 1.0",
            "key 'private.funds.buyout.smoothing'",
            "less than 1",
        ),
        (
            "fee_multipliers = [0.5, 1.5]",
            "fee_multipliers = [0.5, -1.5]",
            "key 'simulation.fee_multipliers[1]'",
            "greater than or equal to 0",
        ),
        ('funding = "both"', 'funding = "gold"', "key 'private.funding'", "equity"),
        ("mean_block_months = 12", "mean_block_months = 0.5", "simulation.mean_block_months", ""),
        ("from_age = 35", "from_age = 60", "key 'savers'", "strictly increasing from_age"),
        ("salary = 45000", "salary = 0", "key 'cohorts[0].salary'", "greater than 0"),
        ('name = "age 35"', 'name = "age 25"', "key 'cohorts[1].name'", "is used twice"),
        ("age = 25\n", "age = 70\n", "key 'cohorts[0].age'", "70 (age 25) leaves less than"),
        ("age = 25\n", "age = 64.99\n", "key 'cohorts[0].age'", "less than one month"),
        ("retirement_age = 65", "retirement_age = 50", "key 'cohorts[3].age'", "retirement age 50"),
    ],
)
def test_a_bad_parameter_file_names_the_file_and_the_key(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    """Each fault in ``outcomes.toml`` is an :class:`InputError` whose message starts with the
    file's path and names the dotted key (or the cohort, for the cross-field rules)."""
    path = write_params(tmp_path, old, new)
    with pytest.raises(InputError) as info:
        OutcomeParams.from_toml(path)
    msg = str(info.value)
    assert msg.startswith(str(path)), msg
    assert key in msg and words in msg, msg


def test_a_missing_or_broken_file_is_named(tmp_path: Path) -> None:
    """No file, or a file that is not TOML: the error names it (through load_inputs too)."""
    missing = tmp_path / "nope.toml"
    with pytest.raises(InputError, match=r"nope\.toml: file not found"):
        load_inputs(params=missing)
    broken = tmp_path / "broken.toml"
    broken.write_text("[savers\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.toml: not valid TOML"):
        OutcomeParams.from_toml(broken)


def test_a_stack_fund_without_a_return_model_names_private_funds(tmp_path: Path) -> None:
    """The file is valid on its own but gives no return model for the stack's evergreen fund:
    preparing the run names the parameter file, ``private.funds`` and both lists of funds."""
    cut = DEFAULT_TEXT.index("[private.funds.real-estate-evergreen]")
    path = tmp_path / "one_fund.toml"
    path.write_text(DEFAULT_TEXT[:cut], encoding="utf-8")
    inputs = load_inputs(params=path)
    assert list(inputs.params.private.funds) == ["buyout"]
    with pytest.raises(InputError) as info:
        prepare_inputs(inputs, seed=0)
    msg = str(info.value)
    assert msg.startswith(str(path)) and "key 'private.funds'" in msg, msg
    assert "['buyout']" in msg and "['buyout', 'real-estate-evergreen']" in msg, msg


def test_fee_stack_paths_and_bad_dates(tmp_path: Path) -> None:
    """``private.fee_stack`` is read relative to the parameter file; an as-of date that is not
    a date, or one too early for 24 months of history, is an :class:`InputError`."""
    stack = (
        Path(load_inputs().files["fee_stack"]).read_text(encoding="utf-8").replace("0.0125", "0.01")
    )
    (tmp_path / "my_stack.toml").write_text(stack, encoding="utf-8")
    path = write_params(tmp_path, 'fee_stack = "sample"', 'fee_stack = "my_stack.toml"')
    inputs = load_inputs(params=path)
    assert inputs.files["fee_stack"] == str(tmp_path / "my_stack.toml")
    evergreen = inputs.stack.funds[1]
    assert evergreen.management is not None and evergreen.management.rate == 0.01
    assert set(inputs.sha256) == {"vehicle", "params", "fee_stack"}
    with pytest.raises(InputError, match="--as-of"):
        load_inputs(as_of="the day after tomorrow")
    with pytest.raises(InputError) as info:
        load_inputs(as_of="1958-06-30")
    assert "--as-of 1958-06-30" in str(info.value)
    assert "need 24" in str(info.value)


# --------------------------------------------------------------------------------------------
# Point in time
# --------------------------------------------------------------------------------------------

AS_OF = pd.Timestamp("2008-12-31")


def cut(series: list[SeriesData], last: pd.Timestamp, column: str) -> list[SeriesData]:
    """Every series with only its rows whose ``column`` (``date`` or ``known_on``) <= ``last``."""
    return [dataclasses.replace(s, data=s.data[s.data[column] <= last]) for s in series]


def test_history_as_of_a_date_is_the_head_of_the_full_history() -> None:
    """As of 2008-12-31 the last complete month is 2008-11 (November's core CPI is published on
    15 December; December's in January). That history is the full history's head, and the same
    whether the series hold later rows or not, stop at the date, or stop at any later date."""
    series = load_arch_market_data()
    full = monthly_history(series)
    pit = monthly_history(series, AS_OF)
    assert pit.index[0] == pd.Period("1957-02", "M") and pit.index[-1] == pd.Period("2008-11", "M")
    assert full.index[-1] > pit.index[-1]
    pd.testing.assert_frame_equal(pit, full.loc[: pit.index[-1]])
    # the rows known on the date, and nothing else, make the history
    pd.testing.assert_frame_equal(pit, monthly_history(cut(series, AS_OF, "known_on")))
    # data appended after the date never changes it
    for later in ("2008-12-31", "2009-01-15", "2011-06-30", "2018-12-31"):
        appended = cut(series, pd.Timestamp(later), "date")
        pd.testing.assert_frame_equal(pit, monthly_history(appended, AS_OF))
    # the first month is honoured and missing series are named
    assert monthly_history(series, AS_OF, "1990-01").index[0] == pd.Period("1990-01", "M")
    fewer = [s for s in series if s.meta.series_id != HISTORY_SERIES["inflation"]]
    with pytest.raises(ValueError, match="CORE_CPI"):
        monthly_history(fewer)


def test_a_run_as_of_a_date_does_not_see_later_data() -> None:
    """A whole run as of 2008-12-31: the same bits from the full series and from series that
    end on that date; with the full history (known in 2018) the same seed gives other numbers."""
    inputs = load_inputs(as_of=AS_OF)
    small = params(keep_cohorts("age 35"), block_paths=100)
    inputs = dataclasses.replace(inputs, params=small)
    truncated = monthly_history(
        cut(load_arch_market_data(), AS_OF, "date"), AS_OF, small.simulation.first_month
    )
    inputs_cut = dataclasses.replace(inputs, history=truncated)
    a = run_outcomes(prepare_inputs(inputs, seed=4), 300)
    b = run_outcomes(prepare_inputs(inputs_cut, seed=4), 300)
    assert np.array_equal(a.wealth, b.wealth)
    assert np.array_equal(a.sleeve_net, b.sleeve_net)
    later = dataclasses.replace(inputs, history=load_inputs().history, as_of=None)
    c = run_outcomes(prepare_inputs(later, seed=4), 300)
    assert not np.array_equal(a.wealth, c.wealth)


# --------------------------------------------------------------------------------------------
# Small closed forms
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rate", "share"),
    [(0.06, 0.10), (0.02, 0.04), (0.04, 0.075), (0.05, 0.09), (0.10, 0.14), (0.0, 0.0)],
)
def test_contribution_with_the_safe_harbor_match(rate: float, share: float) -> None:
    """The basic safe-harbor match (IRC 401(k)(12)(B): 100% of the first 3% of pay, 50% of the
    next 2%): 6% -> 6 + 3 + 1 = 10%; 2% -> 2 + 2 = 4%; 4% -> 4 + 3 + 0.5 = 7.5%; at most 4% of
    pay is matched."""
    p = params(lambda d: d["savers"].update(contribution_rate=rate))
    assert contribution_share(p) == pytest.approx(share, abs=1e-15)


def test_the_level_real_annuity() -> None:
    """At 0% a dollar pays 1/25 a year for 25 years; at 1% the capital recovery factor
    ``r / (1 - (1 + r)^-n)`` = 0.0454068 (compound interest tables: (A/P, 1%, 25) = 0.04541)."""
    assert annuity_payout(0.0, 25) == 1.0 / 25.0
    assert annuity_payout(0.01, 25) == pytest.approx(0.0454067534, rel=1e-9)
    assert annuity_payout(0.01, 25) == pytest.approx(0.04541, abs=5e-6)
    # present value of the payments at the rate is the dollar
    pay = annuity_payout(0.03, 30)
    assert sum(pay / 1.03**t for t in range(1, 31)) == pytest.approx(1.0, rel=1e-12)


def test_certainty_equivalent_of_a_two_point_gamble() -> None:
    """Wealth 1 or 4 with equal odds: CE = (mean W^(1-g))^(1/(1-g)): g = 2 is the harmonic mean
    1.6, g = 1 the geometric mean 2, g = 0.5 the square of the mean root, (1.5)^2 = 2.25; the
    mean is 2.5. Scale-free: multiplying wealth by a million multiplies the CE by a million."""
    w = np.array([1.0, 4.0, 1.0, 4.0])
    assert certainty_equivalent(w, 2.0) == pytest.approx(1.6, rel=1e-12)
    assert certainty_equivalent(w, 1.0) == pytest.approx(2.0, rel=1e-12)
    assert certainty_equivalent(w, 0.5) == pytest.approx(2.25, rel=1e-12)
    assert certainty_equivalent(1e6 * w, 5.0) == pytest.approx(
        1e6 * certainty_equivalent(w, 5.0), rel=1e-12
    )


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, st.integers(2, 50), elements=st.floats(1e3, 1e7)),
    st.floats(1e3, 1e7),
    st.floats(0.2, 20.0),
    st.floats(0.2, 20.0),
)
def test_certainty_equivalent_properties(
    w: np.ndarray, constant: float, g1: float, g2: float
) -> None:
    """A sure amount is its own CE at any risk aversion; for a risky one the CE lies between the
    minimum and the mean (Jensen: below the mean when risk averse) and falls as risk aversion
    rises (power means are increasing in their order ``1 - g``)."""
    sure = np.full(7, constant)
    assert certainty_equivalent(sure, g1) == pytest.approx(constant, rel=1e-12)
    lo, hi = sorted((g1, g2))
    ce_lo, ce_hi = certainty_equivalent(w, lo), certainty_equivalent(w, hi)
    tol = 1e-9 * float(w.max())
    assert w.min() - tol <= ce_hi <= ce_lo + tol
    assert ce_lo <= w.mean() + tol
    if w.max() > w.min() * (1 + 1e-6):
        assert certainty_equivalent(w, 2.0) < w.mean()
        assert certainty_equivalent(w, 3.0) < certainty_equivalent(w, 2.0)


# --------------------------------------------------------------------------------------------
# The result's JSON
# --------------------------------------------------------------------------------------------


def run_json(seed: int) -> str:
    """A small run from the shipped files (two cohorts, 300 paths in blocks of 100), as JSON."""
    inputs = load_inputs()
    small = params(keep_cohorts("age 25", "age 55"), block_paths=100)
    inputs = dataclasses.replace(inputs, params=small)
    prep = prepare_inputs(inputs, seed=seed)
    res = simulate(prep, 300, workers=0, chunk_paths=200)
    doc: dict[str, Any] = result_json(inputs, prep, res, n_paths=300, seed=seed, funding="both")
    return json.dumps(doc, sort_keys=True, allow_nan=False)


def test_result_json_is_the_same_bytes_for_the_same_seed() -> None:
    """Two runs with seed 7 give byte-identical JSON (sorted keys, no NaN); seed 8 differs. The
    document carries its settings, the synthetic label and each cohort's figures."""
    first, again, other = run_json(7), run_json(7), run_json(8)
    assert first == again
    assert first != other
    doc = json.loads(first)
    assert doc["kind"] == "altsleeve.outcomes" and "SYNTHETIC" in doc["note"]
    assert doc["settings"]["seed"] == 7 and doc["settings"]["paths"] == 300
    assert doc["settings"]["history_first"] == "1957-02"
    assert [c["cohort"] for c in doc["cohorts"]] == ["age 25", "age 55"]
    for c in doc["cohorts"]:
        pcts = [c["wealth"]["with"][f"p{p}"] for p in (5, 25, 50, 75, 95)]
        assert pcts == sorted(pcts)
        assert c["p_better_off"] + c["p_worse_off"] <= 1.0
        assert [s["fee_multiplier"] for s in c["fee_sensitivity"]] == [1.0, 0.5, 1.5]


def test_an_as_of_before_any_history_is_an_input_error() -> None:
    """An as-of date before the first month of any series is an input error naming --as-of,
    not an internal error."""
    with pytest.raises(InputError, match="--as-of 1950-01-01"):
        load_inputs(as_of="1950-01-01")


def test_the_cli_refuses_an_unwritable_out_folder_with_exit_2() -> None:
    """``altsleeve outcomes --out`` on a path that cannot be a folder: exit 2, the path named."""
    from altsleeve.cli import run

    assert run(["outcomes", "--paths", "10", "--workers", "0", "--out", "/dev/null/x"]) == 2
