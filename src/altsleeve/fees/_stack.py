"""Gross to net through the fee stack: each fund's layers, the fund of funds, the vehicle's bp.

Owns applying the layers in order to a gross case and measuring what each takes. Layers, in
order, for each fund of the sleeve (a *route*): the fund's management fee; its carry (drawdown)
or incentive fee (evergreen); the fund-of-funds' management fee and carry; the vehicle's basis-
point layers in the vehicle file's order. Each layer maps the investor's position after the
layers before it to the position after it, so the net flows after layers ``1..k`` are known for
every ``k``. Pure: the gross case comes in, figures come out.

How each layer acts on a drawdown fund (dated flows: calls, distributions):

- management fee: extra calls, quarterly in advance (:func:`management_fee_schedule`);
- carry: the distributions become the LPs' share (:func:`european_waterfall` or
  :func:`american_waterfall`, with fees returned as capital), the clawback a final receipt;
- fund-of-funds management: extra calls on the commitment or the fund's NAV; its carry: a
  European waterfall on the fund of funds' own flows;
- vehicle layers: extra calls of ``bp * NAV * days / 365`` each quarter on the fund's NAV (deal
  values; accrued carry is not deducted, which slightly overstates these small layers).

On an evergreen fund every layer is a deduction from NAV (:func:`evergreen_fees`): management on
NAV, incentive with its high-water mark, the fund of funds' fee on NAV (or on the amount
subscribed) and its carry as an incentive over its preferred return with a high-water mark,
crystallised annually, then the vehicle's bp.

Measures per layer: **dollars** taken (undiscounted); **bp a year** = dollars / the gross NAV's
time integral (dollar-years, quarterly steps, ACT/365), so the layers add up; **net IRR** after
the layer (XIRR, ACT/365, pyxirr; for an evergreen fund the annualised return); **drag** = the
fall in IRR the layer causes. The sleeve's figures pool every route's dollars and flows.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from altsleeve.fees._evergreen import evergreen_fees
from altsleeve.fees._gross import (
    DrawdownGross,
    EvergreenGross,
    constant_path,
    deal_flows,
    deal_values,
    history_path,
    representative_drawdown,
    xirr,
)
from altsleeve.fees._layers import (
    Carry,
    DrawdownFund,
    EvergreenFund,
    FeeStack,
    Incentive,
    Management,
    VehicleLayer,
)
from altsleeve.fees._management import management_fee_schedule, quarter_starts
from altsleeve.fees._waterfall import (
    DAYS_PER_YEAR,
    Flow,
    american_waterfall,
    european_waterfall,
)

GrossCase = DrawdownGross | EvergreenGross


@dataclass(frozen=True)
class LayerSpec:
    """One layer of a route, in words.

    ``key`` is the layer's place in the stack (``fund.management``, ``fund.performance``,
    ``fof.management``, ``fof.performance``, ``vehicle.<name>``), shared by all routes so that
    the sleeve's rows line up; ``active`` is False where the route has no such layer.
    """

    key: str
    level: str
    name: str
    basis: str
    rate: str
    terms: str
    active: bool


@dataclass(frozen=True)
class Position:
    """An investor's dated flows: ``calls`` paid in, ``dists`` received, NAV left on ``end``."""

    calls: tuple[Flow, ...]
    dists: tuple[Flow, ...]
    end: dt.date
    nav_end: float

    def cash_flows(self) -> tuple[list[dt.date], list[float]]:
        """Signed flows for an IRR: calls negative, receipts and the final NAV positive."""
        dates = [d for d, _ in self.calls] + [d for d, _ in self.dists] + [self.end]
        amounts = [-a for _, a in self.calls] + [a for _, a in self.dists] + [self.nav_end]
        return dates, amounts

    @property
    def paid_in(self) -> float:
        """Dollars paid in."""
        return float(sum(a for _, a in self.calls))

    @property
    def value_out(self) -> float:
        """Dollars received plus the NAV left."""
        return float(sum(a for _, a in self.dists)) + self.nav_end

    @property
    def irr(self) -> float:
        """XIRR (ACT/365) of the flows; NaN when undefined."""
        return xirr(*self.cash_flows())

    @property
    def multiple(self) -> float:
        """Total value to paid-in (TVPI)."""
        return self.value_out / self.paid_in if self.paid_in > 0 else math.nan


