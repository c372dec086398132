"""The daily cycle: a vehicle's day from facts to a status, the release cut-off, the price file.

Owns the status of one vehicle's business day (:func:`day_status`: ``not_struck``,
``exceptions_open``, ``awaiting_review``, ``released``, ``corrected``) and the next action it
waits for (:func:`next_action`), the release cut-off (:class:`Cutoff`, 18:00 America/New_York by
default) and the clock against it (:func:`sla`), and the price record a recordkeeper receives for
a released day (:class:`PriceRecord`, :func:`price_csv`). Must not read the ledger or a clock:
the facts and ``now`` are the caller's.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from altsleeve.ops._roles import Action


class DayStatus(StrEnum):
    """Where a vehicle's business day stands."""

    NOT_STRUCK = "not_struck"
    EXCEPTIONS_OPEN = "exceptions_open"
    AWAITING_REVIEW = "awaiting_review"
    RELEASED = "released"
    CORRECTED = "corrected"


@dataclass(frozen=True)
class DayFacts:
    """What is known of one vehicle's business day.

    Attributes
    ----------
    struck : bool
        The day has a strike.
    open_exceptions : int
        Exceptions the strike recorded that no one has cleared.
    release_pending : bool
        A release proposal for the day is pending.
    released : bool
        The day's NAV was released (a release proposal was approved).
    corrected : bool
        After its release, a restatement of the day was approved (the price was corrected).
    """

    struck: bool = False
    open_exceptions: int = 0
    release_pending: bool = False
    released: bool = False
    corrected: bool = False

    def __post_init__(self) -> None:
        """Refuse facts that cannot hold together."""
        if self.open_exceptions < 0:
            raise ValueError("open_exceptions cannot be negative")
        if (self.released or self.release_pending) and not self.struck:
            raise ValueError("a day that is not struck cannot be proposed for release or released")
        if self.released and self.release_pending:
            raise ValueError("a released day has no pending release proposal")
        if self.corrected and not self.released:
            raise ValueError("only a released day can be corrected (before release, restrike it)")


def day_status(facts: DayFacts) -> DayStatus:
    """The day's status.

    ``corrected`` if released and then restated; ``released`` if released; ``not_struck``
    without a strike; ``exceptions_open`` while any exception is open; else ``awaiting_review``
    (struck and clean, whether or not its release is proposed yet: :func:`next_action` tells).

    Examples
    --------
    >>> day_status(DayFacts(struck=True, open_exceptions=2))
    <DayStatus.EXCEPTIONS_OPEN: 'exceptions_open'>
    """
    if facts.released:
        return DayStatus.CORRECTED if facts.corrected else DayStatus.RELEASED
    if not facts.struck:
        return DayStatus.NOT_STRUCK
    if facts.open_exceptions > 0:
        return DayStatus.EXCEPTIONS_OPEN
    return DayStatus.AWAITING_REVIEW


def next_action(facts: DayFacts) -> Action | None:
    """The action the day waits for.

    ``strike``, ``clear_exception``, ``propose_release``, ``release_nav``, or ``None`` once
    released (a correction goes through a restatement proposal, not the daily cycle).
    """
    status = day_status(facts)
    if status is DayStatus.NOT_STRUCK:
        return Action.STRIKE
    if status is DayStatus.EXCEPTIONS_OPEN:
        return Action.CLEAR_EXCEPTION
    if status is DayStatus.AWAITING_REVIEW:
        return Action.RELEASE_NAV if facts.release_pending else Action.PROPOSE_RELEASE
    return None


@dataclass(frozen=True)
class Cutoff:
    """The release cut-off: the local time by which a day's NAV must be released.

    Attributes
    ----------
    time : time
        Local wall-clock time (default 18:00, a common recordkeeper deadline for a CIT's price).
    zone : str
        IANA time zone (default ``America/New_York``); daylight saving is the zone's.
    """

    time: dt.time = dt.time(18, 0)
    zone: str = "America/New_York"

    def __post_init__(self) -> None:
        """Check the zone exists and the time is naive (the zone gives the offset)."""
        if self.time.tzinfo is not None:
            raise ValueError("give the cut-off as a naive local time; the zone gives the offset")
        try:
            ZoneInfo(self.zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {self.zone!r}") from None

    def deadline(self, day: dt.date) -> dt.datetime:
        """The cut-off of ``day`` in UTC."""
        local = dt.datetime.combine(day, self.time, tzinfo=ZoneInfo(self.zone))
        return local.astimezone(dt.UTC)


DEFAULT_CUTOFF = Cutoff()


@dataclass(frozen=True)
class Sla:
    """The clock against a day's cut-off.

    Attributes
    ----------
    day : date
        The business day.
    deadline : datetime
        Its cut-off, in UTC.
    seconds_left : float
        Seconds from ``now`` to the cut-off; negative when late.
    label : str
        ``"2h 05m left"``, ``"due now"`` or ``"late by 0h 30m"``.
    """

    day: dt.date
    deadline: dt.datetime
    seconds_left: float
    label: str

    @property
    def late(self) -> bool:
        """Whether the cut-off has passed."""
        return self.seconds_left < 0

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "day": self.day.isoformat(),
            "deadline": self.deadline.isoformat(),
            "seconds_left": self.seconds_left,
            "late": self.late,
            "label": self.label,
        }


