"""The two back-office roles as groups, assigned to staff accounts in the admin (Accounts):
« Gestionnaires de centre » review their centres' applications (which centres: Centre.staff),
« Scolarité centrale » manage every centre (their group holds ``manage_all_centres``).

``ensure_groups`` takes the model classes so the data migration can pass its historical ones;
it only adds permissions, never removes what an administrator added."""

CENTRE_STAFF = "Gestionnaires de centre"
CENTRAL = "Scolarité centrale"

# (app, model) -> actions, for centre staff.
CENTRE_STAFF_PERMISSIONS = {
    ("candidatures", "candidature"): ["view"],
    ("candidatures", "programme"): ["view", "change"],
    ("candidatures", "centre"): ["view", "change"],
    ("candidatures", "campaign"): ["view"],
    ("candidatures", "staffnote"): ["view", "add"],
    ("candidatures", "bulkoperation"): ["view"],
    ("pieces", "piece"): ["view"],
    ("pieces", "piecetype"): ["view"],
    ("pieces", "requiredpiece"): ["view", "add", "change", "delete"],
    ("dossiers", "dossier"): ["view"],
    ("notifications", "mailtemplate"): ["view", "add", "change"],
    # Their centres' commissions and admission letters (commissions.admin scopes them); the
    # reasons offered with an unfavourable decision are shared, changed centrally.
    ("commissions", "commission"): ["view", "add", "change", "delete"],
    ("commissions", "commissionmember"): ["view", "add", "change", "delete"],
    ("commissions", "admissionletter"): ["view", "add", "change", "delete"],
    ("commissions", "unfavourablereason"): ["view"],
}
CENTRAL_APPS = [
    "candidatures",
    "pieces",
    "dossiers",
    "notifications",
    "audit",
    "accounts",
    "commissions",
    "exports",
    "jobs",
    "ent",
]


def ensure_groups(group_model, permission_model):
    staff, _ = group_model.objects.get_or_create(name=CENTRE_STAFF)
    for (app, model), actions in CENTRE_STAFF_PERMISSIONS.items():
        staff.permissions.add(
            *permission_model.objects.filter(
                content_type__app_label=app,
                content_type__model=model,
                codename__in=[f"{action}_{model}" for action in actions],
            )
        )
    central, _ = group_model.objects.get_or_create(name=CENTRAL)
    central.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=CENTRAL_APPS).exclude(
            # Running a job now is given to a named operator on top of the role (docs/jobs.md).
            codename__in=["run_jobs"]
        )
    )
    return staff, central


def ensure_groups_after_migrate(sender, using="default", **kwargs):
    """post_migrate: the groups follow the permissions of apps added after the data migration
    (commissions, exports, jobs, ent came later and the groups had none of theirs, so only a
    superuser could manage commissions or run a job). The other apps' permissions are created
    first: this runs for the candidatures app, before theirs."""
    from django.apps import apps
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_groups(Group, Permission)
