"""The point-in-time machinery shared by every estimator: knowledge epochs and the roll-forward.

Owns, per holding, the days on which what is known changes (a statement or restatement becomes
known, or the model is refitted), the anchor mark of each such epoch, and the vectorised daily
roll-forward

    V_t = A * G(as_of, t) + sum over flows f after as_of and known by t of CF_f * G(s_f, t),
    G(s, t) = exp(alpha * (t - s) / 365 + beta * (ln B_t - ln B_s))

(DOMAIN.md section 2: market adjustment ``E * (exp(beta * dln B) - 1)``), with its interval and
the parts that explain it. A method supplies only its anchor ``A`` (the reported mark, or the mark
de-smoothed), its ``alpha``/``beta`` per epoch and its variance. Every quantity for day ``t`` uses
statements and flows whose known-on date is ``<= t`` and proxy levels dated ``<= t``. Pure: no
I/O; must not read synthetic truth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from altsleeve.domain import CashflowKind
from altsleeve.valuation._inputs import ValuationInputs

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]

#: Day number (days since 1970-01-01) standing for "no mark yet".
NO_MARK = np.int64(-(10**9))

#: Output columns of every estimator, in order.
ESTIMATE_COLUMNS = (
    "holding_id",
    "date",
    "method",
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
)


def day_numbers(values: pd.Series | pd.Index | NDArray[np.datetime64]) -> IntArray:
    """Dates as integer day numbers (days since 1970-01-01)."""
    arr = np.asarray(pd.DatetimeIndex(values).values.astype("datetime64[D]"))
    return arr.astype(np.int64)


@dataclass
class HoldingData:
    """One holding's facts as arrays on its proxy's business-day grid.

    Attributes
    ----------
    grid : int64 array
        Business days (day numbers) of the proxy, through the last day estimated.
    logb : float array
        Log proxy level on each grid day.
    st_as_of, st_known, st_version : int64 arrays
        Each statement version: as-of day, first grid index on/after its known-on date, version.
    st_nav : float array
        Reported NAV of each statement version (dollars).
    cf_day, cf_s, cf_eff : int64 arrays
        Each cash flow: its date, the grid index of the last proxy level on/before it, and the
        first grid index on which it has happened and is known.
    cf_amt : float array
        Signed dollars: calls positive, distributions negative (fees are paid outside NAV).
    """

    holding_id: str
    asset_class: str
    proxy: str
    commitment: float
    grid: IntArray
    logb: FloatArray
    st_as_of: IntArray
    st_known: IntArray
    st_version: IntArray
    st_nav: FloatArray
    cf_day: IntArray
    cf_s: IntArray
    cf_eff: IntArray
    cf_amt: FloatArray


def holding_data(inputs: ValuationInputs, end: pd.Timestamp) -> dict[str, HoldingData]:
    """Arrays per holding, on each holding's proxy grid up to ``end``."""
    out: dict[str, HoldingData] = {}
    st_all = inputs.statements
    cf_all = inputs.cashflows
    st_groups = dict(tuple(st_all.groupby("holding_id"))) if len(st_all) else {}
    cf_groups = dict(tuple(cf_all.groupby("holding_id"))) if len(cf_all) else {}
    grids: dict[str, tuple[IntArray, FloatArray]] = {}
    for h in inputs.holdings.to_dict("records"):
        hid = str(h["holding_id"])
        proxy = str(h["proxy"])
        if proxy not in grids:
            s = inputs.proxies.get(proxy)
            if s is None or len(s) == 0:
                raise ValueError(f"holding {hid}: no levels for proxy series {proxy!r}")
            s = s[s.index <= end]
            grids[proxy] = (day_numbers(s.index), np.log(s.to_numpy(dtype=float)))
        grid, logb = grids[proxy]
        st = st_groups.get(hid)
        if st is None or st.empty:
            st_as_of = st_known = st_version = np.zeros(0, dtype=np.int64)
            st_nav = np.zeros(0)
        else:
            st_as_of = day_numbers(st["as_of"])
            st_known = np.searchsorted(grid, day_numbers(st["known_on"]), side="left")
            st_version = st["version"].to_numpy(dtype=np.int64)
            st_nav = st["nav"].to_numpy(dtype=float)
        cf = cf_groups.get(hid)
        if cf is not None:
            cf = cf[cf["kind"] != CashflowKind.FEE.value]
        if cf is None or cf.empty:
            cf_day = cf_s = cf_eff = np.zeros(0, dtype=np.int64)
            cf_amt = np.zeros(0)
        else:
            cf_day = day_numbers(cf["date"])
            cf_s = np.maximum(np.searchsorted(grid, cf_day, side="right") - 1, 0)
            eff = np.maximum(cf_day, day_numbers(cf["known_on"]))
            cf_eff = np.searchsorted(grid, eff, side="left")
            sign = np.where(cf["kind"].to_numpy() == CashflowKind.CALL.value, 1.0, -1.0)
            cf_amt = sign * cf["amount"].to_numpy(dtype=float)
        out[hid] = HoldingData(
            hid,
            str(h["asset_class"]),
            proxy,
            float(h["commitment"]),
            grid,
            logb,
            st_as_of,
            st_known.astype(np.int64),
            st_version,
            st_nav,
            cf_day,
            cf_s.astype(np.int64),
            cf_eff.astype(np.int64),
            cf_amt,
        )
    return out


