"""The ledger's fact tables: their business keys, stored values and SQL types.

Owns the single description of every table that the store, the hashing and the validators agree
on. Holds no I/O; must not import the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

#: Bookkeeping columns that every fact row carries after its business columns.
BOOK_COLUMNS: tuple[tuple[str, str], ...] = (
    ("recorded_at", "TIMESTAMP"),
    ("batch_id", "BIGINT"),
    ("row_hash", "VARCHAR"),
)


@dataclass(frozen=True)
class FactTable:
    """One append-only, bitemporal fact table.

    Attributes
    ----------
    name : str
        SQL table name.
    key : tuple[str, ...]
        Business key; a key may have many versions, numbered from 1.
    values : tuple[str, ...]
        Columns compared to decide whether a re-ingested row is identical or a restatement.
        ``known_on`` (the date the fact became known in the world) is one of them when present.
    types : dict[str, str]
        SQL type of each key and value column.
    versioned : bool
        Whether rows carry a ``version`` column (all user facts do; synthetic truth does not).
    ignore_in_compare : tuple[str, ...]
        Value columns that do not decide whether a re-written row is a new version (bookkeeping
        such as the recorded-time cutoff of a derived row's inputs).
    added : tuple[str, ...]
        Value columns added to the table by a later migration (nullable). A row's hash leaves
        such a column out while its value is NULL, so rows written before the column existed
        still verify; once a value is set it is hashed like any other column.
    nullable : tuple[str, ...]
        Text or number columns whose missing value is stored as NULL (e.g. a proposal's checker
        before it is decided) rather than refused or written as text.

    """

    name: str
    key: tuple[str, ...]
    values: tuple[str, ...]
    types: dict[str, str]
    versioned: bool = True
    ignore_in_compare: tuple[str, ...] = ()
    added: tuple[str, ...] = ()
    nullable: tuple[str, ...] = ()

    def hashed(self, stored: Sequence[Any]) -> list[Any]:
        """The values of one stored row (``columns`` order, without ``row_hash``) that are hashed.

        Every value, except an ``added`` column's while it is ``None``.
        """
        if not self.added:
            return list(stored)
        cols = [c for c in self.columns if c != "row_hash"]
        return [v for c, v in zip(cols, stored, strict=True) if not (v is None and c in self.added)]

    @property
    def compared(self) -> tuple[int, ...]:
        """Positions in ``values`` of the columns that decide identity."""
        return tuple(i for i, c in enumerate(self.values) if c not in self.ignore_in_compare)

    @property
    def business_columns(self) -> tuple[str, ...]:
        """Key, then version (when versioned), then values: the order rows are stored in."""
        return self.key + (("version",) if self.versioned else ()) + self.values

    @property
    def columns(self) -> tuple[str, ...]:
        """Every stored column in order, bookkeeping included (added columns last, as stored)."""
        base = tuple(c for c in self.business_columns if c not in self.added)
        return base + tuple(c for c, _ in BOOK_COLUMNS) + self.added

    def sql_type(self, column: str) -> str:
        """SQL type of ``column``."""
        if column == "version":
            return "INTEGER"
        for name, typ in BOOK_COLUMNS:
            if name == column:
                return typ
        return self.types[column]


HOLDINGS = FactTable(
    name="holdings",
    key=("holding_id",),
    values=(
        "name",
        "asset_class",
        "vehicle_type",
        "proxy",
        "commitment",
        "vintage",
        "currency",
        "known_on",
    ),
    types={
        "holding_id": "VARCHAR",
        "name": "VARCHAR",
        "asset_class": "VARCHAR",
        "vehicle_type": "VARCHAR",
        "proxy": "VARCHAR",
        "commitment": "DOUBLE",
        "vintage": "INTEGER",
        "currency": "VARCHAR",
        "known_on": "DATE",
    },
)

STATEMENTS = FactTable(
    name="statements",
    key=("holding_id", "as_of"),
    values=("known_on", "nav"),
    types={"holding_id": "VARCHAR", "as_of": "DATE", "known_on": "DATE", "nav": "DOUBLE"},
)

CASHFLOWS = FactTable(
    name="cashflows",
    key=("holding_id", "date", "kind"),
    values=("amount", "known_on"),
    types={
        "holding_id": "VARCHAR",
        "date": "DATE",
        "kind": "VARCHAR",
        "amount": "DOUBLE",
        "known_on": "DATE",
    },
)

SERIES = FactTable(
    name="series",
    key=("series_id",),
    values=(
        "description",
        "unit",
        "frequency",
        "source",
        "package",
        "package_version",
        "file_name",
        "file_sha256",
        "column_name",
        "derivation",
        "synthetic",
        "asset_type",
        "move_tolerance",
    ),
    types={
        "series_id": "VARCHAR",
        "description": "VARCHAR",
        "unit": "VARCHAR",
        "frequency": "VARCHAR",
        "source": "VARCHAR",
        "package": "VARCHAR",
        "package_version": "VARCHAR",
        "file_name": "VARCHAR",
        "file_sha256": "VARCHAR",
        "column_name": "VARCHAR",
        "derivation": "VARCHAR",
        "synthetic": "BOOLEAN",
        "asset_type": "VARCHAR",
        "move_tolerance": "DOUBLE",
    },
    added=("asset_type", "move_tolerance"),
)

PRICES = FactTable(
    name="prices",
    key=("series_id", "date"),
    values=("level", "known_on"),
    types={"series_id": "VARCHAR", "date": "DATE", "level": "DOUBLE", "known_on": "DATE"},
)

ORDERS = FactTable(
    name="orders",
    key=("vehicle", "date", "kind"),
    values=("amount", "known_on"),
    types={
        "vehicle": "VARCHAR",
        "date": "DATE",
        "kind": "VARCHAR",
        "amount": "DOUBLE",
        "known_on": "DATE",
    },
)

SYNTHETIC_BOOKS = FactTable(
    name="synthetic_books",
    key=("book_id",),
    values=("seed", "generator", "generator_version", "description", "params_json"),
    types={
        "book_id": "VARCHAR",
        "seed": "BIGINT",
        "generator": "VARCHAR",
        "generator_version": "VARCHAR",
        "description": "VARCHAR",
        "params_json": "VARCHAR",
    },
)

SYNTHETIC_TRUTH = FactTable(
    name="synthetic_truth",
    key=("book_id", "holding_id", "date"),
    values=("value",),
    types={"book_id": "VARCHAR", "holding_id": "VARCHAR", "date": "DATE", "value": "DOUBLE"},
    versioned=False,
)

VALUATIONS = FactTable(
    name="valuations",
    key=("holding_id", "date", "method"),
    values=(
        "value",
        "lower",
        "upper",
        "last_mark",
        "last_mark_as_of",
        "last_mark_version",
        "desmoothing_adj",
        "cashflow_adj",
        "market_adj",
        "true_up",
        "new_statement",
        "known_on",
        "inputs_recorded_at",
        "params",
    ),
    types={
        "holding_id": "VARCHAR",
        "date": "DATE",
        "method": "VARCHAR",
        "value": "DOUBLE",
        "lower": "DOUBLE",
        "upper": "DOUBLE",
        "last_mark": "DOUBLE",
        "last_mark_as_of": "DATE",
        "last_mark_version": "INTEGER",
        "desmoothing_adj": "DOUBLE",
        "cashflow_adj": "DOUBLE",
        "market_adj": "DOUBLE",
        "true_up": "DOUBLE",
        "new_statement": "BOOLEAN",
        "known_on": "DATE",
        "inputs_recorded_at": "TIMESTAMP",
        "params": "VARCHAR",
    },
    ignore_in_compare=("inputs_recorded_at",),
)

STRIKES = FactTable(
    name="strikes",
    key=("vehicle", "date"),
    values=(
        "nav_per_unit",
        "net_assets",
        "units_outstanding",
        "components",
        "state",
        "inputs",
        "reason",
        "known_on",
    ),
    types={
        "vehicle": "VARCHAR",
        "date": "DATE",
        "nav_per_unit": "DOUBLE",
        "net_assets": "DOUBLE",
        "units_outstanding": "DOUBLE",
        "components": "VARCHAR",
        "state": "VARCHAR",
        "inputs": "VARCHAR",
        "reason": "VARCHAR",
        "known_on": "DATE",
    },
    ignore_in_compare=("inputs", "reason"),
)

LIMIT_BREACHES = FactTable(
    name="limit_breaches",
    key=("vehicle", "date", "limit_name"),
    values=("value", "threshold", "detail", "known_on"),
    types={
        "vehicle": "VARCHAR",
        "date": "DATE",
        "limit_name": "VARCHAR",
        "value": "DOUBLE",
        "threshold": "DOUBLE",
        "detail": "VARCHAR",
        "known_on": "DATE",
    },
)

VEHICLES = FactTable(
    name="vehicles",
    key=("vehicle_id", "effective"),
    values=("name", "definition", "definition_sha256", "known_on"),
    types={
        "vehicle_id": "VARCHAR",
        "effective": "DATE",
        "name": "VARCHAR",
        "definition": "VARCHAR",
        "definition_sha256": "VARCHAR",
        "known_on": "DATE",
    },
)

EXCEPTIONS = FactTable(
    name="exceptions",
    key=("scope", "date", "kind", "subject"),
    values=("status", "value", "threshold", "detail", "reason", "known_on"),
    types={
        "scope": "VARCHAR",
        "date": "DATE",
        "kind": "VARCHAR",
        "subject": "VARCHAR",
        "status": "VARCHAR",
        "value": "DOUBLE",
        "threshold": "DOUBLE",
        "detail": "VARCHAR",
        "reason": "VARCHAR",
        "known_on": "DATE",
    },
)

# -- 0005: the operations service (issue 20) ----------------------------------------------------
USERS = FactTable(
    name="users",
    key=("name",),
    values=("roles", "password_hash", "status", "created_by", "known_on"),
    types={
        "name": "VARCHAR",
        "roles": "VARCHAR",
        "password_hash": "VARCHAR",
        "status": "VARCHAR",
        "created_by": "VARCHAR",
        "known_on": "DATE",
    },
)

TOKENS = FactTable(
    name="tokens",
    key=("token_id",),
    values=(
        "user_name",
        "scopes",
        "token_sha256",
        "expires_at",
        "status",
        "created_by",
        "known_on",
    ),
    types={
        "token_id": "VARCHAR",
        "user_name": "VARCHAR",
        "scopes": "VARCHAR",
        "token_sha256": "VARCHAR",
        "expires_at": "TIMESTAMP",
        "status": "VARCHAR",
        "created_by": "VARCHAR",
        "known_on": "DATE",
    },
)

PROPOSALS = FactTable(
    name="proposals",
    key=("proposal_id",),
    values=(
        "kind",
        "vehicle",
        "effective",
        "payload",
        "maker",
        "maker_roles",
        "maker_auth",
        "reason",
        "created_at",
        "status",
        "checker",
        "decision_reason",
        "decided_at",
        "known_on",
    ),
    types={
        "proposal_id": "VARCHAR",
        "kind": "VARCHAR",
        "vehicle": "VARCHAR",
        "effective": "DATE",
        "payload": "VARCHAR",
        "maker": "VARCHAR",
        "maker_roles": "VARCHAR",
        "maker_auth": "VARCHAR",
        "reason": "VARCHAR",
        "created_at": "TIMESTAMP",
        "status": "VARCHAR",
        "checker": "VARCHAR",
        "decision_reason": "VARCHAR",
        "decided_at": "TIMESTAMP",
        "known_on": "DATE",
    },
    nullable=("checker", "decision_reason"),
)

OVERRIDES = FactTable(
    name="overrides",
    key=("holding_id", "date"),
    values=("value", "reason", "proposal_id", "approved_by", "known_on"),
    types={
        "holding_id": "VARCHAR",
        "date": "DATE",
        "value": "DOUBLE",
        "reason": "VARCHAR",
        "proposal_id": "VARCHAR",
        "approved_by": "VARCHAR",
        "known_on": "DATE",
    },
)

RELEASES = FactTable(
    name="releases",
    key=("vehicle", "date"),
    values=(
        "nav_per_unit",
        "net_assets",
        "strike_version",
        "released_by",
        "correction",
        "original_date",
        "proposal_id",
        "known_on",
    ),
    types={
        "vehicle": "VARCHAR",
        "date": "DATE",
        "nav_per_unit": "DOUBLE",
        "net_assets": "DOUBLE",
        "strike_version": "INTEGER",
        "released_by": "VARCHAR",
        "correction": "BOOLEAN",
        "original_date": "DATE",
        "proposal_id": "VARCHAR",
        "known_on": "DATE",
    },
)

NAV_CORRECTIONS = FactTable(
    name="nav_corrections",
    key=("vehicle", "date"),
    values=("released_nav", "correct_nav", "error_class", "detail", "proposal_id", "known_on"),
    types={
        "vehicle": "VARCHAR",
        "date": "DATE",
        "released_nav": "DOUBLE",
        "correct_nav": "DOUBLE",
        "error_class": "VARCHAR",
        "detail": "VARCHAR",
        "proposal_id": "VARCHAR",
        "known_on": "DATE",
    },
)

DETERMINATIONS = FactTable(
    name="determinations",
    key=("factor", "evidence_sha256", "member"),
    values=("date", "text", "known_on"),
    types={
        "factor": "VARCHAR",
        "evidence_sha256": "VARCHAR",
        "member": "VARCHAR",
        "date": "DATE",
        "text": "VARCHAR",
        "known_on": "DATE",
    },
)

DELEGATIONS = FactTable(
    name="delegations",
    key=("role", "party", "scope"),
    values=("start_date", "end_date", "recorded_by", "known_on"),
    types={
        "role": "VARCHAR",
        "party": "VARCHAR",
        "scope": "VARCHAR",
        "start_date": "DATE",
        "end_date": "DATE",
        "recorded_by": "VARCHAR",
        "known_on": "DATE",
    },
)

#: Every table whose rows are hashed into the audit chain, by name.
FACT_TABLES: dict[str, FactTable] = {
    t.name: t
    for t in (
        HOLDINGS,
        STATEMENTS,
        CASHFLOWS,
        SERIES,
        PRICES,
        ORDERS,
        SYNTHETIC_BOOKS,
        SYNTHETIC_TRUTH,
        VALUATIONS,
        STRIKES,
        LIMIT_BREACHES,
        VEHICLES,
        EXCEPTIONS,
        USERS,
        TOKENS,
        PROPOSALS,
        OVERRIDES,
        RELEASES,
        NAV_CORRECTIONS,
        DETERMINATIONS,
        DELEGATIONS,
    )
}

#: Tables that a point-in-time snapshot (``as_known_on``) returns. Synthetic truth is never one.
KNOWLEDGE_TABLES: tuple[str, ...] = (
    "holdings",
    "statements",
    "cashflows",
    "series",
    "prices",
    "orders",
    "valuations",
    "strikes",
    "limit_breaches",
    "vehicles",
    "exceptions",
    "proposals",
    "overrides",
    "releases",
    "nav_corrections",
    "determinations",
    "delegations",
)

#: Who may sign in and with which tokens: read by name (``as_known_on(..., tables=("users",))``)
#: but never part of a default snapshot or an export, so password and token hashes stay put.
ACCESS_TABLES: tuple[str, ...] = ("users", "tokens")

#: The operations service's records: who did what and what was released. They are no input to
#: an estimate or a strike, so writing them does not move ``Ledger.inputs_recorded_at`` (an
#: approved override is an input: ``overrides`` is not one of these).
OPERATIONS_TABLES: tuple[str, ...] = (
    "users",
    "tokens",
    "proposals",
    "releases",
    "nav_corrections",
    "determinations",
    "delegations",
)

#: Tables altsleeve derives from the others (never inputs to an estimate or a strike).
DERIVED_TABLES: tuple[str, ...] = ("valuations", "strikes", "limit_breaches", "exceptions")
