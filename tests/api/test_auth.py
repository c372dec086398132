"""Who may call what: health without auth, 401 without credentials, the role x route matrix.

The matrix is derived from ``app.routes``: each route's declared action (its OpenAPI
``x-altsleeve-action``, and ``x-altsleeve-action-when`` for a parameter that needs more) and
:func:`altsleeve.ops.allowed` give the expected answer for every role, so a new route cannot
escape it (a route without a sample request here fails the test). The proposal routes declare
an action per kind: their sample request's kind (:data:`SAMPLE_KINDS`) picks the one expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from altsleeve.api import (
    ACTION_KEY,
    ACTION_WHEN_KEY,
    HEALTH_PATH,
    OPEN_PATHS,
    AuthError,
    StaticAuthenticator,
    create_app,
)
from altsleeve.cli import run
from altsleeve.ledger import Ledger
from altsleeve.ops import Action, Principal, Role, allowed, roles_for
from altsleeve.workflows.approvals import propose
from tests.api.conftest import AS_OF, AUTH, VEHICLE, bearer, copy_of

V = f"/api/v1/vehicles/{VEHICLE}"
ORDERS = f"vehicle,date,kind,amount\n{VEHICLE},2001-07-02,purchase,1000\n".encode()

#: One cheap, valid request per route (method, path): the URL and the request's extras.
SAMPLES: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/api/v1/vehicles"): ("/api/v1/vehicles", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}"): (V, {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/strikes"): (f"{V}/strikes", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/strikes/{date}/diff"): (
        f"{V}/strikes/{AS_OF}/diff",
        {},
    ),
    ("GET", "/api/v1/vehicles/{vehicle_id}/limits"): (f"{V}/limits", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/exceptions"): (f"{V}/exceptions", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/dilution"): (f"{V}/dilution?to=1999-02-26", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/liquidity"): (f"{V}/liquidity?paths=50", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/calls"): (f"{V}/calls?paths=50", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/perf"): (f"{V}/perf", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/fees/stack"): (f"{V}/fees/stack", {}),
    ("GET", "/api/v1/vehicles/{vehicle_id}/fees/breakeven"): (f"{V}/fees/breakeven", {}),
    ("GET", "/api/v1/stress/scenarios"): ("/api/v1/stress/scenarios", {}),
    ("GET", "/api/v1/series"): ("/api/v1/series", {}),
    ("GET", "/api/v1/ledger/status"): ("/api/v1/ledger/status", {}),
    ("GET", "/api/v1/ledger/log"): ("/api/v1/ledger/log?limit=3", {}),
    ("GET", "/api/v1/ledger/export/{table}"): ("/api/v1/ledger/export/holdings", {}),
    ("GET", "/api/v1/valuation/test"): (f"/api/v1/valuation/test?as_of={AS_OF}", {}),
    ("POST", "/api/v1/ingest/{kind}"): ("/api/v1/ingest/orders?dry_run=true", {"content": ORDERS}),
    ("POST", "/api/v1/strike"): ("/api/v1/strike", {"json": {"to": AS_OF}}),
    ("POST", "/api/v1/proposals"): (
        "/api/v1/proposals",
        {
            "json": {
                "kind": "override",
                "vehicle": VEHICLE,
                "effective": AS_OF,
                "payload": {"holding_id": "BO-08", "value": 1.0},
                "reason": "matrix",
            }
        },
    ),
    ("GET", "/api/v1/proposals"): (f"/api/v1/proposals?vehicle={VEHICLE}&status=pending", {}),
    # P000001 is proposed by user-preparer when the app is made: only its checker may decide
    ("POST", "/api/v1/proposals/{proposal_id}/decision"): (
        "/api/v1/proposals/P000001/decision",
        {"json": {"decision": "reject", "reason": "matrix"}},
    ),
    ("GET", "/api/v1/vehicles/{vehicle_id}/cycle"): (f"{V}/cycle?date={AS_OF}", {}),
    ("GET", "/api/v1/prices"): ("/api/v1/prices?format=csv", {}),
    ("POST", "/api/v1/orders"): ("/api/v1/orders?dry_run=true", {"content": ORDERS}),
    ("POST", "/api/v1/determinations"): (
        "/api/v1/determinations",
        {"json": {"factor": "fees", "evidence_sha256": "a" * 64, "text": "reasonable"}},
    ),
    ("GET", "/api/v1/determinations"): (f"/api/v1/determinations?evidence_sha256={'a' * 64}", {}),
}

#: The kind of the sample request of a route whose action depends on it.
SAMPLE_KINDS = {
    ("POST", "/api/v1/proposals"): "override",
    ("POST", "/api/v1/proposals/{proposal_id}/decision"): "override",
}

#: Values for the parameters that need a further action (``x-altsleeve-action-when``).
WHEN_VALUES = {"as_of": "2000-12-29"}

#: Routes not served yet: the status an allowed caller gets instead of a 2xx (and why).
PENDING = {("GET", "/api/v1/vehicles/{vehicle_id}/perf"): 501}  # the use case opens the file


@pytest.fixture(scope="module")
def app(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FastAPI]:
    db = copy_of(sample_db, tmp_path_factory.mktemp("api-auth"))
    maker = Principal("user-preparer", frozenset({Role.PREPARER}))
    with Ledger(db) as led:
        p = propose(
            led,
            "override",
            VEHICLE,
            date.fromisoformat(AS_OF),
            {"holding_id": "BO-08", "value": 2.0},
            maker,
            "for the matrix's checker",
        )
    assert p.proposal_id == "P000001"
    web = create_app(db, authenticator=AUTH)
    with TestClient(web):
        yield web


@pytest.fixture(scope="module")
def client(app: FastAPI) -> TestClient:
    return TestClient(app)


def _routes(app: FastAPI) -> list[APIRoute]:
    return [r for r in app.routes if isinstance(r, APIRoute) and r.path not in OPEN_PATHS]


def _action(route: APIRoute, method: str) -> Action:
    """The declared action; for a route declaring one per kind, that of its sample's kind."""
    declared = (route.openapi_extra or {})[ACTION_KEY]
    if isinstance(declared, dict):
        return Action(declared[SAMPLE_KINDS[(method, route.path)]])
    return Action(declared)


