"""Distances, vectorised. Places become unit vectors on the sphere once (catalogue build, worker
preparation); then a distance is a chord: haversine's hav(θ) is chord²/4, so
d = 2R·asin(chord/2) is exactly the haversine distance, and "within r km" is chord ≤ 2·sin(r/2R)
with no trigonometry per item. Chords are computed from coordinate differences (not 1 - dot,
which loses kilometres to float32 rounding).
"""

from __future__ import annotations

import numpy as np

from backend.common.geo import EARTH_RADIUS_KM


def unit_vectors(lat: np.ndarray, lng: np.ndarray) -> np.ndarray:
    """(n, 3) float32 unit vectors; NaN rows where a coordinate is NaN."""
    la, ln = np.radians(np.asarray(lat, dtype=np.float64)), np.radians(np.asarray(lng, dtype=np.float64))
    cos_la = np.cos(la)
    return np.stack([cos_la * np.cos(ln), cos_la * np.sin(ln), np.sin(la)], axis=-1).astype(np.float32)


def chord_to_km(chord: np.ndarray) -> np.ndarray:
    return np.asarray(
        2 * EARTH_RADIUS_KM * np.arcsin(np.clip(np.asarray(chord, dtype=np.float64) / 2, 0.0, 1.0))
    )


def km_to_chord(km: np.ndarray | float) -> np.ndarray:
    return np.asarray(
        2
        * np.sin(
            np.minimum(np.asarray(km, dtype=np.float64), np.pi * EARTH_RADIUS_KM) / (2 * EARTH_RADIUS_KM)
        )
    )


def chord2(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Squared chord between rows of (..., 3) arrays (broadcasting); NaN where either is NaN."""
    d = u[..., 0] - v[..., 0]
    out = d * d
    d = u[..., 1] - v[..., 1]
    out += d * d
    d = u[..., 2] - v[..., 2]
    out += d * d
    return out
