"""Performance of private funds: IRR, multiples, public-market equivalents, time-weighted return.

Public surface: :func:`performance_table` (a long table of ``fund_id, date, kind, amount`` cash
flows and an index in, one row per fund out: XIRR, TVPI, DPI, RVPI, PIC, Kaplan-Schoar PME,
Long-Nickels PME, PME+, Direct Alpha, mPME), :func:`pooled_cashflows`, the time-weighted return
(:func:`time_weighted_return`, :func:`sleeve_series`) and the lower-level pieces
(:func:`fund_flows`, :func:`index_levels`, :func:`xirr_many`), and the maximum drawdown of a
level series (:func:`max_drawdown`). Every date is a real date and
every rate is annual over ACT/365F years, pyxirr's default. Pure computation: reading the
``--cashflows`` and ``--index`` files and the ledger is :mod:`altsleeve.workflows.performance`'s
job.
"""

from altsleeve.performance._drawdown import max_drawdown, worst_drawdown
from altsleeve.performance._flows import (
    CASHFLOW_COLUMNS,
    DAYS_PER_YEAR,
    KINDS,
    FundFlows,
    fund_flows,
    index_levels,
)
from altsleeve.performance._measures import (
    MEASURE_COLUMNS,
    POOLED_ID,
    performance_table,
    pooled_cashflows,
)
from altsleeve.performance._pme import PmeFlows, pme_flows
from altsleeve.performance._twr import TimeWeightedReturn, sleeve_series, time_weighted_return
from altsleeve.performance._xirr import xirr_many

__all__ = [
    "CASHFLOW_COLUMNS",
    "DAYS_PER_YEAR",
    "KINDS",
    "MEASURE_COLUMNS",
    "POOLED_ID",
    "FundFlows",
    "PmeFlows",
    "TimeWeightedReturn",
    "fund_flows",
    "index_levels",
    "max_drawdown",
    "performance_table",
    "pme_flows",
    "pooled_cashflows",
    "sleeve_series",
    "time_weighted_return",
    "worst_drawdown",
    "xirr_many",
]
