"""« Se connecter avec l'ENT »: the buttons of the configured ENT sign-ins (CAS, OpenID
Connect), on the sign-in page and the home page."""

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("ent/_buttons.html", takes_context=True)
def ent_sign_in_buttons(context, next_url=""):
    buttons = []
    if settings.CAS_SERVER_URL:
        buttons.append({"kind": "cas", "url": reverse("ent:cas_login"), "method": "get"})
    if settings.ENT_OIDC_SERVER_URL:
        buttons.append(
            {
                "kind": "oidc",
                "url": reverse("openid_connect_login", kwargs={"provider_id": "ent"}),
                "method": "post",
            }
        )
    return {
        "buttons": buttons,
        "both": len(buttons) > 1,
        "next_url": next_url,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag
def ent_enabled() -> bool:
    return bool(settings.CAS_SERVER_URL or settings.ENT_OIDC_SERVER_URL)
