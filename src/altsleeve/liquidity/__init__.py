"""Liquidity and stress: can the vehicle pay redemptions, calls and rebalancing in a crisis?

Owns the public surface of the liquidity package: the design being tested (``_design``: a vehicle,
its liquid buffer and private share). Pure computation; must not do I/O or import the ledger,
the sample book or the command line (the edges live in :mod:`altsleeve.stressing`).
"""

from altsleeve.liquidity._design import Design, design_vehicle

__all__ = ["Design", "design_vehicle"]
