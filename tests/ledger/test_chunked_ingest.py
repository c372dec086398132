"""Chunked price ingest gives exactly what the whole-file ingest gave (golden values).

The golden file was written by the row-by-row ingest before it was made chunked: ledger content
(row hashes, audit chain), results, and error texts (file, row, line, column, message) must not
change, whatever the chunk size.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from altsleeve.ledger import _ingest
from tests.ledger.scale_scenarios import GOLDEN, run_scenarios


@pytest.mark.parametrize("chunk_rows", [None, 7, 1000])
def test_price_ingest_matches_golden(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk_rows: int | None
) -> None:
    if chunk_rows is not None:
        monkeypatch.setattr(_ingest, "CHUNK_ROWS", chunk_rows, raising=False)
    golden = json.loads(GOLDEN.read_text())
    got = json.loads(json.dumps(run_scenarios(tmp_path), sort_keys=True))
    assert sorted(got) == sorted(golden)
    for name in golden:
        assert got[name] == golden[name], name
