"""altsleeve: the operating system for a private-markets sleeve in a daily-valued 401(k) vehicle.

Packages, one per capability: ``ledger`` (bitemporal append-only store), ``marketdata`` (the
real public-market history shipped with ``arch``), ``pacing`` (commitment cash-flow models),
``samplebook`` (a synthetic, honestly labelled book of private funds driven by real market paths),
and ``cli`` (the command line, a thin layer over the library).
"""

__version__ = "0.1.0"
