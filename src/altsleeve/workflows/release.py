"""The daily release: a day's status and cut-off clock, the released prices, NAV errors.

Owns the ``releases`` and ``nav_corrections`` tables' use cases (issue 20): a vehicle's day as
the cycle sees it (:func:`day_cycle`: struck, exceptions open, awaiting review, released,
corrected; the release cut-off of the vehicle's ``[pricing]``; the open exceptions and pending
proposals), the release of a day's latest strike (:func:`release_day`, applied by an approved
``nav_release`` proposal), the recordkeepers' price records (:func:`price_records`,
:func:`price_file`) and the NAV error found when a released day is restruck
(:func:`nav_error_after_restrike`, applied by an approved ``restatement`` proposal).

A release is a row of ``releases`` keyed by vehicle and day; a correction is the next version of
that row (``correction`` true, ``original_date`` the day it corrects, ``known_on`` the day it
was released), so that as known before the correction the original price stands. Orders carry no
plan or account id in the ledger (``orders`` is keyed by vehicle, day and kind: each day's
purchases and redemptions in all), so a NAV error's reprocessing list has one order per kind,
with the vehicle as its account.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import pandas as pd

from altsleeve.errors import InputError, Problem
from altsleeve.ledger import Ledger
from altsleeve.ops import (
    DEFAULT_POLICY,
    Cutoff,
    DayFacts,
    NavErrorClass,
    NavErrorPolicy,
    Order,
    PriceRecord,
    Principal,
    Reprocessing,
    day_status,
    next_action,
    price_csv,
    reprocess,
    sla,
)
from altsleeve.workflows._opsread import FAR, latest, naive, now_utc
from altsleeve.workflows.fund import PRICES_SCOPE, exceptions_table
from altsleeve.workflows.vehicles import definition_on, resolve_vehicle_id


def _day(value: dt.date | str, column: str) -> dt.date:
    try:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    except ValueError:
        raise InputError([Problem("<args>", f"{value!r} is not a date", column=column)]) from None


def _strike_row(ledger: Ledger, vehicle: str, day: dt.date) -> dict[str, Any] | None:
    """The latest version of the day's strike (with its version), or ``None``."""
    s = latest(ledger, "strikes")
    s = s[(s["vehicle"] == vehicle) & (pd.to_datetime(s["date"]) == pd.Timestamp(day))]
    return None if s.empty else {str(k): v for k, v in s.iloc[-1].to_dict().items()}


def open_exceptions(ledger: Ledger, vehicle: str, day: dt.date) -> pd.DataFrame:
    """The exceptions of the vehicle (and of its prices) dated ``day`` that are still open."""
    ex = exceptions_table(ledger, (vehicle, PRICES_SCOPE))
    hit = (ex["status"] == "open") & (pd.to_datetime(ex["date"]) == pd.Timestamp(day))
    return ex[hit].reset_index(drop=True)


def release_versions(ledger: Ledger, vehicle: str, day: dt.date) -> pd.DataFrame:
    """Every version of the day's release, oldest first (empty when never released)."""
    h = ledger.history("releases")
    return h[(h["vehicle"] == vehicle) & (pd.to_datetime(h["date"]) == pd.Timestamp(day))]


def _pending(ledger: Ledger, vehicle: str, day: dt.date | None = None) -> pd.DataFrame:
    p = latest(ledger, "proposals")
    hit = (p["vehicle"] == vehicle) & (p["status"] == "pending")
    if day is not None:
        hit &= pd.to_datetime(p["effective"]) == pd.Timestamp(day)
    return p[hit].sort_values("proposal_id").reset_index(drop=True)


@dataclass(frozen=True)
class DayCycle:
    """One vehicle's business day as the daily cycle sees it."""

    vehicle: str
    day: dt.date
    status: str
    next_action: str | None
    sla: dict[str, Any]
    cutoff: dict[str, str]
    strike_version: int | None
    nav_per_unit: float | None
    released_nav: float | None
    open_exceptions: list[dict[str, Any]]
    pending_proposals: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "vehicle": self.vehicle,
            "day": self.day.isoformat(),
            "status": self.status,
            "next_action": self.next_action,
            "sla": self.sla,
            "cutoff": self.cutoff,
            "strike_version": self.strike_version,
            "nav_per_unit": self.nav_per_unit,
            "released_nav": self.released_nav,
            "open_exceptions": self.open_exceptions,
            "pending_proposals": self.pending_proposals,
        }


