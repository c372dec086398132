"""The web service's fixtures: the sample ledger struck to mid-2001, one token per role.

The ledger is built once (``ledger init``, ``marketdata load``, ``sample``, ``strike``: a few
seconds) and each test module or test that writes gets its own copy. The app holds its ledger
for writing, so a command run in the same process must use another file (or run before the
app is made).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from altsleeve.api import StaticAuthenticator, create_app
from altsleeve.cli import run
from altsleeve.ops import Principal, Role

AS_OF = "2001-06-29"
VEHICLE = "TDF2045"


def token(role: Role) -> str:
    return f"token-{role.value}"


def bearer(role: Role) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role)}"}


#: One user per role, each holding that role only, signed in with a bearer token.
AUTH = StaticAuthenticator(
    {token(r): Principal(f"user-{r.value}", frozenset({r})) for r in Role},
    {"session-auditor": Principal("user-auditor", frozenset({Role.AUDITOR}))},
)


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample book's ledger struck to 2001-06-29, its last day restruck (build once; copy).

    A late order of the last day, restated and restruck, gives ``strike diff`` two versions.
    """
    root = tmp_path_factory.mktemp("api-sample")
    db = root / "sample.duckdb"
    late = root / "late.csv"
    late.write_text(f"vehicle,date,kind,amount\n{VEHICLE},{AS_OF},purchase,1000000\n")
    for args in (
        ["ledger", "init"],
        ["marketdata", "load"],
        ["sample"],
        ["strike", "--to", AS_OF],
        ["ingest", "orders", str(late), "--restate", "--reason", "late order"],
        ["strike", "--date", AS_OF, "--restrike", "--reason", "late order"],
    ):
        assert run([*args, "--db", str(db)]) == 0, args
    return db


def copy_of(db: Path, folder: Path, name: str = "ledger.duckdb") -> Path:
    out = folder / name
    shutil.copy(db, out)
    return out


@pytest.fixture
def fresh_db(sample_db: Path, tmp_path: Path) -> Path:
    """A copy of the sample ledger for one test."""
    return copy_of(sample_db, tmp_path)


@pytest.fixture
def client(fresh_db: Path) -> Iterator[TestClient]:
    """The app on a fresh copy of the sample ledger (closed after the test)."""
    with TestClient(create_app(fresh_db, authenticator=AUTH)) as c:
        yield c
