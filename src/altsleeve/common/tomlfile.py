"""Reading a TOML input file (a vehicle, a fee stack, a stress scenario) with the house errors.

Owns turning a path into a parsed mapping, or an :class:`~altsleeve.errors.InputError` that names
the file: ``file not found`` or ``not valid TOML: ...`` with line and column; and turning a
pydantic model's validation errors into problems that name the file and the dotted key
(:func:`validate_model`); and the base models every input file's model stands on
(:class:`StrictModel`, :class:`TomlModel`: ``from_toml`` and ``from_mapping`` defined once). Must
not hold any file's rules: each file's pydantic model does.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

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


class StrictModel(BaseModel):
    """A frozen model that refuses unknown keys and non-finite numbers: every input file's base."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class TomlModel(StrictModel):
    """A model read from a TOML file: ``from_toml(path)`` and ``from_mapping(data)``, defined once.

    A subclass sets ``toml_label`` (what errors name when there is no file), and where it needs
    them the validation ``toml_context`` and the location parts ``toml_skip`` that
    :func:`validate_model` leaves out of a dotted key.
    """

    toml_label: ClassVar[str] = "<file>"
    toml_context: ClassVar[dict[str, Any] | None] = None
    toml_skip: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def from_toml(cls, path: str | Path) -> Self:
        """Read and validate the file; an :class:`InputError` names each bad key."""
        return cls.from_mapping(read_toml(path), label=str(path))

    @classmethod
    def from_mapping(cls, data: dict[str, Any], *, label: str | None = None) -> Self:
        """Validate a parsed mapping; errors name ``label`` and the dotted key (``a[0].b``)."""
        return validate_model(
            cls,
            data,
            cls.toml_label if label is None else label,
            context=cls.toml_context,
            skip=cls.toml_skip,
        )