def _cases(app: FastAPI) -> list[tuple[str, str, str, dict[str, Any], set[Action]]]:
    """(method, path, url, extras, actions needed) for every route and each 'when' variant."""
    out = []
    for route in _routes(app):
        extra = route.openapi_extra or {}
        for method in sorted(route.methods):
            assert (method, route.path) in SAMPLES, (
                f"add a sample request for {method} {route.path}"
            )
            action = _action(route, method)
            url, kw = SAMPLES[(method, route.path)]
            out.append((method, route.path, url, kw, {action}))
            for param, more in extra.get(ACTION_WHEN_KEY, {}).items():
                sep = "&" if "?" in url else "?"
                with_param = f"{url}{sep}{param}={WHEN_VALUES[param]}"
                out.append((method, route.path, with_param, kw, {action, Action(more)}))
    return out


def test_health_needs_no_credentials(client: TestClient) -> None:
    r = client.get(HEALTH_PATH)
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert body["schema_version"] >= 1
    assert len(body["audit_head"]["entry_hash"]) == 64
    assert body["ledger"].endswith(".duckdb")


def test_every_route_declares_an_action_and_has_a_sample(app: FastAPI) -> None:
    paths = {(m, r.path) for r in _routes(app) for m in r.methods}
    assert paths == set(SAMPLES)
    spec = app.openapi()
    for r in _routes(app):
        for m in r.methods:
            assert ACTION_KEY in spec["paths"][r.path][m.lower()]


def test_every_route_refuses_a_caller_without_credentials(app: FastAPI, client: TestClient) -> None:
    for method, path, url, kw, _ in _cases(app):
        r = client.request(method, url, **kw)
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["www-authenticate"] == "Bearer"
        r = client.request(method, url, headers={"Authorization": "Bearer nope"}, **kw)
        assert r.status_code == 401, (method, path)
        assert r.headers["www-authenticate"].startswith("Bearer")
        r = client.request(method, url, headers={"Authorization": "Basic eDp5"}, **kw)
        assert r.status_code == 401, (method, path)


@pytest.mark.parametrize("role", list(Role), ids=str)
def test_role_matrix(app: FastAPI, client: TestClient, role: Role) -> None:
    for method, path, url, kw, actions in _cases(app):
        r = client.request(method, url, headers=bearer(role), **kw)
        may = all(allowed([role], a) for a in actions)
        if not may:
            assert r.status_code == 403, (role, method, url, r.status_code, r.text)
            body = r.json()
            refused = Action(body["action"])
            assert refused in actions and not allowed([role], refused)
            assert body["roles"] == [x.value for x in roles_for(refused)]
            assert body["user"] == f"user-{role.value}"
        elif (method, path) in PENDING:
            assert r.status_code == PENDING[(method, path)], (role, url, r.text)
        else:
            assert 200 <= r.status_code < 300, (role, method, url, r.status_code, r.text[:500])