def known_marks(hd: HoldingData, day_idx: int) -> tuple[IntArray, FloatArray, IntArray]:
    """The marks known on grid day ``day_idx``: per as-of date the latest version known then.

    Returns as-of days (ascending), NAVs and versions.
    """
    m = hd.st_known <= day_idx
    if not m.any():
        z = np.zeros(0, dtype=np.int64)
        return z, np.zeros(0), z
    as_of, ver, nav = hd.st_as_of[m], hd.st_version[m], hd.st_nav[m]
    order = np.lexsort((ver, as_of))
    as_of, ver, nav = as_of[order], ver[order], nav[order]
    last = np.r_[as_of[1:] != as_of[:-1], True]
    return as_of[last], nav[last], ver[last]


@dataclass
class Epochs:
    """Per epoch (a run of days with the same knowledge and parameters) of one holding.

    ``start`` are grid indices; ``as_of`` is ``NO_MARK`` before the first known mark; ``anchor``
    is the value the method starts from at ``as_of`` (dollars); ``mark_nav`` and ``mark_version``
    describe the reported mark behind it; ``new_statement`` flags epochs opened by a statement.
    """

    start: IntArray
    as_of: IntArray
    mark_nav: FloatArray
    mark_version: IntArray
    anchor: FloatArray
    alpha: FloatArray
    beta: FloatArray
    new_statement: NDArray[np.bool_]


def epoch_starts(hd: HoldingData, first: int, last: int, extra: IntArray | None = None) -> IntArray:
    """Grid indices in ``[first, last]`` where knowledge may change, ``first`` included."""
    cands = hd.st_known[(hd.st_known > first) & (hd.st_known <= last)]
    if extra is not None:
        cands = np.concatenate([cands, extra[(extra > first) & (extra <= last)]])
    return np.unique(np.concatenate([[first], cands])).astype(np.int64)


def base_epochs(hd: HoldingData, starts: IntArray) -> Epochs:
    """Epochs anchored on the latest known reported mark (the ``stale``/``proxy`` anchor)."""
    k = len(starts)
    as_of = np.full(k, NO_MARK, dtype=np.int64)
    nav = np.full(k, np.nan)
    ver = np.zeros(k, dtype=np.int64)
    for i, s in enumerate(starts):
        a, n, v = known_marks(hd, int(s))
        if len(a):
            as_of[i], nav[i], ver[i] = a[-1], n[-1], v[-1]
    stmt_days = set(hd.st_known.tolist())
    new = np.array([int(s) in stmt_days for s in starts], dtype=bool)
    anchor = np.where(as_of == NO_MARK, 0.0, nav)
    return Epochs(starts, as_of, nav, ver, anchor, np.zeros(k), np.zeros(k), new)


@dataclass
class Rolled:
    """Daily roll-forward of one holding over output days ``idx`` (grid indices)."""

    idx: IntArray
    epoch: IntArray
    value: FloatArray
    anchor_part: FloatArray
    cash_adj: FloatArray
    tau: FloatArray
    dlogb: FloatArray
    true_up: FloatArray


