"""Interval funds under SEC Rule 23c-3: terms, the repurchase calendar and offer outcomes.

Owns :class:`IntervalTerms` (refused when outside the rule), :func:`repurchase_calendar` (notice,
request deadline, pricing and payment dates of each periodic offer), :func:`interval_offer`
(proration of one offer's tenders, the vehicle's among them, with the other holders' tenders
given directly or as a market-wide tender ratio) and :func:`vehicle_tender` (how many shares the
vehicle tenders for a cash need). Pure computation; must not import the ledger, the command line
or other altsleeve engines, nor value the fund (the NAV per share is an input).

Source: 17 CFR 270.23c-3 ("Rule 23c-3"), paragraphs (a)-(b): repurchase offers every 3, 6 or
12 months of 5-25% of the common stock outstanding on the request deadline; notification 21-42
days before the request deadline; pricing not more than 14 days after the deadline (or the next
business day if the 14th day is not one); payment not later than 7 days after pricing; when
oversubscribed, up to 2% more of the shares outstanding, then pro rata, with the permitted
priority for holders of fewer than 100 shares who tender all of them.

Units: shares and dollars as stated per field; lags are calendar days; dates are
:class:`datetime.date`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from altsleeve.structures._common import (
    EXTRA_MAX,
    SMALL_HOLDER_MAX,
    FloatArray,
    Proration,
    is_business_day,
    prorate,
    refuse,
    roll,
    weekday_calendar,
)

#: Rule 23c-3(a), "periodic interval": the repurchase interval, months.
FREQUENCIES_MONTHS: tuple[int, ...] = (3, 6, 12)
#: Rule 23c-3(b)(3)(i): the offer amount, share of common stock outstanding.
OFFER_MIN, OFFER_MAX = 0.05, 0.25
#: Rule 23c-3(b)(4)(i): notification, days before the repurchase request deadline.
NOTICE_MIN_DAYS, NOTICE_MAX_DAYS = 21, 42
#: Rule 23c-3(a), "repurchase pricing date": at most this many days after the request deadline.
PRICING_MAX_DAYS = 14
#: Rule 23c-3: payment, at most this many days after the pricing date.
PAYMENT_MAX_DAYS = 7


@dataclass(frozen=True)
class IntervalTerms:
    """An interval fund's repurchase terms, checked against Rule 23c-3 when made.

    Attributes
    ----------
    frequency_months : int
        Months between repurchase request deadlines: 3, 6 or 12.
    offer_fraction : float
        The offer amount, a share of shares outstanding on the deadline, 0.05-0.25.
    notice_days : int
        Days from the shareholder notification to the request deadline, 21-42.
    pricing_lag_days : int, default 0
        Days from the request deadline to the pricing date, 0-14 (many funds price on the
        deadline itself).
    payment_lag_days : int, default 7
        Days from the pricing date to payment, 0-7.
    extra_fraction : float, default 0.02
        The most the fund takes beyond the offer when oversubscribed, a share of shares
        outstanding, 0-0.02 (0 = the fund never takes more).
    small_holder_max : float or None, default None
        Accept holders of fewer than this many shares who tender everything before prorating
        (Rule 23c-3(b)(5)(i)); must be at most 100. ``None`` = no priority.
    label : str, default ``"<interval terms>"``
        Names the terms in error messages.

    Raises
    ------
    InputError
        Any term outside the rule; each problem names the field and the rule's bound.
    """

    frequency_months: int = 3
    offer_fraction: float = 0.05
    notice_days: int = 21
    pricing_lag_days: int = 0
    payment_lag_days: int = 7
    extra_fraction: float = EXTRA_MAX
    small_holder_max: float | None = None
    label: str = "<interval terms>"

    def __post_init__(self) -> None:
        faults: list[tuple[str | None, str]] = []
        if self.frequency_months not in FREQUENCIES_MONTHS:
            faults.append(
                (
                    "frequency_months",
                    f"{self.frequency_months}: Rule 23c-3 allows repurchases every 3, 6 or "
                    "12 months",
                )
            )
        if not OFFER_MIN <= self.offer_fraction <= OFFER_MAX:
            faults.append(
                (
                    "offer_fraction",
                    f"{self.offer_fraction}: Rule 23c-3(b)(3)(i) requires an offer of 5% to 25% "
                    "of shares outstanding",
                )
            )
        if not NOTICE_MIN_DAYS <= self.notice_days <= NOTICE_MAX_DAYS:
            faults.append(
                (
                    "notice_days",
                    f"{self.notice_days}: Rule 23c-3(b)(4)(i) requires notification 21 to 42 "
                    "days before the repurchase request deadline",
                )
            )
        if not 0 <= self.pricing_lag_days <= PRICING_MAX_DAYS:
            faults.append(
                (
                    "pricing_lag_days",
                    f"{self.pricing_lag_days}: Rule 23c-3 requires pricing within 14 days "
                    "after the repurchase request deadline",
                )
            )
        if not 0 <= self.payment_lag_days <= PAYMENT_MAX_DAYS:
            faults.append(
                (
                    "payment_lag_days",
                    f"{self.payment_lag_days}: Rule 23c-3 requires payment within 7 days "
                    "after the repurchase pricing date",
                )
            )
        if not 0.0 <= self.extra_fraction <= EXTRA_MAX:
            faults.append(
                (
                    "extra_fraction",
                    f"{self.extra_fraction}: Rule 23c-3(b)(5) allows at most 2% of shares "
                    "outstanding beyond the offer",
                )
            )
        if self.small_holder_max is not None and not 0 < self.small_holder_max <= SMALL_HOLDER_MAX:
            faults.append(
                (
                    "small_holder_max",
                    f"{self.small_holder_max}: Rule 23c-3(b)(5)(i) allows priority only for "
                    "holders of fewer than 100 shares",
                )
            )
        refuse(self.label, faults)


def _scheduled(first: dt.date, months: int, until: dt.date) -> list[dt.date]:
    """Unrolled dates ``first + k * months`` (k = 0, 1, ...) up to ``until``."""
    out: list[dt.date] = []
    k = 0
    while (d := (pd.Timestamp(first) + pd.DateOffset(months=k * months)).date()) <= until:
        out.append(d)
        k += 1
    return out


def repurchase_calendar(
    terms: IntervalTerms,
    first_deadline: dt.date,
    end: dt.date,
    *,
    start: dt.date | None = None,
    calendar: np.busdaycalendar | None = None,
) -> pd.DataFrame:
    """The dates of every repurchase offer whose request deadline falls in ``[start, end]``.

    Deadlines are scheduled every ``terms.frequency_months`` months from ``first_deadline`` (same
    day of the month; month ends clip to the shorter month) and rolled to the preceding business
    day when they fall on a holiday or weekend (a common prospectus convention). From each
    deadline ``D``:

    - notice ``N = D - notice_days``, rolled to the preceding business day if that keeps it at
      most 42 days before ``D``, else to the following one (Rule 23c-3(b)(4)(i): 21-42 days);
    - pricing ``P = D + pricing_lag_days`` rolled to the following business day (Rule
      23c-3(a): within 14 days, or the next business day if the 14th day is not one);
    - payment ``Y = P + payment_lag_days`` rolled to the preceding business day (Rule
      23c-3: not later than 7 days after pricing).

    Parameters
    ----------
    terms : IntervalTerms
        The fund's terms.
    first_deadline : datetime.date
        The first scheduled repurchase request deadline (before rolling).
    end : datetime.date
        The last request deadline to include.
    start : datetime.date, optional
        The first request deadline to include (default ``first_deadline`` rolled).
    calendar : numpy.busdaycalendar, optional
        Business days (default Monday-Friday with no holidays; pass one with the exchange's
        holidays for a real calendar).

    Returns
    -------
    pandas.DataFrame
        One row per offer: ``offer`` (1, 2, ...), ``scheduled`` (the unrolled deadline),
        ``notice``, ``deadline``, ``pricing``, ``payment`` (dates), ``notice_days`` (days from
        notice to deadline), ``pricing_days`` (deadline to pricing), ``payment_days`` (pricing to
        payment).

    Raises
    ------
    InputError
        The calendar leaves no business day that satisfies the rule for some offer.
    """
    cal = calendar if calendar is not None else weekday_calendar()
    start = roll(first_deadline, "preceding", cal) if start is None else start
    rows: list[dict[str, object]] = []
    faults: list[tuple[str | None, str]] = []
    for scheduled in _scheduled(first_deadline, terms.frequency_months, end + dt.timedelta(7)):
        deadline = roll(scheduled, "preceding", cal)
        if not start <= deadline <= end:
            continue
        notice = roll(deadline - dt.timedelta(days=terms.notice_days), "preceding", cal)
        if (deadline - notice).days > NOTICE_MAX_DAYS:
            notice = roll(deadline - dt.timedelta(days=terms.notice_days), "following", cal)
        pricing = roll(deadline + dt.timedelta(days=terms.pricing_lag_days), "following", cal)
        payment = roll(pricing + dt.timedelta(days=terms.payment_lag_days), "preceding", cal)
        day14 = deadline + dt.timedelta(days=PRICING_MAX_DAYS)
        latest_pricing = day14 if is_business_day(day14, cal) else roll(day14, "following", cal)
        notice_days = (deadline - notice).days
        if not NOTICE_MIN_DAYS <= notice_days <= NOTICE_MAX_DAYS:
            faults.append(
                ("notice", f"offer with deadline {deadline}: no business day 21-42 days before")
            )
        if pricing > latest_pricing:
            faults.append(("pricing", f"offer with deadline {deadline}: no pricing day in 14 days"))
        if payment < pricing:
            faults.append(("payment", f"offer priced {pricing}: no payment day in 7 days"))
        rows.append(
            {
                "offer": len(rows) + 1,
                "scheduled": scheduled,
                "notice": notice,
                "deadline": deadline,
                "pricing": pricing,
                "payment": payment,
                "notice_days": notice_days,
                "pricing_days": (pricing - deadline).days,
                "payment_days": (payment - pricing).days,
            }
        )
    refuse(terms.label, faults)
    columns = [
        "offer",
        "scheduled",
        "notice",
        "deadline",
        "pricing",
        "payment",
        "notice_days",
        "pricing_days",
        "payment_days",
    ]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class OfferOutcome:
    """One repurchase offer's result for the vehicle.

    Attributes
    ----------
    proration : Proration
        The whole offer's proration; holder 0 is the vehicle, holder 1 every other holder
        in aggregate (or each other holder when they are given one by one).
    vehicle_tendered, vehicle_accepted : float
        The vehicle's tender and what was accepted, shares.
    vehicle_cash : float
        ``vehicle_accepted * nav_per_share``, dollars (before any fee).
    acceptance : float
        ``vehicle_accepted / vehicle_tendered`` (1 when nothing was tendered).
    unfilled : float
        Shares the vehicle tendered that were not accepted (it still holds them).
    """

    proration: Proration
    vehicle_tendered: float
    vehicle_accepted: float
    vehicle_cash: float
    acceptance: float
    unfilled: float


def interval_offer(
    terms: IntervalTerms,
    shares_outstanding: float,
    vehicle_tendered: float,
    *,
    nav_per_share: float = 1.0,
    others_tendered: float | Sequence[float] | None = None,
    market_tender_ratio: float | None = None,
    vehicle_held: float | None = None,
    others_held: Sequence[float] | None = None,
    take_extra: bool = True,
) -> OfferOutcome:
    """The vehicle's outcome from one repurchase offer when other holders tender too.

    The offer amount is ``offer_fraction * shares_outstanding``, the extra (when oversubscribed
    and ``take_extra``) ``extra_fraction * shares_outstanding``; tenders are prorated by
    :func:`~altsleeve.structures.prorate`. Stress is modelled by the other holders' tenders: give
    them directly (``others_tendered``, one aggregate number or one per holder) or as
    ``market_tender_ratio``, the share of the other holders' shares that they tender
    (``others = ratio * (shares_outstanding - vehicle_held)``).

    Parameters
    ----------
    terms : IntervalTerms
        The fund's terms.
    shares_outstanding : float
        Shares outstanding on the request deadline, > 0.
    vehicle_tendered : float
        Shares the vehicle tenders, >= 0.
    nav_per_share : float, default 1
        The NAV on the pricing date, dollars a share.
    others_tendered : float or sequence of float, optional
        The other holders' tenders, shares.
    market_tender_ratio : float, optional
        Share of the other holders' shares tendered, in [0, 1]; needs ``vehicle_held``.
    vehicle_held : float, optional
        The vehicle's holding, shares (default: ``vehicle_tendered``).
    others_held : sequence of float, optional
        Each other holder's holding, for small-holder priority.
    take_extra : bool, default True
        Whether the fund takes its extra when oversubscribed.

    Returns
    -------
    OfferOutcome
        The vehicle's accepted shares and cash.

    Raises
    ------
    InputError
        Neither or both of ``others_tendered`` and ``market_tender_ratio``; amounts out of range.
    """
    held_v = vehicle_tendered if vehicle_held is None else vehicle_held
    faults: list[tuple[str | None, str]] = []
    if (others_tendered is None) == (market_tender_ratio is None):
        faults.append((None, "give exactly one of others_tendered and market_tender_ratio"))
    if shares_outstanding <= 0:
        faults.append(("shares_outstanding", "must be > 0"))
    if market_tender_ratio is not None and not 0 <= market_tender_ratio <= 1:
        faults.append(("market_tender_ratio", f"{market_tender_ratio}: a share in [0, 1]"))
    if held_v > shares_outstanding:
        faults.append(("vehicle_held", "the vehicle holds more than the shares outstanding"))
    refuse(terms.label, faults)
    if market_tender_ratio is not None:
        others: list[float] = [market_tender_ratio * (shares_outstanding - held_v)]
    elif isinstance(others_tendered, (int, float)):
        others = [float(others_tendered)]
    else:
        assert others_tendered is not None
        others = [float(x) for x in others_tendered]
    tendered = np.array([vehicle_tendered, *others], dtype=np.float64)
    held: FloatArray | None = None
    if terms.small_holder_max is not None:
        if others_held is None or len(others_held) != len(others):
            refuse(terms.label, [("others_held", "small-holder priority needs every holding")])
        assert others_held is not None
        held = np.array([held_v, *others_held], dtype=np.float64)
    result = prorate(
        tendered,
        terms.offer_fraction * shares_outstanding,
        extra_amount=terms.extra_fraction * shares_outstanding if take_extra else 0.0,
        held=held,
        small_holder_max=terms.small_holder_max,
    )
    got = float(result.accepted[0])
    return OfferOutcome(
        proration=result,
        vehicle_tendered=float(vehicle_tendered),
        vehicle_accepted=got,
        vehicle_cash=got * nav_per_share,
        acceptance=got / vehicle_tendered if vehicle_tendered > 0 else 1.0,
        unfilled=float(vehicle_tendered) - got,
    )


@dataclass(frozen=True)
class TenderDecision:
    """How much the vehicle tenders into one offer.

    Attributes
    ----------
    need : float
        The cash the vehicle wants from this offer, dollars.
    shares_tendered : float
        Shares tendered: ``min(held, need / (nav_per_share * expected_acceptance))``.
    expected_accepted : float
        ``shares_tendered * expected_acceptance``, shares.
    expected_cash : float
        ``expected_accepted * nav_per_share``, dollars.
    shortfall : float
        ``max(0, need - expected_cash)``, dollars: what the holding cannot give this time.
    """

    need: float
    shares_tendered: float
    expected_accepted: float
    expected_cash: float
    shortfall: float


def vehicle_tender(
    need: float,
    held: float,
    nav_per_share: float,
    *,
    expected_acceptance: float = 1.0,
) -> TenderDecision:
    """The vehicle's tender for a cash need, grossed up for the proration it expects.

    The vehicle tenders ``need / (nav_per_share * a)`` shares where ``a`` is the acceptance it
    expects (1 = no proration; ``offer / expected total tenders`` under stress), capped at its
    holding. Grossing up is what holders do in practice when they expect proration; it adds to
    the oversubscription, which :func:`interval_offer` then shows.

    Parameters
    ----------
    need : float
        Cash wanted, dollars, >= 0.
    held : float
        Shares held, >= 0.
    nav_per_share : float
        Expected NAV at pricing, dollars a share, > 0.
    expected_acceptance : float, default 1
        Expected share of a tender accepted, in (0, 1].

    Returns
    -------
    TenderDecision
        Shares to tender and the cash expected.

    Raises
    ------
    InputError
        A negative need or holding, a non-positive NAV, or acceptance outside (0, 1].
    """
    faults: list[tuple[str | None, str]] = []
    if need < 0:
        faults.append(("need", "must be >= 0"))
    if held < 0:
        faults.append(("held", "must be >= 0"))
    if nav_per_share <= 0:
        faults.append(("nav_per_share", "must be > 0"))
    if not 0 < expected_acceptance <= 1:
        faults.append(("expected_acceptance", f"{expected_acceptance}: a share in (0, 1]"))
    refuse("<tender decision>", faults)
    shares = min(held, need / (nav_per_share * expected_acceptance))
    accepted = shares * expected_acceptance
    cash = accepted * nav_per_share
    return TenderDecision(need, shares, accepted, cash, max(0.0, need - cash))
