"""Publication: by a president (or the staff) from the publication date, automatically at it
for decisions recorded before; one mail per candidate in their language, the favourable one
with the admission letter (centre template, overridden per programme, signatory and
signature), which the candidate also downloads from their application page."""

import datetime
import io
import logging

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from candidatures.workflow import stage_of
from commissions.letters import letter_context
from commissions.models import AdmissionLetter, UnfavourableReason
from commissions.services import commission_decide
from notifications.models import Outbox
from tests.factories import CandidatureFactory, DossierFactory, centre_staff

pytestmark = pytest.mark.django_db

# A 1x1 transparent PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6300010000000500010d0a2db40000000049454e44ae426082"
)


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def decided(commission, programme, member):
    """Three decisions recorded before the publication date: favourable (French candidate),
    unfavourable (English candidate), preselected."""
    reason = UnfavourableReason.objects.create(
        label_fr="Capacité d'accueil atteinte", label_en="The programme is full"
    )
    favourable, unfavourable, preselected = (
        CandidatureFactory(programme=programme, complete=True) for _ in range(3)
    )
    unfavourable.dossier.user.language = "en"
    unfavourable.dossier.user.save()
    commission_decide(actor=member, candidature=favourable, decision="favourable")
    commission_decide(
        actor=member, candidature=unfavourable, decision="unfavourable", reason=reason
    )
    commission_decide(
        actor=member,
        candidature=preselected,
        decision="preselected",
        interview_at=programme.publication_at + datetime.timedelta(days=5),
        interview_place="Salle GS 027",
    )
    return favourable, unfavourable, preselected


def publish_from_the_list(client, president, rows):
    client.force_login(president)
    return client.post(
        reverse("commissions:bulk"),
        {"selected": [c.pk for c in rows], "action": "publish"},
        follow=True,
    )


