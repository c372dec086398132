"""Record types for market data series: :class:`SeriesMeta` and :class:`SeriesData`.

Owns the shape every market series is handed out in (a ``date``/``level``/``known_on`` frame with
its provenance) and the check that a frame has that shape. Must not read files, touch the ledger
or write anything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

#: The columns of :attr:`SeriesData.data`, in order.
DATA_COLUMNS = ("date", "level", "known_on")

#: Units a series may be in.
UNITS = ("index", "percent", "percent_return")

#: Frequencies a series may have.
FREQUENCIES = ("daily", "monthly")


@dataclass(frozen=True)
class SeriesMeta:
    """Provenance and meaning of one market series.

    Attributes
    ----------
    series_id : str
        Stable identifier, e.g. ``"SP500"``.
    description : str
        What the numbers are, in words (including what they leave out, e.g. dividends).
    unit : str
        ``"index"`` (a level), ``"percent"`` (a yield or rate level, e.g. ``5.35`` for 5.35%) or
        ``"percent_return"`` (a monthly return in percent, e.g. ``2.96`` for +2.96%).
    frequency : str
        ``"daily"`` or ``"monthly"``.
    source : str
        The ``arch`` module that ships the raw file (e.g. ``"arch.data.sp500"``), or ``"derived"``.
    package : str
        The package that ships the file(s): ``"arch"``.
    package_version : str
        ``arch.__version__`` at load time.
    file_name : str
        The shipped file (e.g. ``"sp500.csv.gz"``); for derived series the input files,
        comma-separated.
    file_sha256 : str
        SHA-256 hex digest of each file's bytes, comma-separated in the order of ``file_name``.
    column : str
        The column used (e.g. ``"Adj Close"``); for derived series the input columns,
        comma-separated.
    derivation : str
        ``""`` for raw series; for derived series the formula and its source.
    asset_type : str
        What the series is (an :class:`altsleeve.domain.AssetType` value: ``equity``, ``bond``,
        ``cash``, ``rate``, ``inflation`` ...), so that models pick series by type, not by name.
    move_tolerance : float or None
        The largest plausible absolute log move from one observation to the next, when it
        differs from the asset type's default (``altsleeve.domain.DEFAULT_MOVE_TOLERANCE``).
    """

    series_id: str
    description: str
    unit: str
    frequency: str
    source: str
    package: str
    package_version: str
    file_name: str
    file_sha256: str
    column: str
    derivation: str
    asset_type: str = "other"
    move_tolerance: float | None = None


@dataclass(frozen=True)
class SeriesData:
    """One market series: its provenance and its dated, point-in-time values.

    Attributes
    ----------
    meta : SeriesMeta
        Provenance and meaning.
    data : pandas.DataFrame
        Exactly the columns ``date`` (``datetime64[ns]``, midnight, timezone-naive), ``level``
        (``float64``, in ``meta.unit``) and ``known_on`` (``datetime64[ns]``, midnight: the first
        day on which the value could have been known); sorted by ``date``, dates unique, no NaN,
        ``known_on >= date``.
    """

    meta: SeriesMeta
    data: pd.DataFrame


def make_frame(
    dates: pd.DatetimeIndex | pd.Series,
    level: pd.Series | np.ndarray,
    known_on: pd.DatetimeIndex | pd.Series,
) -> pd.DataFrame:
    """Build and check a ``date``/``level``/``known_on`` frame.

    Parameters
    ----------
    dates : pandas.DatetimeIndex or pandas.Series
        Observation dates (midnight, timezone-naive).
    level : pandas.Series or numpy.ndarray
        Values, same length as ``dates``.
    known_on : pandas.DatetimeIndex or pandas.Series
        Knowledge dates, same length as ``dates``.

    Returns
    -------
    pandas.DataFrame
        The frame, with ``datetime64[ns]`` dates and ``float64`` levels and a fresh
        ``RangeIndex``.

    Raises
    ------
    ValueError
        If the frame breaks any invariant of :attr:`SeriesData.data`.
    """
    frame = pd.DataFrame(
        {
            "date": np.asarray(dates, dtype="datetime64[ns]"),
            "level": np.asarray(level, dtype=np.float64),
            "known_on": np.asarray(known_on, dtype="datetime64[ns]"),
        }
    )
    check_frame(frame)
    return frame


def check_frame(frame: pd.DataFrame) -> None:
    """Check that ``frame`` satisfies the invariants of :attr:`SeriesData.data`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The candidate frame.

    Raises
    ------
    ValueError
        Naming the first invariant that fails.
    """
    if tuple(frame.columns) != DATA_COLUMNS:
        raise ValueError(f"columns must be {DATA_COLUMNS}, got {tuple(frame.columns)}")
    for col in ("date", "known_on"):
        if frame[col].dtype != np.dtype("datetime64[ns]"):
            raise ValueError(f"{col} must be datetime64[ns], got {frame[col].dtype}")
        if not (frame[col] == frame[col].dt.normalize()).all():
            raise ValueError(f"{col} must be at midnight")
    if frame["level"].dtype != np.float64:
        raise ValueError(f"level must be float64, got {frame['level'].dtype}")
    if frame.isna().to_numpy().any():
        raise ValueError("frame holds NaN/NaT")
    if not frame["date"].is_monotonic_increasing or frame["date"].duplicated().any():
        raise ValueError("dates must be strictly increasing")
    if (frame["known_on"] < frame["date"]).any():
        raise ValueError("known_on must be on or after date")