def test_a_session_cookie_signs_in(client: TestClient) -> None:
    client.cookies.set("altsleeve_session", "session-auditor")
    try:
        assert client.get("/api/v1/ledger/log?limit=1").status_code == 200
        client.cookies.set("altsleeve_session", "expired")
        assert client.get("/api/v1/ledger/log?limit=1").status_code == 401
    finally:
        client.cookies.clear()


def test_the_refusal_names_the_action_and_the_roles(client: TestClient) -> None:
    r = client.get("/api/v1/ledger/log", headers=bearer(Role.VIEWER))
    assert r.status_code == 403
    assert r.json() == {
        "error": "forbidden",
        "message": "user-viewer may not read_history: it needs the role auditor, reviewer, "
        "valuation_committee",
        "user": "user-viewer",
        "action": "read_history",
        "roles": ["auditor", "reviewer", "valuation_committee"],
        "scopes": [],
    }


def test_a_token_limited_by_scopes_is_refused_what_its_scopes_lack(sample_db: Path) -> None:
    bot = Principal("feed", frozenset({Role.PREPARER}), frozenset({"nav:read"}), "token")
    web = create_app(sample_db, authenticator=StaticAuthenticator({"bot": bot}))
    with TestClient(web) as c:
        h = {"Authorization": "Bearer bot"}
        assert c.get("/api/v1/ledger/status", headers=h).status_code == 200
        r = c.post("/api/v1/strike", headers=h, json={"to": AS_OF})
        assert r.status_code == 403
        assert r.json()["scopes"] == ["nav:strike"]


def test_static_authenticator_specs() -> None:
    auth = StaticAuthenticator.from_specs(["ann:viewer,auditor:t1", "bob:preparer:t2"])
    assert auth.from_bearer("t1").roles == {Role.VIEWER, Role.AUDITOR}
    with pytest.raises(AuthError):
        auth.from_bearer("t3")
    with pytest.raises(AuthError):
        auth.from_session("t1")
    for bad in ("ann:viewer", "ann::t1", "ann:boss:t1"):
        with pytest.raises(ValueError):
            StaticAuthenticator.from_specs([bad])
    with pytest.raises(ValueError, match="twice"):
        StaticAuthenticator.from_specs(["a:viewer:t", "b:viewer:t"])


def test_an_object_without_the_protocol_is_no_authenticator(sample_db: Path) -> None:
    with pytest.raises(TypeError):
        create_app(sample_db, authenticator=object())  # type: ignore[arg-type]


def test_serve_refuses_to_run_open_or_off_loopback(
    sample_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    started: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(kw))
    db = ["--db", str(sample_db)]
    assert run(["serve", *db, "--dev-token", "a:viewer:t", "--host", "0.0.0.0"]) == 2
    assert "loopback" in capsys.readouterr().err
    assert run(["serve", *db, "--dev-token", "a:boss:t"]) == 2
    assert not started
    assert run(["serve", *db, "--dev-token", "a:viewer:t", "--port", "8123"]) == 0
    assert started == [{"host": "127.0.0.1", "port": 8123, "log_level": "info"}]


def test_serve_uses_the_ledgers_users_by_default(
    sample_db: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import uvicorn

    from altsleeve.api import LedgerAuthenticator

    started: list[Any] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: started.append(app))
    assert run(["serve", "--db", str(sample_db), "--session-hours", "2"]) == 0
    (web,) = started
    auth = web.state.authenticator
    assert isinstance(auth, LedgerAuthenticator)
    assert auth.session_life.total_seconds() == 2 * 3600
    assert "restart signs everyone out" in capsys.readouterr().err


def test_the_operations_doc_lists_every_route_with_its_action(app: FastAPI) -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    for path in OPEN_PATHS:
        method = "GET" if path == HEALTH_PATH else "POST"
        assert f"| `{method}` | `{path}` | none |" in doc, path
    for route in _routes(app):
        extra = route.openapi_extra or {}
        for method in route.methods:
            declared = extra[ACTION_KEY]
            if isinstance(declared, dict):
                row = f"| `{method}` | `{route.path}` | the kind's "
                assert row in doc, row
                line = doc[doc.index(row) :].splitlines()[0]
                for action in declared.values():
                    assert f"`{action}`" in line, (row, action)
                continue
            row = f"| `{method}` | `{route.path}` | `{declared}`"
            assert row in doc, row
            for param, more in extra.get(ACTION_WHEN_KEY, {}).items():
                assert f"{row} (with `{param}`: `{more}`) |" in doc
