"""Demo of the ENT sign-in: nothing to create (the development CAS server and the records
fixture are files); prints the ENT logins and the former student's INE. Embedded mode only."""

import json

from django.conf import settings

from .dev_idp import people


def populate():
    if not settings.ENT_DEV_IDP:
        return []
    lines = [
        f"ENT (« Se connecter avec l'ENT », development CAS): {p['login']} / {p['password']}"
        for p in people()
    ]
    if settings.STUDENT_RECORDS_BACKEND == "fixture":
        with open(settings.STUDENT_RECORDS_FIXTURE, encoding="utf-8") as fixture:
            records = json.load(fixture)
        ent_numbers = {p["attributes"].get("supannEtuId") for p in people()}
        for record in records:
            if record["student_number"] not in ent_numbers:
                lines.append(
                    "former student without ENT (« Créer un compte avec mon INE »): "
                    f"INE {record['ine']}, born {record['birth_date']} "
                    f"({record['first_names']} {record['birth_name']})"
                )
    return lines
