"""The real identity: the ledger's users and API tokens, and browser sessions kept in memory.

Owns :class:`LedgerAuthenticator`, the service's default :class:`~altsleeve.api.Authenticator`:

- a bearer token is an API token of ``workflows.users`` (:func:`principal_for_token` on a
  read view: unknown, revoked or expired tokens and disabled users are refused, 401);
- a browser signs in with a name and password (:func:`authenticate`: argon2) and gets a
  session: an opaque random id (``secrets.token_urlsafe``) in an HttpOnly, SameSite=Strict
  cookie; the session itself (who, until when) is kept **in this process's memory only**, for
  8 hours by default. A restart of the service therefore signs everyone out. Each request on a
  session re-reads the user: a user disabled since signing in is refused, and the roles are the
  ones recorded now.

Must not store or log a password, a token's text or a session id anywhere but in memory. The
:class:`~altsleeve.api.Authenticator` protocol is kept, so that an OIDC provider can be plugged
in later in place of this class (its principals with ``auth="oidc"``).
"""

from __future__ import annotations

import datetime as dt
import secrets
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from altsleeve.api._auth import AuthError
from altsleeve.ledger import Ledger
from altsleeve.ops import Principal, Role
from altsleeve.workflows import users as users_uc

#: How long a browser session lasts by default.
SESSION_HOURS = 8.0


@dataclass(frozen=True)
class Session:
    """A signed-in browser session: its opaque id (the cookie's value), who, until when."""

    session_id: str
    principal: Principal
    expires_at: dt.datetime


@runtime_checkable
class SessionIssuer(Protocol):
    """An authenticator that signs people in with a password (``POST /api/v1/login``)."""

    def login(self, name: str, password: str) -> Session:
        """A new session for ``name``; :class:`AuthError` when the password is refused."""
        ...

    def logout(self, session_id: str) -> None:
        """End the session (nothing when it is unknown or already over)."""
        ...


Reader = Callable[[], AbstractContextManager[Ledger]]


class LedgerAuthenticator:
    """API tokens and passwords of the ledger's users; sessions in memory (lost on restart).

    Parameters
    ----------
    read : callable
        A read view of the ledger per call (``LedgerService.read``).
    now : callable
        The current time, timezone-aware (``LedgerService.now``): token and session expiry.
    session_hours : float
        How long a session lasts after signing in (default 8).
    """

    def __init__(
        self,
        read: Reader,
        now: Callable[[], dt.datetime],
        *,
        session_hours: float = SESSION_HOURS,
    ) -> None:
        if not session_hours > 0:
            raise ValueError("session_hours must be positive")
        self._read = read
        self._now = now
        self.session_life = dt.timedelta(hours=session_hours)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def from_bearer(self, token: str) -> Principal:
        """The principal of an API token (``workflows.users.principal_for_token``)."""
        try:
            with self._read() as led:
                return users_uc.principal_for_token(led, token, self._now())
        except users_uc.NotAuthenticatedError as exc:
            raise AuthError(str(exc)) from None

    def from_session(self, cookie: str) -> Principal:
        """The principal of a live session, with the user's roles as recorded now."""
        now = self._now()
        with self._lock:
            session = self._sessions.get(cookie)
            if session is not None and session.expires_at <= now:
                del self._sessions[cookie]
                session = None
        if session is None:
            raise AuthError("unknown or expired session")
        name = session.principal.name
        with self._read() as led:
            found = [u for u in users_uc.list_users(led).users if u.name == name]
        if not found or found[0].status != "active":
            self.logout(cookie)
            raise AuthError(f"user {name} is disabled")
        return Principal(name, frozenset(Role(r) for r in found[0].roles), None, "password")

    def login(self, name: str, password: str) -> Session:
        """Check the password (argon2) and open a session; expired sessions are dropped."""
        try:
            with self._read() as led:
                who = users_uc.authenticate(led, name, password)
        except users_uc.NotAuthenticatedError as exc:
            raise AuthError(str(exc)) from None
        now = self._now()
        session = Session(secrets.token_urlsafe(32), who, now + self.session_life)
        with self._lock:
            for sid in [s for s, v in self._sessions.items() if v.expires_at <= now]:
                del self._sessions[sid]
            self._sessions[session.session_id] = session
        return session

    def logout(self, session_id: str) -> None:
        """Forget the session."""
        with self._lock:
            self._sessions.pop(session_id, None)

    @property
    def sessions(self) -> int:
        """How many sessions are held (live or not yet dropped)."""
        with self._lock:
            return len(self._sessions)


__all__ = ["SESSION_HOURS", "LedgerAuthenticator", "Session", "SessionIssuer"]