def _plain(frame: pd.DataFrame, cols: tuple[str, ...]) -> list[dict[str, Any]]:
    out = []
    for r in frame.to_dict("records"):
        row: dict[str, Any] = {}
        for c in cols:
            v = r.get(c)
            if isinstance(v, pd.Timestamp):
                v = v.isoformat() if v != v.normalize() else v.date().isoformat()
            elif v is not None and not isinstance(v, str) and pd.isna(v):
                v = None
            row[c] = v
        out.append(row)
    return out


def day_cycle(
    ledger: Ledger, vehicle: str, day: dt.date | str, now: dt.datetime | None = None
) -> DayCycle:
    """A vehicle's day: its status, the next action, the cut-off clock, what is open.

    The cut-off is the vehicle's ``[pricing] release_cutoff`` in ``release_zone`` (default
    18:00 America/New_York) in the definition in force that day.

    Raises
    ------
    InputError
        The vehicle is not registered (``vehicle``); ``day`` is not a date, or before the
        vehicle's inception; ``now`` is not timezone-aware.
    """
    vid = resolve_vehicle_id(ledger, vehicle)
    d = _day(day, "day")
    when = now_utc(now)
    defn = definition_on(ledger, vid, d)
    pricing = defn.vehicle.pricing
    cutoff = Cutoff(pricing.release_time, pricing.release_zone)
    strike = _strike_row(ledger, vid, d)
    ex = open_exceptions(ledger, vid, d)
    pending = _pending(ledger, vid, d)
    versions = release_versions(ledger, vid, d)
    corrections = latest(ledger, "nav_corrections")
    corrected = bool(
        (
            (corrections["vehicle"] == vid)
            & (pd.to_datetime(corrections["date"]) == pd.Timestamp(d))
        ).any()
    )
    released = not versions.empty
    facts = DayFacts(
        struck=strike is not None,
        open_exceptions=len(ex),
        release_pending=strike is not None
        and not released
        and bool((pending["kind"] == "nav_release").any()),
        released=released,
        corrected=released and corrected,
    )
    action = next_action(facts)
    return DayCycle(
        vehicle=vid,
        day=d,
        status=str(day_status(facts)),
        next_action=None if action is None else str(action),
        sla=sla(when, d, cutoff).to_dict(),
        cutoff={"time": pricing.release_cutoff, "zone": pricing.release_zone},
        strike_version=None if strike is None else int(strike["version"]),
        nav_per_unit=None if strike is None else float(strike["nav_per_unit"]),
        released_nav=None if versions.empty else float(versions.iloc[-1]["nav_per_unit"]),
        open_exceptions=_plain(ex, ("kind", "subject", "value", "threshold", "detail")),
        pending_proposals=_plain(
            pending, ("proposal_id", "kind", "effective", "maker", "reason", "created_at")
        ),
    )


@dataclass(frozen=True)
class Release:
    """A release (or a correction) recorded in ``releases``."""

    vehicle: str
    date: dt.date
    version: int
    nav_per_unit: float
    net_assets: float
    strike_version: int
    released_by: str
    correction: bool
    original_date: dt.date | None
    proposal_id: str
    known_on: dt.date

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "vehicle": self.vehicle,
            "date": self.date.isoformat(),
            "version": self.version,
            "nav_per_unit": self.nav_per_unit,
            "net_assets": self.net_assets,
            "strike_version": self.strike_version,
            "released_by": self.released_by,
            "correction": self.correction,
            "original_date": None if self.original_date is None else self.original_date.isoformat(),
            "proposal_id": self.proposal_id,
            "known_on": self.known_on.isoformat(),
        }


def _write_release(ledger: Ledger, rel: Release, actor: str) -> None:
    row = rel.to_dict()
    row.pop("version")
    row["original_date"] = rel.original_date
    ledger.append(
        "releases",
        pd.DataFrame([row]),
        action="correct" if rel.correction else "release",
        source=f"proposal {rel.proposal_id}",
        restate=rel.correction,
        detail={"proposal_id": rel.proposal_id, "strike_version": rel.strike_version},
        actor=actor,
    )


