"""The ``altsleeve`` command line: a thin Typer layer over the use cases, one module per capability.

Owns argument parsing, human tables (rich) and ``--json`` output (strict JSON: ``null`` for NaN
and infinities), progress bars, and the exit codes: 0 ok, 2 bad input (every problem printed,
nothing written; a missing ledger, an early or inverted date and a held lock are bad input), 1
internal error (one line; the traceback only with ``--debug``). Only ``ledger init`` and ``demo``
create a ledger; commands that only read open it read-only. Each command parses its options,
calls one use case in :mod:`altsleeve.workflows` (or an engine function) and prints its result:
``--json`` prints the result's ``to_dict()``, the table draws the same figures. Must not compute
a figure: the modules ``ledger``, ``marketdata``, ``valuation``, ``fund``, ``pacing``,
``liquidity``, ``fees``, ``performance``, ``outcomes``, ``report`` and ``demo`` hold the commands.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

# The command modules register their commands on import (`--help` lists them in COMMAND_ORDER).
from altsleeve.cli import (  # noqa: F401
    demo,
    fees,
    fund,
    ledger,
    liquidity,
    marketdata,
    outcomes,
    pacing,
    performance,
    report,
    serve,
    users,
    valuation,
)
from altsleeve.cli._app import (
    app,
    err,
    exceptions_app,
    fees_app,
    ledger_app,
    marketdata_app,
    nav_app,
    out,
    pacing_app,
    stress_app,
    strike_app,
    valuation_app,
    vehicle_app,
)
from altsleeve.errors import InputError

#: The top-level commands in the order ``altsleeve --help`` lists them (the groups follow).
COMMAND_ORDER: tuple[str, ...] = (
    "ingest",
    "sample",
    "value",
    "limits",
    "dilution",
    "calls",
    "liquidity",
    "perf",
    "demo",
    "outcomes",
    "report",
    "serve",
)
app.registered_commands.sort(
    key=lambda c: COMMAND_ORDER.index(c.name or getattr(c.callback, "__name__", ""))
)
app.add_typer(ledger_app, name="ledger")
app.add_typer(marketdata_app, name="marketdata")
app.add_typer(nav_app, name="nav")
app.add_typer(strike_app, name="strike")
app.add_typer(pacing_app, name="pacing")
app.add_typer(stress_app, name="stress")
app.add_typer(fees_app, name="fees")
app.add_typer(vehicle_app, name="vehicle")
app.add_typer(exceptions_app, name="exceptions")
app.add_typer(valuation_app, name="valuation")


# -- entry point -------------------------------------------------------------------------------
def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code (0 ok, 2 bad input, 1 internal error)."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    try:
        app(args=args, prog_name="altsleeve", standalone_mode=True)
    except SystemExit as exc:  # usage errors (2), typer.Exit, --help
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except InputError as exc:
        for p in exc.render().splitlines():
            err.print(f"error: {p}", markup=False, soft_wrap=True)
        return 2
    except KeyboardInterrupt:
        err.print("interrupted")
        return 1
    except Exception as exc:
        if debug:
            traceback.print_exc()
        err.print(f"internal error: {type(exc).__name__}: {exc}", markup=False, soft_wrap=True)
        return 1
    return 0


def main() -> None:
    """Console-script entry point."""
    sys.exit(run())


__all__ = ["COMMAND_ORDER", "app", "err", "main", "out", "run"]
