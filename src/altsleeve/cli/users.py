"""The ``users`` and ``tokens`` commands: the operations service's accounts, from the console.

Owns parsing and printing for :mod:`altsleeve.workflows.users`. The command line is the
administration console of whoever may write the ledger file (who can already change anything in
it): it acts as the admin ``local:<login name>``, which the audit log records as the actor of
each write. A password is read without echo (or, with ``--password-stdin``, as the first line of
standard input) and never printed, in ``--json`` or anywhere; a token's text is printed once,
when it is issued. Must not compute anything.
"""

from __future__ import annotations

import datetime as dt
import getpass
import sys
from typing import Annotated

import typer
from rich.table import Table

from altsleeve.cli._app import DbOpt, JsonOpt, _emit_json, app, out
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import DEFAULT_DB, Ledger
from altsleeve.ops import Principal, Role
from altsleeve.workflows.users import (
    MAX_TOKEN_DAYS,
    add_user,
    disable_user,
    issue_token,
    list_users,
    revoke_token,
)

users_app = typer.Typer(
    help="Users of the operations service: add (with roles and a password), list, disable.",
    no_args_is_help=True,
)
tokens_app = typer.Typer(
    help="API tokens: issue one for a user with scopes and an expiry, revoke one.",
    no_args_is_help=True,
)
app.add_typer(users_app, name="users")
app.add_typer(tokens_app, name="tokens")


def _console_admin() -> Principal:
    """The console's principal: an admin named after the login running the command."""
    try:
        login = getpass.getuser()
    except (KeyError, OSError):
        login = "unknown"
    return Principal(f"local:{login}", frozenset({Role.ADMIN}), None, "password")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise InputError(
                [Problem("<stdin>", "no password on standard input", column="--password-stdin")]
            )
        return line.rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise InputError([Problem("<prompt>", "the two passwords differ", column="password")])
    return first


@users_app.command("add")
def users_add(
    name: Annotated[str, typer.Argument(help="The user's name (lowercase).")],
    role: Annotated[
        list[str],
        typer.Option("--role", help=f"A role (repeat for several): {', '.join(Role)}."),
    ],
    password_stdin: Annotated[
        bool,
        typer.Option("--password-stdin", help="Read the password from standard input."),
    ] = False,
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Add a user with roles and a password (stored as an argon2 hash, never echoed)."""
    with Ledger(db) as led:  # a missing ledger is refused before a password is asked for
        res = add_user(led, name, role, _read_password(password_stdin), _console_admin())
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(f"user {res.name} added with role(s) {', '.join(res.roles)}")


@users_app.command("list")
def users_list(db: DbOpt = DEFAULT_DB, as_json: JsonOpt = False) -> None:
    """Every user, their roles and status."""
    with Ledger(db, read_only=True) as led:
        res = list_users(led)
    if as_json:
        _emit_json(res.to_dict())
        return
    t = Table(title=f"Users of {db}")
    for c in ("name", "roles", "status", "created by", "version"):
        t.add_column(c)
    for u in res.users:
        t.add_row(u.name, ", ".join(u.roles), u.status, u.created_by, str(u.version))
    out.print(t)


@users_app.command("disable")
def users_disable(
    name: Annotated[str, typer.Argument(help="The user to disable.")],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Disable a user: no sign-in, and their tokens stop working."""
    with Ledger(db) as led:
        res = disable_user(led, name, _console_admin())
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(f"user {res.name} disabled")


@tokens_app.command("issue")
def tokens_issue(
    user: Annotated[str, typer.Option("--user", help="The user the token acts for.")],
    scope: Annotated[
        list[str], typer.Option("--scope", help="A scope (repeat for several), e.g. nav:read.")
    ],
    expires: Annotated[
        int,
        typer.Option("--expires", help=f"Days until it expires (1 to {MAX_TOKEN_DAYS}).", min=1),
    ],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Issue an API token; its text is printed once (only its SHA-256 is kept)."""
    now = dt.datetime.now(dt.UTC)
    with Ledger(db) as led:
        text, res = issue_token(
            led, user, scope, now + dt.timedelta(days=expires), _console_admin(), now=now
        )
    if as_json:
        _emit_json({**res.to_dict(), "token": text})
        return
    scopes = ", ".join(res.scopes)
    out.print(
        f"token {res.token_id} for {res.user} ({scopes}), "
        f"expires {res.expires_at:%Y-%m-%d %H:%M} UTC"
    )
    out.print("copy it now; it is not shown again:")
    out.print(text, markup=False)


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token's id (not its text).")],
    db: DbOpt = DEFAULT_DB,
    as_json: JsonOpt = False,
) -> None:
    """Revoke an API token."""
    with Ledger(db) as led:
        res = revoke_token(led, token_id, _console_admin())
    if as_json:
        _emit_json(res.to_dict())
        return
    out.print(f"token {res.token_id} of {res.user} revoked")
