"""The application: ``create_app``, the health check, sign-in and the mapping of errors to HTTP.

Owns the FastAPI app (OpenAPI at ``/openapi.json``), its lifespan (the ledger opened by
:class:`~altsleeve.api._service.LedgerService` when the app is made, closed at shutdown), the
routes without an action (``GET /api/v1/health``, ``POST /api/v1/login`` and
``POST /api/v1/logout``), and the error bodies: bad input 422
``{"errors": [{"source", "row", "column", "line", "message"}], "total"}``, no or unknown
credentials 401 (``WWW-Authenticate: Bearer``), a refused action 403 naming the action and the
roles that may, a four-eyes refusal 409 with its ``code``. Must not compute a figure.
"""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute

from altsleeve import __version__
from altsleeve.api._auth import (
    ACTION_KEY,
    SESSION_COOKIE,
    Authenticator,
    AuthError,
    NotAuthenticatedError,
)
from altsleeve.api._identity import SESSION_HOURS, LedgerAuthenticator, SessionIssuer
from altsleeve.api._json import ResultJSON
from altsleeve.api._routes import add_routes
from altsleeve.api._service import LedgerService
from altsleeve.errors import InputError, Problem
from altsleeve.ops import Forbidden, RefusedError
from altsleeve.workflows.fund import StrikeStoppedError

#: The path of the health check (no authentication).
HEALTH_PATH = "/api/v1/health"

#: Signing in with a name and password (a session cookie) and out: no authentication.
LOGIN_PATH = "/api/v1/login"
LOGOUT_PATH = "/api/v1/logout"

#: The routes that declare no action: anyone may call them.
OPEN_PATHS = frozenset({HEALTH_PATH, LOGIN_PATH, LOGOUT_PATH})


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


async def _refused(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RefusedError)
    return ResultJSON({"error": "refused", "code": exc.code, "message": str(exc)}, status_code=409)


async def _credentials(request: Request) -> tuple[str, str]:
    """The name and password of a sign-in: a form (urlencoded) or a JSON object."""
    ctype = request.headers.get("content-type", "").lower()
    body = await request.body()
    fields: dict[str, object] = {}
    if ctype.startswith("application/json"):
        try:
            given = json.loads(body or b"{}")
        except ValueError:
            given = None
        if not isinstance(given, dict):
            raise InputError([Problem("<body>", "must be a JSON object")])
        fields = given
    else:
        parsed = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        fields = {k: v[0] for k, v in parsed.items()}
    problems = [
        Problem("<body>", "required (a text)", column=key)
        for key in ("name", "password")
        if not isinstance(fields.get(key), str) or not str(fields.get(key))
    ]
    if problems:
        raise InputError(problems)
    return str(fields["name"]), str(fields["password"])


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
    authenticator: Authenticator | None = None,
    clock: Callable[[], dt.datetime] | None = None,
    lock_timeout: float | None = None,
    session_hours: float = SESSION_HOURS,
) -> FastAPI:
    """The web service on the ledger ``db``: REST under ``/api/v1``, OpenAPI at ``/openapi.json``.

    The ledger is opened here, for writing (the service is its single writer: see
    :mod:`altsleeve.api._service`), and closed when the app shuts down.

    Parameters
    ----------
    db : Path
        An existing ledger.
    authenticator : Authenticator, optional
        Who the callers are. Default: :class:`~altsleeve.api.LedgerAuthenticator`, the ledger's
        users and API tokens, with browser sessions in memory. An OIDC provider can be plugged
        in here later; :class:`~altsleeve.api.StaticAuthenticator` is for tests and local
        trials only.
    clock : callable, optional
        The ledger's clock (current UTC time, naive), for recorded times, proposal and decision
        times, token and session expiry.
    lock_timeout : float, optional
        Seconds to wait for another process holding the file.
    session_hours : float
        How long a browser session of the default authenticator lasts (8 hours).

    Raises
    ------
    InputError
        The ledger cannot be opened (missing, not a ledger, held by another process).
    TypeError
        ``authenticator`` has no ``from_bearer``/``from_session``.
    """
    if authenticator is not None and not isinstance(authenticator, Authenticator):
        raise TypeError("authenticator must have from_bearer(token) and from_session(cookie)")
    service = LedgerService(db, clock=clock, lock_timeout=lock_timeout)
    if authenticator is None:
        try:
            authenticator = LedgerAuthenticator(
                service.read, service.now, session_hours=session_hours
            )
        except ValueError:
            service.close()
            raise

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
    app.add_exception_handler(RefusedError, _refused)
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

    @app.post(LOGIN_PATH, response_class=ResultJSON, response_model=None)
    async def login(request: Request) -> Response:
        """Sign in with ``name`` and ``password`` (a form or JSON): a session cookie.

        The cookie (``altsleeve_session``) is HttpOnly and SameSite=Strict (Secure over HTTPS)
        and holds an opaque random id; the session is kept in the service's memory (a restart
        signs everyone out). 401 for an unknown user, a wrong password or a disabled user.
        """
        auth = request.app.state.authenticator
        if not isinstance(auth, SessionIssuer):
            return ResultJSON(
                {"error": "not_implemented", "message": "this service signs in with tokens only"},
                status_code=501,
            )
        name, password = await _credentials(request)
        session = await run_in_threadpool(auth.login, name, password)
        who = session.principal
        out = ResultJSON(
            {
                "user": who.name,
                "roles": sorted(r.value for r in who.roles),
                "expires_at": session.expires_at.isoformat(),
            }
        )
        out.set_cookie(
            SESSION_COOKIE,
            session.session_id,
            max_age=round((session.expires_at - service.now()).total_seconds()),
            path="/",
            secure=request.url.scheme == "https",
            httponly=True,
            samesite="strict",
        )
        return out

    @app.post(LOGOUT_PATH, response_class=ResultJSON, response_model=None)
    def logout(request: Request) -> Response:
        """End the session of the cookie (if any) and clear the cookie."""
        auth = request.app.state.authenticator
        cookie = request.cookies.get(SESSION_COOKIE)
        if cookie and isinstance(auth, SessionIssuer):
            auth.logout(cookie)
        out = ResultJSON({"status": "signed out"})
        out.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict")
        return out

    add_routes(app)
    for route in app.routes:
        declared = isinstance(route, APIRoute) and ACTION_KEY in (route.openapi_extra or {})
        if isinstance(route, APIRoute) and route.path not in OPEN_PATHS and not declared:
            raise RuntimeError(f"{route.path} declares no action")
    return app


__all__ = ["HEALTH_PATH", "LOGIN_PATH", "LOGOUT_PATH", "OPEN_PATHS", "create_app"]
