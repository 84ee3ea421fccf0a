"""Creates the beat's schedule of every registered job (``jobs.schedules.sync_schedules``);
later ``migrate`` runs add the schedules of jobs registered since, never changing a row."""

from django.db import migrations


def create_schedules(apps, schema_editor):
    from jobs.schedules import sync_schedules

    sync_schedules(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, migrations.RunPython.noop)]
