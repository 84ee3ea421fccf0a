"""factory_boy factories, one per model, with traits for the states tests need."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User, issue_candidate_number

DEFAULT_PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"candidate{n}@example.org")
    candidate_number = factory.LazyFunction(issue_candidate_number)
    civility = "mme"
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    birth_date = datetime.date(1999, 5, 17)
    activated_at = factory.LazyFunction(timezone.now)
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    class Params:
        unactivated = factory.Trait(activated_at=None)
        staff = factory.Trait(is_staff=True, is_superuser=True)

    @factory.post_generation
    def email_address(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(
                user=self, email=self.email, primary=True, verified=self.activated_at is not None
            )


# --- dossiers -------------------------------------------------------------------------------

from dossiers.models import (  # noqa: E402 (appended section, one per app)
    Commune,
    Dossier,
    Experience,
    ExternalCursus,
    Internship,
    PersonalInfo,
)


class DossierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dossier

    user = factory.SubFactory(UserFactory)
    number = factory.LazyAttribute(lambda o: o.user.candidate_number)


class PersonalInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonalInfo

    dossier = factory.SubFactory(DossierFactory)
    civility = "mme"
    birth_name = "Martin"
    first_names = "Camille"
    birth_date = datetime.date(1999, 5, 17)
    birth_country = "FR"
    birth_commune = factory.LazyFunction(lambda: Commune.objects.filter(insee_code="31555").first())
    nationality = "FR"
    ine = ""
    phone = "+33561000000"


class ExternalCursusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ExternalCursus

    dossier = factory.SubFactory(DossierFactory)
    year = 2020
    institution = "Université de Bordeaux"
    country = "FR"
    diploma = factory.Sequence(lambda n: f"Licence {n}")
    level = "bac+3"
    obtained = "yes"


class InternshipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Internship

    dossier = factory.SubFactory(DossierFactory)
    year = 2021
    organisation = factory.Sequence(lambda n: f"Organisation {n}")
    duration_weeks = 8
    hours_per_week = 35


class ExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Experience

    dossier = factory.SubFactory(DossierFactory)
    start_date = datetime.date(2015, 9, 1)
    employer = factory.Sequence(lambda n: f"Employer {n}")
    position = "Technician"
    work_time = "full"