@dataclass(frozen=True)
class LayerFigures:
    """What one layer took from one route (or the sleeve)."""

    spec: LayerSpec
    dollars: float
    bp_per_year: float
    irr_after: float
    drag_bp: float
    position: Position | None = None


@dataclass(frozen=True)
class RouteResult:
    """One fund of the sleeve, gross to net, layer by layer."""

    fund_id: str
    kind: str
    weight: float
    size: float
    gross: Position
    nav_years: float
    layers: list[LayerFigures]
    notes: list[str] = field(default_factory=list)

    @property
    def net(self) -> Position:
        """The position after every layer."""
        last = self.layers[-1].position if self.layers else None
        return last if last is not None else self.gross


@dataclass(frozen=True)
class StackResult:
    """The sleeve gross to net: each route and the pooled sleeve, layer by layer."""

    routes: list[RouteResult]
    sleeve: list[LayerFigures]
    gross_irr: float
    net_irr: float
    nav_years: float
    vehicle_layers: list[VehicleLayer]

    @property
    def total_dollars(self) -> float:
        """Dollars taken by every layer."""
        return float(sum(x.dollars for x in self.sleeve))

    @property
    def total_bp_per_year(self) -> float:
        """Every layer together, bp a year of the gross NAV."""
        return float(sum(x.bp_per_year for x in self.sleeve))


# -- layer specs ----------------------------------------------------------------------------
def _none(key: str, level: str, name: str) -> LayerSpec:
    return LayerSpec(key, level, name, "-", "-", "none", False)


def _mgmt_spec(key: str, level: str, m: Management | None) -> LayerSpec:
    if m is None:
        return _none(key, level, "management")
    basis, rate, terms = m.describe()
    return LayerSpec(key, level, "management", basis, rate, terms, True)


def carry_as_incentive(c: Carry) -> Incentive:
    """A carry's terms as an NAV-based incentive: rate over the preferred return, HWM, annual.

    How the engine charges a fund-of-funds' carry on an evergreen route (and how
    ``altsleeve.outcomes`` charges every carry on monthly return paths): ``rate`` of the gain
    over a ``preferred_return`` hurdle, crystallised annually, with a high-water mark standing in
    for the clawback, and a catch-up when the carry has one.
    """
    return Incentive(
        rate=c.rate,
        hurdle=c.preferred_return,
        high_water_mark=True,
        crystallisation="annual",
        catch_up=c.catch_up > 0,
    )


def layer_specs(
    fund: DrawdownFund | EvergreenFund, stack: FeeStack, vehicle: Sequence[VehicleLayer]
) -> list[LayerSpec]:
    """The route's layers in order, in words (inactive placeholders where it has none)."""
    specs = [_mgmt_spec("fund.management", "fund", fund.management)]
    if isinstance(fund, DrawdownFund):
        if fund.carry is None:
            specs.append(_none("fund.performance", "fund", "carry"))
        else:
            b, r, t = fund.carry.describe()
            specs.append(LayerSpec("fund.performance", "fund", "carry", b, r, t, True))
    elif fund.incentive is None:
        specs.append(_none("fund.performance", "fund", "incentive"))
    else:
        b, r, t = fund.incentive.describe()
        specs.append(LayerSpec("fund.performance", "fund", "incentive", b, r, t, True))
    fof = stack.fund_of_funds
    if fof is not None:
        specs.append(_mgmt_spec("fof.management", "fund of funds", fof.management))
        if fof.carry is None:
            specs.append(_none("fof.performance", "fund of funds", "carry"))
        elif isinstance(fund, DrawdownFund):
            b, r, t = fof.carry.model_copy(update={"waterfall": "european"}).describe()
            specs.append(LayerSpec("fof.performance", "fund of funds", "carry", b, r, t, True))
        else:
            b, r, t = carry_as_incentive(fof.carry).describe()
            specs.append(LayerSpec("fof.performance", "fund of funds", "carry", b, r, t, True))
    for v in vehicle:
        specs.append(
            LayerSpec(
                f"vehicle.{v.name}",
                "vehicle",
                v.name,
                "NAV",
                f"{v.bp_per_year:g} bp a year",
                "accrued on NAV, ACT/365",
                True,
            )
        )
    return specs


