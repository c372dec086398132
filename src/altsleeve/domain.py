"""Shared vocabulary: asset classes, vehicle types and the kinds of cash flows and orders.

Owns the closed sets of codes that files, the ledger and every engine agree on. Holds no logic
beyond parsing a code; must not import any other altsleeve module.
"""

from __future__ import annotations

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


class OrderKind(StrEnum):
    """Participant order kinds at the vehicle level, in dollars (forward pricing)."""

    PURCHASE = "purchase"
    REDEMPTION = "redemption"
