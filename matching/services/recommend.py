"""Live recommendations for a worker and the window preview: ranked on request, nothing stored."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from backend.common.errors import PermissionDenied, ValidationFailed
from backend.workers.models import WorkerProfile
from backend.workers.policies import can_see_personal_data
from matching import adapters, engine, selectors
from matching.core.recommend import recommend
from matching.core.types import Kind
from matching.models import ModelVersion
from matching.policies import can_preview_matching

from .jsonable import jsonable

KINDS = ("job", "training")
MAX_K = 50


def check_kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise ValidationFailed.for_field(
            "kind", "invalid_choice", _("类型只能是 job(岗位)或 training(培训)。")
        )
    return cast(Kind, kind)


def _check_k(k: int) -> int:
    if not 1 <= int(k) <= MAX_K:
        raise ValidationFailed.for_field(
            "k", "out_of_range", _("推荐数量应在1至{max_k}之间。").format(max_k=MAX_K)
        )
    return int(k)


@dataclasses.dataclass
class Recommendations:
    kind: str
    model_version: str
    catalogue_version: str
    results: list[dict[str, Any]]


def _present(kind: str, recs: Sequence[Any], model: ModelVersion, catalogue_version: str) -> Recommendations:
    items = selectors.item_summaries(kind=kind, ids=[r.item_id for r in recs])
    open_status = "published" if kind == "job" else "open"
    results = []
    for rec in recs:
        item = items.get(rec.item_id)
        if item is None or item["status"] != open_status:  # closed since the catalogue was built
            continue
        results.append(
            {
                "kind": rec.kind,
                "item_id": rec.item_id,
                "rank": rec.rank,
                "score": jsonable(rec.score),
                "reason": rec.reason,
                "summary": getattr(rec.explanation, "summary", ""),
                "qualified": rec.qualified,
                "explanation": jsonable(rec.explanation) or {},
                "pathways": jsonable(list(rec.pathways or ())),
                "item": item,
            }
        )
    return Recommendations(
        kind=kind, model_version=model.name, catalogue_version=catalogue_version, results=results
    )


def recommendations_for_worker(
    *, actor: Any, worker: WorkerProfile, kind: str, k: int = 20
) -> Recommendations:
    """Live recommendations with explanations and pathways: for the worker, their staff, an admin."""
    # Whoever may see the worker's whole profile: the worker, staff of their county, an admin.
    if not can_see_personal_data(actor, worker):
        raise PermissionDenied(_("只能查看本人或本服务中心辖区劳动者的推荐。"))
    kind, k = check_kind(kind), _check_k(k)
    catalogue_version, catalogue = engine.current_catalogue()
    model, ranker = engine.active_model()
    recs = recommend(adapters.worker_data(worker), catalogue, ranker, kind=kind, k=k)
    return _present(kind, recs, model, catalogue_version)


def matching_preview(*, actor: Any, data: dict[str, Any]) -> Recommendations:
    """Recommendations for an unsaved profile (staff at the window, before registration). Saves nothing."""
    if not can_preview_matching(actor):
        raise PermissionDenied(_("只有就业服务人员可以试算推荐。"))
    kind, k = check_kind(data.get("kind", "job")), _check_k(data.get("k", 20))
    catalogue_version, catalogue = engine.current_catalogue()
    model, ranker = engine.active_model()
    recs = recommend(adapters.worker_data_from_input(data), catalogue, ranker, kind=kind, k=k)
    return _present(kind, recs, model, catalogue_version)
