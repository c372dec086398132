"""Approved overrides of a holding's daily value, as the strike reads them.

Owns reading the ``overrides`` table (a holding's value for one day, set by a four-eyes
proposal that the valuation committee approved: :mod:`altsleeve.workflows.approvals` writes
it) and laying those values over the valuation engine's estimates. An override replaces the
estimate of that holding on that day only; the estimate is kept beside it (``estimate``) and the
row's ``method`` becomes ``override``, so the strike's inputs name what was overridden, by which
proposal and who approved it. Overrides are kept in their own table rather than as a
``valuations`` row: ``valuations`` holds what the engine derives (and is rewritten by it), an
override is a person's decision, an input of the strike. Must not decide or approve anything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from altsleeve.ledger import Ledger

_FAR = dt.date(2100, 12, 31)

#: The ``method`` an overridden estimate row carries.
OVERRIDE_METHOD = "override"


def approved_overrides(
    ledger: Ledger,
    start: pd.Timestamp,
    end: pd.Timestamp,
    *,
    recorded_at: dt.datetime | None = None,
) -> pd.DataFrame:
    """The latest approved override of each holding and day in ``[start, end]``.

    ``recorded_at``: only overrides recorded by then (the strike's inputs cutoff).
    """
    rows = ledger.as_known_on(_FAR, recorded_at=recorded_at, tables=("overrides",)).overrides
    days = pd.to_datetime(rows["date"])
    return rows[(days >= start) & (days <= end)].reset_index(drop=True)


def apply_overrides(est: pd.DataFrame, overrides: pd.DataFrame) -> pd.DataFrame:
    """The estimates with each override's value in place of its holding's estimate that day.

    An overridden row keeps the engine's figure in ``estimate`` and names the override's
    ``override_proposal``, ``override_version`` and ``override_approved_by``; its ``method``
    becomes ``override``. A holding the engine did not value that day gets a row of its own.
    """
    if overrides.empty:
        return est
    out = est.copy()
    for col in ("estimate", "override_version"):
        if col not in out.columns:
            out[col] = np.nan
    for col in ("override_proposal", "override_approved_by"):
        if col not in out.columns:
            out[col] = None
    extra: list[dict[str, Any]] = []
    for r in overrides.to_dict("records"):
        day = pd.Timestamp(r["date"])
        hit = (out["holding_id"] == r["holding_id"]) & (pd.to_datetime(out["date"]) == day)
        stamp: dict[str, Any] = {
            "method": OVERRIDE_METHOD,
            "override_proposal": str(r["proposal_id"]),
            "override_version": int(r["version"]),
            "override_approved_by": str(r["approved_by"]),
        }
        if hit.any():
            out.loc[hit, "estimate"] = out.loc[hit, "value"]
            out.loc[hit, "value"] = float(r["value"])
            for k, v in stamp.items():
                out[k] = out[k].where(~hit, v)
        else:
            extra.append(
                {"holding_id": r["holding_id"], "date": day, "value": float(r["value"]), **stamp}
            )
    if extra:
        out = pd.concat([out, pd.DataFrame(extra)], ignore_index=True)
    return out


def overrides_used(est: pd.DataFrame) -> dict[pd.Timestamp, list[dict[str, Any]]]:
    """Per day, the overrides an estimate frame carries (for the strike's inputs record)."""
    if est.empty or "override_proposal" not in est.columns:
        return {}
    rows = est[est["method"] == OVERRIDE_METHOD]
    out: dict[pd.Timestamp, list[dict[str, Any]]] = {}
    for r in rows.sort_values(["date", "holding_id"]).to_dict("records"):
        estimate = r.get("estimate")
        out.setdefault(pd.Timestamp(r["date"]), []).append(
            {
                "holding_id": str(r["holding_id"]),
                "value": float(r["value"]),
                "estimate": None if estimate is None or pd.isna(estimate) else float(estimate),
                "proposal_id": str(r["override_proposal"]),
                "version": int(r["override_version"]),
                "approved_by": str(r["override_approved_by"]),
            }
        )
    return out


__all__ = ["OVERRIDE_METHOD", "apply_overrides", "approved_overrides", "overrides_used"]