def test_the_president_publishes_and_each_candidate_gets_one_mail(
    client,
    decided,
    programme,
    president,
    time_machine,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    favourable, unfavourable, preselected = decided
    AdmissionLetter.objects.create(
        centre=programme.centre,
        body_fr="Madame, Monsieur,\n\nLa commission de {centre} vous admet en {programme}.",
        body_en="The {centre} committee admits you to {programme}.",
        signatory_name="Claire Dubois",
        signatory_title="Directrice de l'UFR",
    )
    time_machine.move_to(programme.publication_at, tick=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_from_the_list(client, president, decided)
    assert "3 décisions sont en cours de publication" in response.content.decode()
    for candidature in decided:
        candidature.refresh_from_db()
        assert candidature.decision_published_at == programme.publication_at
    assert sorted(m.to[0] for m in mailoutbox) == sorted(c.dossier.user.email for c in decided)
    mails = {m.to[0]: m for m in mailoutbox}
    letter_mail = mails[favourable.dossier.user.email]
    ((name, content, mimetype),) = letter_mail.attachments
    assert mimetype == "application/pdf" and name.endswith(f"{programme.code}.pdf")
    text = pdf_text(content)
    assert "vous admet en Master Psychologie sociale" in text
    assert "Claire Dubois" in text and "Directrice de l'UFR" in text
    assert "The programme is full" in mails[unfavourable.dossier.user.email].body
    assert "Salle GS 027" in mails[preselected.dossier.user.email].body
    # Publishing again changes and mails nothing.
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_from_the_list(client, president, decided)
    assert "Aucune des décisions choisies" in response.content.decode()
    assert len(mailoutbox) == 3


def test_before_the_publication_date_nothing_is_published(
    client, decided, president, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = publish_from_the_list(client, president, decided)
    assert "Aucune des décisions choisies ne peut être publiée maintenant." in (
        response.content.decode()
    )
    assert mailoutbox == [] and all(
        stage_of(c) == "decided" for c in decided if not c.refresh_from_db()
    )


def test_the_scheduled_job_publishes_at_the_date_what_was_decided_before(
    decided, programme, member, time_machine, mailoutbox, capsys
):
    favourable, unfavourable, preselected = decided
    call_command("publish_decisions")
    assert "0 decision(s) published" in capsys.readouterr().out
    time_machine.move_to(programme.publication_at + datetime.timedelta(minutes=1), tick=False)
    # A decision changed after the date waits for a president.
    commission_decide(actor=member, candidature=preselected, decision="favourable")
    call_command("publish_decisions", "--dry-run")
    assert "2 decision(s) to publish" in capsys.readouterr().out
    from jobs.tasks import run_job

    # What the beat runs (the job's schedule from the registry), with its run log.
    run_job.delay("candidatures.publish_decisions").get()
    from jobs.models import JobRun

    assert JobRun.objects.get(trigger="schedule", job="candidatures.publish_decisions").summary == (
        "2 decision(s) published, 0 skipped."
    )
    for candidature in decided:
        candidature.refresh_from_db()
    assert [stage_of(c) for c in decided] == ["favourable", "unfavourable", "decided"]
    call_command("publish_decisions")
    assert "0 decision(s) published" in capsys.readouterr().out
    assert Outbox.objects.count() == 2


def test_staff_publish_from_the_admin(
    client, decided, programme, time_machine, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Permission

    staff = centre_staff(programme.centre)
    staff.user_permissions.add(Permission.objects.get(codename="view_candidature"))
    foreign = CandidatureFactory(decided=True, programme__publication_at=programme.publication_at)
    time_machine.move_to(programme.publication_at, tick=False)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:candidatures_candidature_changelist"),
            {
                "action": "publish_decisions",
                # Another centre's application slipped in: the workflow refuses it.
                "_selected_action": [c.pk for c in decided] + [foreign.pk],
            },
        )
    for candidature in decided:
        candidature.refresh_from_db()
        assert candidature.decision_published_at is not None
    foreign.refresh_from_db()
    assert foreign.decision_published_at is None


def test_the_programme_letter_wins_over_the_centre_one_and_carries_the_signature(
    application, programme
):
    AdmissionLetter.objects.create(centre=programme.centre, body_fr="Lettre du centre", body_en="-")
    assert letter_context(application)["letter_paragraphs"] == ["Lettre du centre"]
    letter = AdmissionLetter.objects.create(
        programme=programme,
        body_fr="Bienvenue {candidate} en {code}.\n\nÀ bientôt {inconnu}.",
        body_en="Welcome",
        signatory_name="Jean Martin",
    )
    letter.signature.save("signature.png", ContentFile(PNG))
    context = letter_context(application)
    name = application.dossier.user.get_full_name()
    assert context["letter_paragraphs"] == [
        f"Bienvenue {name} en {programme.code}.",
        "À bientôt {inconnu}.",
    ]
    assert context["signature_src"].startswith("data:image/png;base64,")


def test_the_candidate_downloads_the_letter_once_published(
    client, application, member, president, time_machine, django_capture_on_commit_callbacks
):
    url = reverse("candidatures:admission_letter", args=[application.pk])
    commission_decide(actor=member, candidature=application, decision="favourable")
    client.force_login(application.dossier.user)
    assert client.get(url).status_code == 404  # not published yet
    time_machine.move_to(application.programme.publication_at, tick=False)
    from candidatures.workflow import candidature_publish

    candidature_publish(candidature=application, actor=president, actor_kind="commission")
    client.force_login(application.dossier.user)  # the session ran out during the travel
    page = client.get(reverse("candidatures:detail", args=[application.pk])).content.decode()
    assert url in page
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "no-store"
    assert (
        "Lettre d'admission" in pdf_text(response.content)
        or "admission" in pdf_text(response.content).lower()
    )
    client.force_login(DossierFactory().user)
    assert client.get(url).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_no_letter_is_drawn_while_the_row_is_locked(
    decided, programme, president, time_machine, caplog
):
    from candidatures.workflow import candidature_publish

    favourable = decided[0]
    time_machine.move_to(programme.publication_at, tick=False)
    with caplog.at_level(logging.WARNING, logger="candidatures.mail"):
        candidature_publish(candidature=favourable, actor=president, actor_kind="commission")
    assert "rendered inside its transition" not in caplog.text
    assert Outbox.objects.get().attachments.count() == 1
