"""Staff screens: the catalogue of piece types and what each programme or centre asks for.
Candidates' pieces are read-only here (their files go out only through the download view)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Piece, PieceType, RequiredPiece


class RequiredPieceInline(admin.TabularInline):
    model = RequiredPiece
    extra = 0
    autocomplete_fields = ["programme", "centre"]


@admin.register(PieceType)
class PieceTypeAdmin(admin.ModelAdmin):
    list_display = ["label_fr", "label_en", "conditional", "shared", "order"]
    list_editable = ["order"]
    search_fields = ["label_fr", "label_en"]
    inlines = [RequiredPieceInline]


@admin.register(RequiredPiece)
class RequiredPieceAdmin(admin.ModelAdmin):
    list_display = ["piece_type", "programme", "centre", "conditional"]
    list_filter = ["centre", "programme__campaign"]
    list_select_related = ["piece_type", "programme", "centre"]
    autocomplete_fields = ["piece_type", "programme", "centre"]


@admin.register(Piece)
class PieceAdmin(admin.ModelAdmin):
    list_display = ["candidature", "piece_type", "status", "uploaded_at", "download"]
    list_filter = ["status", "piece_type"]
    list_select_related = ["candidature__programme", "candidature__dossier", "piece_type"]
    readonly_fields = [
        "candidature",
        "piece_type",
        "original_name",
        "size",
        "content_type",
        "uploaded_at",
        "download",
    ]
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("file"))
    def download(self, obj):
        if not obj.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("pieces:download", args=[obj.pk]), obj.original_name
        )
