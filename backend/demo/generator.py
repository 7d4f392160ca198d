"""Deterministic demo data: providers, programs, sessions, employers, postings, workers.

`DemoSeeder(seed=..., sizes=..., today=...).run()` writes everything inside one transaction with
bulk inserts; large stages are generated and inserted in chunks so memory stays flat at any
scale. Each stage draws from its own `random.Random(f"{seed}/{stage}")`, so the same seed and
the same `today` give the same rows (external ids, names, codes, dates) in any database.

A posting is drafted by `postings.draft_posting`, a program's hours and fee by `programs`, the
words of titles, descriptions and addresses by `texts`: the matching evaluation set
(matching/evaluation/build_set.py) uses the same functions.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db import connections, models, reset_queries, router, transaction
from django.utils import timezone

from backend.accounts.models import ServiceCentre, User
from backend.jobs.models import Application, Employer, Posting
from backend.occupations.models import Brand
from backend.workers import consent
from backend.workers.models import ConsentChannel, WorkerCertificate, WorkerProfile, WorkerSkill
from training.models import Enrolment, Program, Provider, Session

from . import identifiers, texts
from .catalogue import PRD, Catalogue, Cert, Industry, Occ, Place, Weighted, prefecture_short
from .draws import DemoClock, jitter
from .logins import ACCOUNTS_BY_ROLE, create_demo_user
from .postings import draft_posting
from .programs import course_hours, program_fee

DEMO_PREFIX = "demo-"
DEFAULT_SEED = 2023
BATCH_SIZE = 2000  # rows per INSERT statement (Django lowers it further where SQLite needs)

# Rows at --scale 1; --scale 40 gives 12,000 programs, 200,000 postings and 100,000 workers.
BASE_PROGRAMS = 300
BASE_POSTINGS = 5000
BASE_WORKERS = 2500


@dataclass(frozen=True)
class DemoSizes:
    programs: int
    postings: int
    workers: int
    providers: int
    employers: int

    @classmethod
    def for_scale(
        cls,
        scale: float = 1.0,
        *,
        programs: int | None = None,
        postings: int | None = None,
        workers: int | None = None,
    ) -> DemoSizes:
        if scale <= 0:
            raise ValueError("scale must be positive")
        programs = programs if programs is not None else max(10, round(BASE_PROGRAMS * scale))
        postings = postings if postings is not None else max(10, round(BASE_POSTINGS * scale))
        workers = workers if workers is not None else max(5, round(BASE_WORKERS * scale))
        return cls(
            programs=programs,
            postings=postings,
            workers=max(1, workers),
            providers=max(4, programs // 5),
            employers=max(3, postings // 8),
        )


@dataclass
class _SessionRef:
    id: int
    prefecture: str
    online: bool
    status: str
    start: dt.date
    end: dt.date
    quota: int  # places of enrolled_count not yet taken by a generated enrolment
    certificate_id: int | None
    certificate_level: int | None
    skills: list[int]


@dataclass
class _PostingIndex:
    """Posting ids by occupation (and by occupation + prefecture) for generated applications."""

    by_occupation: dict[int, list[int]] = field(default_factory=lambda: defaultdict(list))
    by_local: dict[tuple[int, str], list[int]] = field(default_factory=lambda: defaultdict(list))
    status: dict[int, str] = field(default_factory=dict)
    published: dict[int, dt.datetime] = field(default_factory=dict)
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))


@dataclass(frozen=True)
class _ProgramChoices:
    """What the programs stage draws from (see `DemoSeeder._program_choices`)."""

    brand_specs: dict[str, dict[str, Any]]
    brand_pick: Weighted[str]
    brand_cycle: list[str]  # the first programs cover every brand once
    occupation_pick: dict[str, Weighted[int]]
    providers_by_brand: dict[str, list[int]]  # indexes into DemoSeeder.providers
    variants: dict[str, Any]  # the 马兰花 courses


@dataclass(frozen=True)
class _ProgramDraft:
    """A program row with what its sessions are drawn from."""

    program: Program
    skills: list[int]
    occ: Occ
    venue: Place
    delivery: str
    hours: int


@dataclass(frozen=True)
class _WorkerPickers:
    surnames: dict[str, Weighted[str]]  # by province of origin
    given_male: list[str]
    given_female: list[str]
    occupations: Weighted[int]  # indexes into Catalogue.occupations
    origins: Weighted[str]  # provinces
    demo_home: Place | None  # the demo worker login's county


@dataclass(frozen=True)
class _WorkerExtra:
    """What a worker's skills, certificates, enrolments and applications are drawn from."""

    primary: Occ
    age: int
    birth: dt.date
    current: Place
    preferred: list[str]  # division codes: Guangdong cities, as the wizard offers them
    demo: bool
    consents: dict[str, bool] = field(default_factory=dict)  # recorded by the consent service


def _take_consents(profile: WorkerProfile) -> dict[str, bool]:
    """The drawn consents, handed to the consent service once the profile is saved; the booleans
    go back to their defaults until then (the service is their only writer)."""
    drawn = {}
    for field_name, purpose in consent.FIELD_PURPOSES.items():
        drawn[purpose] = getattr(profile, field_name)
        setattr(profile, field_name, consent.unsaved_default(field_name))
    drawn["personalised_recommendations"] = drawn["data_processing"]  # as the migration set it
    return drawn


def _city_code(place: Place) -> str:
    """The division code of the place's city (441881 英德市 -> 441800 清远市; 东莞 is its own)."""
    return place.prefecture_code + "00"


def _chunks(total: int, size: int) -> Iterable[range]:
    for start in range(0, total, size):
        yield range(start, min(start + size, total))


def _insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> int:
    """INSERT plain link rows with executemany: no model instances, no per-field preparation.

    Used for the tables that hold most of the rows (M2M through rows, worker skills and
    certificates); values must already be in database form (ints, strings, None, adapted dates).
    """
    if not rows:
        return 0
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table), ", ".join(quote(c) for c in columns), ", ".join(["%s"] * len(columns))
    )
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 10 * BATCH_SIZE):
            cursor.executemany(sql, rows[start : start + 10 * BATCH_SIZE])
    return len(rows)


