"""Demo dossiers: camille.martin's and karim.benali's are filled, lea.dubois's is left empty
(she has just activated her account). Idempotent."""

import datetime

from accounts.models import User

from .models import BacKind, BacMention, BacSeries, Commune, Level, Obtained, PersonalInfo, WorkTime
from .services import (
    dossier_create,
    line_save,
    personal_info_save,
    section_declare_none,
    section_save,
)


def _fill_camille(user):
    # The demo's accounts are activated directly, so they get their dossier here.
    dossier = dossier_create(user=user)
    toulouse = Commune.objects.get(insee_code="31555", postal_code="31400")
    # Saved once: after a submission the personal information is frozen.
    if not PersonalInfo.objects.filter(dossier=dossier).exists():
        personal_info_save(
            dossier=dossier,
            actor=user,
            data={
                "civility": "mme",
                "birth_name": "Martin",
                "usage_name": "",
                "first_names": "Camille, Marie",
                "birth_date": datetime.date(1998, 4, 12),
                "birth_country": "FR",
                "birth_commune": Commune.objects.get(insee_code="31069"),
                "birth_town": "",
                "nationality": "FR",
                "ine": "0312345678X",  # a BEA number with a valid key
                "phone": "+33561000001",
                "mobile_phone": "+33612345678",
            },
        )
    section_save(
        dossier=dossier,
        actor=user,
        section="address",
        data={"country": "FR", "line1": "12 rue des Lilas", "commune": toulouse},
    )
    section_save(
        dossier=dossier,
        actor=user,
        section="baccalaureate",
        data={
            "kind": BacKind.FRENCH,
            "year": 2016,
            "series": BacSeries.objects.get(code="S"),
            "mention": BacMention.objects.get(code="AB"),
            "school": "Lycée Pierre de Fermat",
            "school_country": "FR",
        },
    )
    if not dossier.external_cursus.exists():
        for year, diploma, level in (
            (2019, "Licence de psychologie", Level.BAC_3),
            (2021, "Master de psychologie sociale", Level.BAC_5),
        ):
            line_save(
                dossier=dossier,
                actor=user,
                section="external_cursus",
                data={
                    "year": year,
                    "institution": "Université de Bordeaux",
                    "country": "FR",
                    "diploma": diploma,
                    "level": level,
                    "obtained": Obtained.YES,
                },
            )
    if not dossier.internships.exists():
        line_save(
            dossier=dossier,
            actor=user,
            section="internships",
            data={
                "year": 2021,
                "organisation": "CHU de Toulouse",
                "duration_weeks": 12,
                "hours_per_week": 35,
                "description": "Stage en service de psychologie clinique.",
            },
        )
    section_declare_none(dossier=dossier, actor=user, section="experiences", none=True)


def _fill_karim(user):
    dossier = dossier_create(user=user)
    # Saved once: after a submission the personal information is frozen.
    if not PersonalInfo.objects.filter(dossier=dossier).exists():
        personal_info_save(
            dossier=dossier,
            actor=user,
            data={
                "civility": "m",
                "birth_name": "Benali",
                "usage_name": "",
                "first_names": "Karim",
                "birth_date": datetime.date(1985, 11, 3),
                "birth_country": "MA",
                "birth_commune": None,
                "birth_town": "Casablanca",
                "nationality": "FR",
                "ine": "",
                "phone": "+33561000002",
                "mobile_phone": "",
            },
        )
    section_save(
        dossier=dossier,
        actor=user,
        section="address",
        data={
            "country": "FR",
            "line1": "4 allée Jean Jaurès",
            "line2": "Bâtiment B",
            "commune": Commune.objects.get(insee_code="31149"),
        },
    )
    section_save(dossier=dossier, actor=user, section="baccalaureate", data={"kind": BacKind.NONE})
    section_declare_none(dossier=dossier, actor=user, section="external_cursus", none=True)
    section_declare_none(dossier=dossier, actor=user, section="internships", none=True)
    if not dossier.experiences.exists():
        line_save(
            dossier=dossier,
            actor=user,
            section="experiences",
            data={
                "start_date": datetime.date(2005, 9, 1),
                "end_date": None,
                "employer": "Airbus",
                "position": "Technicien de maintenance",
                "work_time": WorkTime.FULL,
                "description": "Maintenance des lignes d'assemblage.",
            },
        )


FILLERS = {
    "camille.martin@demo.ecandidat.localhost": _fill_camille,
    "karim.benali@demo.ecandidat.localhost": _fill_karim,
    "lea.dubois@demo.ecandidat.localhost": lambda user: dossier_create(user=user),
}


def populate():
    """Returns the lines to print."""
    lines = []
    for email, fill in FILLERS.items():
        user = User.objects.filter(email=email).first()
        if user is None:
            continue
        fill(user)
        state = "filled" if fill in (_fill_camille, _fill_karim) else "empty"
        lines.append(f"dossier {user.candidate_number}: {email} ({state})")
    return lines
