"""``altsleeve serve``: the web service (:mod:`altsleeve.api`) on a ledger, with uvicorn.

Thin: checks its options, builds the authenticator and the app, and runs uvicorn. Listens on
the loopback address by default. The authenticator is the ledger's users and API tokens
(:class:`~altsleeve.api.LedgerAuthenticator`: ``POST /api/v1/login`` for a browser session,
``Authorization: Bearer alt_...`` for a token); sessions live in the service's memory, so a
restart signs everyone out. ``--dev-token`` options replace it with fixed tokens
(:class:`~altsleeve.api.StaticAuthenticator`), for local trials only and on a loopback address
only. The service never runs open.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from altsleeve.cli._app import DbOpt, app, err
from altsleeve.errors import InputError, Problem
from altsleeve.ledger import DEFAULT_DB

#: Host names taken as loopback besides the 127.0.0.0/8 and ::1 addresses.
_LOOPBACK_NAMES = frozenset({"localhost"})


def _loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    db: DbOpt = DEFAULT_DB,
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (default: loopback only).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    dev_token: Annotated[
        list[str] | None,
        typer.Option(
            "--dev-token",
            help="NAME:ROLE[,ROLE]:TOKEN, repeatable: a fixed bearer token, FOR LOCAL TRIALS "
            "ONLY (in place of the ledger's users and tokens; loopback only).",
        ),
    ] = None,
    session_hours: Annotated[
        float,
        typer.Option(
            "--session-hours",
            min=0.01,
            max=24.0,
            help="How long a browser session lasts (kept in memory: a restart signs out).",
        ),
    ] = 8.0,
) -> None:
    """Serve the ledger over HTTP: REST under /api/v1, OpenAPI at /openapi.json."""
    import uvicorn

    from altsleeve.api import StaticAuthenticator, create_app

    if not dev_token:
        web = create_app(db, session_hours=session_hours)
        err.print(
            f"serving {db} on http://{host}:{port}/api/v1 (the ledger's users and API tokens; "
            "sessions are kept in memory: a restart signs everyone out)",
            markup=False,
        )
        if not _loopback(host):
            err.print(
                "not a loopback address: put a TLS-terminating proxy in front (passwords, "
                "tokens and session cookies must not cross the network in clear)",
                markup=False,
            )
        uvicorn.run(web, host=host, port=port, log_level="info")
        return
    if not _loopback(host):
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"--host {host} is not a loopback address: development tokens are served "
                    "on loopback only",
                    column="--host",
                )
            ]
        )
    try:
        auth = StaticAuthenticator.from_specs(dev_token)
    except ValueError as exc:
        raise InputError([Problem("<args>", str(exc), column="--dev-token")]) from None
    web = create_app(db, authenticator=auth)
    err.print(
        f"serving {db} on http://{host}:{port}/api/v1 ({len(auth.tokens)} development "
        "token(s): local trials only)",
        markup=False,
    )
    uvicorn.run(web, host=host, port=port, log_level="info")