# -- drawdown routes ------------------------------------------------------------------------
def _fee_flows(frame_dates: Sequence[dt.date], fees: Sequence[float]) -> list[Flow]:
    return [(d, float(f)) for d, f in zip(frame_dates, fees, strict=True) if f > 0]


def _drawdown_nav_years(g: DrawdownGross) -> float:
    starts = quarter_starts(g.start, g.end)
    total = 0.0
    for i, day in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < len(starts) else g.end
        total += deal_values(g.deals, day) * (nxt - day).days / DAYS_PER_YEAR
    return total


def _nav_fee_calls(g: DrawdownGross, rate: float) -> list[Flow]:
    """Quarterly fees of ``rate`` a year on the fund's NAV (deal values), in advance."""
    if rate <= 0:
        return []
    starts = quarter_starts(g.start, g.end)
    out = []
    for i, day in enumerate(starts):
        nxt = starts[i + 1] if i + 1 < len(starts) else g.end
        fee = rate * deal_values(g.deals, day) * (nxt - day).days / DAYS_PER_YEAR
        if fee > 0:
            out.append((day, fee))
    return out


def _mgmt_calls(m: Management | None, g: DrawdownGross) -> list[Flow]:
    if m is None:
        return []
    sched = management_fee_schedule(
        m, start=g.start, end=g.end, commitment=g.commitment, deals=g.deals
    )
    return _fee_flows(list(sched["date"]), list(sched["fee"]))


def _drawdown_route(
    fund: DrawdownFund, stack: FeeStack, vehicle: Sequence[VehicleLayer], g: DrawdownGross
) -> tuple[Position, list[tuple[float, Position]], list[str]]:
    """Gross position and, for each layer in order, (dollars, position after)."""
    invest = [(d.invested, d.cost) for d in g.deals]
    # deals not exited by the end are deemed sold at their value on the end date
    gross_dists = [(min(d.exited, g.end), d.proceeds) for d in g.deals if d.exited <= g.end]
    gross_dists += [(g.end, deal_values([d], g.end)) for d in g.deals if d.exited > g.end]
    gross = Position(tuple(invest), tuple(gross_dists), g.end, 0.0)
    out: list[tuple[float, Position]] = []
    notes: list[str] = []
    calls = list(invest)
    dists = list(gross_dists)

    fund_fees = _mgmt_calls(fund.management, g)
    calls += fund_fees
    out.append((sum(a for _, a in fund_fees), Position(tuple(calls), tuple(dists), g.end, 0.0)))

    carry = fund.carry
    if carry is None:
        out.append((0.0, out[-1][1]))
    else:
        if carry.waterfall == "american":
            wf = american_waterfall(g.deals, carry, fees=fund_fees, end=g.end)
        else:
            wf = european_waterfall(invest, dists, carry, fees=fund_fees, end=g.end)
        notes += wf.notes
        if wf.clawback > 0:
            notes.append(f"{fund.id}: GP clawback of {wf.clawback:,.0f} at {wf.end}")
        dists = wf.lp_flows()
        out.append((wf.gp_net, Position(tuple(calls), tuple(dists), g.end, 0.0)))

    fof = stack.fund_of_funds
    if fof is not None:
        fof_fees = _mgmt_calls(fof.management, g)
        fund_calls = list(calls)
        calls += fof_fees
        out.append((sum(a for _, a in fof_fees), Position(tuple(calls), tuple(dists), g.end, 0.0)))
        if fof.carry is None:
            out.append((0.0, out[-1][1]))
        else:
            terms = fof.carry.model_copy(update={"waterfall": "european"})
            wf = european_waterfall(fund_calls, dists, terms, fees=fof_fees, end=g.end)
            dists = wf.lp_flows()
            out.append((wf.gp_net, Position(tuple(calls), tuple(dists), g.end, 0.0)))

    for v in vehicle:
        fees = _nav_fee_calls(g, v.bp_per_year / 1e4)
        calls += fees
        out.append((sum(a for _, a in fees), Position(tuple(calls), tuple(dists), g.end, 0.0)))
    return gross, out, notes