def _bulk_m2m(model: type[models.Model], name: str, pairs: Sequence[tuple[Any, Any]]) -> int:
    """Rows of the through table of `model.name` from (source id, target id) pairs."""
    field_ = cast(models.ManyToManyField, model._meta.get_field(name))
    through = cast(type[models.Model], field_.remote_field.through)
    return _insert(through, (field_.m2m_column_name(), field_.m2m_reverse_name()), pairs)


class DemoSeeder:
    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        sizes: DemoSizes | None = None,
        today: dt.date | None = None,
        chunk_size: int = 5000,
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.seed = seed
        self.sizes = sizes or DemoSizes.for_scale(1)
        self.today = today or timezone.localdate()
        self.chunk_size = chunk_size
        self.log = log or (lambda message: None)
        self.counts: dict[str, int] = defaultdict(int)
        self.timings: dict[str, float] = {}
        self.clock = DemoClock.at(self.today, timezone.get_current_timezone())

    def rng(self, stage: str) -> random.Random:
        return random.Random(f"{self.seed}/{stage}")

    # --- entry point --------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        started = time.perf_counter()
        self.cat = Catalogue()
        with transaction.atomic():
            for name, stage in (
                ("centres", self._centres),
                ("providers", self._providers),
                ("programs", self._programs),
                ("employers", self._employers),
                ("postings", self._postings),
                ("workers", self._workers),
            ):
                begun = time.perf_counter()
                stage()
                self.timings[name] = time.perf_counter() - begun
                self.log(f"  {name}: {self.timings[name]:.1f}s")
        self.timings["total"] = time.perf_counter() - started
        return dict(self.counts)

    # --- helpers --------------------------------------------------------------------------------
    def near(self, rng: random.Random, place: Place, same_place: float) -> Place:
        if rng.random() < same_place:
            return place
        return rng.choice(self.cat.by_prefecture[place.prefecture_code])

    # --- service centres and staff logins --------------------------------------------------------
    def _centres(self) -> None:
        centres = []
        wanted = self.cat.places_data["service_centres"]
        for spec in wanted:
            centres.append(ServiceCentre(name=spec["name"]))
        ServiceCentre.objects.bulk_create(centres)
        pairs = [
            (centre.pk, code)
            for centre, spec in zip(centres, wanted, strict=True)
            for code in spec["counties"]
            if code in self.cat.places
        ]
        _bulk_m2m(ServiceCentre, "counties", pairs)
        self.counts["service centres"] = len(centres)
        self.staff_user = create_demo_user(
            ACCOUNTS_BY_ROLE[User.Role.SERVICE_STAFF], service_centre=centres[0]
        )
        self.staff_counties = set(wanted[0]["counties"])
        create_demo_user(ACCOUNTS_BY_ROLE[User.Role.ADMIN])
        create_demo_user(ACCOUNTS_BY_ROLE[User.Role.SECURITY_ADMIN])
        create_demo_user(ACCOUNTS_BY_ROLE[User.Role.AUDITOR])
        self.counts["demo logins"] += 4

    # --- training providers ------------------------------------------------------------------------
    def _providers(self) -> None:
        rng = self.rng("providers")
        spec = self.cat.training
        trade_names = self.cat.industries_data["trade_names"]
        kinds = Weighted((kind, s["share"]) for kind, s in spec["providers"].items())
        active_brands = {brand for brand, members in self.cat.by_brand.items() if members}
        home = self.cat.places.get("441881") or self.cat.guangdong[0]
        providers: list[Provider] = []
        self.provider_brands: list[list[str]] = []
        names: set[str] = set()
        for i in range(self.sizes.providers):
            kind = "technical_school" if i == 0 else kinds.pick(rng)
            place = home if i == 0 else self.cat.provider_places.pick(rng)
            kind_spec = spec["providers"][kind]
            offered = [b for b in kind_spec["brands"] if b in active_brands]
            if kind == "enterprise":  # an enterprise trains for its own trade
                offered = [rng.choice(offered)]
                patterns = kind_spec["names_by_brand"][offered[0]]
            else:
                patterns = kind_spec["names"]
            for _attempt in range(20):
                name = rng.choice(patterns).format(
                    pref=prefecture_short(place.prefecture_name),
                    county=place.short,
                    trade=rng.choice(trade_names),
                )
                if name not in names:
                    break
                place = self.cat.provider_places.pick(rng)
            else:
                name = f"{name}{i + 1}分校"
            names.add(name)
            brands = offered if i == 0 else rng.sample(offered, rng.randint(1, min(3, len(offered))))
            self.provider_brands.append(brands)
            providers.append(
                Provider(
                    external_id=f"demo-prov-{i + 1:06d}",
                    name=name,
                    kind=kind,
                    county_id=place.code,
                    verified=rng.random() < 0.85,
                    contact_phone=identifiers.landline(rng, area_code=self.cat.area_code(place)),
                    address=texts.address(
                        rng,
                        place,
                        roads=self.cat.roads,
                        parks=["工业园", "产业园"] if kind == "enterprise" else (),
                    ),
                )
            )
        online = spec["online_platform"]
        online_home = self.cat.places.get("440106") or self.cat.guangdong[0]
        providers.append(
            Provider(
                external_id="demo-prov-online",
                name=online["name"],
                kind=Provider.Kind.ONLINE_PLATFORM,
                county_id=online_home.code,
                verified=True,
                contact_phone=identifiers.landline(rng, area_code="020"),
                address=texts.address(rng, online_home, roads=self.cat.roads),
            )
        )
        self.provider_brands.append([b for b in online["brands"] if b in active_brands])
        Provider.objects.bulk_create(providers, batch_size=BATCH_SIZE)
        self.providers = providers
        self.counts["providers"] = len(providers)
        create_demo_user(ACCOUNTS_BY_ROLE[User.Role.PROVIDER_STAFF], provider=providers[0])
        self.counts["demo logins"] += 1

    # --- programs and sessions ----------------------------------------------------------------------
    def _programs(self) -> None:
        rng = self.rng("programs")
        choices = self._program_choices()
        self.sessions: list[_SessionRef] = []
        self.sessions_by_occ: dict[int, list[int]] = defaultdict(list)
        drafts = [self._program(rng, i, choices) for i in range(self.sizes.programs)]
        program_rows = [draft.program for draft in drafts]
        Program.objects.bulk_create(program_rows, batch_size=BATCH_SIZE)
        self.counts["programs"] = len(program_rows)
        self.counts["program skills"] = _bulk_m2m(
            Program, "skills", [(d.program.pk, s) for d in drafts for s in d.skills]
        )
        self._sessions(rng, drafts)

    def _program_choices(self) -> _ProgramChoices:
        """What programs are drawn from: the brands with occupations, each brand's occupations
        (马兰花 courses of a variant weighted up) and the providers offering the brand."""
        cat = self.cat
        spec = cat.training
        brand_specs = {b: s for b, s in spec["brands"].items() if cat.by_brand.get(b)}
        providers_by_brand: dict[str, list[int]] = defaultdict(list)
        for index, brands in enumerate(self.provider_brands):
            for brand in brands:
                providers_by_brand[brand].append(index)
        variants = spec["brands"].get("malanhua", {}).get("variants", {})
        occupation_pick = {
            brand: Weighted(
                (i, 3.0 if texts.course_variant(cat.occupations[i], variants) else 1.0)
                for i in cat.by_brand[brand]
                if cat.occupations[i].skills
            )
            for brand in brand_specs
        }
        return _ProgramChoices(
            brand_specs=brand_specs,
            brand_pick=Weighted((b, s["weight"]) for b, s in brand_specs.items()),
            brand_cycle=list(brand_specs),
            occupation_pick=occupation_pick,
            providers_by_brand=providers_by_brand,
            variants=variants,
        )

    def _program(self, rng: random.Random, i: int, choices: _ProgramChoices) -> _ProgramDraft:
        cat = self.cat
        spec = cat.training
        brand = self._program_brand(rng, i, choices)
        bspec = choices.brand_specs[brand]
        occ = cat.occupations[choices.occupation_pick[brand].pick(rng)]
        delivery = _program_delivery(rng, bspec)
        provider = self._program_provider(rng, i, choices.providers_by_brand.get(brand) or [0], delivery)
        provider_place = cat.places[provider.county_id]
        online = delivery == Program.Delivery.ONLINE
        venue = provider_place if online else self.near(rng, provider_place, 0.8)
        certificate, level = _program_award(rng, occ)
        variant = self._program_variant(rng, occ, brand, choices.variants)
        variant_spec = choices.variants[variant] if variant else None
        hours = course_hours(rng, variant_spec["hours"] if variant_spec else bspec["hours"], level)
        title = texts.program_title(
            rng,
            titles=bspec["titles"],
            licence_titles=spec["licence_titles"],
            occ=occ,
            venue=venue,
            certificate=certificate,
            level=level,
            variant_label=variant_spec["label"] if variant_spec else None,
        )
        status = _program_status(rng)
        fee = program_fee(rng, bspec, spec["eligibility"], malanhua=brand == "malanhua")
        taught = _taught_skills(rng, occ)
        description = texts.program_description(
            spec["delivery_text"][delivery],
            [cat.skill_names[s] for s in taught[:6]],
            texts.award_line(certificate, level),
        )
        lat, lng = jitter(rng, venue)
        program = Program(
            external_id=f"demo-prog-{i + 1:06d}",
            provider_id=provider.pk,
            title=title[:128],
            brand=brand,
            occupation_id=occ.id,
            certificate_type_id=certificate.id if certificate else None,
            certificate_level=level,
            delivery=delivery,
            online_url=(
                spec["online_url"].format(number=i + 1) if delivery != Program.Delivery.OFFLINE else ""
            ),
            venue_division_id=venue.code,
            venue_address="" if online else texts.address(rng, venue, roads=cat.roads),
            latitude=lat,
            longitude=lng,
            hours=hours,
            fee=Decimal(fee.fee),
            is_free=fee.is_free,
            is_subsidised=fee.is_subsidised,
            eligibility=rng.choice(fee.eligibility).format(fee=fee.fee),
            description=description,
            status=status,
            published_at=self._program_published(rng, status),
        )
        return _ProgramDraft(program, taught, occ, venue, delivery, hours)

    @staticmethod
    def _program_brand(rng: random.Random, i: int, choices: _ProgramChoices) -> str:
        """The first programs cover every brand once; a brand without occupations with skills
        gives way to 广东技工 (or any brand that has some)."""
        brand = choices.brand_cycle[i] if i < len(choices.brand_cycle) else choices.brand_pick.pick(rng)
        picks = choices.occupation_pick
        if not picks[brand]:
            brand = "gd_technician" if picks.get("gd_technician") else next(b for b in picks if picks[b])
        return brand

    def _program_provider(self, rng: random.Random, i: int, candidates: list[int], delivery: str) -> Provider:
        """Online courses go to the online platform half of the time; the demo provider login gets
        a share of the first programs; else a provider offering the brand."""
        online_index = len(self.providers) - 1
        if (
            delivery == Program.Delivery.ONLINE
            and online_index in candidates
            and rng.random() < self.cat.training["online_platform"]["share_of_online"]
        ):
            provider_index = online_index
        elif i < 40 and 0 in candidates and i % 8 == 0:
            provider_index = 0  # the demo provider login has programs of its own
        else:
            provider_index = rng.choice([c for c in candidates if c != online_index] or candidates)
        return self.providers[provider_index]

    @staticmethod
    def _program_variant(rng: random.Random, occ: Occ, brand: str, variants: dict[str, Any]) -> str | None:
        """The 马兰花 variant a program of that brand teaches (drawn when the occupation names none)."""
        if brand != "malanhua":
            return None
        variant = texts.course_variant(occ, variants)
        if variant is None and variants:
            variant = rng.choice(sorted(variants))
        return variant

    def _program_published(self, rng: random.Random, status: str) -> dt.datetime | None:
        if status == Program.Status.DRAFT:
            return None
        if status == Program.Status.CLOSED:
            return self.clock.when(rng, 260, 760)
        return self.clock.when(rng, 10, 400)

    def _sessions(self, rng: random.Random, drafts: list[_ProgramDraft]) -> None:
        rows: list[Session] = []
        owners: list[_ProgramDraft] = []
        for draft in drafts:
            program = draft.program
            if program.status == Program.Status.DRAFT:
                continue
            for offset in self._session_starts(rng, program):
                session = self._session(rng, draft, offset)
                session.external_id = f"demo-sess-{len(rows) + 1:06d}"
                rows.append(session)
                owners.append(draft)
        Session.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.counts["sessions"] = len(rows)
        for session, draft in zip(rows, owners, strict=True):
            if session.status == Session.Status.CANCELLED:
                continue
            self.sessions.append(
                _SessionRef(
                    id=session.pk,
                    prefecture=draft.venue.prefecture_code,
                    online=draft.delivery == Program.Delivery.ONLINE,
                    status=session.status,
                    start=session.start_date,
                    end=session.end_date,
                    quota=session.enrolled_count,
                    certificate_id=draft.program.certificate_type_id,
                    certificate_level=draft.program.certificate_level,
                    skills=draft.skills,
                )
            )
            self.sessions_by_occ[draft.occ.id].append(len(self.sessions) - 1)

    def _session_starts(self, rng: random.Random, program: Program) -> list[int]:
        """Start days relative to today of a program's 1-4 sessions: past ones for a closed
        program; none before the program was published."""
        assert program.published_at is not None  # every non-draft program has been published
        published_days_ago = (self.today - program.published_at.date()).days
        count = rng.choices((1, 2, 3, 4), weights=(30, 35, 25, 10))[0]
        if program.status == Program.Status.CLOSED:
            earliest = min(700, published_days_ago - 5)
            return sorted(rng.randint(-earliest, -60) for _ in range(min(count, 3)))
        earliest = min(200, max(0, published_days_ago - 5))
        return sorted(rng.randint(-earliest, 90) for _ in range(count))

    def _session(self, rng: random.Random, draft: _ProgramDraft, offset: int) -> Session:
        """A session starting `offset` days from today: its end, seats, status and enrolments."""
        today = self.today
        online = draft.delivery == Program.Delivery.ONLINE
        start = today + dt.timedelta(days=offset)
        if online:
            duration = rng.randint(20, 60)
        else:
            per_day = rng.choice((4, 6, 8, 8))
            duration = min(120, math.ceil(draft.hours / per_day) + draft.hours // 40)
        end = start + dt.timedelta(days=max(0, duration - 1))
        if draft.program.status == Program.Status.CLOSED and end >= today:
            end = today - dt.timedelta(days=rng.randint(1, 30))
            start = min(start, end)
        seats = _session_seats(rng, draft.delivery)
        status, enrolled = self._session_status(rng, start, end, seats)
        return Session(
            program_id=draft.program.pk,
            start_date=start,
            end_date=end,
            enrol_deadline=(
                max(start - dt.timedelta(days=rng.randint(0, 7)), today) if start > today else start
            ),
            seats=seats,
            enrolled_count=enrolled,
            status=status,
        )

    def _session_status(
        self, rng: random.Random, start: dt.date, end: dt.date, seats: int
    ) -> tuple[str, int]:
        """Finished (a few cancelled), running or open (some full), and the places taken."""
        today = self.today
        if end < today:
            status = Session.Status.CANCELLED if rng.random() < 0.03 else Session.Status.FINISHED
        elif start <= today:
            status = Session.Status.RUNNING
        else:
            status = Session.Status.OPEN
        if status == Session.Status.CANCELLED:
            return status, int(seats * rng.uniform(0, 0.3))
        if status in (Session.Status.FINISHED, Session.Status.RUNNING):
            return status, int(seats * rng.uniform(0.6, 1.0))
        if rng.random() < 0.15:
            return Session.Status.FULL, seats
        return status, int(seats * rng.uniform(0, 0.9))

    # --- employers ------------------------------------------------------------------------------------
    def _employers(self) -> None:
        rng = self.rng("employers")
        cat = self.cat
        trade_names = cat.industries_data["trade_names"]
        fallback_mix = Weighted((industry, 1.0) for industry in cat.industries.values())
        codes: set[str] = set()
        names: set[str] = set()
        rows: list[Employer] = []
        self.employer_industry: list[Industry | None] = []
        self.employer_size: list[float] = []
        dongguan = cat.places.get("441900")
        for i in range(self.sizes.employers):
            place = dongguan if i == 0 and dongguan else cat.employer_places.pick(rng)
            mix = cat.industry_mix.get(place.prefecture_code) or fallback_mix
            industry = (
                cat.industries["electronics"]
                if i == 0 and "electronics" in cat.industries
                else (mix.pick(rng) if mix else None)
            )
            suffix = rng.choice(industry.names) if industry else "实业有限公司"
            for _attempt in range(20):
                trade = rng.choice(trade_names)
                style = rng.random()
                if style < 0.55:
                    prefix = place.prefecture_name if place.province == "44" else ""
                elif style < 0.8 and place.name.endswith(("市", "县")) and not place.is_prefecture:
                    prefix = place.name  # a county or county-level city: 英德市, 五华县
                else:
                    prefix = "广东"
                name = f"{prefix}{trade}{suffix}"
                if name not in names:
                    break
            else:
                name = f"{prefix}{trade}{suffix}({place.short}{i + 1}分公司)"
            names.add(name)
            category = "93" if suffix.endswith("合作社") else "92" if not suffix.endswith("公司") else "91"
            while True:
                code = identifiers.credit_code(rng, division_code=place.code, category=category)
                if code not in codes:
                    codes.add(code)
                    break
            stable = industry is not None and rng.random() < industry.stable_base * (
                1.5 if place.prefecture_code in PRD else 1.0
            )
            rows.append(
                Employer(
                    external_id=f"demo-emp-{i + 1:06d}",
                    name=name[:128],
                    credit_code=code,
                    county_id=place.code,
                    industry=industry.label if industry else "其他",
                    is_stable_employment_base=stable or i == 0,
                    contact_phone=(
                        identifiers.landline(rng, area_code=self.cat.area_code(place))
                        if rng.random() < 0.6
                        else identifiers.mobile(rng)
                    ),
                    address=texts.address(
                        rng, place, roads=cat.roads, parks=industry.parks if industry else ()
                    ),
                )
            )
            self.employer_industry.append(industry)
            self.employer_size.append(rng.lognormvariate(0, 0.9) * (3.0 if stable else 1.0))
        Employer.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        self.employers = rows
        self.counts["employers"] = len(rows)
        create_demo_user(ACCOUNTS_BY_ROLE[User.Role.EMPLOYER_STAFF], employer=rows[0])
        self.counts["demo logins"] += 1

    # --- postings ---------------------------------------------------------------------------------------
    def _postings(self) -> None:
        rng = self.rng("postings")
        cat = self.cat
        spec = cat.industries_data
        campaigns = list(spec["campaigns"].items())
        employer_pick = Weighted(enumerate(self.employer_size))
        self.postings = _PostingIndex()
        number = 0
        for chunk in _chunks(self.sizes.postings, self.chunk_size):
            rows: list[Posting] = []
            required: list[list[int]] = []
            preferred: list[list[int]] = []
            for i in chunk:
                employer_index = 0 if i < 5 else employer_pick.pick(rng)
                employer = self.employers[employer_index]
                industry = self.employer_industry[employer_index]
                occ_index = industry.occupations.pick(rng) if industry else cat.any_occupation.pick(rng)
                occ = cat.occupations[occ_index]
                home = cat.places[employer.county_id]
                place = self.near(rng, home, 0.85)
                row, req, pref = draft_posting(
                    rng,
                    cat=cat,
                    clock=self.clock,
                    occ=occ,
                    industry=industry,
                    employer=employer,
                    place=place,
                    campaigns=campaigns,
                )
                number += 1
                row.external_id = f"demo-post-{number:06d}"
                rows.append(row)
                required.append(req)
                preferred.append(pref)
            Posting.objects.bulk_create(rows, batch_size=BATCH_SIZE)
            self.counts["postings"] += len(rows)
            self.counts["posting required skills"] += _bulk_m2m(
                Posting,
                "required_skills",
                [(p.pk, s) for p, ss in zip(rows, required, strict=True) for s in ss],
            )
            self.counts["posting preferred skills"] += _bulk_m2m(
                Posting,
                "preferred_skills",
                [(p.pk, s) for p, ss in zip(rows, preferred, strict=True) for s in ss],
            )
            index = self.postings
            for row in rows:
                index.counts[row.occupation_id] += 1
                if row.status == Posting.Status.DRAFT:
                    continue
                index.by_occupation[row.occupation_id].append(row.pk)
                index.by_local[(row.occupation_id, row.division_id[:4])].append(row.pk)
                index.status[row.pk] = row.status
                index.published[row.pk] = cast(dt.datetime, row.published_at)
            reset_queries()

    # --- workers ------------------------------------------------------------------------------------------
    def _workers(self) -> None:
        rng = self.rng("workers")
        pickers = self._worker_pickers()
        worker_user = create_demo_user(ACCOUNTS_BY_ROLE[User.Role.WORKER])
        self.counts["demo logins"] += 1
        id_numbers: set[str] = set()
        for chunk in _chunks(self.sizes.workers, self.chunk_size):
            profiles: list[WorkerProfile] = []
            extras: list[_WorkerExtra] = []
            for i in chunk:
                profile, extra = self._worker(rng, i, pickers, worker_user.pk, id_numbers)
                profiles.append(profile)
                extras.append(extra)
            WorkerProfile.objects.bulk_create(profiles, batch_size=BATCH_SIZE)
            consent.consents_record_many(
                entries=[(p, e.consents) for p, e in zip(profiles, extras, strict=True)],
                channel=ConsentChannel.IMPORT,
                new_ids=[p.pk for p in profiles],
            )
            self.counts["workers"] += len(profiles)
            self._worker_relations(rng, profiles, extras)
            reset_queries()  # with DEBUG on, Django keeps every INSERT's SQL text

    def _worker_pickers(self) -> _WorkerPickers:
        cat = self.cat
        names = cat.names
        base_surnames = names["surnames"]
        # Demand decides what people do: occupations with many postings have more workers.
        mean = max(1.0, sum(self.postings.counts.values()) / max(1, len(cat.occupations)))
        return _WorkerPickers(
            surnames={
                province: Weighted(
                    {**base_surnames, **{k: base_surnames.get(k, 0) + v for k, v in boost.items()}}.items()
                )
                for province, boost in names["surname_boost"].items()
            },
            given_male=names["given"]["male"] + names["given"]["neutral"],
            given_female=names["given"]["female"] + names["given"]["neutral"],
            occupations=Weighted(
                (i, self.postings.counts.get(occ.id, 0) + 0.15 * mean)
                for i, occ in enumerate(cat.occupations)
                if occ.skills
            ),
            origins=Weighted((("44", 0.6), ("45", 0.22), ("52", 0.18))),
            demo_home=cat.places.get("441881"),
        )

    def _worker(
        self, rng: random.Random, i: int, pickers: _WorkerPickers, worker_user_id: int, id_numbers: set[str]
    ) -> tuple[WorkerProfile, _WorkerExtra]:
        """One worker (the first is the demo worker login's, at home in 英德) and what their
        skills, certificates, enrolments and applications are drawn from."""
        cat = self.cat
        demo_login = i == 0
        province = "44" if demo_login else pickers.origins.pick(rng)
        hukou = self._hukou(rng, province, pickers.demo_home if demo_login else None)
        origin = cat.prefecture_spec(hukou)
        primary = cat.occupations[pickers.occupations.pick(rng)]
        male = rng.random() >= primary.female_share
        age = min(60, max(18, int(rng.triangular(18, 58, 36))))
        birth = self._birth(rng, age)
        surname = pickers.surnames.get(province, pickers.surnames["44"]).pick(rng)
        pool = pickers.given_male if male else pickers.given_female
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.72 else "")
        current = hukou if demo_login else self._current_place(rng, province, hukou)
        away = current.code != hukou.code
        near_home = (not away and rng.random() < 0.6) or (away and rng.random() < 0.12)
        preferred = self._preferred_cities(rng, current)
        education = self._education(rng, age)
        wage_floor = self._wage_floor(rng, primary, current)
        lodging = rng.random() < (0.7 if away else 0.25)
        consent = demo_login or rng.random() < 0.97
        profile = WorkerProfile(
            external_id=f"demo-worker-{i + 1:06d}",
            user_id=worker_user_id if demo_login else None,
            name=surname + given,
            mobile=identifiers.mobile(rng),
            gender=WorkerProfile.Gender.MALE if male else WorkerProfile.Gender.FEMALE,
            ethnicity=self._pick_share(rng, origin.get("ethnicity", {"汉族": 1.0})),
            birth_year=birth.year,
            hukou_division_id=hukou.code,
            current_division_id=current.code,
            wants_work_near_home=near_home,
            max_commute_km=rng.choice((None, 5, 10, 20, 30, 50, 100)),
            willing_to_relocate=rng.random() < (0.6 if away else 0.3),
            education=education,
            wage_floor=wage_floor,
            needs_lodging=lodging,
            needs_meals=rng.random() < (0.5 if lodging else 0.3),
            needs_couple_room=away and 25 <= age <= 50 and rng.random() < 0.08,
            wants_to_start_business=rng.random() < 0.08,
            available_from=(
                self.today + dt.timedelta(days=rng.randint(0, 45)) if rng.random() < 0.7 else None
            ),
            languages=self._languages(rng, origin, current, age, province, away),
            registration_status=rng.choices(
                [s.value for s in WorkerProfile.RegistrationStatus], weights=(45, 35, 20)
            )[0],
            consent_data_processing=consent,
            consent_share_with_employers=consent and (demo_login or rng.random() < 0.8),
            consent_contact=consent and (demo_login or rng.random() < 0.75),
            registered_by_id=(
                self.staff_user.pk
                if not demo_login and self._staff_covers(hukou, current) and rng.random() < 0.6
                else None
            ),
        )
        profile.set_id_number(self._id_number(rng, hukou, birth, male, id_numbers))
        return profile, _WorkerExtra(
            primary, age, birth, current, preferred, demo_login, _take_consents(profile)
        )

    def _hukou(self, rng: random.Random, province: str, demo_home: Place | None) -> Place:
        """Where the worker's household is registered (the demo login's: `demo_home`)."""
        if demo_home:
            return demo_home
        if province == "44":
            return self.cat.gd_hukou_places.pick(rng)
        return self.cat.partner_hukou[province].pick(rng)

    def _birth(self, rng: random.Random, age: int) -> dt.date:
        """A birthday `age` years ago; everyone is at least 18."""
        today = self.today
        birth = dt.date(today.year - age, 1, 1) + dt.timedelta(days=rng.randrange(365))
        adult_from = dt.date(today.year - 18, today.month, min(today.day, 28))
        if birth > adult_from:
            birth = adult_from - dt.timedelta(days=rng.randrange(1, 365))
        return birth

    def _current_place(self, rng: random.Random, province: str, hukou: Place) -> Place:
        """Where they live now: a Guangdong worker at home, in a county town nearby, or in the
        Pearl River Delta; a worker from Guangxi or Guizhou at home or away in Guangdong."""
        cat = self.cat
        if province == "44":
            roll = rng.random()
            if roll < 0.55 or (hukou.prefecture_code in PRD and roll < 0.85):
                return hukou
            return self.near(rng, hukou, 0.0) if roll < 0.75 else cat.prd_places.pick(rng)
        if rng.random() < cat.places_data["partners"][province]["away"]:
            return cat.partner_dest[province].pick(rng)
        return hukou

    def _preferred_cities(self, rng: random.Random, current: Place) -> list[str]:
        """Where they would like to work, as the wizard asks it: Guangdong cities (地级市), never a
        county the wizard does not list. Where they live and home (for a worker who wants to work
        near home) count already; so some name nothing, some their own city, and a worker from
        outside Guangdong a city with employers."""
        if current.province == "44":
            return [_city_code(current)] if rng.random() < 0.4 else []
        return [_city_code(self.cat.employer_places.pick(rng))]

    def _wage_floor(self, rng: random.Random, primary: Occ, current: Place) -> int | None:
        """About the bottom of the occupation's band where they live (to 500 yuan); a third name none."""
        wage_factor = self.cat.wage_factor(current) if current.province == "44" else 0.75
        if rng.random() < 0.65:
            return max(2000, round(primary.wage.monthly[0] * wage_factor * rng.uniform(0.9, 1.2) / 500) * 500)
        return None

    @staticmethod
    def _id_number(rng: random.Random, hukou: Place, birth: dt.date, male: bool, taken: set[str]) -> str:
        """A valid 居民身份证 number no other demo worker has."""
        while True:
            number = identifiers.id_number(rng, division_code=hukou.code, birth=birth, male=male)
            if number not in taken:
                taken.add(number)
                return number

    def _worker_relations(
        self, rng: random.Random, profiles: list[WorkerProfile], extras: list[_WorkerExtra]
    ) -> None:
        cat = self.cat
        skills: list[tuple[int, int, int, int | None]] = []
        certificates: list[tuple[int, int, int | None, Any]] = []
        adapt_date = connections[router.db_for_write(WorkerCertificate)].ops.adapt_datefield_value
        preferred_pairs: list[tuple[int, int | str]] = []
        desired_pairs: list[tuple[int, int]] = []
        enrolments: list[Enrolment] = []
        applications: list[Application] = []
        for profile, extra in zip(profiles, extras, strict=True):
            primary = extra.primary
            occupations = [primary]
            if primary.related and rng.random() < 0.4:
                occupations.append(cat.occupations[rng.choice(primary.related)])
            held = _held_skills(rng, occupations, max_years=max(0, extra.age - 17))
            certs = self._held_certificates(rng, primary, extra.birth)
            desired = self._desired_occupations(rng, occupations)
            desired_pairs += [(profile.pk, occ_id) for occ_id in desired]
            preferred_pairs += [(profile.pk, code) for code in extra.preferred]
            enrolments += self._enrolments_for(rng, profile, desired, extra.current, held, certs, extra.demo)
            applications += self._applications_for(rng, profile, desired, extra.current, extra.demo)
            skills += [(profile.pk, skill, years, level) for skill, (years, level) in held.items()]
            certificates += [
                (profile.pk, cert, level, adapt_date(obtained)) for cert, (level, obtained) in certs.items()
            ]

        _insert(WorkerSkill, ("worker_id", "skill_id", "years", "level"), skills)
        _insert(WorkerCertificate, ("worker_id", "certificate_type_id", "level", "obtained_on"), certificates)
        Enrolment.objects.bulk_create(enrolments, batch_size=BATCH_SIZE)
        Application.objects.bulk_create(applications, batch_size=BATCH_SIZE)
        self.counts["worker skills"] += len(skills)
        self.counts["worker certificates"] += len(certificates)
        self.counts["enrolments"] += len(enrolments)
        self.counts["applications"] += len(applications)
        self.counts["worker preferred divisions"] += _bulk_m2m(
            WorkerProfile, "preferred_divisions", preferred_pairs
        )
        self.counts["worker desired occupations"] += _bulk_m2m(
            WorkerProfile, "desired_occupations", desired_pairs
        )

    def _held_certificates(
        self, rng: random.Random, primary: Occ, birth: dt.date
    ) -> dict[int, tuple[int | None, dt.date]]:
        """Certificate type id: (level, obtained on). The occupation's usual licence (drivers more
        often), sometimes its skill-level certificate, obtained since the worker turned 18."""
        certs: dict[int, tuple[int | None, dt.date]] = {}
        span = max(1, (self.today - dt.date(birth.year + 18, birth.month, min(birth.day, 28))).days)
        for licence in primary.licences[:1]:
            if rng.random() < (0.85 if licence.kind == "driving" else 0.6):
                obtained = self.today - dt.timedelta(days=rng.randint(1, min(span, 4000)))
                certs[licence.id] = (None, obtained)
        level_cert = primary.skill_level_cert()
        if level_cert and level_cert.id not in certs and rng.random() < 0.3:
            obtained = self.today - dt.timedelta(days=rng.randint(1, min(span, 4000)))
            level = rng.choices((5, 4, 3), weights=(55, 35, 10))[0]
            certs[level_cert.id] = (level, obtained)
        return certs

    def _desired_occupations(self, rng: random.Random, occupations: list[Occ]) -> list[int]:
        """The main occupation, and sometimes the second one they work in or a related one."""
        primary = occupations[0]
        desired = [primary.id]
        if len(occupations) > 1 and rng.random() < 0.5:
            desired.append(occupations[1].id)
        elif primary.related and rng.random() < 0.25:
            desired.append(self.cat.occupations[rng.choice(primary.related)].id)
        return desired

    def _enrolments_for(
        self,
        rng: random.Random,
        profile: WorkerProfile,
        desired: list[int],
        current: Place,
        held: dict[int, tuple[int, int | None]],
        certs: dict[int, tuple[int | None, dt.date]],
        demo: bool,
    ) -> list[Enrolment]:
        roll = rng.random()
        wanted = 2 if demo else (0 if roll > 0.22 else 1 if roll > 0.05 else 2)
        if not wanted:
            return []
        options = [index for occ_id in desired for index in self.sessions_by_occ.get(occ_id, ())]
        if profile.wants_to_start_business:
            options += [
                i
                for occ_index in self.cat.by_brand.get(Brand.MALANHUA, ())
                for i in self.sessions_by_occ.get(self.cat.occupations[occ_index].id, ())
            ]
        if not options:
            return []
        local = [
            i
            for i in options
            if self.sessions[i].online or self.sessions[i].prefecture == current.prefecture_code
        ]
        rows: list[Enrolment] = []
        taken: set[int] = set()
        for _ in range(wanted):
            pool = local if local and rng.random() < 0.75 else options
            index = rng.choice(pool)
            session = self.sessions[index]
            if index in taken or session.quota <= 0:
                continue
            taken.add(index)
            if session.status == Session.Status.FINISHED:
                status = rng.choices(
                    (Enrolment.Status.CERTIFIED, Enrolment.Status.COMPLETED, Enrolment.Status.DROPPED),
                    weights=(50 if session.certificate_id else 0, 35, 15),
                )[0]
                changed = session.end
            elif session.status == Session.Status.RUNNING:
                status = Enrolment.Status.ENROLLED if rng.random() < 0.88 else Enrolment.Status.DROPPED
                changed = session.start
            else:
                status = Enrolment.Status.APPLIED if rng.random() < 0.5 else Enrolment.Status.ENROLLED
                changed = min(self.today, session.start) - dt.timedelta(days=rng.randint(0, 20))
            if status != Enrolment.Status.DROPPED:
                session.quota -= 1
            staff = rng.random() < 0.3
            rows.append(
                Enrolment(
                    worker_id=profile.pk,
                    session_id=session.id,
                    status=status,
                    source=Enrolment.Source.STAFF if staff else Enrolment.Source.SELF,
                    created_by_id=self.staff_user.pk if staff and self._staff_covers(current) else None,
                    status_changed_at=dt.datetime.combine(
                        min(changed, self.today), dt.time(10, 0), tzinfo=self.clock.noon.tzinfo
                    ),
                )
            )
            if status in (Enrolment.Status.COMPLETED, Enrolment.Status.CERTIFIED):
                for skill in session.skills[:3]:
                    held.setdefault(skill, (0, session.certificate_level))
            certificate = session.certificate_id
            if status == Enrolment.Status.CERTIFIED and certificate is not None and certificate not in certs:
                certs[certificate] = (session.certificate_level, session.end)
        return rows

    def _applications_for(
        self, rng: random.Random, profile: WorkerProfile, desired: list[int], current: Place, demo: bool
    ) -> list[Application]:
        if not demo and rng.random() > 0.35:
            return []
        index = self.postings
        local = [
            pid for occ_id in desired for pid in index.by_local.get((occ_id, current.prefecture_code), ())
        ]
        anywhere = [pid for occ_id in desired for pid in index.by_occupation.get(occ_id, ())]
        if not anywhere:
            return []
        rows: list[Application] = []
        chosen: set[int] = set()
        for _ in range(3 if demo else rng.randint(1, 4)):
            pool = local if local and rng.random() < 0.6 else anywhere
            posting_id = rng.choice(pool)
            if posting_id in chosen:
                continue
            chosen.add(posting_id)
            posting_status = index.status[posting_id]
            choices: tuple[str, ...]
            weights: tuple[int, ...]
            if posting_status == Posting.Status.PUBLISHED:
                choices, weights = (
                    ("submitted", "viewed", "interview", "hired", "rejected", "withdrawn"),
                    (40, 25, 15, 8, 7, 5),
                )
            elif posting_status == Posting.Status.FILLED:
                choices, weights = (("hired", "rejected", "viewed", "withdrawn"), (30, 50, 10, 10))
            else:
                choices, weights = (("rejected", "viewed", "submitted", "withdrawn"), (40, 30, 20, 10))
            status = rng.choices(choices, weights=weights)[0]
            published = index.published[posting_id]
            age_days = max(0, (self.clock.noon - published).days)
            changed = published + dt.timedelta(
                days=rng.randint(0, min(age_days, 30)), hours=rng.randint(0, 5)
            )
            referral = rng.random() < 0.2
            rows.append(
                Application(
                    worker_id=profile.pk,
                    posting_id=posting_id,
                    status=status,
                    source=Application.Source.STAFF_REFERRAL if referral else Application.Source.SELF,
                    referred_by_id=self.staff_user.pk if referral and self._staff_covers(current) else None,
                    note="窗口工作人员推荐" if referral else "",
                    status_changed_at=min(changed, self.clock.noon),
                )
            )
        return rows

    def _staff_covers(self, *places: Place) -> bool:
        """Whether the demo staff login's service centre covers one of the places."""
        return any(place.code in self.staff_counties for place in places)

    # --- small pickers ------------------------------------------------------------------------------------
    @staticmethod
    def _pick_share(rng: random.Random, shares: dict[str, float]) -> str:
        roll = rng.random() * sum(shares.values())
        for value, share in shares.items():
            roll -= share
            if roll < 0:
                return value
        return next(iter(shares))

    @staticmethod
    def _education(rng: random.Random, age: int) -> str:
        E = WorkerProfile.Education
        if age < 30:
            weights = (3, 30, 42, 20, 5)
        elif age < 45:
            weights = (8, 47, 30, 12, 3)
        else:
            weights = (25, 50, 20, 4, 1)
        return rng.choices((E.PRIMARY, E.JUNIOR, E.SENIOR, E.COLLEGE, E.BACHELOR), weights=weights)[0]

    def _languages(
        self, rng: random.Random, origin: dict[str, Any], current: Place, age: int, province: str, away: bool
    ) -> list[str]:
        """普通话 (not always for older people from outside Guangdong), the home languages, and
        now and then 粤语 picked up while working in a Cantonese-speaking city."""
        spoken: list[str] = []
        if age < 50 or province == "44" or rng.random() < 0.85:
            spoken.append("普通话")
        for language, share in origin.get("languages", {}).items():
            if rng.random() < share and language not in spoken:
                spoken.append(language)
        if away and current.province == "44" and "粤语" not in spoken:
            local = self.cat.prefecture_spec(current).get("languages", {})
            if local.get("粤语", 0) > 0.5 and rng.random() < 0.3:
                spoken.append("粤语")
        return spoken or ["普通话"]


