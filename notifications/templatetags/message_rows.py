"""The messages list's rows written in Python: through the template's loop each row cost a
``date`` filter, a ``{% url %}`` and the status badge's ``{% include %}``, most of the page's
own rendering. The HTML is that of ``notifications/_message_rows.html``, the loop's template,
kept as the reference (a test compares the two, FR and EN, every status)."""

from django import template
from django.utils import timezone
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ecandidat.dates import local_date
from ecandidat.reversing import url_around

register = template.Library()

# notifications/includes/status_badge.html, whitespace included: (colour, text) per status.
_BADGES = {"sent": ("success", _("Delivered")), "failed": ("error", _("Not delivered by mail"))}
_OTHER = ("info", _("Being sent"))
_ROW = (
    "\n                        <tr>\n"
    "                            <td>{date}</td>\n"
    "                            <td>\n"
    '                                <a href="{head}{pk}{tail}">{subject}</a>\n'
    "                            </td>\n"
    "                            <td>\n\n"
    '    <p class="fr-badge fr-badge--{colour} fr-badge--sm">{status}</p>\n\n'
    "</td>\n"
    "                        </tr>\n                    "
)


@register.simple_tag
def message_rows(mails) -> str:
    head, tail = url_around("notifications:message_detail")
    badges = {}
    html = []
    for mail in mails:
        badge = badges.get(mail.status)
        if badge is None:
            colour, text = _BADGES.get(mail.status, _OTHER)
            # As {% translate %}: the catalogue's text is not escaped.
            badge = badges[mail.status] = (colour, str(text))
        html.append(
            _ROW.format(
                # As |date: in the current time zone, then escaped.
                date=conditional_escape(
                    local_date(timezone.localtime(mail.created_at), "SHORT_DATETIME_FORMAT")
                ),
                head=head,
                pk=int(mail.pk),
                tail=tail,
                subject=conditional_escape(mail.subject),
                colour=badge[0],
                status=badge[1],
            )
        )
    # Every value is escaped above (the id is an int); the rest is constant or the catalogue's.
    return mark_safe("".join(html))  # noqa: S308
