"""The operations over HTTP with the ledger's own users: four eyes, the release, who did what.

Users and API tokens are made with ``workflows.users`` on a copy of the sample ledger before the
app opens it; the app runs with its default authenticator (:class:`LedgerAuthenticator`). People
sign in with a password (a session cookie: no token scope grants an approval); feeds use tokens.
Each flow's audit entries are read from the ledger once its app is closed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from altsleeve.api import SESSION_COOKIE, LedgerAuthenticator, create_app
from altsleeve.ledger import Ledger
from altsleeve.ops import Principal, Role
from altsleeve.workflows.users import add_user, issue_token
from tests.api.conftest import AS_OF, VEHICLE

PASSWORD = "a long enough passphrase"
ADMIN = Principal("local:admin", frozenset({Role.ADMIN}))

#: name -> roles
USERS = {
    "pat": ["preparer"],
    "dual": ["preparer", "valuation_committee"],
    "pm": ["portfolio_manager"],
    "val": ["valuation_committee"],
    "rev": ["reviewer"],
    "vic": ["viewer"],
    "feed": ["viewer"],
    "rk": ["preparer"],
}

#: token name -> (user, scopes)
TOKENS = {"feed": ("feed", ["prices:read", "nav:read"]), "rk": ("rk", ["orders:post"])}

OVERRIDE = {
    "kind": "override",
    "vehicle": VEHICLE,
    "effective": AS_OF,
    "payload": {"holding_id": "BO-08", "value": 5_000_000.0},
    "reason": "GP's final statement arrived after the strike",
}


def _setup(db: Path, expires_in: dt.timedelta = dt.timedelta(days=30)) -> dict[str, str]:
    """Add the users and issue the tokens; the tokens' texts by name."""
    now = dt.datetime.now(dt.UTC)
    with Ledger(db) as led:
        for name, roles in USERS.items():
            add_user(led, name, roles, PASSWORD, ADMIN)
        return {
            key: issue_token(led, user, scopes, now + expires_in, ADMIN, now=now)[0]
            for key, (user, scopes) in TOKENS.items()
        }


