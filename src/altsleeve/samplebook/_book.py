"""The :class:`SampleBook` record: the synthetic book's tables, seed and assumptions.

Owns the container and the exact column lists of its tables. The first four tables match the
ledger's ingest formats (holdings, statements, cashflows, orders); the others are the synthetic
truth and diagnostics that only validation code may read. Holds no logic; must not generate data,
touch the ledger or write files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from altsleeve.samplebook._params import SampleBookParams

#: Column lists of the ingest-format tables, in order.
HOLDINGS_COLUMNS = (
    "holding_id",
    "name",
    "asset_class",
    "vehicle_type",
    "proxy",
    "commitment",
    "vintage",
    "currency",
)
STATEMENTS_COLUMNS = ("holding_id", "as_of", "known_on", "nav")
CASHFLOWS_COLUMNS = ("holding_id", "date", "kind", "amount")
ORDERS_COLUMNS = ("vehicle", "date", "kind", "amount")
TRUTH_COLUMNS = ("holding_id", "date", "value")
TRUTH_RETURNS_COLUMNS = ("holding_id", "date", "log_return")


@dataclass(frozen=True, eq=False)
class SampleBook:
    """A synthetic book of private funds inside the TDF2045 vehicle, with its hidden truth.

    Dates are ``datetime64[ns]`` at midnight; amounts are ``float64`` positive US dollars.

    Attributes
    ----------
    holdings : pandas.DataFrame
        ``holding_id, name, asset_class, vehicle_type, proxy, commitment, vintage, currency``.
    statements : pandas.DataFrame
        GP quarter-end marks: ``holding_id, as_of, known_on, nav``.
    cashflows : pandas.DataFrame
        ``holding_id, date, kind, amount`` with kind ``call``, ``distribution`` or ``fee``.
    orders : pandas.DataFrame
        Participant orders: ``vehicle, date, kind, amount`` with kind ``purchase`` or
        ``redemption``.
    truth : pandas.DataFrame
        SYNTHETIC TRUTH: ``holding_id, date, value``, each fund's true value at the end of
        every business day from its first call to the calendar's end or its liquidation.
    truth_returns : pandas.DataFrame
        SYNTHETIC TRUTH: ``holding_id, date, log_return``, the daily factor-model log growth
        ``g_t`` of the true value, cash flows excluded (0 on the first day).
    statement_draws : pandas.DataFrame
        SYNTHETIC TRUTH: every quarter's release draws (lags, late, missing), the true NAV and
        return at the mark day, and the reported return and NAV (also for missing marks).
    flow_drivers : pandas.DataFrame
        SYNTHETIC TRUTH: per business day the reference assets, the stress state and the
        purchase, routine and lumpy redemption components of the orders.
    fund_params : pandas.DataFrame
        SYNTHETIC TRUTH: one row per holding with every drawn parameter.
    seed : int
        Seed of :class:`numpy.random.SeedSequence` that generated the book.
    params : SampleBookParams
        The assumptions used.
    description : str
        One paragraph saying plainly that the private funds are synthetic.
    pacing : pandas.DataFrame
        SYNTHETIC diagnostics: one row per January decision of the pacing rule (``year``,
        ``decided_on``, ``net_assets``, ``private_share``, ``net_flow_rate``, ``planner``,
        ``feedback``, ``cap_bound``, ``commitment``, ``funds``).
    vehicle : pandas.DataFrame
        SYNTHETIC diagnostics: the generator's mirror of the vehicle (``date``,
        ``net_assets``, ``private_value``, ``private_share``), private funds at true value.

    """

    holdings: pd.DataFrame
    statements: pd.DataFrame
    cashflows: pd.DataFrame
    orders: pd.DataFrame
    truth: pd.DataFrame
    truth_returns: pd.DataFrame
    statement_draws: pd.DataFrame
    flow_drivers: pd.DataFrame
    fund_params: pd.DataFrame
    seed: int
    params: SampleBookParams
    description: str
    pacing: pd.DataFrame = field(default_factory=pd.DataFrame)
    vehicle: pd.DataFrame = field(default_factory=pd.DataFrame)

    def ingest_tables(self) -> dict[str, pd.DataFrame]:
        """The four tables in the ledger's ingest formats, by file kind."""
        return {
            "holdings": self.holdings,
            "statements": self.statements,
            "cashflows": self.cashflows,
            "orders": self.orders,
        }

    def truth_tables(self) -> dict[str, pd.DataFrame]:
        """The synthetic truth and diagnostics that no estimator may read, by name."""
        return {
            "truth": self.truth,
            "truth_returns": self.truth_returns,
            "statement_draws": self.statement_draws,
            "flow_drivers": self.flow_drivers,
            "fund_params": self.fund_params,
            "pacing": self.pacing,
            "vehicle": self.vehicle,
        }
