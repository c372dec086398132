"""A liquidity design: the vehicle plus the two knobs that liquidity sizing turns.

Owns :class:`Design` (a vehicle, its liquid buffer and its private share) and
:func:`design_vehicle`, the pure rewrite of a vehicle's glide path for a buffer. Must not strike,
value holdings, read files or touch the ledger.

Units: ``buffer`` and ``private_share`` are shares of net assets (decimals, 0.05 = 5%).
"""

from __future__ import annotations

from dataclasses import dataclass

from altsleeve.fund import (
    GlidePoint,
    Vehicle,
)


@dataclass(frozen=True)
class Design:
    """What a stress test or a Monte Carlo run is asked about.

    Attributes
    ----------
    vehicle : Vehicle
        The vehicle (its sleeves, glide path, private maximum, cash floor, fees, rebalancing).
    buffer : float or None
        The liquid buffer: the cash sleeve's target weight at every glide-path point, a share of
        net assets; the liquid (non-cash, non-private) sleeves give up or take the difference pro
        rata to their own weights. ``None`` keeps the vehicle's own cash weights.
    private_share : float or None
        The private sleeve's share of net assets at the start of the run: the private book
        (values, calls, distributions and unfunded commitments alike) is scaled so that its value
        is this share of net assets on the first day. ``None`` keeps the book as it is.
    """

    vehicle: Vehicle
    buffer: float | None = None
    private_share: float | None = None

    def __post_init__(self) -> None:
        if self.buffer is not None and not 0.0 <= self.buffer < 1.0:
            raise ValueError(f"buffer = {self.buffer}: a share of net assets in [0, 1)")
        if self.private_share is not None and not 0.0 <= self.private_share < 1.0:
            raise ValueError(f"private_share = {self.private_share}: a share in [0, 1)")

    def effective_vehicle(self) -> Vehicle:
        """The vehicle with the buffer applied (:func:`design_vehicle`)."""
        return design_vehicle(self.vehicle, self.buffer)


def design_vehicle(vehicle: Vehicle, buffer: float | None) -> Vehicle:
    """``vehicle`` with its cash sleeve's glide-path weight set to ``buffer`` at every point.

    At each glide-path point the cash weight becomes ``buffer`` and each liquid sleeve's weight
    is scaled by ``(1 - private - buffer) / (1 - private - cash)`` so the weights still sum to 1
    (the private weight is unchanged). The cash floor becomes ``min(cash.floor, buffer)``.
    ``None`` returns ``vehicle`` unchanged.

    Raises
    ------
    ValueError
        If at some point ``buffer`` leaves no room for the liquid sleeves (``private + buffer
        > 1``) or the point has no liquid weight to scale.
    """
    if buffer is None:
        return vehicle
    cash_id = vehicle.cash_sleeve.id
    priv = vehicle.private_sleeve
    liquid = [s.id for s in vehicle.sleeves if s.kind == "liquid"]
    points = []
    for k, gp in enumerate(vehicle.glide_path):
        w = dict(gp.weights)
        p = w.get(priv.id, 0.0) if priv is not None else 0.0
        room_old = 1.0 - p - w[cash_id]
        room_new = 1.0 - p - buffer
        if room_new < -1e-12:
            raise ValueError(f"glide_path[{k}]: private {p} plus buffer {buffer} exceeds 1")
        if room_old <= 0.0:
            raise ValueError(f"glide_path[{k}] has no liquid weight to scale")
        scale = max(room_new, 0.0) / room_old
        for s in liquid:
            w[s] = w[s] * scale
        w[cash_id] = buffer
        # absorb float noise so the weights sum to 1 exactly enough for the vehicle's check
        w[cash_id] += 1.0 - sum(w.values())
        points.append(GlidePoint(date=gp.date, weights=w))
    cash = vehicle.cash.model_copy(update={"floor": min(vehicle.cash.floor, buffer)})
    out = vehicle.model_copy(update={"glide_path": points, "cash": cash})
    problems = out.rule_problems()
    if problems:
        raise ValueError("; ".join(f"{k}: {m}" for k, m in problems))
    return out
