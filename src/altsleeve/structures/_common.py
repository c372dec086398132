"""Shared helpers of the structures package: refusals, business-day rolling and proration.

Owns :func:`prorate` (pro-rata acceptance of tenders or redemption requests when they exceed
what a fund will pay, with Rule 23c-3's optional extra 2% and small-holder priority), the
:class:`Proration` result, and the private helpers that turn a list of faults into an
:class:`~altsleeve.errors.InputError` and roll dates to business days. Pure computation; must not
import the ledger, the command line or any other altsleeve engine.

Units: tenders, holdings and capacities are in one unit chosen by the caller (shares or dollars);
dates are :class:`datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from altsleeve.errors import InputError, Problem

FloatArray = npt.NDArray[np.float64]

#: Rule 23c-3(b)(5)(i): small holders are those who own fewer than this many shares.
SMALL_HOLDER_MAX = 100.0
#: Rule 23c-3(b)(5): when oversubscribed the fund may repurchase up to this much more (a share
#: of shares outstanding on the request deadline).
EXTRA_MAX = 0.02


def refuse(label: str, faults: Sequence[tuple[str | None, str]]) -> None:
    """Raise :class:`InputError` naming ``label`` and each ``(field, message)`` fault, if any."""
    if faults:
        raise InputError([Problem(label, message, column=field) for field, message in faults])


def weekday_calendar(holidays: Sequence[dt.date] = ()) -> np.busdaycalendar:
    """A Monday-Friday business-day calendar with the given holidays (no holidays by default)."""
    return np.busdaycalendar(weekmask="1111100", holidays=[np.datetime64(d, "D") for d in holidays])


def roll(
    day: dt.date, direction: Literal["following", "preceding"], cal: np.busdaycalendar
) -> dt.date:
    """``day`` if it is a business day of ``cal``, else the next (``following``) or previous one."""
    out = np.busday_offset(np.datetime64(day, "D"), 0, roll=direction, busdaycal=cal)
    return dt.date.fromisoformat(str(out))


def is_business_day(day: dt.date, cal: np.busdaycalendar) -> bool:
    """Whether ``day`` is a business day of ``cal``."""
    return bool(np.is_busday(np.datetime64(day, "D"), busdaycal=cal))


@dataclass(frozen=True)
class Proration:
    """The outcome of one oversubscribed (or not) offer or redemption window.

    Attributes
    ----------
    tendered : numpy.ndarray
        What each holder asked for, shape ``(n,)``, in the caller's unit.
    accepted : numpy.ndarray
        What each holder gets, shape ``(n,)``; never above ``tendered``; sums to
        ``min(total tendered, capacity)``.
    capacity : float
        The amount the fund takes: the offer amount plus any extra it chose to take.
    offer_amount : float
        The offer amount before any extra.
    extra_used : float
        The extra taken because the offer was oversubscribed (0 when not).
    ratio : float
        The pro-rata acceptance ratio applied to holders without priority
        (1 when not oversubscribed).
    priority : numpy.ndarray
        Boolean, shape ``(n,)``: holders accepted in full first as small holders.
    """

    tendered: FloatArray
    accepted: FloatArray
    capacity: float
    offer_amount: float
    extra_used: float
    ratio: float
    priority: npt.NDArray[np.bool_]

    @property
    def total_tendered(self) -> float:
        """Sum of tenders."""
        return float(self.tendered.sum())

    @property
    def total_accepted(self) -> float:
        """Sum of accepted amounts."""
        return float(self.accepted.sum())

    @property
    def oversubscribed(self) -> bool:
        """Whether tenders exceeded the offer amount."""
        return self.total_tendered > self.offer_amount


def prorate(
    tendered: Sequence[float] | FloatArray,
    offer_amount: float,
    *,
    extra_amount: float = 0.0,
    held: Sequence[float] | FloatArray | None = None,
    small_holder_max: float | None = None,
) -> Proration:
    """Accept tenders pro rata when they exceed the offer (SEC Rule 23c-3(b)(5)).

    When the total tendered ``T`` is at most ``offer_amount`` every tender is accepted in full.
    Otherwise the fund first raises its capacity by up to ``extra_amount`` (the rule's "additional
    amount ... not to exceed two percent of the shares outstanding"), so the capacity is
    ``C = min(T, offer_amount + extra_amount)``; then, when ``small_holder_max`` is given, holders
    who own fewer than ``small_holder_max`` shares and tender all of them are accepted in full
    first (Rule 23c-3(b)(5)(i)); every other holder gets
    ``accepted_i = tendered_i * min(1, C_left / T_left)``.

    Parameters
    ----------
    tendered : sequence of float
        Each holder's tender (shares, or dollars for funds that offer a dollar amount), >= 0.
    offer_amount : float
        The repurchase offer amount in the same unit, >= 0.
    extra_amount : float, default 0
        The extra the fund takes when oversubscribed (Rule 23c-3 allows up to 2% of shares
        outstanding; the caller converts that to the tender unit), >= 0.
    held : sequence of float, optional
        Each holder's whole holding; needed for small-holder priority (a small holder must
        tender all it holds).
    small_holder_max : float, optional
        Holders owning fewer than this many shares who tender everything are accepted first. The
        rule requires a number less than 100 shares; ``None`` (default) gives no priority. If the
        small holders alone exceed the capacity, they are prorated among themselves.

    Returns
    -------
    Proration
        Accepted amounts per holder and the ratio applied.

    Raises
    ------
    InputError
        A negative tender, offer or extra; ``held`` missing or shorter than ``tendered`` when
        priority is asked; a tender above its holding; ``small_holder_max`` above 100.
    """
    t = np.asarray(tendered, dtype=np.float64).reshape(-1)
    faults: list[tuple[str | None, str]] = []
    if not np.all(np.isfinite(t)) or np.any(t < 0):
        faults.append(("tendered", "every tender must be a finite amount >= 0"))
    if not np.isfinite(offer_amount) or offer_amount < 0:
        faults.append(("offer_amount", f"offer amount {offer_amount} must be >= 0"))
    if not np.isfinite(extra_amount) or extra_amount < 0:
        faults.append(("extra_amount", f"extra amount {extra_amount} must be >= 0"))
    h: FloatArray | None = None
    if small_holder_max is not None:
        if not 0 < small_holder_max <= SMALL_HOLDER_MAX:
            faults.append(
                (
                    "small_holder_max",
                    f"{small_holder_max}: Rule 23c-3(b)(5)(i) allows priority only for holders "
                    "of fewer than 100 shares",
                )
            )
        if held is None:
            faults.append(("held", "small-holder priority needs each holder's whole holding"))
    if held is not None:
        h = np.asarray(held, dtype=np.float64).reshape(-1)
        if h.shape != t.shape:
            faults.append(("held", f"{h.size} holdings for {t.size} tenders"))
        elif np.any(t > h + 1e-9):
            faults.append(("tendered", "a holder tenders more than it holds"))
    refuse("<proration>", faults)

    total = float(t.sum())
    priority = np.zeros(t.shape, dtype=np.bool_)
    if total <= offer_amount:
        return Proration(t, t.copy(), offer_amount, offer_amount, 0.0, 1.0, priority)

    capacity = min(total, offer_amount + extra_amount)
    extra_used = capacity - offer_amount
    if small_holder_max is not None and h is not None:
        priority = (h < small_holder_max) & (np.abs(t - h) <= 1e-9) & (t > 0)
    small = float(t[priority].sum())
    accepted = np.zeros_like(t)
    if small > 0 and small >= capacity:  # small holders alone fill it: prorate among them
        ratio = capacity / small
        accepted[priority] = t[priority] * ratio
        return Proration(t, accepted, capacity, offer_amount, extra_used, 0.0, priority)
    accepted[priority] = t[priority]
    rest = total - small
    ratio = min(1.0, (capacity - small) / rest) if rest > 0 else 1.0
    accepted[~priority] = t[~priority] * ratio
    return Proration(t, accepted, capacity, offer_amount, extra_used, ratio, priority)
