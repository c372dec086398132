"""docs/sample-book.md names every parameter field and says the funds are synthetic."""

from __future__ import annotations

import dataclasses
import pathlib

from altsleeve.pacing import TakahashiAlexanderParams
from altsleeve.samplebook import AssetClassParams, FlowParams, SampleBookParams, StatementParams

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "sample-book.md"


def test_every_params_field_is_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    missing = [
        f"{cls.__name__}.{f.name}"
        for cls in (
            SampleBookParams,
            AssetClassParams,
            StatementParams,
            FlowParams,
            TakahashiAlexanderParams,
        )
        for f in dataclasses.fields(cls)
        if f"`{f.name}`" not in text
    ]
    assert not missing, f"not in docs/sample-book.md: {missing}"


def test_doc_says_synthetic() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "SYNTHETIC" in text
    assert "no estimator" in text.lower()
