"""factory_boy factories, one per model, with traits for the states tests need."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User, issue_candidate_number

DEFAULT_PASSWORD = "correct-horse-battery-staple"
# The sign-up form's fields but the two email ones.
SIGNUP_FORM = {
    "civility": "m",
    "last_name": "Petit",
    "first_name": "Jean",
    "birth_date": "1990-01-01",
    "password1": "un-mot-de-passe-solide",
    "password2": "un-mot-de-passe-solide",
}


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
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    number = factory.LazyAttribute(lambda o: o.user.candidate_number)

    @factory.post_generation
    def filled(self, create, extracted, **kwargs):
        """``filled=True``: every section a programme may require is filled (the real
        submission check then finds nothing missing in the dossier)."""
        if not (create and extracted):
            return
        from dossiers.models import Address, Baccalaureate, BacKind

        PersonalInfoFactory(dossier=self)
        Address.objects.create(dossier=self, line1="5 allées Antonio Machado")
        Baccalaureate.objects.create(dossier=self, kind=BacKind.NONE)
        self.has_no_external_cursus = self.has_no_internships = self.has_no_experiences = True
        self.save(
            update_fields=["has_no_external_cursus", "has_no_internships", "has_no_experiences"]
        )


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


# --- candidatures ---------------------------------------------------------------------------

from candidatures.models import (  # noqa: E402 (appended section, one per app)
    Campaign,
    Candidature,
    Centre,
    Programme,
)

# Offsets in days from now of each programme date, per window.
PROGRAMME_WINDOWS = {
    "open": {"opens_at": -10, "closes_at": 10, "return_deadline": 20, "jury_at": 30},
    "future": {"opens_at": 10, "closes_at": 30, "return_deadline": 40, "jury_at": 50},
    "closed": {"opens_at": -60, "closes_at": -30, "return_deadline": -20, "jury_at": -10},
}


def _programme_date(window: str, name: str):
    offsets = PROGRAMME_WINDOWS[window]
    # Publication 10 days after the jury, confirmation 10 days after publication.
    days = {
        **offsets,
        "publication_at": offsets["jury_at"] + 10,
        "confirmation_deadline": offsets["jury_at"] + 20,
    }[name]
    return timezone.now() + datetime.timedelta(days=days)


class CampaignFactory(factory.django.DjangoModelFactory):
    """The active campaign by default (one at a time: shared through get_or_create)."""

    class Meta:
        model = Campaign
        django_get_or_create = ("code",)

    code = "2026"
    label = "Campagne 2026-2027"
    is_active = True

    class Params:
        archived = factory.Trait(
            code=factory.Sequence(lambda n: f"A{n}"),
            label="Campagne archivée",
            is_active=False,
            archived_at=factory.LazyFunction(timezone.now),
        )


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre

    name = factory.Sequence(lambda n: f"Centre {n}")
    contact_email = factory.Sequence(lambda n: f"centre{n}@univ.example.org")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    """Open for applications by default; traits ``future`` and ``closed`` move every date."""

    class Meta:
        model = Programme

    class Params:
        window = "open"
        open = factory.Trait(window="open")
        future = factory.Trait(window="future")
        closed = factory.Trait(window="closed")

    campaign = factory.SubFactory(CampaignFactory)
    centre = factory.SubFactory(CentreFactory)
    code = factory.Sequence(lambda n: f"P{n:04d}")
    title = factory.Sequence(lambda n: f"Master {n}")
    capacity = 30
    opens_at = factory.LazyAttribute(lambda o: _programme_date(o.window, "opens_at"))
    closes_at = factory.LazyAttribute(lambda o: _programme_date(o.window, "closes_at"))
    return_deadline = factory.LazyAttribute(lambda o: _programme_date(o.window, "return_deadline"))
    jury_at = factory.LazyAttribute(lambda o: _programme_date(o.window, "jury_at"))
    publication_at = factory.LazyAttribute(lambda o: _programme_date(o.window, "publication_at"))
    confirmation_deadline = factory.LazyAttribute(
        lambda o: _programme_date(o.window, "confirmation_deadline")
    )


_now = factory.LazyFunction(timezone.now)


class CandidatureFactory(factory.django.DjangoModelFactory):
    """A draft application; one trait per workflow stage (named as ``workflow.Stage``) sets
    the fields that stage implies. Tests use them to start from a stage, never to skip the
    workflow they are testing."""

    class Meta:
        model = Candidature

    # A dossier ready to submit: the real submission check (documents and sections) runs in
    # every test; a test about missing sections passes its own dossier.
    dossier = factory.SubFactory(DossierFactory, filled=True)
    programme = factory.SubFactory(ProgrammeFactory)

    class Params:
        draft = factory.Trait(status="draft")
        received = factory.Trait(status="received", submitted_at=_now)
        incomplete = factory.Trait(
            status="incomplete", submitted_at=_now, incomplete_comment="Relevé de notes illisible"
        )
        cancelled = factory.Trait(status="cancelled")
        complete = factory.Trait(status="complete", submitted_at=_now)
        decided = factory.Trait(complete=True, decision="favourable")
        preselected = factory.Trait(
            complete=True, decision="preselected", decision_published_at=_now
        )
        favourable = factory.Trait(complete=True, decision="favourable", decision_published_at=_now)
        unfavourable = factory.Trait(
            complete=True, decision="unfavourable", decision_published_at=_now
        )
        waitlisted = factory.Trait(
            complete=True,
            decision="waitlisted",
            waitlist_rank=1,
            decision_published_at=_now,
            programme__has_waiting_list=True,
        )
        confirmed = factory.Trait(favourable=True, answer="confirmed", answered_at=_now)
        withdrawn = factory.Trait(favourable=True, answer="withdrawn", answered_at=_now)


class OutboxFactory(factory.django.DjangoModelFactory):
    """A mail already written (rendered) to a candidate; sent unless a trait says otherwise."""

    class Meta:
        model = "notifications.Outbox"

    event = "application_received"
    object_key = factory.Sequence(lambda n: f"candidature:{n}:received")
    idempotency_key = factory.Sequence(lambda n: f"{n:064d}")
    recipient = factory.SubFactory(UserFactory)
    to_address = factory.LazyAttribute(lambda o: o.recipient.email)
    language = "fr"
    message_id = factory.Sequence(lambda n: f"<{n}@ecandidat>")
    subject = factory.Sequence(lambda n: f"[ecandidat] Candidature réceptionnée {n}")
    body_text = "Bonjour,\n\nNous avons bien reçu votre candidature.\nhttps://example.org/c/1/\n"
    body_html = "<p>Bonjour,</p>"
    status = "sent"
    attempts = 1
    sent_at = factory.LazyFunction(timezone.now)
    smtp_response = "250 2.0.0 Ok: queued"

    class Params:
        pending = factory.Trait(status="pending", attempts=0, sent_at=None, smtp_response="")
        failed = factory.Trait(
            status="failed", attempts=8, sent_at=None, smtp_response="", last_error="451 busy"
        )


# --- pieces ---------------------------------------------------------------------------------

from pieces.models import Piece, PieceType, RequiredPiece  # noqa: E402 (appended section)


class PieceTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PieceType

    label_fr = factory.Sequence(lambda n: f"Pièce {n}")
    label_en = factory.Sequence(lambda n: f"Document {n}")
    order = factory.Sequence(lambda n: n)


class RequiredPieceFactory(factory.django.DjangoModelFactory):
    """Asked for by a programme (pass ``programme=None, centre=...`` for a whole centre)."""

    class Meta:
        model = RequiredPiece

    piece_type = factory.SubFactory(PieceTypeFactory)
    programme = factory.SubFactory(ProgrammeFactory)


class PieceFactory(factory.django.DjangoModelFactory):
    """A sent PDF (stored in the default storage)."""

    class Meta:
        model = Piece

    candidature = factory.SubFactory(CandidatureFactory)
    piece_type = factory.SubFactory(PieceTypeFactory)
    file = factory.django.FileField(filename="piece.pdf", data=b"%PDF-1.4 test")
    original_name = "piece.pdf"
    size = 13
    content_type = "application/pdf"
    status = "uploaded"
    uploaded_at = factory.LazyFunction(timezone.now)


# --- back office ----------------------------------------------------------------------------


def centre_staff(*centres, totp=True, **fields) -> User:
    """A centre staff member (« gestionnaire ») of ``centres``, with a real TOTP authenticator
    unless ``totp=False`` (the secret is on ``user.totp_secret`` to sign in with codes)."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth.models import Group, Permission

    from candidatures.roles import ensure_groups

    user = UserFactory(is_staff=True, **fields)
    staff_group, _central = ensure_groups(Group, Permission)
    user.groups.add(staff_group)
    for centre in centres:
        centre.staff.add(user)
    if totp:
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