def _hm(seconds: float) -> str:
    minutes = int(abs(seconds) // 60)
    return f"{minutes // 60}h {minutes % 60:02d}m"


def sla(now_utc: dt.datetime, day: dt.date, cutoff: Cutoff = DEFAULT_CUTOFF) -> Sla:
    """Seconds left to release ``day`` before its cut-off (negative when late).

    Parameters
    ----------
    now_utc : datetime
        Now, timezone-aware (any zone; UTC expected).
    day : date
        The business day to release.
    cutoff : Cutoff
        The cut-off (default 18:00 America/New_York).

    Returns
    -------
    Sla
        The deadline in UTC, the seconds left and a label.

    Examples
    --------
    >>> import datetime as dt
    >>> sla(dt.datetime(2026, 3, 9, 20, 0, tzinfo=dt.UTC), dt.date(2026, 3, 9)).label
    '2h 00m left'
    """
    if now_utc.tzinfo is None or now_utc.utcoffset() is None:
        raise ValueError("now_utc must be timezone-aware")
    deadline = cutoff.deadline(day)
    left = (deadline - now_utc).total_seconds()
    if left > 0:
        label = f"{_hm(left)} left"
    elif left == 0:
        label = "due now"
    else:
        label = f"late by {_hm(left)}"
    return Sla(day, deadline, left, label)


#: Columns of the price file for recordkeepers, in order.
PRICE_COLUMNS: tuple[str, ...] = (
    "vehicle",
    "date",
    "nav_per_unit",
    "correction",
    "original_date",
    "replaces_nav_per_unit",
)


@dataclass(frozen=True)
class PriceRecord:
    """One released price for recordkeepers.

    Attributes
    ----------
    vehicle : str
        The vehicle id (the recordkeeper's fund identifier is mapped at the edge).
    date : date
        The business day of the file the record is sent in. For an original price, the day the
        price is for.
    nav_per_unit : float
        The NAV per unit, in dollars.
    correction : bool
        The record corrects a price released earlier.
    original_date : date or None
        For a correction: the business day whose price it corrects (on or before ``date``);
        ``None`` otherwise.
    replaces_nav_per_unit : float or None
        For a correction: the price released before, which this one replaces.
    """

    vehicle: str
    date: dt.date
    nav_per_unit: float
    correction: bool = False
    original_date: dt.date | None = None
    replaces_nav_per_unit: float | None = None

    def __post_init__(self) -> None:
        """Refuse a record a recordkeeper could misread."""
        if not self.vehicle.strip():
            raise ValueError("a price record needs a vehicle")
        if not self.nav_per_unit > 0:
            raise ValueError(f"NAV per unit must be positive, got {self.nav_per_unit}")
        if self.correction:
            if self.original_date is None:
                raise ValueError("a correction names the original date it corrects")
            if self.original_date > self.date:
                raise ValueError("a correction cannot correct a later day")
        elif self.original_date is not None or self.replaces_nav_per_unit is not None:
            raise ValueError("only a correction has an original date or a replaced price")

    @property
    def priced_date(self) -> dt.date:
        """The business day the price is for."""
        return self.original_date if self.original_date is not None else self.date

    def to_dict(self) -> dict[str, Any]:
        """JSON values, keys in :data:`PRICE_COLUMNS` order."""
        return {
            "vehicle": self.vehicle,
            "date": self.date.isoformat(),
            "nav_per_unit": self.nav_per_unit,
            "correction": self.correction,
            "original_date": None if self.original_date is None else self.original_date.isoformat(),
            "replaces_nav_per_unit": self.replaces_nav_per_unit,
        }


def price_csv(records: Iterable[PriceRecord], decimals: int = 6, header: bool = True) -> str:
    """The price file's CSV text: columns :data:`PRICE_COLUMNS`, one row per record.

    Prices are written with ``decimals`` places; ``correction`` is ``Y`` or ``N``; absent
    values are empty. Lines end with a line feed.

    Examples
    --------
    >>> import datetime as dt
    >>> print(price_csv([PriceRecord("TDF2045", dt.date(2026, 3, 9), 10.1234)]), end="")
    vehicle,date,nav_per_unit,correction,original_date,replaces_nav_per_unit
    TDF2045,2026-03-09,10.123400,N,,
    """
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    if header:
        writer.writerow(PRICE_COLUMNS)
    for r in records:
        writer.writerow(
            [
                r.vehicle,
                r.date.isoformat(),
                f"{r.nav_per_unit:.{decimals}f}",
                "Y" if r.correction else "N",
                "" if r.original_date is None else r.original_date.isoformat(),
                ""
                if r.replaces_nav_per_unit is None
                else f"{r.replaces_nav_per_unit:.{decimals}f}",
            ]
        )
    return buf.getvalue()
