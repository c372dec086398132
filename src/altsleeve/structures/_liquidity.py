"""Days to cash per structure: when and how much a holder gets for a redemption request.

Owns :class:`CryptoTerms` (a spot crypto exchange-traded product: sold on any business day,
settled T+1) and :func:`cash_schedule`, which maps an interval, tender-offer, evergreen or crypto
holding's terms to the dates and amounts its holder receives for a request, so that the
vehicle's liquidity profile can put these holdings in days-to-cash buckets (the SEC Rule 22e-4
style classification). Pure computation; must not import the ledger, the command line or other
altsleeve engines, nor classify (the liquidity engine owns the buckets).

Units: dollars; days are calendar days from the request date; ``acceptance`` is the share of the
outstanding request paid at each window (1 = no proration or gate binds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from altsleeve.structures._common import refuse, roll, weekday_calendar
from altsleeve.structures._evergreen import EvergreenTerms, evergreen_windows
from altsleeve.structures._interval import IntervalTerms, repurchase_calendar
from altsleeve.structures._tender import TenderOfferTerms, tender_offer_schedule

Terms = IntervalTerms | TenderOfferTerms | EvergreenTerms


@dataclass(frozen=True)
class CryptoTerms:
    """A spot crypto exchange-traded product held by the vehicle.

    Attributes
    ----------
    settlement_days : int, default 1
        Business days from the sale to cash (US equity settlement is T+1 since May 2024).
    """

    settlement_days: int = 1

    def __post_init__(self) -> None:
        if self.settlement_days < 0:
            refuse("<crypto terms>", [("settlement_days", "must be >= 0")])


@dataclass(frozen=True)
class CashSchedule:
    """The cash a holder receives for one redemption request.

    Attributes
    ----------
    structure : str
        ``interval``, ``tender-offer``, ``evergreen`` or ``crypto``.
    request_date : datetime.date
        When the holder decided to redeem.
    requested : float
        Dollars asked for.
    payments : pandas.DataFrame
        One row per window that pays: ``window`` (deadline, valuation or window date),
        ``payment_date``, ``gross`` (dollars accepted), ``fee`` (early-repurchase fee),
        ``cash`` (gross - fee), ``days`` (calendar days from the request to payment),
        ``cumulative`` (cash so far).
    unpaid : float
        Dollars still outstanding after the last window considered.
    """

    structure: str
    request_date: dt.date
    requested: float
    payments: pd.DataFrame
    unpaid: float

    @property
    def first_cash_date(self) -> dt.date | None:
        """The first payment date (``None`` if nothing is paid)."""
        return None if self.payments.empty else self.payments["payment_date"].iloc[0]

    @property
    def first_cash_amount(self) -> float:
        """Cash at the first payment, dollars."""
        return 0.0 if self.payments.empty else float(self.payments["cash"].iloc[0])

    @property
    def days_to_first_cash(self) -> int | None:
        """Calendar days from the request to the first payment."""
        return None if self.payments.empty else int(self.payments["days"].iloc[0])

    @property
    def days_to_full_cash(self) -> int | None:
        """Calendar days to the payment that completes the request (``None`` if it does not)."""
        if self.payments.empty or self.unpaid > 1e-6:
            return None
        return int(self.payments["days"].iloc[-1])


_COLUMNS = ["window", "payment_date", "gross", "fee", "cash", "days", "cumulative"]


def _windows(
    terms: Terms,
    request_date: dt.date,
    anchor: dt.date | None,
    horizon_end: dt.date,
    cal: np.busdaycalendar,
    skip: list[dt.date] | None,
) -> list[tuple[dt.date, dt.date]]:
    """(window date, payment date) of every window the request can still make."""
    if isinstance(terms, IntervalTerms):
        if anchor is None:
            refuse(terms.label, [("anchor", "give the fund's first repurchase request deadline")])
        assert anchor is not None
        frame = repurchase_calendar(terms, anchor, horizon_end, calendar=cal)
        return [
            (d, p)
            for d, p in zip(frame["deadline"], frame["payment"], strict=True)
            if d >= request_date
        ]
    if isinstance(terms, TenderOfferTerms):
        first = anchor or (pd.Timestamp(request_date) + pd.offsets.QuarterEnd(0)).date()
        frame = tender_offer_schedule(terms, first, horizon_end, skip=skip or [], calendar=cal)
        frame = frame[frame["made"] & (frame["deadline"] >= request_date)]
        return list(zip(frame["valuation"], frame["payment"], strict=True))
    first = anchor or (pd.Timestamp(request_date) + pd.offsets.MonthEnd(0)).date()
    out = []
    for w in evergreen_windows(terms, first, horizon_end):
        if (w - dt.timedelta(days=terms.notice_days)) >= request_date:
            out.append((w, w + dt.timedelta(days=terms.payment_lag_days)))
    return out


def cash_schedule(
    terms: Terms | CryptoTerms,
    request_date: dt.date,
    amount: float,
    *,
    anchor: dt.date | None = None,
    acceptance: float = 1.0,
    max_windows: int = 8,
    purchase_date: dt.date | None = None,
    skip: list[dt.date] | None = None,
    calendar: np.busdaycalendar | None = None,
) -> CashSchedule:
    """When and how much cash a redemption request of ``amount`` dollars brings.

    - interval fund: the request goes into the first offer whose request deadline is on or after
      ``request_date``; paid on that offer's payment date (:func:`repurchase_calendar`);
    - tender-offer fund: the first offer the board makes (``skip`` lists skipped scheduled
      valuation dates) whose deadline is on or after the request; paid on its payment date, less
      the early-repurchase fee when the valuation date is less than ``early_fee_days`` after
      ``purchase_date``;
    - evergreen fund: the first window at least ``notice_days`` after the request; paid
      ``payment_lag_days`` after the window;
    - crypto ETP: sold on the request date (or the next business day), cash ``settlement_days``
      business days later, in full.

    At each window ``acceptance * outstanding`` is paid and the rest carried to the next window
    (the holder tenders again); ``acceptance`` stands for proration or a binding gate (use
    :func:`interval_offer` or :func:`evergreen_redemptions` to derive it for a stress).

    Parameters
    ----------
    terms : IntervalTerms, TenderOfferTerms, EvergreenTerms or CryptoTerms
        The structure.
    request_date : datetime.date
        The day the holder decides to redeem.
    amount : float
        Dollars requested, >= 0.
    anchor : datetime.date, optional
        The fund's first scheduled deadline (interval: required), valuation date (tender offer:
        default the quarter end on or after the request) or window (evergreen: default the month
        end on or after the request).
    acceptance : float, default 1
        Share of the outstanding request paid at each window, in (0, 1].
    max_windows : int, default 8
        Windows considered before giving up (what is left is ``unpaid``).
    purchase_date : datetime.date, optional
        When the holding was bought (tender-offer early-repurchase fee).
    skip : list of datetime.date, optional
        Tender-offer valuation dates the board skips.
    calendar : numpy.busdaycalendar, optional
        Business days (default Monday-Friday).

    Returns
    -------
    CashSchedule
        Payments by date with days to cash.

    Raises
    ------
    InputError
        A negative amount, acceptance outside (0, 1], or an interval fund without ``anchor``.
    """
    faults: list[tuple[str | None, str]] = []
    if amount < 0:
        faults.append(("amount", "must be >= 0"))
    if not 0 < acceptance <= 1:
        faults.append(("acceptance", f"{acceptance}: a share in (0, 1]"))
    if max_windows < 1:
        faults.append(("max_windows", "must be >= 1"))
    refuse("<cash schedule>", faults)
    cal = calendar if calendar is not None else weekday_calendar()
    rows: list[dict[str, object]] = []
    if isinstance(terms, CryptoTerms):
        sold = roll(request_date, "following", cal)
        paid = dt.date.fromisoformat(
            str(np.busday_offset(np.datetime64(sold, "D"), terms.settlement_days, busdaycal=cal))
        )
        rows.append(
            {
                "window": sold,
                "payment_date": paid,
                "gross": amount,
                "fee": 0.0,
                "cash": amount,
                "days": (paid - request_date).days,
                "cumulative": amount,
            }
        )
        return CashSchedule(
            "crypto", request_date, amount, pd.DataFrame(rows, columns=_COLUMNS), 0.0
        )

    structure = (
        "interval"
        if isinstance(terms, IntervalTerms)
        else "tender-offer"
        if isinstance(terms, TenderOfferTerms)
        else "evergreen"
    )
    horizon_end = request_date + dt.timedelta(days=31 * 12 * max_windows + 62)
    windows = _windows(terms, request_date, anchor, horizon_end, cal, skip)[:max_windows]
    left = amount
    total = 0.0
    for window, pay in windows:
        if left <= 1e-9:
            break
        gross = left * acceptance
        left -= gross
        fee = 0.0
        if (
            isinstance(terms, TenderOfferTerms)
            and purchase_date is not None
            and (window - purchase_date).days < terms.early_fee_days
        ):
            fee = terms.early_fee * gross
        total += gross - fee
        rows.append(
            {
                "window": window,
                "payment_date": pay,
                "gross": gross,
                "fee": fee,
                "cash": gross - fee,
                "days": (pay - request_date).days,
                "cumulative": total,
            }
        )
    return CashSchedule(
        structure, request_date, amount, pd.DataFrame(rows, columns=_COLUMNS), max(0.0, left)
    )
