"""Demo commission: the « Master Psychologie clinique » of the UFR de Psychologie, whose
applications are closed and whose decisions may be published today, with six complete
applications (made, submitted and marked complete through the workflow) waiting for the
commission; a president and a member for it, and the president of another centre's commission
who must see none of it; the reasons for an unfavourable decision and the UFR's admission
letter. Idempotent."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.demo import CANDIDATE_PASSWORD, STAFF, _ensure, authenticator
from accounts.models import User
from candidatures.demo import FORMATION_CONTINUE, PSYCHOLOGY
from candidatures.models import Campaign, Candidature, Centre, Programme
from candidatures.offer import offer_changed
from candidatures.workflow import (
    candidature_create,
    candidature_mark_complete,
    candidature_submit,
)
from dossiers.models import Address, Baccalaureate, BacKind, PersonalInfo
from dossiers.services import dossier_create
from ecandidat.pdf import html_to_pdf
from pieces import antivirus
from pieces.files import check_upload
from pieces.models import PieceType, RequiredPiece
from pieces.services import piece_store

from .models import AdmissionLetter, Commission, CommissionMember, UnfavourableReason

CODE = "PSY-M2"
REVIEWER_PASSWORD = "demo-commission-2026"  # noqa: S105 (public demo login)
PRESIDENT = ("presidente.psycho@demo.ecandidat.localhost", "Paule", "Roussel")
MEMBER = ("membre.psycho@demo.ecandidat.localhost", "Marc", "Lefèvre")
OTHER = ("president.fc@demo.ecandidat.localhost", "Olivier", "Garnier")
OTHER_MEMBER = ("membre.fc@demo.ecandidat.localhost", "Claire", "Dupuis")
APPLICANTS = [
    ("ines.moreau", "Inès", "Moreau", "mme"),
    ("hugo.lambert", "Hugo", "Lambert", "m"),
    ("chloe.fournier", "Chloé", "Fournier", "mme"),
    ("yanis.girard", "Yanis", "Girard", "m"),
    ("sarah.bonnet", "Sarah", "Bonnet", "mme"),
    ("lucas.mercier", "Lucas", "Mercier", "m"),
]
REASONS = [
    ("Capacité d'accueil atteinte", "The programme is full"),
    ("Prérequis non acquis", "The prerequisites are not met"),
    ("Projet professionnel insuffisamment défini", "The professional project is not clear enough"),
]
LETTER_FR = (
    "Madame, Monsieur,\n\n"
    "Nous avons le plaisir de vous informer que la commission pédagogique de l'{centre} a émis "
    "un avis favorable à votre admission en {programme} ({code}).\n\n"
    "Nous vous prions d'agréer nos salutations distinguées."
)
LETTER_EN = (
    "Dear candidate,\n\n"
    "We are pleased to tell you that the admissions committee of the {centre} has given a "
    "favourable decision on your admission to {programme} ({code}).\n\n"
    "Yours sincerely."
)


def _reviewer(email, first, last):
    """The account and what to print after its login (its TOTP secret where required)."""
    user = _ensure(email, REVIEWER_PASSWORD, first_name=first, last_name=last)
    return user, authenticator(user)


def _programme(campaign, centre, now) -> Programme:
    """Open while the demo applies, then closed with its publication date reached."""
    programme, _created = Programme.objects.get_or_create(
        campaign=campaign,
        code=CODE,
        defaults={
            "title": "Master Psychologie clinique",
            "centre": centre,
            "capacity": 2,
            "has_waiting_list": True,
            "description": "Master Psychologie clinique — UFR de Psychologie.",
            "opens_at": now - datetime.timedelta(days=60),
            "closes_at": now + datetime.timedelta(days=1),
            "return_deadline": now + datetime.timedelta(days=2),
            "jury_at": now + datetime.timedelta(days=3),
            "publication_at": now + datetime.timedelta(days=4),
            "confirmation_days": 8,
        },
    )
    return programme


def _document(title: str, name: str):
    html = (
        f"<html><body><h1>{title}</h1><p>{name}</p><p>Document de démonstration.</p></body></html>"
    )
    upload = SimpleUploadedFile(f"{title}.pdf", html_to_pdf(html), "application/pdf")
    return check_upload(upload)


def _apply(programme, staff, login, first, last, civility):
    email = f"{login}@demo.ecandidat.localhost"
    user = _ensure(email, CANDIDATE_PASSWORD, first_name=first, last_name=last, civility=civility)
    dossier = dossier_create(user=user)
    if not PersonalInfo.objects.filter(dossier=dossier).exists():
        PersonalInfo.objects.create(
            dossier=dossier,
            civility=civility,
            birth_name=last,
            first_names=first,
            birth_date=datetime.date(2001, 3, 14),
            birth_country="FR",
            birth_town="Toulouse",
            nationality="FR",
            phone="+33561000009",
        )
        Address.objects.create(dossier=dossier, line1="3 place du Capitole", country="FR")
        Baccalaureate.objects.create(dossier=dossier, kind=BacKind.NONE)
        dossier.has_no_external_cursus = dossier.has_no_internships = True
        dossier.has_no_experiences = True
        dossier.save()
    candidature = Candidature.objects.filter(dossier=dossier, programme=programme).first()
    if candidature is None:
        candidature = candidature_create(dossier=dossier, programme=programme, actor=user)
        for requirement in RequiredPiece.objects.filter(programme=programme):
            clean = _document(requirement.piece_type.label_fr, f"{first} {last}")
            piece_store(
                candidature=candidature,
                piece_type=requirement.piece_type,
                clean=clean,
                scan=antivirus.scan(clean.file),
                actor=user,
            )
        candidature_submit(candidature=candidature, actor=user)
        candidature_mark_complete(candidature=candidature, actor=staff)
    return email


def populate():
    now = timezone.localtime().replace(minute=0, second=0, microsecond=0)
    campaign = Campaign.objects.get(is_active=True)
    psychology = Centre.objects.get(name=PSYCHOLOGY)
    staff = User.objects.get(email=STAFF[0])
    programme = _programme(campaign, psychology, now)
    for label in ("Curriculum vitae", "Lettre de motivation"):
        piece_type = PieceType.objects.filter(label_fr=label).first()
        if piece_type is not None:
            RequiredPiece.objects.get_or_create(programme=programme, piece_type=piece_type)
    applicants = [_apply(programme, staff, *row) for row in APPLICANTS]
    if programme.closes_at > now:
        # Applications are in: the window closes, the jury met, decisions may be published.
        Programme.objects.filter(pk=programme.pk).update(
            opens_at=now - datetime.timedelta(days=60),
            closes_at=now - datetime.timedelta(days=25),
            return_deadline=now - datetime.timedelta(days=20),
            jury_at=now - datetime.timedelta(days=2),
            publication_at=now - datetime.timedelta(hours=1),
        )
        offer_changed()  # an update sends no signal: the offer page's listing follows
    for order, (fr, en) in enumerate(REASONS):
        UnfavourableReason.objects.update_or_create(
            label_fr=fr, defaults={"label_en": en, "order": order}
        )
    AdmissionLetter.objects.update_or_create(
        centre=psychology,
        defaults={
            "body_fr": LETTER_FR,
            "body_en": LETTER_EN,
            "signatory_name": "Hélène Castex",
            "signatory_title": "Directrice de l'UFR de Psychologie",
        },
    )
    (president, president_mfa), (member, member_mfa) = _reviewer(*PRESIDENT), _reviewer(*MEMBER)
    commission, _created = Commission.objects.get_or_create(
        centre=psychology, name="Commission du master de psychologie clinique"
    )
    commission.programmes.add(programme)
    CommissionMember.objects.update_or_create(
        commission=commission, user=president, defaults={"is_president": True}
    )
    CommissionMember.objects.update_or_create(
        commission=commission, user=member, defaults={"is_president": False}
    )
    formation_continue = Centre.objects.get(name=FORMATION_CONTINUE)
    other, _created = Commission.objects.get_or_create(
        centre=formation_continue, name="Commission des formations diplômantes"
    )
    other.programmes.add(*Programme.objects.filter(campaign=campaign, centre=formation_continue))
    (other_president, other_mfa), (other_member, other_member_mfa) = (
        _reviewer(*OTHER),
        _reviewer(*OTHER_MEMBER),
    )
    CommissionMember.objects.update_or_create(
        commission=other, user=other_president, defaults={"is_president": True}
    )
    CommissionMember.objects.update_or_create(
        commission=other, user=other_member, defaults={"is_president": False}
    )
    return [
        f"commission president (/commission/): {PRESIDENT[0]} / {REVIEWER_PASSWORD}"
        + president_mfa,
        f"commission member: {MEMBER[0]} / {REVIEWER_PASSWORD}{member_mfa}",
        f"another commission's president ({FORMATION_CONTINUE}): {OTHER[0]} / "
        f"{REVIEWER_PASSWORD}{other_mfa}",
        f"another commission's member: {OTHER_MEMBER[0]} / {REVIEWER_PASSWORD}{other_member_mfa}",
        f"{len(applicants)} complete applications to {programme} waiting for decisions, "
        f"candidates {', '.join(a.split('@')[0] for a in applicants)} / {CANDIDATE_PASSWORD}",
    ]
