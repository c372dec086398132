"""Each read endpoint serves exactly its use case's ``to_dict()``: the command's ``--json``.

The commands run first, on the module's ledger; then the app is made on the same file (the app
holds it for writing, so no command may open it in this process meanwhile) and each endpoint
is asked the same question.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from altsleeve.api import create_app
from altsleeve.cli import run
from altsleeve.ops import Role
from tests.api.conftest import AS_OF, AUTH, VEHICLE, bearer, copy_of

V = f"/api/v1/vehicles/{VEHICLE}"

#: (command arguments, endpoint URL): the same question both ways.
SAME: list[tuple[list[str], str]] = [
    (["vehicle", "list"], "/api/v1/vehicles"),
    (["vehicle", "show", "--date", "2000-06-30"], f"{V}?date=2000-06-30"),
    (["limits"], f"{V}/limits"),
    (["exceptions", "list", "--status", "all"], f"{V}/exceptions?status=all"),
    (["strike", "diff", "--date", AS_OF], f"{V}/strikes/{AS_OF}/diff"),
    (["dilution", "--to", "1999-06-30"], f"{V}/dilution?to=1999-06-30"),
    (["liquidity", "--paths", "50"], f"{V}/liquidity?paths=50"),
    (["calls", "--paths", "50", "--as-of", "2001-03-30"], f"{V}/calls?paths=50&as_of=2001-03-30"),
    (["fees", "stack", "--gross", "0.12"], f"{V}/fees/stack?gross=0.12"),
    (["fees", "breakeven"], f"{V}/fees/breakeven"),
    (["stress", "list"], "/api/v1/stress/scenarios"),
    (["marketdata", "list"], "/api/v1/series"),
    (["ledger", "status"], "/api/v1/ledger/status"),
    (["ledger", "log", "--limit", "5"], "/api/v1/ledger/log?limit=5"),
    (["valuation", "test", "--as-of", AS_OF], f"/api/v1/valuation/test?as_of={AS_OF}"),
]

NO_DB = {"stress", "fees"}

EXPORT = (["ledger", "export", "statements", "--as-known-on", "2000-12-31"], "statements")


@pytest.fixture(scope="module")
def served(
    sample_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The commands' printed output, then a client of the app on the same ledger."""
    db = copy_of(sample_db, tmp_path_factory.mktemp("api-reads"))
    printed: dict[str, str] = {}
    for args, _ in [*SAME, (EXPORT[0], "")]:
        out = io.StringIO()
        extra = [] if args[0] in NO_DB else ["--db", str(db)]
        json_flag = [] if args[:2] == ["ledger", "export"] else ["--json"]
        with contextlib.redirect_stdout(out):
            assert run([*args, *extra, *json_flag]) == 0, args
        printed[" ".join(args)] = out.getvalue()
    with TestClient(create_app(db, authenticator=AUTH)) as client:
        yield client, printed


@pytest.mark.parametrize(
    ("args", "url"), SAME, ids=lambda x: " ".join(x) if isinstance(x, list) else ""
)
def test_an_endpoint_serves_the_commands_json(
    served: tuple[TestClient, dict[str, str]], args: list[str], url: str
) -> None:
    client, printed = served
    r = client.get(url, headers=bearer(Role.AUDITOR))
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("application/json")
    expected: Any = json.loads(printed[" ".join(args)])
    assert r.json() == expected


def test_the_csv_export_is_the_commands_file(served: tuple[TestClient, dict[str, str]]) -> None:
    client, printed = served
    args, table = EXPORT
    r = client.get(
        f"/api/v1/ledger/export/{table}?as_known_on=2000-12-31&format=csv",
        headers=bearer(Role.AUDITOR),
    )
    assert r.status_code == 200
    assert r.text == printed[" ".join(args)]


def test_as_of_strikes_are_those_known_then(served: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = served
    h = bearer(Role.AUDITOR)
    every = client.get(f"{V}/strikes", headers=h).json()
    then = client.get(f"{V}/strikes?as_of=2000-12-29", headers=h).json()
    assert every[-1]["date"] == AS_OF and every[-1]["version"] == 2
    assert then and then[-1]["date"] == "2000-12-29"
    assert then == [s for s in every if s["date"] <= "2000-12-29"]
    assert len({s["date"] for s in every}) == len(every)


def test_bad_query_parameters_are_named(served: tuple[TestClient, dict[str, str]]) -> None:
    client, _ = served
    h = bearer(Role.AUDITOR)
    r = client.get(f"{V}/strikes?as_of=2000-13-45", headers=h)
    assert r.status_code == 422
    (problem,) = r.json()["errors"]
    assert problem["source"] == "<query>" and problem["column"] == "as_of"
    r = client.get("/api/v1/ledger/export/nope", headers=h)
    assert r.status_code == 422
    assert "unknown table 'nope'" in r.json()["errors"][0]["message"]
    r = client.get("/api/v1/vehicles/NOPE/limits", headers=h)
    assert r.status_code == 422
    assert "NOPE" in r.json()["errors"][0]["message"]
    r = client.get("/api/v1/valuation/test", headers=h)
    assert r.status_code == 422
    assert r.json()["errors"][0]["column"] == "as_of"
