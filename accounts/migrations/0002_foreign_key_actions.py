"""Every existing foreign key constraint gets the ON DELETE action of its field (CASCADE, SET
NULL), as ``ecandidat.postgresql`` creates them from now on: the purge of unactivated accounts
spent most of its time in PostgreSQL's NO ACTION checks at commit. Runs after the last
migration of every installed app, so that it finds all of them; a no-op on a database whose
constraints were all created by that backend, and on SQLite."""

from django.db import migrations

from ecandidat.postgresql.base import sync_foreign_key_actions


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("audit", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("candidatures", "0010_candidature_programme_status"),
        ("commissions", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_cas_ng", "0003_auto_20210813_1226"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
        ("dossiers", "0004_student_records_import"),
        ("dsfr", "0012_dsfrconfig_notice_description_and_more"),
        ("ent", "0001_initial"),
        ("exports", "0002_export_audience"),
        ("jobs", "0002_schedules"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("notifications", "0003_delivery_status_label"),
        ("pieces", "0002_review"),
        ("socialaccount", "0006_alter_socialaccount_extra_data"),
    ]

    operations = [
        migrations.RunPython(sync_foreign_key_actions, migrations.RunPython.noop, elidable=False),
    ]
