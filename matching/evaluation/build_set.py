"""Builds the labelled evaluation set of the matching module: matching/evaluation/eval_set.json.

    .venv/bin/python -m matching.evaluation.build_set [--out PATH] [--check]

The file is what `manage.py evaluate_matching PATH` reads:

    {"providers": [...], "employers": [...], "programs": [...], "sessions": [...],
     "postings": [...], "workers": [...],
     "judgments": [{"worker": "<external id>", "item": "<external id>", "relevance": 0-3}]}

Every record uses the field names of the import format (docs/import-format.md, "Columns"), so a
section written as .jsonl imports with the import service (`write_jsonl_sections`,
`import_sections`). Item ids are ev-post-… (postings) and ev-sess-… (sessions); hand-written
records carry an `h` (ev-post-h01, ev-w-h01).

Deterministic: a fixed seed, and reference data read in stable order (divisions by code,
taxonomy by slug, never by primary key), so the same code and reference data give the same
bytes. It needs the reference tables (divisions, taxonomy); `main` makes a throwaway database
with them (`isolated_database`), builds, imports every section into it to prove the records
are valid, and only then writes the file. `--check` compares instead of writing.

Where the parts come from:
- places, wage bands, licences and awards per occupation, industries, names, the posting
  generator (`backend.demo.postings.draft_posting`), program hours and fees
  (`backend.demo.programs`) and the words of titles, descriptions and addresses
  (`backend.demo.texts`): the demo generator (backend/demo), imported, with its curated YAML data;
- identifiers with valid check characters: backend.demo.identifiers;
- the catalogue: ~150 postings of 17 occupations in 11 counties (north Guangdong and the Pearl
  River Delta), ~40 programs with ~60 sessions (skill-level, licence, online, 马兰花);
- ~65 generated workers (a hidden persona: an occupation, where they live, skills and
  certificates partly copied from jobs of their trade, a wage floor, lodging, commute);
- hand_checked.yaml: workers, items and judgments written and explained by hand.

Judgments come from the rules in the "judging" section below: explicit code over the worker's
and the item's attributes, as a county employment counsellor would grade them. They never call
the matching engine (that would grade the engine by itself). Which items a worker is judged on
is chosen after grading every item for that worker (`select_judged`): the relevant ones first
(so few relevant items are left unjudged), then deliberate distractors graded 0. Hand-written
judgments override the rules for the pairs they name.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import random
import sys
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from backend.common.geo import haversine_km

if TYPE_CHECKING:
    from backend.demo.catalogue import Catalogue, Industry, Occ, Place
    from backend.demo.draws import DemoClock
    from backend.demo.postings import PostingDraft

HERE = Path(__file__).resolve().parent
OUT = HERE / "eval_set.json"
HAND_CHECKED = HERE / "hand_checked.yaml"

SEED = 20261128
AS_OF = dt.date(2026, 11, 28)  # "today" for the generator; every date below is fixed
# The set must stay matchable for a year: postings expire after 2027-12-31, sessions start (and
# close enrolment) after that too.
EXPIRES_FROM, EXPIRES_TO = dt.date(2028, 1, 15), dt.date(2028, 3, 31)
SESSIONS_FROM, SESSIONS_TO = dt.date(2028, 1, 10), dt.date(2028, 4, 28)
ENROL_DAYS_BEFORE_START = 7

# Import order: a reference (provider, program, employer) exists before the rows naming it.
SECTIONS = ("providers", "employers", "programs", "sessions", "postings", "workers")
KEYS = (*SECTIONS, "judgments")
MAX_GRADE = 3

# Counties of the set: north Guangdong (where most workers' homes are) and the Pearl River Delta
# (where many of them work). 东莞 has no county level: the prefecture is the place.
NORTH = ("441881", "441882", "441802", "441821", "440281", "441424")  # 英德 连州 清城 佛冈 乐昌 五华
DELTA = ("440605", "440606", "440113", "441302", "441900")  # 南海 顺德 番禺 惠城 东莞
COUNTIES = NORTH + DELTA
ONLINE_HOME = "440106"  # the online platform's registered county (广州天河)

OCCUPATIONS = (
    "chinese-cook", "chinese-pastry-cook", "kitchen-helper", "restaurant-waiter", "tea-processor",
    "welder", "electrician", "electronics-assembler", "production-operator", "forklift-driver",
    "truck-driver", "housekeeper", "maternity-nurse", "elderly-caregiver", "sewing-worker",
    "security-guard", "live-commerce",
)  # fmt: skip
POSTINGS_PER_OCCUPATION = 9
GENERATED_WORKERS = 66
MALANHUA_PROGRAMS = (  # (occupation, venue): 马兰花 courses
    ("syb-training", "441881"),
    ("syb-training", "440605"),
    ("gyb-training", None),  # None: online
    ("online-startup-training", None),
    ("iyb-training", "441302"),
)

# certificate kinds a job may not be done without (by law or by the employer's insurer)
LICENCE_KINDS = frozenset({"special_operation", "driving", "training"})
MALANHUA = "malanhua"
STARTING_COURSES = frozenset({"syb-training", "gyb-training", "online-startup-training"})
LEVEL_WORDS = {5: "五级", 4: "四级", 3: "三级", 2: "二级", 1: "一级"}
YES, NO = "是", "否"

# Characters too common in occupation names to say anything (工, 员, 师…): left out when a
# distractor is chosen for sharing words with what the worker wants.
GENERIC_CHARS = frozenset("工员师傅人手者长主大小级证作业务操管理品")


# ============================================================================================
# Reference data: the demo catalogue (places, occupations), the import lookups (names → slugs)
# ============================================================================================
class Reference:
    """Everything read from the reference tables, once. Needs a database with divisions and the
    taxonomy loaded (the live one, the test database or `isolated_database()`)."""

    def __init__(self) -> None:
        from django.utils import timezone

        from backend.demo.catalogue import Catalogue
        from backend.demo.draws import DemoClock
        from backend.imports.lookups import Lookups
        from backend.occupations.models import CertificateType, Occupation, OccupationRelation, Skill

        self.cat: Catalogue = Catalogue()
        self.lookups = Lookups()
        self.clock: DemoClock = DemoClock.at(AS_OF, timezone.get_current_timezone())
        self.occ: dict[str, Occ] = {o.slug: o for o in self.cat.occupations}
        self.category = dict(Occupation.objects.values_list("slug", "category"))
        relations = list(OccupationRelation.objects.values_list("source__slug", "target__slug", "kind"))
        self.close_pairs: frozenset[tuple[str, str]] = frozenset(
            pair for a, b, _ in relations for pair in ((a, b), (b, a))
        )
        self.next_steps: dict[str, set[str]] = defaultdict(set)
        for a, b, kind in relations:
            if kind == OccupationRelation.Kind.NEXT_STEP:
                self.next_steps[a].add(b)
        self.skill_slug: dict[int, str] = dict(Skill.objects.values_list("pk", "slug"))
        self.occ_skills: dict[str, frozenset[str]] = {
            o.slug: frozenset(self.skill_slug[s] for s, _ in o.skills) for o in self.cat.occupations
        }
        self.cert_kind: dict[str, str] = dict(CertificateType.objects.values_list("slug", "kind"))
        self.cert_levels: dict[str, bool] = dict(CertificateType.objects.values_list("slug", "has_levels"))
        self._division_places: dict[str, tuple[float, float]] = {}

    # -- names as the import resolves them ----------------------------------------------------
    def occupation(self, value: str) -> str:
        return self.lookups.occupations.resolve(value).slug

    def skill(self, value: str) -> str:
        return self.lookups.skills.resolve(value).slug

    def certificate(self, value: str) -> str:
        return self.lookups.certificates.resolve(value).slug

    def place(self, value: str) -> tuple[float, float]:
        """(latitude, longitude) of a division given as the import accepts it (code or name)."""
        key = str(value)
        if key not in self._division_places:
            division = self.lookups.divisions.resolve(key)
            if division.latitude is None or division.longitude is None:
                raise ValueError(f"division {key} has no coordinates")
            self._division_places[key] = (float(division.latitude), float(division.longitude))
        return self._division_places[key]

    def county(self, code: str) -> Place:
        return self.cat.places[code]

    # -- the taxonomy as a counsellor reads it -------------------------------------------------
    def is_licence(self, certificate: str) -> bool:
        return self.cert_kind.get(certificate) in LICENCE_KINDS

    def usual_licence(self, occupation: str) -> str | None:
        """The licence jobs of the occupation usually ask for (焊工证 for 焊工), if any."""
        occ = self.occ.get(occupation)
        for cert in occ.licences if occ else ():
            if cert.kind in LICENCE_KINDS:
                return cert.slug
        return None

    def related(self, occupation: str, desired: Iterable[str]) -> bool:
        """Another occupation of the same trade: the same taxonomy category (餐饮, 机电, 物流仓储…),
        or both 南粤家政 (家政, 母婴, 养老: workers move between them)."""
        occ = self.occ.get(occupation)
        for other in desired:
            if other == occupation:
                continue
            if self.category.get(other) and self.category.get(other) == self.category.get(occupation):
                return True
            if occ and occ.brand == "nanyue_homecare" and self.occ[other].brand == "nanyue_homecare":
                return True
        return False

    def close_trade(self, occupation: str, desired: Iterable[str]) -> bool:
        """The usual next step or a neighbouring trade (the taxonomy's occupation relations), and
        not a step on the way to a wish: the only related trades a counsellor proposes a course
        of. A course takes weeks; a welder is not sent to an electrician's class because both
        trades are 机电, nor a would-be cook to a kitchen helper's."""
        wishes = list(desired)
        if any(wish in self.leads_to(occupation) for wish in wishes):
            return False
        return any((other, occupation) in self.close_pairs for other in wishes)

    def leads_to(self, occupation: str) -> set[str]:
        """Every occupation the usual next steps lead to from this one."""
        seen: set[str] = set()
        todo = [occupation]
        while todo:
            for step in self.next_steps.get(todo.pop(), ()):
                if step not in seen:
                    seen.add(step)
                    todo.append(step)
        return seen

    def words(self, occupations: Iterable[str]) -> set[str]:
        """The telling characters of the occupations' names and aliases (焊, 厨, 叉, 车…)."""
        chars: set[str] = set()
        for slug in occupations:
            occ = self.occ[slug]
            for text in (occ.name, *occ.aliases):
                chars.update(c for c in text if "\u4e00" <= c <= "\u9fff" and c not in GENERIC_CHARS)
        return chars


def _rng(stage: str) -> random.Random:
    return random.Random(f"{SEED}/{stage}")


def _yes(flag: bool) -> str:
    return YES if flag else NO


# ============================================================================================
# The catalogue: providers, employers, programs, sessions, postings
# ============================================================================================
def _county_weights(ref: Reference, occupation: str) -> list[tuple[str, float]]:
    """Where postings of an occupation are: the demo's employer weight of the prefecture, shared
    by our counties in it, ×3 where the prefecture has an industry employing the occupation."""
    cat = ref.cat
    spec = cat.places_data["guangdong"]
    index = cat.occupations.index(ref.occ[occupation])
    ours: Counter[str] = Counter(code[:4] for code in COUNTIES)
    pairs = []
    for code in COUNTIES:
        prefecture = code[:4]
        mix = spec[prefecture]["industries"]
        employs = any(key in cat.industries and index in cat.industries[key].occupations.items for key in mix)
        pairs.append((code, spec[prefecture]["employers"] / ours[prefecture] * (3.0 if employs else 0.3)))
    return pairs


def _industry_for(ref: Reference, occupation: str, place: Place) -> Industry | None:
    """The industry of the prefecture's mix (heaviest first) that employs the occupation."""
    cat = ref.cat
    index = cat.occupations.index(ref.occ[occupation])
    mix = cat.places_data["guangdong"][place.prefecture_code]["industries"]
    candidates = [key for key in cat.industries if index in cat.industries[key].occupations.items]
    candidates.sort(key=lambda key: (-mix.get(key, 0), key))
    return cat.industries[candidates[0]] if candidates else None


class CatalogueBuilder:
    def __init__(self, ref: Reference) -> None:
        self.ref = ref
        self.providers: list[dict[str, Any]] = []
        self.employers: list[dict[str, Any]] = []
        self.programs: list[dict[str, Any]] = []
        self.sessions: list[dict[str, Any]] = []
        self.postings: list[dict[str, Any]] = []
        self._employer_by_key: dict[tuple[str, str], Any] = {}
        self._provider_by_county: dict[str, str] = {}

    def build(self) -> dict[str, list[dict[str, Any]]]:
        self._providers()
        self._programs()
        self._postings()
        return {
            "providers": self.providers,
            "employers": self.employers,
            "programs": self.programs,
            "sessions": self.sessions,
            "postings": self.postings,
        }

    # -- providers: one per county, plus the online platform ---------------------------------
    def _providers(self) -> None:
        from backend.demo import identifiers, texts

        rng = _rng("providers")
        cat = self.ref.cat
        spec = cat.training["providers"]
        trades = cat.industries_data["trade_names"]
        kinds = {
            "441881": "technical_school", "441882": "public_base", "441802": "technical_school",
            "441821": "training_institution", "440281": "public_base", "441424": "training_institution",
            "440605": "training_institution", "440606": "enterprise", "440113": "training_institution",
            "441302": "technical_school", "441900": "training_institution",
        }  # fmt: skip
        for number, code in enumerate(COUNTIES, start=1):
            place = self.ref.county(code)
            kind = kinds[code]
            patterns = (
                spec[kind]["names_by_brand"]["nanyue_homecare"]
                if kind == "enterprise"
                else spec[kind]["names"]
            )
            name = rng.choice(patterns).format(
                pref=_prefecture_short(place), county=place.short, trade=rng.choice(trades)
            )
            external_id = f"ev-prov-{number:02d}"
            self._provider_by_county[code] = external_id
            self.providers.append(
                {
                    "external_id": external_id,
                    "name": name,
                    "kind": kind,
                    "county": code,
                    "verified": YES,
                    "contact_phone": identifiers.landline(rng, area_code=cat.area_code(place)),
                    "address": texts.address(rng, place, roads=cat.roads),
                }
            )
        online = cat.training["online_platform"]
        self._provider_by_county["online"] = "ev-prov-online"
        self.providers.append(
            {
                "external_id": "ev-prov-online",
                "name": online["name"],
                "kind": "online_platform",
                "county": ONLINE_HOME,
                "verified": YES,
                "contact_phone": identifiers.landline(rng, area_code="020"),
                "address": texts.address(rng, cat.places[ONLINE_HOME], roads=cat.roads),
            }
        )

    # -- programs and sessions -------------------------------------------------------------------
    def _program_plan(self, rng: random.Random) -> list[tuple[str, str | None, Any, int | None]]:
        """(occupation, venue county or None for online, certificate or None, level) per program:
        per occupation a skill-level course (五级, sometimes 四级) and a licence course where
        jobs ask for one, else a skills course; some of them online."""
        plan: list[tuple[str, str | None, Any, int | None]] = []
        for slug in OCCUPATIONS:
            occ = self.ref.occ[slug]
            level_cert = occ.skill_level_cert()
            licence = next(
                (c for c in occ.awards if c.kind in LICENCE_KINDS and c.slug == self.ref.usual_licence(slug)),
                None,
            )
            ability = next((c for c in occ.awards if c.kind == "special_ability"), None)
            weights = dict(_county_weights(self.ref, slug))
            venues = [c for c in COUNTIES if weights[c] >= 1.0] or list(COUNTIES)
            first = rng.choice(venues)
            if level_cert is not None:
                plan.append((slug, first, level_cert, rng.choices((5, 4), weights=(65, 35))[0]))
            else:
                plan.append((slug, first, ability, None))
            second_venue: str | None = rng.choice([c for c in COUNTIES if c != first])
            brand = self.ref.cat.training["brands"][occ.brand]
            if rng.random() < brand["online"] * 3:
                second_venue = None
            if licence is not None:
                plan.append((slug, second_venue or rng.choice(NORTH), licence, None))
            elif level_cert is not None and second_venue is not None:
                plan.append((slug, second_venue, level_cert, rng.choices((5, 4, 3), weights=(40, 40, 20))[0]))
            else:
                plan.append((slug, second_venue, ability, None))
        plan += [(slug, venue, None, None) for slug, venue in MALANHUA_PROGRAMS]
        return plan

    def _programs(self) -> None:
        rng = _rng("programs")
        for number, (slug, venue_code, certificate, level) in enumerate(self._program_plan(rng), start=1):
            record = self._program(rng, number, slug, venue_code, certificate, level)
            self.programs.append(record)
            for _ in range(rng.choices((1, 2), weights=(45, 55))[0]):
                self._session(rng, record, online=venue_code is None)

    def _program(
        self,
        rng: random.Random,
        number: int,
        slug: str,
        venue_code: str | None,
        certificate: Any,
        level: int | None,
    ) -> dict[str, Any]:
        """One planned program as an import record, worded and priced as the demo does."""
        from backend.demo import texts
        from backend.demo.programs import course_hours, program_fee

        ref = self.ref
        training = ref.cat.training
        variants = training["brands"][MALANHUA]["variants"]
        occ = ref.occ[slug]
        bspec = training["brands"][occ.brand]
        online = venue_code is None
        delivery = "online" if online else ("blended" if rng.random() < bspec["blended"] else "offline")
        venue = ref.county(venue_code or ONLINE_HOME)
        variant = texts.course_variant(occ, variants) if occ.brand == MALANHUA else None
        if certificate is None and occ.brand == MALANHUA:
            certificate = next((c for c in occ.awards), None)
        hours = course_hours(rng, variants[variant]["hours"] if variant else bspec["hours"], level)
        title = texts.program_title(
            rng,
            titles=bspec["titles"],
            licence_titles=training["licence_titles"],
            occ=occ,
            venue=venue,
            certificate=certificate,
            level=level,
            variant_label=variants[variant]["label"] if variant else None,
        )
        skills = sorted(ref.skill_slug[s] for s, _ in occ.skills)
        taught = skills if len(skills) <= 4 else sorted(rng.sample(skills, rng.randint(3, 6)))
        fee = program_fee(rng, bspec, training["eligibility"], malanhua=occ.brand == MALANHUA)
        names = {ref.skill_slug[s]: name for s, name in occ.skills}
        record: dict[str, Any] = {
            "external_id": f"ev-prog-{number:03d}",
            "provider": self._provider_by_county[venue_code or "online"],
            "title": title,
            "brand": occ.brand,
            "occupation": slug,
            "skills": taught,
            "delivery": delivery,
            "venue_division": venue.code,
            "hours": hours,
            "fee": fee.fee,
            "is_free": _yes(fee.is_free),
            "is_subsidised": _yes(fee.is_subsidised),
            "eligibility": rng.choice(fee.eligibility).format(fee=fee.fee),
            "description": texts.program_description(
                training["delivery_text"][delivery],
                [names[s] for s in taught],
                texts.award_line(certificate, level),
            ),
            "status": "published",
        }
        if certificate is not None:
            record["certificate_type"] = certificate.slug
            if level is not None:
                record["certificate_level"] = LEVEL_WORDS[level]
        if delivery != "offline":
            record["online_url"] = training["online_url"].format(number=900000 + number)
        if not online:
            record["venue_address"] = texts.address(rng, venue, roads=ref.cat.roads)
        return record

    def _session(self, rng: random.Random, program: dict[str, Any], *, online: bool) -> None:
        span = (SESSIONS_TO - SESSIONS_FROM).days
        start = SESSIONS_FROM + dt.timedelta(days=rng.randrange(0, span + 1))
        if online:
            days = rng.randint(20, 60)
        else:
            days = min(90, math.ceil(program["hours"] / rng.choice((4, 6, 8, 8))) + program["hours"] // 40)
        self.sessions.append(
            {
                "external_id": f"ev-sess-{len(self.sessions) + 1:03d}",
                "program": program["external_id"],
                "start_date": start.isoformat(),
                "end_date": (start + dt.timedelta(days=max(0, days - 1))).isoformat(),
                "enrol_deadline": (start - dt.timedelta(days=ENROL_DAYS_BEFORE_START)).isoformat(),
                "seats": rng.randint(10, 50) * 10 if online else rng.randint(4, 12) * 5,
                "status": "open",
            }
        )

    # -- employers and postings -------------------------------------------------------------------
    def _employer(self, rng: random.Random, place: Place, industry: Industry | None) -> Any:
        from backend.demo import identifiers, texts
        from backend.jobs.models import Employer

        key = (place.code, industry.key if industry else "")
        if key in self._employer_by_key:
            return self._employer_by_key[key]
        cat = self.ref.cat
        trades = cat.industries_data["trade_names"]
        suffix = rng.choice(industry.names) if industry else "实业有限公司"
        prefix = (
            place.name
            if place.name.endswith(("市", "县")) and not place.is_prefecture
            else place.prefecture_name
        )
        taken = {e["name"] for e in self.employers}
        name = f"{prefix}{rng.choice(trades)}{suffix}"
        while name in taken:
            name = f"{prefix}{rng.choice(trades)}{suffix}"
        category = "93" if suffix.endswith("合作社") else "91" if suffix.endswith("公司") else "92"
        employer = Employer(
            external_id=f"ev-emp-{len(self.employers) + 1:03d}",
            name=name,
            credit_code=identifiers.credit_code(rng, division_code=place.code, category=category),
            county_id=place.code,
            industry=industry.label if industry else "其他",
            contact_phone=identifiers.landline(rng, area_code=cat.area_code(place)),
            address=texts.address(rng, place, roads=cat.roads, parks=industry.parks if industry else ()),
        )
        self._employer_by_key[key] = employer
        self.employers.append(
            {
                "external_id": employer.external_id,
                "name": employer.name,
                "credit_code": employer.credit_code,
                "county": employer.county_id,
                "industry": employer.industry,
                "is_stable_employment_base": NO,
                "contact_phone": employer.contact_phone,
                "address": employer.address,
            }
        )
        return employer

    def _postings(self) -> None:
        from backend.demo.catalogue import Weighted
        from backend.demo.postings import draft_posting

        rng = _rng("postings")
        ref = self.ref
        campaigns = list(ref.cat.industries_data["campaigns"].items())
        span = (EXPIRES_TO - EXPIRES_FROM).days
        for slug in OCCUPATIONS:
            occ = ref.occ[slug]
            where = Weighted(_county_weights(ref, slug))
            for _ in range(POSTINGS_PER_OCCUPATION):
                place = ref.county(where.pick(rng))
                industry = _industry_for(ref, slug, place)
                employer = self._employer(rng, place, industry)
                # the demo's posting generator: title, wages, skills, certificate, benefits, text
                draft = draft_posting(
                    rng,
                    cat=ref.cat,
                    clock=ref.clock,
                    occ=occ,
                    industry=industry,
                    employer=employer,
                    place=place,
                    campaigns=campaigns,
                )
                expires = EXPIRES_FROM + dt.timedelta(days=rng.randrange(0, span + 1))
                self.postings.append(self._posting_record(draft, slug, employer.external_id, expires))

    def _posting_record(
        self, draft: PostingDraft, occupation: str, employer: str, expires: dt.date
    ) -> dict[str, Any]:
        """A drafted posting as an import record: published, open until `expires`."""
        ref = self.ref
        row = draft.posting
        record: dict[str, Any] = {
            "external_id": f"ev-post-{len(self.postings) + 1:03d}",
            "employer": employer,
            "title": row.title,
            "occupation": occupation,
            "required_skills": sorted(ref.skill_slug[s] for s in draft.required),
            "preferred_skills": sorted(ref.skill_slug[s] for s in draft.preferred),
            "headcount": row.headcount,
            "wage_type": row.wage_type,
            "provides_meals": _yes(row.provides_meals),
            "provides_lodging": _yes(row.provides_lodging),
            "social_insurance": _yes(row.social_insurance),
            "couple_rooms": _yes(row.couple_rooms),
            "shifts": row.shifts,
            "division": row.division_id,
            "address": row.address,
            "campaign": row.campaign,
            "description": row.description,
            "status": "published",
            "expires_on": expires.isoformat(),
        }
        if row.wage_min is not None:
            record["wage_min"], record["wage_max"] = row.wage_min, row.wage_max
        if row.rate is not None:
            record["rate"], record["rate_unit"] = float(row.rate), row.rate_unit
        if row.required_certificate_id is not None:
            record["required_certificate"] = ref.cat.certs[row.required_certificate_id].slug
            if row.required_certificate_level:
                record["required_certificate_level"] = LEVEL_WORDS[row.required_certificate_level]
        return record


def _prefecture_short(place: Place) -> str:
    from backend.demo.catalogue import prefecture_short

    return prefecture_short(place.prefecture_name)


# ============================================================================================
# Workers: a persona each, written as an import record
# ============================================================================================
class WorkerBuilder:
    """Generated workers. The persona: an occupation (the 17 in turn), where they live (at home in
    the north, or away in the Delta with a home county in the north), skills of the trade (some
    copied from the requirements of jobs of the trade, as experience would give them), the usual
    licence and the skill-level certificate with the demo's odds, a wage floor around the
    occupation's band at their place, lodging when away, a commute limit, sometimes a business."""

    def __init__(self, ref: Reference, postings: Sequence[dict[str, Any]]) -> None:
        from backend.demo.catalogue import Weighted

        self.ref = ref
        self.by_occupation: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for posting in postings:
            self.by_occupation[posting["occupation"]].append(posting)
        names = ref.cat.names
        self.surnames = Weighted(names["surnames"].items())
        self.given = {
            True: names["given"]["male"] + names["given"]["neutral"],
            False: names["given"]["female"] + names["given"]["neutral"],
        }
        gd = ref.cat.places_data["guangdong"]
        self.homes = Weighted((code, gd[code[:4]]["hukou"]) for code in NORTH)

    def worker(self, rng: random.Random, number: int, occupation: str) -> dict[str, Any]:
        from backend.demo import identifiers

        occ = self.ref.occ[occupation]
        male = rng.random() >= occ.female_share
        home, current, preferred, near_home = self._places(rng, occupation)
        is_away = current != home
        held = self._skills(rng, occupation)
        certificates = self._certificates(rng, occupation)
        desired = self._desired(rng, occupation)
        floor = self._wage_floor(rng, occupation, current)
        record: dict[str, Any] = {
            "external_id": f"ev-w-{number:03d}",
            "name": self.surnames.pick(rng)
            + "".join(rng.choice(self.given[male]) for _ in range(rng.choice((1, 2, 2)))),
            "mobile": identifiers.mobile(rng),
            "gender": "male" if male else "female",
            "ethnicity": "汉族",
            "birth_year": rng.randint(1968, 2004),
            "hukou_division": home,
            "current_division": current,
            "preferred_divisions": preferred,
            "wants_work_near_home": _yes(near_home),
            "willing_to_relocate": _yes(rng.random() < (0.5 if is_away else 0.25)),
            "desired_occupations": desired,
            "skills": sorted(held),
            "certificates": [
                f"{slug}:{LEVEL_WORDS[level]}" if level else slug
                for slug, level in sorted(certificates.items())
            ],
            "needs_lodging": _yes(rng.random() < (0.7 if is_away else 0.2)),
            "wants_to_start_business": _yes(rng.random() < 0.12),
            "consent_data_processing": YES,
            "consent_share_with_employers": YES,
            "consent_contact": YES,
        }
        commute = rng.choice((None, 10, 20, 30, 50, 80))
        if commute is not None:
            record["max_commute_km"] = commute
        if floor is not None:
            record["wage_floor"] = floor
        return record

    def _places(self, rng: random.Random, occupation: str) -> tuple[str, str, list[str], bool]:
        """(home, current, preferred divisions, wants work near home): at home in the north, in
        another northern county, or away in the Delta where jobs of the trade are; sometimes the
        nearest other county of the set is preferred too."""
        ref = self.ref
        home = self.homes.pick(rng)
        if rng.random() < 0.45:  # working away, in the Delta, where jobs of the trade are
            away = [p["division"] for p in self.by_occupation[occupation] if p["division"] in DELTA]
            current = rng.choice(away or list(DELTA))
        elif rng.random() < 0.25:
            current = rng.choice([c for c in NORTH if c != home])
        else:
            current = home
        is_away = current != home
        near_home = (not is_away and rng.random() < 0.6) or (is_away and rng.random() < 0.25)
        preferred = [current]
        if near_home and home not in preferred:
            preferred.append(home)
        if rng.random() < 0.3:
            neighbours = sorted(
                (c for c in COUNTIES if c not in preferred),
                key=lambda c: haversine_km(*ref.place(c), *ref.place(current)),
            )
            preferred.append(neighbours[0])
        return home, current, preferred, near_home

    def _skills(self, rng: random.Random, occupation: str) -> set[str]:
        """Some skills of the trade, and the requirements of one or two jobs of the trade."""
        all_skills = sorted(self.ref.occ_skills[occupation])
        held = set(rng.sample(all_skills, min(len(all_skills), rng.randint(2, 5))))
        jobs = self.by_occupation[occupation]
        for posting in rng.sample(jobs, rng.choice((0, 1, 1, 2))):
            held.update(s for s in posting["required_skills"] if rng.random() < 0.8)
        return held

    def _certificates(self, rng: random.Random, occupation: str) -> dict[str, int | None]:
        """Slug: level. The usual licence (drivers more often), a health certificate, sometimes
        the skill-level certificate."""
        ref = self.ref
        occ = ref.occ[occupation]
        certificates: dict[str, int | None] = {}
        licence = ref.usual_licence(occupation)
        if licence and rng.random() < (0.85 if ref.cert_kind[licence] == "driving" else 0.6):
            certificates[licence] = None
        for cert in occ.licences[:1]:
            if cert.kind == "health" and rng.random() < 0.75:
                certificates[cert.slug] = None
        level_cert = occ.skill_level_cert()
        if level_cert and rng.random() < 0.35:
            certificates[level_cert.slug] = rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
        return certificates

    def _desired(self, rng: random.Random, occupation: str) -> list[str]:
        """The occupation, and sometimes a related one of the set."""
        desired = [occupation]
        if rng.random() < 0.3:
            related = sorted(o for o in OCCUPATIONS if self.ref.related(o, [occupation]))
            if related:
                desired.append(rng.choice(related))
        return desired

    def _wage_floor(self, rng: random.Random, occupation: str, current: str) -> int | None:
        """Around the bottom of the occupation's band where they live (to 500 yuan), or none."""
        ref = self.ref
        factor = ref.cat.wage_factor(ref.county(current))
        if rng.random() < 0.75:
            return max(
                2000, round(ref.occ[occupation].wage.monthly[0] * factor * rng.uniform(0.9, 1.25) / 500) * 500
            )
        return None


# ============================================================================================
# Judging: the counsellor's rules, over the records' attributes
# ============================================================================================
NEAR, STRETCH, FAR = "near", "stretch", "far"
# No limit stated: the county and its neighbours are "near" — for a worker who would not move, the
# whole of their reach (the product's rule: 不愿去外地 rules out the rest).
UNSTATED_COMMUTE_KM = 60.0
STRETCH_KM = 100.0  # a course this far is a stretch for a worker willing to move
WAGE_TOLERANCE = 0.8  # a top wage down to 80% of the floor is one shortfall; lower, two


@dataclass(frozen=True)
class WorkerView:
    id: str
    desired: frozenset[str]
    skills: frozenset[str]
    certificates: Mapping[str, int | None]  # slug -> level (None: held without a level)
    places: tuple[tuple[float, float], ...]  # current, preferred, and home if near home
    max_commute_km: float | None
    willing_to_relocate: bool
    wage_floor: int | None
    needs_lodging: bool
    wants_business: bool


@dataclass(frozen=True)
class ItemView:
    id: str
    kind: str  # job, training
    occupation: str
    skills: frozenset[str]  # required (job) or taught (training)
    certificate: str | None  # required (job) or awarded (training)
    level: int | None
    place: tuple[float, float]
    online: bool
    wage_max: int | None
    lodging: bool
    brand: str
    title: str


@dataclass
class Judgment:
    grade: int
    reasons: list[str] = field(default_factory=list)
    distance_km: float = 0.0
    reach: str = NEAR


def _flag(value: Any) -> bool:
    from backend.imports.coerce import as_bool, is_blank

    return False if is_blank(value) else as_bool(value)


def _level(value: Any) -> int | None:
    from backend.imports.coerce import as_level, is_blank

    return None if is_blank(value) else as_level(value)


def _list(value: Any) -> list[str]:
    from backend.imports.coerce import as_list, is_blank

    return [] if is_blank(value) else as_list(value)


def _choice(choices: Any, value: Any, default: str = "") -> str:
    from backend.imports.coerce import ChoiceIndex, is_blank

    return default if is_blank(value) else str(ChoiceIndex(choices).resolve(value))


def worker_view(ref: Reference, record: Mapping[str, Any]) -> WorkerView:
    from backend.imports.coerce import split_certificate

    certificates: dict[str, int | None] = {}
    for item in _list(record.get("certificates")):
        name, level = split_certificate(item)
        certificates[ref.certificate(name)] = _level(level) if level else None
    places = [ref.place(record["current_division"])]
    places += [ref.place(d) for d in _list(record.get("preferred_divisions"))]
    if _flag(record.get("wants_work_near_home")) and record.get("hukou_division"):
        places.append(ref.place(record["hukou_division"]))
    commute = record.get("max_commute_km")
    floor = record.get("wage_floor")
    return WorkerView(
        id=record["external_id"],
        desired=frozenset(ref.occupation(o) for o in _list(record.get("desired_occupations"))),
        skills=frozenset(ref.skill(s) for s in _list(record.get("skills"))),
        certificates=certificates,
        places=tuple(places),
        max_commute_km=None if commute in (None, "") else float(commute),
        willing_to_relocate=_flag(record.get("willing_to_relocate")),
        wage_floor=None if floor in (None, "") else int(floor),
        needs_lodging=_flag(record.get("needs_lodging")),
        wants_business=_flag(record.get("wants_to_start_business")),
    )


def posting_view(ref: Reference, record: Mapping[str, Any], employer_county: str) -> ItemView:
    certificate = record.get("required_certificate")
    wage_max = record.get("wage_max")
    return ItemView(
        id=record["external_id"],
        kind="job",
        occupation=ref.occupation(record["occupation"]),
        skills=frozenset(ref.skill(s) for s in _list(record.get("required_skills"))),
        certificate=ref.certificate(certificate) if certificate else None,
        level=_level(record.get("required_certificate_level")),
        place=ref.place(record.get("division") or employer_county),
        online=False,
        wage_max=None if wage_max in (None, "") else int(wage_max),
        lodging=_flag(record.get("provides_lodging")),
        brand="",
        title=record["title"],
    )


def session_view(ref: Reference, session: Mapping[str, Any], program: Mapping[str, Any]) -> ItemView:
    from backend.occupations.models import Brand
    from training.models import Program

    certificate = program.get("certificate_type")
    occupation = ref.occupation(program["occupation"])
    return ItemView(
        id=session["external_id"],
        kind="training",
        occupation=occupation,
        skills=frozenset(ref.skill(s) for s in _list(program.get("skills"))),
        certificate=ref.certificate(certificate) if certificate else None,
        level=_level(program.get("certificate_level")),
        place=ref.place(program["venue_division"]),
        online=_choice(Program.Delivery, program.get("delivery"), "offline") == Program.Delivery.ONLINE,
        wage_max=None,
        lodging=False,
        brand=_choice(Brand, program.get("brand"), ref.occ[occupation].brand),  # blank: the occupation's
        title=program["title"],
    )


def reach(worker: WorkerView, item: ItemView) -> tuple[str, float]:
    """NEAR, STRETCH or FAR, and the distance (km) from the nearest place the worker named
    (where they live, their preferred divisions, home for a worker who wants to work near home).

    A job: within the commute limit (60 km without one) is near; beyond it a stretch for a worker
    willing to move, out of reach for one who is not.
    A course is attended from where one lives: online is near; within the limit (60 km without
    one) near; beyond it, up to 100 km, a stretch for a worker willing to move; farther out of
    reach, whatever the worker would do for a job."""
    if item.online:
        return NEAR, 0.0
    km = min(haversine_km(*place, *item.place) for place in worker.places)
    limit = worker.max_commute_km
    if km <= (UNSTATED_COMMUTE_KM if limit is None else limit):
        return NEAR, km
    if item.kind == "training":
        stretch = km <= STRETCH_KM and worker.willing_to_relocate
    else:
        stretch = worker.willing_to_relocate
    return (STRETCH if stretch else FAR), km


def judge_job(ref: Reference, worker: WorkerView, job: ItemView) -> Judgment:
    """3: a desired occupation, every required skill and certificate held, within reach, the wage
    at or above the floor, lodging if needed. Each shortfall takes one grade off: a missing skill
    (two or more missing: two), a certificate (not a licence) missing or below the level, a
    stretch of distance, the top wage under the floor (under 80% of it: two), no lodging for a
    worker who needs it. 2 shortfalls give 1, 3 or more 0.
    1: a related occupation (same trade) within reach, needing no licence the worker lacks, with no
    shortfall besides its skills, where the worker holds at least one of the skills it asks for
    (a 帮厨 who can 切配 for a kitchen job; not a 服务员 for a 炒锅 job).
    0: an occupation neither wanted nor related; out of reach; a licence the worker lacks."""
    where, km = reach(worker, job)
    desired = job.occupation in worker.desired
    related = not desired and ref.related(job.occupation, worker.desired)
    if not desired and not related:
        return Judgment(0, ["occupation not wanted"], km, where)
    if where == FAR:
        return Judgment(0, [f"out of reach ({km:.0f} km)"], km, where)
    if job.certificate and ref.is_licence(job.certificate) and job.certificate not in worker.certificates:
        return Judgment(0, [f"licence {job.certificate} missing"], km, where)
    skills: list[str] = []
    missing = job.skills - worker.skills
    if missing:
        skills = ["skills missing: " + ",".join(sorted(missing))] * (1 if len(missing) == 1 else 2)
    others: list[str] = []
    if job.certificate and not ref.is_licence(job.certificate):
        if job.certificate not in worker.certificates:
            others.append(f"certificate {job.certificate} missing")
        elif job.level and (worker.certificates[job.certificate] or 5) > job.level:
            others.append(f"certificate {job.certificate} below level {job.level}")
    if where == STRETCH:
        others.append(f"a stretch ({km:.0f} km)")
    if worker.wage_floor and job.wage_max is not None and job.wage_max < worker.wage_floor:
        under = "wage under floor"
        others += [under] if job.wage_max >= WAGE_TOLERANCE * worker.wage_floor else [under, under]
    if worker.needs_lodging and not job.lodging:
        others.append("no lodging")
    if related:
        if others:
            return Judgment(0, ["related occupation", *others], km, where)
        if job.skills and not job.skills & worker.skills:
            return Judgment(0, ["related occupation, none of its skills held"], km, where)
        return Judgment(1, ["related occupation"], km, where)
    shortfalls = skills + others
    return Judgment(max(0, MAX_GRADE - len(shortfalls)), shortfalls or ["fits"], km, where)


class _Award(NamedTuple):
    strong: list[str]  # reasons for a 3
    weak: list[str]  # reasons for a 2
    penalty: list[str]  # why the worker cannot enrol yet
    already: bool  # the worker holds the certificate (at that level or higher)


def _award_value(ref: Reference, worker: WorkerView, cert: str | None, level: int | None) -> _Award:
    """What the certificate a course awards is worth to the worker (see `training_value`)."""
    held = bool(cert) and cert in worker.certificates
    if not cert:
        return _Award([], [], [], already=False)
    if ref.is_licence(cert):
        return (
            _Award([], [], [], already=True)
            if held
            else _Award([f"awards missing licence {cert}"], [], [], False)
        )
    if not (ref.cert_levels.get(cert) and level):
        return _Award([], [], [], already=True) if held else _Award([], [f"awards {cert}"], [], False)
    have = (worker.certificates[cert] or 5) if held else None
    if have is None and level == 5:
        return _Award(["awards a first certificate (五级)"], [], [], False)
    if have is None and level == 4:
        return _Award([], ["awards a first certificate at 四级"], [], False)
    if have is None:
        return _Award([], ["awards a certificate"], ["level too high without a certificate"], False)
    if level == have - 1:
        return _Award([f"next level ({have}->{level})"], [], [], False)
    if level < have - 1:
        return _Award([], ["a higher level"], [f"skips a level ({have}->{level})"], False)
    return _Award([], [], [], already=True)


def training_value(ref: Reference, worker: WorkerView, course: ItemView) -> tuple[int, list[str]]:
    """What a course of a desired occupation gives the worker.

    3: awards a licence the worker lacks, a first skill-level certificate (五级), the next level
    up (五级 → 四级), or teaches two or more skills of the trade the worker lacks;
    2: awards a certificate of less weight (a special-ability one, a first certificate at 四级),
    or teaches one new skill;
    1: nothing new, a refresher;
    0: a course awarding a certificate the worker already holds at that level or higher (the
    product never offers a level already held).
    A level two steps up (or 三级 and above with no certificate yet) is one the worker cannot
    enrol in yet: at most 1. At most 2 while
    the worker lacks the licence jobs of the trade ask for and the course does not award it: that
    licence comes first."""
    cert = course.certificate
    award = _award_value(ref, worker, cert, course.level)
    if award.already:
        return 0, [f"already holds {cert}"]
    strong, weak, penalty = list(award.strong), list(award.weak), award.penalty
    trade = frozenset().union(*(ref.occ_skills[o] for o in worker.desired if o in ref.occ_skills))
    new = (course.skills & trade) - worker.skills
    if len(new) >= 2:
        strong.append(f"teaches {len(new)} new skills")
    elif new:
        weak.append("teaches 1 new skill")
    licence = ref.usual_licence(course.occupation)
    if strong and licence and licence not in worker.certificates and cert != licence:
        weak += [*strong, f"licence first: {licence}"]
        strong = []
    value = 3 if strong else 2 if weak else 1
    if penalty:  # the worker cannot enrol yet: what it teaches does not count in full
        value = min(value, 2) - 1
    reasons = strong + weak or ["a refresher"]
    return max(0, value), reasons + penalty


def judge_training(ref: Reference, worker: WorkerView, course: ItemView) -> Judgment:
    """A course of a desired occupation: its value (`training_value`), one less for a stretch.
    马兰花: 3 for a worker who wants to start a business (IYB, for running businesses: 1), one
    less for a stretch; for others only when its occupation is one they named, else 0.
    A course of a close trade (`Reference.close_trade`): 1 if near (or online) and teaching
    something new.
    0: out of reach, or an unrelated occupation."""
    where, km = reach(worker, course)
    if where == FAR:
        return Judgment(0, [f"out of reach ({km:.0f} km)"], km, where)
    stretch = 1 if where == STRETCH else 0
    if course.brand == MALANHUA:
        if worker.wants_business:
            grade = 3 if course.occupation in STARTING_COURSES else 1
            return Judgment(max(0, grade - stretch), ["马兰花 for a would-be owner"], km, where)
        if course.occupation in worker.desired:
            value, reasons = training_value(ref, worker, course)
            return Judgment(max(0, value - stretch), ["马兰花, asked for by name", *reasons], km, where)
        return Judgment(0, ["马兰花, no business wanted"], km, where)
    if course.occupation in worker.desired:
        value, reasons = training_value(ref, worker, course)
        if stretch:
            reasons.append(f"a stretch ({km:.0f} km)")
        return Judgment(max(0, value - stretch), reasons, km, where)
    if ref.close_trade(course.occupation, worker.desired):
        if not stretch and course.skills - worker.skills:
            return Judgment(1, ["related occupation"], km, where)
        return Judgment(0, ["related occupation, nothing new or too far"], km, where)
    return Judgment(0, ["occupation not wanted"], km, where)


def judge(ref: Reference, worker: WorkerView, item: ItemView) -> Judgment:
    return judge_job(ref, worker, item) if item.kind == "job" else judge_training(ref, worker, item)


# -- which items a worker is judged on ------------------------------------------------------------
MAX_JUDGED = 16
MIN_JUDGED = 6
MIN_RELEVANT = 2  # a generated persona with fewer relevant items is drawn again
CAPS = {("job", "high"): 7, ("training", "high"): 6, ("job", 1): 2, ("training", 1): 1}


def select_judged(
    ref: Reference, worker: WorkerView, items: Sequence[ItemView], grades: Mapping[str, Judgment]
) -> dict[str, int]:
    """The items a worker is judged on: the relevant ones first (grade 2-3: up to 7 jobs and 6
    courses, best and nearest first; grade 1: 2 jobs and 1 course), then one of each distractor,
    all graded 0: a job of the trade out of reach (the farthest), a job of the trade asking for a
    licence the worker lacks, a job sharing words with the trade but of another occupation
    (焊锡工 for a 焊工), a course of the trade out of reach, a 马兰花 course for a worker with no
    business in mind, a course of another occupation sharing words with the trade, the nearest job
    and course of an unrelated occupation. At most 16, at least 6 (more near zeros if needed)."""

    def order(item: ItemView) -> tuple[Any, ...]:
        j = grades[item.id]
        return (-j.grade, round(j.distance_km, 1), item.id)

    chosen: dict[str, int] = {}

    def take(candidates: Iterable[ItemView], limit: int) -> None:
        for item in sorted(candidates, key=order):
            if limit <= 0 or len(chosen) >= MAX_JUDGED:
                return
            if item.id not in chosen:
                chosen[item.id] = grades[item.id].grade
                limit -= 1

    for kind in ("job", "training"):
        take((i for i in items if i.kind == kind and grades[i.id].grade >= 2), CAPS[(kind, "high")])
    for kind in ("job", "training"):
        take((i for i in items if i.kind == kind and grades[i.id].grade == 1), CAPS[(kind, 1)])

    zeros = [i for i in items if grades[i.id].grade == 0]
    words = ref.words(worker.desired)
    trade = [i for i in zeros if i.occupation in worker.desired]
    unrelated = [
        i
        for i in zeros
        if i.occupation not in worker.desired
        and not ref.related(i.occupation, worker.desired)
        and i.brand != MALANHUA
    ]

    def nearest(group: Iterable[ItemView]) -> ItemView | None:
        return min(group, key=order, default=None)

    def farthest(group: Iterable[ItemView]) -> ItemView | None:
        return max(group, key=lambda i: (grades[i.id].distance_km, i.id), default=None)

    distractors = (
        farthest(i for i in trade if i.kind == "job" and grades[i.id].reach == FAR),
        nearest(i for i in trade if i.kind == "job" and grades[i.id].reach != FAR),
        nearest(i for i in unrelated if i.kind == "job" and words & set(i.title)),
        farthest(i for i in trade if i.kind == "training" and grades[i.id].reach == FAR),
        nearest(i for i in zeros if i.brand == MALANHUA and not worker.wants_business),
        nearest(i for i in unrelated if i.kind == "training" and words & set(i.title)),
        nearest(i for i in unrelated if i.kind == "job"),
        nearest(i for i in unrelated if i.kind == "training"),
    )
    for pick in distractors:
        if pick is not None and pick.id not in chosen and len(chosen) < MAX_JUDGED:
            chosen[pick.id] = 0
    if len(chosen) < MIN_JUDGED:
        take(zeros, MIN_JUDGED - len(chosen))
    return chosen


# ============================================================================================
# Hand-checked cases
# ============================================================================================
def load_hand_checked(path: Path | str = HAND_CHECKED) -> dict[str, Any]:
    """hand_checked.yaml: sections of records (providers … postings) and `workers`, each
    {note, worker: <record>, judgments: {item id: grade}}. Employers without a credit code get
    one with a valid check character (seeded by the external id)."""
    from backend.demo import identifiers

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    out: dict[str, Any] = {section: [dict(r) for r in data.get(section) or []] for section in SECTIONS[:-1]}
    for employer in out["employers"]:
        if not employer.get("credit_code"):
            rng = _rng(f"hand/{employer['external_id']}")
            employer["credit_code"] = identifiers.credit_code(rng, division_code=str(employer["county"]))
    cases = []
    for number, entry in enumerate(data.get("workers") or [], start=1):
        where = f"{path}: worker {number}"
        if not isinstance(entry, dict) or not entry.get("note") or not isinstance(entry.get("worker"), dict):
            raise ValueError(f"{where}: needs a `note` and a `worker` record")
        judgments = {str(k): v for k, v in (entry.get("judgments") or {}).items()}
        bad = {k: v for k, v in judgments.items() if not isinstance(v, int) or not 0 <= v <= MAX_GRADE}
        if bad or not any(judgments.values()):
            raise ValueError(f"{where}: grades must be 0-3 with at least one relevant: {bad or judgments}")
        cases.append({"note": str(entry["note"]), "worker": dict(entry["worker"]), "judgments": judgments})
    out["workers"] = cases
    return out


# ============================================================================================
# Putting it together
# ============================================================================================
@dataclass
class EvalSet:
    data: dict[str, list[dict[str, Any]]]
    rule_grades: dict[tuple[str, str], Judgment]  # every (worker, item) the rules graded
    hand: dict[tuple[str, str], int]  # the hand-written judgments
    left_out: int = 0  # items graded 2-3 by the rules that a worker is not judged on (caps)


def _normalise(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    return value


def _in_schema_order(kind: str, records: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Records by external id, each with its fields in the import format's column order."""
    from backend.imports.schemas import SCHEMAS

    position = {column.field: n for n, column in enumerate(SCHEMAS[kind].columns)}
    unknown = {key for r in records for key in r} - set(position)
    if unknown:
        raise ValueError(f"{kind}: not import fields: {sorted(unknown)}")
    return [
        {key: record[key] for key in sorted(record, key=position.__getitem__)}
        for record in sorted(records, key=lambda r: r["external_id"])
    ]


def generate(hand_path: Path | str | None = HAND_CHECKED) -> EvalSet:
    """The whole set, in memory. Needs a database with the reference data."""
    ref = Reference()
    sections = CatalogueBuilder(ref).build()
    hand = load_hand_checked(hand_path) if hand_path else {s: [] for s in SECTIONS}
    for section in SECTIONS[:-1]:
        sections[section] += [{k: _normalise(v) for k, v in r.items()} for r in hand[section]]

    counties = {e["external_id"]: str(e["county"]) for e in sections["employers"]}
    programs = {p["external_id"]: p for p in sections["programs"]}
    items = [posting_view(ref, p, counties[p["employer"]]) for p in sections["postings"]]
    items += [session_view(ref, s, programs[s["program"]]) for s in sections["sessions"]]
    items.sort(key=lambda i: i.id)

    result = EvalSet(data={}, rule_grades={}, hand={})
    judgments: list[dict[str, Any]] = []
    workers: list[dict[str, Any]] = []

    def judge_worker(record: dict[str, Any], overrides: Mapping[str, int]) -> dict[str, int]:
        view = worker_view(ref, record)
        grades = {item.id: judge(ref, view, item) for item in items}
        for item in items:
            result.rule_grades[(view.id, item.id)] = grades[item.id]
        chosen = select_judged(ref, view, items, grades)
        chosen.update(overrides)
        result.left_out += sum(1 for i, j in grades.items() if j.grade >= 2 and i not in chosen)
        return chosen

    builder = WorkerBuilder(ref, sections["postings"])
    rng = _rng("workers")
    order = [OCCUPATIONS[i % len(OCCUPATIONS)] for i in range(GENERATED_WORKERS)]
    rng.shuffle(order)
    for number, occupation in enumerate(order, start=1):
        for _attempt in range(50):
            record = builder.worker(rng, number, occupation)
            chosen = judge_worker(record, {})
            if sum(1 for grade in chosen.values() if grade) >= MIN_RELEVANT and len(chosen) >= MIN_JUDGED:
                break
        else:
            raise RuntimeError(f"no worker of {occupation} with a relevant item")
        workers.append(record)
        judgments += [{"worker": record["external_id"], "item": i, "relevance": g} for i, g in chosen.items()]

    for case in hand["workers"]:
        record = {k: _normalise(v) for k, v in case["worker"].items()}
        chosen = judge_worker(record, case["judgments"])
        result.hand.update({(record["external_id"], i): g for i, g in case["judgments"].items()})
        workers.append(record)
        judgments += [{"worker": record["external_id"], "item": i, "relevance": g} for i, g in chosen.items()]

    sections["workers"] = workers
    data = {key: _in_schema_order(key, sections[key]) for key in SECTIONS}
    data["judgments"] = sorted(
        _by_program(judgments, sections["sessions"]), key=lambda j: (j["worker"], j["item"])
    )
    result.data = data
    return result


def _by_program(judgments: list[dict[str, Any]], sessions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Trainings judged by program (the best grade of its sessions): the product shows one entry
    per program (its best session), so judging each session would ask for what it never shows."""
    program_of = {s["external_id"]: s["program"] for s in sessions}
    best: dict[tuple[str, str], int] = {}
    for j in judgments:
        key = (j["worker"], program_of.get(j["item"], j["item"]))
        best[key] = max(best.get(key, 0), j["relevance"])
    return [{"worker": w, "item": i, "relevance": g} for (w, i), g in best.items()]


def dumps(data: Mapping[str, Any]) -> str:
    """The file's text: sections in a fixed order; a record's fields one a line (lists inline),
    a judgment on one line. Valid JSON, and a diff shows which field of which record changed."""

    def value(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False)

    parts = []
    for key in KEYS:
        rows = data.get(key, [])
        if key == "judgments":
            body = ",\n".join(f"  {value(row)}" for row in rows)
        else:
            body = ",\n".join(
                "  {\n" + ",\n".join(f"   {value(k)}: {value(v)}" for k, v in row.items()) + "\n  }"
                for row in rows
            )
        parts.append(f' "{key}": [\n{body}\n ]' if rows else f' "{key}": []')
    return "{\n" + ",\n".join(parts) + "\n}\n"


def write_jsonl_sections(data: Mapping[str, Any], directory: Path | str) -> dict[str, Path]:
    """One `<section>.jsonl` per section (one record a line), as the import service reads them."""
    directory = Path(directory)
    paths = {}
    for section in SECTIONS:
        path = directory / f"{section}.jsonl"
        lines = (json.dumps(row, ensure_ascii=False) for row in data.get(section, []))
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths[section] = path
    return paths


class ImportFailed(Exception):
    pass


def import_sections(data: Mapping[str, Any]) -> dict[str, int]:
    """Import every section, in reference order, with the import service as the SYSTEM actor
    into the current database (use `isolated_database()`); raise ImportFailed naming the first
    errors of a section that does not import. Returns rows created per section."""
    from backend.imports.services import SYSTEM, import_file

    created = {}
    with tempfile.TemporaryDirectory(prefix="matching-eval-") as tmp:
        for section, path in write_jsonl_sections(data, tmp).items():
            result = import_file(path_or_file=path, kind=section, actor=SYSTEM, filename=path.name)
            if not result.ok:
                errors = [e.as_dict() for e in result.errors[:10]]
                raise ImportFailed(f"{section}: {errors}")
            created[section] = result.created
    return created


def summary(built: EvalSet) -> dict[str, Any]:
    """Counts, grades, and where the hand judgments and the rules differ."""
    data = built.data
    grades = Counter(j["relevance"] for j in data["judgments"])
    by_kind = Counter(
        ("job" if j["item"].startswith("ev-post-") else "training", j["relevance"]) for j in data["judgments"]
    )
    per_worker = Counter(j["worker"] for j in data["judgments"])
    differ = {
        f"{worker} {item}": f"hand {grade}, rules {built.rule_grades[(worker, item)].grade}: "
        + "; ".join(built.rule_grades[(worker, item)].reasons)
        for (worker, item), grade in sorted(built.hand.items())
        if built.rule_grades[(worker, item)].grade != grade
    }
    return {
        **{key: len(data[key]) for key in SECTIONS},
        "judgments": len(data["judgments"]),
        "by grade": {str(g): grades[g] for g in range(MAX_GRADE + 1)},
        "jobs by grade": {str(g): by_kind[("job", g)] for g in range(MAX_GRADE + 1)},
        "trainings by grade": {str(g): by_kind[("training", g)] for g in range(MAX_GRADE + 1)},
        "judged per worker (min, max)": [min(per_worker.values()), max(per_worker.values())],
        "hand judgments agreeing with the rules": f"{len(built.hand) - len(differ)}/{len(built.hand)}",
        "hand judgments differing from the rules": differ,
        "items graded 2-3 by the rules left unjudged (caps)": built.left_out,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args(argv)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings.local")
    import django

    django.setup()
    from backend.common.isolated_db import isolated_database

    with isolated_database():
        built = generate()
        import_sections(built.data)  # every record imports, or nothing is written
    text = dumps(built.data)
    print(json.dumps(summary(built), ensure_ascii=False, indent=1))
    if args.check:
        current = args.out.read_text(encoding="utf-8") if args.out.exists() else ""
        if current != text:
            print(f"{args.out} is out of date: run without --check", file=sys.stderr)
            return 1
        print(f"{args.out} is current")
        return 0
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({len(text.encode()) // 1024} KB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
