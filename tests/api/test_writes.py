"""The write endpoints: ingest an uploaded file, strike; bad input is 422 and writes nothing.

Every refusal is checked against the ledger itself: the rows of every table and the audit
chain's head before and after are the same, and once the refusals' app is closed every table's
content fingerprint is what it was before them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from altsleeve.api import create_app
from altsleeve.ledger import Ledger
from altsleeve.ops import Role
from tests.api.conftest import AS_OF, AUTH, VEHICLE, bearer, copy_of

PREPARER = bearer(Role.PREPARER)


def _state(client: TestClient) -> tuple[Any, Any]:
    status = client.get("/api/v1/ledger/status", headers=bearer(Role.AUDITOR)).json()
    head = client.get("/api/v1/health").json()["audit_head"]
    return status["tables"], head


def _fingerprint(db: Path) -> dict[str, str]:
    with Ledger(db, read_only=True) as led:
        return led.content_fingerprint()


@pytest.fixture(scope="module")
def refusing(sample_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """One app for every refusal: after them all, each table's content is as it was."""
    db = copy_of(sample_db, tmp_path_factory.mktemp("api-refusals"))
    before = _fingerprint(db)
    with TestClient(create_app(db, authenticator=AUTH)) as client:
        yield client
    assert _fingerprint(db) == before


BAD_FILES: list[tuple[str, dict[str, Any], str | None, int | None]] = [
    # kind, request extras, the column named, the row named
    ("holdings", {"content": b"holding_id,name\nX1,x\n"}, "asset_class", None),
    (
        "orders",
        {
            "files": {
                "file": (
                    "late.csv",
                    f"vehicle,date,kind,amount\n{VEHICLE},2001-07-02,purchase,1000\n"
                    f"{VEHICLE},2001-07-03,purchase,-5\n".encode(),
                )
            }
        },
        "amount",
        2,
    ),
    (
        "orders",  # a different amount for an order already recorded, without restate
        {"content": f"vehicle,date,kind,amount\n{VEHICLE},{AS_OF},purchase,7\n".encode()},
        "amount",
        1,
    ),
    ("prices", {"content": b"series,date,level\nNOPE,2001-07-02,x\n"}, None, 1),
    ("series", {"content": b""}, None, None),
]


@pytest.mark.parametrize(("kind", "kw", "column", "row"), BAD_FILES)
def test_a_bad_file_is_422_naming_the_fault_and_writes_nothing(
    refusing: TestClient, kind: str, kw: dict[str, Any], column: str | None, row: int | None
) -> None:
    state = _state(refusing)
    r = refusing.post(f"/api/v1/ingest/{kind}", headers=PREPARER, **kw)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["total"] >= 1
    for p in body["errors"]:
        assert set(p) == {"source", "row", "column", "line", "message"}
        assert "altsleeve-upload-" not in p["source"]
    if column is not None:
        assert column in [p["column"] for p in body["errors"]], body
    if row is not None:
        assert row in [p["row"] for p in body["errors"]], body
    assert _state(refusing) == state


def test_options_without_a_reason_are_refused(refusing: TestClient) -> None:
    state = _state(refusing)
    body = b"vehicle,date,kind,amount\n"
    r = refusing.post("/api/v1/ingest/orders?restate=true", headers=PREPARER, content=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "--reason"
    r = refusing.post("/api/v1/ingest/nope", headers=PREPARER, content=body)
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "kind"
    assert _state(refusing) == state


BAD_STRIKES: list[tuple[dict[str, Any], str]] = [
    ({}, "to"),
    ({"to": "2001-13-01"}, "to"),
    ({"to": "2001-07-31", "from": "2001-08-31"}, "from"),
    ({"to": "2001-07-31", "restrike": True}, "reason"),
    ({"to": "2001-07-31", "vehicle": "NOPE"}, "--vehicle"),
    ({"to": "2001-07-31", "surprise": 1}, "surprise"),
]


@pytest.mark.parametrize(("body", "column"), BAD_STRIKES)
def test_a_bad_strike_body_is_422_and_writes_nothing(
    refusing: TestClient, body: dict[str, Any], column: str
) -> None:
    state = _state(refusing)
    r = refusing.post("/api/v1/strike", headers=PREPARER, json=body)
    assert r.status_code == 422, r.text
    assert column in [p["column"] for p in r.json()["errors"]], r.json()
    assert _state(refusing) == state


def test_ingest_then_strike(client: TestClient) -> None:
    tables, head = _state(client)
    orders = f"vehicle,date,kind,amount\n{VEHICLE},2001-07-02,purchase,250000\n".encode()
    r = client.post(
        "/api/v1/ingest/orders",
        headers=PREPARER,
        files={"file": ("july.csv", orders, "text/csv")},
    )
    assert r.status_code == 200, r.text
    res = r.json()
    assert (res["kind"], res["rows"], res["new"], res["batch_id"]) == (
        "orders",
        1,
        1,
        head["seq"] + 1,
    )
    assert res["file"].endswith("july.csv")
    again = client.post("/api/v1/ingest/orders?filename=july.csv", headers=PREPARER, content=orders)
    assert again.json()["unchanged"] == 1 and again.json()["batch_id"] is None
    r = client.post(
        "/api/v1/strike", headers=PREPARER, json={"from": "2001-07-02", "to": "2001-07-31"}
    )
    assert r.status_code == 200, r.text
    run_ = r.json()
    assert run_["vehicle"] == VEHICLE and run_["new"] == run_["days"] > 15
    assert run_["last_strike"] == "2001-07-31"
    after, _ = _state(client)
    assert after["orders"]["rows"] == tables["orders"]["rows"] + 1
    assert after["strikes"]["rows"] == tables["strikes"]["rows"] + run_["days"]
    log = client.get("/api/v1/ledger/log?limit=2", headers=bearer(Role.AUDITOR)).json()
    assert [e["action"] for e in log] == ["strike", "ingest"]


def test_a_dry_run_validates_and_writes_nothing(client: TestClient) -> None:
    state = _state(client)
    orders = f"vehicle,date,kind,amount\n{VEHICLE},2001-07-02,purchase,1\n".encode()
    r = client.post("/api/v1/ingest/orders?dry_run=true", headers=PREPARER, content=orders)
    assert r.status_code == 200
    assert r.json()["valid"] is True and r.json()["written"] == 0
    assert _state(client) == state
