"""Plain data out of the engine's dataclasses, for JSON fields and API output."""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import math
from typing import Any


def jsonable(value: Any) -> Any:
    """Dataclasses, tuples, sets, dates, NumPy scalars → JSON-safe data (non-finite floats → None)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        # Field by field: dataclasses.asdict deep-copies everything first (10x slower here).
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (set, frozenset)):
        return [jsonable(v) for v in sorted(value, key=repr)]
    if isinstance(value, decimal.Decimal):
        return jsonable(float(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "tolist"):  # NumPy scalars and arrays
        return jsonable(value.tolist())
    return str(value)
