"""The process-wide engine state: the catalogue of the current version and the active ranker.

A catalogue (items + fitted vectorisers) is built once per *catalogue version* — a hash of what
the matchable rows look like (counts and latest change of postings, sessions, programs, their
skill links and the taxonomy, plus today's date because expiry is by date) — and kept in memory
and as a joblib file under `MATCHING_ARTEFACT_DIR` (default `VAR_DIR/matching`), so another
process (a Celery worker, a second web worker) loads it instead of rebuilding. Nothing is ever
refitted per request: a request costs a handful of aggregate queries to check the version, and
those at most every `MATCHING_VERSION_CHECK_SECONDS` (2); a changed catalogue is rebuilt at most
every `MATCHING_REBUILD_SECONDS` (60) per process — see `current_catalogue`.

The active ranker comes from the active `ModelVersion` row: the baseline, or a learned model
loaded from its artefact; a missing or unreadable artefact falls back to the baseline (and the
suggestions then record the baseline version, never a version that did not produce them).
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from backend.jobs.models import Posting
from backend.occupations.models import CertificateType, Occupation, OccupationRelation, Skill
from matching.core.catalogue import Catalogue
from matching.core.rankers import BaselineRanker, LearnedRanker
from training.models import Program, Session

from . import adapters
from .models import ModelVersion

log = logging.getLogger(__name__)

KEEP_CATALOGUE_FILES = 3
_lock = threading.RLock()


@dataclass
class _State:
    catalogue_version: str = ""
    catalogue: Catalogue | None = None
    catalogue_checked: float = 0.0
    catalogue_loaded: float = 0.0
    model_key: tuple[int, str] | None = None
    model: ModelVersion | None = None
    ranker: Any = None
    model_checked: float = 0.0


_state = _State()


def artefact_dir() -> Path:
    return Path(getattr(settings, "MATCHING_ARTEFACT_DIR", None) or settings.VAR_DIR / "matching")


def _check_seconds() -> float:
    return float(getattr(settings, "MATCHING_VERSION_CHECK_SECONDS", 2.0))


def _rebuild_seconds() -> float:
    return float(getattr(settings, "MATCHING_REBUILD_SECONDS", 60.0))


def reset(*, model_only: bool = False) -> None:
    """Forget the in-memory state (tests; after a model switch; after loading data in bulk)."""
    global _state
    with _lock:
        if model_only:
            _state.model_key, _state.model, _state.ranker, _state.model_checked = None, None, None, 0.0
        else:
            _state = _State()


# --- catalogue -----------------------------------------------------------------------------


def catalogue_version() -> str:
    """A short hash of everything the catalogue is built from; changes whenever any of it does.

    Counts and latest changes of the matchable rows themselves (so a status flipped by a bulk
    update that forgot `updated_at` still shows), of all rows, of the skill links, and the date.
    """
    parts: list[Any] = [connection.settings_dict.get("NAME"), timezone.localdate().isoformat()]
    sources = (
        ("active postings", adapters.active_postings()),
        ("open sessions", adapters.open_sessions()),
        *(
            (model.__name__, model.objects.all())
            for model in (Posting, Session, Program, Skill, Occupation, CertificateType)
        ),
    )
    for name, qs in sources:
        agg = qs.aggregate(n=Count("pk"), m=Max("updated_at"))
        parts.append((name, agg["n"], agg["m"].isoformat() if agg["m"] else None))
    for through in (
        Posting.required_skills.through,
        Posting.preferred_skills.through,
        Program.skills.through,
        Skill.occupations.through,
        OccupationRelation,
    ):
        agg = through.objects.aggregate(n=Count("pk"), m=Max("pk"))
        parts.append((through.__name__, agg["n"], agg["m"]))
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _catalogue_path(version: str) -> Path:
    return artefact_dir() / f"catalogue-{version}.joblib"


def _save_atomically(catalogue: Catalogue, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".joblib")
    os.close(fd)
    try:
        catalogue.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    old = sorted(path.parent.glob("catalogue-*.joblib"), key=lambda p: p.stat().st_mtime, reverse=True)
    for stale in old[KEEP_CATALOGUE_FILES:]:
        stale.unlink(missing_ok=True)


def build_catalogue(version: str) -> Catalogue:
    """Build from the database and store the file; loads the file instead when it is there."""
    path = _catalogue_path(version)
    if path.exists():
        try:
            return Catalogue.load(path)
        except Exception:  # a truncated or incompatible file: rebuild it
            log.warning("matching: unreadable catalogue file %s, rebuilding", path, exc_info=True)
    started = time.monotonic()
    catalogue = Catalogue.build(adapters.catalogue_items(), adapters.taxonomy_data(), version=version)
    try:
        _save_atomically(catalogue, path)
    except OSError:  # a read-only disk must not stop matching
        log.warning("matching: could not store the catalogue at %s", path, exc_info=True)
    log.info("matching: built catalogue %s in %.1fs", version, time.monotonic() - started)
    return catalogue


def current_catalogue() -> tuple[str, Catalogue]:
    """The catalogue for the data as it is now.

    The version is re-checked at most every `MATCHING_VERSION_CHECK_SECONDS`. A changed version
    is loaded at once when its file is already there (another process built it); otherwise it is
    rebuilt here only once the catalogue in memory is `MATCHING_REBUILD_SECONDS` old, so a busy
    catalogue (new postings every minute) is not refitted again and again. Items that closed in
    between are dropped when results are shown (`services.recommend._present`).
    """
    with _lock:
        now = time.monotonic()
        if _state.catalogue is not None and now - _state.catalogue_checked < _check_seconds():
            return _state.catalogue_version, _state.catalogue
        version = catalogue_version()
        if _state.catalogue is None or (
            version != _state.catalogue_version
            and (now - _state.catalogue_loaded >= _rebuild_seconds() or _catalogue_path(version).exists())
        ):
            _state.catalogue = build_catalogue(version)
            _state.catalogue_version = version
            _state.catalogue_loaded = now
        _state.catalogue_checked = now
        return _state.catalogue_version, _state.catalogue


# --- ranker --------------------------------------------------------------------------------


def ensure_baseline() -> ModelVersion:
    """The row of the baseline this code runs (`BaselineRanker().version`); active if nothing is.

    When the core's baseline changes (a new BASELINE_VERSION) while a baseline is active, the new
    one's row becomes the active one: suggestions must name the ranker that actually produced them.
    """
    name = BaselineRanker().version
    baseline, _ = ModelVersion.objects.get_or_create(name=name, defaults={"kind": ModelVersion.Kind.BASELINE})
    active = ModelVersion.objects.filter(is_active=True).first()
    if active is None or (active.kind == ModelVersion.Kind.BASELINE and active.pk != baseline.pk):
        with transaction.atomic():
            ModelVersion.objects.filter(is_active=True).update(is_active=False)
            ModelVersion.objects.filter(pk=baseline.pk).update(is_active=True, activated_at=timezone.now())
        baseline.refresh_from_db()
    return baseline


def _load_ranker(version: ModelVersion) -> tuple[ModelVersion, Any]:
    if version.kind == ModelVersion.Kind.BASELINE:
        ranker = BaselineRanker()
        return (version, ranker) if version.name == ranker.version else (ensure_baseline(), ranker)
    try:
        return version, LearnedRanker.load(version.artefact_path)
    except Exception:
        log.exception(
            "matching: cannot load model %s from %s; using the baseline", version, version.artefact_path
        )
        return ensure_baseline(), BaselineRanker()


def active_model() -> tuple[ModelVersion, Any]:
    """(the version row that will be recorded, the ranker object) for the active version."""
    with _lock:
        now = time.monotonic()
        if _state.model is not None and now - _state.model_checked < _check_seconds():
            return _state.model, _state.ranker
        active = ModelVersion.objects.filter(is_active=True).first() or ensure_baseline()
        key = (active.pk, active.name)
        if key != _state.model_key or _state.ranker is None:
            _state.model, _state.ranker = _load_ranker(active)
            _state.model_key = key
        _state.model_checked = now
        return _state.model, _state.ranker  # type: ignore[return-value]


def active_ranker() -> Any:
    return active_model()[1]