def release_day(
    ledger: Ledger, vehicle: str, day: dt.date, *, proposal_id: str, checker: str, at: dt.datetime
) -> Release:
    """Release the day's latest strike version (an approved ``nav_release`` proposal's effect).

    Raises
    ------
    InputError
        The day is not struck; it has open exceptions (each named; accept or resolve them
        first); it was already released (a corrected price goes through a restatement).
    """
    strike = _strike_row(ledger, vehicle, day)
    if strike is None:
        raise InputError(
            [Problem("<args>", f"{vehicle} has no strike on {day}", column="effective")]
        )
    ex = open_exceptions(ledger, vehicle, day)
    if len(ex):
        named = ", ".join(f"{k} of {s}" for k, s in zip(ex["kind"], ex["subject"], strict=True))
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{vehicle} on {day} has {len(ex)} open exception(s) ({named}): accept or "
                    "resolve them before the release",
                    column="effective",
                )
            ]
        )
    if not release_versions(ledger, vehicle, day).empty:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{vehicle} on {day} is already released; a corrected price goes through a "
                    "restatement proposal",
                    column="effective",
                )
            ]
        )
    rel = Release(
        vehicle,
        day,
        1,
        float(strike["nav_per_unit"]),
        float(strike["net_assets"]),
        int(strike["version"]),
        checker,
        False,
        None,
        proposal_id,
        naive(at).date(),
    )
    _write_release(ledger, rel, checker)
    return rel


def price_records(
    ledger: Ledger,
    vehicle: str | None = None,
    since: dt.date | None = None,
    *,
    known_on: dt.date = FAR,
) -> list[PriceRecord]:
    """Every release as a recordkeeper's price record, by the day it was sent.

    An original release is dated the day it prices; a correction is dated the day it was
    released (its ``known_on``) and names the ``original_date`` it corrects and the price it
    replaces. ``since``: only records dated on or after it. ``known_on``: as known on that date.
    """
    h = ledger.history("releases")
    h = h[pd.to_datetime(h["known_on"]) <= pd.Timestamp(known_on)]
    if vehicle is not None:
        h = h[h["vehicle"] == vehicle]
    out: list[PriceRecord] = []
    before: dict[tuple[str, pd.Timestamp], float] = {}
    for r in h.sort_values(["vehicle", "date", "version"]).to_dict("records"):
        key = (str(r["vehicle"]), pd.Timestamp(r["date"]))
        if bool(r["correction"]):
            rec = PriceRecord(
                key[0],
                pd.Timestamp(r["known_on"]).date(),
                float(r["nav_per_unit"]),
                True,
                key[1].date(),
                before.get(key),
            )
        else:
            rec = PriceRecord(key[0], key[1].date(), float(r["nav_per_unit"]))
        before[key] = float(r["nav_per_unit"])
        if since is None or rec.date >= since:
            out.append(rec)
    return sorted(out, key=lambda p: (p.date, p.vehicle, p.correction))


@dataclass(frozen=True)
class PriceFile:
    """The recordkeepers' price file: its records and CSV text."""

    records: tuple[PriceRecord, ...]
    csv: str

    def to_dict(self) -> dict[str, Any]:
        """JSON values: the records (the CSV text is what a file download serves)."""
        return {"records": [r.to_dict() for r in self.records], "csv": self.csv}


def price_file(
    ledger: Ledger, vehicle: str | None = None, since: dt.date | None = None
) -> PriceFile:
    """:func:`price_records` and their CSV (:func:`altsleeve.ops.price_csv`)."""
    records = price_records(ledger, vehicle, since)
    return PriceFile(tuple(records), price_csv(records))


@dataclass(frozen=True)
class NavErrorResult:
    """A restruck released day against its release: error, reprocessing, what was written."""

    vehicle: str
    day: dt.date
    proposal_id: str
    reprocessing: Reprocessing
    correction: Release | None

    @property
    def error_class(self) -> str:
        """``none``, ``immaterial`` or ``material``."""
        return str(self.reprocessing.error.error_class)

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "vehicle": self.vehicle,
            "day": self.day.isoformat(),
            "proposal_id": self.proposal_id,
            "error_class": self.error_class,
            "reprocessing": self.reprocessing.to_dict(),
            "correction": None if self.correction is None else self.correction.to_dict(),
        }


