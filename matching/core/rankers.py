"""Rankers: score pairwise feature rows (higher is better) and say what each feature contributed.

BaselineRanker — a transparent weighted sum with the documented BASELINE_WEIGHTS. Every feature
is oriented "higher is better" (features.py) and every weight is ≥ 0 (checked), so the baseline is
monotone in every feature: a worker who gains a required skill (similarity, coverage, experience,
qualified go up, nothing goes down for that job) or the required licence (certificate_fit,
qualified, similarity) never sees that job's score fall. contributions = weight × value.

LearnedRanker — scikit-learn, trained on staff decisions and outcomes (training.py):
- "hgb" (default): HistGradientBoostingClassifier with `monotonic_cst` = +1 on every feature in
  MONOTONE_INCREASING (the features a worker's gains can move, and the wishes/fit features), so
  the learned model keeps the same guarantees whatever the labels say; it can still learn
  interactions (is_training × ..., distance × wage) that a weighted sum cannot.
  contributions: HGB has no exact additive attribution; we report for each feature the change in
  the model's log-odds when that feature alone is reset to its training median
  (leave-one-feature-out against a reference). They need not sum to the score; they are used to
  name the top reasons, not to audit the model.
- "logistic": LogisticRegression on standardised features with sign constraints: after a fit,
  any MONOTONE_INCREASING feature that got a negative coefficient is dropped (coefficient fixed
  at 0) and the model refitted, until every constrained coefficient is ≥ 0 (an active-set
  projection). Standardising divides by a positive scale, so ≥ 0 coefficients keep the score
  monotone. contributions = coefficient × standardised value (exact, additive).
"""

from __future__ import annotations

import hashlib
import io
import os
import time
from typing import Any, Literal, Protocol

import joblib
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from .features import FEATURE_NAMES

BASELINE_VERSION = "baseline-1"

# Documented weights of the baseline (all ≥ 0; features are "higher is better"). The job-side
# heart is skill coverage + certificate fit + qualified (≈ 4.5 for a fully qualified worker),
# then place (proximity 1.5: 0 km vs 25 km is worth 0.75) and wage fit (1.0), then needs and
# preferences. Training-side: closing the gap to a desired occupation, occupation match,
# certificates, cost and place. Similarity (0..~2) carries the text and the soft matches.
BASELINE_WEIGHTS: dict[str, float] = {
    "similarity": 1.0,
    "skill_coverage": 2.0,
    "preferred_coverage": 0.5,
    "qualified": 1.5,
    "experience": 0.3,
    "occupation_match": 1.0,
    "occupation_skill_overlap": 0.5,
    "certificate_fit": 1.0,
    "certificate_new": 0.6,
    "certificate_upgrade": 1.0,
    "new_skills": 0.3,
    "gap_closing": 1.2,
    "proximity": 1.5,
    "home_proximity": 1.5,
    "wage_fit": 1.0,
    "wage_level": 0.3,
    "lodging_fit": 0.8,
    "meals_fit": 0.3,
    "couple_room_fit": 0.5,
    "start_fit": 0.5,
    "free_or_subsidised": 0.8,
    "online": 0.2,
    "recency": 0.2,
    "is_training": 0.0,
}

# Features a learned model must treat as "more is never worse".
MONOTONE_INCREASING = frozenset(
    {
        "similarity",
        "skill_coverage",
        "preferred_coverage",
        "qualified",
        "experience",
        "occupation_match",
        "occupation_skill_overlap",
        "certificate_fit",
        "certificate_upgrade",
        "gap_closing",
        "proximity",
        "home_proximity",
        "wage_fit",
        "lodging_fit",
        "meals_fit",
        "couple_room_fit",
        "start_fit",
        "free_or_subsidised",
    }
)


class Ranker(Protocol):
    version: str
    feature_names: tuple[str, ...]

    def score(self, X: np.ndarray) -> np.ndarray: ...

    def contributions(self, X: np.ndarray) -> np.ndarray: ...


def _check_width(X: np.ndarray) -> np.ndarray:
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"expected (n, {len(FEATURE_NAMES)}) features, got {X.shape}")
    return X


class BaselineRanker:
    kind = "baseline"

    def __init__(self, weights: dict[str, float] | None = None, *, version: str = BASELINE_VERSION) -> None:
        merged = {**BASELINE_WEIGHTS, **(weights or {})}
        unknown = set(merged) - set(FEATURE_NAMES)
        if unknown:
            raise ValueError(f"unknown features: {sorted(unknown)}")
        negative = [name for name, w in merged.items() if w < 0]
        if negative:
            raise ValueError(f"baseline weights must be ≥ 0 (monotonicity): {negative}")
        self.feature_names = FEATURE_NAMES
        self.weights = np.array([merged[name] for name in FEATURE_NAMES], dtype=np.float64)
        self.version = version if weights is None else f"{version}-{_digest(self.weights.tobytes())}"

    def score(self, X: np.ndarray) -> np.ndarray:
        # Row by row (not a BLAS product, whose rounding depends on the batch size), so a row
        # scores the same alone and in a batch of thousands.
        return np.asarray((_check_width(X) * self.weights).sum(axis=1))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        return _check_width(X) * self.weights

    def to_bytes(self) -> bytes:
        return _dump(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> BaselineRanker:
        return _load(data, cls)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:10]


def _dump(obj: Any) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(obj, buffer)
    return buffer.getvalue()


def _load(data: bytes, cls: type[Any]) -> Any:
    obj = joblib.load(io.BytesIO(data))
    if not isinstance(obj, cls):
        raise ValueError(f"not a {cls.__name__}")
    if tuple(obj.feature_names) != FEATURE_NAMES:
        raise ValueError(f"{cls.__name__} {obj.version} was trained on other features; retrain it")
    return obj


