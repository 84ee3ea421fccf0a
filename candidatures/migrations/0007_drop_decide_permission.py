"""The ``decide_candidature`` permission is gone: the workflow's commission guard is the
reviewer's scope (``Candidature.objects.for_reviewer``: a membership of a commission examining
the programme), so the permission decided nothing. Its row is deleted with whatever held it
(users' and groups' links go with it), so no dead permission is left to tick in the admin."""

from django.db import migrations


def drop_permission(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Permission.objects.filter(
        content_type__app_label="candidatures", codename="decide_candidature"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("candidatures", "0006_bulk_reminders"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="candidature",
            options={
                "ordering": ["-created_at"],
                "verbose_name": "application",
                "verbose_name_plural": "applications",
            },
        ),
        migrations.RunPython(drop_permission, migrations.RunPython.noop),
    ]
