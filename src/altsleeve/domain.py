"""Shared vocabulary: asset classes, vehicle types and the kinds of cash flows and orders.

Owns the closed sets of codes that files, the ledger and every engine agree on, and the default
tolerance of a price series by asset type (a fact every layer applies the same way). Holds no
other logic; must not import any other altsleeve module.
"""

from __future__ import annotations

import math
from enum import StrEnum


class AssetClass(StrEnum):
    """Private-market asset classes that altsleeve has documented defaults for."""

    BUYOUT = "buyout"
    VENTURE = "venture"
    PRIVATE_CREDIT = "private_credit"
    REAL_ESTATE = "real_estate"
    INFRASTRUCTURE = "infrastructure"


class VehicleType(StrEnum):
    """Legal/liquidity form of a private holding.

    ``drawdown``: commitment called over time, distributions as assets are sold.
    ``evergreen``: perpetual fund bought at NAV, redeemed subject to gates.
    ``interval``: closed-end fund repurchasing 5-25% of shares each period (SEC Rule 23c-3).
    ``tender-offer``: closed-end fund whose board chooses when to offer to repurchase.
    """

    DRAWDOWN = "drawdown"
    EVERGREEN = "evergreen"
    INTERVAL = "interval"
    TENDER_OFFER = "tender-offer"


class CashflowKind(StrEnum):
    """Kinds of holding-level cash flows; amounts are positive dollars, the kind gives the sign.

    ``call``: cash paid by the vehicle into the holding. ``distribution``: cash paid by the
    holding to the vehicle. ``fee``: a fee paid by the vehicle outside the holding's NAV.
    """

    CALL = "call"
    DISTRIBUTION = "distribution"
    FEE = "fee"


class AssetType(StrEnum):
    """What a price series or a vehicle's sleeve is, so that models need no lists of names.

    ``equity``, ``bond`` and ``cash`` are the liquid building blocks of a vehicle; ``private`` is
    the private sleeve (valued by the valuation engine, never priced from a series); ``crypto`` a
    daily-priced crypto asset; ``rate`` a yield or a return quoted in percent (its level may be
    negative or jump, so no move check applies); ``inflation`` a price index such as core CPI;
    ``other`` anything else.
    """

    EQUITY = "equity"
    BOND = "bond"
    CASH = "cash"
    PRIVATE = "private"
    CRYPTO = "crypto"
    RATE = "rate"
    INFLATION = "inflation"
    OTHER = "other"


#: Default largest plausible move of a daily price series from one observation to the next, as an
#: absolute log move ``|ln(level_t / level_{t-1})|``, by asset type (``None``: not checked). A
#: move beyond it is refused at ingest and stops the strike until a person accepts it. The
#: largest daily moves in the shipped real data: S&P 500 0.110 (2008-10-13), NASDAQ 0.133
#: (2001-01-03); a one-month T-bill index 0.0007. A series' own ``move_tolerance`` (series
#: metadata) or the vehicle's ``[pricing] move_tolerance`` overrides these. Lower-frequency series
#: scale the default by the square root of the business days in a period (21 a month).
DEFAULT_MOVE_TOLERANCE: dict[str, float | None] = {
    "equity": 0.20,
    "bond": 0.08,
    "cash": 0.01,
    "private": None,
    "crypto": 0.50,
    "rate": None,
    "inflation": 0.03,
    "other": 0.20,
}


#: Business days in a month, for scaling a daily tolerance to a monthly series.
_DAYS_PER_PERIOD = {"daily": 1.0, "monthly": 21.0}


def default_tolerance(asset_type: str | None, frequency: str = "daily") -> float | None:
    """The asset type's default tolerance, scaled to the series' frequency (``None``: unchecked).

    A daily tolerance ``tau`` becomes ``tau * sqrt(n)`` for a series observed every ``n``
    business days (21 for monthly), the square-root-of-time rule for a random walk's moves.
    """
    base = DEFAULT_MOVE_TOLERANCE.get(str(asset_type or "other"), DEFAULT_MOVE_TOLERANCE["other"])
    if base is None:
        return None
    return float(base * math.sqrt(_DAYS_PER_PERIOD.get(frequency, 1.0)))


def series_tolerance(
    asset_type: str | None, frequency: str, explicit: float | None
) -> float | None:
    """A series' tolerance: its own ``move_tolerance`` when set, else its type's default."""
    if explicit is not None and not (isinstance(explicit, float) and math.isnan(explicit)):
        return float(explicit)
    return default_tolerance(asset_type, frequency)


class OrderKind(StrEnum):
    """Participant order kinds at the vehicle level, in dollars (forward pricing)."""

    PURCHASE = "purchase"
    REDEMPTION = "redemption"
