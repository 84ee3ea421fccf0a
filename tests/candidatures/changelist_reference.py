"""Django's own rendering of the staff changelist, to compare ours with."""

from django.contrib import admin as django_admin
from django.contrib.admin.views.main import ChangeList


def use_djangos_changelist(patch) -> None:
    """With ``patch`` (pytest's monkeypatch), the applications list renders as Django's
    ChangeList, RelatedFieldListFilter and templates do: no lean rows, no written filters."""
    from candidatures.admin import CandidatureAdmin
    from ecandidat.scoping import ScopedRelatedFilter

    patch.setattr(CandidatureAdmin, "get_changelist", lambda self, request: ChangeList)
    patch.setattr(ScopedRelatedFilter, "choices", django_admin.RelatedFieldListFilter.choices)
    patch.setattr(ScopedRelatedFilter, "template", "admin/filter.html")
    patch.setattr(
        ScopedRelatedFilter,
        "field_choices",
        lambda self, field, request, model_admin: [
            (obj.pk, str(obj)) for obj in field.related_model.objects.for_staff(request.user)
        ],
    )
