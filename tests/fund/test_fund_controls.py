"""The strike's controls (issue 16): each silent wrong number becomes a refusal or an exception.

Each test reproduces one gap of the issue on a small ledger (one equity index, a cash index and a
private fund valued by nowcast on the equity proxy) and shows what happens now:

1. a fat-finger price is refused at ingest unless accepted with a reason, and a NAV move beyond
   the vehicle's tolerance stops the strike with an exception naming what moved;
2. a missing price refuses the day (naming series and date) unless the vehicle allows carrying
   it, and every carried price is recorded with the strike;
3. the fees a fund bills outside its NAV leave the vehicle's cash;
4. an order for an unknown vehicle is an ingest error; a changed definition takes effect from its
   date and leaves earlier strikes as they were;
6. a restrike that clears a breach clears it from ``limits``;
and the strike as an operator expects it: re-striking with no new knowledge writes nothing, the
refusal to restrike names ``--restrike``, ``strike --to`` strikes only the days not yet struck.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from altsleeve.cli import run
from altsleeve.fund import (
    NavBase,
    business_days,
    check_prices,
    launch_state,
    nav_moves,
    strike_days,
)
from altsleeve.fund._strike import StrikeInputs
from altsleeve.fund._vehicle import Vehicle
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.workflows import pit
from altsleeve.workflows.fund import (
    exceptions_table,
    record_breaches,
    strike_range,
)
from tests.conftest import fingerprint, register_test_vehicle

START, END = "2019-01-02", "2019-03-29"
SESSIONS = business_days("XNYS", START, END)

VEHICLE: dict[str, Any] = {
    "vehicle": {"id": "CIT1", "inception": START, "initial_assets": 100_000_000.0},
    "sleeves": [
        {"id": "equity", "kind": "liquid", "series": "EQ", "asset_type": "equity", "band": 0.05},
        {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.02},
        {"id": "private", "kind": "private", "band": 0.05},
    ],
    "glide_path": [{"date": START, "weights": {"equity": 0.85, "cash": 0.05, "private": 0.10}}],
    "private": {"max": 0.15},
    "fees": [{"name": "trustee", "bp_per_year": 10}],
    "rebalance": {"trigger": "both", "schedule": "monthly"},
}


def _prices(days: pd.DatetimeIndex, seed: int = 5) -> str:
    rng = np.random.default_rng(seed)
    eq = 100 * np.exp(np.cumsum(rng.normal(0, 0.01, len(days))))
    cash = 100 * np.exp(np.cumsum(np.full(len(days), 0.0001)))
    return "series,date,level\n" + "".join(
        f"EQ,{d.date()},{a:.6f}\nCASH,{d.date()},{b:.6f}\n"
        for d, a, b in zip(days, eq, cash, strict=True)
    )


@pytest.fixture(scope="module")
def base_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The book with prices on every session to 2019-03-29, not yet struck."""
    root = tmp_path_factory.mktemp("controls")
    db = root / "c.duckdb"

    def write(name: str, text: str) -> Path:
        p = root / name
        p.write_text(text)
        return p

    with Ledger(db, create=True) as led:
        register_test_vehicle(led, root, VEHICLE)
        ingest_file(led, "prices", write("p.csv", _prices(SESSIONS)))
        ingest_file(
            led,
            "holdings",
            write(
                "h.csv",
                "holding_id,name,asset_class,vehicle_type,proxy,commitment,vintage\n"
                "P1,One,buyout,drawdown,EQ,20000000,2019\n",
            ),
        )
        ingest_file(
            led,
            "cashflows",
            write(
                "c.csv",
                "holding_id,date,kind,amount\nP1,2019-01-03,call,8000000\n"
                "P1,2019-01-03,fee,100000\n",
            ),
        )
        ingest_file(
            led,
            "statements",
            write(
                "s.csv",
                "holding_id,as_of,known_on,nav\nP1,2019-01-31,2019-03-14,8050000\n",
            ),
        )
        ingest_file(
            led,
            "orders",
            write(
                "o.csv",
                "vehicle,date,kind,amount\n"
                + "".join(
                    f"CIT1,{d.date()},purchase,{200_000 + 1000 * i}\n"
                    for i, d in enumerate(SESSIONS[1:])
                ),
            ),
        )
    return db


