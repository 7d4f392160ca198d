"""The demo data set: sizes, coherence with the taxonomy, valid identifiers, determinism, logins."""

import datetime as dt
import io
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db.models import Count, Q

from backend.accounts.models import ServiceCentre, User
from backend.common.geo import haversine_km
from backend.common.validators import validate_credit_code, validate_id_number, validate_mobile
from backend.demo.catalogue import Catalogue
from backend.demo.draws import MAX_JITTER_KM
from backend.demo.generator import DemoSizes
from backend.demo.logins import DEMO_ACCOUNTS
from backend.demo.services import demo_delete, demo_digest, demo_exists, demo_seed
from backend.jobs.models import Application, Employer, Posting
from backend.occupations.models import Occupation
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from training.models import Enrolment, Program, Provider, Session

pytestmark = pytest.mark.django_db

SEED = 11
TODAY = dt.date(2024, 3, 15)
SIZES = DemoSizes.for_scale(1, programs=40, postings=240, workers=150)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """One small demo data set shared by the module (seeding is the slow part), removed after."""
    with django_db_blocker.unblock():
        seeder = demo_seed(seed=SEED, sizes=SIZES, today=TODAY)
        digest = demo_digest()
    yield seeder, digest
    with django_db_blocker.unblock():
        demo_delete()


def test_counts(demo):
    seeder, _ = demo
    assert Program.objects.count() == 40
    assert Posting.objects.count() == 240
    assert WorkerProfile.objects.count() == 150
    assert Employer.objects.count() == SIZES.employers
    assert Provider.objects.count() == SIZES.providers + 1  # and the online platform
    assert Session.objects.exists()
    assert Enrolment.objects.exists()
    assert Application.objects.exists()
    assert ServiceCentre.objects.count() >= 3
    assert seeder.counts["postings"] == 240


def test_every_brand_has_programs_with_occupations_of_that_brand(demo):
    brands_with_skills = set(Occupation.objects.filter(skills__isnull=False).values_list("brand", flat=True))
    assert set(Program.objects.values_list("brand", flat=True)) == brands_with_skills
    for program in Program.objects.select_related("occupation", "certificate_type").prefetch_related(
        "skills"
    ):
        assert program.brand == program.occupation.brand
        occupation_skills = set(program.occupation.skills.values_list("pk", flat=True))
        assert {s.pk for s in program.skills.all()} <= occupation_skills
        if program.certificate_type:
            assert program.certificate_type.occupation_id == program.occupation_id
            assert bool(program.certificate_level) == program.certificate_type.has_levels
        if program.delivery != Program.Delivery.OFFLINE:
            assert program.online_url.startswith("https://training.example.gd.cn/")


def test_postings_follow_the_occupation(demo):
    for posting in Posting.objects.select_related("occupation").prefetch_related(
        "required_skills", "preferred_skills"
    ):
        occupation_skills = set(posting.occupation.skills.values_list("pk", flat=True))
        required = {s.pk for s in posting.required_skills.all()}
        preferred = {s.pk for s in posting.preferred_skills.all()}
        assert required
        assert required <= occupation_skills
        assert preferred <= occupation_skills
        assert not required & preferred


def test_licences_for_licensed_jobs():
    catalogue = Catalogue()
    licence = {occ.name: occ.licences[0].name for occ in catalogue.occupations if occ.licences}
    assert "低压电工作业" in licence["电工"]
    assert "熔化焊接与热切割作业" in licence["焊工"]
    assert licence["中式烹调师"] == "健康证"
    assert licence["母婴护理员"] == "健康证"
    assert "驾驶证" in licence["货车司机"]


def test_credit_codes_id_numbers_and_mobiles_are_valid(demo):
    for code in Employer.objects.values_list("credit_code", flat=True):
        validate_credit_code(code)
    for worker in WorkerProfile.objects.all():
        number = worker.reveal_id_number()
        validate_id_number(number)
        assert number[:6] == worker.hukou_division_id
        assert int(number[6:10]) == worker.birth_year
        assert int(number[16]) % 2 == (1 if worker.gender == WorkerProfile.Gender.MALE else 0)
        assert worker.id_number_masked == number[:4] + "*" * 10 + number[-4:]
        validate_mobile(worker.mobile)


def test_sampled_rows_pass_model_validation(demo):
    for model in (Provider, Program, Session, Employer, Posting, WorkerProfile):
        for row in model.objects.order_by("external_id")[::7][:40]:
            row.full_clean()


