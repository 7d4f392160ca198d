"""The project's great-circle distance, in one home (plain Python and NumPy, no Django).

Two forms of the same formula: `haversine_km` for single points (search's distance column,
matching's explanations: called per hit, where math is ~10x cheaper than a NumPy call) and
`haversine_km_many` for arrays (broadcasting; matching's catalogue grid). Vectorised chord
arithmetic for candidate masks lives in matching/core/geo.py and uses the same radius."""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Kilometres between two points given in degrees."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(h, 1.0)))


def haversine_km_many(
    lat1: np.ndarray | float, lng1: np.ndarray | float, lat2: np.ndarray | float, lng2: np.ndarray | float
) -> np.ndarray:
    """`haversine_km` broadcast over arrays."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lng2) - np.asarray(lng1))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))))