# -- evergreen routes -----------------------------------------------------------------------
def _evergreen_route(
    fund: EvergreenFund, stack: FeeStack, vehicle: Sequence[VehicleLayer], g: EvergreenGross
) -> tuple[Position, list[tuple[float, Position]], list[str]]:
    tau = g.years
    end = g.dates[-1]
    calls = ((g.start, g.amount),)
    nav_gross = g.amount * np.cumprod(1.0 + g.returns)
    gross = Position(calls, (), end, float(nav_gross[-1]))
    out: list[tuple[float, Position]] = []
    r = np.asarray(g.returns, dtype=float)

    def step(rate: float = 0.0, fixed: float | None = None, inc: Incentive | None = None) -> None:
        nonlocal r
        res = evergreen_fees(
            g.amount, r, tau, management_rate=rate, fixed_basis=fixed, incentive=inc
        )
        dollars = float(res.management.sum() + res.incentive.sum())
        r = res.net_returns(g.amount)
        r = np.nan_to_num(r, nan=-1.0)
        out.append((dollars, Position(calls, (), end, float(res.nav[-1]))))

    m = fund.management
    step(rate=m.rate if m else 0.0)
    step(inc=fund.incentive)
    fof = stack.fund_of_funds
    if fof is not None:
        fm = fof.management
        if fm is None:
            step()
        else:
            step(rate=fm.rate, fixed=g.amount if fm.basis == "commitment" else None)
        step(inc=carry_as_incentive(fof.carry) if fof.carry else None)
    for v in vehicle:
        step(rate=v.bp_per_year / 1e4)
    return gross, out, []


def _evergreen_nav_years(g: EvergreenGross) -> float:
    nav = g.amount * np.concatenate([[1.0], np.cumprod(1.0 + g.returns)[:-1]])
    return float((nav * g.years).sum())


# -- the stack ------------------------------------------------------------------------------
def run_route(
    fund: DrawdownFund | EvergreenFund,
    stack: FeeStack,
    vehicle: Sequence[VehicleLayer],
    case: GrossCase,
) -> RouteResult:
    """One fund of the sleeve through every layer.

    Parameters
    ----------
    fund : DrawdownFund or EvergreenFund
        The fund's terms (from the stack file).
    stack : FeeStack
        For the fund-of-funds layer.
    vehicle : sequence of VehicleLayer
        The vehicle's bp layers, in order.
    case : DrawdownGross or EvergreenGross
        The fund's gross case (its kind must match the fund's).

    Returns
    -------
    RouteResult
        Gross position and, per layer, dollars, bp a year of gross NAV, IRR after and drag.
    """
    specs = layer_specs(fund, stack, vehicle)
    if isinstance(fund, DrawdownFund):
        if not isinstance(case, DrawdownGross):
            raise ValueError(f"fund {fund.id} is a drawdown fund: it needs a DrawdownGross case")
        gross, steps, notes = _drawdown_route(fund, stack, vehicle, case)
        nav_years = _drawdown_nav_years(case)
        size = case.commitment
    else:
        if not isinstance(case, EvergreenGross):
            raise ValueError(
                f"fund {fund.id} is an evergreen fund: it needs an EvergreenGross case"
            )
        gross, steps, notes = _evergreen_route(fund, stack, vehicle, case)
        nav_years = _evergreen_nav_years(case)
        size = case.amount
    layers = []
    before = gross.irr
    for spec, (dollars, pos) in zip(specs, steps, strict=True):
        after = pos.irr
        layers.append(
            LayerFigures(
                spec,
                float(dollars),
                1e4 * dollars / nav_years if nav_years > 0 else math.nan,
                after,
                1e4 * (before - after),
                pos,
            )
        )
        before = after
    return RouteResult(fund.id, fund.kind, fund.weight, size, gross, nav_years, layers, notes)


def _pooled_irr(positions: Sequence[Position]) -> float:
    dates: list[dt.date] = []
    amounts: list[float] = []
    for p in positions:
        d, a = p.cash_flows()
        dates += d
        amounts += a
    return xirr(dates, amounts)


