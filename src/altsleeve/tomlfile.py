"""Reading a TOML input file (a vehicle, a fee stack, a stress scenario) with the house errors.

Owns turning a path into a parsed mapping, or an :class:`~altsleeve.errors.InputError` that names
the file: ``file not found`` or ``not valid TOML: ...`` with line and column; and turning a
pydantic model's validation errors into problems that name the file and the dotted key
(:func:`validate_model`). Must not hold any file's rules: each file's pydantic model does.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from altsleeve.errors import InputError, Problem

M = TypeVar("M", bound=BaseModel)


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


def dotted_key(loc: tuple[int | str, ...], *, skip: frozenset[str] = frozenset()) -> str:
    """A pydantic error location as the TOML key a user writes: ``glide_path[0].weights``.

    ``skip`` names location parts to leave out after an index: pydantic's ``[key]`` marker for a
    bad mapping key, or the tag of a discriminated union (the index already names the item).
    """
    out = ""
    for part in loc:
        if isinstance(part, str) and part in skip and (part == "[key]" or out.endswith("]")):
            continue
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def validate_model(
    model: type[M],
    data: dict[str, Any],
    label: str,
    *,
    context: dict[str, Any] | None = None,
    skip: frozenset[str] = frozenset(),
) -> M:
    """Validate a parsed file with its pydantic model, with the house errors.

    Every pydantic error becomes a :class:`~altsleeve.errors.Problem` that names the file and
    the dotted key (``key 'allocation.private_max': ...``); then, where the model has a
    ``rule_problems()`` method (cross-field rules returning ``(key, message)`` pairs), those
    too. All are raised together as one :class:`~altsleeve.errors.InputError`.
    """
    try:
        obj = model.model_validate(data, context=context)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            key = dotted_key(e["loc"], skip=skip)
            msg = str(e["msg"]).removeprefix("Value error, ")
            problems.append(Problem(label, f"key '{key}': {msg}" if key else msg))
        raise InputError(problems) from exc
    rules = getattr(obj, "rule_problems", None)
    found: list[tuple[str, str]] = rules() if callable(rules) else []
    if found:
        raise InputError([Problem(label, f"key '{k}': {m}") for k, m in found])
    return obj
