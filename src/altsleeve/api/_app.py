"""The application: ``create_app``, the health check and the mapping of errors to HTTP.

Owns the FastAPI app (OpenAPI at ``/openapi.json``), its lifespan (the ledger opened by
:class:`~altsleeve.api._service.LedgerService` when the app is made, closed at shutdown), the
unauthenticated ``GET /api/v1/health``, and the error bodies: bad input 422
``{"errors": [{"source", "row", "column", "line", "message"}], "total"}``, no or unknown
credentials 401 (``WWW-Authenticate: Bearer``), a refused action 403 naming the action and the
roles that may. Must not compute a figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from altsleeve import __version__
from altsleeve.api._auth import ACTION_KEY, Authenticator, AuthError, NotAuthenticatedError
from altsleeve.api._json import ResultJSON
from altsleeve.api._routes import add_routes
from altsleeve.api._service import LedgerService
from altsleeve.errors import InputError, Problem
from altsleeve.ops import Forbidden
from altsleeve.workflows.fund import StrikeStoppedError

#: The path of the health check, the one route without authentication.
HEALTH_PATH = "/api/v1/health"


def _problem(p: Problem) -> dict[str, Any]:
    return {
        "source": p.file,
        "row": p.row,
        "column": p.column,
        "line": p.line,
        "message": p.message,
    }


def _errors(problems: Sequence[Problem], total: int, **more: Any) -> ResultJSON:
    return ResultJSON(
        {"errors": [_problem(p) for p in problems], "total": total, **more}, status_code=422
    )


async def _input_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, InputError)
    more = {"run": exc.run.to_dict()} if isinstance(exc, StrikeStoppedError) else {}
    return _errors(exc.problems, exc.total, **more)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """FastAPI's own 422 (a missing or malformed parameter or body field), in the same shape."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for e in exc.errors():
        loc = [str(x) for x in e.get("loc", ())]
        where = loc[0] if loc else "request"
        problems.append(
            Problem(f"<{where}>", str(e.get("msg", "invalid")), column=".".join(loc[1:]) or None)
        )
    return _errors(problems, len(problems))


async def _forbidden(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Forbidden)
    return ResultJSON(
        {
            "error": "forbidden",
            "message": str(exc),
            "user": exc.user,
            "action": exc.action.value,
            "roles": [r.value for r in exc.roles],
            "scopes": list(exc.scopes),
        },
        status_code=403,
    )


async def _unauthenticated(request: Request, exc: Exception) -> Response:
    challenge = (
        "Bearer" if isinstance(exc, NotAuthenticatedError) else 'Bearer error="invalid_token"'
    )
    return ResultJSON(
        {"error": "unauthenticated", "message": str(exc)},
        status_code=401,
        headers={"WWW-Authenticate": challenge},
    )


def create_app(
    db: Path,
    *,
    authenticator: Authenticator,
    clock: Callable[[], dt.datetime] | None = None,
    lock_timeout: float | None = None,
) -> FastAPI:
    """The web service on the ledger ``db``: REST under ``/api/v1``, OpenAPI at ``/openapi.json``.

    The ledger is opened here, for writing (the service is its single writer: see
    :mod:`altsleeve.api._service`), and closed when the app shuts down.

    Parameters
    ----------
    db : Path
        An existing ledger.
    authenticator : Authenticator
        Who the callers are (:class:`~altsleeve.api.StaticAuthenticator` for tests and local
        trials; the user store's for production).
    clock : callable, optional
        The ledger's clock (current UTC time, naive), for recorded times.
    lock_timeout : float, optional
        Seconds to wait for another process holding the file.

    Raises
    ------
    InputError
        The ledger cannot be opened (missing, not a ledger, held by another process).
    TypeError
        ``authenticator`` has no ``from_bearer``/``from_session``.
    """
    if not isinstance(authenticator, Authenticator):
        raise TypeError("authenticator must have from_bearer(token) and from_session(cookie)")
    service = LedgerService(db, clock=clock, lock_timeout=lock_timeout)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.close()

    app = FastAPI(
        title="altsleeve",
        version=__version__,
        description="The private-markets sleeve's ledger, strikes and reports. Each endpoint "
        "serves one use case's result, the same JSON as the command's --json; the action "
        f"each requires is its operation's `{ACTION_KEY}`.",
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.service = service
    app.state.authenticator = authenticator
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Forbidden, _forbidden)
    app.add_exception_handler(AuthError, _unauthenticated)

    @app.get(HEALTH_PATH, response_class=ResultJSON, response_model=None)
    def health() -> Response:
        """Alive, without authentication: the ledger, its schema version and audit chain head."""
        with service.read() as led:
            version = led.schema_version
            head = led.audit_log(limit=1)
        last = head.iloc[0] if len(head) else None
        return ResultJSON(
            {
                "status": "ok",
                "ledger": str(service.path),
                "schema_version": version,
                "audit_head": None
                if last is None
                else {
                    "seq": last["seq"],
                    "recorded_at": last["recorded_at"],
                    "entry_hash": last["entry_hash"],
                },
                "writing": service.writing,
            }
        )

    add_routes(app)
    for route in app.routes:
        declared = isinstance(route, APIRoute) and ACTION_KEY in (route.openapi_extra or {})
        if isinstance(route, APIRoute) and route.path != HEALTH_PATH and not declared:
            raise RuntimeError(f"{route.path} declares no action")
    return app


__all__ = ["HEALTH_PATH", "create_app"]
