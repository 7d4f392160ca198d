"""Plain-text reading of one worker's recommendations, as a counsellor reads them: the profile
first (what the worker asked for), then the top items with the facts that decide them (where,
how far and from where, wage, lodging, fit) and the explanation the worker would see.

Used by `manage.py explain_worker`; reads through the same adapters, engine and core as the live
recommendations, so what it prints is what the page would show.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from backend.workers.models import WorkerProfile
from matching import adapters, engine, selectors
from matching.core.recommend import recommend
from matching.core.types import LEVEL_LABELS, Kind, Recommendation

YES_NO = {True: "是", False: "否"}


def profile_lines(worker: WorkerProfile) -> list[str]:
    """What the worker asked for, in the words of the registration form."""
    skills = [
        s.skill.name
        + (f"({s.years}年)" if s.years else "")
        + (f" {LEVEL_LABELS[s.level]}" if s.level else "")
        for s in worker.skills.select_related("skill").order_by("skill__name")
    ]
    certificates = [
        c.certificate_type.name + (f" {LEVEL_LABELS[c.level]}" if c.level else "")
        for c in worker.certificates.select_related("certificate_type").order_by("certificate_type__name")
    ]
    preferred = [d.name for d in worker.preferred_divisions.order_by("code")]
    limit = f"{worker.max_commute_km}公里" if worker.max_commute_km is not None else "未填"
    return [
        f"劳动者 #{worker.pk} {worker.external_id}",
        f"  想做: {'、'.join(o.name for o in worker.desired_occupations.order_by('name')) or '未填'}",
        f"  技能: {'、'.join(skills) or '无'}",
        f"  证书: {'、'.join(certificates) or '无'}",
        f"  常住地: {_division_name(worker.current_division)}  户籍地: {_division_name(worker.hukou_division)}",
        f"  意向地点: {'、'.join(preferred) or '未选'}",
        f"  通勤上限: {limit}  愿意去外地: {YES_NO[worker.willing_to_relocate]}"
        f"  想在户籍地附近: {YES_NO[worker.wants_work_near_home]}",
        f"  期望月薪: {worker.wage_floor or '未填'}  需要住宿: {YES_NO[worker.needs_lodging]}"
        f"  想创业: {YES_NO[worker.wants_to_start_business]}",
    ]


def _division_name(division: Any) -> str:
    return division.name if division is not None else "未填"


def recommendation_lines(worker: WorkerProfile, *, kind: Kind, k: int = 10) -> list[str]:
    """The worker's top k of `kind`, each with its facts and the explanation shown to them."""
    _, catalogue = engine.current_catalogue()
    _, ranker = engine.active_model()
    recs = recommend(adapters.worker_data(worker), catalogue, ranker, kind=kind, k=k)
    items = selectors.item_summaries(kind=kind, ids=[r.item_id for r in recs])
    lines = [f"{'岗位' if kind == 'job' else '培训'}推荐 前{k}项 (共{len(recs)}项)"]
    if not recs:
        lines.append("  (没有推荐)")
    for rec in recs:
        lines.extend(_item_lines(rec, items.get(rec.item_id, {}), kind))
    return lines


def _item_lines(rec: Recommendation, item: dict[str, Any], kind: Kind) -> Iterable[str]:
    e = rec.explanation
    place = (item.get("division") or {}).get("name", "?")
    if kind == "job":
        wage = f"{item.get('wage_min') or '?'}-{item.get('wage_max') or '?'}元"
        facts = f"{item.get('employer', '')} | {place} | {wage} | 住宿{YES_NO[bool(item.get('provides_lodging'))]}"
    else:
        cost = (
            "免费"
            if item.get("is_free")
            else ("有补贴" if item.get("is_subsidised") else f"{item.get('fee')}元")
        )
        facts = f"{item.get('provider', '')} | {place} | {item.get('delivery')} | {cost} | {item.get('start_date')}"
    yield f"{rec.rank:>3}. {item.get('title', rec.item_id)} [{rec.item_id}]  {facts}"
    misses = f"  差一点: {'、'.join(e.near_misses)}" if e.near_misses else ""
    yield f"     {e.fit or '-'} ({e.tier})  距离: {_distance_text(e)}  得分: {rec.score:.2f}{misses}  {rec.reason}".rstrip()
    yield f"     说明: {e.summary}"
    if e.missing_skills:
        yield f"     缺: {'、'.join(e.missing_skills)}"
    for p in rec.pathways:
        yield f"     培训路径: {p.title} (覆盖{p.coverage:.0%})"
    if rec.other_sessions:
        yield f"     其他班期: {'、'.join(map(str, rec.other_sessions))}"


def _distance_text(e: Any) -> str:
    if e.online:
        return "线上"
    if e.distance_km is None:
        return "未知"
    if not e.distance_from:
        return f"{e.distance_km:.0f}公里"
    where = f"您选的{e.distance_from}" if e.distance_from_chosen else e.distance_from
    return f"{e.distance_km:.0f}公里 (从{where}算)"
