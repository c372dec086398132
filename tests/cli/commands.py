"""Every command of the CLI, found by walking the Typer app, for tests that must cover them all."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import typer.main

from altsleeve.cli import app


def _walk(cmd: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    subs = getattr(cmd, "commands", None)
    if subs is None:
        yield path, cmd
        return
    if path and getattr(cmd, "invoke_without_command", False):
        yield path, cmd  # a group that is also a command (`strike`, `stress`)
    for name, sub in subs.items():
        yield from _walk(sub, (*path, name))


def commands_with(option: str) -> set[str]:
    """The commands (``"ledger export"``, ``"strike"``, ...) that take ``option``."""
    found = set()
    for path, cmd in _walk(typer.main.get_command(app), ()):
        opts = {o for p in cmd.params for o in getattr(p, "opts", ())}
        if option in opts:
            found.add(" ".join(path))
    return found
