"""Schema fuzzing: requests generated from ``/openapi.json`` never get a server error (5xx).

Schemathesis reads the app's own OpenAPI description in-process (ASGI) and, for every
operation, sends a bounded number of generated requests (valid ones, then ones that break the
schema) as a user of the ledger holding every role but admin. Each answer must not be a 5xx:
bad input is a 4xx naming the field, never an internal error. Two callers: the ledger's own
sign-in (``LedgerAuthenticator``) with an API token carrying every scope, and the same roles as
a person (a static authenticator: a token cannot propose or decide, a person can), so the four
eyes routes are fuzzed past their permission check. ``perf`` answers 501 by design (not served
yet) and is left out; so is ``login`` under the static authenticator (501: tokens only).

Generated values are kept cheap where the schema allows costly work: scenario ``paths`` at most
50, a strike's days within a month of the sample ledger's last strike, a valuation test's
``as_of`` within the year before it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error

from altsleeve.api import LOGIN_PATH, StaticAuthenticator, create_app
from altsleeve.ledger import Ledger
from altsleeve.ops import SCOPES, Principal, Role
from altsleeve.workflows.users import add_user, issue_token
from tests.api.conftest import AS_OF, copy_of

ROLES = sorted(r.value for r in Role if r is not Role.ADMIN)
ADMIN = Principal("admin", frozenset({Role.ADMIN}))
EXAMPLES = 10
#: Not served yet: 501 by design (see the route's docstring).
SKIP = {("GET", "/api/v1/vehicles/{vehicle_id}/perf")}
LAST = dt.date.fromisoformat(AS_OF)


@pytest.fixture(scope="module", params=["ledger-token", "person"])
def served(
    request: pytest.FixtureRequest, sample_db: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[FastAPI, dict[str, str], set[tuple[str, str]]]]:
    """The app on a copy of the sample ledger, the caller's headers, the operations left out."""
    db = copy_of(sample_db, tmp_path_factory.mktemp("fuzz"))
    if request.param == "ledger-token":
        now = dt.datetime.now(dt.UTC)
        with Ledger(db) as led:
            add_user(led, "fuzz", ROLES, "a long enough password", ADMIN)
            text, _ = issue_token(led, "fuzz", sorted(SCOPES), now + dt.timedelta(days=1), ADMIN)
        app = create_app(db)
        skip = SKIP
    else:
        text = "token-person"
        person = Principal("fuzz", frozenset(Role(r) for r in ROLES))
        app = create_app(db, authenticator=StaticAuthenticator({text: person}))
        skip = SKIP | {("POST", LOGIN_PATH)}
    yield app, {"Authorization": f"Bearer {text}"}, skip
    app.state.service.close()


def _day(value: Any, lo: dt.date, hi: dt.date) -> Any:
    """A generated date moved into ``lo..hi`` (a value that is not a date is left alone)."""
    try:
        day = dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        return value
    return min(max(day, lo), hi).isoformat()


def _cheap(case: schemathesis.Case) -> schemathesis.Case:
    """Bound the generated requests' cost (scenario paths, a strike's days)."""
    query = case.query or {}
    if isinstance(query.get("paths"), int) and query["paths"] > 50:
        query["paths"] = 50
    if case.operation.path == "/api/v1/valuation/test" and "as_of" in query:
        query["as_of"] = _day(query["as_of"], LAST - dt.timedelta(days=366), LAST)
    if case.operation.path == "/api/v1/strike" and isinstance(case.body, dict):
        hi = LAST + dt.timedelta(days=31)
        for key in ("from", "to"):
            if key in case.body:
                case.body[key] = _day(case.body[key], LAST - dt.timedelta(days=31), hi)
    return case


def _operations(app: FastAPI, skip: set[tuple[str, str]]) -> list[Any]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    ops = [result.ok() for result in schema.get_all_operations()]
    return [op for op in ops if (op.method.upper(), op.path) not in skip]


def test_no_server_error(served: tuple[FastAPI, dict[str, str], set[tuple[str, str]]]) -> None:
    app, headers, skip = served
    failures: list[str] = []
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
        for op in _operations(app, skip):

            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                phases=[Phase.explicit, Phase.generate],  # no shrinking: the first failure
                suppress_health_check=list(HealthCheck),
            )
            @given(case=op.as_strategy(generation_mode=mode).map(_cheap))
            def fuzz(case: schemathesis.Case) -> None:
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])

            try:
                fuzz()
            except Unsatisfiable:  # nothing to break (an operation without parameters)
                pass
            except Exception as exc:  # every operation is tried; the failures listed at the end
                failures.append(f"{mode.value} {op.method.upper()} {op.path}: {exc}")
    assert not failures, "\n".join(failures)
