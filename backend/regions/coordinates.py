"""Where a place without coordinates of its own is put: the centre of its division.

Postings and programs carry `latitude`/`longitude` for distance ranking; when the user (or the
import file) gives none, the division's centre stands in, so every place can be ranked by distance.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .models import Division


def fill_coordinates(
    place: Any, division_field: str, *, replace: bool = False, divisions: Mapping[str, Division] | None = None
) -> None:
    """Set the place's coordinates to its division's centre when it has none (or, with `replace`,
    whatever it has). `divisions` (code -> division) saves the query when the caller holds them."""
    if place.latitude is not None and not replace:
        return
    code = getattr(place, f"{division_field}_id")
    if not code:
        return
    division = divisions.get(code) if divisions is not None else getattr(place, division_field)
    if division is not None:
        place.latitude, place.longitude = division.latitude, division.longitude
