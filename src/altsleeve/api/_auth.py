"""Who is asking: the pluggable authenticator, the ``principal`` dependency and ``requires``.

Owns the HTTP side of identity: reading a bearer token (``Authorization: Bearer ...``) or a
session cookie, asking an :class:`Authenticator` for the :class:`~altsleeve.ops.Principal`
behind it (401 without credentials or with unknown or expired ones), and checking a route's
action with :func:`altsleeve.ops.require` (403 naming the action and the roles that may). Must
not store users, hash passwords or decide who may do what: the user store (argon2 users, hashed
API tokens) is ``workflows.users``'s, the rules are :mod:`altsleeve.ops`'s.

The hook for the identity provider: any object with ``from_bearer`` and ``from_session``
(raising :class:`AuthError`) is an :class:`Authenticator`; ``create_app(..., authenticator=...)``
takes it. The default is :class:`~altsleeve.api.LedgerAuthenticator` (the ledger's users and
tokens); an OIDC provider can be plugged in the same way later. :class:`StaticAuthenticator`
is for tests and local trials only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Protocol, runtime_checkable

from fastapi import Depends, Request

from altsleeve.ops import Action, Principal, Role, require

#: The cookie a browser session carries (its value is the session's opaque id).
SESSION_COOKIE = "altsleeve_session"

#: OpenAPI extension naming the action a route requires (the role matrix test reads it).
ACTION_KEY = "x-altsleeve-action"

#: OpenAPI extension: query parameters whose presence requires a further action.
ACTION_WHEN_KEY = "x-altsleeve-action-when"


class AuthError(Exception):
    """Credentials were given but are unknown, expired or malformed (HTTP 401)."""


class NotAuthenticatedError(AuthError):
    """No credentials were given (HTTP 401 with ``WWW-Authenticate: Bearer``)."""


@runtime_checkable
class Authenticator(Protocol):
    """Turns a bearer token or a session cookie into the principal it stands for.

    Both raise :class:`AuthError` for credentials that are unknown, revoked or expired.
    :class:`~altsleeve.api.LedgerAuthenticator` (the user store of ``workflows.users``) is the
    production implementation; an OIDC provider would be another.
    """

    def from_bearer(self, token: str) -> Principal:
        """The principal of an API token or a bearer session token."""
        ...

    def from_session(self, cookie: str) -> Principal:
        """The principal of a browser session (the cookie's value)."""
        ...


@dataclass(frozen=True)
class StaticAuthenticator:
    """Fixed tokens and sessions: FOR TESTS AND LOCAL TRIALS ONLY, never a production store.

    Tokens are compared as given (not hashed) and never expire. ``altsleeve serve
    --dev-token NAME:ROLE:TOKEN`` builds one, for local trials.

    Examples
    --------
    >>> auth = StaticAuthenticator.from_specs(["ann:viewer:t1"])
    >>> auth.from_bearer("t1").name
    'ann'
    """

    tokens: Mapping[str, Principal] = field(default_factory=dict)
    sessions: Mapping[str, Principal] = field(default_factory=dict)

    def from_bearer(self, token: str) -> Principal:
        """The principal of ``token``; :class:`AuthError` when it is unknown."""
        try:
            return self.tokens[token]
        except KeyError:
            raise AuthError("unknown or expired token") from None

    def from_session(self, cookie: str) -> Principal:
        """The principal of a session id; :class:`AuthError` when it is unknown."""
        try:
            return self.sessions[cookie]
        except KeyError:
            raise AuthError("unknown or expired session") from None

    @classmethod
    def from_specs(cls, specs: Iterable[str]) -> StaticAuthenticator:
        """Tokens from ``NAME:ROLE[,ROLE...]:TOKEN`` texts (a person signed in, no scopes).

        Raises
        ------
        ValueError
            A text not of that form, an unknown role, an empty token or one given twice.
        """
        tokens: dict[str, Principal] = {}
        for spec in specs:
            parts = spec.split(":", 2)
            if len(parts) != 3 or not all(p.strip() for p in parts):
                raise ValueError(f"{spec!r} is not NAME:ROLE:TOKEN")
            name, roles, token = (p.strip() for p in parts)
            if token in tokens:
                raise ValueError(f"the token of {name!r} is given twice")
            try:
                held = frozenset(Role(r.strip()) for r in roles.split(","))
            except ValueError:
                known = ", ".join(Role)
                raise ValueError(f"{spec!r}: unknown role in {roles!r}; known: {known}") from None
            tokens[token] = Principal(name, held, None, "password")
        return cls(tokens)


def _authenticator(request: Request) -> Authenticator:
    auth: Authenticator = request.app.state.authenticator
    return auth


def principal(request: Request) -> Principal:
    """The authenticated caller: a bearer token first, else the session cookie.

    Raises
    ------
    NotAuthenticatedError
        No credentials (the app answers 401 with ``WWW-Authenticate: Bearer``).
    AuthError
        Unknown, expired or malformed credentials (401).
    """
    auth = _authenticator(request)
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthError("the Authorization header must be 'Bearer TOKEN'")
        return auth.from_bearer(token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return auth.from_session(cookie)
    raise NotAuthenticatedError("authentication required: a bearer token or a session")


def requires(action: Action, when: Mapping[str, Action] | None = None) -> Callable[..., Principal]:
    """A dependency: the caller, refused (403: ``Forbidden``) without ``action``.

    ``when`` maps a query parameter to a further action required when the request gives it
    (e.g. ``{"as_of": Action.READ_HISTORY}``: an as-of read is a read of history).
    """
    extra = dict(when or {})

    def check(request: Request, user: Annotated[Principal, Depends(principal)]) -> Principal:
        require(user, action)
        for param, more in extra.items():
            if request.query_params.get(param):
                require(user, more)
        return user

    return check


__all__ = [
    "ACTION_KEY",
    "ACTION_WHEN_KEY",
    "SESSION_COOKIE",
    "AuthError",
    "Authenticator",
    "NotAuthenticatedError",
    "StaticAuthenticator",
    "principal",
    "requires",
]
