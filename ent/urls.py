"""ENT URLs, mounted under accounts/ before allauth's (the OpenID Connect callback replaces
allauth's on the same path), and the embedded demo's development CAS server. All of them are
used before signing in: each view is marked ``login_not_required`` (deny by default)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path

from . import dev_idp, oidc, views
from .casauth import CasLoginView

app_name = "ent"

urlpatterns = [
    path("cas/login/", login_not_required(CasLoginView.as_view()), name="cas_login"),
    path("oidc/<str:provider_id>/login/callback/", oidc.callback, name="oidc_callback"),
    path("ent/link/", views.link, name="link"),
    path("signup/ine/", views.ine_signup, name="signup_ine"),
]

dev_idp_urlpatterns = [
    path("login", dev_idp.login, name="dev_cas_login"),
    path("p3/serviceValidate", dev_idp.service_validate, name="dev_cas_validate"),
    path("logout", dev_idp.logout, name="dev_cas_logout"),
]
