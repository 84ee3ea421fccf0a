"""Demo offer: the active campaign, two centres, programmes whose windows are open, not yet
open and closed (dates relative to today, so the demo stays usable), and two applications
made through the workflow (drafts of Camille and Karim). Idempotent.

Nothing is submitted here: submitting freezes the personal information, and dossiers.demo
saves it again on every run."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from dossiers.services import dossier_create

from .models import Campaign, Candidature, Centre, Programme
from .workflow import candidature_create

FORMATION_CONTINUE = "Service de la formation continue"
PSYCHOLOGY = "UFR de Psychologie"

# code, title, centre, window (days from today: opens, closes), waiting list, optional sections
PROGRAMMES = [
    ("FC-DIPL", "Formations diplômantes", FORMATION_CONTINUE, (-15, 30), False, []),
    (
        "FC-REPRISE",
        "Reprise d'études",
        FORMATION_CONTINUE,
        (-15, 30),
        True,
        ["external_cursus", "internships"],
    ),
    ("PSY-L3", "Licence 3 Psychologie", PSYCHOLOGY, (-20, 20), False, []),
    ("PSY-M1", "Master Psychologie sociale", PSYCHOLOGY, (20, 60), True, []),
    ("PSY-DU", "DU Psychologie du travail", PSYCHOLOGY, (-90, -30), False, []),
]


def _dates(opens: int, closes: int) -> dict:
    today = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    return {
        "opens_at": today + timedelta(days=opens),
        "closes_at": today + timedelta(days=closes),
        "return_deadline": today + timedelta(days=closes + 10),
        "jury_at": today + timedelta(days=closes + 20),
        "publication_at": today + timedelta(days=closes + 25),
        "confirmation_deadline": None,
        "confirmation_days": 8,
    }


def _apply(email: str, code: str) -> str | None:
    user = User.objects.filter(email=email).first()
    if user is None:
        return None
    dossier = dossier_create(user=user)
    programme = Programme.objects.get(campaign__is_active=True, code=code)
    candidature = Candidature.objects.filter(dossier=dossier, programme=programme).first()
    if candidature is None:
        candidature = candidature_create(dossier=dossier, programme=programme, actor=user)
    return f"application: {email} → {programme.title} ({candidature.get_status_display()})"


def populate():
    """Returns the lines to print."""
    campaign = Campaign.objects.filter(is_active=True).first()
    if campaign is None:
        campaign = Campaign.objects.create(code="2026", label="Campagne 2026-2027", is_active=True)
    centres = {
        FORMATION_CONTINUE: Centre.objects.update_or_create(
            name=FORMATION_CONTINUE,
            defaults={
                "contact_email": "formations.diplomantes@univ-tlse2.fr",
                "copy_mails_to_contact": True,
                "max_applications": 3,
            },
        )[0],
        PSYCHOLOGY: Centre.objects.update_or_create(
            name=PSYCHOLOGY, defaults={"contact_email": "scolarite.psycho@univ-tlse2.fr"}
        )[0],
    }
    for code, title, centre, (opens, closes), waiting_list, optional in PROGRAMMES:
        Programme.objects.update_or_create(
            campaign=campaign,
            code=code,
            defaults={
                "title": title,
                "centre": centres[centre],
                "capacity": 25,
                "has_waiting_list": waiting_list,
                "optional_sections": optional,
                "description": f"{title} — {centre}.",
                **_dates(opens, closes),
            },
        )
    lines = [
        f"offer: campaign {campaign.code}, {len(centres)} centres, {len(PROGRAMMES)} programmes"
    ]
    lines += filter(
        None,
        [
            _apply("camille.martin@demo.ecandidat.localhost", "FC-DIPL"),
            _apply("karim.benali@demo.ecandidat.localhost", "FC-REPRISE"),
        ],
    )
    return lines
