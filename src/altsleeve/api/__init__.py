"""The web service: the ledger's use cases over HTTP (issue 20), REST under ``/api/v1``.

Owns HTTP: paths, parameters, authentication and the action each route requires, the status
codes and the JSON bodies. Must not compute a figure: every endpoint calls one use case of
:mod:`altsleeve.workflows` and returns its ``to_dict()``, exactly what the command's ``--json``
prints. Stands beside :mod:`altsleeve.cli` (neither imports the other; ``altsleeve serve``
starts this one).

- :func:`create_app` makes the app on a ledger file; the service is the ledger's single
  writer (writes serialised, reads on their own cursors see the last commit and never wait
  for a write: :class:`LedgerService`).
- Who is asking: an :class:`Authenticator` (``from_bearer``, ``from_session``, raising
  :class:`AuthError`) given to :func:`create_app`; by default :class:`LedgerAuthenticator`,
  the ledger's users (argon2 passwords, ``POST /api/v1/login``: a session cookie, sessions in
  memory) and API tokens. The protocol stays, so an OIDC provider can be plugged in later.
  :class:`StaticAuthenticator` is for tests and local trials only.
- Who did it: every write names the caller as its actor (``audit_log.actor``).
- What they may do: each route requires an :class:`~altsleeve.ops.Action` (checked with
  :func:`altsleeve.ops.require`; 403 names the roles that may), named in its OpenAPI operation.

Described in ``docs/operations.md`` ("The service").
"""

from altsleeve.api._app import HEALTH_PATH, LOGIN_PATH, LOGOUT_PATH, OPEN_PATHS, create_app
from altsleeve.api._auth import (
    ACTION_KEY,
    ACTION_WHEN_KEY,
    SESSION_COOKIE,
    Authenticator,
    AuthError,
    NotAuthenticatedError,
    StaticAuthenticator,
    principal,
    requires,
)
from altsleeve.api._identity import SESSION_HOURS, LedgerAuthenticator, Session, SessionIssuer
from altsleeve.api._service import LedgerService

__all__ = [
    "ACTION_KEY",
    "ACTION_WHEN_KEY",
    "HEALTH_PATH",
    "LOGIN_PATH",
    "LOGOUT_PATH",
    "OPEN_PATHS",
    "SESSION_COOKIE",
    "SESSION_HOURS",
    "AuthError",
    "Authenticator",
    "LedgerAuthenticator",
    "LedgerService",
    "NotAuthenticatedError",
    "Session",
    "SessionIssuer",
    "StaticAuthenticator",
    "create_app",
    "principal",
    "requires",
]