def _roll_values(
    hd: HoldingData, ep: Epochs, idx: IntArray, k: IntArray
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, FloatArray]:
    """Values on a few grid days ``idx`` under given epochs ``k`` (dense in days x flows).

    Used for the true-up (a day valued under the previous epoch); ``roll`` does the daily run.
    """
    t_day = hd.grid[idx].astype(float)
    b_t = hd.logb[idx]
    as_of = ep.as_of[k]
    has_mark = as_of != NO_MARK
    qa = np.where(has_mark, np.searchsorted(hd.grid, as_of, side="right") - 1, 0)
    qa = np.maximum(qa, 0)
    alpha, beta = ep.alpha[k], ep.beta[k]
    anchor_growth = np.exp(alpha * (t_day - hd.grid[qa]) / 365.0 + beta * (b_t - hd.logb[qa]))
    anchor_part = np.where(has_mark, ep.anchor[k] * anchor_growth, 0.0)
    if len(hd.cf_amt):
        # Flows in the order they become known; each row sums a prefix left to right, so its
        # value does not depend on flows known only later (not even in the last bit).
        order = np.argsort(hd.cf_eff, kind="stable")
        cf_day, cf_eff, cf_amt, s = (
            hd.cf_day[order],
            hd.cf_eff[order],
            hd.cf_amt[order],
            hd.cf_s[order],
        )
        n_known = np.searchsorted(cf_eff, idx, side="right")
        after = cf_day[None, :] > as_of[:, None]
        happened = np.arange(len(cf_eff))[None, :] < n_known[:, None]
        use = after & happened
        growth = np.exp(
            alpha[:, None] * (t_day[:, None] - hd.grid[s][None, :]) / 365.0
            + beta[:, None] * (b_t[:, None] - hd.logb[s][None, :])
        )
        amt = np.where(use, cf_amt[None, :], 0.0)
        rows = np.arange(len(idx))
        last_col = np.maximum(n_known - 1, 0)
        flow_part = np.where(n_known > 0, np.cumsum(amt * growth, axis=1)[rows, last_col], 0.0)
        cash_adj = np.where(n_known > 0, np.cumsum(amt, axis=1)[rows, last_col], 0.0)
        first_flow = np.where(
            use.any(axis=1), np.where(use, cf_day[None, :], 1 << 40).min(axis=1), t_day
        )
        first_s = np.where(use, s[None, :], len(hd.grid)).min(axis=1)
        first_s = np.minimum(first_s, len(hd.grid) - 1)
    else:
        flow_part = np.zeros(len(idx))
        cash_adj = np.zeros(len(idx))
        first_flow = t_day
        first_s = idx
    value = np.maximum(anchor_part + flow_part, 0.0)
    ref_day = np.where(has_mark, as_of.astype(float), first_flow.astype(float))
    ref_b = np.where(has_mark, hd.logb[qa], hd.logb[first_s])
    tau = np.maximum((t_day - ref_day) / 365.0, 0.0)
    dlogb = b_t - ref_b
    return value, anchor_part, cash_adj, tau, dlogb


