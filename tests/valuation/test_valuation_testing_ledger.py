"""The testing pack from a ledger: coverage of every position, challenges, point in time, CLI."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.valuation import NowcastValuer
from altsleeve.workflows.pit import inputs_from_ledger
from altsleeve.workflows.valuation import valuation_test
from tests.conftest import register_series

DAYS = pd.bdate_range("2007-01-02", "2009-06-30")
GROWTH = 0.0003  # a day


def _level(day: str) -> float:
    return float(100 * np.exp(GROWTH * DAYS.get_indexer([pd.Timestamp(day)], method="pad")[0]))


def _quarter_ends() -> list[str]:
    return [str(d.date()) for d in pd.date_range("2007-03-31", "2008-09-30", freq="QE")]


@pytest.fixture
def ledger(tmp_path: Path, write: Callable[[str, str | bytes], Path]) -> Path:
    """Three funds marked quarterly in line with the index; one venture mark of Q3 2008 planted
    60% too low; a fourth fund committed but never called (not held)."""
    prices = "series,date,level\n" + "".join(
        f"IDX,{d.date()},{100 * np.exp(GROWTH * i):.6f}\n" for i, d in enumerate(DAYS)
    )
    rows = []
    for hid, size in (("H1", 1e6), ("H2", 2e6), ("H3", 5e5)):
        for q in _quarter_ends():
            nav = size * _level(q) / 100
            if hid == "H2" and q == "2008-09-30":
                nav *= 0.4  # the planted bad mark
            known = (pd.Timestamp(q) + pd.Timedelta(days=50)).date()
            rows.append(f"{hid},{q},{known},{nav:.2f}\n")
    db = tmp_path / "t.duckdb"
    with Ledger(db, create=True) as led:
        register_series(led, tmp_path, {"IDX": "equity"})
        ingest_file(led, "prices", write("p.csv", prices))
        ingest_file(
            led,
            "holdings",
            write(
                "h.csv",
                "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
                "H1,One,buyout,drawdown,IDX,1000000,2007\n"
                "H2,Two,venture,drawdown,IDX,2000000,2007\n"
                "H3,Three,private_credit,drawdown,IDX,500000,2007\n"
                "H4,Four,buyout,drawdown,IDX,500000,2008\n",
            ),
        )
        ingest_file(
            led, "statements", write("s.csv", "holding_id,as_of,known_on,nav\n" + "".join(rows))
        )
        ingest_file(
            led,
            "cashflows",
            write(
                "c.csv",
                "holding_id,date,kind,amount\nH1,2007-01-02,call,1000000\n"
                "H2,2007-01-02,call,2000000\nH3,2007-01-02,call,500000\n",
            ),
        )
    return db


def _later_facts(db: Path, tmp_path: Path) -> None:
    """A restated Q3 mark, the Q4 marks and a call, all known in 2009."""
    (tmp_path / "fix.csv").write_text(
        "holding_id,as_of,known_on,nav\nH1,2008-09-30,2009-01-20,900000\n"
    )
    (tmp_path / "q4.csv").write_text(
        "holding_id,as_of,known_on,nav\nH1,2008-12-31,2009-02-19,950000\n"
        "H2,2008-12-31,2009-02-19,1500000\n"
    )
    (tmp_path / "c2.csv").write_text("holding_id,date,kind,amount\nH4,2009-01-15,call,100000\n")
    with Ledger(db) as led:
        ingest_file(led, "statements", tmp_path / "fix.csv", restate=True, reason="late fix")
        ingest_file(led, "statements", tmp_path / "q4.csv")
        ingest_file(led, "cashflows", tmp_path / "c2.csv")


def _pack(db: Path, as_of: str, period: str = "Q", **kw: Any) -> dict[str, Any]:
    with Ledger(db, read_only=True) as led:
        return valuation_test(led, dt.date.fromisoformat(as_of), period, **kw).to_dict()


def test_coverage_is_every_position_held_and_the_bad_mark_is_challenged(ledger: Path) -> None:
    pack = _pack(ledger, "2008-12-31")
    with Ledger(ledger, read_only=True) as led:
        inputs = inputs_from_ledger(led).truncated("2008-12-31")
    held = NowcastValuer().fit(inputs).predict("2008-12-31")
    n_held = int((held["value"] > 0).sum())
    assert n_held == 3  # H4 was never called
    assert pack["summary"]["positions"] == n_held == len(pack["coverage"])
    assert sorted(r["holding_id"] for r in pack["coverage"]) == ["H1", "H2", "H3"]
    for r in pack["coverage"]:
        assert r["method"] == "nowcast"
        assert {"a", "alpha", "beta", "sigma", "noise", "n_obs", "prior"} <= set(r["params"])
        assert r["marks"] == len(_quarter_ends())
    # the Q3 2008 marks arrive on 2008-11-19: three tested, the planted one challenged
    assert pack["period"] == {"start": "2008-10-01", "end": "2008-12-31"}
    assert pack["summary"]["marks_tested"] == 3
    ch = pack["challenges"]
    assert [c["holding_id"] for c in ch] == ["H2"]
    c = ch[0]
    assert c["status"] == "open" and c["mark_as_of"] == "2008-09-30"
    assert c["log_error"] > np.log(2.0)  # the daily value is well above a mark 60% too low
    assert c["mark"] < c["lower"]
    assert any(f["kind"] == "challenge" and f["subject"] == "H2" for f in pack["failures"])
    h1 = next(a for a in pack["arrivals"] if a["holding_id"] == "H1")
    assert abs(h1["log_error"]) < 0.05 and h1["inside_band"]
    changes = {c["asset_class"]: c for c in pack["changes"]}
    assert set(changes) == {"buyout", "venture", "private_credit"}
    assert pack["quarters"][0]["quarter"] == "2008Q4"


def test_later_facts_do_not_change_an_earlier_pack(ledger: Path, tmp_path: Path) -> None:
    before = _pack(ledger, "2008-12-31")
    year = _pack(ledger, "2008-12-31", "A")
    with Ledger(ledger, read_only=True) as led:
        cutoff = pd.Timestamp(led.audit_log(1)["recorded_at"].iloc[0]).to_pydatetime()
    spring = _pack(ledger, "2009-03-31")
    _later_facts(ledger, tmp_path)
    assert _pack(ledger, "2008-12-31") == before
    assert _pack(ledger, "2008-12-31", "A") == year
    # the restatement and the Q4 marks are known by 2009-03-31: that pack changes, unless the
    # ledger is read as recorded before they were
    after = _pack(ledger, "2009-03-31")
    assert after != spring
    assert after["summary"]["marks_arrived"] == spring["summary"]["marks_arrived"] + 3
    assert _pack(ledger, "2009-03-31", recorded_at=cutoff) == {
        **spring,
        "recorded_by": cutoff.isoformat(),
    }


def test_cli_table_json_csv_and_documents(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    base = ["valuation", "test", "--db", str(ledger), "--as-of", "2008-12-31"]
    assert run(base) == 0
    table = capsys.readouterr().out
    assert "Fair-valued positions on 2008-12-31 (3;" in table
    assert "Price challenges for the valuation committee (1)" in table
    assert run([*base, "--json", "--out", str(out), "--annual"]) == 0
    pack = json.loads(capsys.readouterr().out)
    assert len(pack["coverage"]) == 3
    cov = pd.read_csv(out / "coverage.csv")
    assert list(cov["holding_id"]) == ["H1", "H2", "H3"]
    assert json.loads(cov.loc[0, "params"])["refit"] == "A"
    ch = pd.read_csv(out / "challenges.csv")
    assert list(ch["holding_id"]) == ["H2"] and list(ch["status"]) == ["open"]
    md = (out / "board-summary.md").read_text()
    assert "| H2 | venture | 2008-09-30 | 2008-11-19 |" in md
    assert "## What failed" in md and "## What changed since 2008-09-30" in md
    html = (out / "board-summary.html").read_text()
    assert "<table>" in html and "H2" in html
    annual = (out / "annual-assessment.md").read_text()
    assert "| 2008Q4 |" in annual and "| 2008Q1 |" in annual
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [
            "coverage.csv",
            "arrivals.csv",
            "bias-by-class.csv",
            "bias-by-days.csv",
            "challenges.csv",
            "failures.csv",
            "board-summary.md",
            "board-summary.html",
            "annual-assessment.md",
            "annual-assessment.html",
        ]
    )


def test_cli_bad_period_and_missing_as_of(ledger: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["valuation", "test", "--db", str(ledger)]
    assert run(base) == 2
    assert run([*base, "--as-of", "2008-12-31", "--period", "2009Q1"]) == 2
    assert "starts after" in capsys.readouterr().err
    assert run([*base, "--as-of", "2008-12-31", "--annual"]) == 2


def test_record_writes_each_challenge_once_and_accept_resolves_it(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from altsleeve.workflows.fund import exceptions_table

    base = ["valuation", "test", "--db", str(ledger), "--as-of", "2008-12-31", "--json"]
    assert run([*base, "--record"]) == 0
    assert json.loads(capsys.readouterr().out)["recorded"] == {"recorded": 1, "already": 0}
    with Ledger(ledger, read_only=True) as led:
        ex = exceptions_table(led, ("valuation",))
    assert list(ex["subject"]) == ["H2@2008-09-30#v1"]
    assert list(ex["status"]) == ["open"] and list(ex["kind"]) == ["price_challenge"]
    detail = json.loads(ex["detail"].iloc[0])
    assert detail["mark"] < detail["lower"] and "below the band" in detail["message"]
    args = ["exceptions", "accept", "--db", str(ledger), "--date", "2008-11-19"]
    args += ["--kind", "price_challenge", "--reason", "GP confirmed a write-down"]
    assert run(args) == 0
    assert "price_challenge of H2@2008-09-30#v1" in capsys.readouterr().out
    assert run([*base, "--record"]) == 0  # recorded once: the acceptance is kept
    assert json.loads(capsys.readouterr().out)["recorded"] == {"recorded": 0, "already": 1}
    with Ledger(ledger, read_only=True) as led:
        ex = exceptions_table(led, ("valuation",))
    assert list(ex["status"]) == ["accepted"]
    # without --record the ledger is not written (opened read-only)
    assert run(base) == 0
    assert json.loads(capsys.readouterr().out)["recorded"] is None


def test_recorded_daily_values_are_used_and_agree_with_the_computed_ones(
    ledger: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    computed = _pack(ledger, "2008-12-31")
    assert {a["source"] for a in computed["arrivals"]} == {"computed"}
    args = ["value", "--db", str(ledger), "--from", "2008-09-26", "--to", "2008-12-31"]
    assert run([*args, "--json"]) == 0
    capsys.readouterr()
    recorded = _pack(ledger, "2008-12-31")
    assert {a["source"] for a in recorded["arrivals"]} == {"recorded"}
    assert {c["source"] for c in recorded["coverage"]} == {"recorded"}
    for a, b in zip(computed["arrivals"], recorded["arrivals"], strict=True):
        assert b["estimate"] == pytest.approx(a["estimate"], rel=1e-9)
        assert b["lower"] == pytest.approx(a["lower"], rel=1e-9)
    assert [c["holding_id"] for c in recorded["challenges"]] == ["H2"]


def test_a_quarter_without_marks_still_lists_every_position(ledger: Path) -> None:
    pack = _pack(ledger, "2007-03-30")
    assert pack["summary"]["positions"] == 3 and pack["summary"]["marks_arrived"] == 0
    assert pack["arrivals"] == [] and pack["challenges"] == [] and pack["quarters"] == []
    assert pack["summary"]["bias"] is None
    assert all(r["last_mark_as_of"] is None and r["marks"] == 0 for r in pack["coverage"])


def test_per_holding_pack_lists_each_position_with_its_own_parameters_point_in_time(
    ledger: Path, tmp_path: Path
) -> None:
    pack = _pack(ledger, "2008-12-31", per_holding=True)
    pooled = _pack(ledger, "2008-12-31")
    assert sorted(r["holding_id"] for r in pack["coverage"]) == ["H1", "H2", "H3"]
    for r in pack["coverage"]:
        p = r["params"]
        assert r["method"] == "nowcast-ph"
        assert {"a", "alpha", "beta", "sigma", "sd_alpha", "sd_beta", "n_obs"} <= set(p)
        assert {"fallback", "min_marks", "since", "pooled", "prior"} <= set(p)
        # six reported returns known (seven quarterly marks): each holding its own estimate
        assert p["n_obs"] == len(_quarter_ends()) - 1 and p["fallback"] is False
        assert {"a", "alpha", "beta", "alpha_dispersion", "beta_dispersion"} <= set(p["pooled"])
        by_class = next(c for c in pooled["coverage"] if c["holding_id"] == r["holding_id"])
        assert p["pooled"]["beta"] == pytest.approx(by_class["params"]["beta"])
        assert p["beta"] != p["pooled"]["beta"]  # moved off the class's pooled fit
    assert {c["method"] for c in pack["changes"]} == {"nowcast-ph"}
    # early on a holding has too few reported returns: it falls back to the pooled fit
    early = _pack(ledger, "2007-12-31", per_holding=True)
    for r in early["coverage"]:
        p = r["params"]
        assert p["fallback"] is True and p["n_obs"] < p["min_marks"]
        assert p["beta"] == pytest.approx(p["pooled"]["beta"])
        assert p["alpha"] == pytest.approx(p["pooled"]["alpha"])
    # later facts (a restatement, Q4 marks, a call) leave the earlier pack as it was
    _later_facts(ledger, tmp_path)
    assert _pack(ledger, "2008-12-31", per_holding=True) == pack
    assert _pack(ledger, "2007-12-31", per_holding=True) == early


def test_value_nowcast_ph_records_each_holdings_parameters_and_the_cli_pack_uses_them(
    ledger: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["value", "--db", str(ledger), "--from", "2008-09-26", "--to", "2008-12-31"]
    assert run([*args, "--method", "nowcast-ph", "--json"]) == 0
    capsys.readouterr()
    with Ledger(ledger, read_only=True) as led:
        vals = led.as_known_on(dt.date(2008, 12, 31), tables=("valuations",)).valuations
    assert set(vals["method"]) == {"nowcast-ph"}
    last = vals[(pd.to_datetime(vals["date"]) == pd.Timestamp("2008-12-31")) & (vals["value"] > 0)]
    params = {h: json.loads(p) for h, p in zip(last["holding_id"], last["params"], strict=True)}
    assert sorted(params) == ["H1", "H2", "H3"]
    assert all(p["fallback"] is False and p["n_obs"] == 6 for p in params.values())
    assert len({p["beta"] for p in params.values()}) == 3  # one beta per holding
    out = tmp_path / "ph"
    base = ["valuation", "test", "--db", str(ledger), "--as-of", "2008-12-31", "--per-holding"]
    assert run([*base, "--json", "--out", str(out)]) == 0
    pack = json.loads(capsys.readouterr().out)
    assert {c["source"] for c in pack["coverage"]} == {"recorded"}
    assert {c["method"] for c in pack["coverage"]} == {"nowcast-ph"}
    for c in pack["coverage"]:
        assert c["params"]["beta"] == pytest.approx(params[c["holding_id"]]["beta"])
    cov = pd.read_csv(out / "coverage.csv")
    assert json.loads(cov.loc[0, "params"])["fallback"] is False
    assert "--per-holding" in (out / "board-summary.md").read_text()
    assert run(base) == 0
    table = capsys.readouterr().out
    assert "nowcast-ph" in table and "fallback" in table and "pooled" not in table
