"""The fakes' JSON responses, encoded by orjson: the standard library's encoder cost the fake
Jira more CPU per bulk-fetched issue than the whole client pipeline (benchmarks/README.md,
"Ingest"), which made the fakes, not prodops, the limit of a loopback sync."""

from typing import Any

import orjson
from starlette.responses import JSONResponse as StarletteJSONResponse

__all__ = ["JSONResponse"]


class JSONResponse(StarletteJSONResponse):
    """Starlette's JSONResponse with the same compact UTF-8 output, encoded by orjson."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
