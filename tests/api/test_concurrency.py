"""One writer, concurrent readers: reads never wait for a write, writes wait for each other.

``Ledger.reader`` views see the last committed state; the service's writes run one at a time;
concurrent uploads all land, in one unbroken audit chain. Every wait here is bounded.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from altsleeve.api import LedgerService, create_app
from altsleeve.ledger import Ledger, ingest_file
from altsleeve.ops import Role
from tests.api.conftest import AUTH, VEHICLE, bearer

AUDITOR = bearer(Role.AUDITOR)
PREPARER = bearer(Role.PREPARER)

#: A read must answer within this many seconds while a write runs (it takes milliseconds).
PROMPT = 2.0


def _orders(folder: Path, day: str, amount: int = 1000) -> Path:
    path = folder / f"orders-{day}.csv"
    path.write_text(f"vehicle,date,kind,amount\n{VEHICLE},{day},purchase,{amount}\n")
    return path


def test_a_view_reads_the_last_commit_and_refuses_to_write(
    db: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    prices = write("more.csv", "series,date,level\nIDX,2008-01-07,98\n")
    with Ledger(db) as led:
        view = led.reader()
        before = view.counts()["prices"]["rows"]
        with led.transaction():
            ingest_file(led, "prices", prices)
            assert led.counts()["prices"]["rows"] == before + 1
            assert view.counts()["prices"]["rows"] == before  # not committed yet
        assert view.counts()["prices"]["rows"] == before + 1
        with pytest.raises(PermissionError):
            ingest_file(view, "prices", write("p2.csv", "series,date,level\nIDX,2008-01-08,97\n"))
        limit = led._con.execute("SELECT current_setting('memory_limit')").fetchone()
        with view.bounded_memory("100MB"):
            now = led._con.execute("SELECT current_setting('memory_limit')").fetchone()
            assert now == limit  # a view leaves the database's settings to its owner
        view.close()
        assert led.counts()["prices"]["rows"] == before + 1  # the writer is still open


def test_the_service_serialises_writes_and_reads_meanwhile(
    db: Path, write: Callable[[str, str | bytes], Path]
) -> None:
    svc = LedgerService(db)
    entered, release = threading.Event(), threading.Event()
    order: list[str] = []

    def slow(led: Ledger) -> None:
        with led.transaction():
            ingest_file(led, "prices", write("a.csv", "series,date,level\nIDX,2008-01-07,98\n"))
            order.append("slow in")
            entered.set()
            assert release.wait(10)
        order.append("slow out")

    def quick(led: Ledger) -> None:
        order.append("quick")
        ingest_file(led, "prices", write("b.csv", "series,date,level\nIDX,2008-01-08,97\n"))

    try:
        with ThreadPoolExecutor(2) as pool:
            first = pool.submit(svc.write, slow)
            assert entered.wait(10)
            second = pool.submit(svc.write, quick)
            t = time.monotonic()
            with svc.read() as view:
                rows = view.counts()["prices"]["rows"]
            assert time.monotonic() - t < PROMPT
            assert svc.writing and not second.done()
            release.set()
            first.result(10)
            second.result(10)
        assert order == ["slow in", "slow out", "quick"]
        with svc.read() as view:
            assert view.counts()["prices"]["rows"] == rows + 2
    finally:
        svc.close()
    with Ledger(db, read_only=True) as led:
        assert led.verify().ok


def test_reads_answer_while_a_write_holds_its_transaction(fresh_db: Path, tmp_path: Path) -> None:
    with TestClient(create_app(fresh_db, authenticator=AUTH)) as client:
        before = client.get("/api/v1/ledger/status", headers=AUDITOR).json()
        head = client.get("/api/v1/health").json()["audit_head"]
        entered, release = threading.Event(), threading.Event()

        def hold(led: Ledger) -> None:
            with led.transaction():
                ingest_file(led, "orders", _orders(tmp_path, "2001-07-02"))
                entered.set()
                assert release.wait(20)

        svc: LedgerService = client.app.state.service  # type: ignore[attr-defined]
        with ThreadPoolExecutor(2) as pool:
            held = pool.submit(svc.write, hold)
            assert entered.wait(20)
            strike = pool.submit(
                client.post, "/api/v1/strike", headers=PREPARER, json={"to": "2001-07-31"}
            )
            for _ in range(3):
                t = time.monotonic()
                during = client.get("/api/v1/ledger/status", headers=AUDITOR)
                health = client.get("/api/v1/health").json()
                assert time.monotonic() - t < PROMPT
                assert during.json() == before  # the uncommitted rows do not show
                assert health["audit_head"] == head and health["writing"] is True
            time.sleep(0.3)
            assert not strike.done()  # the strike waits for the write in progress
            release.set()
            held.result(20)
            r = strike.result(60)
        assert r.status_code == 200, r.text
        after = client.get("/api/v1/ledger/status", headers=AUDITOR).json()["tables"]
        assert after["orders"]["rows"] == before["tables"]["orders"]["rows"] + 1
        assert after["strikes"]["rows"] == before["tables"]["strikes"]["rows"] + r.json()["days"]
        log = client.get("/api/v1/ledger/log?limit=2", headers=AUDITOR).json()
        assert [e["action"] for e in log] == ["strike", "ingest"]
        assert log[1]["seq"] == head["seq"] + 1


def test_concurrent_uploads_all_land_in_one_chain(fresh_db: Path) -> None:
    names = [f"NEW{i}" for i in range(6)]
    with TestClient(create_app(fresh_db, authenticator=AUTH)) as client:
        before = client.get("/api/v1/ledger/status", headers=AUDITOR).json()["tables"]

        def upload(name: str) -> Any:
            body = (
                "series,description,unit,frequency,asset_type\n"
                f"{name},Series {name},index,daily,equity\n"
            ).encode()
            return client.post(
                f"/api/v1/ingest/series?filename={name}.csv", headers=PREPARER, content=body
            )

        with ThreadPoolExecutor(len(names)) as pool:
            results = list(pool.map(upload, names, timeout=60))
        assert [r.status_code for r in results] == [200] * len(names), [r.text for r in results]
        batches = sorted(r.json()["batch_id"] for r in results)
        assert batches == list(range(batches[0], batches[0] + len(names)))
        after = client.get("/api/v1/ledger/status", headers=AUDITOR).json()["tables"]
        assert after["series"]["rows"] == before["series"]["rows"] + len(names)
    with Ledger(fresh_db, read_only=True) as led:
        report = led.verify()
    assert report.ok, report.problems


def test_reads_stay_prompt_during_a_long_strike(fresh_db: Path) -> None:
    with TestClient(create_app(fresh_db, authenticator=AUTH)) as client:
        start = client.get("/api/v1/ledger/status", headers=AUDITOR).json()["tables"]["strikes"]
        with ThreadPoolExecutor(1) as pool:
            strike = pool.submit(
                client.post, "/api/v1/strike", headers=PREPARER, json={"to": "2002-12-31"}
            )
            waits: list[float] = []
            rows: list[int] = []
            deadline = time.monotonic() + 120
            while not strike.done() and time.monotonic() < deadline:
                t = time.monotonic()
                r = client.get("/api/v1/ledger/status", headers=AUDITOR)
                waits.append(time.monotonic() - t)
                rows.append(r.json()["tables"]["strikes"]["rows"])
            r = strike.result(120)
        assert r.status_code == 200, r.text
        assert waits and max(waits) < PROMPT, max(waits)
        assert rows == sorted(rows)  # each read sees a committed state, never one undone
        end = client.get("/api/v1/ledger/status", headers=AUDITOR).json()["tables"]["strikes"]
        assert end["rows"] == start["rows"] + r.json()["days"]