def _bearer(text: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {text}"}


def _signed_in(app: FastAPI, name: str) -> TestClient:
    """A client (its own cookie jar) signed in as ``name`` with a password."""
    c = TestClient(app)
    r = c.post("/api/v1/login", json={"name": name, "password": PASSWORD})
    assert r.status_code == 200, r.text
    assert r.json()["user"] == name
    return c


def _actors(db: Path, since: int) -> list[tuple[str, str, str | None]]:
    """(action, table, actor) of every audit entry after ``since``, oldest first."""
    with Ledger(db, read_only=True) as led:
        log = led.audit_log(limit=1000)
    log = log[log["seq"] > since].sort_values("seq")
    return [
        (str(a), str(t), x)
        for a, t, x in zip(log["action"], log["target_table"], log["actor"], strict=True)
    ]


def _head(db: Path) -> int:
    with Ledger(db, read_only=True) as led:
        return int(led.audit_log(limit=1).iloc[0]["seq"])


@pytest.fixture
def users_db(fresh_db: Path) -> tuple[Path, dict[str, str]]:
    return fresh_db, _setup(fresh_db)


@pytest.fixture
def app(users_db: tuple[Path, dict[str, str]]) -> Iterator[FastAPI]:
    web = create_app(users_db[0])
    with TestClient(web):
        yield web


def test_the_default_authenticator_is_the_ledgers(app: FastAPI) -> None:
    assert isinstance(app.state.authenticator, LedgerAuthenticator)


def test_four_eyes_on_an_override(users_db: tuple[Path, dict[str, str]]) -> None:
    db, _ = users_db
    start = _head(db)
    with TestClient(create_app(db)) as base:
        app = base.app
        assert isinstance(app, FastAPI)
        pat, dual, pm, val = (_signed_in(app, n) for n in ("pat", "dual", "pm", "val"))

        r = pat.post("/api/v1/proposals", json=OVERRIDE)
        assert r.status_code == 201, r.text
        p = r.json()
        assert (p["maker"], p["status"], p["kind"]) == ("pat", "pending", "override")
        pid = p["proposal_id"]
        decision = f"/api/v1/proposals/{pid}/decision"

        # the maker, a preparer, may not approve an override at all
        r = pat.post(decision, json={"decision": "approve", "reason": "mine"})
        assert r.status_code == 403
        assert r.json()["action"] == "approve_override"
        # a portfolio manager never approves
        r = pm.post(decision, json={"decision": "approve", "reason": "looks fine"})
        assert r.status_code == 403
        assert r.json()["roles"] == ["valuation_committee"]
        # holding both roles does not let a maker approve their own proposal
        r = dual.post("/api/v1/proposals", json={**OVERRIDE, "reason": "my own"})
        assert r.status_code == 201, r.text
        own = r.json()["proposal_id"]
        r = dual.post(
            f"/api/v1/proposals/{own}/decision", json={"decision": "approve", "reason": "ok"}
        )
        assert r.status_code == 409
        assert r.json()["code"] == "self_approval"

        pending = val.get(f"/api/v1/proposals?vehicle={VEHICLE}&status=pending").json()
        assert {q["proposal_id"] for q in pending} == {pid, own}

        r = val.post(decision, json={"decision": "approve", "reason": "statement checked"})
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["proposal"]["status"] == "approved"
        assert body["proposal"]["checker"] == "val"
        assert body["applied"]["kind"] == "override"
        # decided: a second approval is refused with its code
        r = val.post(decision, json={"decision": "approve", "reason": "again"})
        assert r.status_code == 409
        assert r.json()["code"] == "not_pending"
        # an empty reason
        r = val.post(
            f"/api/v1/proposals/{own}/decision", json={"decision": "reject", "reason": " "}
        )
        assert r.status_code == 409
        assert r.json()["code"] == "empty_reason"
        r = val.post(
            "/api/v1/proposals/P999999/decision", json={"decision": "reject", "reason": "x"}
        )
        assert r.status_code == 422
        assert r.json()["errors"][0]["column"] == "proposal_id"

    assert _actors(db, start) == [
        ("propose", "proposals", "pat"),
        ("propose", "proposals", "dual"),
        ("approve", "proposals", "val"),
        ("override", "overrides", "val"),
    ]


def test_a_release_proposed_and_approved_then_in_the_price_file(
    users_db: tuple[Path, dict[str, str]],
) -> None:
    db, tokens = users_db
    start = _head(db)
    feed = _bearer(tokens["feed"])
    with TestClient(create_app(db)) as base:
        app = base.app
        assert isinstance(app, FastAPI)
        pat, rev = _signed_in(app, "pat"), _signed_in(app, "rev")
        cycle = f"/api/v1/vehicles/{VEHICLE}/cycle?date={AS_OF}"
        day = base.get(cycle, headers=feed).json()
        assert day["status"] == "awaiting_review"
        assert day["sla"]["late"] is True  # the day's cut-off passed long ago
        assert set(day["sla"]) >= {"deadline", "seconds_left", "label"}

        assert base.get("/api/v1/prices", headers=feed).json()["records"] == []
        r = pat.post(
            "/api/v1/proposals",
            json={
                "kind": "nav_release",
                "vehicle": VEHICLE,
                "effective": AS_OF,
                "payload": {},
                "reason": "clean day",
            },
        )
        assert r.status_code == 201, r.text
        pid = r.json()["proposal_id"]
        assert [p["proposal_id"] for p in pat.get(cycle).json()["pending_proposals"]] == [pid]
        # a reviewer does not propose overrides, a preparer does not release
        assert rev.post("/api/v1/proposals", json=OVERRIDE).status_code == 403
        r = pat.post(
            f"/api/v1/proposals/{pid}/decision", json={"decision": "approve", "reason": "x"}
        )
        assert r.status_code == 403
        assert r.json()["action"] == "release_nav"

        r = rev.post(
            f"/api/v1/proposals/{pid}/decision", json={"decision": "approve", "reason": "ok"}
        )
        assert r.status_code == 200, r.text
        release = r.json()["applied"]["release"]
        assert (release["released_by"], release["date"]) == ("rev", AS_OF)

        assert rev.get(cycle).json()["status"] == "released"
        records = base.get(f"/api/v1/prices?vehicle={VEHICLE}", headers=feed).json()["records"]
        assert [(x["date"], x["correction"]) for x in records] == [(AS_OF, False)]
        assert records[0]["nav_per_unit"] == pytest.approx(release["nav_per_unit"])
        text = base.get("/api/v1/prices?format=csv", headers=feed)
        assert text.headers["content-type"].startswith("text/csv")
        lines = text.text.strip().splitlines()
        assert (
            lines[0] == "vehicle,date,nav_per_unit,correction,original_date,replaces_nav_per_unit"
        )
        assert lines[1].startswith(f"{VEHICLE},{AS_OF},") and lines[1].endswith(",N,,")
        assert base.get("/api/v1/prices?since=2001-07-01", headers=feed).json()["records"] == []

    assert _actors(db, start) == [
        ("propose", "proposals", "pat"),
        ("approve", "proposals", "rev"),
        ("release", "releases", "rev"),
    ]


def test_orders_strikes_and_determinations_name_their_actor(
    users_db: tuple[Path, dict[str, str]],
) -> None:
    db, tokens = users_db
    start = _head(db)
    sha = "b" * 64
    with TestClient(create_app(db)) as base:
        app = base.app
        assert isinstance(app, FastAPI)
        orders = f"vehicle,date,kind,amount\n{VEHICLE},2001-07-02,purchase,250000\n".encode()
        r = base.post("/api/v1/orders", headers=_bearer(tokens["rk"]), content=orders)
        assert r.status_code == 200, r.text
        assert r.json()["new"] == 1
        # the token's scope is orders:post only
        r = base.post("/api/v1/strike", headers=_bearer(tokens["rk"]), json={"to": AS_OF})
        assert r.status_code == 403

        r = _signed_in(app, "pat").post("/api/v1/strike", json={"to": "2001-07-02"})
        assert r.status_code == 200, r.text

        val = _signed_in(app, "val")
        r = val.post(
            "/api/v1/determinations",
            json={"factor": "fees", "evidence_sha256": sha, "text": "fees are reasonable"},
        )
        assert r.status_code == 201, r.text
        assert r.json()["member"] == "val"
        got = base.get(
            f"/api/v1/determinations?evidence_sha256={sha}", headers=_bearer(tokens["feed"])
        )
        assert [d["factor"] for d in got.json()["determinations"]] == ["fees"]
        assert "fees" not in got.json()["missing"]

    actors = _actors(db, start)
    assert actors[0] == ("ingest", "orders", "rk")
    assert actors[-1] == ("determination", "determinations", "val")
    struck = actors[1:-1]
    assert struck and {a for _, _, a in struck} == {"pat"}, struck
    assert "strikes" in {t for _, t, _ in struck}


def test_a_viewer_cannot_post_anything(app: FastAPI, users_db: tuple[Path, dict[str, str]]) -> None:
    vic = _signed_in(app, "vic")
    posts: list[tuple[str, dict[str, Any]]] = [
        ("/api/v1/proposals", {"json": OVERRIDE}),
        ("/api/v1/proposals/P000001/decision", {"json": {"decision": "approve", "reason": "x"}}),
        ("/api/v1/orders?dry_run=true", {"content": b"vehicle,date,kind,amount\n"}),
        (
            "/api/v1/determinations",
            {"json": {"factor": "fees", "evidence_sha256": "c" * 64, "text": "t"}},
        ),
        ("/api/v1/strike", {"json": {"to": AS_OF}}),
        ("/api/v1/ingest/orders?dry_run=true", {"content": b"vehicle,date,kind,amount\n"}),
    ]
    # a pending proposal for the decision's refusal to be about the role, not a missing id
    pat = _signed_in(app, "pat")
    assert pat.post("/api/v1/proposals", json=OVERRIDE).json()["proposal_id"] == "P000001"
    for url, kw in posts:
        r = vic.post(url, **kw)
        assert r.status_code == 403, (url, r.status_code, r.text)
        assert r.json()["user"] == "vic"
    # the viewer still reads
    assert vic.get(f"/api/v1/proposals?vehicle={VEHICLE}").status_code == 200
    assert vic.get("/api/v1/prices").status_code == 200


def test_login_and_logout_with_a_cookie(app: FastAPI) -> None:
    c = TestClient(app)
    r = c.post("/api/v1/login", json={"name": "rev", "password": "not the password"})
    assert r.status_code == 401
    r = c.post("/api/v1/login", json={"name": "nobody", "password": PASSWORD})
    assert r.status_code == 401
    assert r.json()["message"] == "unknown user or wrong password"
    r = c.post("/api/v1/login", json={"name": "rev"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "password"
    assert SESSION_COOKIE not in c.cookies

    r = c.post("/api/v1/login", data={"name": "rev", "password": PASSWORD})  # a form
    assert r.status_code == 200, r.text
    assert r.json()["roles"] == ["reviewer"]
    cookie = r.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Max-Age=28800" in cookie
    sid = c.cookies[SESSION_COOKIE]
    assert len(sid) >= 40 and "rev" not in sid
    assert c.get("/api/v1/ledger/log?limit=1").status_code == 200  # reviewer: read_history

    r = c.post("/api/v1/logout")
    assert r.status_code == 200
    assert SESSION_COOKIE not in c.cookies
    assert c.get("/api/v1/ledger/log?limit=1").status_code == 401
    c.cookies.set(SESSION_COOKIE, sid)  # the old session id is dead
    assert c.get("/api/v1/ledger/log?limit=1").status_code == 401


def test_expired_tokens_and_sessions_are_401(fresh_db: Path) -> None:
    tokens = _setup(fresh_db, expires_in=dt.timedelta(hours=1))
    offset = [dt.timedelta(0)]

    def clock() -> dt.datetime:
        return dt.datetime.now(dt.UTC).replace(tzinfo=None) + offset[0]

    with TestClient(create_app(fresh_db, clock=clock, session_hours=1.5)) as c:
        feed = _bearer(tokens["feed"])
        assert c.get("/api/v1/prices", headers=feed).status_code == 200
        app = c.app
        assert isinstance(app, FastAPI)
        rev = _signed_in(app, "rev")
        offset[0] = dt.timedelta(hours=1, minutes=1)
        r = c.get("/api/v1/prices", headers=feed)
        assert r.status_code == 401
        assert "expired" in r.json()["message"]
        assert r.headers["www-authenticate"].startswith("Bearer")
        assert rev.get("/api/v1/prices").status_code == 200  # the session lasts 1.5 h
        offset[0] = dt.timedelta(hours=2)
        assert rev.get("/api/v1/prices").status_code == 401
        assert (
            c.get("/api/v1/prices", headers=_bearer("alt_000000000000_" + "x" * 40)).status_code
            == 401
        )


def test_a_user_disabled_after_signing_in_is_refused(
    users_db: tuple[Path, dict[str, str]],
) -> None:
    db, _ = users_db
    web = create_app(db)
    with TestClient(web) as c:
        val = _signed_in(web, "val")
        assert val.get("/api/v1/prices").status_code == 200

        # the console (another writer) is locked out while the service runs: disable through
        # the service's own writer, as an admin's act
        from altsleeve.workflows.users import disable_user

        web.state.service.write(lambda led: disable_user(led, "val", ADMIN))
        assert val.get("/api/v1/prices").status_code == 401
        assert (
            c.post("/api/v1/login", json={"name": "val", "password": PASSWORD}).status_code == 401
        )
