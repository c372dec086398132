"""Canonical row text and the SHA-256 hashes of the audit chain.

Owns how a stored row, a batch of rows and an audit entry are turned into hashes, so that the
store (when writing) and the verifier (when reading back) compute the same digests. Pure: no I/O.

The chain: ``entry_hash = sha256(prev_hash || canonical(entry fields, content_hash))`` where
``content_hash = sha256(sorted row hashes joined by newlines)``. Editing, deleting or adding a row
changes its batch's content hash; editing or deleting an audit entry breaks the chain.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

#: The ``prev_hash`` of the first audit entry.
GENESIS_HASH = "0" * 64


def canonical_value(value: Any) -> Any:
    """A JSON-safe, type-tagged rendering of one stored value.

    Dates and timestamps become ISO strings (timestamps with microseconds), floats keep their
    shortest round-trip ``repr``, ``None`` stays ``None``. Types are tagged so that the text
    ``"1"`` and the number ``1`` never hash alike.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        if math.isnan(value):
            return ["f", "nan"]
        return ["f", repr(value)]
    if isinstance(value, dt.datetime):
        return ["t", value.isoformat(timespec="microseconds")]
    if isinstance(value, dt.date):
        return ["d", value.isoformat()]
    return ["s", str(value)]


def row_hash(values: Sequence[Any]) -> str:
    """SHA-256 (hex) of one row's business and bookkeeping values, in stored column order."""
    text = json.dumps([canonical_value(v) for v in values], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def content_hash(row_hashes: Iterable[str]) -> str:
    """SHA-256 (hex) of a batch: its row hashes sorted and joined by newlines (order-free)."""
    return hashlib.sha256("\n".join(sorted(row_hashes)).encode()).hexdigest()


def content_hash_of_digests(digests: bytes | bytearray) -> str:
    """:func:`content_hash` of row hashes given as raw 32-byte SHA-256 digests, concatenated.

    For batches of millions of rows: the digests (in any order) are sorted as big-endian words,
    the same order as their hex texts, and hashed as those texts joined by newlines, a slice at
    a time, without one Python string per row.
    """
    words = np.frombuffer(digests, dtype=">u8").reshape(-1, 4)
    order = np.lexsort((words[:, 3], words[:, 2], words[:, 1], words[:, 0]))
    out = hashlib.sha256()
    step = 65_536
    for i in range(0, len(order), step):
        text = words[order[i : i + step]].tobytes().hex()
        if i:
            out.update(b"\n")
        out.update("\n".join(text[j : j + 64] for j in range(0, len(text), 64)).encode())
    return out.hexdigest()


def entry_hash(prev_hash: str, fields: Sequence[Any]) -> str:
    """SHA-256 (hex) of an audit entry chained to the previous entry's hash."""
    text = prev_hash + json.dumps([canonical_value(v) for v in fields], separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_sha256(data: bytes) -> str:
    """SHA-256 (hex) of a file's bytes, for provenance."""
    return hashlib.sha256(data).hexdigest()
