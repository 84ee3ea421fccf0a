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
}
CENTRAL_APPS = ["candidatures", "pieces", "dossiers", "notifications", "audit", "accounts"]


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
            codename="decide_candidature"  # the commission's, not the administration's
        )
    )
    return staff, central
