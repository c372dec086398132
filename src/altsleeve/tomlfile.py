"""Reading a TOML input file (a vehicle, a fee stack, a stress scenario) with the house errors.

Owns turning a path into a parsed mapping, or an :class:`~altsleeve.errors.InputError` that names
the file: ``file not found`` or ``not valid TOML: ...`` with line and column. Must not validate
the mapping's content (each file's pydantic model does, naming the key).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from altsleeve.errors import InputError, Problem


def read_toml(path: str | Path) -> dict[str, Any]:
    """The parsed contents of a TOML file.

    Raises
    ------
    InputError
        The file is missing or is not valid TOML (the problem names the file).
    """
    label = str(path)
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise InputError([Problem(label, "file not found")]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise InputError([Problem(label, f"not valid TOML: {exc}")]) from exc
