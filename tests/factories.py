"""Factories for every model, so a test builds only what it is about."""

import base64
import datetime as dt
import time
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accompaniment.models import CollectiveAction, Holder, Meeting, Project
from dla.models import CollectiveEngineering, Provider, Step, StepKind, Structure
from generateur.models import TerritorialAction, TerritorialProject, Territory
from pes21.models import User
from pes21.roles import DIRECTOR, STAFF, VOLUNTEER
from public.models import Opening, Registration, new_token
from volunteers.models import Skill, Volunteer


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    # A test that sends digests says who receives one (accounts get Monday by default).
    digest_weekday = None
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", "motdepasse-test")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def staff_user(**kwargs) -> User:
    return UserFactory(role=STAFF, **kwargs)


def director_user(**kwargs) -> User:
    return UserFactory(role=DIRECTOR, **kwargs)


def volunteer_user(**kwargs) -> User:
    return UserFactory(role=VOLUNTEER, **kwargs)


def with_second_factor(user: User) -> tuple[TOTPDevice, list[str]]:
    """Two-factor sign-in turned on for `user`: its authenticator and its backup codes."""
    device = TOTPDevice.objects.create(user=user, name="Application", confirmed=True)
    backup = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [f"code{n:04d}" for n in range(3)]
    for code in codes:
        StaticToken.objects.create(device=backup, token=code)
    User.objects.filter(pk=user.pk).update(second_factor=True)
    user.second_factor = True
    return device, codes


def totp_code(device_or_secret, *, steps_ahead: int = 0) -> str:
    """The code an authenticator shows now (or `steps_ahead` periods of 30 s later), from a
    device or from the secret the setup page shows."""
    if isinstance(device_or_secret, str):
        secret = device_or_secret.replace(" ", "")
        key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    else:
        key = device_or_secret.bin_key
    generator = TOTP(key)
    generator.time = time.time() + 30 * steps_ahead
    return f"{generator.token():06d}"


class HolderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Holder

    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"porteur{n}@example.org")
    commune = "Dijon"
    postal_code = "21000"


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Projet {n}")
    received_on = dt.date(2022, 3, 1)

    @factory.post_generation
    def holders(self, create, extracted, **kwargs):
        if not create:
            return
        self.holders.set(extracted if extracted is not None else [HolderFactory()])


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    project = factory.SubFactory(ProjectFactory)
    date = dt.date(2022, 4, 1)
    duration_minutes = 60


class CollectiveActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveAction

    date = dt.date(2022, 5, 1)
    kind = "atelier"
    series = "crdva"
    title = factory.Sequence(lambda n: f"Atelier {n}")
    participants = 10
    hours = Decimal(3)


class StructureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Structure

    name = factory.Sequence(lambda n: f"Structure {n}")
    employees = 5
    commune = "Dijon"


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    name = factory.Sequence(lambda n: f"Prestataire {n}")


class CollectiveEngineeringFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CollectiveEngineering

    ref = factory.Sequence(lambda n: f"IC-{n}")
    provider = factory.SubFactory(ProviderFactory)


class StepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Step

    structure = factory.SubFactory(StructureFactory)
    kind = StepKind.RECEPTION
    date = dt.date(2022, 6, 1)


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    kind = "commune"
    insee_code = "21231"


class TerritorialProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialProject

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Projet de territoire {n}")
    started_on = dt.date(2022, 1, 1)


class TerritorialActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritorialAction

    project = factory.SubFactory(TerritorialProjectFactory)
    date = dt.date(2022, 3, 1)
    kind = "atelier"
    participants = 12


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"compétence {n}")


class VolunteerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Volunteer

    last_name = factory.Faker("last_name", locale="fr_FR")
    first_name = factory.Faker("first_name", locale="fr_FR")
    joined_on = dt.date(2020, 1, 1)


class OpeningFactory(factory.django.DjangoModelFactory):
    """A collective action three weeks ahead, open to registration from the public page."""

    class Meta:
        model = Opening

    action = factory.SubFactory(
        CollectiveActionFactory,
        date=factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=21)),
        kind="evenement",
        series="club_entrepreneurs",
        participants=None,
    )
    capacity = 3
    closes_on = factory.LazyAttribute(lambda o: o.action.date)
    starts_at = dt.time(18, 30)
    ends_at = dt.time(20, 30)
    place = "Pôle d'Économie Solidaire 21, 12 avenue Gustave Eiffel, Dijon"
    description = "Une soirée du Club des entrepreneurs de l'ESS."


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A registration made earlier (its link's secret is unknown: tests that follow a link
    register through the service, which e-mails it)."""

    class Meta:
        model = Registration

    opening = factory.SubFactory(OpeningFactory)
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"inscrit{n}@example.org")
    token_hash = factory.LazyFunction(lambda: new_token()[1])
    consent_at = factory.LazyFunction(timezone.now)
    notice_version = "2026-12-01"


def report_edition(*, year: int):
    """The year's edition of the report, as the report's pages start it."""
    from reporting.models import ReportEdition

    return ReportEdition.objects.get_or_create(year=year)[0]