def _day_orders(ledger: Ledger, vehicle: str, day: dt.date, released_nav: float) -> list[Order]:
    o = latest(ledger, "orders")
    o = o[(o["vehicle"] == vehicle) & (pd.to_datetime(o["date"]) == pd.Timestamp(day))]
    out = []
    for r in o.sort_values("kind").to_dict("records"):
        amount = float(r["amount"])
        if amount > 0 and r["kind"] in ("purchase", "redemption"):
            # the ledger's orders have no plan or account id: the vehicle's day in all
            out.append(Order(vehicle, day, r["kind"], amount, amount / released_nav))
    return out


def nav_error_after_restrike(
    ledger: Ledger,
    vehicle: str,
    day: dt.date,
    policy: NavErrorPolicy = DEFAULT_POLICY,
    *,
    proposal_id: str,
    checker: Principal,
    at: dt.datetime | None = None,
) -> NavErrorResult:
    """Classify a restruck released day against its release and record what follows.

    The released price (the latest release of the day) is compared with the day's latest strike
    (:func:`altsleeve.ops.classify`); the day's orders, struck at the released price, are
    repriced (:func:`altsleeve.ops.reprocess`). A ``nav_corrections`` row records the error and
    the reprocessing list; when it is an error (``immaterial`` or ``material``) a correction is
    released (the next version of the day's ``releases`` row). Runs only for an approved
    ``restatement`` proposal of that vehicle and day (``proposal_id``), as its checker.

    Raises
    ------
    InputError
        The proposal is not an approved restatement of that day (``proposal_id``); the day was
        never released or is not struck (``effective``).
    """
    when = now_utc(at)
    props = latest(ledger, "proposals").set_index("proposal_id", drop=False)
    ok = proposal_id in props.index and (
        props.loc[proposal_id, "kind"] == "restatement"
        and props.loc[proposal_id, "status"] == "approved"
        and props.loc[proposal_id, "vehicle"] == vehicle
        and pd.Timestamp(str(props.loc[proposal_id, "effective"])) == pd.Timestamp(day)
    )
    if not ok:
        raise InputError(
            [
                Problem(
                    "<args>",
                    f"{proposal_id!r} is not an approved restatement of {vehicle} on {day}",
                    column="proposal_id",
                )
            ]
        )
    versions = release_versions(ledger, vehicle, day)
    strike = _strike_row(ledger, vehicle, day)
    if versions.empty or strike is None:
        raise InputError(
            [Problem("<args>", f"{vehicle} on {day} was never released", column="effective")]
        )
    released = float(versions.iloc[-1]["nav_per_unit"])
    correct = float(strike["nav_per_unit"])
    rep = reprocess(_day_orders(ledger, vehicle, day, released), released, correct, policy)
    detail = {
        **rep.to_dict(),
        "policy": {
            "error_per_unit": policy.error_per_unit,
            "material_share": policy.material_share,
            "account_minimum": policy.account_minimum,
            "reprocess_immaterial": policy.reprocess_immaterial,
        },
        "strike_version": int(strike["version"]),
        "released_version": int(versions.iloc[-1]["version"]),
    }
    ledger.append(
        "nav_corrections",
        pd.DataFrame(
            [
                {
                    "vehicle": vehicle,
                    "date": day,
                    "released_nav": released,
                    "correct_nav": correct,
                    "error_class": str(rep.error.error_class),
                    "detail": json.dumps(detail, sort_keys=True, default=str),
                    "proposal_id": proposal_id,
                    "known_on": naive(when).date(),
                }
            ]
        ),
        action="nav_error",
        source=f"proposal {proposal_id}",
        restate=True,
        detail={"proposal_id": proposal_id, "error_class": str(rep.error.error_class)},
        actor=checker.name,
    )
    correction = None
    if rep.error.error_class is not NavErrorClass.NONE:
        correction = Release(
            vehicle,
            day,
            int(versions.iloc[-1]["version"]) + 1,
            correct,
            float(strike["net_assets"]),
            int(strike["version"]),
            checker.name,
            True,
            day,
            proposal_id,
            naive(when).date(),
        )
        _write_release(ledger, correction, checker.name)
    return NavErrorResult(vehicle, day, proposal_id, rep, correction)


__all__ = [
    "DayCycle",
    "NavErrorResult",
    "PriceFile",
    "Release",
    "day_cycle",
    "nav_error_after_restrike",
    "open_exceptions",
    "price_file",
    "price_records",
    "release_day",
    "release_versions",
]