def gross_to_net(
    stack: FeeStack,
    vehicle: Sequence[VehicleLayer],
    cases: dict[str, GrossCase],
) -> StackResult:
    """Run every fund of the sleeve through the stack and pool them.

    Parameters
    ----------
    stack : FeeStack
        The private layers.
    vehicle : sequence of VehicleLayer
        The vehicle's bp layers (``vehicle_layers(Vehicle.fees)``).
    cases : dict
        Gross case per fund id (sized as the caller wants; see :func:`representative_cases`).

    Returns
    -------
    StackResult
        Per route and pooled: dollars, bp a year of gross NAV, IRR after each layer, drag.
    """
    missing = [f.id for f in stack.funds if f.id not in cases]
    if missing:
        raise ValueError(f"no gross case for funds {missing}")
    routes = [run_route(f, stack, vehicle, cases[f.id]) for f in stack.funds]
    nav_years = float(sum(r.nav_years for r in routes))
    gross_irr = _pooled_irr([r.gross for r in routes])
    sleeve: list[LayerFigures] = []
    before = gross_irr
    n_layers = len(routes[0].layers)
    for i in range(n_layers):
        parts = [r.layers[i] for r in routes]
        active = [p.spec for p in parts if p.spec.active]
        first = active[0] if active else parts[0].spec
        names = " / ".join(dict.fromkeys(s.name for s in active)) or first.name
        spec = LayerSpec(
            first.key,
            first.level,
            names,
            " / ".join(dict.fromkeys(s.basis for s in active)) or "-",
            " / ".join(dict.fromkeys(s.rate for s in active)) or "-",
            " | ".join(dict.fromkeys(s.terms for s in active)) or "none",
            bool(active),
        )
        dollars = float(sum(p.dollars for p in parts))
        after = _pooled_irr([p.position for p in parts if p.position is not None])
        sleeve.append(
            LayerFigures(
                spec,
                dollars,
                1e4 * dollars / nav_years if nav_years > 0 else math.nan,
                after,
                1e4 * (before - after),
            )
        )
        before = after
    return StackResult(routes, sleeve, gross_irr, before, nav_years, list(vehicle))


def representative_cases(
    stack: FeeStack,
    gross_return: float,
    *,
    sleeve_size: float = 100e6,
    horizon_years: int = 10,
    start: dt.date = dt.date(2010, 1, 1),
    evergreen_path: str = "constant",
    history_first: int = 199901,
) -> dict[str, GrossCase]:
    """A gross case per fund, each returning exactly ``gross_return`` a year before fees.

    Each fund gets ``weight * sleeve_size`` (commitment or subscription). Drawdown funds:
    :func:`representative_drawdown` with the investment period from the management fee's
    step-down (5 years if none) and the horizon. Evergreen funds: a constant quarterly path
    (``evergreen_path="constant"``) or the real market's quarterly shape from
    ``history_first`` shifted to the same level (``"history"``, :func:`history_path`).
    """
    cases: dict[str, GrossCase] = {}
    for f in stack.funds:
        size = f.weight * sleeve_size
        if isinstance(f, DrawdownFund):
            ip = 5
            if f.management is not None and f.management.step_down_after_years is not None:
                ip = max(1, round(f.management.step_down_after_years))
            ip = min(ip, horizon_years - 1)
            cases[f.id] = representative_drawdown(
                gross_return,
                commitment=size,
                start=start,
                investment_period_years=ip,
                horizon_years=horizon_years,
            )
        elif evergreen_path == "history":
            cases[f.id] = history_path(
                gross_return,
                amount=size,
                start=start,
                horizon_years=horizon_years,
                history_first=history_first,
            )
        elif evergreen_path == "constant":
            cases[f.id] = constant_path(
                gross_return, amount=size, start=start, horizon_years=horizon_years
            )
        else:
            raise ValueError(
                f"evergreen_path must be 'constant' or 'history', not {evergreen_path!r}"
            )
    return cases


def gross_deal_irr(g: DrawdownGross) -> float:
    """The gross IRR of a drawdown case's deals (XIRR, ACT/365)."""
    return xirr(*deal_flows(g.deals))
