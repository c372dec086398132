"""docs/operations.md shows the permission matrix the code enforces."""

from __future__ import annotations

from pathlib import Path

from altsleeve.ops import SCOPES, permission_table

DOC = Path(__file__).resolve().parents[2] / "docs" / "operations.md"


def test_doc_table_is_the_codes_matrix() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- permissions:start -->\n") + len("<!-- permissions:start -->\n")
    end = text.index("\n<!-- permissions:end -->")
    assert text[start:end] == permission_table()


def test_doc_lists_every_scope() -> None:
    text = DOC.read_text(encoding="utf-8")
    for scope, actions in SCOPES.items():
        row = f"| `{scope}` | " + ", ".join(f"`{a}`" for a in sorted(actions)) + " |"
        assert row in text
