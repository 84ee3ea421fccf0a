"""Gives a dossier to every activated candidate account that has none (accounts activated
before dossiers were created at activation), so that reading a dossier never has to create
one. Staff accounts get none."""

from django.db import migrations

BATCH = 2000


def create_missing_dossiers(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    Dossier = apps.get_model("dossiers", "Dossier")
    users = (
        User.objects.filter(activated_at__isnull=False, is_staff=False, dossier__isnull=True)
        .order_by("pk")
        .values_list("pk", "candidate_number")
    )
    batch = []
    for pk, number in users.iterator(chunk_size=BATCH):
        batch.append(Dossier(user_id=pk, number=number))
        if len(batch) == BATCH:
            Dossier.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Dossier.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_referentials"), ("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_missing_dossiers, migrations.RunPython.noop)]
