"""Reading the market data files that ``arch`` ships (``arch/data/<name>/<file>.csv.gz``).

Owns where the files are, how their bytes are hashed for provenance, and how their date columns
are parsed (``M/D/YYYY`` strings, or ``YYYYMM`` integers for the Fama-French file). Reads the
files directly rather than through ``arch.data.*.load()``, whose generic date parsing mis-reads
``YYYYMM`` under pandas 3. Must not touch the ledger or write anything.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import arch
import arch.data
import pandas as pd


@dataclass(frozen=True)
class ArchFile:
    """One data file shipped by ``arch``.

    Attributes
    ----------
    module : str
        The ``arch.data`` submodule that ships it, e.g. ``"sp500"``.
    file_name : str
        The file's name inside that module's folder, e.g. ``"sp500.csv.gz"``.
    date_format : str
        ``strptime`` format of the ``Date`` column (``"%Y%m"`` for ``YYYYMM`` integers).
    """

    module: str
    file_name: str
    date_format: str

    @property
    def source(self) -> str:
        """The dotted module path, e.g. ``"arch.data.sp500"``."""
        return f"arch.data.{self.module}"


SP500_FILE = ArchFile("sp500", "sp500.csv.gz", "%m/%d/%Y")
NASDAQ_FILE = ArchFile("nasdaq", "nasdaq.csv.gz", "%m/%d/%Y")
FRENCH_FILE = ArchFile("frenchdata", "frenchdata.csv.gz", "%Y%m")
DEFAULT_FILE = ArchFile("default", "default.csv.gz", "%m/%d/%Y")
CORE_CPI_FILE = ArchFile("core_cpi", "core-cpi.csv.gz", "%m/%d/%Y")


@dataclass(frozen=True)
class LoadedFile:
    """A shipped file's parsed contents together with the hash of the bytes that were parsed.

    Attributes
    ----------
    spec : ArchFile
        Which file.
    sha256 : str
        SHA-256 hex digest (64 lowercase hex characters) of the file's bytes as stored (gzip).
    frame : pandas.DataFrame
        The file's columns, with ``Date`` replaced by ``date`` (``datetime64[ns]``, midnight;
        for ``YYYYMM`` files the first of the month), sorted by date.
    """

    spec: ArchFile
    sha256: str
    frame: pd.DataFrame


def arch_data_dir() -> Path:
    """Return the folder in which ``arch`` ships its ``csv.gz`` data files.

    Returns
    -------
    pathlib.Path
        The directory of ``arch.data`` (located through ``arch.data.__file__``); each data set
        lives in a subfolder, e.g. ``arch_data_dir() / "sp500" / "sp500.csv.gz"``.
    """
    return Path(arch.data.__file__).resolve().parent


def arch_version() -> str:
    """Return the installed ``arch`` version string (``arch.__version__``)."""
    return str(arch.__version__)


def arch_file_path(spec: ArchFile) -> Path:
    """Return the path of a shipped file.

    Parameters
    ----------
    spec : ArchFile
        Which file.

    Returns
    -------
    pathlib.Path
        ``arch_data_dir() / spec.module / spec.file_name``.
    """
    return arch_data_dir() / spec.module / spec.file_name


def sha256_hex(data: bytes) -> str:
    """Return the SHA-256 hex digest of ``data`` (64 lowercase hex characters)."""
    return hashlib.sha256(data).hexdigest()


def read_arch_file(spec: ArchFile) -> LoadedFile:
    """Read, hash and parse one shipped file.

    The bytes are read once; the digest and the parsed frame come from the same bytes.

    Parameters
    ----------
    spec : ArchFile
        Which file.

    Returns
    -------
    LoadedFile
        The digest and the parsed frame (see :class:`LoadedFile`).

    Raises
    ------
    ValueError
        If a date does not parse, a value column is not numeric, or dates repeat.
    """
    raw = arch_file_path(spec).read_bytes()
    table = pd.read_csv(io.BytesIO(raw), compression="gzip", dtype={"Date": str})
    dates = pd.to_datetime(table["Date"], format=spec.date_format).astype("datetime64[ns]")
    values = table.drop(columns="Date")
    for col in values.columns:
        if not pd.api.types.is_numeric_dtype(values[col]):
            raise ValueError(f"{spec.file_name}: column {col!r} is not numeric")
    frame = pd.concat([dates.rename("date"), values], axis=1)
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    if frame["date"].duplicated().any():
        raise ValueError(f"{spec.file_name}: repeated dates")
    return LoadedFile(spec=spec, sha256=sha256_hex(raw), frame=frame)
