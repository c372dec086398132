"""Valuation inputs from user files: good files load, bad files name file, row and column."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from altsleeve.errors import InputError, Problem
from altsleeve.valuation import StaleValuer
from altsleeve.workflows.valuation import inputs_from_files

Write = Callable[[str, str | bytes], Path]

HOLDINGS = (
    "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
    "H1,Fund One,buyout,drawdown,IDX,25000000,2005\n"
    "H2,Fund Two,real_estate,evergreen,IDX2,10000000,2007\n"
)
STATEMENTS = (
    "holding_id,as_of,known_on,nav\n"
    "H1,2019-12-31,2020-01-15,1000\n"
    "H2,2019-12-31,2020-01-20,2000\n"
    "H1,2020-03-31,2020-05-15,1100\n"
)
CASHFLOWS = (
    "holding_id,date,kind,amount,known_on\n"
    "H1,2020-02-03,call,300,\n"
    "H1,2020-02-10,fee,50,\n"
    "H2,2020-03-02,distribution,100,2020-03-09\n"
)


def prices() -> str:
    days = pd.bdate_range("2019-12-02", "2020-06-30")
    lines = ["series,date,level"]
    # written newest first: the loader must sort
    for i, d in enumerate(reversed(days)):
        lines.append(f"IDX,{d:%Y-%m-%d},{100 + i * 0.5}")
        lines.append(f"IDX2,{d:%Y-%m-%d},{50 + i * 0.25}")
    return "\n".join(lines) + "\n"


def files(write: Write, **override: str) -> tuple[Path, Path, Path, Path]:
    text = {
        "holdings": HOLDINGS,
        "statements": STATEMENTS,
        "cashflows": CASHFLOWS,
        "proxies": prices(),
        **override,
    }
    return (
        write("holdings.csv", text["holdings"]),
        write("statements.csv", text["statements"]),
        write("cashflows.csv", text["cashflows"]),
        write("proxies.csv", text["proxies"]),
    )


def problems_of(write: Write, **override: str) -> list[Problem]:
    with pytest.raises(InputError) as info:
        inputs_from_files(*files(write, **override))
    return info.value.problems


def find(problems: list[Problem], file: str, column: str | None) -> Problem:
    hits = [p for p in problems if Path(p.file).name == file and p.column == column]
    assert hits, f"no problem in {file} column {column}: {problems}"
    return hits[0]


def test_good_files_load(write: Write) -> None:
    inp = inputs_from_files(*files(write))
    h = inp.holdings
    assert list(h.columns) == ["holding_id", "asset_class", "proxy", "commitment"]
    assert h["holding_id"].tolist() == ["H1", "H2"]
    assert h["commitment"].tolist() == [25e6, 10e6]
    st = inp.statements
    assert len(st) == 3
    assert (st["version"] == 1).all()
    assert st["as_of"].dtype == "datetime64[ns]" and st["known_on"].dtype == "datetime64[ns]"
    cf = inp.cashflows.set_index(["holding_id", "date"])
    # known_on defaults to the date
    assert cf.loc[("H1", pd.Timestamp("2020-02-03")), "known_on"] == pd.Timestamp("2020-02-03")
    assert cf.loc[("H2", pd.Timestamp("2020-03-02")), "known_on"] == pd.Timestamp("2020-03-09")
    assert set(inp.proxies) == {"IDX", "IDX2"}
    idx = inp.proxies["IDX"]
    assert idx.index.is_monotonic_increasing
    assert idx.index[0] == pd.Timestamp("2019-12-02")
    assert idx.dtype == float
    # the estimators run on it: stale = mark + calls since the as-of date
    est = StaleValuer().fit(inp).estimate("2020-03-02", "2020-03-02").set_index("holding_id")
    assert est.loc["H1", "value"] == 1300.0
    assert est.loc["H2", "value"] == 2000.0  # the distribution is known only on 2020-03-09


def test_holdings_file_with_only_the_needed_columns_or_extra_ones(write: Write) -> None:
    minimal = "holding_id,asset_class,proxy\nH1,buyout,IDX\nH2,real_estate,IDX2\n"
    inp = inputs_from_files(*files(write, holdings=minimal))
    assert inp.holdings["commitment"].tolist() == [0.0, 0.0]
    extra = "holding_id,asset_class,proxy,colour,manager\nH1,buyout,IDX,red,A\nH2,venture,IDX,,B\n"
    inp = inputs_from_files(*files(write, holdings=extra))
    assert list(inp.holdings.columns) == ["holding_id", "asset_class", "proxy", "commitment"]


def test_unknown_holding_in_statements(write: Write) -> None:
    bad = STATEMENTS + "ZZ,2020-03-31,2020-05-15,1\n"
    (p,) = problems_of(write, statements=bad)
    assert Path(p.file).name == "statements.csv"
    assert (p.row, p.line, p.column) == (4, 5, "holding_id")
    assert "unknown holding 'ZZ'" in p.message
    assert "statements.csv, row 4 (line 5), column 'holding_id'" in str(p)


def test_unknown_holding_in_cashflows(write: Write) -> None:
    bad = CASHFLOWS + "H9,2020-02-03,call,1,\n"
    (p,) = problems_of(write, cashflows=bad)
    assert (Path(p.file).name, p.row, p.column) == ("cashflows.csv", 4, "holding_id")


def test_bad_dates_and_values(write: Write) -> None:
    bad_cf = CASHFLOWS.replace("2020-02-10,fee", "2020-13-01,fee").replace(
        "distribution,100", "distribution,-100"
    )
    bad_st = STATEMENTS.replace("2020-01-20,2000", "20/01/2020,2000")
    problems = problems_of(write, cashflows=bad_cf, statements=bad_st)
    p = find(problems, "cashflows.csv", "date")
    assert p.row == 2 and "2020-13-01" in p.message and "not a valid calendar date" in p.message
    p = find(problems, "cashflows.csv", "amount")
    assert p.row == 3 and ">= 0" in p.message
    p = find(problems, "statements.csv", "known_on")
    assert p.row == 2 and "not an ISO date" in p.message


def test_statement_known_before_its_as_of(write: Write) -> None:
    bad = STATEMENTS.replace("2019-12-31,2020-01-15", "2019-12-31,2019-11-15")
    (p,) = problems_of(write, statements=bad)
    assert (p.row, p.column) == (1, "known_on")
    assert "cannot be known before" in p.message


def test_proxy_series_missing_from_the_proxies_file(write: Write) -> None:
    only_idx = "\n".join(line for line in prices().splitlines() if not line.startswith("IDX2"))
    (p,) = problems_of(write, proxies=only_idx + "\n")
    assert (Path(p.file).name, p.row, p.line, p.column) == ("holdings.csv", 2, 3, "proxy")
    assert "unknown proxy series 'IDX2'" in p.message


def test_bad_holdings_rows(write: Write) -> None:
    bad = HOLDINGS.replace("H2,Fund Two,real_estate", "H2,Fund Two,realestate")
    bad += "H3,Fund Three,buyout,drawdown,IDX,lots,2008\n"
    problems = problems_of(write, holdings=bad)
    p = find(problems, "holdings.csv", "asset_class")
    assert p.row == 2 and "'realestate'" in p.message and "real_estate" in p.message
    p = find(problems, "holdings.csv", "commitment")
    assert p.row == 3 and "'lots' is not a number" in p.message


def test_missing_required_column(write: Write) -> None:
    no_class = "holding_id,proxy\nH1,IDX\nH2,IDX2\n"
    problems = problems_of(write, holdings=no_class)
    p = find(problems, "holdings.csv", "asset_class")
    assert p.row is None and "required column is missing" in p.message


def test_all_problems_across_files_reported_together(write: Write) -> None:
    holdings = HOLDINGS.replace("IDX2,10000000", "NOPE,10000000")
    statements = STATEMENTS + "ZZ,2020-03-31,2020-05-15,1\n"
    cashflows = CASHFLOWS.replace("2020-02-10,fee", "2020-02-30,fee")
    proxies = prices().replace("IDX2,2020-06-30,50.0", "IDX2,2020-06-30,0")
    with pytest.raises(InputError) as info:
        inputs_from_files(*files(write, holdings=holdings, statements=statements,
                                 cashflows=cashflows, proxies=proxies))  # fmt: skip
    problems = info.value.problems
    where = {(Path(p.file).name, p.row, p.column) for p in problems}
    assert ("proxies.csv", 2, "level") in where  # level 0 must be > 0
    assert ("statements.csv", 4, "holding_id") in where
    assert ("cashflows.csv", 2, "date") in where
    text = str(info.value)
    for name in ("proxies.csv", "statements.csv", "cashflows.csv"):
        assert name in text
    assert info.value.total == len(problems)


def test_all_problems_when_only_references_are_wrong(write: Write) -> None:
    statements = STATEMENTS + "ZZ,2020-03-31,2020-05-15,1\n"
    cashflows = CASHFLOWS.replace("2020-02-10,fee", "2020-02-10,dividend")
    problems = problems_of(write, statements=statements, cashflows=cashflows)
    where = {(Path(p.file).name, p.row, p.column) for p in problems}
    assert where == {("statements.csv", 4, "holding_id"), ("cashflows.csv", 2, "kind")}


def test_reference_problems_are_not_hidden_by_other_files_problems(write: Write) -> None:
    holdings = HOLDINGS.replace("IDX2,10000000", "NOPE,10000000")
    statements = STATEMENTS + "ZZ,2020-03-31,2020-05-15,1\n"
    proxies = prices().replace("IDX,2020-06-30,100.0", "IDX,2020-06-30,0")
    problems = problems_of(write, holdings=holdings, statements=statements)
    where = {(Path(p.file).name, p.row, p.column) for p in problems}
    assert where == {("holdings.csv", 2, "proxy"), ("statements.csv", 4, "holding_id")}
    problems = problems_of(write, holdings=holdings, proxies=proxies)
    where = {(Path(p.file).name, p.row, p.column) for p in problems}
    assert ("proxies.csv", 1, "level") in where
    assert ("holdings.csv", 2, "proxy") in where


def test_missing_file_is_reported_with_the_others(write: Write, tmp_path: Path) -> None:
    h, s, _, p = files(write, statements=STATEMENTS + "ZZ,2020-03-31,2020-05-15,1\n")
    with pytest.raises(InputError) as info:
        inputs_from_files(h, s, tmp_path / "nowhere.csv", p)
    names = {(Path(q.file).name, q.column) for q in info.value.problems}
    assert ("nowhere.csv", None) in names
    assert ("statements.csv", "holding_id") in names


def test_parquet_proxies(write: Write, tmp_path: Path) -> None:
    frame = pd.read_csv(write("p.csv", prices()), dtype=str)
    path = tmp_path / "proxies.parquet"
    frame.to_parquet(path)
    h, s, c, _ = files(write)
    inp = inputs_from_files(h, s, c, path)
    assert set(inp.proxies) == {"IDX", "IDX2"}
    assert len(inp.proxies["IDX"]) == len(pd.bdate_range("2019-12-02", "2020-06-30"))
