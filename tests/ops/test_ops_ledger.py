"""The operations service's use cases on a small ledger (issue 20): users, tokens, four eyes.

A one-month book (an equity index, a cash index, one private fund valued by nowcast) and five
people: an admin, a preparer, a portfolio manager, a valuation committee member and a reviewer.
The flow: an override proposed, refused to its maker and to the portfolio manager, approved by
the committee and used by the strike; a release refused while an exception is open, approved
once it is accepted; a restatement of the released day classified by the NAV-error policy with
its reprocessing list and a correction released; every step audited with its actor; refused
input leaves the ledger as it was; the ledger verifies; a release is not known before its day.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from altsleeve.errors import InputError
from altsleeve.fund import business_days
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.ops import Forbidden, Principal, RefusedError
from altsleeve.workflows import approvals, release, users
from altsleeve.workflows.determinations import (
    delegations,
    determinations_for,
    register_delegation,
    sign_determination,
)
from altsleeve.workflows.fund import build_inputs, strike_range
from altsleeve.workflows.vehicles import definitions
from tests.conftest import register_test_vehicle

START, END = "2019-01-02", "2019-01-31"
SESSIONS = business_days("XNYS", START, END)
D1 = dt.date(2019, 1, 16)
PW = "correct horse battery staple"

VEHICLE: dict[str, Any] = {
    "vehicle": {"id": "CIT1", "inception": START, "initial_assets": 100_000_000.0},
    "sleeves": [
        {"id": "equity", "kind": "liquid", "series": "EQ", "asset_type": "equity", "band": 0.05},
        {"id": "cash", "kind": "cash", "series": "CASH", "band": 0.02},
        {"id": "private", "kind": "private", "band": 0.05},
    ],
    "glide_path": [{"date": START, "weights": {"equity": 0.85, "cash": 0.05, "private": 0.10}}],
    "private": {"max": 0.15},
}

ROOT = Principal("local:root", frozenset({"admin"}))


def _utc(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def base_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ops")
    db = root / "o.duckdb"

    def write(name: str, text: str) -> Path:
        p = root / name
        p.write_text(text)
        return p

    levels = "series,date,level\n" + "".join(
        f"EQ,{d.date()},{100 * 1.001**i:.6f}\nCASH,{d.date()},{100 * 1.0001**i:.6f}\n"
        for i, d in enumerate(SESSIONS)
    )
    with Ledger(db, create=True) as led:
        register_test_vehicle(led, root, VEHICLE)
        ingest_file(led, "prices", write("p.csv", levels))
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
            write("c.csv", "holding_id,date,kind,amount\nP1,2019-01-03,call,8000000\n"),
        )
        ingest_file(
            led,
            "orders",
            write(
                "o.csv",
                "vehicle,date,kind,amount\n"
                + "".join(f"CIT1,{d.date()},purchase,250000\n" for d in SESSIONS[1:])
                + f"CIT1,{D1},redemption,120000\n",
            ),
        )
        for name, role in (
            ("prep", "preparer"),
            ("pm", "portfolio_manager"),
            ("vc", "valuation_committee"),
            ("rev", "reviewer"),
        ):
            users.add_user(led, name, [role], PW, ROOT, today=dt.date(2019, 1, 1))
    return db


@pytest.fixture
def db(base_ledger: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "o.duckdb"
    shutil.copy(base_ledger, copy)
    return copy


def _who(led: Ledger, name: str) -> Principal:
    return users.authenticate(led, name, PW)


def _state(led: Ledger) -> tuple[dict[str, dict[str, int]], str]:
    return led.counts(), led.verify().head_hash


def _estimate(led: Ledger, day: dt.date) -> float:
    v = definitions(led, "CIT1")[0].vehicle
    _, est, _ = build_inputs(led, v, pd.DatetimeIndex([pd.Timestamp(day)]))
    return float(est.loc[est["holding_id"] == "P1", "value"].iloc[0])


# -- users and tokens -----------------------------------------------------------------------
def test_password_is_stored_as_an_argon2_hash_and_checked(db: Path) -> None:
    with Ledger(db) as led:
        u = led.as_known_on("2100-01-01", tables=("users",)).users.set_index("name")
        assert u.loc["prep", "password_hash"].startswith("$argon2id$")
        assert PW not in json.dumps(led.audit_log().astype(str).to_dict("records"))
        assert PW not in u.to_string()
        # never in a default snapshot (nor, so, in an export): only when named
        assert not {"users", "tokens"} & set(led.as_known_on("2100-01-01").tables)
        me = users.authenticate(led, "prep", PW)
        assert me.name == "prep" and {str(r) for r in me.roles} == {"preparer"}
        with pytest.raises(users.NotAuthenticatedError, match="unknown user or wrong password"):
            users.authenticate(led, "prep", "wrong password entirely")
        with pytest.raises(users.NotAuthenticatedError, match="unknown user or wrong password"):
            users.authenticate(led, "nobody", PW)
        users.disable_user(led, "prep", ROOT)
        with pytest.raises(users.NotAuthenticatedError, match="disabled"):
            users.authenticate(led, "prep", PW)
        assert [u.status for u in users.list_users(led).users if u.name == "prep"] == ["disabled"]
        assert led.verify().ok


def test_only_an_admin_manages_users(db: Path) -> None:
    with Ledger(db) as led:
        before = _state(led)
        with pytest.raises(Forbidden):
            users.add_user(led, "eve", ["admin"], PW, _who(led, "rev"))
        with pytest.raises(InputError) as e:
            users.add_user(led, "Bad Name", ["wizard"], "short", ROOT)
        cols = {p.column for p in e.value.problems}
        assert cols == {"name", "roles", "password"}
        with pytest.raises(InputError, match="already exists"):
            users.add_user(led, "prep", ["viewer"], PW, ROOT)
        assert _state(led) == before


def test_token_lifecycle_hashed_expired_and_revoked_refused(db: Path) -> None:
    now = dt.datetime(2026, 3, 9, 12, tzinfo=dt.UTC)
    with Ledger(db) as led:
        text, tok = users.issue_token(
            led, "prep", ["orders:post", "nav:read"], now + dt.timedelta(days=7), ROOT, now=now
        )
        stored = led.as_known_on("2100-01-01", tables=("tokens",)).tokens
        assert text not in stored.to_string() and text not in led.audit_log().to_string()
        assert len(stored.iloc[0]["token_sha256"]) == 64
        p = users.principal_for_token(led, text, now + dt.timedelta(days=1))
        assert p.auth == "token" and p.scopes == frozenset({"orders:post", "nav:read"})
        assert p.may("post_orders") and not p.may("strike")  # the scope limits the roles
        with pytest.raises(users.NotAuthenticatedError, match="expired"):
            users.principal_for_token(led, text, now + dt.timedelta(days=8))
        with pytest.raises(users.NotAuthenticatedError, match="unknown token"):
            users.principal_for_token(led, text[:-3] + "abc", now)
        users.revoke_token(led, tok.token_id, ROOT, now=now)
        with pytest.raises(users.NotAuthenticatedError, match="revoked"):
            users.principal_for_token(led, text, now)
        before = _state(led)
        with pytest.raises(InputError) as e:
            users.issue_token(
                led, "ghost", ["everything"], now - dt.timedelta(days=1), ROOT, now=now
            )
        assert {p.column for p in e.value.problems} == {"user", "scopes", "expires_at"}
        with pytest.raises(Forbidden):
            users.issue_token(
                led, "prep", ["nav:read"], now + dt.timedelta(days=1), _who(led, "prep"), now=now
            )
        assert _state(led) == before
        log = led.audit_log()
        assert set(log.loc[log["target_table"] == "tokens", "actor"]) == {"local:root"}


# -- four eyes on the ledger -------------------------------------------------------------------
def test_four_eyes_flow_override_release_restatement(db: Path) -> None:
    with Ledger(db) as led:
        prep, pm, vc, rev = (_who(led, n) for n in ("prep", "pm", "vc", "rev"))
        strike_range(led, "CIT1", None, D1 - dt.timedelta(days=1))
        base = _estimate(led, D1)

        # an override: its maker and a portfolio manager cannot approve; the committee does
        p = approvals.propose(
            led,
            "override",
            "CIT1",
            D1,
            {"holding_id": "P1", "value": base + 300_000.0},
            prep,
            "GP's mark after a secondary sale",
            at=_utc(D1, 15),
        )
        assert p.status == "pending" and not led.history("overrides").size
        with pytest.raises(RefusedError) as refused:
            approvals.decide(led, p.proposal_id, prep, "approve", "fine", at=_utc(D1, 16))
        assert refused.value.code == "self_approval"
        with pytest.raises(Forbidden):
            approvals.decide(led, p.proposal_id, pm, "approve", "fine", at=_utc(D1, 16))
        done = approvals.decide(led, p.proposal_id, vc, "approve", "seen", at=_utc(D1, 16))
        assert done.proposal.status == "approved" and done.proposal.checker == "vc"
        assert done.applied is not None and done.applied["kind"] == "override"

        # the strike of the day uses it, and says so in its inputs
        strike_range(led, "CIT1", None, D1)
        s = led.as_known_on("2100-01-01", tables=("strikes",)).strikes
        row = s[pd.to_datetime(s["date"]) == pd.Timestamp(D1)].iloc[0]
        used = json.loads(row["inputs"])["overrides"]
        assert used == [
            {
                "holding_id": "P1",
                "value": base + 300_000.0,
                "estimate": pytest.approx(base),
                "proposal_id": p.proposal_id,
                "version": 1,
                "approved_by": "vc",
            }
        ]
        assert json.loads(row["components"])["value_private"] == pytest.approx(base + 300_000)

        # a release is refused while the day has an open exception, allowed once accepted
        cycle = release.day_cycle(led, "CIT1", D1, _utc(D1, 20))
        assert cycle.status == "awaiting_review" and cycle.next_action == "propose_release"
        assert cycle.sla["deadline"] == "2019-01-16T23:00:00+00:00"  # 18:00 New York
        exc = {
            "scope": "CIT1",
            "date": D1,
            "kind": "nav_move",
            "subject": "CIT1",
            "status": "open",
            "value": 0.02,
            "threshold": 0.01,
            "detail": "{}",
            "reason": "",
            "known_on": D1,
        }
        led.append("exceptions", pd.DataFrame([exc]), action="test", source="test")
        rel = approvals.propose(led, "nav_release", "CIT1", D1, {}, prep, "day", at=_utc(D1, 21))
        cycle = release.day_cycle(led, "CIT1", D1, _utc(D1, 21))
        assert cycle.status == "exceptions_open" and len(cycle.open_exceptions) == 1
        assert [x["proposal_id"] for x in cycle.pending_proposals] == [rel.proposal_id]
        before = _state(led)
        with pytest.raises(InputError, match="open exception"):
            approvals.decide(led, rel.proposal_id, rev, "approve", "ok", at=_utc(D1, 22))
        assert _state(led) == before  # the approval and its effect: all or nothing
        with pytest.raises(Forbidden):  # the committee does not release a NAV
            approvals.decide(led, rel.proposal_id, vc, "approve", "ok", at=_utc(D1, 22))
        led.append(
            "exceptions",
            pd.DataFrame([{**exc, "status": "accepted", "reason": "a real move"}]),
            action="accept",
            source="test",
            restate=True,
        )
        out = approvals.decide(led, rel.proposal_id, rev, "approve", "ok", at=_utc(D1, 22))
        assert out.applied is not None
        released = out.applied["release"]
        assert released["nav_per_unit"] == pytest.approx(float(row["nav_per_unit"]))
        assert release.day_cycle(led, "CIT1", D1, _utc(D1, 23)).status == "released"
        # point in time: not known the day before, known on the day
        assert led.as_known_on(D1 - dt.timedelta(days=1)).releases.empty
        assert len(led.as_known_on(D1).releases) == 1

        # a restatement: a second override moves the NAV by about 0.6% (a material error)
        p2 = approvals.propose(
            led,
            "override",
            "CIT1",
            D1,
            {"holding_id": "P1", "value": base + 900_000.0},
            prep,
            "audited mark",
            at=_utc(D1 + dt.timedelta(days=1), 14),
        )
        approvals.decide(
            led, p2.proposal_id, vc, "approve", "ok", at=_utc(D1, 23) + dt.timedelta(hours=16)
        )
        with pytest.raises(InputError, match="already released"):
            approvals.propose(led, "nav_release", "CIT1", D1, {}, prep, "again")
        r = approvals.propose(
            led,
            "restatement",
            "CIT1",
            D1,
            {},
            prep,
            "restate with the audited mark",
            at=_utc(D1 + dt.timedelta(days=1), 16),
        )
        with pytest.raises(Forbidden):  # a restatement is the reviewer's to approve
            approvals.decide(
                led, r.proposal_id, vc, "approve", "ok", at=_utc(D1, 23) + dt.timedelta(hours=18)
            )
        day2 = D1 + dt.timedelta(days=1)
        out = approvals.decide(led, r.proposal_id, rev, "approve", "restate", at=_utc(day2, 18))
        assert out.applied is not None
        err = out.applied["nav_error"]
        assert err["error_class"] == "material"
        rep = err["reprocessing"]
        assert {(o["kind"], o["amount"]) for o in rep["orders"]} == {
            ("purchase", 250_000.0),
            ("redemption", 120_000.0),
        }
        assert all(o["reprocess"] and o["account"] == "CIT1" for o in rep["orders"])
        assert err["correction"]["correction"] is True
        assert err["correction"]["original_date"] == D1.isoformat()
        assert release.day_cycle(led, "CIT1", D1, _utc(day2, 19)).status == "corrected"

        # the price file: the original, then the correction flagged with its original date
        records = release.price_records(led, "CIT1")
        assert [(x.date, x.correction, x.original_date) for x in records] == [
            (D1, False, None),
            (day2, True, D1),
        ]
        assert records[1].replaces_nav_per_unit == pytest.approx(released["nav_per_unit"])
        text = release.price_file(led, "CIT1").csv
        assert text.splitlines()[2].startswith(f"CIT1,{day2},") and ",Y,2019-01-16," in text
        assert led.as_known_on(D1).releases.iloc[0]["correction"] == False  # noqa: E712

        # every step is audited with its actor
        log = led.audit_log()
        ops_rows = log[log["target_table"].isin(["proposals", "overrides", "releases"])]
        assert ops_rows["actor"].notna().all()
        acts = set(zip(log["action"], log["actor"], strict=True))
        assert {("propose", "prep"), ("approve", "vc"), ("approve", "rev")} <= acts
        assert ("release", "rev") in acts and ("correct", "rev") in acts
        assert ("strike", "rev") in acts  # the restrike ran as the reviewer's approval
        assert ("nav_error", "rev") in acts
        assert led.verify().ok


def test_bad_proposals_leave_the_ledger_unchanged(db: Path) -> None:
    with Ledger(db) as led:
        prep, vc = _who(led, "prep"), _who(led, "vc")
        before = _state(led)
        with pytest.raises(InputError) as e:
            approvals.propose(
                led, "override", "CIT1", D1, {"holding_id": "NOPE", "value": "x"}, prep, "r"
            )
        assert {p.column for p in e.value.problems} == {"holding_id", "value"}
        with pytest.raises(InputError, match="no strike"):
            approvals.propose(led, "nav_release", "CIT1", D1, {}, prep, "r")
        with pytest.raises(InputError, match="unknown kind"):
            approvals.propose(led, "bribe", "CIT1", D1, {}, prep, "r")
        with pytest.raises(InputError) as e:
            approvals.propose(led, "override", "CIT1", D1, {}, prep, "  ")
        assert {p.column for p in e.value.problems} == {"reason"}
        with pytest.raises(Forbidden):
            approvals.propose(
                led, "override", "CIT1", D1, {"holding_id": "P1", "value": 1.0}, vc, "r"
            )
        with pytest.raises(InputError, match="no proposal"):
            approvals.decide(led, "P999999", vc, "approve", "r")
        assert _state(led) == before
        p = approvals.propose(
            led, "override", "CIT1", D1, {"holding_id": "P1", "value": 1.0}, prep, "r"
        )
        after = _state(led)
        with pytest.raises(RefusedError):
            approvals.decide(led, p.proposal_id, vc, "approve", " ")
        approvals.decide(led, p.proposal_id, prep, "withdraw", "changed my mind")
        with pytest.raises(RefusedError) as refused:
            approvals.decide(led, p.proposal_id, vc, "approve", "late")
        assert refused.value.code == "not_pending"
        assert after != _state(led)  # the withdrawal was recorded, nothing else
        assert led.history("overrides").empty
        assert led.verify().ok


def test_vehicle_change_takes_effect_only_when_approved(db: Path) -> None:
    with Ledger(db) as led:
        prep, rev = _who(led, "prep"), _who(led, "rev")
        changed = json.loads(definitions(led, "CIT1")[0].vehicle.to_json())
        changed["pricing"]["release_cutoff"] = "17:00"
        p = approvals.propose(
            led,
            "vehicle_change",
            "CIT1",
            dt.date(2019, 1, 22),
            {"definition": changed},
            prep,
            "earlier cut-off",
            at=_utc(dt.date(2019, 1, 18), 12),
        )
        assert len(definitions(led, "CIT1")) == 1
        approvals.decide(
            led, p.proposal_id, rev, "approve", "agreed", at=_utc(dt.date(2019, 1, 18), 13)
        )
        assert len(definitions(led, "CIT1")) == 2
        cycle = release.day_cycle(led, "CIT1", dt.date(2019, 1, 22), _utc(dt.date(2019, 1, 22), 12))
        assert cycle.cutoff == {"time": "17:00", "zone": "America/New_York"}


def test_determinations_and_delegations(db: Path) -> None:
    sha = "ab" * 32
    with Ledger(db) as led:
        vc, pm = _who(led, "vc"), _who(led, "pm")
        with pytest.raises(Forbidden):
            sign_determination(led, pm, "fees", sha, "reasonable", dt.date(2026, 3, 1))
        sign_determination(led, vc, "fees", sha, "reasonable", dt.date(2026, 3, 1))
        res = determinations_for(led, sha)
        assert [d.factor for d in res.determinations] == ["fees"]
        assert "fees" not in res.missing and "valuation" in res.missing
        before = _state(led)
        with pytest.raises(InputError) as e:
            sign_determination(led, vc, "vibes", "nothex", "", dt.date(2026, 3, 1))
        assert {p.column for p in e.value.problems} == {"factor", "text", "evidence_sha256"}
        assert _state(led) == before
        register_delegation(
            led, vc, "3(38)", "Acme Advisers", "private sleeve", dt.date(2026, 1, 1)
        )
        assert [e.delegation.party for e in delegations(led, dt.date(2026, 2, 1)).entries] == [
            "Acme Advisers"
        ]
        assert led.verify().ok


# -- the console ---------------------------------------------------------------------------
def test_cli_users_and_tokens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from altsleeve.cli import run

    db = str(tmp_path / "u.duckdb")
    assert run(["ledger", "init", "--db", db]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", io.StringIO(PW + "\n"))
    add = ["users", "add", "ann", "--role", "preparer", "--password-stdin", "--db", db, "--json"]
    assert run(add) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["roles"] == ["preparer"] and PW not in json.dumps(shown)
    monkeypatch.setattr("sys.stdin", io.StringIO("short\n"))
    assert run(["users", "add", "bob", "--role", "wizard", "--password-stdin", "--db", db]) == 2
    assert "column 'roles'" in capsys.readouterr().err
    issue = ["tokens", "issue", "--user", "ann", "--scope", "nav:read", "--expires", "30"]
    assert run([*issue, "--db", db, "--json"]) == 0
    tok = json.loads(capsys.readouterr().out)
    assert tok["token"].startswith("alt_" + tok["token_id"])
    assert run(["tokens", "revoke", tok["token_id"], "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["status"] == "revoked"
    assert run(["users", "disable", "ann", "--db", db]) == 0
    assert "user ann disabled" in capsys.readouterr().out
    assert run(["users", "list", "--db", db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == "disabled"
    with Ledger(db, read_only=True) as led:
        log = led.audit_log()
        assert log["actor"].str.startswith("local:").all() and len(log) == 4
        assert PW not in log.to_string() and tok["token"] not in log.to_string()
        assert led.verify().ok
