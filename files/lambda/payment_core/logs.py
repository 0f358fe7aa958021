"""One structured JSON line per request, on stdout (CloudWatch Logs keeps each line as one event)."""

from __future__ import annotations

import json
import sys
from typing import Any


def emit(fields: dict[str, Any]) -> None:
    line = json.dumps({key: value for key, value in fields.items() if value is not None},
                      default=str, separators=(",", ":"), ensure_ascii=True)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()
