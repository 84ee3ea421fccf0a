"""Shipped referentials: baccalauréat series and mentions (editable in the admin afterwards)
and a few dozen communes around Toulouse for the demo and the tests (production loads the
whole official file with ``manage.py import_communes``)."""

from pathlib import Path

from django.db import migrations

SERIES = [
    ("GEN", "Baccalauréat général", "General baccalauréat"),
    ("STMG", "Technologique STMG (management et gestion)", "Technological STMG (management)"),
    ("STI2D", "Technologique STI2D (industrie et développement durable)", "Technological STI2D (industry, sustainable development)"),
    ("STL", "Technologique STL (laboratoire)", "Technological STL (laboratory)"),
    ("ST2S", "Technologique ST2S (santé et social)", "Technological ST2S (health and social care)"),
    ("STD2A", "Technologique STD2A (design et arts appliqués)", "Technological STD2A (design and applied arts)"),
    ("STHR", "Technologique STHR (hôtellerie et restauration)", "Technological STHR (hospitality)"),
    ("S2TMD", "Technologique S2TMD (théâtre, musique et danse)", "Technological S2TMD (theatre, music, dance)"),
    ("STAV", "Technologique STAV (agronomie et vivant)", "Technological STAV (agronomy)"),
    ("PRO", "Baccalauréat professionnel", "Vocational baccalauréat"),
    ("S", "Série S (scientifique, avant 2021)", "S series (sciences, before 2021)"),
    ("ES", "Série ES (économique et sociale, avant 2021)", "ES series (economics and social sciences, before 2021)"),
    ("L", "Série L (littéraire, avant 2021)", "L series (literature, before 2021)"),
    ("DAEU-A", "DAEU A (littéraire)", "DAEU A (humanities)"),
    ("DAEU-B", "DAEU B (scientifique)", "DAEU B (sciences)"),
    ("OTHER", "Autre titre admis en équivalence", "Other qualification admitted as equivalent"),
]
MENTIONS = [
    ("P", "Passable", "Pass"),
    ("AB", "Assez bien", "Fairly good"),
    ("B", "Bien", "Good"),
    ("TB", "Très bien", "Very good"),
    ("TBF", "Très bien avec félicitations du jury", "Very good with the jury's congratulations"),
]
COMMUNES_FILE = Path(__file__).resolve().parent.parent / "data" / "communes_toulouse.csv"


def load(apps, schema_editor):
    from dossiers.communes import decode, parse_communes, upsert_communes

    for model_name, rows in (("BacSeries", SERIES), ("BacMention", MENTIONS)):
        model = apps.get_model("dossiers", model_name)
        for order, (code, label, label_en) in enumerate(rows):
            model.objects.update_or_create(
                code=code, defaults={"label": label, "label_en": label_en, "order": order}
            )
    parsed = parse_communes(decode(COMMUNES_FILE.read_bytes()))
    upsert_communes(apps.get_model("dossiers", "Commune"), parsed.rows)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
