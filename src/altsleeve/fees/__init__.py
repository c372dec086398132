"""Fees and fee drag: the private sleeve's fee stack, gross to net, and the break-even.

Owns the fee layers of a private sleeve inside a daily-valued vehicle, composable in order, each
with its basis (commitment, invested capital, NAV), rate and performance terms: a drawdown fund's
management fee with a step-down and its carried interest through a European (whole-fund) or
American (deal-by-deal) waterfall with preferred return, GP catch-up and clawback; an evergreen
fund's management fee and incentive fee over a hurdle with a high-water mark; a fund-of-funds
layer; and the vehicle's basis-point layers (trustee, wrapper). Gross cash flows or returns go
in; net ones after each layer come out, with the dollars and basis points a year each layer
takes, and the break-even gross excess return the sleeve needs to match the index-fund
alternative. Pure computation (the benchmark reads arch's Fama-French file); the CLI's
``altsleeve fees`` commands are thin wrappers. Formulas, sources and figures: ``docs/fees.md``.

Examples
--------
>>> from altsleeve.fees import FeeStack, sample_stack_path, representative_cases, gross_to_net
>>> stack = FeeStack.from_toml(sample_stack_path())
>>> res = gross_to_net(stack, [], representative_cases(stack, 0.15))
>>> round(res.gross_irr, 4)
0.15
"""

from altsleeve.fees._breakeven import BreakevenResult, BreakevenRow, breakeven, required_net
from altsleeve.fees._evergreen import EvergreenResult, crystallisation_mask, evergreen_fees
from altsleeve.fees._gross import (
    DEFAULT_DISPERSION,
    Benchmark,
    DrawdownGross,
    EvergreenGross,
    benchmark_return,
    constant_path,
    deal_values,
    history_path,
    representative_drawdown,
)
from altsleeve.fees._layers import (
    Carry,
    DrawdownFund,
    EvergreenFund,
    FeeStack,
    FundOfFunds,
    Incentive,
    Management,
    VehicleLayer,
    sample_stack_path,
    vehicle_layers,
)
from altsleeve.fees._management import invested_capital, management_fee_schedule
from altsleeve.fees._report import (
    breakeven_report,
    fee_stack_report,
    sample_fee_report,
)
from altsleeve.fees._stack import (
    LayerFigures,
    LayerSpec,
    Position,
    RouteResult,
    StackResult,
    carry_as_incentive,
    gross_to_net,
    layer_specs,
    representative_cases,
    run_route,
)
from altsleeve.fees._waterfall import (
    Deal,
    WaterfallResult,
    american_waterfall,
    european_waterfall,
)

__all__ = [
    "DEFAULT_DISPERSION",
    "Benchmark",
    "BreakevenResult",
    "BreakevenRow",
    "Carry",
    "Deal",
    "DrawdownFund",
    "DrawdownGross",
    "EvergreenFund",
    "EvergreenGross",
    "EvergreenResult",
    "FeeStack",
    "FundOfFunds",
    "Incentive",
    "LayerFigures",
    "LayerSpec",
    "Management",
    "Position",
    "RouteResult",
    "StackResult",
    "VehicleLayer",
    "WaterfallResult",
    "american_waterfall",
    "benchmark_return",
    "breakeven",
    "breakeven_report",
    "carry_as_incentive",
    "constant_path",
    "crystallisation_mask",
    "deal_values",
    "european_waterfall",
    "evergreen_fees",
    "fee_stack_report",
    "gross_to_net",
    "history_path",
    "invested_capital",
    "layer_specs",
    "management_fee_schedule",
    "representative_cases",
    "representative_drawdown",
    "required_net",
    "run_route",
    "sample_fee_report",
    "sample_stack_path",
    "vehicle_layers",
]
