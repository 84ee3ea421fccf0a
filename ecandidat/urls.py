"""Top-level URLs. Candidate pages are translated by language cookie/header, not by prefix."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts import views as account_views
from ent.urls import dev_idp_urlpatterns

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accessibilite/", account_views.accessibility, name="accessibility"),
    # The language switch works before signing in too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("accounts.urls")),
    path("accounts/", include("ent.urls")),
    path("accounts/", include("allauth.urls")),
    path("dossier/", include("dossiers.urls")),
    path("", include("candidatures.urls")),
    path("", include("pieces.urls")),
    path("exports/", include("exports.urls")),
    path("messages/", include("notifications.urls")),
    # The embedded demo's development CAS server (404 unless ENT_DEV_IDP).
    path("dev-cas/", include(dev_idp_urlpatterns)),
    path("commission/", include("commissions.urls")),
]

if settings.BENCH:  # the floors of bench/ (docs/performance.md); off by default
    urlpatterns.append(path("bench/", include("bench.urls")))
