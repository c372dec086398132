"""Users, their roles and API tokens in the ledger; signing in with a password or a token.

Owns the ``users`` and ``tokens`` tables' use cases (issue 20): adding and disabling a user
(an admin's act, checked with :func:`altsleeve.ops.require`), listing them, authenticating a
password against its argon2 hash, issuing a token (its text is returned once and only its
SHA-256 is stored) and revoking it, and turning a token back into a
:class:`~altsleeve.ops.Principal`. Every write is one audited batch naming its actor. Must not
store or log a password or a token's text: the ``users`` row holds the argon2 hash, the
``tokens`` row the SHA-256, the audit entry neither.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import Ledger
from altsleeve.ops import SCOPES, Action, Principal, Role, require
from altsleeve.workflows._opsread import aware, latest, naive, now_utc, split_list

#: The shortest password accepted.
MIN_PASSWORD = 12

#: Longest token life, in days.
MAX_TOKEN_DAYS = 366

#: A token's text: ``alt_<token id>_<secret>``.
TOKEN_PREFIX = "alt_"

_NAME = re.compile(r"[a-z][a-z0-9._-]{1,63}")
_TOKEN = re.compile(r"alt_([0-9a-f]{12})_[A-Za-z0-9_-]{20,}")

_HASHER = PasswordHasher()
# verified against when the user is unknown, so that an unknown name costs what a wrong password
# does (a caller cannot tell the two apart by timing)
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class NotAuthenticatedError(PermissionError):
    """A sign-in was refused: unknown user, wrong password, disabled user, bad or dead token.

    The message never says which of the first two (a caller must not learn which names exist).
    """


@dataclass(frozen=True)
class UserRecord:
    """A user as recorded (never the password or its hash)."""

    name: str
    roles: tuple[str, ...]
    status: str
    created_by: str
    version: int
    batch_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "name": self.name,
            "roles": list(self.roles),
            "status": self.status,
            "created_by": self.created_by,
            "version": self.version,
            "batch_id": self.batch_id,
        }


@dataclass(frozen=True)
class UserList:
    """Every user, by name."""

    users: tuple[UserRecord, ...]

    def to_dict(self) -> list[dict[str, Any]]:
        """One mapping per user."""
        return [u.to_dict() for u in self.users]


@dataclass(frozen=True)
class TokenRecord:
    """An API token as recorded (never its text)."""

    token_id: str
    user: str
    scopes: tuple[str, ...]
    expires_at: dt.datetime
    status: str
    created_by: str
    version: int
    batch_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "token_id": self.token_id,
            "user": self.user,
            "scopes": list(self.scopes),
            "expires_at": self.expires_at.isoformat(),
            "status": self.status,
            "created_by": self.created_by,
            "version": self.version,
            "batch_id": self.batch_id,
        }


def _users(ledger: Ledger) -> pd.DataFrame:
    return latest(ledger, "users").set_index("name", drop=False)


def _user_row(ledger: Ledger, name: str, column: str = "name") -> dict[str, Any]:
    users = _users(ledger)
    if name not in users.index:
        raise InputError([Problem("<args>", f"no user {name!r}", column=column)])
    return {str(k): v for k, v in users.loc[name].to_dict().items()}


def _record(row: dict[str, Any], batch_id: int | None = None) -> UserRecord:
    return UserRecord(
        str(row["name"]),
        split_list(row["roles"]),
        str(row["status"]),
        str(row["created_by"]),
        int(row.get("version", 1)),
        batch_id,
    )


def _check_roles(roles: Iterable[str]) -> tuple[list[str], list[Problem]]:
    given = [str(r).strip() for r in roles]
    known = {str(r) for r in Role}
    bad = [r for r in given if r not in known]
    problems = []
    if not given:
        problems.append(Problem("<args>", "a user needs at least one role", column="roles"))
    if bad:
        problems.append(
            Problem(
                "<args>",
                f"unknown role(s) {', '.join(repr(b) for b in bad)}; known: {', '.join(Role)}",
                column="roles",
            )
        )
    return sorted(set(given) & known), problems


def add_user(
    ledger: Ledger,
    name: str,
    roles: Iterable[str],
    password: str,
    actor: Principal,
    *,
    today: dt.date | None = None,
) -> UserRecord:
    """Add a user with roles and a password (stored as its argon2 hash). Admin only.

    Raises
    ------
    Forbidden
        ``actor`` may not ``manage_users``.
    InputError
        Naming ``name`` (not 2-64 lowercase letters, digits, ``.``, ``_``, ``-``, starting
        with a letter; or already a user), ``roles`` (none, or unknown) or ``password``
        (shorter than 12 characters, or the name itself).
    """
    require(actor, Action.MANAGE_USERS)
    problems: list[Problem] = []
    if _NAME.fullmatch(name or "") is None:
        problems.append(
            Problem(
                "<args>",
                "must be 2-64 lowercase letters, digits, '.', '_' or '-', starting with a letter",
                column="name",
            )
        )
    elif name in _users(ledger).index:
        problems.append(Problem("<args>", f"user {name!r} already exists", column="name"))
    wanted, bad_roles = _check_roles(roles)
    problems += bad_roles
    if len(password) < MIN_PASSWORD:
        problems.append(
            Problem("<args>", f"must be at least {MIN_PASSWORD} characters", column="password")
        )
    elif password.strip().casefold() == (name or "").casefold():
        problems.append(Problem("<args>", "must not be the user's name", column="password"))
    if problems:
        raise InputError(problems)
    row = {
        "name": name,
        "roles": ",".join(wanted),
        "password_hash": _HASHER.hash(password),
        "status": "active",
        "created_by": actor.name,
        "known_on": today or now_utc().date(),
    }
    res = ledger.append(
        "users",
        pd.DataFrame([row]),
        action="user_add",
        source=f"users add {name}",
        detail={"user": name, "roles": wanted},
        actor=actor.name,
    )
    return _record({**row, "version": 1}, res.batch_id)


def list_users(ledger: Ledger) -> UserList:
    """Every user's latest version, by name."""
    users = _users(ledger).sort_index()
    rows = users.to_dict("records")
    return UserList(tuple(_record({str(k): v for k, v in r.items()}) for r in rows))


