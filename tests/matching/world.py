"""A small demo-like world for the matching tests.

Two counties: X = 英德市 (441881) and Y = 乐昌市 (440281). Staff X's centre covers X, staff Y's
covers Y. In X: a cook (worker A, with a login, agreed to be referred), a kitchen helper without
a login who did NOT agree to be referred (worker C); in Y: a welder (worker B). Postings for cooks
and welders in X and Y, one of them requiring a skill worker A lacks, and training sessions that
teach it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from backend.accounts.models import User
from backend.occupations.models import CertificateType, Occupation, Skill
from backend.workers.models import WorkerCertificate, WorkerProfile, WorkerSkill
from tests import factories as f

X, Y = "441881", "440281"
ROLES = ("anonymous", "worker_a", "worker_b", "provider", "employer", "staff_x", "staff_y", "admin")


def occ(slug: str) -> Occupation:
    return Occupation.objects.get(slug=slug)


def skill(slug: str) -> Skill:
    return Skill.objects.get(slug=slug)


def cert(slug: str) -> CertificateType:
    return CertificateType.objects.get(slug=slug)


def give_skills(worker: WorkerProfile, *slugs: str, years: int = 3) -> None:
    for slug in slugs:
        WorkerSkill.objects.create(worker=worker, skill=skill(slug), years=years)


@dataclass
class World:
    users: dict[str, User | None]
    workers: dict[str, WorkerProfile]
    postings: dict[str, Any]
    sessions: dict[str, Any]

    def user(self, role: str) -> User | None:
        return self.users[role]


def build_world() -> World:
    centre_x = f.ServiceCentreFactory(counties=[X])
    centre_y = f.ServiceCentreFactory(counties=[Y])
    provider = f.ProviderFactory(county=f.division(X))
    employer_x = f.EmployerFactory(county=f.division(X))
    employer_y = f.EmployerFactory(county=f.division(Y))
    R = User.Role
    users: dict[str, User | None] = {
        "anonymous": None,
        "worker_a": f.UserFactory(role=R.WORKER),
        "worker_b": f.UserFactory(role=R.WORKER),
        "provider": f.UserFactory(role=R.PROVIDER_STAFF, provider=provider),
        "employer": f.UserFactory(role=R.EMPLOYER_STAFF, employer=employer_x),
        "staff_x": f.UserFactory(role=R.SERVICE_STAFF, service_centre=centre_x),
        "staff_y": f.UserFactory(role=R.SERVICE_STAFF, service_centre=centre_y),
        "admin": f.UserFactory(role=R.ADMIN),
    }

    cook = occ("chinese-cook")
    worker_a = f.WorkerProfileFactory(
        user=users["worker_a"],
        current_division=f.division(X),
        consent_share_with_employers=True,
        gender=WorkerProfile.Gender.FEMALE,
        ethnicity="瑶族",
        wage_floor=3500,
        needs_lodging=True,
    )
    worker_a.desired_occupations.set([cook])
    give_skills(worker_a, "wok-cooking", "knife-work", "kitchen-food-safety")
    WorkerCertificate.objects.create(worker=worker_a, certificate_type=cert("health-certificate"))

    worker_b = f.WorkerProfileFactory(user=users["worker_b"], current_division=f.division(Y))
    worker_b.desired_occupations.set([occ("welder")])
    give_skills(worker_b, "smaw", "gmaw", years=6)

    worker_c = f.WorkerProfileFactory(current_division=f.division(X), consent_share_with_employers=False)
    worker_c.desired_occupations.set([occ("kitchen-helper")])
    give_skills(worker_c, "dish-washing", "ingredient-prep")

    def posting(employer: Any, title: str, occupation: str, required: tuple[str, ...], **kw: Any) -> Any:
        p = f.PostingFactory(
            employer=employer, title=title, occupation=occ(occupation), description=title, **kw
        )
        p.required_skills.set([skill(s) for s in required])
        return p

    postings = {
        "cook_x": posting(
            employer_x, "粤菜厨师", "chinese-cook", ("wok-cooking", "knife-work"), provides_lodging=True
        ),
        "cantonese_x": posting(
            employer_x,
            "粤菜主厨(需会粤菜和烧腊)",
            "chinese-cook",
            ("wok-cooking", "cantonese-cuisine", "roast-meat"),
        ),
        "helper_x": posting(employer_x, "厨房帮工", "kitchen-helper", ("dish-washing",)),
        "welder_x": posting(employer_x, "电焊工", "welder", ("smaw",)),
        "cook_y": posting(employer_y, "乐昌酒楼厨师", "chinese-cook", ("wok-cooking",)),
        "welder_y": posting(employer_y, "乐昌电焊工", "welder", ("smaw", "gmaw")),
        "draft_x": posting(
            employer_x, "草稿厨师", "chinese-cook", ("wok-cooking",), status="draft", published_at=None
        ),
    }

    def course(title: str, occupation: str, taught: tuple[str, ...], **kw: Any) -> Any:
        program = f.ProgramFactory(
            provider=provider, title=title, occupation=occ(occupation), venue_division=f.division(X), **kw
        )
        program.skills.set([skill(s) for s in taught])
        return f.SessionFactory(program=program)

    sessions = {
        "cantonese": course("粤菜师傅烧腊培训班", "chinese-cook", ("cantonese-cuisine", "roast-meat")),
        "welding": course("焊工培训班", "welder", ("smaw", "gmaw")),
        "pastry": course("广式点心培训班", "chinese-pastry-cook", ("dim-sum", "har-gow")),
    }
    closed = course("已取消的培训班", "chinese-cook", ("wok-cooking",))
    closed.status = "cancelled"
    closed.save()
    sessions["cancelled"] = closed
    # An expired posting is not matchable.
    postings["expired_x"] = posting(
        employer_x,
        "过期厨师",
        "chinese-cook",
        ("wok-cooking",),
        expires_on=dt.date.today() - dt.timedelta(days=1),
    )
    return World(
        users=users,
        workers={"worker_a": worker_a, "worker_b": worker_b, "worker_c": worker_c},
        postings=postings,
        sessions=sessions,
    )


def make_suggestion(
    worker: WorkerProfile, item: Any, *, status: str = "pending", score: float = 0.5, **kw: Any
) -> Any:
    """A suggestion row as a run would store it (without running the engine)."""
    from backend.jobs.models import Posting
    from matching.engine import ensure_baseline
    from matching.models import Suggestion

    target = {"posting": item} if isinstance(item, Posting) else {"session": item}
    return Suggestion.objects.create(
        worker=worker,
        kind="job" if isinstance(item, Posting) else "training",
        score=score,
        rank=kw.pop("rank", 1),
        explanation=kw.pop("explanation", {"summary": "技能对口", "matched_skills": ["炒锅烹饪"]}),
        model_version=ensure_baseline(),
        status=status,
        **target,
        **kw,
    )