class LearnedRanker:
    kind = "learned"

    def __init__(
        self,
        model: Literal["hgb", "logistic"] = "hgb",
        *,
        version: str | None = None,
        random_state: int = 0,
        n_threads: int = 1,
        **params: Any,
    ) -> None:
        if model not in ("hgb", "logistic"):
            raise ValueError(f"unknown model {model!r}")
        self.model = model
        self.params = params
        self.random_state = random_state
        # OpenMP threads for fitting. One by default: on a small shared host (2 cores, web and
        # Celery workers beside) a thread team that spin-waits for a busy core made a 2,400-row
        # fit take 6.6 s instead of 0.2 s. Raise it on a dedicated training machine.
        self.n_threads = n_threads
        self.feature_names = FEATURE_NAMES
        self.version = version or ""
        self.metrics: dict[str, float] = {}
        self.monotone = np.array(
            [1 if name in MONOTONE_INCREASING else 0 for name in FEATURE_NAMES], dtype=np.int8
        )
        self._estimator: Any = None
        self._scaler: StandardScaler | None = None
        self._coef = np.zeros(len(FEATURE_NAMES))
        self._intercept = 0.0
        self._reference = np.zeros(len(FEATURE_NAMES))
        self.n_train = 0

    # -- fitting --------------------------------------------------------------------------------
    def fit(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None = None) -> LearnedRanker:
        X = _check_width(X)
        y = np.asarray(y).astype(int)
        if len(np.unique(y)) < 2:
            raise ValueError("need both positive and negative examples")
        self._reference = np.median(X, axis=0)
        self.n_train = len(y)
        if self.model == "hgb":
            params = {
                "max_iter": 200,
                "learning_rate": 0.08,
                "max_leaf_nodes": 15,
                "min_samples_leaf": 20,
                "l2_regularization": 1.0,
                **self.params,
            }
            self._estimator = HistGradientBoostingClassifier(
                monotonic_cst=self.monotone.tolist(), random_state=self.random_state, **params
            )
            with threadpool_limits(limits=self.n_threads, user_api="openmp"):
                self._estimator.fit(X, y, sample_weight=sample_weight)
        else:
            self._fit_logistic(X, y, sample_weight)
        if not self.version:
            digest = _digest(self.to_bytes_unversioned())
            self.version = f"{self.model}-{time.strftime('%Y%m%d')}-{digest}"
        return self

    def _fit_logistic(self, X: np.ndarray, y: np.ndarray, sample_weight: np.ndarray | None) -> None:
        self._scaler = StandardScaler().fit(X, sample_weight=sample_weight)
        Z = self._scaler.transform(X)
        active = np.ones(X.shape[1], dtype=bool)
        params = {"C": 1.0, "max_iter": 2000, **self.params}
        for _ in range(X.shape[1] + 1):
            estimator = LogisticRegression(**params)
            estimator.fit(Z[:, active], y, sample_weight=sample_weight)
            coef = np.zeros(X.shape[1])
            coef[active] = estimator.coef_[0]
            wrong = (self.monotone > 0) & (coef < 0)
            if not wrong.any():
                break
            active &= ~wrong  # fix those coefficients at 0 and refit the rest
        self._estimator = estimator
        self._coef = coef
        self._intercept = float(estimator.intercept_[0])

    # -- scoring --------------------------------------------------------------------------------
    def _raw(self, X: np.ndarray) -> np.ndarray:
        if self._estimator is None:
            raise RuntimeError("LearnedRanker is not fitted")
        if self.model == "hgb":
            # One OpenMP thread: a request scores a few hundred rows, where a thread team costs more
            # than it saves (and on a busy 2-core host it stalls); the batch parallelises by blocks.
            raw_predict = getattr(self._estimator, "_raw_predict", None)
            if raw_predict is not None:
                try:
                    return np.asarray(raw_predict(X, n_threads=1), dtype=np.float64).ravel()
                except TypeError:  # a scikit-learn without the n_threads parameter
                    pass
            return np.asarray(self._estimator.decision_function(X), dtype=np.float64)
        assert self._scaler is not None
        return np.asarray((self._scaler.transform(X) * self._coef).sum(axis=1) + self._intercept)

    def score(self, X: np.ndarray) -> np.ndarray:
        """Probability that staff/outcomes would call the pair a good match."""
        return 1.0 / (1.0 + np.exp(-self._raw(_check_width(X))))

    def contributions(self, X: np.ndarray) -> np.ndarray:
        X = _check_width(X)
        if self.model == "logistic":
            assert self._scaler is not None
            return np.asarray(self._scaler.transform(X) * self._coef)
        n, f = X.shape
        if n == 0:
            return np.zeros((0, f))
        base = self._raw(X)
        occluded = np.repeat(X[None, :, :], f, axis=0)  # f × n × f
        idx = np.arange(f)
        occluded[idx, :, idx] = self._reference[:, None]
        without = self._raw(occluded.reshape(f * n, f)).reshape(f, n)
        return (base[None, :] - without).T

    # -- persistence ----------------------------------------------------------------------------
    def to_bytes_unversioned(self) -> bytes:
        version, self.version = self.version, ""
        try:
            return _dump(self)
        finally:
            self.version = version

    def to_bytes(self) -> bytes:
        return _dump(self)

    @classmethod
    def from_bytes(cls, data: bytes) -> LearnedRanker:
        return _load(data, cls)

    def save(self, path: str | os.PathLike[str]) -> None:
        with open(path, "wb") as handle:
            handle.write(self.to_bytes())

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> LearnedRanker:
        with open(path, "rb") as handle:
            return cls.from_bytes(handle.read())
