"""The synthetic sample book: private funds driven by real public index paths, honestly labelled.

Owns the public surface of the sample-book package: :func:`generate_sample_book`, the held-out
validation books (:func:`generate_heldout_book`, :class:`HeldoutParams`), the
:class:`SampleBook` record and the assumption dataclasses (:class:`SampleBookParams`,
:class:`AssetClassParams`, :class:`StatementParams`, :class:`FlowParams`, :class:`PacingParams`,
:data:`DEFAULT_PARAMS`), and the commitment sizing rule with its mirror of the vehicle
(:func:`decide_commitment`, :func:`vehicle_path`).
The private funds are SYNTHETIC; their truth sits in separate tables that no estimator reads.
Pure computation: must not write files or touch the ledger (loading a book is the ledger's job).
See ``docs/sample-book.md`` for the model and every parameter.
"""

from altsleeve.samplebook._book import SampleBook
from altsleeve.samplebook._funds import FundTables
from altsleeve.samplebook._generate import fund_specs, generate_sample_book, simulate_extra_fund
from altsleeve.samplebook._heldout import (
    HELDOUT_VARIANTS,
    HeldoutBook,
    HeldoutParams,
    generate_heldout_book,
)
from altsleeve.samplebook._orders import stress_flags
from altsleeve.samplebook._pacing import decide_commitment, vehicle_path
from altsleeve.samplebook._params import (
    DEFAULT_PARAMS,
    AssetClassParams,
    FlowParams,
    PacingParams,
    SampleBookParams,
    StatementParams,
)

__all__ = [
    "DEFAULT_PARAMS",
    "HELDOUT_VARIANTS",
    "AssetClassParams",
    "FlowParams",
    "FundTables",
    "HeldoutBook",
    "HeldoutParams",
    "PacingParams",
    "SampleBook",
    "SampleBookParams",
    "StatementParams",
    "decide_commitment",
    "fund_specs",
    "generate_heldout_book",
    "generate_sample_book",
    "simulate_extra_fund",
    "stress_flags",
    "vehicle_path",
]
