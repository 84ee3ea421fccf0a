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
