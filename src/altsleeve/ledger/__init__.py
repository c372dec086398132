"""The ledger: an embedded, append-only, bitemporal DuckDB store with an audit hash chain.

Public surface: :class:`Ledger` (open, append, ``as_known_on``, ``verify``), the ingest of user
files (:func:`ingest_file`, :func:`read_table_file`, :func:`validate`) and the table and file
format descriptions. Owns all persistence; must not compute estimates or generate data.
"""

from altsleeve.ledger._files import RawTable, read_table_file
from altsleeve.ledger._ingest import IngestReport, check_file, ingest_file, ledger_knowledge
from altsleeve.ledger._schema import FACT_TABLES, KNOWLEDGE_TABLES, FactTable
from altsleeve.ledger._store import (
    DEFAULT_DB,
    FAULT_PAUSE_ENV,
    AppendResult,
    Ledger,
    LedgerSnapshot,
    VerifyReport,
    utc_now,
)
from altsleeve.ledger._validate import (
    ALWAYS_KNOWN,
    FORMATS,
    FileFormat,
    LedgerKnowledge,
    ValidatedFile,
    validate,
)

__all__ = [
    "ALWAYS_KNOWN",
    "DEFAULT_DB",
    "FACT_TABLES",
    "FAULT_PAUSE_ENV",
    "FORMATS",
    "KNOWLEDGE_TABLES",
    "AppendResult",
    "FactTable",
    "FileFormat",
    "IngestReport",
    "Ledger",
    "LedgerKnowledge",
    "LedgerSnapshot",
    "RawTable",
    "ValidatedFile",
    "VerifyReport",
    "check_file",
    "ingest_file",
    "ledger_knowledge",
    "read_table_file",
    "utc_now",
    "validate",
]
