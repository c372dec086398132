"""Registered vehicles: each definition recorded in the ledger, versioned and effective from a date.

Owns turning a vehicle file into a ledger row of the ``vehicles`` table (the validated definition
as canonical JSON with its SHA-256, the date it takes effect and the date it became known), and
reading definitions back: which vehicles exist, which definition is in force on a day as known
that day, and which vehicle a command means when none is named. A change of fees, caps, bands,
glide path or controls is a new definition effective from a date, so a day struck before it is
struck again with the definition it was struck with; a correction of a definition is a new version
of the same effective date (``--restate``), kept beside the old. Must not strike or value: the
strike asks this module for its definition.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.fund._vehicle import Vehicle
from altsleeve.ledger import AppendResult, Ledger

#: Environment variable naming the vehicle a command means when ``--vehicle`` is not given.
VEHICLE_ENV = "ALTSLEEVE_VEHICLE"

_FAR = dt.date(2100, 12, 31)


@dataclass(frozen=True)
class Definition:
    """One recorded definition of a vehicle.

    Attributes
    ----------
    vehicle_id : str
        The vehicle's id (``[vehicle] id`` in its file).
    effective : date
        The first day the definition applies to.
    version : int
        Version of this (vehicle, effective) key: 2 and up are corrections (restatements).
    known_on : date
        The day the definition became known (a strike of an earlier day does not use it).
    sha256 : str
        SHA-256 of the canonical JSON recorded.
    recorded_at : datetime
        When the ledger recorded it (UTC).
    vehicle : Vehicle
        The definition itself.
    """

    vehicle_id: str
    effective: dt.date
    version: int
    known_on: dt.date
    sha256: str
    recorded_at: dt.datetime
    vehicle: Vehicle

    def provenance(self) -> dict[str, str | int]:
        """What a strike or a report records about the definition it used."""
        return {
            "vehicle": self.vehicle_id,
            "effective": self.effective.isoformat(),
            "version": self.version,
            "sha256": self.sha256,
        }


@dataclass(frozen=True)
class Registration:
    """What ``register_vehicle`` did."""

    vehicle_id: str
    effective: dt.date
    known_on: dt.date
    sha256: str
    result: AppendResult

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready figures."""
        r = self.result
        return {
            "vehicle": self.vehicle_id,
            "effective": self.effective.isoformat(),
            "known_on": self.known_on.isoformat(),
            "sha256": self.sha256,
            "new": r.new,
            "restated": r.restated,
            "unchanged": r.unchanged,
            "batch_id": r.batch_id,
        }


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def definitions(
    ledger: Ledger, vehicle_id: str | None = None, *, recorded_at: dt.datetime | None = None
) -> list[Definition]:
    """Every definition recorded (by ``recorded_at``), latest version of each effective date.

    Ordered by vehicle, then effective date.
    """
    rows = ledger.as_known_on(_FAR, recorded_at=recorded_at, tables=("vehicles",)).vehicles
    if vehicle_id is not None:
        rows = rows[rows["vehicle_id"] == vehicle_id]
    out = []
    for r in rows.sort_values(["vehicle_id", "effective"]).to_dict("records"):
        out.append(
            Definition(
                vehicle_id=str(r["vehicle_id"]),
                effective=pd.Timestamp(r["effective"]).date(),
                version=int(r["version"]),
                known_on=pd.Timestamp(r["known_on"]).date(),
                sha256=str(r["definition_sha256"]),
                recorded_at=pd.Timestamp(r["recorded_at"]).to_pydatetime(),
                vehicle=Vehicle.from_json(str(r["definition"]), label=f"vehicle {r['vehicle_id']}"),
            )
        )
    return out


def vehicle_ids(ledger: Ledger, *, recorded_at: dt.datetime | None = None) -> list[str]:
    """The ids of the registered vehicles, sorted."""
    rows = ledger.as_known_on(_FAR, recorded_at=recorded_at, tables=("vehicles",)).vehicles
    return sorted({str(v) for v in rows["vehicle_id"]})


