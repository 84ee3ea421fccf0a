"""Staff screens: the catalogue of piece types and what each programme or centre asks for,
and the review of candidates' pieces. Pieces are read-only here: they are validated or refused
only through ``services.piece_validate`` / ``piece_refuse`` (the forms on the application
page), and their files go out only through the scoped download and preview views."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from candidatures.models import Centre, Programme
from ecandidat.scoping import (
    CentralEditsMixin,
    ScopedRelatedFilter,
    StaffScopedAdmin,
    admin_paths,
)

from . import services
from .models import Piece, PieceStatus, PieceType, RequiredPiece
from .selectors import required_pieces
from .views import PREVIEWABLE


class RequiredPieceScope:
    """A requirement belongs to the staff member when its programme or its centre does."""

    def scope(self, request, queryset):
        return queryset.filter(
            Q(programme__in=Programme.objects.for_staff(request.user))
            | Q(centre__in=Centre.objects.for_staff(request.user))
        )


class RequiredPieceInline(RequiredPieceScope, StaffScopedAdmin, admin.TabularInline):
    model = RequiredPiece
    extra = 0
    autocomplete_fields = ["programme", "centre"]


@admin.register(PieceType)
class PieceTypeAdmin(CentralEditsMixin, admin.ModelAdmin):
    """The catalogue is shared by every centre: central administrators edit it."""

    list_display = ["label_fr", "label_en", "conditional", "shared", "order"]
    list_editable = ["order"]
    search_fields = ["label_fr", "label_en"]
    inlines = [RequiredPieceInline]


@admin.register(RequiredPiece)
class RequiredPieceAdmin(RequiredPieceScope, StaffScopedAdmin, admin.ModelAdmin):
    list_display = ["piece_type", "programme", "centre", "conditional"]
    list_filter = [("centre", ScopedRelatedFilter), "programme__campaign"]
    list_select_related = ["piece_type", "programme", "centre"]
    autocomplete_fields = ["piece_type", "programme", "centre"]


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for refusal (the candidate reads it)"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@admin.register(Piece)
class PieceAdmin(StaffScopedAdmin, admin.ModelAdmin):
    """Read-only and scoped; the verdicts are given on the application page."""

    list_display = [
        "candidature_link",
        "candidate",
        "piece_type",
        "status",
        "uploaded_at",
        "download",
    ]
    list_filter = ["status", "piece_type", ("candidature__programme__centre", ScopedRelatedFilter)]
    list_select_related = ["candidature__programme", "candidature__dossier__user", "piece_type"]
    search_fields = [
        "candidature__dossier__number",
        "candidature__dossier__user__last_name",
        "candidature__dossier__user__first_name",
        "candidature__dossier__user__email",
        "piece_type__label_fr",
        "piece_type__label_en",
        "original_name",
    ]
    show_full_result_count = False
    fields = [
        "candidature_link",
        "piece_type",
        "status",
        "refusal_comment",
        "reviewed_by",
        "reviewed_at",
        "original_name",
        "size",
        "content_type",
        "uploaded_at",
        "download",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("application"))
    def candidature_link(self, obj):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:candidatures_candidature_change", args=[obj.candidature_id]),
            obj.candidature,
        )

    @admin.display(description=_("candidate"), ordering="candidature__dossier__user__last_name")
    def candidate(self, obj):
        user = obj.candidature.dossier.user
        return f"{user.last_name.upper()} {user.first_name}".strip()

    @admin.display(description=_("file"))
    def download(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("pieces:download", args=[obj.pk]), obj.original_name
        )

    def get_urls(self):
        own = admin_paths(
            self,
            [
                ("<int:pk>/review/", "review", self.review_view),
                ("<int:pk>/preview/", "preview", self.preview_view),
            ],
        )
        return own + super().get_urls()

    def review_view(self, request, pk):
        """« Valider » / « Refuser » one piece (POST), then back to its application."""
        piece = get_object_or_404(self.get_queryset(request), pk=pk)
        back = redirect("admin:candidatures_candidature_change", piece.candidature_id)
        if request.method != "POST":
            return back
        try:
            if request.POST.get("verdict") == "validate":
                services.piece_validate(piece=piece, actor=request.user)
                self.message_user(
                    request, _("“%(piece)s” validated.") % {"piece": piece.piece_type}
                )
            elif request.POST.get("verdict") == "refuse":
                services.piece_refuse(
                    piece=piece, actor=request.user, reason=request.POST.get("reason", "")
                )
                self.message_user(
                    request,
                    _("“%(piece)s” refused. Mark the file incomplete to tell the candidate.")
                    % {"piece": piece.piece_type},
                    messages.WARNING,
                )
        except services.PieceError as error:
            self.message_user(request, error.message, messages.ERROR)
        return back

    def preview_view(self, request, pk):
        """The file shown in the page (PDF and images only: never HTML or anything a browser
        would run), scoped like the download."""
        from .views import serve_preview

        piece = get_object_or_404(
            self.get_queryset(request).exclude(file="").exclude(status=PieceStatus.PENDING_SCAN),
            pk=pk,
        )
        return serve_preview(piece, download_others=False)


def documents_panel(request, candidature) -> str:
    """The documents part of the back office's application page (``candidatures.admin``
    names this hook): each required piece with its status, preview, download and the
    validate / refuse forms while the file is "received". Two queries."""
    from candidatures.workflow import Stage, stage_of

    pieces = {p.piece_type_id: p for p in candidature.pieces.select_related("reviewed_by")}
    rows = []
    for requirement in required_pieces(candidature.programme):
        piece = pieces.get(requirement.piece_type_id)
        status = PieceStatus(piece.status) if piece else PieceStatus.MISSING
        previewable = (
            piece is not None
            and bool(piece.file)
            and status != PieceStatus.PENDING_SCAN
            and piece.content_type in PREVIEWABLE
        )
        rows.append(
            {
                "requirement": requirement,
                "piece": piece,
                "status": status,
                "previewable": previewable,
                "is_pdf": previewable and piece.content_type == "application/pdf",
                "can_validate": piece is not None
                and bool(piece.file)
                and status in (PieceStatus.UPLOADED, PieceStatus.REFUSED),
                "can_refuse": piece is not None
                and status
                in (
                    PieceStatus.UPLOADED,
                    PieceStatus.VALIDATED,
                    PieceStatus.NOT_CONCERNED,
                    PieceStatus.REFUSED,
                ),
            }
        )
    return render_to_string(
        "admin/pieces/documents_panel.html",
        {
            "rows": rows,
            "reviewing": stage_of(candidature) == Stage.RECEIVED,
            "refuse_form": RefuseForm(),
        },
        request=request,
    )
