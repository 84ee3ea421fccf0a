"""The two back-office roles as groups (``candidatures.roles``). Idempotent."""

from django.db import migrations

def create_groups(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    from candidatures.roles import ensure_groups

    ensure_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("candidatures", "0004_bulk_operations"),
        ("pieces", "0002_review"),
        ("notifications", "0003_delivery_status_label"),
        ("dossiers", "0003_dossiers_for_older_accounts"),
        ("audit", "0001_initial"),
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