@pytest.fixture
def db(base_ledger: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "c.duckdb"
    shutil.copy(base_ledger, copy)
    return copy


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text)
    return p


def _strikes(db: Path) -> pd.DataFrame:
    with Ledger(db, read_only=True) as led:
        return pit.strikes(led, "CIT1")


# -- 1. fat-finger prices and NAV moves ----------------------------------------------------------
def test_fat_finger_price_is_refused_at_ingest_and_ledger_unchanged(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    last = _strikes(db)  # nothing struck yet
    assert last.empty
    with Ledger(db, read_only=True) as led:
        p = led.as_known_on("2100-01-01", tables=("prices",)).prices
    eq_end = float(p.loc[(p.series_id == "EQ") & (p.date == pd.Timestamp(END)), "level"].iloc[0])
    f = _write(tmp_path, "ff.csv", f"series,date,level\nEQ,2019-04-01,{eq_end * 10:.4f}\n")
    before = fingerprint(db)
    assert run(["ingest", "prices", str(f), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "row 1 (line 2), column 'level'" in err and "EQ" in err and "tolerance" in err
    assert "--accept-move" in err
    assert fingerprint(db) == before
    # accepting needs a reason; with one, the move is recorded as an accepted exception
    assert run(["ingest", "prices", str(f), "--db", str(db), "--accept-move"]) == 2
    assert "--reason" in capsys.readouterr().err
    assert fingerprint(db) == before
    ok = ["ingest", "prices", str(f), "--db", str(db), "--accept-move", "--reason", "split"]
    assert run(ok) == 0
    with Ledger(db, read_only=True) as led:
        ex = exceptions_table(led, ("prices",))
    row = ex.iloc[0]
    assert (row["kind"], row["subject"], row["status"], row["reason"]) == (
        "price_move",
        "EQ",
        "accepted",
        "split",
    )
    assert json.loads(row["detail"])["level"] == pytest.approx(eq_end * 10, rel=1e-9)


def test_price_move_found_at_the_strike_stops_the_day(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a level recorded before the tolerance checks existed (or restated into the ledger)
    with Ledger(db) as led:
        p = led.as_known_on("2100-01-01", tables=("prices",)).prices
        row = p[(p.series_id == "EQ") & (p.date == pd.Timestamp("2019-02-05"))].copy()
        row["level"] = row["level"] * 10
        led.append(
            "prices",
            row[["series_id", "date", "level", "known_on"]],
            action="test",
            source="test",
            restate=True,
        )
    assert run(["strike", "--db", str(db), "--to", END]) == 2
    err = capsys.readouterr().err
    assert "stopped on 2019-02-05: EQ moved +8" in err and "beyond its tolerance 0.200" in err
    s = _strikes(db)
    assert pd.Timestamp(s["date"].max()) == pd.Timestamp("2019-02-04")  # the days before it
    assert run(["exceptions", "list", "--db", str(db), "--status", "open", "--json"]) == 0
    opened = json.loads(capsys.readouterr().out)
    assert [(e["kind"], e["subject"], e["date"]) for e in opened] == [
        ("price_move", "EQ", "2019-02-05")
    ]


def test_nav_move_beyond_tolerance_names_the_component_and_is_accepted_with_a_reason(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a fat-finger GP mark: 10x the fund's value, known on 2019-03-15
    mark = _write(
        tmp_path, "m.csv", "holding_id,as_of,known_on,nav\nP1,2019-02-28,2019-03-15,81000000\n"
    )
    assert run(["ingest", "statements", str(mark), "--db", str(db)]) == 0
    assert run(["strike", "--db", str(db), "--to", END]) == 2
    err = capsys.readouterr().err
    assert "stopped on 2019-03-15: NAV per unit moved" in err and "private" in err
    assert "exceptions accept" in err and "--kind nav_move" in err
    s = _strikes(db)
    assert pd.Timestamp(s["date"].max()) == pd.Timestamp("2019-03-14")
    accept = ["exceptions", "accept", "--db", str(db), "--date", "2019-03-15", "--kind"]
    assert run([*accept, "nav_move"]) == 2  # a reason is required
    assert run([*accept, "nav_move", "--reason", "GP confirmed the revaluation"]) == 0
    capsys.readouterr()
    assert run(["strike", "--db", str(db), "--to", END, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["accepted"] == 1 and out["last"] == END
    s = _strikes(db)
    inputs = json.loads(s.loc[s["date"] == pd.Timestamp("2019-03-15"), "inputs"].iloc[0])
    assert inputs["accepted"][0]["kind"] == "nav_move"
    assert inputs["accepted"][0]["reason"] == "GP confirmed the revaluation"


def test_nav_moves_contributions_add_up_to_the_nav_return() -> None:
    v = Vehicle.from_mapping(VEHICLE)
    days = SESSIONS[:30]
    rng = np.random.default_rng(1)
    lv = pd.DataFrame(
        {
            "EQ": 100 * np.exp(np.cumsum(rng.normal(0, 0.02, len(days)))),
            "CASH": 100 * np.exp(np.cumsum(np.full(len(days), 1e-4))),
        },
        index=days,
    )
    state = launch_state(v, days[0], lv.iloc[0])
    pv = pd.Series(np.linspace(0, 9e6, len(days)), index=days)
    zero = pd.Series(0.0, index=days)
    calls = zero.copy()
    calls.iloc[3] = 8e6
    inp = StrikeInputs(days, lv, pv, calls, zero, zero + 1e5, zero + 5e4, zero + 1e3)
    rows, _ = strike_days(v, inp, state)
    base = NavBase(
        10.0,
        1e8,
        {
            "equity": state.sleeve_units["equity"] * lv.iloc[0]["EQ"] / 1e8,
            "cash": state.sleeve_units["cash"] * lv.iloc[0]["CASH"] / 1e8,
        },
        0.0,
    )
    found = nav_moves(
        rows,
        base,
        [("equity", "EQ"), ("cash", "CASH")],
        lv.iloc[1:],
        dict(state.levels),
        "private",
        0.0,
        1e-9,
    )  # flag every day
    assert len(found) == len(rows)
    for f in found:
        assert sum(f.detail["contributions"].values()) == pytest.approx(f.value, abs=1e-12)


# -- 2. missing prices ---------------------------------------------------------------------------
def test_missing_price_refuses_the_day_naming_series_and_date(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["strike", "--db", str(db), "--to", END]) == 0
    # only the equity index is priced in April (levels continuous with March's): cash is missing
    april = business_days("XNYS", "2019-04-01", "2019-04-05")
    with Ledger(db, read_only=True) as led:
        p = led.as_known_on("2100-01-01", tables=("prices",)).prices
    last = float(p.loc[(p.series_id == "EQ") & (p.date == pd.Timestamp(END)), "level"].iloc[0])
    lines = ["series,date,level"] + [
        f"EQ,{d.date()},{last * (1 + 0.001 * (i + 1)):.6f}" for i, d in enumerate(april)
    ]
    f = _write(tmp_path, "apr.csv", "\n".join(lines) + "\n")
    assert run(["ingest", "prices", str(f), "--db", str(db)]) == 0
    before = _strikes(db)
    capsys.readouterr()
    assert run(["strike", "--db", str(db), "--to", "2019-04-05"]) == 2
    err = capsys.readouterr().err
    assert "no price for CASH on 2019-04-01" in err
    assert len(_strikes(db)) == len(before)  # nothing struck past the gap
    # no prices at all on a day: refused too (never 'struck 0 days')
    assert run(["strike", "--db", str(db), "--date", "2019-04-08"]) == 2
    assert "no price for" in capsys.readouterr().err


def test_carry_forward_allowed_by_a_new_definition_is_recorded(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["strike", "--db", str(db), "--to", END]) == 0
    with Ledger(db, read_only=True) as led:
        p = led.as_known_on("2100-01-01", tables=("prices",)).prices
    last = float(p.loc[(p.series_id == "EQ") & (p.date == pd.Timestamp(END)), "level"].iloc[0])
    april = business_days("XNYS", "2019-04-01", "2019-04-12")
    f = _write(
        tmp_path,
        "apr.csv",
        "series,date,level\n"
        + "".join(f"EQ,{d.date()},{last * (1 + 0.001 * i):.6f}\n" for i, d in enumerate(april)),
    )
    assert run(["ingest", "prices", str(f), "--db", str(db)]) == 0
    # the operator allows the cash index to be carried for at most 3 business days from April
    changed = json.loads(json.dumps(VEHICLE))
    changed["pricing"] = {"carry_forward": {"CASH": 3}}
    toml = _toml(changed)
    vt = _write(tmp_path, "v2.toml", toml)
    reg = ["vehicle", "register", str(vt), "--db", str(db), "--effective", "2019-04-01"]
    assert run(reg) == 0
    capsys.readouterr()
    assert run(["strike", "--db", str(db), "--to", "2019-04-12", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["carried"] == 3 and out["stopped"]["date"] == "2019-04-04"
    s = _strikes(db)
    inputs = json.loads(s.loc[s["date"] == pd.Timestamp("2019-04-03"), "inputs"].iloc[0])
    assert inputs["carried"] == {"CASH": END}
    assert inputs["definition"]["effective"] == "2019-04-01"
    with Ledger(db, read_only=True) as led:
        ex = exceptions_table(led, ("CIT1",))
    carried = ex[ex["kind"] == "carried_price"]
    assert len(carried) == 3 and set(carried["status"]) == {"accepted"}
    # the earlier days keep the definition they were struck with
    march = json.loads(s.loc[s["date"] == pd.Timestamp(END), "inputs"].iloc[0])
    assert march["definition"]["effective"] == START


def test_check_prices_by_hand() -> None:
    days = pd.DatetimeIndex(["2019-01-02", "2019-01-03", "2019-01-04", "2019-01-07"])
    obs = {
        "A": pd.Series(
            [100.0, 101.0, 150.0],
            index=pd.DatetimeIndex(["2019-01-02", "2019-01-03", "2019-01-04"]),
        ),
        "B": pd.Series([50.0], index=pd.DatetimeIndex(["2019-01-02"])),
    }
    chk = check_prices(days, obs, {"A": 0.2, "B": 0.01}, {"B": 2})
    kinds = [(f.date.date().isoformat(), f.kind, f.subject) for f in chk.findings]
    assert kinds == [
        ("2019-01-03", "carried_price", "B"),
        ("2019-01-04", "carried_price", "B"),
        ("2019-01-04", "price_move", "A"),  # ln(150/101) = 0.396 > 0.2
        ("2019-01-07", "missing_price", "A"),
        ("2019-01-07", "missing_price", "B"),  # 3 business days > 2 allowed
    ]
    assert chk.levels.loc["2019-01-04", "B"] == 50.0
    assert np.isnan(chk.levels.loc["2019-01-07", "A"])


# -- 3. fees billed outside NAV ------------------------------------------------------------------
def test_fee_flow_leaves_the_vehicles_cash(db: Path) -> None:
    with Ledger(db) as led:
        strike_range(led, "CIT1", None, "2019-01-04")
        s = pit.strikes(led, "CIT1")
    comp = json.loads(s.loc[s["date"] == pd.Timestamp("2019-01-03"), "components"].iloc[0])
    assert comp["holding_fees"] == 100_000.0
    assert comp["cash_out"] >= 100_000.0 + comp["calls"]


def test_fee_lowers_net_assets_by_its_amount() -> None:
    v = Vehicle.from_mapping({**VEHICLE, "fees": []})
    days = SESSIONS[:5]
    lv = pd.DataFrame({"EQ": 100.0, "CASH": 100.0}, index=days)
    state = launch_state(v, days[0], lv.iloc[0])
    zero = pd.Series(0.0, index=days)
    fee = zero.copy()
    fee.iloc[2] = 250_000.0
    with_fee, _ = strike_days(v, StrikeInputs(days, lv, zero, zero, zero, zero, zero, fee), state)
    without, _ = strike_days(v, StrikeInputs(days, lv, zero, zero, zero, zero, zero), state)
    gap = without["net_assets"] - with_fee["net_assets"]
    assert gap.tolist() == pytest.approx([0.0, 250_000.0, 250_000.0, 250_000.0])


# -- 4. vehicles as ledger data --------------------------------------------------------------------
def test_order_for_an_unknown_vehicle_is_an_ingest_error(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = _write(tmp_path, "o.csv", "vehicle,date,kind,amount\nCIT2,2019-01-04,purchase,100\n")
    before = fingerprint(db)
    assert run(["ingest", "orders", str(f), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "column 'vehicle': unknown vehicle 'CIT2'" in err and "did you mean 'CIT1'" in err
    assert fingerprint(db) == before


def test_changed_fee_takes_effect_from_its_date_and_old_strikes_stay(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["strike", "--db", str(db), "--to", "2019-02-28"]) == 0
    before = _strikes(db)
    changed = json.loads(json.dumps(VEHICLE))
    changed["fees"] = [{"name": "trustee", "bp_per_year": 50}]
    vt = _write(tmp_path, "fee.toml", _toml(changed))
    assert run(["vehicle", "register", str(vt), "--db", str(db)]) == 2  # needs --effective
    assert "--effective" in capsys.readouterr().err
    assert run(["vehicle", "register", str(vt), "--db", str(db), "--effective", "2019-03-01"]) == 0
    assert run(["strike", "--db", str(db), "--to", END]) == 0
    after = _strikes(db)
    old = after[after["date"] <= pd.Timestamp("2019-02-28")]
    pd.testing.assert_frame_equal(
        old[["date", "version", "components"]].reset_index(drop=True),
        before[["date", "version", "components"]].reset_index(drop=True),
    )
    # striking February again, with the new definition registered, changes nothing
    assert run(["strike", "--db", str(db), "--from", "2019-02-01", "--to", END]) == 0
    assert (_strikes(db)["version"] == 1).all()
    new = json.loads(after.loc[after["date"] == pd.Timestamp("2019-03-05"), "components"].iloc[0])
    old_day = json.loads(
        after.loc[after["date"] == pd.Timestamp("2019-02-26"), "components"].iloc[0]
    )
    assert (
        new["fees_accrued"] / new["net_assets"]
        > 4 * old_day["fees_accrued"] / old_day["net_assets"]
    )
    capsys.readouterr()
    assert run(["vehicle", "list", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["effective"], r["fee_bp_per_year"]) for r in listed] == [
        (START, 10.0),
        ("2019-03-01", 50.0),
    ]


def test_vehicle_defaults(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # one vehicle registered: the default; a second: a command must name one
    assert run(["limits", "--db", str(db)]) == 0
    other = json.loads(json.dumps(VEHICLE))
    other["vehicle"]["id"] = "CIT9"
    assert (
        run(["vehicle", "register", str(_write(tmp_path, "o.toml", _toml(other))), "--db", str(db)])
        == 0
    )
    capsys.readouterr()
    assert run(["limits", "--db", str(db)]) == 2
    assert "2 vehicles are registered (CIT1, CIT9)" in capsys.readouterr().err
    monkeypatch.setenv("ALTSLEEVE_VEHICLE", "CIT9")
    assert run(["limits", "--db", str(db)]) == 0
    assert "CIT9" in capsys.readouterr().out


# -- 6. breaches belong to a strike version ----------------------------------------------------
def _strike_accepting(db: Path, argv: list[str], reason: str = "reviewed") -> None:
    """Strike; while it stops on exceptions, accept each (as a reviewer would) and go on."""
    for _ in range(10):
        if run(argv) == 0:
            return
        with Ledger(db, read_only=True) as led:
            ex = exceptions_table(led, ("CIT1",))
        opened = ex[ex["status"] == "open"]
        assert len(opened), "the strike stopped without an open exception"
        for e in opened.to_dict("records"):
            day = str(pd.Timestamp(e["date"]).date())
            accept = ["exceptions", "accept", "--db", str(db), "--date", day]
            assert (
                run([*accept, "--kind", e["kind"], "--subject", e["subject"], "--reason", reason])
                == 0
            )
    raise AssertionError("the strike kept stopping")


def test_restrike_that_clears_a_breach_clears_it_from_limits(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a mark far too high puts the private sleeve above its 15% cap from 2019-03-14 on
    hi = _write(
        tmp_path, "hi.csv", "holding_id,as_of,known_on,nav\nP1,2019-01-31,2019-03-14,19000000\n"
    )
    restate = ["ingest", "statements", "--db", str(db), "--restate", "--reason"]
    assert run([restate[0], restate[1], str(hi), *restate[2:], "GP typo"]) == 0
    _strike_accepting(db, ["strike", "--db", str(db), "--to", END])
    with Ledger(db, read_only=True) as led:
        breached = record_breaches(led, "CIT1")
    assert (breached["limit_name"] == "private_max").any()
    # the GP corrects the mark: the restrike no longer breaches, and limits says so
    fix = _write(
        tmp_path, "fix.csv", "holding_id,as_of,known_on,nav\nP1,2019-01-31,2019-03-14,8050000\n"
    )
    assert run([restate[0], restate[1], str(fix), *restate[2:], "GP fixed it"]) == 0
    restrike = ["strike", "--db", str(db), "--from", "2019-03-01", "--to", END]
    capsys.readouterr()
    assert run(restrike) == 2  # the inputs changed: the restrike must be asked for
    assert "--restrike" in capsys.readouterr().err
    _strike_accepting(db, [*restrike, "--restrike", "--reason", "GP fixed the mark"])
    capsys.readouterr()
    assert run(["limits", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert not [r for r in rows if r["limit_name"] == "private_max"]
    with Ledger(db, read_only=True) as led:  # the old breach rows are kept, as history
        every = led.history("limit_breaches")
    assert (every["limit_name"] == "private_max").any()


# -- the strike as an operator expects -------------------------------------------------------------
def test_restriking_with_no_new_knowledge_writes_nothing(db: Path) -> None:
    assert run(["strike", "--db", str(db), "--to", END]) == 0
    before = fingerprint(db)
    for day in ("2019-01-15", "2019-02-14", "2019-03-29"):
        assert run(["strike", "--db", str(db), "--date", day]) == 0
    assert run(["strike", "--db", str(db), "--from", START, "--to", END]) == 0
    assert fingerprint(db) == before


def test_strike_to_strikes_only_the_days_not_yet_struck(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["strike", "--db", str(db), "--to", "2019-03-15"]) == 0
    capsys.readouterr()
    assert run(["strike", "--db", str(db), "--to", END, "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["new"] == 10  # 2019-03-18..29
    assert out["first"] == "2019-03-01"  # re-checked from March's start, the last state recorded
    assert out["unchanged"] == out["days"] - 10


def _toml(v: dict[str, Any]) -> str:
    """A tiny TOML writer for these vehicles (tomllib reads, the stdlib cannot write)."""
    out = []
    for key in ("vehicle", "private", "rebalance", "pricing"):
        if key not in v:
            continue
        out.append(f"[{key}]")
        for k, val in v[key].items():
            out.append(f"{k} = {_lit(val)}")
    for key in ("sleeves", "glide_path", "fees"):
        for item in v[key]:
            out.append(f"[[{key}]]")
            for k, val in item.items():
                out.append(f"{k} = {_lit(val)}")
    return "\n".join(out) + "\n"


def _lit(val: object) -> str:
    if isinstance(val, dict):
        return "{ " + ", ".join(f"{k} = {_lit(x)}" for k, x in val.items()) + " }"
    if isinstance(val, str):
        return val if val[:4].isdigit() and val.count("-") == 2 else json.dumps(val)
    return repr(val)


def test_value_refuses_a_day_whose_proxy_is_not_priced(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = fingerprint(db)
    assert run(["value", "--db", str(db), "--date", "2019-04-01"]) == 2
    err = capsys.readouterr().err
    assert "no price for proxy EQ on 2019-04-01" in err and "P1" in err
    assert fingerprint(db) == before
    assert run(["value", "--db", str(db), "--date", "2019-03-29"]) == 0