def test_workers_come_from_guangdong_guangxi_and_guizhou(demo):
    provinces = Counter(
        code[:2] for code in WorkerProfile.objects.values_list("hukou_division_id", flat=True)
    )
    assert set(provinces) == {"44", "45", "52"}
    assert provinces["44"] > provinces["45"] > 0
    away = WorkerProfile.objects.filter(
        hukou_division__code__regex=r"^(45|52)", current_division__code__startswith="44"
    )
    assert away.count() > provinces["45"] // 3
    languages = Counter(
        (hukou[:2], language)
        for hukou, spoken in WorkerProfile.objects.values_list("hukou_division_id", "languages")
        for language in spoken
    )
    assert languages["45", "壮语"] > 0
    assert languages["52", "贵州话"] > 0
    assert languages["44", "壮语"] < languages["45", "壮语"]


def test_places_and_coordinates(demo):
    counties = dict(Division.objects.filter(code__startswith="44").values_list("code", "level"))
    coords = {d.code: (d.latitude, d.longitude) for d in Division.objects.filter(code__startswith="44")}
    for row in Posting.objects.values("division_id", "latitude", "longitude"):
        code = row["division_id"]
        assert counties[code] == Division.Level.COUNTY or code in ("441900", "442000")
        assert haversine_km(row["latitude"], row["longitude"], *coords[code]) <= MAX_JITTER_KM + 0.01
    assert Posting.objects.filter(division_id="441900").exists()  # the demo employer is in 东莞


def test_dates_and_statuses_are_consistent(demo):
    for posting in Posting.objects.all():
        if posting.status == Posting.Status.DRAFT:
            assert posting.published_at is None
            continue
        assert posting.published_at.date() <= TODAY
        assert posting.expires_on > posting.published_at.date()
        if posting.status == Posting.Status.PUBLISHED:
            assert posting.expires_on >= TODAY
        if posting.status == Posting.Status.EXPIRED:
            assert posting.expires_on < TODAY
        if posting.wage_type == Posting.WageType.MONTHLY:
            assert 1000 <= posting.wage_min < posting.wage_max
        else:
            assert posting.rate > 0
            assert posting.rate_unit
    for session in Session.objects.all():
        assert session.start_date <= session.end_date
        assert session.enrolled_count <= session.seats
        if session.status == Session.Status.FINISHED:
            assert session.end_date < TODAY
        if session.status in (Session.Status.OPEN, Session.Status.FULL):
            assert session.start_date > TODAY
    taken = Session.objects.annotate(
        taken=Count("enrolments", filter=~Q(enrolments__status=Enrolment.Status.DROPPED))
    ).values_list("taken", "enrolled_count")
    assert all(taken_ <= enrolled for taken_, enrolled in taken)
    statuses = Counter(Posting.objects.values_list("status", flat=True))
    assert statuses[Posting.Status.PUBLISHED] > sum(statuses.values()) / 2
    assert Posting.objects.filter(campaign="南粤春暖").exists()
    assert Posting.objects.exclude(wage_type=Posting.WageType.MONTHLY).exists()


def test_demo_logins_authenticate_with_their_roles_and_links(demo):
    for account in DEMO_ACCOUNTS:
        user = authenticate(username=account.username, password=account.password)
        assert user is not None, account.username
        assert user.role == account.role
    assert User.objects.get(username="worker").worker_profile.external_id == "demo-worker-000001"
    assert User.objects.get(username="provider").provider.external_id == "demo-prov-000001"
    assert User.objects.get(username="provider").provider.programs.exists()
    assert User.objects.get(username="employer").employer.postings.exists()
    staff = User.objects.get(username="staff")
    assert 1 <= staff.service_centre.counties.count() <= 3
    admin = User.objects.get(username="admin")
    assert admin.is_superuser
    assert admin.is_staff


def test_same_seed_same_rows_other_seed_other_rows(demo):
    _, digest = demo
    demo_delete()
    assert not demo_exists()
    demo_seed(seed=SEED, sizes=SIZES, today=TODAY)
    assert demo_digest() == digest
    demo_delete()
    demo_seed(seed=SEED + 1, sizes=SIZES, today=TODAY)
    assert demo_digest() != digest


def test_seed_demo_refuses_existing_demo_data_unless_reset(demo):
    with pytest.raises(CommandError, match="--reset"):
        call_command("seed_demo", "--scale", "0.01", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--reset", "--scale", "0.01", "--today", "2024-03-15", stdout=out)
    assert "Deleted" in out.getvalue()
    assert "Demo data written" in out.getvalue()
    assert Posting.objects.count() == 50


def test_setup_demo_seeds_once_and_always_prints_the_logins(demo):
    out = io.StringIO()
    call_command("setup_demo", stdout=out)
    text = out.getvalue()
    assert "already loaded" in text
    assert Posting.objects.count() == 240
    for account in DEMO_ACCOUNTS:
        assert account.username in text
        assert account.password in text