def in_force(defs: Sequence[Definition], day: dt.date | str | pd.Timestamp) -> Definition | None:
    """The definition that applies to ``day`` as known that day (``None`` before any).

    Among the definitions known on ``day`` (``known_on <= day``) and effective by then, the one
    with the latest effective date.
    """
    d = pd.Timestamp(day).date()
    live = [x for x in defs if x.effective <= d and x.known_on <= d]
    return max(live, key=lambda x: x.effective) if live else None


def _unknown(vehicle_id: str, known: Sequence[str], label: str, column: str) -> InputError:
    hint = difflib.get_close_matches(vehicle_id, list(known), n=1)
    extra = f"; did you mean {hint[0]!r}?" if hint else ""
    have = f" (registered: {', '.join(known)})" if known else " (none is registered)"
    return InputError(
        [
            Problem(
                label,
                f"unknown vehicle {vehicle_id!r}{have}{extra}; register its file with "
                "`altsleeve vehicle register FILE`",
                column=column,
            )
        ]
    )


def resolve_vehicle_id(
    ledger: Ledger, given: str | None = None, *, recorded_at: dt.datetime | None = None
) -> str:
    """The vehicle a command means: ``given``, else ``$ALTSLEEVE_VEHICLE``, else the only one.

    Raises
    ------
    InputError
        The vehicle named is not registered, a file path was given instead of an id, none is
        registered, or several are and none was named (naming ``--vehicle``).
    """
    known = vehicle_ids(ledger, recorded_at=recorded_at)
    name = given or os.environ.get(VEHICLE_ENV) or None
    if name:
        if name not in known and name.lower().endswith(".toml") and Path(name).is_file():
            raise InputError(
                [
                    Problem(
                        "<args>",
                        f"{name!r} is a file: --vehicle takes a registered vehicle's id; "
                        f"register the file first with `altsleeve vehicle register {name}`",
                        column="--vehicle",
                    )
                ]
            )
        if name not in known:
            raise _unknown(name, known, "<args>", "--vehicle")
        return name
    if not known:
        raise InputError(
            [
                Problem(
                    str(ledger.path),
                    "no vehicle is registered in this ledger: register one with "
                    "`altsleeve vehicle register FILE`",
                    column="--vehicle",
                )
            ]
        )
    if len(known) > 1:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{len(known)} vehicles are registered ({', '.join(known)}): name one with "
                    f"--vehicle ID or ${VEHICLE_ENV}",
                    column="--vehicle",
                )
            ]
        )
    return known[0]


def definition_on(
    ledger: Ledger,
    vehicle_id: str,
    day: dt.date | str | pd.Timestamp | None = None,
    *,
    recorded_at: dt.datetime | None = None,
) -> Definition:
    """The definition of a registered vehicle in force on ``day`` (default: the latest one).

    Raises
    ------
    InputError
        The vehicle is not registered, or ``day`` is before its inception.
    """
    defs = definitions(ledger, vehicle_id, recorded_at=recorded_at)
    if not defs:
        raise _unknown(
            vehicle_id, vehicle_ids(ledger, recorded_at=recorded_at), "<args>", "--vehicle"
        )
    if day is None:
        return max(defs, key=lambda x: (x.effective, x.known_on))
    found = in_force(defs, day)
    if found is None:
        first = defs[0]
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{vehicle_id} has no definition in force on {pd.Timestamp(day).date()} "
                    f"(it starts on {first.effective}, known on {first.known_on})",
                    column="--date",
                )
            ]
        )
    return found


def registered_vehicle(
    ledger: Ledger,
    vehicle_id: str | None = None,
    day: dt.date | str | pd.Timestamp | None = None,
    *,
    recorded_at: dt.datetime | None = None,
) -> Vehicle:
    """The vehicle a command means (see :func:`resolve_vehicle_id`), as defined on ``day``."""
    vid = resolve_vehicle_id(ledger, vehicle_id, recorded_at=recorded_at)
    return definition_on(ledger, vid, day, recorded_at=recorded_at).vehicle


