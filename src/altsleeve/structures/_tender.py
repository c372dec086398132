"""Tender-offer funds: discretionary repurchase offers, skipped offers and early-repurchase fees.

Owns :class:`TenderOfferTerms`, :func:`tender_offer_schedule` (the valuation, deadline and
payment dates of each scheduled offer, with the board's skips drawn from a probability or given
as a schedule), :func:`early_repurchase_fee` (the fee on shares held less than a year, lots
taken first in, first out) and :func:`tender_offer` (one offer's proration and the vehicle's cash
after fee). Pure computation; must not import the ledger, the command line or other altsleeve
engines.

Sources: a tender-offer fund is a closed-end fund whose board decides each time whether to offer
to repurchase shares (Exchange Act Rule 13e-4 governs the offer, which must stay open at least
20 business days; Rule 13e-4(f)(1)(ii) lets the fund buy up to 2% more of the shares outstanding
without extending it). The figures used as defaults are typical market practice read from
prospectuses, not rules: quarterly offers of about 5% of NAV, an early-repurchase fee of 2% on
shares held less than one year, offers that may be skipped.

Units: dollars; NAV per share in dollars a share; lags in calendar days.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from altsleeve.structures._common import EXTRA_MAX, Proration, prorate, refuse, roll
from altsleeve.structures._common import weekday_calendar as _weekdays


@dataclass(frozen=True)
class TenderOfferTerms:
    """A tender-offer fund's usual terms (typical market practice, all configurable).

    Attributes
    ----------
    frequency_months : int, default 3
        Months between scheduled offers (valuation dates).
    offer_fraction : float, default 0.05
        Each offer's size, a share of the fund's NAV on the valuation date, in (0, 1].
    skip_probability : float, default 0
        Chance the board skips a scheduled offer, in [0, 1].
    deadline_days : int, default 30
        Days from the offer's expiration (request deadline) to its valuation date, >= 0.
    payment_lag_days : int, default 45
        Days from the valuation date to payment, >= 0.
    early_fee : float, default 0.02
        Early-repurchase fee, a share of the repurchased value, in [0, 1).
    early_fee_days : int, default 365
        Shares held fewer than this many days at the valuation date pay the fee.
    extra_fraction : float, default 0
        Extra the fund may take when oversubscribed (Rule 13e-4(f)(1)(ii): at most 2%).
    label : str
        Names the terms in error messages.

    Raises
    ------
    InputError
        A term out of its range.
    """

    frequency_months: int = 3
    offer_fraction: float = 0.05
    skip_probability: float = 0.0
    deadline_days: int = 30
    payment_lag_days: int = 45
    early_fee: float = 0.02
    early_fee_days: int = 365
    extra_fraction: float = 0.0
    label: str = "<tender-offer terms>"

    def __post_init__(self) -> None:
        faults: list[tuple[str | None, str]] = []
        if not 1 <= self.frequency_months <= 24:
            faults.append(("frequency_months", f"{self.frequency_months}: 1 to 24 months"))
        if not 0 < self.offer_fraction <= 1:
            faults.append(("offer_fraction", f"{self.offer_fraction}: a share of NAV in (0, 1]"))
        if not 0 <= self.skip_probability <= 1:
            faults.append(("skip_probability", f"{self.skip_probability}: in [0, 1]"))
        if self.deadline_days < 0:
            faults.append(("deadline_days", "must be >= 0"))
        if self.payment_lag_days < 0:
            faults.append(("payment_lag_days", "must be >= 0"))
        if not 0 <= self.early_fee < 1:
            faults.append(("early_fee", f"{self.early_fee}: a share in [0, 1)"))
        if self.early_fee_days < 0:
            faults.append(("early_fee_days", "must be >= 0"))
        if not 0 <= self.extra_fraction <= EXTRA_MAX:
            faults.append(
                ("extra_fraction", f"{self.extra_fraction}: Rule 13e-4(f)(1)(ii) allows 0-2%")
            )
        refuse(self.label, faults)


def tender_offer_schedule(
    terms: TenderOfferTerms,
    first_valuation: dt.date,
    end: dt.date,
    *,
    skip: Sequence[dt.date] | None = None,
    seed: int | np.random.Generator | None = None,
    calendar: np.busdaycalendar | None = None,
) -> pd.DataFrame:
    """Scheduled tender offers from ``first_valuation`` to ``end`` and whether each is made.

    Valuation dates fall every ``frequency_months`` months from ``first_valuation`` (rolled to
    the preceding business day); the request deadline is ``deadline_days`` before (preceding
    business day) and payment ``payment_lag_days`` after (following business day). The board's
    skips are ``skip`` (scheduled valuation dates it skips) when given; otherwise each offer is
    skipped with ``terms.skip_probability`` using ``seed``.

    Parameters
    ----------
    terms : TenderOfferTerms
        The fund's terms.
    first_valuation, end : datetime.date
        The first scheduled valuation date and the last date to include.
    skip : sequence of datetime.date, optional
        Scheduled (unrolled) valuation dates the board skips; overrides the probability.
    seed : int or numpy.random.Generator, optional
        Randomness for the skips.
    calendar : numpy.busdaycalendar, optional
        Business days (default Monday-Friday).

    Returns
    -------
    pandas.DataFrame
        ``offer``, ``scheduled``, ``deadline``, ``valuation``, ``payment`` (dates), ``made``
        (bool).
    """
    cal = calendar if calendar is not None else _weekdays()
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    skipped = set(skip) if skip is not None else None
    rows: list[dict[str, object]] = []
    k = 0
    while (
        d := (
            pd.Timestamp(first_valuation) + pd.DateOffset(months=k * terms.frequency_months)
        ).date()
    ) <= end:
        k += 1
        valuation = roll(d, "preceding", cal)
        made = (
            d not in skipped
            if skipped is not None
            else bool(rng.random() >= terms.skip_probability)
        )
        rows.append(
            {
                "offer": k,
                "scheduled": d,
                "deadline": roll(
                    valuation - dt.timedelta(days=terms.deadline_days), "preceding", cal
                ),
                "valuation": valuation,
                "payment": roll(
                    valuation + dt.timedelta(days=terms.payment_lag_days), "following", cal
                ),
                "made": made,
            }
        )
    return pd.DataFrame(
        rows, columns=["offer", "scheduled", "deadline", "valuation", "payment", "made"]
    )


@dataclass(frozen=True)
class FeeResult:
    """The early-repurchase fee on one repurchase.

    Attributes
    ----------
    gross : float
        Repurchased shares times NAV per share, dollars.
    fee : float
        Early-repurchase fee, dollars.
    net : float
        ``gross - fee``, dollars.
    lots : pandas.DataFrame
        Per lot taken (first in, first out): ``purchased`` (date), ``shares``, ``days_held``,
        ``fee_applies`` (bool), ``gross``, ``fee`` (dollars).
    """

    gross: float
    fee: float
    net: float
    lots: pd.DataFrame


def early_repurchase_fee(
    terms: TenderOfferTerms,
    lots: Sequence[tuple[dt.date, float]],
    shares: float,
    nav_per_share: float,
    valuation: dt.date,
) -> FeeResult:
    """The early-repurchase fee on ``shares`` repurchased at ``valuation`` from ``lots``.

    Shares come out of the oldest lot first (first in, first out). A lot held fewer than
    ``terms.early_fee_days`` days at the valuation date pays ``terms.early_fee`` of its
    repurchased value: ``fee = sum over young lots of early_fee * shares_i * nav_per_share``.

    Parameters
    ----------
    terms : TenderOfferTerms
        The fee and its holding period.
    lots : sequence of (datetime.date, float)
        The holder's purchases: date and shares, in any order.
    shares : float
        Shares repurchased, at most the lots' total.
    nav_per_share : float
        NAV at the valuation date, dollars a share.
    valuation : datetime.date
        The repurchase's valuation date.

    Returns
    -------
    FeeResult
        Gross, fee and net dollars and the lots taken.

    Raises
    ------
    InputError
        More shares than the lots hold, or negative amounts.
    """
    total = sum(q for _, q in lots)
    faults: list[tuple[str | None, str]] = []
    if shares < 0 or nav_per_share < 0 or any(q < 0 for _, q in lots):
        faults.append((None, "shares, lots and NAV must be >= 0"))
    if shares > total + 1e-9:
        faults.append(("shares", f"repurchasing {shares} shares from lots holding {total}"))
    refuse(terms.label, faults)
    left = shares
    rows: list[dict[str, object]] = []
    for bought, qty in sorted(lots, key=lambda lot: lot[0]):
        if left <= 0:
            break
        take = min(qty, left)
        left -= take
        held = (valuation - bought).days
        young = held < terms.early_fee_days
        gross = take * nav_per_share
        rows.append(
            {
                "purchased": bought,
                "shares": take,
                "days_held": held,
                "fee_applies": young,
                "gross": gross,
                "fee": terms.early_fee * gross if young else 0.0,
            }
        )
    frame = pd.DataFrame(
        rows, columns=["purchased", "shares", "days_held", "fee_applies", "gross", "fee"]
    )
    gross_total = float(frame["gross"].sum()) if rows else 0.0
    fee_total = float(frame["fee"].sum()) if rows else 0.0
    return FeeResult(gross_total, fee_total, gross_total - fee_total, frame)


@dataclass(frozen=True)
class TenderOutcome:
    """One tender offer's result for the vehicle.

    Attributes
    ----------
    made : bool
        Whether the board made the offer (a skipped offer accepts nothing).
    proration : Proration or None
        The offer's proration in dollars (holder 0 the vehicle, 1 the other holders); ``None``
        when skipped.
    vehicle_requested, vehicle_accepted : float
        Dollars the vehicle tendered and had accepted.
    fee : FeeResult or None
        The early-repurchase fee on the accepted shares (``None`` when no lots were given).
    vehicle_cash : float
        Dollars the vehicle receives: accepted less fee.
    """

    made: bool
    proration: Proration | None
    vehicle_requested: float
    vehicle_accepted: float
    fee: FeeResult | None
    vehicle_cash: float


def tender_offer(
    terms: TenderOfferTerms,
    fund_nav: float,
    vehicle_requested: float,
    others_requested: float,
    *,
    made: bool = True,
    nav_per_share: float = 1.0,
    lots: Sequence[tuple[dt.date, float]] | None = None,
    valuation: dt.date | None = None,
) -> TenderOutcome:
    """One tender offer: ``offer_fraction * fund_nav`` dollars, prorated, less the early fee.

    Parameters
    ----------
    terms : TenderOfferTerms
        The fund's terms.
    fund_nav : float
        The fund's NAV on the valuation date, dollars.
    vehicle_requested, others_requested : float
        Dollars tendered by the vehicle and by every other holder together.
    made : bool, default True
        False when the board skipped the offer.
    nav_per_share : float, default 1
        Dollars a share, to turn accepted dollars into shares for the fee.
    lots : sequence of (datetime.date, float), optional
        The vehicle's purchase lots (date, shares) for the early-repurchase fee.
    valuation : datetime.date, optional
        The valuation date (needed with ``lots``).

    Returns
    -------
    TenderOutcome
        Accepted dollars, fee and cash.
    """
    if not made:
        return TenderOutcome(False, None, vehicle_requested, 0.0, None, 0.0)
    result = prorate(
        [vehicle_requested, others_requested],
        terms.offer_fraction * fund_nav,
        extra_amount=terms.extra_fraction * fund_nav,
    )
    got = float(result.accepted[0])
    fee: FeeResult | None = None
    cash = got
    if lots is not None:
        if valuation is None:
            refuse(
                terms.label, [("valuation", "the early-repurchase fee needs the valuation date")]
            )
        assert valuation is not None
        fee = early_repurchase_fee(terms, lots, got / nav_per_share, nav_per_share, valuation)
        cash = got - fee.fee
    return TenderOutcome(True, result, vehicle_requested, got, fee, cash)