def central_admin(*, totp=True, **fields) -> User:
    """A central administrator (« scolarité centrale »): every centre."""
    from django.contrib.auth.models import Group, Permission

    from candidatures.roles import ensure_groups

    user = centre_staff(totp=totp, **fields)
    user.groups.set([ensure_groups(Group, Permission)[1]])
    return user


# --- commissions ----------------------------------------------------------------------------

from commissions.models import Commission, CommissionMember  # noqa: E402 (appended section)


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commission

    name = factory.Sequence(lambda n: f"Commission {n}")
    centre = factory.SubFactory(CentreFactory)


def commission_with(*programmes, members=(), presidents=(), **fields) -> Commission:
    """A commission of the first programme's centre examining ``programmes``."""
    if programmes and "centre" not in fields:
        fields["centre"] = programmes[0].centre
    commission = CommissionFactory(**fields)
    commission.programmes.add(*programmes)
    for user in members:
        CommissionMember.objects.create(commission=commission, user=user)
    for user in presidents:
        CommissionMember.objects.create(commission=commission, user=user, is_president=True)
    return commission


def reviewer_of(*programmes, president=False, **fields) -> User:
    """A commission member (not staff) examining ``programmes``."""
    user = UserFactory(**fields)
    commission_with(
        *programmes, members=[] if president else [user], presidents=[user] if president else []
    )
    return user