def disable_user(
    ledger: Ledger, name: str, actor: Principal, *, today: dt.date | None = None
) -> UserRecord:
    """Disable a user: no more password sign-in, and their tokens stop working. Admin only.

    Raises
    ------
    Forbidden
        ``actor`` may not ``manage_users``.
    InputError
        ``name`` is no user, or is already disabled, or is the actor (an admin cannot lock
        themselves out).
    """
    require(actor, Action.MANAGE_USERS)
    row = _user_row(ledger, name)
    if row["status"] == "disabled":
        raise InputError([Problem("<args>", f"user {name!r} is already disabled", column="name")])
    if name == actor.name:
        raise InputError([Problem("<args>", "an admin cannot disable themselves", column="name")])
    new = {
        k: row[k] for k in ("name", "roles", "password_hash", "status", "created_by", "known_on")
    }
    new.update(status="disabled", known_on=today or now_utc().date())
    res = ledger.append(
        "users",
        pd.DataFrame([new]),
        action="user_disable",
        source=f"users disable {name}",
        restate=True,
        detail={"user": name},
        actor=actor.name,
    )
    return _record({**new, "version": int(row["version"]) + 1}, res.batch_id)


def authenticate(ledger: Ledger, name: str, password: str) -> Principal:
    """The principal of a user who signs in with a password (argon2 verified).

    Raises
    ------
    NotAuthenticatedError
        Unknown user or wrong password (the same message for both), or a disabled user.
    """
    users = _users(ledger)
    if name not in users.index:
        with contextlib.suppress(VerificationError):
            _HASHER.verify(_DUMMY_HASH, password)
        raise NotAuthenticatedError("unknown user or wrong password")
    row = users.loc[name]
    try:
        _HASHER.verify(str(row["password_hash"]), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        raise NotAuthenticatedError("unknown user or wrong password") from None
    if row["status"] != "active":
        raise NotAuthenticatedError(f"user {name} is disabled")
    return Principal(name, frozenset(Role(r) for r in split_list(row["roles"])), None, "password")


def _token_sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def issue_token(
    ledger: Ledger,
    user: str,
    scopes: Iterable[str],
    expires_at: dt.datetime,
    actor: Principal,
    *,
    now: dt.datetime | None = None,
) -> tuple[str, TokenRecord]:
    """Issue an API token for an active user: its text (shown once) and its record.

    Only the token's SHA-256 is stored. A token acts for its user with the scopes given (never
    more than the user's roles grant; no scope grants an approval).

    Raises
    ------
    Forbidden
        ``actor`` may not ``issue_token``.
    InputError
        Naming ``user`` (unknown or disabled), ``scopes`` (none, or unknown) or ``expires_at``
        (not timezone-aware, not in the future, or more than 366 days away).
    """
    require(actor, Action.ISSUE_TOKEN)
    when = now_utc(now)
    problems: list[Problem] = []
    users = _users(ledger)
    if user not in users.index:
        problems.append(Problem("<args>", f"no user {user!r}", column="user"))
    elif users.loc[user, "status"] != "active":
        problems.append(Problem("<args>", f"user {user!r} is disabled", column="user"))
    wanted = sorted({str(s).strip() for s in scopes})
    bad = [s for s in wanted if s not in SCOPES]
    if not wanted:
        problems.append(Problem("<args>", "a token needs at least one scope", column="scopes"))
    elif bad:
        problems.append(
            Problem(
                "<args>",
                f"unknown scope(s) {', '.join(bad)}; known: {', '.join(SCOPES)}",
                column="scopes",
            )
        )
    if expires_at.tzinfo is None or expires_at.utcoffset() is None:
        problems.append(Problem("<args>", "must be timezone-aware", column="expires_at"))
    elif expires_at <= when:
        problems.append(Problem("<args>", "must be in the future", column="expires_at"))
    elif expires_at - when > dt.timedelta(days=MAX_TOKEN_DAYS):
        problems.append(
            Problem("<args>", f"at most {MAX_TOKEN_DAYS} days from now", column="expires_at")
        )
    if problems:
        raise InputError(problems)
    token_id = secrets.token_hex(6)
    text = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    row = {
        "token_id": token_id,
        "user_name": user,
        "scopes": ",".join(wanted),
        "token_sha256": _token_sha(text),
        "expires_at": naive(expires_at),
        "status": "active",
        "created_by": actor.name,
        "known_on": when.date(),
    }
    res = ledger.append(
        "tokens",
        pd.DataFrame([row]),
        action="token_issue",
        source=f"tokens issue {token_id}",
        detail={"token_id": token_id, "user": user, "scopes": wanted},
        actor=actor.name,
    )
    record = TokenRecord(
        token_id,
        user,
        tuple(wanted),
        expires_at.astimezone(dt.UTC),
        "active",
        actor.name,
        1,
        res.batch_id,
    )
    return text, record


def _token_record(row: dict[str, Any], batch_id: int | None = None) -> TokenRecord:
    return TokenRecord(
        str(row["token_id"]),
        str(row["user_name"]),
        split_list(row["scopes"]),
        aware(row["expires_at"]),
        str(row["status"]),
        str(row["created_by"]),
        int(row["version"]),
        batch_id,
    )


def revoke_token(
    ledger: Ledger, token_id: str, actor: Principal, *, now: dt.datetime | None = None
) -> TokenRecord:
    """Revoke a token (a new version of its row with status ``revoked``).

    Raises
    ------
    Forbidden
        ``actor`` may not ``issue_token``.
    InputError
        ``token_id`` is unknown or already revoked.
    """
    require(actor, Action.ISSUE_TOKEN)
    tokens = latest(ledger, "tokens").set_index("token_id", drop=False)
    if token_id not in tokens.index:
        raise InputError([Problem("<args>", f"no token {token_id!r}", column="token_id")])
    row = {str(k): v for k, v in tokens.loc[token_id].to_dict().items()}
    if row["status"] == "revoked":
        raise InputError(
            [Problem("<args>", f"token {token_id} is already revoked", column="token_id")]
        )
    new = {
        k: row[k]
        for k in (
            "token_id",
            "user_name",
            "scopes",
            "token_sha256",
            "expires_at",
            "status",
            "created_by",
            "known_on",
        )
    }
    new.update(status="revoked", known_on=now_utc(now).date())
    res = ledger.append(
        "tokens",
        pd.DataFrame([new]),
        action="token_revoke",
        source=f"tokens revoke {token_id}",
        restate=True,
        detail={"token_id": token_id, "user": str(row["user_name"])},
        actor=actor.name,
    )
    return _token_record({**new, "version": int(row["version"]) + 1}, res.batch_id)


def principal_for_token(ledger: Ledger, token_text: str, now: dt.datetime) -> Principal:
    """The principal a token's text stands for: its user's roles, limited by its scopes.

    Raises
    ------
    NotAuthenticatedError
        Not a token, unknown, revoked, expired (at ``now``), or its user is disabled.
    """
    when = now_utc(now)
    m = _TOKEN.fullmatch(token_text.strip())
    if m is None:
        raise NotAuthenticatedError("not an altsleeve API token")
    tokens = latest(ledger, "tokens").set_index("token_id", drop=False)
    token_id = m.group(1)
    if token_id not in tokens.index or not hmac.compare_digest(
        str(tokens.loc[token_id, "token_sha256"]), _token_sha(token_text.strip())
    ):
        raise NotAuthenticatedError("unknown token")
    row = {str(k): v for k, v in tokens.loc[token_id].to_dict().items()}
    if row["status"] != "active":
        raise NotAuthenticatedError(f"token {token_id} was revoked")
    if aware(row["expires_at"]) <= when:
        raise NotAuthenticatedError(f"token {token_id} expired at {row['expires_at']}")
    users = _users(ledger)
    user = str(row["user_name"])
    if user not in users.index or users.loc[user, "status"] != "active":
        raise NotAuthenticatedError(f"the user of token {token_id} is disabled")
    roles = frozenset(Role(r) for r in split_list(users.loc[user, "roles"]))
    return Principal(user, roles, frozenset(split_list(row["scopes"])), "token")


__all__ = [
    "MIN_PASSWORD",
    "NotAuthenticatedError",
    "TokenRecord",
    "UserList",
    "UserRecord",
    "add_user",
    "authenticate",
    "disable_user",
    "issue_token",
    "list_users",
    "principal_for_token",
    "revoke_token",
]
