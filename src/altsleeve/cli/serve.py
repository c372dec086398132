"""``altsleeve serve``: the web service (:mod:`altsleeve.api`) on a ledger, with uvicorn.

Thin: checks its options, builds the authenticator and the app, and runs uvicorn. Listens on
the loopback address by default. Until the user store (``workflows.users``) exists, the only
authenticator is :class:`~altsleeve.api.StaticAuthenticator` from ``--dev-token`` options, for
local trials: without one the command refuses to start (never an open server), and with one it
listens on a loopback address only.
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
            "ONLY (until the user store exists, the service starts only with these).",
        ),
    ] = None,
) -> None:
    """Serve the ledger over HTTP: REST under /api/v1, OpenAPI at /openapi.json."""
    import uvicorn

    from altsleeve.api import StaticAuthenticator, create_app

    if not dev_token:
        raise InputError(
            [
                Problem(
                    "<args>",
                    "no authenticator: give --dev-token NAME:ROLE:TOKEN (local trials only) "
                    "until the user store exists; the service never runs open",
                    column="--dev-token",
                )
            ]
        )
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
