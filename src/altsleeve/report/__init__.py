"""The fiduciary evidence file: the committee's policy, its checks, and the report.

Owns the plan committee's policy file (thresholds for allocation, liquidity, fees, the
meaningful benchmark, valuation and monitoring triggers: :class:`Policy`) and, as it is built
out, the checks of each threshold on the ledger as known on a date and the report that puts
them in front of the committee. Must not compute the underlying figures itself: they come from
the capability packages (``fund``, ``valuation``, ``liquidity``, ``fees``, ``performance``,
``outcomes``). Policy keys and their sources: ``docs/policy.md``.

Examples
--------
>>> from altsleeve.report import Policy, sample_policy_path
>>> Policy.from_toml(sample_policy_path()).allocation.private_max
0.15
"""

from altsleeve.report._checks import (
    FACTORS,
    TRIGGERS,
    Check,
    Figures,
    StressFigures,
    TrueUp,
    evaluate,
    status_counts,
    triggers,
    triggers_by_key,
)
from altsleeve.report._policy import (
    Allocation,
    Alternative,
    Benchmark,
    ClassValuation,
    Fees,
    Liquidity,
    Monitoring,
    Policy,
    PolicyInfo,
    Valuation,
    sample_policy_path,
)

__all__ = [
    "FACTORS",
    "TRIGGERS",
    "Allocation",
    "Alternative",
    "Benchmark",
    "Check",
    "ClassValuation",
    "Fees",
    "Figures",
    "Liquidity",
    "Monitoring",
    "Policy",
    "PolicyInfo",
    "StressFigures",
    "TrueUp",
    "Valuation",
    "evaluate",
    "sample_policy_path",
    "status_counts",
    "triggers",
    "triggers_by_key",
]