def _ranges(starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """Concatenated ``range(starts[i], ends[i])`` and the ``i`` each element came from."""
    lengths = np.maximum(ends - starts, 0)
    owner = np.repeat(np.arange(len(starts), dtype=np.int64), lengths)
    if owner.size == 0:
        return np.zeros(0, dtype=np.int64), owner
    offsets = np.cumsum(lengths) - lengths
    pos = np.arange(owner.size, dtype=np.int64) - offsets[owner] + starts[owner]
    return pos, owner


def roll(hd: HoldingData, ep: Epochs, first: int, last: int) -> Rolled:
    """Values on every grid day in ``[first, last]``, with the true-up at each epoch start.

    A flow counts from the day it has happened and is known until the first epoch whose mark's
    as-of date covers it, so only those (day, flow) pairs are evaluated; a dense days x flows
    product would be mostly zeros.
    """
    idx = np.arange(first, last + 1, dtype=np.int64)
    n = len(idx)
    k = np.searchsorted(ep.start, idx, side="right") - 1
    t_day = hd.grid[idx].astype(float)
    b_t = hd.logb[idx]
    as_of = ep.as_of[k]
    has_mark = as_of != NO_MARK
    qa = np.maximum(np.searchsorted(hd.grid, as_of, side="right") - 1, 0)
    alpha, beta = ep.alpha[k], ep.beta[k]
    growth = np.exp(alpha * (t_day - hd.grid[qa]) / 365.0 + beta * (b_t - hd.logb[qa]))
    anchor_part = np.where(has_mark, ep.anchor[k] * growth, 0.0)
    flow_part: FloatArray = np.zeros(n)
    cash_adj: FloatArray = np.zeros(n)
    first_flow = t_day.copy()
    first_s = idx.copy()
    if len(hd.cf_amt):
        # epoch whose mark first covers each flow (as_of is nondecreasing across epochs)
        cover = np.searchsorted(ep.as_of, hd.cf_day, side="left")
        end = np.where(
            cover < len(ep.start), ep.start[np.minimum(cover, len(ep.start) - 1)], last + 1
        )
        beg = np.maximum(hd.cf_eff, first)
        pos, f = _ranges(beg, np.minimum(end, last + 1))
        if pos.size:
            row = pos - first
            kk = k[row]
            s_idx = hd.cf_s[f]
            g = np.exp(
                ep.alpha[kk] * (t_day[row] - hd.grid[s_idx]) / 365.0
                + ep.beta[kk] * (b_t[row] - hd.logb[s_idx])
            )
            flow_part = np.bincount(row, weights=hd.cf_amt[f] * g, minlength=n).astype(float)
            cash_adj = np.bincount(row, weights=hd.cf_amt[f], minlength=n).astype(float)
        # before any mark: reference = the earliest flow known by then
        order = np.argsort(hd.cf_eff, kind="stable")
        eff_sorted = hd.cf_eff[order]
        running_day = np.minimum.accumulate(hd.cf_day[order])
        running_s = np.minimum.accumulate(hd.cf_s[order])
        seen = np.searchsorted(eff_sorted, idx, side="right") - 1
        known = seen >= 0
        first_flow = np.where(known, running_day[np.maximum(seen, 0)], t_day).astype(float)
        first_s = np.where(known, running_s[np.maximum(seen, 0)], idx)
    value = np.maximum(anchor_part + flow_part, 0.0)
    ref_day = np.where(has_mark, as_of.astype(float), first_flow)
    ref_b = np.where(has_mark, hd.logb[qa], hd.logb[first_s])
    tau = np.maximum((t_day - ref_day) / 365.0, 0.0)
    dlogb = b_t - ref_b
    true_up = np.zeros(n)
    if len(ep.start) > 1:
        starts = ep.start[1:]
        pos0 = starts - first
        prev_value, *_ = _roll_values(hd, ep, starts, np.arange(len(starts), dtype=np.int64))
        true_up[pos0] = value[pos0] - prev_value
    return Rolled(idx, k, value, anchor_part, cash_adj, tau, dlogb, true_up)


def to_frame(
    hd: HoldingData,
    ep: Epochs,
    r: Rolled,
    method: str,
    log_sd: FloatArray,
    z: float,
) -> pd.DataFrame:
    """The estimator's rows for one holding (see ``ESTIMATE_COLUMNS``)."""
    k = r.epoch
    has_mark = ep.as_of[k] != NO_MARK
    safe = np.maximum(r.value, 1e-12)
    lower = np.where(r.value > 0, safe * np.exp(-z * log_sd), 0.0)
    upper = np.where(r.value > 0, safe * np.exp(z * log_sd), 0.0)
    mark_nav = np.where(has_mark, ep.mark_nav[k], np.nan)
    desmooth = np.where(has_mark, ep.anchor[k] - ep.mark_nav[k], 0.0)
    base = np.where(has_mark, ep.mark_nav[k], 0.0)
    market = r.value - base - desmooth - r.cash_adj
    as_of = np.where(has_mark, ep.as_of[k], 0).astype("datetime64[D]").astype("datetime64[ns]")
    new_stmt = np.zeros(len(k), dtype=bool)
    starts_pos = ep.start - r.idx[0]
    ok = (starts_pos >= 0) & (starts_pos < len(k))
    new_stmt[starts_pos[ok]] = ep.new_statement[ok]
    new_stmt[0] = False
    frame = pd.DataFrame(
        {
            "holding_id": hd.holding_id,
            "date": hd.grid[r.idx].astype("datetime64[D]").astype("datetime64[ns]"),
            "method": method,
            "value": r.value,
            "lower": lower,
            "upper": upper,
            "last_mark": mark_nav,
            "last_mark_as_of": pd.Series(as_of).where(has_mark),
            "last_mark_version": np.where(has_mark, ep.mark_version[k], 0),
            "desmoothing_adj": desmooth,
            "cashflow_adj": r.cash_adj,
            "market_adj": market,
            "true_up": np.where(new_stmt | (r.true_up != 0), r.true_up, 0.0),
            "new_statement": new_stmt,
        }
    )
    return frame
