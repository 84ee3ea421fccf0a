"""Demo back office: a central administrator and one staff member per centre (each seeing only
their centre), and applications of the psychology centre in every status of the file, each
driven through the real services (dossier, apply, upload, submit, review). Idempotent: an
application that exists is left as it is."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.demo import authenticator
from accounts.models import User
from candidatures import workflow
from candidatures.demo import FORMATION_CONTINUE, PSYCHOLOGY
from candidatures.models import Candidature, Centre, Programme
from dossiers.models import BacKind, Commune, PersonalInfo
from dossiers.services import (
    dossier_create,
    personal_info_save,
    section_declare_none,
    section_save,
)
from ecandidat.pdf import html_to_pdf

from . import services
from .antivirus import ScanResult, ScanStatus
from .files import check_upload
from .models import Piece, PieceStatus
from .selectors import required_pieces

STAFF_PASSWORD = "demo-gestion-2026"  # noqa: S105 (public demo login)
CANDIDATE_PASSWORD = "demo-candidat-2026"  # noqa: S105 (public demo login)
CENTRAL = ("scolarite@demo.ecandidat.localhost", "Scolarité", "Centrale")
CENTRE_STAFF = [
    ("gestionnaire.psycho@demo.ecandidat.localhost", "Inès", "Roux", PSYCHOLOGY),
    ("gestionnaire.fc@demo.ecandidat.localhost", "Paul", "Garcia", FORMATION_CONTINUE),
]
PROGRAMME = "PSY-L3"
# email, first name, last name, civility, what happens to the application
CANDIDATES = [
    ("ines.moreau@demo.ecandidat.localhost", "Inès", "Moreau", "mme", "draft"),
    ("hugo.lefebvre@demo.ecandidat.localhost", "Hugo", "Lefebvre", "m", "received"),
    ("chloe.girard@demo.ecandidat.localhost", "Chloé", "Girard", "mme", "received"),
    ("lucas.fournier@demo.ecandidat.localhost", "Lucas", "Fournier", "m", "incomplete"),
    ("emma.mercier@demo.ecandidat.localhost", "Emma", "Mercier", "mme", "complete"),
    ("nathan.blanc@demo.ecandidat.localhost", "Nathan", "Blanc", "m", "cancelled"),
]


def _account(email, password, **fields):
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, password, activated_at=timezone.now(), **fields)
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _staff():
    central = _account(
        CENTRAL[0], STAFF_PASSWORD, is_staff=True, first_name=CENTRAL[1], last_name=CENTRAL[2]
    )
    central.groups.add(Group.objects.get(name="Scolarité centrale"))
    lines = [
        f"central administration (every centre): {central.email} / {STAFF_PASSWORD}"
        + authenticator(central)
    ]
    for email, first, last, centre_name in CENTRE_STAFF:
        user = _account(email, STAFF_PASSWORD, is_staff=True, first_name=first, last_name=last)
        user.groups.add(Group.objects.get(name="Gestionnaires de centre"))
        centre = Centre.objects.get(name=centre_name)
        centre.staff.add(user)
        lines.append(
            f"centre staff ({centre_name} only): {email} / {STAFF_PASSWORD}" + authenticator(user)
        )
    return lines, central, user


def _dossier(user, civility, first, last):
    dossier = dossier_create(user=user)
    if not PersonalInfo.objects.filter(dossier=dossier).exists():
        personal_info_save(
            dossier=dossier,
            actor=user,
            data={
                "civility": civility,
                "birth_name": last,
                "usage_name": "",
                "first_names": first,
                "birth_date": datetime.date(2002, 3, 14),
                "birth_country": "FR",
                "birth_commune": Commune.objects.filter(insee_code="31555").first(),
                "birth_town": "",
                "nationality": "FR",
                "ine": "",
                "phone": "+33561000010",
                "mobile_phone": "",
            },
        )
        section_save(
            dossier=dossier,
            actor=user,
            section="address",
            data={
                "country": "FR",
                "line1": "3 place du Capitole",
                "commune": Commune.objects.get(insee_code="31555", postal_code="31000"),
            },
        )
        section_save(
            dossier=dossier, actor=user, section="baccalaureate", data={"kind": BacKind.NONE}
        )
        for section in ("external_cursus", "internships", "experiences"):
            section_declare_none(dossier=dossier, actor=user, section=section, none=True)
    return dossier


def _document(title: str) -> bytes:
    return html_to_pdf(
        f'<html><body style="font-family: sans-serif"><h1>{title}</h1>'
        "<p>Document de démonstration.</p></body></html>"
    )


def _upload_all(candidature, user, pdf: bytes):
    for requirement in required_pieces(candidature.programme):
        piece = Piece.objects.filter(
            candidature=candidature, piece_type=requirement.piece_type
        ).first()
        if piece is not None and piece.status == PieceStatus.UPLOADED:
            continue
        if requirement.is_conditional:
            services.piece_not_concerned(
                candidature=candidature, piece_type=requirement.piece_type, actor=user
            )
            continue
        services.piece_store(
            candidature=candidature,
            piece_type=requirement.piece_type,
            clean=check_upload(pdf, name=f"{requirement.piece_type.label_fr}.pdf"),
            scan=ScanResult(ScanStatus.DISABLED),
            actor=user,
        )


def _drive(outcome, candidature, user, staff, pdf):
    _upload_all(candidature, user, pdf)
    if outcome == "draft":
        return
    if outcome == "cancelled":
        workflow.candidature_cancel(candidature=candidature, actor=user)
        return
    workflow.candidature_submit(candidature=candidature, actor=user)
    if outcome == "received":
        return
    pieces = list(candidature.pieces.select_related("piece_type").order_by("piece_type__order"))
    if outcome == "incomplete":
        services.piece_validate(piece=pieces[0], actor=staff)
        services.piece_refuse(
            piece=pieces[-1],
            actor=staff,
            reason="Le document n'est pas signé : signez-le et déposez-le à nouveau.",
        )
        workflow.candidature_mark_incomplete(candidature=candidature, actor=staff)
        return
    for piece in pieces:
        if piece.status == PieceStatus.UPLOADED:
            services.piece_validate(piece=piece, actor=staff)
    workflow.candidature_mark_complete(candidature=candidature, actor=staff)


def populate():
    lines, _central, psy_staff = _staff()
    psy_staff = User.objects.get(email=CENTRE_STAFF[0][0])
    programme = Programme.objects.get(campaign__is_active=True, code=PROGRAMME)
    pdf = None
    for email, first, last, civility, outcome in CANDIDATES:
        user = _account(
            email, CANDIDATE_PASSWORD, first_name=first, last_name=last, civility=civility
        )
        dossier = _dossier(user, civility, first, last)
        candidature = Candidature.objects.filter(dossier=dossier, programme=programme).first()
        if candidature is None:
            pdf = pdf or _document("Pièce de démonstration")
            candidature = workflow.candidature_create(
                dossier=dossier, programme=programme, actor=user
            )
            _drive(outcome, candidature, user, psy_staff, pdf)
            candidature.refresh_from_db()
        lines.append(
            f"application ({PSYCHOLOGY}): {email} → {programme.title} "
            f"({candidature.get_status_display()})"
        )
    return lines
