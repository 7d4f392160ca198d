"""factory_boy factories for the domain. Reference data (divisions, taxonomy) comes from the
loaded tables, so factories pick real rows rather than inventing codes."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.utils import timezone

from backend.accounts.models import ServiceCentre, User
from backend.common.validators import credit_code_check_char, id_number_check_char
from backend.jobs.models import Application, Employer, Posting
from backend.occupations.models import Brand, Occupation
from backend.regions.models import Division
from backend.workers.models import WorkerProfile
from training.models import Enrolment, Program, Provider, Session


def division(code: str = "441881") -> Division:  # 英德市 by default
    return Division.objects.get(code=code)


def occupation(name: str | None = None) -> Occupation:
    qs = Occupation.objects.all()
    return qs.get(name=name) if name else qs.order_by("slug").first()  # type: ignore[return-value]


def valid_credit_code(n: int) -> str:
    first17 = f"91441881MA{n:07d}"[:17]
    return first17 + credit_code_check_char(first17)


def valid_id_number(n: int, county: str = "441881") -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000)
    first17 = f"{county}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = User.Role.WORKER
    password = factory.PostGenerationMethodCall("set_password", "pw-test-123")


class ServiceCentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceCentre
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"服务中心{n}")

    @factory.post_generation
    def counties(self, create, extracted, **kwargs):
        codes = extracted or ["441881"]
        self.counties.set(Division.objects.filter(code__in=codes))


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    external_id = factory.Sequence(lambda n: f"prov-{n}")
    name = factory.Sequence(lambda n: f"培训学校{n}")
    kind = Provider.Kind.TRAINING_INSTITUTION
    county = factory.LazyFunction(division)
    verified = True


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    external_id = factory.Sequence(lambda n: f"prog-{n}")
    provider = factory.SubFactory(ProviderFactory)
    title = factory.Sequence(lambda n: f"培训项目{n}")
    brand = Brand.GD_TECHNICIAN
    occupation = factory.LazyFunction(occupation)
    venue_division = factory.LazyFunction(division)
    hours = 80
    is_free = True
    status = Program.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    external_id = factory.Sequence(lambda n: f"sess-{n}")
    program = factory.SubFactory(ProgramFactory)
    start_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=14))
    end_date = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=44))
    seats = 30


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    external_id = factory.Sequence(lambda n: f"emp-{n}")
    name = factory.Sequence(lambda n: f"英德制造有限公司{n}")
    credit_code = factory.Sequence(valid_credit_code)
    county = factory.LazyFunction(division)
    industry = "制造业"


class PostingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Posting

    external_id = factory.Sequence(lambda n: f"post-{n}")
    employer = factory.SubFactory(EmployerFactory)
    title = factory.Sequence(lambda n: f"招聘岗位{n}")
    occupation = factory.LazyFunction(occupation)
    headcount = 5
    wage_min = 4000
    wage_max = 6000
    division = factory.LazyAttribute(lambda o: o.employer.county)
    status = Posting.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    expires_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=30))


_id_sequence = itertools.count(1)


class WorkerProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkerProfile
        skip_postgeneration_save = True

    external_id = factory.Sequence(lambda n: f"worker-{n}")
    name = factory.Sequence(lambda n: f"劳动者{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}"[:11])
    current_division = factory.LazyFunction(division)
    consent_data_processing = True

    @factory.post_generation
    def id_number(self, create, extracted, **kwargs):
        self.set_id_number(extracted or valid_id_number(next(_id_sequence)))
        if create:
            self.save()


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application

    worker = factory.SubFactory(WorkerProfileFactory)
    posting = factory.SubFactory(PostingFactory)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    worker = factory.SubFactory(WorkerProfileFactory)
    session = factory.SubFactory(SessionFactory)
