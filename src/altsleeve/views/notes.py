"""Lines of prose the terminal views share: which real history a projection was drawn from.

Owns the words of a note that several tables end with. Must not compute a figure.
"""

from __future__ import annotations

from collections.abc import Mapping


def history_note(history: Mapping[str, str]) -> str | None:
    """Which shipped real series each asset type was bootstrapped from (None: no history).

    >>> history_note({"buyout": "FF 1926+"}).endswith("to bootstrap): buyout: FF 1926+.")
    True
    >>> history_note({}) is None
    True
    """
    if not history:
        return None
    return (
        "Long history by asset type (the book's own series are too short to bootstrap): "
        + "; ".join(f"{k}: {v}" for k, v in history.items())
        + "."
    )
