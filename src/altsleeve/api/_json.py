"""The service's JSON: what the CLI's ``--json`` prints, as a response body.

Owns :class:`ResultJSON`: a use case's ``to_dict()`` through
:func:`altsleeve.common.jsonvalues.plain` (NaN and infinities as ``null``, ISO dates), written
as strict JSON (RFC 8259), the same values ``--json`` prints. Must not change a value.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse

from altsleeve.common.jsonvalues import plain


class ResultJSON(JSONResponse):
    """A JSON response of plain values (the CLI's encoder, compact)."""

    def render(self, content: Any) -> bytes:
        """Strict JSON of ``plain(content)``; a non-finite float left over fails loudly."""
        text = json.dumps(plain(content), default=str, allow_nan=False, separators=(",", ":"))
        return text.encode("utf-8")


__all__ = ["ResultJSON"]