def _series_problems(ledger: Ledger, vehicle: Vehicle, label: str) -> list[Problem]:
    """Every series the definition names must be registered in the ledger."""
    series = ledger.as_known_on(_FAR, tables=("series",)).series
    known = {str(s) for s in series["series_id"]}
    out: list[Problem] = []

    def check(sid: str, key: str) -> None:
        if sid not in known:
            hint = difflib.get_close_matches(sid, sorted(known), n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            out.append(
                Problem(
                    label,
                    f"key '{key}': unknown series {sid!r}{extra}: register it with "
                    "`altsleeve marketdata register FILE` (or load the shipped real data with "
                    "`altsleeve marketdata load`)",
                )
            )

    for i, s in enumerate(vehicle.sleeves):
        if s.series:
            check(s.series, f"sleeves[{i}].series")
    for sid in vehicle.pricing.move_tolerance:
        check(sid, f"pricing.move_tolerance.{sid}")
    for sid in vehicle.pricing.carry_forward:
        check(sid, f"pricing.carry_forward.{sid}")
    return out


def register_vehicle(
    ledger: Ledger,
    path: str | Path,
    *,
    effective: dt.date | None = None,
    known_on: dt.date | None = None,
    restate: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> Registration:
    """Record a vehicle file's definition in the ledger, effective from a date.

    Parameters
    ----------
    ledger : Ledger
        An open, writable ledger.
    path : str or Path
        The vehicle's TOML file (validated completely; errors name the file and key).
    effective : date, optional
        The first day the definition applies to. The first definition of a vehicle takes
        effect at its inception (the default then); a later one (a change of fees, caps, glide
        path, ...) from the date given, which must be after the inception.
    known_on : date, optional
        When the definition became known; default: ``effective``, or today when ``effective`` is
        in the future. A strike of a day before ``known_on`` does not use it.
    restate : bool
        Record a definition that differs from the one recorded for the same effective date as a
        correction (a new version; the old one is kept). Needs ``reason``.
    reason : str, optional
        Why (kept in the audit log).
    today : date, optional
        Reference date (default: today, UTC).

    Raises
    ------
    InputError
        The file is invalid; a series it names is not registered; the sleeves, inception, seed
        assets, currency or calendar differ from the vehicle's first definition; the effective
        date is before the inception (or the first definition's is not the inception); a
        different definition is already recorded for that date without ``restate``.
    """
    return register_definition(
        ledger,
        Vehicle.from_toml(path),
        source=str(path),
        source_sha256=_sha(Path(path).read_text(encoding="utf-8")),
        effective=effective,
        known_on=known_on,
        restate=restate,
        reason=reason,
        today=today,
    )


def register_definition(
    ledger: Ledger,
    v: Vehicle,
    *,
    source: str = "<vehicle>",
    source_sha256: str = "",
    effective: dt.date | None = None,
    known_on: dt.date | None = None,
    restate: bool = False,
    reason: str | None = None,
    today: dt.date | None = None,
) -> Registration:
    """Record a validated :class:`Vehicle` (see :func:`register_vehicle`; ``source`` names it)."""
    label = source
    today = today or dt.datetime.now(dt.UTC).date()
    problems = _series_problems(ledger, v, label)
    vid = v.vehicle.id
    existing = definitions(ledger, vid)
    inception = v.vehicle.inception
    same = [d for d in existing if d.sha256 == _sha(v.to_json())]
    eff = effective or (inception if not existing else same[0].effective if same else None)
    if eff is None:
        problems.append(
            Problem(
                label,
                f"{vid} is already registered (effective {existing[0].effective}): give "
                "--effective DATE for a changed definition (or --restate --reason to correct "
                "the one in force)",
                column="--effective",
            )
        )
    elif eff < inception:
        problems.append(
            Problem(
                label,
                f"effective date {eff} is before the inception {inception}",
                column="--effective",
            )
        )
    elif not existing and eff != inception:
        problems.append(
            Problem(
                label,
                f"the first definition of {vid} takes effect at its inception {inception}, "
                f"not {eff}",
                column="--effective",
            )
        )
    if existing and existing[0].vehicle.structure() != v.structure():
        old, new = existing[0].vehicle.structure(), v.structure()
        diff = ", ".join(k for k in new if new[k] != old[k])
        problems.append(
            Problem(
                label,
                f"{vid}'s {diff} differ from its registered definition: sleeves, inception, "
                "seed assets, currency and calendar cannot change (register a new vehicle id)",
            )
        )
    if restate and not reason:
        problems.append(Problem("<args>", "--restate needs --reason", column="--reason"))
    if problems or eff is None:
        raise InputError(problems)
    known = known_on or (eff if eff <= today else today)
    if known > today:
        raise InputError(
            [Problem("<args>", f"known-on date {known} is in the future", column="--known-on")]
        )
    text = v.to_json()
    sha = _sha(text)
    row = pd.DataFrame(
        [
            {
                "vehicle_id": vid,
                "effective": pd.Timestamp(eff),
                "name": v.vehicle.name,
                "definition": text,
                "definition_sha256": sha,
                "known_on": pd.Timestamp(known),
            }
        ]
    )
    detail: dict[str, object] = {"effective": eff.isoformat(), "restate": restate}
    if reason:
        detail["reason"] = reason
    try:
        res = ledger.append(
            "vehicles",
            row,
            action="restate" if restate else "register",
            source=label,
            source_sha256=source_sha256,
            restate=restate,
            detail=detail,
        )
    except InputError as exc:  # name the file and the option, not a row of a file
        raise InputError(
            [
                Problem(
                    label,
                    f"{vid} already has a different definition effective {eff}; use --restate "
                    "--reason to correct it, or --effective DATE for a change from a later date",
                    column="--restate",
                )
            ]
        ) from exc
    return Registration(vid, eff, known, sha, res)


def vehicle_table(ledger: Ledger) -> list[dict[str, object]]:
    """One row per registered definition: id, name, effective, version, known on, SHA-256."""
    return [
        {
            "vehicle": d.vehicle_id,
            "name": d.vehicle.vehicle.name,
            "effective": d.effective.isoformat(),
            "version": d.version,
            "known_on": d.known_on.isoformat(),
            "sha256": d.sha256,
            "private_max": d.vehicle.private.max,
            "fee_bp_per_year": d.vehicle.fee_bp_per_year,
        }
        for d in definitions(ledger)
    ]


@dataclass(frozen=True)
class VehicleList:
    """Every registered definition, one row each (see :func:`vehicle_table`)."""

    rows: list[dict[str, object]]

    def to_dict(self) -> list[dict[str, object]]:
        """The rows."""
        return self.rows


def list_vehicles(ledger: Ledger) -> VehicleList:
    """The registered vehicles and each definition (effective date, version, fees, cap)."""
    return VehicleList(vehicle_table(ledger))


@dataclass(frozen=True)
class VehicleShown:
    """One definition with its provenance: the one in force on a day (default: the latest)."""

    definition: Definition

    def to_dict(self) -> dict[str, object]:
        """The provenance, the day it became known and the definition itself."""
        import json

        d = self.definition
        return {
            **d.provenance(),
            "known_on": d.known_on.isoformat(),
            "definition": json.loads(d.vehicle.to_json()),
        }


def show_vehicle(
    ledger: Ledger, vehicle: str | None = None, day: dt.date | None = None
) -> VehicleShown:
    """The definition of ``vehicle`` (default: the only one) in force on ``day``."""
    return VehicleShown(definition_on(ledger, resolve_vehicle_id(ledger, vehicle), day))
