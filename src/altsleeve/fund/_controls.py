"""The daily strike's controls: price checks before a day is struck, the NAV check after.

Owns the rules a fund accountant runs on each business day, as pure functions on arrays and
frames:

- :func:`check_prices`: each price the day needs is present (or may be carried forward, within
  the vehicle's allowance, and then is recorded as carried), and did not move from its previous
  level by more than the series' tolerance (an absolute log move);
- :func:`nav_moves`: the NAV per unit did not move by more than the vehicle's tolerance,
  ``k |m_t| + floor`` where ``m_t = sum_i w_{i,t-1} r_{i,t}`` is the move the priced sleeves
  explain; the detail attributes the day's move to each component (sleeves, private sleeve net of
  its flows, fees).

A finding is a :class:`Finding`: the strike stops on the first day with one that no person has
accepted, and records it as an open exception. Must not touch the ledger or value holdings.
Conventions: levels are index levels; moves are absolute log moves; returns are decimals.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

#: Kinds of findings (exceptions) the strike records.
PRICE_MOVE = "price_move"
MISSING_PRICE = "missing_price"
CARRIED_PRICE = "carried_price"
NAV_MOVE = "nav_move"


@dataclass(frozen=True)
class Finding:
    """Something the strike found on a day: an exception until a person accepts it.

    Attributes
    ----------
    date : Timestamp
        The business day.
    kind : str
        ``price_move``, ``missing_price``, ``carried_price`` or ``nav_move``.
    subject : str
        The series (price findings) or ``"NAV"``.
    value : float or None
        The figure found: the absolute log move, the NAV return, the business days carried.
    threshold : float or None
        The limit it is measured against.
    detail : dict
        The evidence: levels and dates, or the NAV's components.
    message : str
        One line for a person.
    """

    date: pd.Timestamp
    kind: str
    subject: str
    value: float | None
    threshold: float | None
    detail: dict[str, Any] = field(default_factory=dict)
    message: str = ""

    @property
    def key(self) -> tuple[pd.Timestamp, str, str]:
        """``(date, kind, subject)``: how an acceptance names it."""
        return (self.date, self.kind, self.subject)


@dataclass(frozen=True)
class PriceCheck:
    """The levels a range of days will be struck with, and what the checks found.

    Attributes
    ----------
    levels : DataFrame
        Index the days, one column per series: the level used that day (its own, or the last
        one carried forward); NaN where missing.
    findings : list of Finding
        Every finding, in date order: missing prices, carried prices, moves beyond tolerance.
    """

    levels: pd.DataFrame
    findings: list[Finding]


def check_prices(
    days: pd.DatetimeIndex,
    observed: Mapping[str, pd.Series],
    tolerance: Mapping[str, float | None],
    carry_forward: Mapping[str, int],
    accepted_missing: frozenset[tuple[pd.Timestamp, str]] = frozenset(),
    calendar: pd.DatetimeIndex | None = None,
) -> PriceCheck:
    """Check the prices each day needs.

    Parameters
    ----------
    days : DatetimeIndex
        The business days to strike, ascending.
    observed : mapping of series id to Series
        Every recorded level of each series the days need (index: dates, ascending), including
        levels before the first day (the previous level of the first day's move).
    tolerance : mapping of series id to float or None
        Largest plausible absolute log move from the previous observation (``None``: unchecked).
    carry_forward : mapping of series id to int
        Series whose last level may be used on a day without one, for at most that many
        business days (the vehicle's ``pricing.carry_forward``).
    accepted_missing : frozenset of (day, series)
        Missing prices a person accepted to carry forward for that day (with a reason).
    calendar : DatetimeIndex, optional
        The vehicle's business days (at least from the oldest level carried); a carried
        level's age is the business days after its date up to the day. Default: ``days``.

    Returns
    -------
    PriceCheck
        The levels per day and the findings: ``missing_price`` (no level and no allowance;
        the strike cannot go on), ``carried_price`` (a level carried within the allowance, or
        accepted; recorded with the strike) and ``price_move`` (``|ln(L_t / L_prev)| >
        tolerance`` where ``L_prev`` is the series' previous observation, on a day it has one).
    """
    findings: list[Finding] = []
    cols: dict[str, np.ndarray[Any, Any]] = {}
    day_ns = np.asarray(days.values, dtype="datetime64[ns]")
    cal_ns = np.asarray((days if calendar is None else calendar).values, dtype="datetime64[ns]")
    for sid, ser in observed.items():
        idx = np.asarray(pd.DatetimeIndex(ser.index).values, dtype="datetime64[ns]")
        vals = np.asarray(ser.to_numpy(dtype=float))
        pos = np.searchsorted(idx, day_ns, side="right") - 1  # last observation on/before day
        has = pos >= 0
        exact = np.zeros(len(days), dtype=bool)
        exact[has] = idx[pos[has]] == day_ns[has]
        level = np.full(len(days), np.nan)
        level[exact] = vals[pos[exact]]
        allow = carry_forward.get(sid, 0)
        tol = tolerance.get(sid)
        for t in (int(i) for i in np.flatnonzero(~exact)):
            day = pd.Timestamp(days[t])
            last = pd.Timestamp(idx[pos[t]]) if has[t] else None
            # business days after the last observation, up to and including the day
            age = (
                int(
                    np.searchsorted(cal_ns, day_ns[t], side="right")
                    - np.searchsorted(cal_ns, idx[pos[t]], side="right")
                )
                if has[t]
                else 0
            )
            if has[t] and ((allow and age <= allow) or (day, sid) in accepted_missing):
                level[t] = vals[pos[t]]
                findings.append(
                    Finding(
                        day,
                        CARRIED_PRICE,
                        sid,
                        float(age),
                        float(allow) if allow else None,
                        {
                            "carried_from": last.date().isoformat() if last is not None else None,
                            "level": float(vals[pos[t]]),
                            "accepted": (day, sid) in accepted_missing,
                        },
                        f"{sid} has no level on {day.date()}: carried {vals[pos[t]]:g} from "
                        f"{last.date() if last is not None else '-'} ({age} business day(s); "
                        + (f"allowed up to {allow})" if allow else "accepted)"),
                    )
                )
                continue
            why = (
                f"its last level is from {last.date()}, {age} business day(s) earlier, beyond "
                f"the {allow} the vehicle allows"
                if last is not None and allow
                else f"its last level is from {last.date()}"
                if last is not None
                else "it has no level at all"
            )
            findings.append(
                Finding(
                    day,
                    MISSING_PRICE,
                    sid,
                    float(age) if last is not None else None,
                    float(allow) if allow else None,
                    {"last_level_date": last.date().isoformat() if last is not None else None},
                    f"no price for {sid} on {day.date()} ({why}); ingest it with `altsleeve "
                    "ingest prices`, or allow carrying it in the vehicle's "
                    "[pricing] carry_forward",
                )
            )
        cols[sid] = level
        if tol is None:
            continue
        # moves: each strike day that has its own observation, from the observation before it
        obs_pos = pos[exact]
        prev_ok = obs_pos >= 1
        prev_lv = np.where(prev_ok, vals[np.maximum(obs_pos - 1, 0)], np.nan)
        cur_lv = vals[obs_pos]
        with np.errstate(divide="ignore", invalid="ignore"):
            move = np.abs(np.log(cur_lv / prev_lv))
        bad = prev_ok & (move > tol + 1e-12)
        ex_days = days[exact]
        for j in (int(i) for i in np.flatnonzero(bad)):
            day = pd.Timestamp(ex_days[j])
            pday = pd.Timestamp(idx[obs_pos[j] - 1])
            pct = cur_lv[j] / prev_lv[j] - 1.0
            findings.append(
                Finding(
                    day,
                    PRICE_MOVE,
                    sid,
                    float(move[j]),
                    float(tol),
                    {
                        "level": float(cur_lv[j]),
                        "previous_level": float(prev_lv[j]),
                        "previous_date": pday.date().isoformat(),
                        "return": float(pct),
                    },
                    f"{sid} moved {pct:+.1%} on {day.date()}, from {prev_lv[j]:,.6g} "
                    f"({pday.date()}) to {cur_lv[j]:,.6g}: |ln move| {move[j]:.3f} is beyond "
                    f"its tolerance {tol:.3f}",
                )
            )
    findings.sort(key=lambda f: (f.date, f.kind, f.subject))
    levels = pd.DataFrame(cols, index=days)
    return PriceCheck(levels, findings)


@dataclass(frozen=True)
class NavBase:
    """The strike before the first day checked: NAV per unit, net assets and sleeve weights."""

    nav_per_unit: float
    net_assets: float
    weights: Mapping[str, float]
    private_value: float


def nav_moves(
    rows: pd.DataFrame,
    base: NavBase,
    priced: Sequence[tuple[str, str]],
    levels: pd.DataFrame,
    prev_levels: Mapping[str, float],
    private_id: str | None,
    multiplier: float,
    floor: float,
) -> list[Finding]:
    """NAV-per-unit moves beyond the vehicle's tolerance, with each component's contribution.

    Parameters
    ----------
    rows : DataFrame
        Strike rows (``strike_days``'s frame) of consecutive days.
    base : NavBase
        The strike of the day before ``rows``' first day.
    priced : sequence of (sleeve id, series id)
        The liquid and cash sleeves and their series.
    levels : DataFrame
        The level of each series on each day of ``rows`` (index: the days).
    prev_levels : mapping
        Each series' level on the day before the first row.
    private_id : str or None
        The private sleeve's id.
    multiplier, floor : float
        The tolerance ``k |m_t| + floor`` (decimal returns).

    Returns
    -------
    list of Finding
        ``nav_move`` findings: ``value`` the NAV return, ``threshold`` the tolerance, ``detail``
        the explained move ``m_t``, and the contribution of each component to the NAV return
        (decimal of the previous net assets): each priced sleeve ``V_{i,t-1} r_{i,t} /
        NA_{t-1}``, the private sleeve ``(P_t - P_{t-1} - calls_t + distributions_t) /
        NA_{t-1}``, fees ``-(vehicle fees accrued + holding fees) / NA_{t-1}``. They add up to
        the NAV return (orders fill at the NAV and rebalancing trades at the day's levels).
    """
    out: list[Finding] = []
    nav_prev, na_prev = base.nav_per_unit, base.net_assets
    w_prev = dict(base.weights)
    pv_prev = base.private_value
    lv_prev = dict(prev_levels)
    for r in rows.to_dict("records"):
        day = pd.Timestamp(r["date"])
        nav = float(r["nav_per_unit"])
        ret = nav / nav_prev - 1.0
        contrib: dict[str, float] = {}
        explained = 0.0
        for sleeve, sid in priced:
            lv = float(levels[sid].loc[day])
            ri = lv / lv_prev[sid] - 1.0
            wi = w_prev.get(sleeve, 0.0)
            explained += wi * ri
            contrib[sleeve] = wi * ri
            lv_prev[sid] = lv
        pv = float(r.get(f"value_{private_id}", 0.0)) if private_id else 0.0
        if private_id:
            flows = float(r["calls"]) - float(r["distributions"])
            contrib[private_id] = (pv - pv_prev - flows) / na_prev
        fees = float(r["fees_accrued"]) + float(r.get("holding_fees", 0.0))
        contrib["fees"] = -fees / na_prev
        tol = multiplier * abs(explained) + floor
        if abs(ret) > tol + 1e-12:
            moved = sorted(contrib, key=lambda k: -abs(contrib[k]))
            named = [k for k in moved if abs(contrib[k]) >= 0.1 * abs(ret)] or moved[:1]
            parts = ", ".join(f"{k} {contrib[k]:+.2%}" for k in named)
            out.append(
                Finding(
                    day,
                    NAV_MOVE,
                    "NAV",
                    float(ret),
                    float(tol),
                    {
                        "nav_per_unit": nav,
                        "previous_nav_per_unit": nav_prev,
                        "explained": float(explained),
                        "contributions": {k: float(v) for k, v in contrib.items()},
                        "moved": named,
                    },
                    f"NAV per unit moved {ret:+.2%} on {day.date()} ({nav_prev:,.4f} -> "
                    f"{nav:,.4f}), beyond the tolerance {tol:.2%} ({multiplier:g} x the "
                    f"{explained:+.2%} the priced sleeves explain + {floor:.2%}); moved: {parts}",
                )
            )
        nav_prev, na_prev, pv_prev = nav, float(r["net_assets"]), pv
        w_prev = {
            str(k).removeprefix("weight_"): float(v)
            for k, v in r.items()
            if str(k).startswith("weight_")
        }
    return out
