"""NAV errors: whether a released price was wrong enough to matter, and what each order is owed.

Owns the error policy (:class:`NavErrorPolicy`), the classification of a released NAV against
the correct one (:func:`classify`) and the reprocessing of the orders struck at the wrong price
(:func:`reprocess`). Must not read orders from the ledger or restate anything: it says what is
owed; the caller books it.

Defaults are the common practice of fund administration contracts and NAV error policies (no
single rule binds a collective investment trust; a trust's declaration or its administration
agreement sets its own): a difference under one cent per unit is no error (rounding);
an error of at least 0.5% of the correct NAV is material, and only a material error's orders
are reprocessed by default; an account owed (or owing) less than $10 in all is left alone.

Conventions: NAVs are dollars per unit; amounts are dollars, positive; ``participant_dollars``
is positive when the participant is owed, negative when the fund is owed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

#: Comparisons with the thresholds are made on figures rounded to this many places, so that a
#: difference of exactly one cent (10.10 - 10.09 in binary floating point) counts as one cent.
_PLACES = 10


@dataclass(frozen=True)
class NavErrorPolicy:
    """When a NAV difference is an error, when it is material, and the smallest correction.

    Attributes
    ----------
    error_per_unit : float
        A difference of at least this many dollars per unit is an error (default 0.01: a
        difference of less than a cent is rounding).
    material_share : float
        An error of at least this share of the correct NAV is material (default 0.005, i.e.
        0.5%).
    account_minimum : float
        An account whose net correction is smaller than this many dollars is not reprocessed
        (default 10).
    reprocess_immaterial : bool
        Reprocess the orders of an immaterial error too (default ``False``: common practice
        reprocesses material errors; the fund's sponsor may make good an immaterial one).
    """

    error_per_unit: float = 0.01
    material_share: float = 0.005
    account_minimum: float = 10.0
    reprocess_immaterial: bool = False

    def __post_init__(self) -> None:
        """Check the thresholds are positive (the minimum may be zero)."""
        if not self.error_per_unit > 0 or not self.material_share > 0:
            raise ValueError("error_per_unit and material_share must be positive")
        if not self.account_minimum >= 0:
            raise ValueError("account_minimum cannot be negative")


DEFAULT_POLICY = NavErrorPolicy()


class NavErrorClass(StrEnum):
    """How much a NAV difference matters."""

    NONE = "none"
    IMMATERIAL = "immaterial"
    MATERIAL = "material"


@dataclass(frozen=True)
class NavError:
    """A released NAV against the correct one.

    Attributes
    ----------
    released_nav, correct_nav : float
        Dollars per unit.
    difference_per_unit : float
        ``released_nav - correct_nav`` (positive: the price released was too high).
    share : float
        ``|difference_per_unit| / correct_nav``.
    error_class : NavErrorClass
        ``none``, ``immaterial`` or ``material``.
    """

    released_nav: float
    correct_nav: float
    difference_per_unit: float
    share: float
    error_class: NavErrorClass

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "released_nav": self.released_nav,
            "correct_nav": self.correct_nav,
            "difference_per_unit": self.difference_per_unit,
            "share": self.share,
            "error_class": str(self.error_class),
        }


def _positive(value: float, what: str) -> float:
    if not value > 0:
        raise ValueError(f"{what} must be positive, got {value}")
    return float(value)


def classify(
    released_nav: float, correct_nav: float, policy: NavErrorPolicy = DEFAULT_POLICY
) -> NavError:
    """Classify a released NAV against the correct one.

    ``none`` below ``policy.error_per_unit`` per unit; else ``material`` at or above
    ``policy.material_share`` of the correct NAV; else ``immaterial``.

    Examples
    --------
    >>> classify(10.10, 10.00).error_class
    <NavErrorClass.MATERIAL: 'material'>
    >>> classify(10.005, 10.00).error_class
    <NavErrorClass.NONE: 'none'>
    """
    r = _positive(released_nav, "released_nav")
    c = _positive(correct_nav, "correct_nav")
    diff = r - c
    share = abs(diff) / c
    if round(abs(diff), _PLACES) < policy.error_per_unit:
        cls = NavErrorClass.NONE
    elif round(share, _PLACES) >= policy.material_share:
        cls = NavErrorClass.MATERIAL
    else:
        cls = NavErrorClass.IMMATERIAL
    return NavError(r, c, diff, share, cls)


OrderKind = Literal["purchase", "redemption"]


@dataclass(frozen=True)
class Order:
    """An order struck at the released NAV.

    Attributes
    ----------
    account : str
        The plan or participant account id.
    trade_date : date
        The day it was struck.
    kind : {"purchase", "redemption"}
        A purchase brings ``amount`` dollars for ``units``; a redemption pays ``amount``
        dollars for ``units``.
    amount : float
        Dollars, positive.
    units : float
        Units issued or redeemed at the released NAV (``amount / released_nav``, as booked).
    """

    account: str
    trade_date: dt.date
    kind: OrderKind
    amount: float
    units: float

    def __post_init__(self) -> None:
        """Check the kind and that amount and units are positive."""
        if self.kind not in ("purchase", "redemption"):
            raise ValueError(f"order kind must be purchase or redemption, got {self.kind!r}")
        _positive(self.amount, "amount")
        _positive(self.units, "units")


@dataclass(frozen=True)
class OrderCorrection:
    """What one order is owed once repriced at the correct NAV.

    Attributes
    ----------
    order : Order
        The order as struck.
    correct_units : float
        ``amount / correct_nav``: the units the order's dollars should have bought or cost.
    units_difference : float
        ``correct_units - order.units``.
    account_units : float
        Units to add to the participant's account (negative: to take out): ``+units_difference``
        for a purchase, ``-units_difference`` for a redemption.
    participant_dollars : float
        Dollars the participant is owed (negative: owes the fund), ``account_units *
        correct_nav``: for a purchase ``amount - units * correct_nav`` (paid, less the correct
        worth of the units received); for a redemption ``units * correct_nav - amount``.
    owed_to : {"participant", "fund", "none"}
        Which party is owed (``none`` when less than half a cent is owed either way).
    clears_minimum : bool
        The order's account, all its orders netted, is owed or owes at least the policy's
        per-account minimum.
    reprocess : bool
        ``clears_minimum`` and the error is one the policy reprocesses.
    """

    order: Order
    correct_units: float
    units_difference: float
    account_units: float
    participant_dollars: float
    owed_to: Literal["participant", "fund", "none"]
    clears_minimum: bool
    reprocess: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "account": self.order.account,
            "trade_date": self.order.trade_date.isoformat(),
            "kind": self.order.kind,
            "amount": self.order.amount,
            "units": self.order.units,
            "correct_units": self.correct_units,
            "units_difference": self.units_difference,
            "account_units": self.account_units,
            "participant_dollars": self.participant_dollars,
            "owed_to": self.owed_to,
            "clears_minimum": self.clears_minimum,
            "reprocess": self.reprocess,
        }


@dataclass(frozen=True)
class Reprocessing:
    """Every order's correction under one NAV error.

    Attributes
    ----------
    error : NavError
        The classification.
    orders : tuple of OrderCorrection
        In the order given.
    accounts : dict of str to float
        Each account's net ``participant_dollars``.
    participant_dollars : float
        The sum over orders: ``(released - correct) * (units purchased - units redeemed)``
        when every order's units are ``amount / released``.
    """

    error: NavError
    orders: tuple[OrderCorrection, ...]
    accounts: dict[str, float]
    participant_dollars: float

    def to_dict(self) -> dict[str, Any]:
        """JSON values."""
        return {
            "error": self.error.to_dict(),
            "orders": [o.to_dict() for o in self.orders],
            "accounts": dict(self.accounts),
            "participant_dollars": self.participant_dollars,
        }


def reprocess(
    orders: Iterable[Order],
    released_nav: float,
    correct_nav: float,
    policy: NavErrorPolicy = DEFAULT_POLICY,
) -> Reprocessing:
    """Reprice the orders struck at ``released_nav`` at ``correct_nav``.

    Standard practice: a purchase at a too-high NAV got too few units (the participant is owed
    units); a redemption at a too-high NAV paid too many dollars (the fund is owed); a too-low
    NAV the other way round.

    Parameters
    ----------
    orders : iterable of Order
        The orders struck at the released NAV.
    released_nav, correct_nav : float
        Dollars per unit.
    policy : NavErrorPolicy
        Thresholds (defaults: $0.01 per unit, 0.5%, $10 per account).

    Returns
    -------
    Reprocessing
        The error's class, each order's correction, each account's net.

    Examples
    --------
    >>> import datetime as dt
    >>> o = Order("P1", dt.date(2026, 3, 9), "purchase", 100_000.0, 100_000 / 10.10)
    >>> round(reprocess([o], 10.10, 10.00).participant_dollars, 2)
    990.1
    """
    error = classify(released_nav, correct_nav, policy)
    c = error.correct_nav
    items = list(orders)
    raw: list[tuple[Order, float, float, float]] = []
    accounts: dict[str, float] = {}
    for o in items:
        correct_units = o.amount / c
        # a purchase paid ``amount`` for units worth ``units * c``: owed the difference; a
        # redemption was paid ``amount`` for units worth ``units * c``: owes the difference
        sign = 1.0 if o.kind == "purchase" else -1.0
        dollars = sign * (o.amount - o.units * c)
        raw.append((o, correct_units, correct_units - o.units, dollars))
        accounts[o.account] = accounts.get(o.account, 0.0) + dollars
    reprocessed = error.error_class is NavErrorClass.MATERIAL or (
        error.error_class is NavErrorClass.IMMATERIAL and policy.reprocess_immaterial
    )
    out: list[OrderCorrection] = []
    for o, correct_units, diff_units, dollars in raw:
        clears = round(abs(accounts[o.account]), _PLACES) >= policy.account_minimum
        rounded = round(dollars, 2)  # less than half a cent either way is owed to no one
        owed: Literal["participant", "fund", "none"] = (
            "participant" if rounded > 0 else "fund" if rounded < 0 else "none"
        )
        out.append(
            OrderCorrection(
                order=o,
                correct_units=correct_units,
                units_difference=diff_units,
                account_units=dollars / c,
                participant_dollars=dollars,
                owed_to=owed,
                clears_minimum=clears,
                reprocess=clears and reprocessed,
            )
        )
    return Reprocessing(error, tuple(out), accounts, sum(o.participant_dollars for o in out))
