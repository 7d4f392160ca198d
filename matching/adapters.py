"""Database rows → the core's dataclasses. The only place where matching reads the ORM for the engine.

Rules kept here, not left to the engine:
- gender, ethnicity, birth year, education and personal identifiers never reach `WorkerData`;
- hukou is passed only as a place, and only for a worker who asked to work near home: it is
  the worker's wish, never a property of the worker to rank on;
- everything is read with a few `values()` queries per call, never one query per row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import F, Q
from django.utils import timezone

from backend.jobs.models import Posting
from backend.occupations.models import CertificateType, Occupation, OccupationRelation, Skill
from backend.regions.models import Division
from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
from matching.core.types import ItemData, Place, SkillHeld, TaxonomyData, WorkerData
from training.models import Program, Session

# --- places --------------------------------------------------------------------------------


def _place(lat: float | None, lng: float | None, name: str = "") -> Place | None:
    return Place(lat=float(lat), lng=float(lng), name=name) if lat is not None and lng is not None else None


def _division_places(codes: Iterable[str | None]) -> dict[str, Place | None]:
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    rows = Division.objects.filter(code__in=wanted).values_list("code", "latitude", "longitude", "name")
    return {code: _place(lat, lng, name) for code, lat, lng, name in rows}


# --- workers -------------------------------------------------------------------------------


def _worker(
    *,
    pk: int | None,
    fields: dict[str, Any],
    skills: dict[int, SkillHeld],
    certificates: dict[int, int | None],
    desired: Sequence[int],
    names: Sequence[str],
    current: Place | None,
    preferred: Sequence[Place | None],
    hukou: Place | None,
) -> WorkerData:
    """The one constructor every path goes through (saved profile, batch rows, unsaved preview)."""
    near_home = bool(fields.get("wants_work_near_home"))
    return WorkerData(
        id=pk,
        skills=skills,
        certificates=certificates,
        desired_occupations=tuple(desired),
        text=" ".join(n for n in names if n),
        current=current,
        preferred=tuple(p for p in preferred if p is not None),
        hukou=hukou if near_home else None,
        wants_work_near_home=near_home,
        max_commute_km=None if fields.get("max_commute_km") is None else float(fields["max_commute_km"]),
        willing_to_relocate=bool(fields.get("willing_to_relocate")),
        wage_floor=fields.get("wage_floor"),
        needs_lodging=bool(fields.get("needs_lodging")),
        needs_meals=bool(fields.get("needs_meals")),
        needs_couple_room=bool(fields.get("needs_couple_room")),
        available_from=fields.get("available_from"),
        wants_to_start_business=bool(fields.get("wants_to_start_business")),
    )


_WISH_FIELDS = (
    "wants_work_near_home", "max_commute_km", "willing_to_relocate", "wage_floor", "needs_lodging",
    "needs_meals", "needs_couple_room", "available_from", "wants_to_start_business",
)  # fmt: skip


def _division_place(division: Division | None) -> Place | None:
    return _place(division.latitude, division.longitude, division.name) if division is not None else None


def worker_data(profile: WorkerProfile) -> WorkerData:
    """A saved profile, read the same way as in the batch run (six queries)."""
    return workers_data([profile.pk])[0]


def worker_data_from_input(data: dict[str, Any]) -> WorkerData:
    """An unsaved profile from the window (the preview's validated input); reads nothing."""
    skills = data.get("skills") or []
    desired = data.get("desired_occupations") or []
    return _worker(
        pk=None,
        fields={name: data.get(name) for name in _WISH_FIELDS},
        skills={s["skill"].pk: SkillHeld(years=s.get("years") or 0, level=s.get("level")) for s in skills},
        certificates={c["certificate_type"].pk: c.get("level") for c in data.get("certificates") or []},
        desired=[o.pk for o in desired],
        names=[o.name for o in desired] + [s["skill"].name for s in skills],
        current=_division_place(data.get("current_division")),
        preferred=[_division_place(d) for d in data.get("preferred_divisions") or []],
        hukou=_division_place(data.get("hukou_division")) if data.get("wants_work_near_home") else None,
    )


def workers_data(ids: Sequence[int]) -> list[WorkerData]:
    """Many saved profiles in id order, with six queries whatever their number (the batch run)."""
    ids = list(ids)
    if not ids:
        return []
    rows = list(
        WorkerProfile.objects.filter(pk__in=ids)
        .order_by("pk")
        .values("pk", "current_division_id", "hukou_division_id", *_WISH_FIELDS)
    )
    skills: dict[int, dict[int, SkillHeld]] = defaultdict(dict)
    names: dict[int, list[str]] = defaultdict(list)
    for wid, skill_id, years, level, name in WorkerSkill.objects.filter(worker_id__in=ids).values_list(
        "worker_id", "skill_id", "years", "level", "skill__name"
    ):
        skills[wid][skill_id] = SkillHeld(years=years, level=level)
        names[wid].append(name)
    certificates: dict[int, dict[int, int | None]] = defaultdict(dict)
    for wid, cert_id, level in WorkerCertificate.objects.filter(worker_id__in=ids).values_list(
        "worker_id", "certificate_type_id", "level"
    ):
        certificates[wid][cert_id] = level
    desired: dict[int, list[int]] = defaultdict(list)
    desired_names: dict[int, list[str]] = defaultdict(list)
    through = WorkerProfile.desired_occupations.through
    for wid, occ_id, name in (
        through.objects.filter(workerprofile_id__in=ids)
        .order_by("id")
        .values_list("workerprofile_id", "occupation_id", "occupation__name")
    ):
        desired[wid].append(occ_id)
        desired_names[wid].append(name)
    preferred: dict[int, list[str]] = defaultdict(list)
    preferred_through = WorkerProfile.preferred_divisions.through
    for wid, code in (
        preferred_through.objects.filter(workerprofile_id__in=ids)
        .order_by("id")
        .values_list("workerprofile_id", "division_id")
    ):
        preferred[wid].append(code)
    codes: set[str | None] = {c for codes in preferred.values() for c in codes}
    for row in rows:
        codes.add(row["current_division_id"])
        if row["wants_work_near_home"]:
            codes.add(row["hukou_division_id"])
    places = _division_places(codes)
    return [
        _worker(
            pk=row["pk"],
            fields=row,
            skills=skills[row["pk"]],
            certificates=certificates[row["pk"]],
            desired=desired[row["pk"]],
            names=desired_names[row["pk"]] + names[row["pk"]],
            current=places.get(row["current_division_id"]),
            preferred=[places.get(code) for code in preferred[row["pk"]]],
            hukou=places.get(row["hukou_division_id"]) if row["wants_work_near_home"] else None,
        )
        for row in rows
    ]


# --- catalogue -----------------------------------------------------------------------------


def active_postings(today: dt.date | None = None) -> Any:
    """Published postings not past their closing date: what workers may be matched to."""
    today = today or timezone.localdate()
    return Posting.objects.filter(status=Posting.Status.PUBLISHED).filter(
        Q(expires_on__isnull=True) | Q(expires_on__gte=today)
    )


def open_sessions(today: dt.date | None = None) -> Any:
    """Open sessions of published programs with seats left and the deadline not passed."""
    today = today or timezone.localdate()
    return Session.objects.filter(
        status=Session.Status.OPEN,
        program__status=Program.Status.PUBLISHED,
        enrolled_count__lt=F("seats"),
    ).filter(Q(enrol_deadline__isnull=True) | Q(enrol_deadline__gte=today))


def _pairs(rows: Iterable[tuple[int, int]]) -> dict[int, tuple[int, ...]]:
    out: dict[int, list[int]] = defaultdict(list)
    for owner, skill in rows:
        out[owner].append(skill)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _posting_items(today: dt.date) -> list[ItemData]:
    postings = active_postings(today)
    rows = postings.order_by("pk").values(
        "pk", "employer_id", "occupation_id", "required_certificate_id", "required_certificate_level", "latitude",
        "longitude", "division__latitude", "division__longitude", "wage_min", "wage_max",
        "provides_lodging", "provides_meals", "couple_rooms", "title", "description", "updated_at",
    )  # fmt: skip
    required = _pairs(
        Posting.required_skills.through.objects.filter(posting__in=postings).values_list(
            "posting_id", "skill_id"
        )
    )
    preferred = _pairs(
        Posting.preferred_skills.through.objects.filter(posting__in=postings).values_list(
            "posting_id", "skill_id"
        )
    )
    return [
        ItemData(
            kind="job",
            id=r["pk"],
            program_id=None,
            occupation_id=r["occupation_id"],
            required_skills=required.get(r["pk"], ()),
            preferred_skills=preferred.get(r["pk"], ()),
            certificate_id=r["required_certificate_id"],
            certificate_level=r["required_certificate_level"],
            place=_place(r["latitude"], r["longitude"])
            or _place(r["division__latitude"], r["division__longitude"]),
            online=False,
            wage_min=r["wage_min"],
            wage_max=r["wage_max"],
            lodging=r["provides_lodging"],
            meals=r["provides_meals"],
            couple_rooms=r["couple_rooms"],
            start_date=None,
            free=False,
            subsidised=False,
            fee=0.0,
            brand="",
            title=r["title"],
            text=r["description"],
            updated=r["updated_at"],
            employer_id=r["employer_id"],
        )
        for r in rows
    ]


def _session_items(today: dt.date) -> list[ItemData]:
    sessions = open_sessions(today)
    rows = sessions.order_by("pk").values(
        "pk", "program_id", "start_date", "updated_at", "program__occupation_id", "program__certificate_type_id",
        "program__certificate_level", "program__delivery", "program__latitude", "program__longitude",
        "program__venue_division__latitude", "program__venue_division__longitude", "program__is_free",
        "program__is_subsidised", "program__fee", "program__brand", "program__title", "program__description",
        "program__updated_at",
    )  # fmt: skip
    program_ids = {r["program_id"] for r in rows}
    taught = _pairs(
        Program.skills.through.objects.filter(program_id__in=program_ids).values_list(
            "program_id", "skill_id"
        )
    )
    items = []
    for r in rows:
        place = _place(r["program__latitude"], r["program__longitude"]) or _place(
            r["program__venue_division__latitude"], r["program__venue_division__longitude"]
        )
        items.append(
            ItemData(
                kind="training",
                id=r["pk"],
                program_id=r["program_id"],
                occupation_id=r["program__occupation_id"],
                # A training's "skills" are those it teaches.
                required_skills=taught.get(r["program_id"], ()),
                preferred_skills=(),
                certificate_id=r["program__certificate_type_id"],
                certificate_level=r["program__certificate_level"],
                place=place,
                online=r["program__delivery"] == Program.Delivery.ONLINE,
                wage_min=None,
                wage_max=None,
                lodging=False,
                meals=False,
                couple_rooms=False,
                start_date=r["start_date"],
                free=r["program__is_free"],
                subsidised=r["program__is_subsidised"],
                fee=float(r["program__fee"] or 0),
                brand=r["program__brand"],
                title=r["program__title"],
                text=r["program__description"],
                updated=max(r["updated_at"], r["program__updated_at"]),
            )
        )
    return items


def catalogue_items(today: dt.date | None = None) -> list[ItemData]:
    """Every published, unexpired posting and every open session of a published program."""
    today = today or timezone.localdate()
    return _posting_items(today) + _session_items(today)


def taxonomy_data() -> TaxonomyData:
    # A trade term keeps its gloss beside it in every explanation: 巴枪PDA操作(用扫码枪登记快件).
    skill_names = {
        pk: f"{name}({plain})" if plain else name
        for pk, name, plain in Skill.objects.values_list("pk", "name", "plain")
    }
    occupations: dict[int, tuple[str, tuple[int, ...]]] = {}
    occupation_skills = _pairs(Skill.occupations.through.objects.values_list("occupation_id", "skill_id"))
    families: dict[int, str] = {}
    for pk, name, category in Occupation.objects.values_list("pk", "name", "category"):
        occupations[pk] = (name, occupation_skills.get(pk, ()))
        if category:
            families[pk] = category
    certificates = {pk: (name, has_levels) for pk, name, has_levels in CertificateType.objects.values_list(
        "pk", "name", "has_levels"
    )}  # fmt: skip
    relations: dict[int, list[int]] = defaultdict(list)
    next_steps: dict[int, list[int]] = defaultdict(list)
    rows = OccupationRelation.objects.order_by("pk").values_list("source_id", "target_id", "kind")
    for source, target, kind in rows:
        relations[source].append(target)
        relations[target].append(source)
        if kind == OccupationRelation.Kind.NEXT_STEP:
            next_steps[source].append(target)
    return TaxonomyData(
        skills=skill_names,
        occupations=occupations,
        certificates=certificates,
        families=families,
        relations={k: tuple(v) for k, v in relations.items()},
        next_steps={k: tuple(v) for k, v in next_steps.items()},
    )