# --- draws of one program, session or worker (module level: they need no seeder state) -------------
def _program_delivery(rng: random.Random, bspec: dict[str, Any]) -> str:
    roll = rng.random()
    if roll < bspec["online"]:
        return Program.Delivery.ONLINE
    if roll < bspec["online"] + bspec["blended"]:
        return Program.Delivery.BLENDED
    return Program.Delivery.OFFLINE


def _program_award(rng: random.Random, occ: Occ) -> tuple[Cert | None, int | None]:
    """Mostly the occupation's first award (its skill-level certificate, where it has one)."""
    if not occ.awards:
        return None, None
    certificate = occ.awards[0] if rng.random() < 0.65 else rng.choice(occ.awards)
    level = rng.choices((5, 4, 3, 2), weights=(50, 32, 14, 4))[0] if certificate.has_levels else None
    return certificate, level


def _program_status(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.85:
        return Program.Status.PUBLISHED
    return Program.Status.DRAFT if roll < 0.93 else Program.Status.CLOSED


def _taught_skills(rng: random.Random, occ: Occ) -> list[int]:
    """Every skill of an occupation with three or fewer; else 3-8 of them."""
    skills = [skill for skill, _ in occ.skills]
    if len(skills) <= 3:
        return skills
    return sorted(rng.sample(skills, min(len(skills), rng.randint(3, 8))))


def _session_seats(rng: random.Random, delivery: str) -> int:
    if delivery == Program.Delivery.ONLINE:
        return rng.randint(10, 50) * 10
    if delivery == Program.Delivery.BLENDED:
        return rng.randint(6, 16) * 5
    return rng.randint(4, 12) * 5


def _held_skills(
    rng: random.Random, occupations: list[Occ], *, max_years: int
) -> dict[int, tuple[int, int | None]]:
    """Skill id: (years, level). 2-5 skills of the main occupation, 1-3 of a second one; years of
    experience (fewer in the second), and a level for some, higher with the years."""
    held: dict[int, tuple[int, int | None]] = {}
    for rank, occ in enumerate(occupations):
        names = [skill for skill, _ in occ.skills]
        wanted = rng.randint(2, 5) if rank == 0 else rng.randint(1, 3)
        for skill in rng.sample(names, min(len(names), wanted)):
            if skill in held:
                continue
            years = min(max_years, int(rng.expovariate(1 / (6 if rank == 0 else 2))))
            level = (
                None
                if rng.random() < 0.6
                else 5
                if years < 3
                else rng.choice((5, 4))
                if years < 8
                else rng.choice((4, 3, 3, 2))
            )
            held[skill] = (years, level)
    return held
