"""The ledger: an embedded, append-only, bitemporal DuckDB store with an audit hash chain.

Public surface: :class:`Ledger` (open, append, ``as_known_on``, ``verify``), the ingest of user
files (:func:`ingest_file`, :func:`read_table_file`, :func:`validate`), the export of the five
ingest kinds in their file format (:func:`export_frame`) and the table and file format
descriptions. Owns all persistence; must not compute estimates or generate data.

Only ``Ledger(path, create=True)`` makes a new ledger file; any other open of a missing path, of a
file that is not an altsleeve ledger, or of one another process holds for longer than
``ALTSLEEVE_LOCK_TIMEOUT`` seconds (default 30) raises :class:`~altsleeve.errors.InputError`.
"""

from altsleeve.ledger._export import export_frame, write_export
from altsleeve.ledger._files import RawTable, read_table_file
from altsleeve.ledger._ingest import IngestReport, check_file, ingest_file, ledger_knowledge
from altsleeve.ledger._schema import (
    ACCESS_TABLES,
    FACT_TABLES,
    KNOWLEDGE_TABLES,
    OPERATIONS_TABLES,
    FactTable,
)
from altsleeve.ledger._store import (
    DEFAULT_DB,
    DEFAULT_LOCK_TIMEOUT,
    FAULT_PAUSE_ENV,
    LOCK_TIMEOUT_ENV,
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
    "ACCESS_TABLES",
    "ALWAYS_KNOWN",
    "DEFAULT_DB",
    "DEFAULT_LOCK_TIMEOUT",
    "FACT_TABLES",
    "FAULT_PAUSE_ENV",
    "FORMATS",
    "KNOWLEDGE_TABLES",
    "LOCK_TIMEOUT_ENV",
    "OPERATIONS_TABLES",
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
    "export_frame",
    "ingest_file",
    "ledger_knowledge",
    "read_table_file",
    "utc_now",
    "validate",
    "write_export",
]
